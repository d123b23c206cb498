<?php
/**
 * Installs WordPress into the database named by WU_TEST_DB_NAME, turns it
 * into a subdomain network on network.test and enables the RunCloud host
 * integration. Run by tests/wordpress/lib.sh with WU_TEST_INSTALLING=1
 * (wp-config.php then leaves multisite off); activate.php follows.
 *
 * @package WuRunCloud\Tests
 */

define('WP_INSTALLING', true);
$_SERVER['HTTP_HOST']   = 'network.test';
$_SERVER['SERVER_NAME'] = 'network.test';
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REMOTE_ADDR'] = '127.0.0.1';

require getenv('WU_TEST_WP_DIR') . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/network.php';

$wu_test_result = wp_install('Test Network', 'admin', 'admin@network.test', false, '', wp_generate_password(24));
update_option('siteurl', 'http://network.test');
update_option('home', 'http://network.test');

global $wpdb;
foreach ($wpdb->tables('ms_global') as $wu_test_table => $wu_test_prefixed) {
	$wpdb->$wu_test_table = $wu_test_prefixed;
}
install_network();
$wu_test_network = populate_network(1, 'network.test', 'admin@network.test', 'Test Network', '/', true);
// Without wildcard DNS a subdomain network answers no_wildcard_dns, and is created all the same.
if (is_wp_error($wu_test_network) && 'no_wildcard_dns' !== $wu_test_network->get_error_code()) {
	fwrite(STDERR, 'populate_network failed: ' . $wu_test_network->get_error_message() . PHP_EOL);
	exit(1);
}

// Multisite is still off in this process, so this network option is written directly.
$wpdb->insert($wpdb->sitemeta, ['site_id' => 1, 'meta_key' => 'wu_host_integrations_enabled', 'meta_value' => serialize(['runcloud' => true])]);
echo 'WordPress multisite installed in ' . DB_NAME . PHP_EOL;
