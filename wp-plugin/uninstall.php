<?php
/**
 * Removes what the plugin stored, on every site of every network: its options
 * (network-wide and any a site holds), their transients, each user's screen
 * option (names per page on the Domains tab), its tables (Plugin::tables():
 * the view of the web app's domains, the record of the names it added, the
 * queues, the ledger of certificate orders..., and the same tables of every
 * other web app it served) and every
 * scheduled run of its hooks in Action Scheduler and WP-Cron. Credentials live in
 * wp-config.php (or Ultimate Multisite's own store) and are left alone; the
 * domains on RunCloud are left as they are.
 *
 * @package WuRunCloud\Plugin
 */

defined('WP_UNINSTALL_PLUGIN') || exit;

require_once __DIR__ . '/inc/autoload.php';

/**
 * Names of the plugin's options and transients in an options table.
 *
 * @param string   $table   Table.
 * @param string   $column  Name column.
 * @param int|null $network Only this network's (the network options table).
 * @return list<string>
 */
function wu_runcloud_uninstall_names(string $table, string $column, ?int $network = null): array {
	global $wpdb;
	$names      = [];
	$on_network = null === $network ? '' : $wpdb->prepare(' AND site_id = %d', $network);
	foreach (['wu_runcloud_', '_transient_wu_runcloud_', '_transient_timeout_wu_runcloud_', '_site_transient_wu_runcloud_', '_site_transient_timeout_wu_runcloud_'] as $prefix) {
		// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.DirectDatabaseQuery
		$names = array_merge($names, (array) $wpdb->get_col($wpdb->prepare("SELECT {$column} FROM {$table} WHERE {$column} LIKE %s", $wpdb->esc_like($prefix) . '%') . $on_network));
	}
	return array_values(array_unique($names));
}

(new \WuRunCloud\Plugin\Sync\Scheduler())->cancel_everywhere(\WuRunCloud\Plugin\Plugin::SCHEDULED_HOOKS);

if (is_multisite()) {
	// Every network of the installation, not only the current one.
	foreach (get_networks(['fields' => 'ids', 'number' => 0]) as $wu_runcloud_network) {
		foreach (wu_runcloud_uninstall_names($GLOBALS['wpdb']->sitemeta, 'meta_key', (int) $wu_runcloud_network) as $wu_runcloud_name) {
			delete_network_option((int) $wu_runcloud_network, $wu_runcloud_name);
		}
	}
	$wu_runcloud_sites = get_sites(['fields' => 'ids', 'number' => 0]);
} else {
	$wu_runcloud_sites = [get_current_blog_id()];
}

foreach ($wu_runcloud_sites as $wu_runcloud_site) {
	is_multisite() && switch_to_blog((int) $wu_runcloud_site);
	foreach (wu_runcloud_uninstall_names($GLOBALS['wpdb']->options, 'option_name') as $wu_runcloud_name) {
		delete_option($wu_runcloud_name);
	}
	is_multisite() && restore_current_blog();
}

// The Domains tab's "Names per page" screen option, kept per user (by name:
// the list table's class needs the admin loaded).
foreach (['', $GLOBALS['wpdb']->base_prefix] as $wu_runcloud_prefix) {
	delete_metadata('user', 0, $wu_runcloud_prefix . 'wu_runcloud_domains_per_page', '', true);
}

// The tables of the primary web app and the ledger, then those of every other web app the
// network had (their keys may be gone from the configuration): all of them start with the stem.
foreach (array_merge(\WuRunCloud\Plugin\Plugin::tables(), \WuRunCloud\Plugin\Storage\Table::existing('wu_runcloud_')) as $wu_runcloud_table) {
	$wu_runcloud_table->drop();
}
