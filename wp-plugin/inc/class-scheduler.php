<?php
/**
 * Delayed and daily events, through Action Scheduler when present, else WP-Cron.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin;

defined('ABSPATH') || exit;

/**
 * Schedules one pending run of a hook, replacing any run already pending, so a
 * burst of requests ends in a single run. Ultimate Multisite bundles Action
 * Scheduler; without it WP-Cron does the same job.
 */
class Scheduler {

	const GROUP = 'wu-runcloud';

	/**
	 * Whether Action Scheduler's API is available.
	 */
	public function uses_action_scheduler(): bool {
		$available = function_exists('as_schedule_single_action') && function_exists('as_unschedule_all_actions') && function_exists('as_next_scheduled_action');
		return (bool) apply_filters('wu_runcloud_use_action_scheduler', $available);
	}

	/**
	 * Schedules $hook to run once at $timestamp, replacing a pending run.
	 *
	 * @param string $hook      Action name (no arguments).
	 * @param int    $timestamp Unix time.
	 */
	public function replace(string $hook, int $timestamp): void {
		$this->cancel($hook);
		if ($this->uses_action_scheduler()) {
			as_schedule_single_action($timestamp, $hook, [], self::GROUP);
			return;
		}
		wp_schedule_single_event($timestamp, $hook);
	}

	/**
	 * Makes sure $hook runs once a day, the first run at $first, unless it
	 * is scheduled already (a daily run keeps its time of day).
	 *
	 * @param string $hook  Action name (no arguments).
	 * @param int    $first Unix time of the first run.
	 */
	public function ensure_daily(string $hook, int $first): void {
		$recurring = $this->uses_action_scheduler() && function_exists('as_schedule_recurring_action');
		// Action Scheduler answers true while the run is in progress: scheduled all the same.
		if ($recurring ? false !== as_next_scheduled_action($hook, [], self::GROUP) : false !== wp_next_scheduled($hook)) {
			return;
		}
		if ($recurring) {
			// A run WP-Cron kept from before Action Scheduler was there would make two a day.
			wp_clear_scheduled_hook($hook);
			as_schedule_recurring_action($first, DAY_IN_SECONDS, $hook, [], self::GROUP);
			return;
		}
		wp_schedule_event($first, 'daily', $hook);
	}

	/**
	 * Cancels a pending run.
	 *
	 * @param string $hook Action name.
	 */
	public function cancel(string $hook): void {
		if ($this->uses_action_scheduler()) {
			as_unschedule_all_actions($hook, [], self::GROUP);
		}
		wp_clear_scheduled_hook($hook);
	}

	/**
	 * When the next run is due, or null.
	 *
	 * @param string $hook Action name.
	 */
	public function next(string $hook): ?int {
		if ($this->uses_action_scheduler()) {
			$next = as_next_scheduled_action($hook, [], self::GROUP);
			// true means "running now": no run is pending after this one.
			if (is_int($next) && $next > 0) {
				return $next;
			}
		}
		$next = wp_next_scheduled($hook);
		return false === $next ? null : (int) $next;
	}
}
