<?php
/**
 * Certificates at real scale: onboarding 1,000 existing mapped names (half
 * with www) onto an advanced-SSL web app at 60 requests a minute, and a
 * basic-SSL app growing past 100 names. The plugin in a real WordPress
 * multisite (Ultimate Multisite 2.5 and Action Scheduler stand-ins) against
 * the simulator, which keeps Let's Encrypt's limits.
 *
 * Let's Encrypt's budgets make onboarding take hours (300 new orders per 3
 * hours), so this process runs on a clock 60 times faster than the wall's
 * (libfaketime: time, sleeps and timers alike; bench/onboarding.sh starts it
 * so), the simulator's rate-limit window is a sixtieth of a minute of wall
 * time (a minute of this clock), and the simulator's own clock for Let's
 * Encrypt's windows is moved forward with this one. Prints JSON.
 *
 * Usage: bench/onboarding.sh (make bench-onboarding).
 */

declare(strict_types=1);

require __DIR__ . '/network.php';

use WuRunCloud\Plugin\Plugin;
use WuRunCloud\Plugin\Sync\Certificates\Certificate_Queue;
use WuRunCloud\Plugin\Sync\Certificates\Certificate_Step;
use WuRunCloud\Plugin\Sync\Name_Queue;
use WuRunCloud\Plugin\Sync\Reconcile\Daily_Reconcile;
use WuRunCloud\Tests\Queue_Runner;

define('NAMES', (int) (getenv('BENCH_ONBOARDING_NAMES') ?: 1000));
const RATE_PER_MINUTE = 60;
/** How much faster than the wall this process's clock runs (bench/onboarding.sh). */
const CLOCK_SPEED = 60;

$sim    = new Simulator((string) getenv('WU_TEST_SIM_URL'));
$plugin = bench_plugin();

// What the plugin logged at warning and error level, for a run that did not finish.
$GLOBALS['bench_log'] = [];
add_action(
	'wu_runcloud_log',
	static function (string $level, string $message): void {
		if (in_array($level, ['warning', 'error'], true) || (getenv('BENCH_DEBUG') && str_contains($message, (string) getenv('BENCH_DEBUG')))) {
			$GLOBALS['bench_log'][] = time() . " $level: $message";
		}
	},
	10,
	2
);
$onboarding = onboard($sim, $plugin);
$growing    = grow_past_100($sim, $plugin);
bench_emit(['names' => NAMES, 'rate_per_minute' => RATE_PER_MINUTE, 'clock_speed' => CLOCK_SPEED, 'onboarding' => $onboarding, 'basic' => $growing]);

/**
 * 1,000 names Ultimate Multisite maps already, none on the web app (a network
 * moving to RunCloud, or to this plugin): the plugin's first look at the app
 * adds them, and the certificate step orders one certificate each.
 *
 * @return array<string, mixed>
 */
