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
		\WuRunCloud\Plugin\Plugin::instance()->service()->reconcile('admin', true, false);
		\WuRunCloud\Plugin\Plugin::instance()->daily_reconcile()->keep_scheduled();
		update_network_option(null, 'wu_hosting_credential_WU_RUNCLOUD_APP_ID', '1');
		$this->assertNotEmpty($this->managed());
		$this->assertNotEmpty(get_network_option(null, 'wu_runcloud_given_up'));
		$this->assertNotEmpty(get_network_option(null, 'wu_runcloud_last_reconcile'));
		$this->assertNotNull(Queue_Runner::next('wu_runcloud_daily_reconcile'));
		$this->assertNotEmpty(get_network_option(null, 'wu_runcloud_retry_queue'));
		$this->assertNotNull(Queue_Runner::next('wu_runcloud_redeploy_ssl'));
		$this->assertNotNull(Queue_Runner::next('wu_runcloud_retry'));
		$table = $GLOBALS['wpdb']->base_prefix . \WuRunCloud\Plugin\Sync\App_Domains::TABLE;
		$this->assertSame($table, $GLOBALS['wpdb']->get_var($GLOBALS['wpdb']->prepare('SHOW TABLES LIKE %s', $table)), 'the view of the app is kept in its own table');

		try {
			$run = $this->run_uninstall();

			$this->assertSame(0, $run['status'], $run['output'] . $run['errors']);
			foreach (['wu_runcloud_managed_domains', 'wu_runcloud_ssl_pending', 'wu_runcloud_retry_queue', 'wu_runcloud_given_up', 'wu_runcloud_last_reconcile'] as $option) {
				$this->assertFalse(get_network_option(null, $option), "$option removed");
			}
			$this->assertNull(Queue_Runner::next('wu_runcloud_redeploy_ssl'));
			$this->assertNull(Queue_Runner::next('wu_runcloud_retry'));
			$this->assertNull(Queue_Runner::next('wu_runcloud_daily_reconcile'));
			$this->assertNull($GLOBALS['wpdb']->get_var($GLOBALS['wpdb']->prepare('SHOW TABLES LIKE %s', $table)), 'its table dropped');
			$managed = $GLOBALS['wpdb']->base_prefix . \WuRunCloud\Plugin\Managed_Domains::TABLE;
			$this->assertNull($GLOBALS['wpdb']->get_var($GLOBALS['wpdb']->prepare('SHOW TABLES LIKE %s', $managed)), 'the record of its names dropped');
			$this->assertSame('1', get_network_option(null, 'wu_hosting_credential_WU_RUNCLOUD_APP_ID'), 'Ultimate Multisite\'s store is left alone');
			$this->assertNotNull($this->sim->domain('kept.example.com'), 'RunCloud is left alone');
		} finally {
			delete_network_option(null, 'wu_hosting_credential_WU_RUNCLOUD_APP_ID');
		}
	}
}
