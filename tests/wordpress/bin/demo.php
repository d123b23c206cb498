<?php
/**
 * The WordPress demo (scripts/demo.sh wordpress): in the real multisite set up
 * by scripts/demo-wordpress.sh, a new site and a mapped domain reach the
 * simulated RunCloud app through the plugin, and one certificate redeploy
 * follows the burst.
 *
 * @package WuRunCloud\Tests
 */

require dirname(__DIR__) . '/support/load-wordpress.php';
require_once dirname(__DIR__) . '/support/class-queue-runner.php';
require_once dirname(__DIR__) . '/support/class-simulator-client.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

use WuRunCloud\Plugin\Plugin;
use WuRunCloud\Tests\Queue_Runner;
use WuRunCloud\Tests\Simulator_Client;

/**
 * Prints a step title.
 *
 * @param string $title Title.
 */
function wu_demo_step(string $title): void {
	echo PHP_EOL, '== ', $title, PHP_EOL;
}

/**
 * Prints the integration's log lines written since the last call.
 */
function wu_demo_log(): void {
	static $seen = 0;
	$lines = \WP_Ultimo\Test\Log::$lines;
	foreach (array_slice($lines, $seen) as $line) {
		printf("   log [%s] %s\n", $line['level'], $line['message']);
	}
	$seen = count($lines);
}

$sim    = new Simulator_Client((string) getenv('WU_TEST_SIM_URL'));
// A burst is followed by one redeploy 30 s after its last mapping; 5 s keeps the demo short.
add_filter(
	'wu_runcloud_ssl_redeploy_delay',
	static function () {
		return 5;
	}
);
$plugin = Plugin::instance();

wu_demo_step('The network');
printf("   WordPress %s, %s multisite on %s\n", get_bloginfo('version'), is_subdomain_install() ? 'subdomain' : 'subdirectory', get_network()->domain);
printf("   plugin network-active: %s, extension wu_runcloud %s\n", is_plugin_active_for_network('wu-runcloud/wu-runcloud.php') ? 'yes' : 'no', phpversion('wu_runcloud'));
printf("   Ultimate Multisite (test stand-in): %s; RunCloud integration taken over: %s\n", Plugin::architecture(), $plugin->took_over() ?? 'no');

wu_demo_step('Test connection');
$report = $plugin->service()->test_connection();
printf("   %s %s\n", $report->ok ? 'OK' : 'FAILED', $report->message);
wu_demo_log();

wu_demo_step('A new site: shop.network.test (wpmu_create_blog)');
$site_id = wpmu_create_blog('shop.network.test', '/', 'Shop', 1);
printf("   site %d created; Domain_Manager queued %s\n", $site_id, implode(' and ', array_column(\WP_Ultimo\Test\Async_Queue::$actions, 'hook')));
\WP_Ultimo\Test\Async_Queue::run();
wu_demo_log();

wu_demo_step('Mapping shop.example.com and example.org to the site');
update_network_option(null, 'wu_test_settings', ['auto_create_www_subdomain' => 'main_only']);
\WP_Ultimo\Managers\Domain_Manager::get_instance()->map_domain('shop.example.com', $site_id);
\WP_Ultimo\Managers\Domain_Manager::get_instance()->map_domain('example.org', $site_id);
printf("   \"Create www subdomain\": main_only; Domain_Manager queued 2 wu_add_domain actions\n");
\WP_Ultimo\Test\Async_Queue::run();
wu_demo_log();
$next = Queue_Runner::next('wu_runcloud_redeploy_ssl');
printf("   certificate redeploys so far: %d; one coalesced redeploy scheduled in %d s\n", $sim->counters()['redeploys'], $next - time());

wu_demo_step('Running the queue when the redeploy is due');
// The demo waits for the real schedule instead of moving the clock.
$wait = max(0, $next - time());
printf("   waiting %d s ...\n", $wait);
sleep($wait);
printf("   %d scheduled action(s) ran\n", Queue_Runner::run_due());
wu_demo_log();

wu_demo_step('The simulated RunCloud web app now');
$state = $sim->state();
foreach ($state['domains'] as $domain) {
	printf("   %-22s %-8s www %-3s\n", $domain['name'], $domain['type'], $domain['www'] ? 'yes' : 'no');
}
$certificate = $state['ssl']['basic'];
printf("   basic SSL certificate id %d, redeployed %d time(s)\n", $certificate['id'] ?? 0, $certificate['redeploys'] ?? 0);
printf("   counters: %s\n", json_encode($state['counters']));
echo '   API requests: ', implode(', ', $sim->request_lines()), PHP_EOL;

wu_demo_step('Removing the mapping of example.org');
\WP_Ultimo\Managers\Domain_Manager::get_instance()->unmap_domain('example.org', $site_id);
\WP_Ultimo\Test\Async_Queue::run();
wu_demo_log();
echo '   domains now: ', implode(', ', $sim->domain_names()), PHP_EOL;
