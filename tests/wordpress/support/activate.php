<?php
/**
 * Network-activates the plugin the way the Network Admin does
 * (activate_plugin() with $network_wide), in the multisite install.php made.
 * Fails when activation reports an error or the plugin prints anything.
 *
 * @package WuRunCloud\Tests
 */

require __DIR__ . '/load-wordpress.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

$wu_test_result = activate_plugin('wu-runcloud/wu-runcloud.php', '', true);
if (is_wp_error($wu_test_result)) {
	fwrite(STDERR, 'activation failed: ' . $wu_test_result->get_error_message() . PHP_EOL);
	exit(1);
}
if (! is_plugin_active_for_network('wu-runcloud/wu-runcloud.php')) {
	fwrite(STDERR, 'the plugin is not network-active' . PHP_EOL);
	exit(1);
}
echo 'plugin network-activated' . PHP_EOL;
