<?php
/**
 * A 10,000-domain web app at 60 requests a minute: the plugin in a real
 * WordPress multisite (Ultimate Multisite 2.5 stand-in, Action Scheduler
 * stand-in) against the simulator, and the baseline provider against the same
 * app. Measures the daily reconcile (pages across queue runs, each run's
 * time against its budget, 429s, peak memory) and the API requests each
 * domain event costs. Prints JSON.
 *
 * Usage: bench/large.sh (make bench-large) sets up WordPress and the simulator
 * (--extra-domains 9999) and runs this file.
 */

declare(strict_types=1);

require dirname(__DIR__) . '/tests/wordpress/support/load-wordpress.php';
require_once dirname(__DIR__) . '/tests/wordpress/support/class-queue-runner.php';
require __DIR__ . '/common.php';
require __DIR__ . '/baseline/runcloud-provider.php';

use WuRunCloud\Plugin\Plugin;
use WuRunCloud\Plugin\Sync\Reconcile\Daily_Reconcile;
use WuRunCloud\Tests\Queue_Runner;

const RATE_PER_MINUTE = 60;
const EXPECTED        = 10000;

$sim = new Simulator((string) getenv('WU_TEST_SIM_URL'));
$sim->latency(BENCH_LATENCY_MS);
$plugin = Plugin::instance();
if (null === $plugin->took_over()) {
	fwrite(STDERR, "the plugin did not take Ultimate Multisite's RunCloud integration over\n");
	exit(1);
}

// 1. The daily reconcile, each further run started when the queue would start it.
$sim->rate_limit(RATE_PER_MINUTE, 60);
$sim->clear_log();
$peak_before = bench_proc_status_kib('VmHWM');
$runs        = [];
$began       = microtime(true);
$runs[]      = timed(static fn () => $plugin->daily_reconcile()->run());
while (null !== ($next = Queue_Runner::next(Daily_Reconcile::STEP_HOOK))) {
	$wait = $next - microtime(true);
	if ($wait > 0) {
		usleep((int) ($wait * 1e6));
	}
	$runs[] = timed(static fn () => Queue_Runner::run_due());
}
$reconcile_seconds = microtime(true) - $began;
$peak_after        = bench_proc_status_kib('VmHWM');
$requests          = $sim->requests();
$last              = get_network_option(null, 'wu_runcloud_last_reconcile');
$reconcile         = [
	'seconds'           => round($reconcile_seconds, 1),
	'pages'             => count(array_filter($requests, static fn (array $r): bool => str_contains((string) $r['query'], 'page='))),
	'requests'          => count($requests),
	'rate_limited'      => count(array_filter($requests, static fn (array $r): bool => 429 === ($r['status'] ?? null))),
	'left_unretried'    => unretried($requests),
	'runs'              => count($runs),
	'longest_run'       => round(max($runs), 2),
	'budget'            => $plugin->daily_reconcile()->budget(),
	'view_count'        => $plugin->fleet()->primary()->app->count(),
	'failure'           => is_array($last) ? $last['failure'] : 'no reconcile recorded',
	'peak_growth_kib'   => $peak_after - $peak_before,
	'php_peak_kib'      => intdiv(memory_get_peak_usage(true), 1024),
	'floor_seconds'     => round(ceil(EXPECTED / 40) / RATE_PER_MINUTE * 60, 1),
];

// 2. Domain events through Ultimate Multisite's (stand-in) Domain_Manager, in a fresh window.
$sim->rate_limit(RATE_PER_MINUTE, 60);
$domains = \WP_Ultimo\Managers\Domain_Manager::get_instance();
$ours    = [];
$site_id = 0;
$ours['new_site'] = event($sim, static function () use (&$site_id): void {
	$site_id = (int) wpmu_create_blog('shop.network.test', '/', 'Shop', 1);
}, static fn (array $state): bool => has($state, 'shop.network.test'));
$ours['mapping'] = event($sim, static fn () => $domains->map_domain('shop.example.com', $site_id), static fn (array $state): bool => has($state, 'shop.example.com'));
$ours['unmapping'] = event($sim, static fn () => $domains->unmap_domain('shop.example.com', $site_id), static fn (array $state): bool => ! has($state, 'shop.example.com'));
$ours['site_deletion'] = event($sim, static fn () => wp_delete_site($site_id), static fn (array $state): bool => ! has($state, 'shop.network.test'));

