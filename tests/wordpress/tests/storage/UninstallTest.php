<?php
/**
 * uninstall.php.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

/**
 * Uninstalling removes what the plugin stored (its network options and
 * scheduled runs) and nothing else: not Ultimate Multisite's credential store,
 * not the domains on RunCloud.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class UninstallTest extends Integration_Test_Case {

	public function test_uninstall_removes_what_the_plugin_stored(): void {
		$this->sim->fault(['kind' => 'status', 'status' => 503, 'method' => 'POST', 'path_contains' => '/domains']);
		$this->map_domain('queued.example.com', 2);
		$this->map_domain('kept.example.com', 2);
		$this->run_domain_events();
		$this->sim->fault(['kind' => 'status', 'status' => 422, 'method' => 'POST', 'path_contains' => '/domains']);
		$this->map_domain('refused.example.com', 2);
		$this->run_domain_events();
		$this->reconcile_now(true);
		\WuRunCloud\Plugin\Plugin::instance()->daily_reconcile()->keep_scheduled();
		update_network_option(null, 'wu_hosting_credential_WU_RUNCLOUD_APP_ID', '1');
		$this->assertNotEmpty($this->managed());
		$this->assertNotEmpty(get_network_option(null, 'wu_runcloud_given_up'));
		$this->assertNotEmpty(get_network_option(null, 'wu_runcloud_last_reconcile'));
		$this->assertNotNull(Queue_Runner::next('wu_runcloud_daily_reconcile'));
		$this->assertNotEmpty($this->queued());
		$this->assertNotNull(Queue_Runner::next('wu_runcloud_redeploy_ssl'));
		$this->assertNotNull(Queue_Runner::next('wu_runcloud_retry'));
		$table = $GLOBALS['wpdb']->base_prefix . \WuRunCloud\Plugin\Sync\App_Domains::TABLE;
		$this->assertSame($table, $GLOBALS['wpdb']->get_var($GLOBALS['wpdb']->prepare('SHOW TABLES LIKE %s', $table)), 'the view of the app is kept in its own table');

		try {
			$run = $this->run_uninstall();

			$this->assertSame(0, $run['status'], $run['output'] . $run['errors']);
			foreach (['wu_runcloud_ssl_pending', 'wu_runcloud_given_up', 'wu_runcloud_last_reconcile'] as $option) {
				$this->assertFalse(get_network_option(null, $option), "$option removed");
			}
			$this->assertNull(Queue_Runner::next('wu_runcloud_redeploy_ssl'));
			$this->assertNull(Queue_Runner::next('wu_runcloud_retry'));
			$this->assertNull(Queue_Runner::next('wu_runcloud_daily_reconcile'));
			// The view of the app, the record of its names, the ledger of certificate orders...
			foreach (\WuRunCloud\Plugin\Plugin::tables() as $each) {
				$this->assertNull($GLOBALS['wpdb']->get_var($GLOBALS['wpdb']->prepare('SHOW TABLES LIKE %s', $each->name())), $each->name() . ' dropped');
			}
			$this->assertFalse(get_network_option(null, \WuRunCloud\Plugin\Storage\Table::VERSIONS), 'and their schema versions forgotten');
			$this->assertSame('1', get_network_option(null, 'wu_hosting_credential_WU_RUNCLOUD_APP_ID'), 'Ultimate Multisite\'s store is left alone');
			$this->assertNotNull($this->sim->domain('kept.example.com'), 'RunCloud is left alone');
		} finally {
			delete_network_option(null, 'wu_hosting_credential_WU_RUNCLOUD_APP_ID');
		}
	}

	public function test_uninstall_removes_every_networks_options_and_each_users_screen_option(): void {
		global $wpdb;
		$wpdb->insert($wpdb->site, ['domain' => 'second-network.test', 'path' => '/']);
		$second = (int) $wpdb->insert_id;
		clean_network_cache($second);
		update_network_option($second, 'wu_runcloud_given_up', [['domain' => 'other.example']]);
		update_network_option($second, 'wu_hosting_credential_WU_RUNCLOUD_APP_ID', '2');
		$admin = (int) wp_insert_user(['user_login' => 'second-admin', 'user_pass' => wp_generate_password(), 'user_email' => 'second-admin@network.test']);
		update_user_meta(1, 'wu_runcloud_domains_per_page', 20);
		update_user_meta($admin, 'wu_runcloud_domains_per_page', 100);
		update_user_meta($admin, 'wu_runcloud_unrelated_elsewhere', 'kept');

		try {
			$run = $this->run_uninstall();

			$this->assertSame(0, $run['status'], $run['output'] . $run['errors']);
			clean_network_cache($second);
			wp_cache_flush();
			$this->assertFalse(get_network_option($second, 'wu_runcloud_given_up'), 'the second network\'s option removed');
			$this->assertSame('2', get_network_option($second, 'wu_hosting_credential_WU_RUNCLOUD_APP_ID'), 'Ultimate Multisite\'s store is left alone there too');
			$this->assertSame('', get_user_meta(1, 'wu_runcloud_domains_per_page', true));
			$this->assertSame('', get_user_meta($admin, 'wu_runcloud_domains_per_page', true), 'every user\'s screen option');
			$this->assertSame('kept', get_user_meta($admin, 'wu_runcloud_unrelated_elsewhere', true), 'user meta is not swept by prefix');
		} finally {
			$wpdb->delete($wpdb->sitemeta, ['site_id' => $second]);
			$wpdb->delete($wpdb->site, ['id' => $second]);
			clean_network_cache($second);
			require_once ABSPATH . 'wp-admin/includes/ms.php';
			wpmu_delete_user($admin);
		}
	}
}
