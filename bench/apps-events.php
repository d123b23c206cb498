<?php
/**
 * One network, several RunCloud web apps: the API requests each domain event
 * costs on each app and in all, with 1, 2, 3 and 5 apps. The plugin in a real
 * WordPress subdomain multisite (Ultimate Multisite 2.5 and Action Scheduler
 * stand-ins), the events through Ultimate Multisite's Domain_Manager, against
 * the simulator serving the apps (bench/apps.sh starts it with --app for each
 * app besides the primary one, 1:1). Prints JSON.
 *
 * For each number of apps the simulator is reset (every app holds its primary
 * domain and a basic certificate) and each app's view is read whole, as after
 * its first walk; then a new site, a mapping of a custom domain to it and the
 * unmapping, each counted from the simulator's request log: the requests of
 * the event itself (Ultimate Multisite's async actions run at once), and those
 * of the certificate step that follows a burst (30 s later), apart.
 *
 * Usage: bench/apps.sh (make bench-apps).
 */

declare(strict_types=1);

require __DIR__ . '/network.php';

use WuRunCloud\Plugin\Plugin;
use WuRunCloud\Plugin\Sync\Converger;
use WuRunCloud\Tests\Queue_Runner;

/** The apps besides the primary one the simulator serves, in the order they join (bench/apps.sh). */
const OTHER_APPS = ['2:20', '3:30', '4:40', '5:50'];
/** How many apps the names go to in each round. */
const APP_COUNTS = [1, 2, 3, 5];

$sim    = new Simulator((string) getenv('WU_TEST_SIM_URL'));
$plugin = bench_plugin();

// The apps besides the primary one, as WU_RUNCLOUD_APPS would list them.
$GLOBALS['bench_apps'] = [];
add_filter('wu_runcloud_apps', static fn (): array => $GLOBALS['bench_apps']);
// Ultimate Multisite's DNS stage passes, as where its public-IP lookup works.
add_filter('wu_domain_has_correct_dns', '__return_true');

$rounds = [];
foreach (APP_COUNTS as $count) {
	$rounds[] = with_apps($sim, $plugin, $count);
}
bench_emit(['rounds' => $rounds]);

/**
 * The three events with the names going to $count apps.
 *
 * @return array<string, mixed>
 */
function with_apps(Simulator $sim, Plugin $plugin, int $count): array {
	$GLOBALS['bench_apps'] = array_slice(OTHER_APPS, 0, $count - 1);
	$sim->reset();
	$apps = [];
	foreach ($plugin->fleet()->all() as $sync) {
		$apps[] = $sync->target->key();
		// As after the app's first walk: its view is whole, and its SSL mode
		// known (the certificate step reads it once an hour, a connection
		// test of 4 requests, and remembers it from every redeploy).
		$sync->app->replace(\wu_runcloud_list_domains($sync->target->key()));
		$sync->converger->forget_cached();
		$sync->certificates->mode();
	}
	$manager  = \WP_Ultimo\Managers\Domain_Manager::get_instance();
	$host     = "shop-$count.network.test";
	$mapped   = "shop-$count.example.com";
	$site_id  = 0;
	$new_site = event($sim, $apps, static function () use ($host, &$site_id): void {
		$site_id = create_site($host);
	}, static fn (array $names): bool => in_array($host, $names, true));
	// Mapped to the site just created, then unmapped.
	$mapping   = event($sim, $apps, static fn () => $manager->map_domain($mapped, $site_id), static fn (array $names): bool => in_array($mapped, $names, true));
	$unmapping = event($sim, $apps, static fn () => $manager->unmap_domain($mapped, $site_id), static fn (array $names): bool => ! in_array($mapped, $names, true));
	return ['apps' => $apps, 'new_site' => $new_site, 'mapping' => $mapping, 'unmapping' => $unmapping];
}

/**
 * A new site of the subdomain network (Ultimate Multisite queues
 * wu_add_subdomain for its host); its id.
 */
function create_site(string $host): int {
	$site = wpmu_create_blog($host, '/', 'Shop', 1);
	if (is_wp_error($site)) {
		throw new RuntimeException("the site $host was not created: " . $site->get_error_message());
	}
	return $site;
}

/**
 * One event: what it cost each app, and whether each app holds what the
 * network wants afterwards.
 *
 * @param Simulator    $sim   The simulator.
 * @param list<string> $apps  The apps' keys, the primary one first.
 * @param callable     $cause What Ultimate Multisite does for the event.
 * @param callable     $done  Whether an app's names are as the event wants them.
 * @return array{apps: array<string, array<string, mixed>>, unaddressed: int}
 */
function event(Simulator $sim, array $apps, callable $cause, callable $done): array {
	$sim->clear_log();
	$cause();
	// Ultimate Multisite's async actions, where the plugin does the event's work.
	\WP_Ultimo\Test\Async_Queue::run();
	// The certificate step of each app, once the burst is over.
	Queue_Runner::fast_forward(Converger::BURST + 1);
	Queue_Runner::run_due();
	$requests = $sim->requests();
	$each     = [];
	foreach ($apps as $app) {
		$mine         = array_filter($requests, static fn (array $r): bool => ($r['app'] ?? null) === $app);
		$each[ $app ] = costs($mine) + ['done' => $done(array_column($sim->state($app)['domains'], 'name'))];
	}
	// Requests to no app (a ping) would count in the total too.
	return ['apps' => $each, 'unaddressed' => count(array_filter($requests, static fn (array $r): bool => null === ($r['app'] ?? null)))];
}

/**
 * What one app was asked: its domain requests and how many of them changed
 * its domains, and the certificate step's requests apart.
 *
 * @param array<array<string, mixed>> $requests The app's requests.
 * @return array{requests: int, changes: int, certificate: int, lines: list<string>}
 */
function costs(array $requests): array {
	$domain  = array_filter($requests, static fn (array $r): bool => ! str_contains((string) $r['path'], '/ssl'));
	$changes = array_filter($domain, static fn (array $r): bool => in_array($r['method'], ['POST', 'DELETE'], true) && ($r['status'] ?? 0) < 300);
	return [
		'requests'    => count($domain),
		'changes'     => count($changes),
		'certificate' => count($requests) - count($domain),
		// What was sent, for the reader of the JSON.
		'lines'       => array_values(array_map(static fn (array $r): string => $r['method'] . ' ' . preg_replace('#^/api/v\d+/servers/\d+/webapps/\d+#', '', (string) $r['path']) . ' ' . ($r['status'] ?? ''), $requests)),
	];
}
