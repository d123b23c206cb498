<?php
/**
 * The plugin in a network without Ultimate Multisite.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

use WuRunCloud\Plugin\Plugin;

/**
 * It loads cleanly, takes nothing over, explains itself, and logs through
 * error_log.
 *
 * @group none
 */
#[\PHPUnit\Framework\Attributes\Group('none')]
final class WithoutUltimateMultisiteTest extends Integration_Test_Case {

	public function test_it_loads_without_taking_anything_over(): void {
		$this->assertFalse(class_exists('\WP_Ultimo\Managers\Domain_Manager', false));
		$this->assertTrue(is_plugin_active_for_network('wu-runcloud/wu-runcloud.php'));
		$this->assertNull(Plugin::architecture());
		$this->assertNull(Plugin::instance()->took_over());
		$this->assertFalse(has_action('wu_add_domain'), 'no domain event is hooked');
		$this->assertFalse(class_exists('\WuRunCloud\Plugin\Ultimate_Multisite\Host_Provider', false), 'no adapter class was loaded');
	}

	public function test_the_network_admin_is_told_what_is_missing(): void {
		wp_set_current_user(1);
		ob_start();
		do_action('network_admin_notices');
		$notice = (string) ob_get_clean();

		$this->assertStringContainsString('works with Ultimate Multisite', $notice);
		$this->assertStringNotContainsString('extension is not loaded', $notice);

		wp_set_current_user(0);
		ob_start();
		do_action('network_admin_notices');
		$this->assertSame('', (string) ob_get_clean(), 'only network admins see it');
	}

	public function test_site_health_still_reports(): void {
		$tests = apply_filters('site_status_tests', []);

		$this->assertSame('good', call_user_func($tests['direct']['wu_runcloud_extension']['test'])['status']);
		$this->assertSame('good', call_user_func($tests['direct']['wu_runcloud_constants']['test'])['status']);
		$this->assertSame('good', call_user_func($tests['async']['wu_runcloud_connection']['async_direct_test'])['status']);
		$this->assertSame('good', call_user_func($tests['direct']['wu_runcloud_retries']['test'])['status']);
	}

	public function test_the_service_logs_to_error_log(): void {
		// A live site's host is wanted on the app, Ultimate Multisite or not.
		$site_id  = $this->create_site('direct');
		$log      = (string) tempnam(sys_get_temp_dir(), 'wu-runcloud-log');
		$previous = ini_set('error_log', $log);
		try {
			Plugin::instance()->service()->add_subdomain('direct.network.test', $site_id);
		} finally {
			ini_set('error_log', (string) $previous);
		}
		$written = (string) file_get_contents($log);
		unlink($log);

		$this->assertNotNull($this->sim->domain('direct.network.test'));
		$this->assertStringContainsString("[integration-runcloud] INFO: add_subdomain direct.network.test (site $site_id): added to RunCloud", $written);
		$this->assertStringNotContainsString('test-token', $written);
	}

	public function test_without_the_extension_it_loads_cleanly_too(): void {
		$run = WordPress_Process::run(
			<<<'PHP'
			wp_set_current_user(1);
			ob_start();
			do_action('network_admin_notices');
			$notice = ob_get_clean();
			ob_start();
			\WuRunCloud\Plugin\Plugin::instance()->settings_page()->render();
			$page = ob_get_clean();
			// On the RunCloud page itself the install steps are not repeated above it.
			require_once ABSPATH . 'wp-admin/includes/admin.php';
			set_current_screen('settings_page_wu-runcloud-network');
			ob_start();
			do_action('network_admin_notices');
			echo json_encode(['notice' => $notice, 'page' => $page, 'notice_on_page' => ob_get_clean(), 'took_over' => \WuRunCloud\Plugin\Plugin::instance()->took_over()]), "\n";
PHP
			,
			WordPress_Process::without_extension()
		);

		$this->assertSame(0, $run['status'], $run['output'] . $run['errors']);
		$this->assertStringContainsString('the wu_runcloud PHP extension is not loaded', $run['result']['notice']);
		$this->assertStringContainsString('works with Ultimate Multisite', $run['result']['notice']);
		$this->assertStringContainsString('the wu_runcloud PHP extension is not loaded', $run['result']['page'], 'the page says how to install it');
		$this->assertSame(1, substr_count($run['result']['page'] . $run['result']['notice_on_page'], 'php-config --extension-dir'), 'the install steps once on the page');
		$this->assertStringContainsString('value="apply" disabled>Reconcile now</button>', $run['result']['page'], 'the buttons are off without the extension');
		$this->assertStringContainsString('value="preview" disabled>Preview reconcile</button>', $run['result']['page']);
		$this->assertStringContainsString('<code>WU_RUNCLOUD_API_TOKEN</code></td><td>set</td>', $run['result']['page']);
		$this->assertStringNotContainsString('test-token', $run['result']['page']);
		$this->assertSame('', $run['errors']);
	}

	public function test_the_daily_reconcile_is_not_scheduled_with_nothing_taken_over(): void {
		// As if it had been scheduled while Ultimate Multisite was active.
		wp_schedule_event(time() + 60, 'daily', 'wu_runcloud_daily_reconcile');

		Plugin::instance()->daily_reconcile()->keep_scheduled();

		$this->assertNull(Queue_Runner::next('wu_runcloud_daily_reconcile'));
	}
}
