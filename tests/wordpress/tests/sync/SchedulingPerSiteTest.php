<?php
/**
 * Where the plugin's runs are scheduled in a network.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

use WuRunCloud\Plugin\Plugin;

/**
 * Action Scheduler and WP-Cron keep their storage per site. Whatever site is
 * current (a subsite's wp-admin, its admin-ajax.php), every run the plugin
 * schedules lives on the main site; network deactivation leaves none on any
 * site, keeps the queued work, and reactivation schedules runs for it;
 * uninstall removes runs and options from every site.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class SchedulingPerSiteTest extends Integration_Test_Case {

	const HOOKS = ['wu_runcloud_daily_reconcile', 'wu_runcloud_retry', 'wu_runcloud_redeploy_ssl'];

	const HOOKS_SORTED = ['wu_runcloud_daily_reconcile', 'wu_runcloud_redeploy_ssl', 'wu_runcloud_retry'];

	public function test_a_subsite_admin_visit_schedules_nothing_on_the_subsite(): void {
		$site_id = $this->create_site('visited');
		$this->run_domain_events();
		Queue_Runner::clear();

		switch_to_blog($site_id);
		try {
			// What admin_init runs on every wp-admin page and admin-ajax.php call.
			Plugin::instance()->daily_reconcile()->keep_scheduled();
			$this->assertNotNull(Plugin::instance()->daily_reconcile()->next_run(), 'seen from the subsite, the run is scheduled');
		} finally {
			restore_current_blog();
		}

		$this->assertSame([], $this->runs_on($site_id), 'nothing in the subsite\'s scheduler');
		$this->assertSame(['wu_runcloud_daily_reconcile'], $this->runs_on(1), 'the daily run is on the main site');
	}

	public function test_work_arising_on_a_subsite_is_scheduled_on_the_main_site(): void {
		$site_id = $this->create_site('busy');
		$this->run_domain_events();
		Queue_Runner::clear();
		// Two mappings whose events are run below, from the subsite.
		$this->map_domain('failing.example.com', $site_id);
		$this->map_domain('working.example.com', $site_id);
		\WP_Ultimo\Test\Async_Queue::clear();
		$this->sim->fault(['kind' => 'status', 'status' => 503, 'method' => 'POST', 'path_contains' => '/domains']);

		switch_to_blog($site_id);
		try {
			do_action('wu_add_domain', 'failing.example.com', $site_id);
			do_action('wu_add_domain', 'working.example.com', $site_id);
		} finally {
			restore_current_blog();
		}

		$this->assertSame([], $this->runs_on($site_id));
		$this->assertSame(['wu_runcloud_redeploy_ssl', 'wu_runcloud_retry'], $this->runs_on(1));
	}

	public function test_deactivation_cleans_every_site_and_reactivation_resumes_the_queue(): void {
		// The new site's host waits for its certificate redeploy; a mapping waits for its retry.
		$site_id = $this->create_site('legacy');
		$this->run_domain_events();
		$this->sim->fault(['kind' => 'status', 'status' => 503, 'method' => 'POST', 'path_contains' => '/domains', 'count' => 1]);
		$this->map_domain('queued.example.com', 2);
		$this->run_domain_events();
		Plugin::instance()->daily_reconcile()->keep_scheduled();
		// A daily run an earlier version left in the subsite's own scheduler.
		switch_to_blog($site_id);
		if (function_exists('as_schedule_recurring_action')) {
			as_schedule_recurring_action(time() + 60, DAY_IN_SECONDS, 'wu_runcloud_daily_reconcile', [], 'wu-runcloud');
		} else {
			wp_schedule_event(time() + 60, 'daily', 'wu_runcloud_daily_reconcile');
		}
		restore_current_blog();
		$this->assertSame(self::HOOKS_SORTED, $this->runs_on(1));
		$this->assertSame(['wu_runcloud_daily_reconcile'], $this->runs_on($site_id));

		$run = WordPress_Process::run(
			<<<'PHP'
			require_once ABSPATH . 'wp-admin/includes/plugin.php';
			deactivate_plugins('wu-runcloud/wu-runcloud.php', false, true);
			echo json_encode(is_plugin_active_for_network('wu-runcloud/wu-runcloud.php')), "\n";
PHP
		);
		wp_cache_flush();
		$this->assertSame(0, $run['status'], $run['output'] . $run['errors']);
		$this->assertFalse($run['result'], 'deactivated');
		try {
			$this->assertSame([], $this->runs_on(1), 'no run is left on the main site');
			$this->assertSame([], $this->runs_on($site_id), 'nor on the subsite');
			$this->assertArrayHasKey('queued.example.com', $this->queued(), 'the queued work is kept');
		} finally {
			$run = WordPress_Process::run(
				<<<'PHP'
				require_once ABSPATH . 'wp-admin/includes/plugin.php';
				$result = activate_plugin('wu-runcloud/wu-runcloud.php', '', true);
				echo json_encode(is_wp_error($result) ? $result->get_error_message() : is_plugin_active_for_network('wu-runcloud/wu-runcloud.php')), "\n";
PHP
			);
			wp_cache_flush();
		}
		$this->assertSame(0, $run['status'], $run['output'] . $run['errors']);
		$this->assertTrue($run['result'], 'reactivated');
		$this->assertSame(['wu_runcloud_redeploy_ssl', 'wu_runcloud_retry'], $this->runs_on(1), 'reactivation schedules runs for what is still queued');
		$this->assertSame([], $this->runs_on($site_id));

		$this->run_scheduled_after(HOUR_IN_SECONDS);
		$this->assertNotNull($this->sim->domain('queued.example.com'), 'and the retry runs');
		$this->assertGreaterThanOrEqual(1, $this->sim->counters()['redeploys'], 'and the redeploy');
	}

	public function test_uninstall_cleans_every_site(): void {
		$site_id = $this->create_site('leftover');
		$this->run_domain_events();
		switch_to_blog($site_id);
		wp_schedule_event(time() + 60, 'daily', 'wu_runcloud_daily_reconcile');
		if (function_exists('as_schedule_single_action')) {
			as_schedule_single_action(time() + 60, 'wu_runcloud_retry', [], 'wu-runcloud');
		}
		update_option('wu_runcloud_retry_queue', ['left' => 'by an earlier version']);
		restore_current_blog();
		Plugin::instance()->daily_reconcile()->keep_scheduled();

		$run = $this->run_uninstall();

		$this->assertSame(0, $run['status'], $run['output'] . $run['errors']);
		$this->assertSame([], $this->runs_on(1));
		$this->assertSame([], $this->runs_on($site_id));
		$this->assertFalse(get_blog_option($site_id, 'wu_runcloud_retry_queue'), 'a subsite\'s option is removed too');
	}

	/**
	 * The plugin's hooks with a run pending on a site, in either scheduler.
	 *
	 * @param int $site_id Site.
	 * @return list<string>
	 */
	private function runs_on(int $site_id): array {
		switch_to_blog($site_id);
		try {
			$hooks = [];
			foreach (self::HOOKS as $hook) {
				if (false !== wp_next_scheduled($hook) || (function_exists('as_next_scheduled_action') && false !== as_next_scheduled_action($hook))) {
					$hooks[] = $hook;
				}
			}
			sort($hooks);
			return $hooks;
		} finally {
			restore_current_blog();
		}
	}
}
