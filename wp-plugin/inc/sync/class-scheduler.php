<?php
/**
 * Delayed and daily events, through Action Scheduler when present, else WP-Cron.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync;

defined('ABSPATH') || exit;

/**
 * Schedules one pending run of a hook, replacing any run already pending, so a
 * burst of requests ends in a single run. Ultimate Multisite bundles Action
 * Scheduler; without it WP-Cron does the same job.
 *
 * Both keep their storage per site (Action Scheduler in tables under the
 * site's prefix, WP-Cron in the site's "cron" option), and a request to a
 * subsite's wp-admin or admin-ajax.php runs with that subsite current. So
 * every call here runs on the network's main site, as Ultimate Multisite's
 * own scheduler helpers do (wu_switch_blog_and_run()).
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
	 * @param string       $hook      Action name.
	 * @param int          $timestamp Unix time.
	 * @param list<string> $args      Its arguments: a run with other arguments is another run.
	 */
	public function replace(string $hook, int $timestamp, array $args = []): void {
		$this->on_main_site(
			function () use ($hook, $timestamp, $args) {
				$this->cancel_here($hook, $args);
				if ($this->uses_action_scheduler()) {
					as_schedule_single_action($timestamp, $hook, $args, self::GROUP);
					return;
				}
				wp_schedule_single_event($timestamp, $hook, $args);
			}
		);
	}

	/**
	 * Makes sure $hook runs once a day, the first run at $first, unless it
	 * is scheduled already (a daily run keeps its time of day).
	 *
	 * @param string       $hook  Action name.
	 * @param int          $first Unix time of the first run.
	 * @param list<string> $args  Its arguments.
	 */
	public function ensure_daily(string $hook, int $first, array $args = []): void {
		$this->on_main_site(
			function () use ($hook, $first, $args) {
				$recurring = $this->uses_action_scheduler() && function_exists('as_schedule_recurring_action');
				// Action Scheduler answers true while the run is in progress: scheduled all the same.
				if ($recurring ? false !== as_next_scheduled_action($hook, $args, self::GROUP) : false !== wp_next_scheduled($hook, $args)) {
					return;
				}
				if ($recurring) {
					// A run WP-Cron kept from before Action Scheduler was there would make two a day.
					wp_clear_scheduled_hook($hook, $args);
					as_schedule_recurring_action($first, DAY_IN_SECONDS, $hook, $args, self::GROUP);
					return;
				}
				wp_schedule_event($first, 'daily', $hook, $args);
			}
		);
	}

	/**
	 * Cancels a pending run.
	 *
	 * @param string       $hook Action name.
	 * @param list<string> $args Its arguments.
	 */
	public function cancel(string $hook, array $args = []): void {
		$this->on_main_site(
			function () use ($hook, $args) {
				$this->cancel_here($hook, $args);
			}
		);
	}

	/**
	 * When the next run is due, or null.
	 *
	 * @param string       $hook Action name.
	 * @param list<string> $args Its arguments.
	 */
	public function next(string $hook, array $args = []): ?int {
		return $this->on_main_site(
			function () use ($hook, $args) {
				if ($this->uses_action_scheduler()) {
					$next = as_next_scheduled_action($hook, $args, self::GROUP);
					// true means "running now": no run is pending after this one.
					if (is_int($next) && $next > 0) {
						return $next;
					}
				}
				$next = wp_next_scheduled($hook, $args);
				return false === $next ? null : (int) $next;
			}
		);
	}

	/**
	 * Cancels every run of the hooks on every site of the network, in both
	 * schedulers: what deactivation and uninstall leave behind must not fire
	 * without its callbacks (nor a run an earlier version left on a subsite).
	 *
	 * @param list<string> $hooks Action names.
	 */
	public function cancel_everywhere(array $hooks): void {
		$sites = is_multisite() ? get_sites(['fields' => 'ids', 'number' => 0, 'network_id' => get_current_network_id()]) : [get_current_blog_id()];
		foreach ($sites as $site_id) {
			$this->on_site(
				(int) $site_id,
				function () use ($hooks) {
					foreach ($hooks as $hook) {
						if (function_exists('as_unschedule_all_actions')) {
							as_unschedule_all_actions($hook, [], self::GROUP);
							as_unschedule_all_actions($hook);
						}
						wp_unschedule_hook($hook);
					}
				}
			);
		}
	}

	/**
	 * Cancels a pending run on the current site: the one with these arguments
	 * only (Action Scheduler matches them exactly once a group is given).
	 *
	 * @param string       $hook Action name.
	 * @param list<string> $args Its arguments.
	 */
	private function cancel_here(string $hook, array $args): void {
		if ($this->uses_action_scheduler()) {
			as_unschedule_all_actions($hook, $args, self::GROUP);
		}
		wp_clear_scheduled_hook($hook, $args);
	}

	/**
	 * Runs $work with the network's main site current.
	 *
	 * @param callable $work Work.
	 * @return mixed What $work returns.
	 */
	private function on_main_site(callable $work) {
		return $this->on_site(is_multisite() ? (int) get_main_site_id() : get_current_blog_id(), $work);
	}

	/**
	 * Runs $work with a site current, and switches back.
	 *
	 * @param int      $site_id Site.
	 * @param callable $work    Work.
	 * @return mixed What $work returns.
	 */
	private function on_site(int $site_id, callable $work) {
		if (! is_multisite() || get_current_blog_id() === $site_id) {
			return $work();
		}
		switch_to_blog($site_id);
		try {
			return $work();
		} finally {
			restore_current_blog();
		}
	}
}
