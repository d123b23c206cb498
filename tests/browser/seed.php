<?php
/**
 * Puts the test network in the state the browser tests look at, in one PHP
 * process with the network's WordPress loaded (WU_TEST_UM=b):
 *   php seed.php setup    users (a super admin, a Turkish super admin, a site
 *                         admin who is not super admin) and one name per state
 *
 * Every name goes through the same path as in production: Ultimate
 * Multisite's (stand-in) domain events and the plugin's queues, against the
 * RunCloud simulator.
 *
 * @package WuRunCloud\Tests
 */

require dirname(__DIR__) . '/wordpress/support/load-wordpress.php';
require_once dirname(__DIR__) . '/wordpress/support/class-queue-runner.php';
require_once dirname(__DIR__) . '/wordpress/support/class-simulator-client.php';

use WuRunCloud\Tests\Queue_Runner;

$wu_browser_sim = new \WuRunCloud\Tests\Simulator_Client((string) getenv('WU_TEST_SIM_URL'));
$wu_browser_pw  = (string) getenv('WU_BROWSER_PASSWORD');

// Ultimate Multisite's own DNS stage passes (its filter for extra checks), as where its
// public-IP lookup works: a mapped name's certificate may then be ordered.
add_filter('wu_domain_has_correct_dns', '__return_true');

// Users: the super admin (admin, made at install), a Turkish super admin, a site admin.
wp_set_password($wu_browser_pw, 1);
$wu_browser_tr = wpmu_create_user('yonetici', $wu_browser_pw, 'yonetici@network.test');
grant_super_admin($wu_browser_tr);
update_user_meta($wu_browser_tr, 'locale', 'tr_TR');
$wu_browser_shop  = wpmu_create_blog('shop.network.test', '/', 'Shop', 1);
$wu_browser_owner = wpmu_create_user('shopowner', $wu_browser_pw, 'owner@network.test');
add_user_to_blog($wu_browser_shop, $wu_browser_owner, 'administrator');
\WP_Ultimo\Test\Async_Queue::run();

// A second web app of the account (the simulator serves it), read whole: every name goes to both.
update_network_option(null, 'wu_test_apps', ['2:20']);
\WuRunCloud\Plugin\Plugin::instance()->fleet()->find('2:20')->app->replace(\wu_runcloud_list_domains('2:20'));

// A name added, with its certificate redeployed.
\WP_Ultimo\Managers\Domain_Manager::get_instance()->map_domain('added.example.com', $wu_browser_shop);
\WP_Ultimo\Test\Async_Queue::run();
Queue_Runner::fast_forward(31);
Queue_Runner::run_due();
// An IDN, just added: its certificate waits.
\WP_Ultimo\Managers\Domain_Manager::get_instance()->map_domain('bücher.example', $wu_browser_shop);
\WP_Ultimo\Test\Async_Queue::run();
// A name RunCloud refused for now: it waits for a retry (on the primary app, asked first; the
// second app took it).
$wu_browser_sim->fault(['kind' => 'status', 'status' => 503, 'method' => 'POST', 'message' => 'Service Unavailable']);
\WP_Ultimo\Managers\Domain_Manager::get_instance()->map_domain('waiting.example.com', $wu_browser_shop);
\WP_Ultimo\Test\Async_Queue::run();
// A mapped name whose event never ran: missing.
\WP_Ultimo\Managers\Domain_Manager::get_instance()->map_domain('missing.example.com', $wu_browser_shop);
\WP_Ultimo\Test\Async_Queue::clear();
echo "seeded\n";