function onboard(Simulator $sim, Plugin $plugin): array {
	$sim->ssl(['advancedSSL' => true]);
	map_existing_names(NAMES);
	// Half the names with their www variant (the operator's choice in Ultimate Multisite).
	add_filter('wu_runcloud_add_www', static fn (bool $www, string $name): bool => 0 === crc32($name) % 2, 10, 2);
	$plugin->fleet()->primary()->app->clear();
	$plugin->service()->forget_cached_domains();
	$sim->rate_limit(RATE_PER_MINUTE, 60 / CLOCK_SPEED);
	$sim->clear_log();

	$wall  = microtime(true);
	$began = time();
	$plugin->daily_reconcile()->fill_view();
	$done_at = null;
	for ($rounds = 0; $rounds < 100000; $rounds++) {
		keep_simulator_clock($sim, $began, $wall, CLOCK_SPEED);
		Queue_Runner::run_due();
		$state = $sim->state();
		if (count($state['ssl']['domains']) >= NAMES + 1 && count((new \WuRunCloud\Plugin\Sync\Managed_Domains())->all()) >= NAMES) {
			$done_at = time();
			break;
		}
		$next = next_run();
		if (null === $next) {
			break;
		}
		$wait = $next - time();
		if ($wait > 0) {
			sleep($wait);
		}
	}
	$requests = $sim->requests();
	$state    = $sim->state();
	$orders   = array_values(array_filter($requests, static fn (array $r): bool => 'POST' === $r['method'] && str_contains((string) $r['path'], '/ssl') && ! str_ends_with((string) $r['path'], '/ssl/advanced') || 'PUT' === $r['method']));
	$adds     = count(array_filter($requests, static fn (array $r): bool => 'POST' === $r['method'] && str_ends_with((string) $r['path'], '/domains')));
	// Every request but a 429 was needed (a 404 "no certificate yet" is an answer too).
	$needed    = count(array_filter($requests, static fn (array $r): bool => 429 !== ($r['status'] ?? null)));
	$pages     = count(array_filter($requests, static fn (array $r): bool => 'GET' === $r['method'] && str_contains((string) $r['query'], 'page=')));
	$per_order = count($orders) > 0 ? ($needed - $adds - $pages) / count($orders) : 0.0;
	return [
		'done'                  => null !== $done_at,
		'seconds'               => (null === $done_at ? time() : $done_at) - $began,
		// This clock's seconds; the wall's are CLOCK_SPEED times fewer.
		'wall_seconds'          => round(microtime(true) - $wall, 1),
		'requests'              => count($requests),
		'needed_requests'       => $needed,
		'rate_limited'          => count(array_filter($requests, static fn (array $r): bool => 429 === ($r['status'] ?? null))),
		'adds'                  => $adds,
		'orders'                => count($orders),
		'requests_per_order'    => round($per_order, 2),
		'certificates'          => count($state['ssl']['domains']),
		'refused_orders'        => (int) $state['letsencrypt']['refused_orders'],
		'refused_by_reason'     => $state['letsencrypt']['refused_orders_by_reason'],
		'most_orders_in_3_hours' => most_in_window(Certificate_Step::ORDERS_WINDOW),
		'floor_seconds'         => floor_seconds($needed, $per_order),
		'last_warnings'         => array_slice($GLOBALS['bench_log'], -8),
		'left'                  => null === $done_at ? ['retries' => count((new Name_Queue(new \WuRunCloud\Plugin\Sync\Scheduler(), $plugin->logger()))->all()), 'certificates' => count((new Certificate_Queue(new \WuRunCloud\Plugin\Sync\Scheduler(), $plugin->logger(), new \WuRunCloud\Plugin\Sync\Certificates\Blocking_Names(), new \WuRunCloud\Plugin\Sync\Certificates\Refused_Names()))->pending()), 'missing' => array_values(array_diff(array_map('bench_customer_name', range(1, NAMES)), array_column($state['domains'], 'name'))), 'add_statuses' => array_count_values(array_map(static fn (array $r): string => (string) ($r['status'] ?? 'none'), array_filter($requests, static fn (array $r): bool => 'POST' === $r['method'] && str_ends_with((string) $r['path'], '/domains')))), 'managed' => count((new \WuRunCloud\Plugin\Sync\Managed_Domains())->all()), 'on_app' => count($state['domains']), 'held' => count((new Certificate_Queue(new \WuRunCloud\Plugin\Sync\Scheduler(), $plugin->logger(), new \WuRunCloud\Plugin\Sync\Certificates\Blocking_Names(), new \WuRunCloud\Plugin\Sync\Certificates\Refused_Names()))->held()), 'last' => get_network_option(null, 'wu_runcloud_last_reconcile'), 'next' => array_map(static fn (string $hook): ?int => Queue_Runner::next($hook), [Daily_Reconcile::STEP_HOOK, Certificate_Queue::HOOK, Name_Queue::HOOK]), 'now' => time()] : [],
	];
}

/**
 * The most orders this integration's ledger shows within any window of
 * $window seconds (the ledger keeps this process's clock).
 */
