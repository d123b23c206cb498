<?php
/**
 * The daily reconcile.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

use WuRunCloud\Plugin\Plugin;

/**
 * Once the plugin has taken over, a daily run is scheduled through the
 * architecture's scheduler (Action Scheduler with 2.5+, WP-Cron up to 2.4.x);
 * it adds a mapped domain whose event never reached RunCloud and removes
 * nothing; RunCloud failing is an error line, not a broken cron run.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class DailyReconcileTest extends Integration_Test_Case {

	const HOOK = 'wu_runcloud_daily_reconcile';

	public function test_it_is_scheduled_once_through_the_architectures_scheduler(): void {
		$daily = Plugin::instance()->daily_reconcile();
		$this->assertSame(10, has_action('admin_init', [Plugin::instance()->fleet(), 'keep_scheduled']), 'every web app\'s daily run');
		$this->assertSame(10, has_action('deactivate_wu-runcloud/wu-runcloud.php', [Plugin::instance(), 'deactivate']));
		$this->assertNull(Queue_Runner::next(self::HOOK));
		if ('b' === self::architecture()) {
			// Left by WP-Cron from before Ultimate Multisite brought Action Scheduler.
			wp_schedule_event(time() + 3600, 'daily', self::HOOK);
		}

		$daily->keep_scheduled();
		$daily->keep_scheduled();

		$this->assertEqualsWithDelta(time() + DAY_IN_SECONDS, Queue_Runner::next(self::HOOK), 5);
		$this->assertSame(1, Queue_Runner::pending_count(self::HOOK), 'scheduling again keeps the one run');
		if ('b' === self::architecture()) {
			$actions = array_values(\WP_Ultimo\Test\Action_Scheduler::pending());
			$this->assertSame(self::HOOK, $actions[0]['hook']);
			$this->assertSame('wu-runcloud', $actions[0]['group']);
			$this->assertSame(DAY_IN_SECONDS, $actions[0]['interval'], 'a recurring action');
			$this->assertFalse(wp_next_scheduled(self::HOOK), 'not in WP-Cron as well');
		} else {
			$this->assertFalse(function_exists('as_schedule_recurring_action'));
			$this->assertSame('daily', wp_get_scheduled_event(self::HOOK)->schedule);
		}

		$daily->unschedule();
		$this->assertSame(0, Queue_Runner::pending_count(self::HOOK), 'deactivation unschedules it');
	}

	public function test_the_daily_run_adds_what_is_missing_and_removes_nothing(): void {
		// foreign.example.com was on the app before; stale.example.com was added
		// by this integration and its mapping's removal event never ran;
		// missing.example.com was mapped and its event never ran.
		$this->network_out_of_step();
		Plugin::instance()->daily_reconcile()->keep_scheduled();

		$this->run_scheduled_after(DAY_IN_SECONDS - 60);
		$this->assertNull($this->sim->domain('missing.example.com'), 'not before a day has passed');
		$this->assertGreaterThanOrEqual(1, $this->run_scheduled_after(61));

		$this->assertSame(['foreign.example.com', 'missing.example.com', 'network.test', 'stale.example.com'], $this->sim->domain_names());
		$this->assertSame([], preg_grep('/^DELETE /', $this->sim->request_lines()), 'nothing removed');
		$this->assertSame(4, $this->managed()['missing.example.com']['site_id']);
		$last = get_network_option(null, 'wu_runcloud_last_reconcile');
		$this->assertSame(['daily', false, false, ['missing.example.com'], [], null], [$last['trigger'], $last['dry_run'], $last['prune'], $last['added'], $last['removed'], $last['failure']]);
		$this->assertCount(1, preg_grep('/^reconcile \(daily\): 1 pages in 1 runs .*added 1, removed 0, 0 failed$/', $this->log_lines('info')), implode("\n", $this->log_lines()));
		$this->assertGreaterThan(time(), Queue_Runner::next(self::HOOK), 'the next daily run is scheduled');
	}

	public function test_a_filter_can_make_the_daily_run_prune(): void {
		$this->map_domain('stale.example.com', 9);
		$this->run_domain_events();
		$this->unmap_domain('stale.example.com', 9);
		\WP_Ultimo\Test\Async_Queue::clear();
		add_filter('wu_runcloud_daily_reconcile_prune', '__return_true');
		wp_set_current_user(1);
		try {
			Plugin::instance()->daily_reconcile()->keep_scheduled();
			ob_start();
			Plugin::instance()->settings_page()->render();
			$page = (string) ob_get_clean();
			Plugin::instance()->daily_reconcile()->run();
		} finally {
			remove_filter('wu_runcloud_daily_reconcile_prune', '__return_true');
			wp_set_current_user(0);
		}
		$this->assertStringContainsString('It adds missing domains and removes the names this integration added that nothing wants.', $page, 'the page says so');
		$this->assertSame(['network.test'], $this->sim->domain_names());
		$this->assertSame(['stale.example.com'], get_network_option(null, 'wu_runcloud_last_reconcile')['removed']);
	}

	public function test_runcloud_failing_is_logged_and_does_not_break_the_run(): void {
		$this->map_domain('missing.example.com', 4);
		\WP_Ultimo\Test\Async_Queue::clear();
		$this->sim->fault(['kind' => 'status', 'status' => 401, 'message' => 'Unauthenticated.', 'count' => 10]);
		Plugin::instance()->daily_reconcile()->keep_scheduled();

		$this->assertGreaterThanOrEqual(1, $this->run_scheduled_after(DAY_IN_SECONDS + 1));

		$this->assertSame(['reconcile (daily): not done: RunCloud answered HTTP 401, "Unauthenticated.": RunCloud did not accept the API credentials; check WU_RUNCLOUD_API_TOKEN (or WU_RUNCLOUD_API_KEY and WU_RUNCLOUD_API_SECRET) in wp-config.php, then Tools > Site Health.'], $this->log_lines('error'));
		$this->assertSame('RunCloud answered HTTP 401, "Unauthenticated.": RunCloud did not accept the API credentials; check WU_RUNCLOUD_API_TOKEN (or WU_RUNCLOUD_API_KEY and WU_RUNCLOUD_API_SECRET) in wp-config.php, then Tools > Site Health.', get_network_option(null, 'wu_runcloud_last_reconcile')['failure']);
		$this->assertNull($this->sim->domain('missing.example.com'));
		$this->assertGreaterThan(time(), Queue_Runner::next(self::HOOK), 'the next daily run is still scheduled');
	}
}
