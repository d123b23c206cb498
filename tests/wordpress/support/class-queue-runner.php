<?php
/**
 * Runs the plugin's scheduled work the way WordPress would, and lets time pass.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

/**
 * The queue runner of the test network: Action Scheduler's (stand-in) when
 * loaded, WP-Cron's otherwise. WP-Cron is disabled in wp-config.php so that
 * nothing runs behind a test's back; run_due() does what wp-cron.php does.
 */
final class Queue_Runner {

	/**
	 * The plugin's hooks, whose scheduled runs fast_forward() moves.
	 */
	const HOOKS = ['wu_runcloud_redeploy_ssl', 'wu_runcloud_retry', 'wu_runcloud_daily_reconcile', 'wu_runcloud_reconcile_step'];

	/**
	 * Runs every due event (and those that become due meanwhile).
	 *
	 * @return int How many ran.
	 */
	public static function run_due(): int {
		$ran = 0;
		do {
			$before = $ran;
			if (class_exists('\WP_Ultimo\Test\Action_Scheduler')) {
				$ran += \WP_Ultimo\Test\Action_Scheduler::run_due();
			}
			$ran += self::run_due_cron();
		} while ($ran > $before);
		return $ran;
	}

	/**
	 * Moves the plugin's scheduled runs and the times it stored (the queue of
	 * names and its leases, the certificate batch, its backoff and leases)
	 * $seconds earlier, as if that much time had passed.
	 *
	 * @param int $seconds Seconds.
	 */
	public static function fast_forward(int $seconds): void {
		if (class_exists('\WP_Ultimo\Test\Action_Scheduler')) {
			\WP_Ultimo\Test\Action_Scheduler::fast_forward($seconds);
		}
		$crons = _get_cron_array();
		$moved = [];
		foreach ($crons as $timestamp => $hooks) {
			foreach ($hooks as $hook => $events) {
				$moved[ $timestamp - $seconds ][ $hook ] = $events;
			}
		}
		ksort($moved);
		_set_cron_array($moved);
		foreach (\WuRunCloud\Plugin\Plugin::instance()->fleet()->all() as $sync) {
			self::fast_forward_app($sync->target, $seconds);
		}
	}

	/**
	 * Moves the times one web app's queues stored $seconds earlier.
	 *
	 * @param \WuRunCloud\Plugin\Extension\Target $target  The app.
	 * @param int                                 $seconds Seconds.
	 */
	private static function fast_forward_app(\WuRunCloud\Plugin\Extension\Target $target, int $seconds): void {
		\WuRunCloud\Plugin\Sync\Certificates\Certificate_Queue::table($target)->query('UPDATE {table} SET lease_until = IF(lease_until = 0, 0, lease_until - %d), held_until = IF(held_until = 0, 0, held_until - %d) WHERE network_id = {network}', [$seconds, $seconds]);
		\WuRunCloud\Plugin\Sync\Certificates\Blocking_Names::table($target)->query('UPDATE {table} SET since = since - %d WHERE network_id = {network}', [$seconds]);
		\WuRunCloud\Plugin\Sync\Certificates\Refused_Names::table($target)->query('UPDATE {table} SET refused_at = refused_at - %d WHERE network_id = {network}', [$seconds]);
		\WuRunCloud\Plugin\Sync\Name_Queue::table($target)->query('UPDATE {table} SET next_at = next_at - %d, leased_until = IF(leased_until = 0, 0, leased_until - %d) WHERE network_id = {network}', [$seconds, $seconds]);
		$option = \WuRunCloud\Plugin\Sync\Certificates\Certificate_Queue::OPTION . $target->suffix();
		$batch  = get_network_option(null, $option, []);
		if (is_array($batch) && [] !== $batch) {
			foreach (['since', 'due', 'next_at'] as $key) {
				$batch[ $key ] = empty($batch[ $key ]) ? 0 : (int) $batch[ $key ] - $seconds;
			}
			update_network_option(null, $option, $batch);
		}
	}

	/**
	 * When the next run of a hook is scheduled (either scheduler), or null.
	 *
	 * @param string $hook Hook.
	 */
	public static function next(string $hook): ?int {
		if (function_exists('as_next_scheduled_action')) {
			$next = as_next_scheduled_action($hook);
			if (is_int($next)) {
				return $next;
			}
		}
		$next = wp_next_scheduled($hook);
		return false === $next ? null : (int) $next;
	}

	/**
	 * How many runs of a hook are pending, in both schedulers.
	 *
	 * @param string $hook Hook.
	 */
	public static function pending_count(string $hook): int {
		$count = 0;
		foreach (_get_cron_array() as $hooks) {
			$count += isset($hooks[ $hook ]) ? count($hooks[ $hook ]) : 0;
		}
		if (class_exists('\WP_Ultimo\Test\Action_Scheduler')) {
			foreach (\WP_Ultimo\Test\Action_Scheduler::pending() as $action) {
				$count += $action['hook'] === $hook ? 1 : 0;
			}
		}
		return $count;
	}

	/**
	 * Forgets every scheduled run of the plugin's hooks.
	 */
	public static function clear(): void {
		foreach (self::HOOKS as $hook) {
			wp_unschedule_hook($hook);
		}
		if (class_exists('\WP_Ultimo\Test\Action_Scheduler')) {
			\WP_Ultimo\Test\Action_Scheduler::save([]);
		}
	}

	/**
	 * What wp-cron.php does, for the plugin's hooks only (WordPress's own
	 * events would try to reach WordPress.org): each due event is rescheduled
	 * (a recurring one) or unscheduled, then run.
	 *
	 * @return int How many ran.
	 */
	private static function run_due_cron(): int {
		$ran = 0;
		foreach (_get_cron_array() as $timestamp => $hooks) {
			if ($timestamp > time()) {
				break;
			}
			foreach (array_intersect_key($hooks, array_flip(self::HOOKS)) as $hook => $events) {
				foreach ($events as $event) {
					if (! empty($event['schedule'])) {
						wp_reschedule_event($timestamp, $event['schedule'], $hook, $event['args']);
					}
					wp_unschedule_event($timestamp, $hook, $event['args']);
					do_action_ref_array($hook, $event['args']);
					++$ran;
				}
			}
		}
		return $ran;
	}
}
