<?php
/**
 * One network, several RunCloud web apps: a new app joins a network whose
 * primary app holds its 1,000 mapped names, and receives them through its
 * paced reconcile walk at 60 requests a minute (the account's limit, shared
 * by every app). The plugin in a real WordPress multisite (Ultimate Multisite
 * 2.5 and Action Scheduler stand-ins) against the simulator serving both apps
 * (bench/apps.sh starts it with --app 2:20). Measures how long until the new
 * app holds every name against the rate-limit floor, the requests it took,
 * and what the primary app was sent meanwhile. Prints JSON.
 *
 * As in bench/onboarding.php, this process runs on a faster clock than the
 * wall's (libfaketime; CLOCK_SPEED, 5 times), the simulator's rate-limit
 * window is a minute of that clock, and the simulator's own clock for Let's
 * Encrypt's windows is moved forward with it. Unlike PHP's, the extension's
 * own waits (a 429's Retry-After, its pacing) keep the wall's time under
 * libfaketime, as do the simulator's Retry-After answers: bench/apps.sh
 * divides the extension's wait budget (wu_runcloud.max_retry_wait, 20 s by
 * default) by the same factor, so a 429 is waited out in the call exactly
 * when it would be at full speed. A low factor keeps the plugin's own work
 * (some milliseconds a name) small against the second a request the limit
 * allows, as it is at full speed.
 *
 * Usage: bench/apps.sh (make bench-apps).
 */

declare(strict_types=1);

require __DIR__ . '/network.php';

use WuRunCloud\Plugin\Plugin;
use WuRunCloud\Tests\Queue_Runner;

define('NAMES', (int) (getenv('BENCH_APPS_NAMES') ?: 1000));
const RATE_PER_MINUTE = 60;
/** How much faster than the wall this process's clock runs (bench/apps.sh sets it, with faketime). */
define('CLOCK_SPEED', (int) (getenv('BENCH_CLOCK_SPEED') ?: 5));
/** The run ends, not done, once this many times the floor has passed. */
const GIVE_UP_AFTER = 2;
const PRIMARY_APP = '1:1';
const NEW_APP     = '2:20';
/** Both apps' SSL mode: advanced (a certificate a name) or basic (one certificate of at most 100 names). */
define('SSL_MODE', $argv[1] ?? 'basic');

$sim    = new Simulator((string) getenv('WU_TEST_SIM_URL'));
$plugin = bench_plugin();

// What the plugin logged at warning and error level, for a run that did not finish.
$GLOBALS['bench_log'] = [];
add_action(
	'wu_runcloud_log',
	static function (string $level, string $message): void {
		if (in_array($level, ['warning', 'error'], true)) {
			$GLOBALS['bench_log'][] = time() . " $level: $message";
		}
	},
	10,
	2
);
// What the plugin gave up on (a name left for the next daily reconcile).
$GLOBALS['bench_given_up'] = [];
add_action(
	'wu_runcloud_operation_failed',
	static function (string $operation, string $name): void {
		$GLOBALS['bench_given_up'][] = "$operation $name";
	},
	10,
	2
);
// The apps besides the primary one, as WU_RUNCLOUD_APPS would list them: none yet.
$GLOBALS['bench_apps'] = [];
add_filter('wu_runcloud_apps', static fn (): array => $GLOBALS['bench_apps']);

settle_primary($sim, $plugin);
bench_emit(['names' => NAMES, 'ssl_mode' => SSL_MODE, 'rate_per_minute' => RATE_PER_MINUTE, 'clock_speed' => CLOCK_SPEED, 'give_up_after' => GIVE_UP_AFTER, 'new_app' => add_new_app($sim, $plugin)]);

/**
 * The network as it stands before: NAMES names mapped, all on the primary
 * app, whose view is whole and whose SSL mode is known; nothing queued.
 */
function settle_primary(Simulator $sim, Plugin $plugin): void {
	$sim->reset();
	$ssl = ['advancedSSL' => 'advanced' === SSL_MODE];
	$sim->ssl($ssl);
	$sim->ssl($ssl, NEW_APP);
	$names = array_map('bench_customer_name', range(1, NAMES));
	map_existing_names(NAMES);
	$sim->seed_domains($names);
	$primary = $plugin->fleet()->primary();
	$primary->app->replace(\wu_runcloud_list_domains());
	$primary->certificates->mode();
	if (count(array_intersect($names, array_keys($primary->app->all()))) !== NAMES) {
		throw new RuntimeException('the primary app does not hold every name');
	}
}

/**
 * Adds the new app to the list and runs the queue, as the network would,
 * until the new app holds every name, nothing is scheduled any more, or
 * GIVE_UP_AFTER times the floor has passed.
 *
 * @return array<string, mixed>
 */
