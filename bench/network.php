<?php
/**
 * Shared by the benchmarks that run the plugin in the test WordPress network
 * (bench/onboarding.php, bench/apps-*.php): loading it, Ultimate Multisite's
 * records of names mapped long ago, the plugin's next scheduled run, and the
 * simulator's clock kept with a process that runs on a faster one.
 */

declare(strict_types=1);

require_once dirname(__DIR__) . '/tests/wordpress/support/load-wordpress.php';
require_once dirname(__DIR__) . '/tests/wordpress/support/class-queue-runner.php';
require_once __DIR__ . '/common.php';

use WuRunCloud\Plugin\Plugin;
use WuRunCloud\Plugin\Sync\Certificates\Certificate_Queue;
use WuRunCloud\Plugin\Sync\Name_Queue;
use WuRunCloud\Plugin\Sync\Reconcile\Daily_Reconcile;
use WuRunCloud\Tests\Queue_Runner;

/**
 * The plugin, once it took Ultimate Multisite's RunCloud integration over
 * (else there is nothing to measure: the process ends).
 */
function bench_plugin(): Plugin {
	$plugin = Plugin::instance();
	if (null === $plugin->took_over()) {
		fwrite(STDERR, "the plugin did not take Ultimate Multisite's RunCloud integration over\n");
		exit(1);
	}
	return $plugin;
}

/**
 * The name of mapped domain number $n.
 */
function bench_customer_name(int $n): string {
	return sprintf('customer-%04d.example', $n);
}

/**
 * Ultimate Multisite's records of $count mapped domains on the main site,
 * written as they stand after their DNS check (no events: they were mapped
 * before).
 */
function map_existing_names(int $count): void {
	$table = [];
	for ($n = 1; $n <= $count; $n++) {
		$table[ $n ] = ['id' => $n, 'blog_id' => 1, 'domain' => bench_customer_name($n), 'active' => true, 'primary_domain' => false, 'secure' => false, 'stage' => 'checking-ssl-cert'];
	}
	update_network_option(null, \WP_Ultimo\Models\Domain::TABLE, $table);
}

/**
 * When the next queue run the plugin scheduled is due, whichever web app it
 * is for (each app's runs carry its key; the next of any is asked here).
 */
function next_run(): ?int {
	$next = null;
	foreach ([Daily_Reconcile::STEP_HOOK, Certificate_Queue::HOOK, Name_Queue::HOOK] as $hook) {
		$at = Queue_Runner::next($hook);
		if (null !== $at) {
			$next = null === $next ? $at : min($next, $at);
		}
	}
	return $next;
}

/**
 * Moves the simulator's clock for Let's Encrypt's windows to this process's,
 * which runs $speed times faster than the wall's (and the simulator's).
 *
 * @param Simulator $sim   The simulator.
 * @param int       $began This process's time when the measurement began.
 * @param float     $wall  microtime(true) then, on this process's clock as time() is.
 * @param int       $speed How much faster this process's clock runs.
 */
function keep_simulator_clock(Simulator $sim, int $began, float $wall, int $speed): void {
	static $offset = 0;
	$ahead = (time() - $began) - (int) ((microtime(true) - $wall) / $speed);
	if ($ahead > $offset) {
		$offset = $sim->advance_clock($ahead - $offset);
	}
}
