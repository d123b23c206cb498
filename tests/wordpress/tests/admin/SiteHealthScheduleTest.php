<?php
/**
 * Site Health's weekly run on every site of the network.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

/**
 * WordPress runs each site's Site Health tests from that site's own weekly
 * cron. The RunCloud tests describe the network, so they belong to the main
 * site: a subsite's weekly run costs RunCloud nothing, whatever the number
 * of sites.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class SiteHealthScheduleTest extends Integration_Test_Case {

	public static function set_up_before_class(): void {
		require_once ABSPATH . 'wp-admin/includes/class-wp-site-health.php';
	}

	protected function setUp(): void {
		parent::setUp();
		require_once ABSPATH . 'wp-admin/includes/class-wp-site-health.php';
		\WP_Site_Health::get_instance();
		// WordPress's own tests reach out to the network; only the plugin's run here.
		add_filter('site_status_tests', [$this, 'only_the_plugins_tests'], 5);
	}

	protected function tearDown(): void {
		remove_filter('site_status_tests', [$this, 'only_the_plugins_tests'], 5);
		parent::tearDown();
	}

	/**
	 * @param array $tests Site Health tests before the plugin adds its own.
	 */
	public function only_the_plugins_tests($tests): array {
		return ['direct' => [], 'async' => []];
	}

	public function test_a_subsites_weekly_run_asks_runcloud_nothing(): void {
		$sites = [$this->create_site('weekly-one'), $this->create_site('weekly-two')];
		$this->run_domain_events();
		$this->sim->reset_requests();

		foreach ($sites as $site_id) {
			switch_to_blog($site_id);
			try {
				$this->assertSame([], array_filter(array_keys(array_merge(...array_values(\WP_Site_Health::get_tests()))), [self::class, 'is_runcloud_test']), 'no RunCloud test on a subsite');
				do_action('wp_site_health_scheduled_check');
			} finally {
				restore_current_blog();
			}
		}
		$this->assertSame([], $this->sim->request_lines(), 'the subsites\' weekly runs asked RunCloud nothing');

		do_action('wp_site_health_scheduled_check');
		$this->assertContains('GET /api/v3/ping', $this->sim->request_lines(), 'the main site\'s weekly run tests the connection');
	}

	/**
	 * @param string $test A test's id.
	 */
	public static function is_runcloud_test(string $test): bool {
		return 0 === strpos($test, 'wu_runcloud');
	}
}