function add_new_app(Simulator $sim, Plugin $plugin): array {
	$sim->rate_limit(RATE_PER_MINUTE, 60 / CLOCK_SPEED);
	$sim->clear_log();
	// The least time any client needs for the new app to hold every name: its
	// one page (it holds its primary domain only) and one add a name, at the
	// rate limit.
	$floor = (int) ceil((1 + NAMES) * 60 / RATE_PER_MINUTE);
	$wall  = microtime(true);
	$began = time();
	$GLOBALS['bench_apps'] = [NEW_APP];
	// The next network admin page load (admin_init) starts the new app's walk.
	$plugin->fleet()->keep_scheduled();
	$progress = run_queue($sim, $began, $wall, $began + GIVE_UP_AFTER * $floor);
	[$seconds, $held] = end($progress);
	return [
		'done'          => NAMES === $held,
		// This clock's seconds from the page load that listed the new app.
		'seconds'       => $seconds,
		'held'          => $held,
		'progress'      => $progress,
		'floor_seconds' => $floor,
		// microtime() runs on this clock too.
		'wall_seconds'  => round((microtime(true) - $wall) / CLOCK_SPEED, 1),
		'new_app'       => new_app_requests($sim->requests(NEW_APP)),
		'primary_app'   => [
			'requests' => count($sim->requests(PRIMARY_APP)),
			'adds'     => count(array_filter($sim->requests(PRIMARY_APP), 'is_add')),
		],
		// Names given up; the certificate step's failures apart.
		'given_up'      => count(preg_grep('/^redeploy_ssl /', $GLOBALS['bench_given_up'], PREG_GREP_INVERT)),
		'ssl_given_up'  => count(preg_grep('/^redeploy_ssl /', $GLOBALS['bench_given_up'])),
		'last_warnings' => array_slice($GLOBALS['bench_log'], -8),
	];
}

/**
 * Runs what the plugin scheduled whenever it is due until the new app holds
 * every name, nothing is scheduled any more, or $until.
 *
 * @param Simulator $sim   The simulator.
 * @param int       $began When the new app was listed.
 * @param float     $wall  microtime(true) then.
 * @param int       $until When to stop.
 * @return list<array{0: int, 1: int}> Seconds since $began and names on the new app, each time they grew.
 */
function run_queue(Simulator $sim, int $began, float $wall, int $until): array {
	$progress = [[0, 0]];
	while (time() < $until) {
		keep_simulator_clock($sim, $began, $wall, CLOCK_SPEED);
		Queue_Runner::run_due();
		$held = names_held($sim->state(NEW_APP));
		if ($held > end($progress)[1]) {
			$progress[] = [time() - $began, $held];
		}
		$next = next_run();
		if (NAMES === $held || null === $next) {
			break;
		}
		$wait = min($next, $until) - time();
		if ($wait > 0) {
			sleep($wait);
		}
	}
	return $progress;
}

/**
 * What the new app was sent: its adds, the walk's pages, and the rest by
 * kind ("GET /ssl/advanced 200"; the certificate step's, a connection test's).
 *
 * @param list<array<string, mixed>> $requests Its requests.
 * @return array<string, mixed>
 */
function new_app_requests(array $requests): array {
	$page   = static fn (array $r): bool => 'GET' === $r['method'] && str_contains((string) $r['query'], 'perPage=40');
	$others = array_filter($requests, static fn (array $r): bool => ! is_add($r) && ! $page($r));
	return [
		'requests'     => count($requests),
		'adds'         => count(array_filter($requests, static fn (array $r): bool => is_add($r) && ($r['status'] ?? 0) < 300)),
		'adds_refused' => count(array_filter($requests, static fn (array $r): bool => is_add($r) && 429 === ($r['status'] ?? null))),
		'pages'        => count(array_filter($requests, $page)),
		'others'       => array_count_values(array_map(static fn (array $r): string => sprintf('%s %s %s', $r['method'], preg_replace(['#^/api/v\d+/servers/\d+/webapps/\d+#', '#/\d+#'], ['', '/{id}'], (string) $r['path']), $r['status'] ?? ''), $others)),
	];
}

/**
 * How many of the mapped names an app's state shows.
 *
 * @param array<string, mixed> $state The simulator's state of the app.
 */
function names_held(array $state): int {
	$wanted = array_flip(array_map('bench_customer_name', range(1, NAMES)));
	return count(array_intersect_key(array_flip(array_column($state['domains'], 'name')), $wanted));
}

/**
 * Whether a logged request adds a domain.
 *
 * @param array<string, mixed> $request The request.
 */
function is_add(array $request): bool {
	return 'POST' === $request['method'] && str_ends_with((string) $request['path'], '/domains');
}
