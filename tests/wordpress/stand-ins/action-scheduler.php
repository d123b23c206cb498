<?php
/**
 * TEST STAND-IN, written for this project's tests: the few functions of
 * Action Scheduler's public API (which Ultimate Multisite bundles) that the
 * plugin calls. Not Action Scheduler's code. Actions are kept in a network
 * option, so they outlive the PHP process that scheduled them, and run only
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
		 * Pending actions, by id.
		 *
		 * @return array<int, array{hook: string, args: array, group: string, timestamp: int}>
		 */
		public static function pending(): array {
			$actions = get_network_option(null, self::OPTION, []);
			return is_array($actions) ? $actions : [];
		}

		/**
		 * @param array<int, array> $actions Pending actions.
		 */
		public static function save(array $actions): void {
			update_network_option(null, self::OPTION, $actions);
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
			$id      = (int) get_network_option(null, Action_Scheduler::OPTION . '_last_id', 0) + 1;
			update_network_option(null, Action_Scheduler::OPTION . '_last_id', $id);
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
			return as_schedule_single_action(time(), $hook, $args, $group);
		}
	}

	if (! function_exists('as_unschedule_all_actions')) {
		/**
		 * Stand-in: cancels every pending matching action.
		 *
		 * @param string     $hook  Hook.
		 * @param array|null $args  Arguments (empty or null: any).
		 * @param string     $group Group.
		 */
		function as_unschedule_all_actions($hook, $args = [], $group = '') {
			$args    = [] === $args ? null : $args;
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
		 * Stand-in: when the next matching action runs, or false.
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
					$next = false === $next ? $action['timestamp'] : min($next, $action['timestamp']);
				}
			}
			return $next;
		}
	}
}