// 3. The baseline: the bundled provider's handlers for the same events, in Ultimate Multisite's order.
$sim->rate_limit(RATE_PER_MINUTE, 60);
$baseline  = new Baseline_RunCloud_Provider($sim->url(), BENCH_TOKEN, BENCH_SERVER_ID, BENCH_APP_ID);
$reference = [
	'new_site'      => baseline_event($sim, static function () use ($baseline): void {
		$baseline->on_add_subdomain('base.network.test', 2);
		$baseline->on_add_domain('base.network.test', 2);
	}, static fn (array $state): bool => has($state, 'base.network.test')),
	'mapping'       => baseline_event($sim, static fn () => $baseline->on_add_domain('base.example.com', 2), static fn (array $state): bool => has($state, 'base.example.com')),
	'unmapping'     => baseline_event($sim, static fn () => $baseline->on_remove_domain('base.example.com', 2), static fn (array $state): bool => ! has($state, 'base.example.com')),
	'site_deletion' => baseline_event($sim, static function () use ($baseline): void {
		$baseline->on_remove_domain('base.network.test', 2);
		$baseline->on_remove_subdomain('base.network.test', 2);
	}, static fn (array $state): bool => ! has($state, 'base.network.test')),
];

bench_emit(['rate_per_minute' => RATE_PER_MINUTE, 'domains' => EXPECTED, 'reconcile' => $reconcile, 'ours' => $ours, 'baseline' => $reference]);

/**
 * Seconds $work took.
 */
function timed(callable $work): float {
	$start = microtime(true);
	$work();
	return microtime(true) - $start;
}

/**
 * One event through the plugin: the requests its events and the work they
 * queue cost, excluding the certificate step shared by a burst (counted apart).
 *
 * @return array{requests: int, ssl_requests: int, done: bool}
 */
function event(Simulator $sim, callable $cause, callable $done): array {
	$sim->clear_log();
	$cause();
	\WP_Ultimo\Test\Async_Queue::run();
	$requests = $sim->requests();
	$ssl      = count(array_filter($requests, static fn (array $r): bool => str_contains((string) $r['path'], '/ssl')));
	return ['requests' => count($requests) - $ssl, 'ssl_requests' => $ssl, 'done' => $done($sim->state())];
}

/**
 * One event through the baseline, its certificate calls counted apart too.
 *
 * @return array{requests: int, ssl_requests: int, done: bool}
 */
function baseline_event(Simulator $sim, callable $cause, callable $done): array {
	$sim->clear_log();
	$cause();
	$requests = $sim->requests();
	$ssl      = count(array_filter($requests, static fn (array $r): bool => str_contains((string) $r['path'], '/ssl')));
	return ['requests' => count($requests) - $ssl, 'ssl_requests' => $ssl, 'done' => $done($sim->state())];
}

/**
 * Whether the simulated app holds $name.
 */
function has(array $state, string $name): bool {
	return in_array($name, array_column($state['domains'], 'name'), true);
}

/**
 * 429s never followed by a success for the same request.
 *
 * @param list<array<string, mixed>> $requests The log.
 */
function unretried(array $requests): int {
	$left = [];
	foreach ($requests as $request) {
		$key = $request['method'] . ' ' . $request['path'] . '?' . $request['query'];
		if (429 === ($request['status'] ?? null)) {
			$left[ $key ] = true;
		} elseif (($request['status'] ?? 0) < 300) {
			unset($left[ $key ]);
		}
	}
	return count($left);
}
