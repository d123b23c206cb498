<?php
/**
 * TEST STAND-IN, written for this project's tests: the functions of Action
 * Scheduler's public API (functions.php; Ultimate Multisite bundles the
 * library) that the plugin calls. Not Action Scheduler's code. Like the
 * library, which keeps actions in {$wpdb->prefix}actionscheduler_actions,
 * it stores them per site: in an option of the current site's own options
 * table, so an action scheduled while a subsite is current lives with that
 * subsite. Actions outlive the PHP process that scheduled them and run only
 * when a test (or the demo) asks the queue runner to.
 *
 * @package WuRunCloud\Tests
 */

namespace WP_Ultimo\Test {

	/**
	 * The stored actions and a queue runner.
	 */
	final class Action_Scheduler {

		const OPTION = 'wu_test_action_scheduler';

		/**
		 * Hooks of actions that failed for want of a callback.
		 *
		 * @var list<string>
		 */
		public static $failed = [];

		/**
		 * Pending actions of the current site, by id.
		 *
		 * @return array<int, array{hook: string, args: array, group: string, timestamp: int}>
		 */
		public static function pending(): array {
			wp_cache_delete(self::OPTION, 'options');
			$actions = get_option(self::OPTION, []);
			return is_array($actions) ? $actions : [];
		}

		/**
		 * Pending actions of one site, by id.
		 *
		 * @param int $blog_id Site.
		 * @return array<int, array>
		 */
		public static function pending_on(int $blog_id): array {
			switch_to_blog($blog_id);
			try {
				return self::pending();
			} finally {
				restore_current_blog();
			}
		}

		/**
		 * @param array<int, array> $actions Pending actions of the current site.
		 */
		public static function save(array $actions): void {
			update_option(self::OPTION, $actions, false);
		}

		/**
		 * Runs the actions that are due, oldest first, as a queue runner does:
		 * each is taken off the queue before it runs, and a recurring one is
		 * scheduled again one interval later.
		 *
		 * @return int How many ran.
		 */
		public static function run_due(): int {
			$ran = 0;
			while (true) {
				$due = array_filter(
					self::pending(),
					static function ($action) {
						return $action['timestamp'] <= time();
					}
				);
				if ([] === $due) {
					return $ran;
				}
				uasort(
					$due,
					static function ($a, $b) {
						return $a['timestamp'] <=> $b['timestamp'];
					}
				);
				$id      = array_key_first($due);
				$actions = self::pending();
				unset($actions[ $id ]);
				self::save($actions);
				if (! empty($due[ $id ]['interval'])) {
					as_schedule_recurring_action($due[ $id ]['timestamp'] + $due[ $id ]['interval'], $due[ $id ]['interval'], $due[ $id ]['hook'], $due[ $id ]['args'], $due[ $id ]['group']);
				}
				if (! has_action($due[ $id ]['hook'])) {
					// The library marks it failed: "no callbacks are registered".
					self::$failed[] = $due[ $id ]['hook'];
					continue;
				}
				do_action_ref_array($due[ $id ]['hook'], array_values($due[ $id ]['args']));
				++$ran;
			}
		}

		/**
		 * Moves every pending action $seconds earlier (time passing, for tests).
		 *
		 * @param int $seconds Seconds.
		 */
		public static function fast_forward(int $seconds): void {
			$actions = self::pending();
			foreach ($actions as $id => $action) {
				$actions[ $id ]['timestamp'] = $action['timestamp'] - $seconds;
			}
			self::save($actions);
		}

		/**
		 * Whether an action matches a hook, arguments (null: any) and group ('' : any).
		 *
		 * @param array      $action Stored action.
		 * @param string     $hook   Hook.
		 * @param array|null $args   Arguments.
		 * @param string     $group  Group.
		 */
		public static function matches(array $action, string $hook, ?array $args, string $group): bool {
			return $action['hook'] === $hook
				&& (null === $args || $action['args'] === $args)
				&& ('' === $group || $action['group'] === $group);
		}
	}
}

