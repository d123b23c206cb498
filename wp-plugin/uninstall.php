<?php
/**
 * Removes what the plugin stored: its network options and scheduled events.
 * Credentials live in wp-config.php (or Ultimate Multisite's own store) and
 * are left alone; the domains on RunCloud are left as they are.
 *
 * @package WuRunCloud\Plugin
 */

defined('WP_UNINSTALL_PLUGIN') || exit;

$wu_runcloud_options = ['wu_runcloud_managed_domains', 'wu_runcloud_ssl_pending', 'wu_runcloud_retry_queue', 'wu_runcloud_last_reconcile', 'wu_runcloud_given_up'];
$wu_runcloud_hooks   = ['wu_runcloud_redeploy_ssl', 'wu_runcloud_retry', 'wu_runcloud_daily_reconcile'];

foreach ($wu_runcloud_options as $wu_runcloud_option) {
	delete_network_option(null, $wu_runcloud_option);
	delete_option($wu_runcloud_option);
}

foreach ($wu_runcloud_hooks as $wu_runcloud_hook) {
	wp_clear_scheduled_hook($wu_runcloud_hook);
	if (function_exists('as_unschedule_all_actions')) {
		as_unschedule_all_actions($wu_runcloud_hook, [], 'wu-runcloud');
	}
}