function most_in_window(int $window): int {
	global $wpdb;
	$table = $wpdb->base_prefix . \WuRunCloud\Plugin\Sync\Certificates\Order_Ledger::TABLE;
	$times = array_map('intval', (array) $wpdb->get_col("SELECT MIN(sent_at) FROM `$table` GROUP BY order_id ORDER BY 1")); // phpcs:ignore WordPress.DB
	$most  = 0;
	$first = 0;
	foreach ($times as $i => $at) {
		while ($times[ $first ] <= $at - $window) {
			++$first;
		}
		$most = max($most, $i - $first + 1);
	}
	return $most;
}

/**
 * The least time any client needs: every request at the rate limit, and
 * Let's Encrypt's account budget, under which the last hundred orders can
 * go no sooner than 9 hours after the first hundred (300 orders per 3
 * hours), each of those 200 orders (and the first hundred's adds) taking its
 * requests at the rate limit.
 *
 * @param int   $requests   Requests the work needs (all but the 429s).
 * @param float $per_order  Requests one certificate order takes.
 */
function floor_seconds(int $requests, float $per_order): int {
	$windows   = intdiv(NAMES - 1, Certificate_Step::ORDERS_PER_WINDOW);
	$last      = NAMES - $windows * Certificate_Step::ORDERS_PER_WINDOW;
	$by_budget = $windows * Certificate_Step::ORDERS_WINDOW + (int) ceil(($last * (1 + $per_order) + $last * $per_order) * 60 / RATE_PER_MINUTE);
	return max((int) ceil($requests * 60 / RATE_PER_MINUTE), $by_budget);
}

/**
 * A basic-SSL app that grows from 90 to 120 names, a domain at a time, the
 * certificate step running after each: orders sent over the 100-name
 * ceiling, refusals, and what the operator is told.
 *
 * @return array<string, mixed>
 */
function grow_past_100(Simulator $sim, Plugin $plugin): array {
	$sim->reset();
	$sim->ssl(['advancedSSL' => false, 'certificate' => true]);
	// Another app's story: Let's Encrypt's budgets start afresh, on both sides.
	(new \WuRunCloud\Plugin\Sync\Certificates\Order_Ledger())->clear();
	update_network_option(null, \WP_Ultimo\Models\Domain::TABLE, []);
	delete_network_option(null, Certificate_Step::MODE_OPTION);
	$plugin->fleet()->primary()->app->clear();
	$plugin->fleet()->primary()->app->replace(\wu_runcloud_list_domains());
	$plugin->service()->forget_cached_domains();
	remove_all_filters('wu_runcloud_add_www');
	add_filter('wu_runcloud_add_www', '__return_true');
	add_filter('wu_domain_has_correct_dns', '__return_true');
	$sim->rate_limit(0);
	$sim->clear_log();
	$over    = 0;
	$names   = 1;
	$manager = \WP_Ultimo\Managers\Domain_Manager::get_instance();
	for ($n = 1; $n <= 60; $n++) {
		$manager->map_domain(sprintf('grow-%02d.example', $n), 1);
		\WP_Ultimo\Test\Async_Queue::run();
		Queue_Runner::fast_forward(31);
		$before = count(array_filter($sim->requests(), static fn (array $r): bool => 'PUT' === $r['method']));
		Queue_Runner::run_due();
		$after = count(array_filter($sim->requests(), static fn (array $r): bool => 'PUT' === $r['method']));
		$names = $plugin->fleet()->primary()->app->certificate_names();
		if ($names > Certificate_Step::NAMES_PER_CERTIFICATE) {
			$over += $after - $before;
		}
	}
	$state   = $sim->state();
	$ceiling = $plugin->service()->basic_ceiling();
	return [
		'names'            => $names,
		'orders'           => count(array_filter($sim->requests(), static fn (array $r): bool => 'PUT' === $r['method'] && str_contains((string) $r['path'], '/ssl/'))),
		'orders_over_100'  => $over,
		'refused_orders'   => (int) $state['letsencrypt']['refused_orders'],
		'covered'          => count((array) ($state['ssl']['basic']['covers'] ?? [])),
		'told'             => null === $ceiling ? '' : $ceiling['message'],
		'site_health'      => $ceiling['status'] ?? '',
	];
}