namespace {

	use WP_Ultimo\Test\Action_Scheduler;

	if (! function_exists('as_schedule_single_action')) {
		/**
		 * Stand-in: schedules one run of $hook at $timestamp.
		 *
		 * @param int    $timestamp Unix time.
		 * @param string $hook      Hook.
		 * @param array  $args      Arguments.
		 * @param string $group     Group.
		 * @return int Action id.
		 */
		function as_schedule_single_action($timestamp, $hook, $args = [], $group = '') {
			$actions = Action_Scheduler::pending();
			$id      = (int) get_option(Action_Scheduler::OPTION . '_last_id', 0) + 1;
			update_option(Action_Scheduler::OPTION . '_last_id', $id, false);
			$actions[ $id ] = ['hook' => (string) $hook, 'args' => (array) $args, 'group' => (string) $group, 'timestamp' => (int) $timestamp];
			Action_Scheduler::save($actions);
			return $id;
		}
	}

	if (! function_exists('as_schedule_recurring_action')) {
		/**
		 * Stand-in: schedules $hook to run at $timestamp and every $interval
		 * seconds after.
		 *
		 * @param int    $timestamp Unix time of the first run.
		 * @param int    $interval  Seconds between runs.
		 * @param string $hook      Hook.
		 * @param array  $args      Arguments.
		 * @param string $group     Group.
		 * @return int Action id.
		 */
		function as_schedule_recurring_action($timestamp, $interval, $hook, $args = [], $group = '') {
			$id      = as_schedule_single_action($timestamp, $hook, $args, $group);
			$actions = Action_Scheduler::pending();
			$actions[ $id ]['interval'] = (int) $interval;
			Action_Scheduler::save($actions);
			return $id;
		}
	}

	if (! function_exists('as_enqueue_async_action')) {
		/**
		 * Stand-in: schedules a run as soon as possible.
		 *
		 * @param string $hook  Hook.
		 * @param array  $args  Arguments.
		 * @param string $group Group.
		 * @return int Action id.
		 */
		function as_enqueue_async_action($hook, $args = [], $group = '') {
			$id      = as_schedule_single_action(time(), $hook, $args, $group);
			$actions = Action_Scheduler::pending();
			// No schedule (NullSchedule): as_next_scheduled_action() answers true.
			$actions[ $id ]['async'] = true;
			Action_Scheduler::save($actions);
			return $id;
		}
	}

	if (! function_exists('as_unschedule_all_actions')) {
		/**
		 * Stand-in: cancels every pending matching action of the current site;
		 * as the library does, empty arguments match any only when no group
		 * is given (cancel_actions_by_hook), else exactly no arguments.
		 *
		 * @param string     $hook  Hook.
		 * @param array|null $args  Arguments.
		 * @param string     $group Group.
		 */
		function as_unschedule_all_actions($hook, $args = [], $group = '') {
			$args    = empty($args) && '' === (string) $group ? null : (array) $args;
			$actions = array_filter(
				Action_Scheduler::pending(),
				static function ($action) use ($hook, $args, $group) {
					return ! Action_Scheduler::matches($action, (string) $hook, $args, (string) $group);
				}
			);
			Action_Scheduler::save($actions);
		}
	}

	if (! function_exists('as_next_scheduled_action')) {
		/**
		 * Stand-in: when the next matching action of the current site runs
		 * (true for an async one), or false.
		 *
		 * @param string     $hook  Hook.
		 * @param array|null $args  Arguments (null: any).
		 * @param string     $group Group.
		 * @return int|false
		 */
		function as_next_scheduled_action($hook, $args = null, $group = '') {
			$next = false;
			foreach (Action_Scheduler::pending() as $action) {
				if (Action_Scheduler::matches($action, (string) $hook, $args, (string) $group)) {
					if (! empty($action['async'])) {
						return true;
					}
					$next = false === $next ? $action['timestamp'] : min($next, $action['timestamp']);
				}
			}
			return $next;
		}
	}
}
