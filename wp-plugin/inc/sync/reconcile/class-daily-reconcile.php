<?php
/**
 * The daily reconcile.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync\Reconcile;

use WuRunCloud\Plugin\Plugin;
use WuRunCloud\Plugin\Sync\Domain_Sync_Service;
use WuRunCloud\Plugin\Sync\Scheduler;

defined('ABSPATH') || exit;

/**
 * Once a day, brings the web app in line with the network: a domain event
 * that never reached RunCloud (a failure given up on, a queue that was
 * cleared, a mapping made while the plugin was inactive) is made good within
 * a day. It adds what is missing and removes nothing, unless the
 * wu_runcloud_daily_reconcile_prune filter says so.
 *
 * The reconcile is a walk (Sync\Reconcile_Walk) spread over short runs of
 * the queue: each run works for at most a budget (20 s,
 * wu_runcloud_reconcile_run_budget) and schedules the next for when the rate
 * limit allows.
 */
class Daily_Reconcile {

	const HOOK = 'wu_runcloud_daily_reconcile';

	/**
	 * The hook of each further run of a reconcile under way.
	 */
	const STEP_HOOK = 'wu_runcloud_reconcile_step';

	/**
	 * @var Scheduler
	 */
	private $scheduler;

	/**
	 * @var Domain_Sync_Service
	 */
	private $service;

	/**
	 * @param Scheduler           $scheduler Scheduler.
	 * @param Domain_Sync_Service $service   The service.
	 */
	public function __construct(Scheduler $scheduler, Domain_Sync_Service $service) {
		$this->scheduler = $scheduler;
		$this->service   = $service;
	}

	/**
	 * Schedules the daily run while the plugin does the work (extension
	 * loaded, Ultimate Multisite's integration taken over), and cancels it
	 * otherwise. The first run comes a day after scheduling.
	 */
	public function keep_scheduled(): void {
		if (null === Plugin::instance()->took_over()) {
			$this->unschedule();
			return;
		}
		$this->scheduler->ensure_daily(self::HOOK, time() + DAY_IN_SECONDS);
		$this->fill_view();
	}

	/**
	 * Has the walk fill the network's view of the app while the view has
	 * never held the whole app (a new install, or one whose view was
	 * cleared): until then the view decides nothing, and every domain event
	 * must ask RunCloud about its name. The walk runs in the queue, paced by
	 * the rate limit, never inside the process that asks: a domain event
	 * that comes first must not list a large app itself. It also adds what
	 * the network wants and the app lacks, as the daily run does, and
	 * removes nothing. Cheap when the view is whole.
	 */
	public function fill_view(): void {
		if (null !== $this->service->app_domains()->refreshed_at() || null === Plugin::instance()->took_over()) {
			return;
		}
		$this->service->reconcile_walk()->start('first', false, false);
		if (null === $this->next_step()) {
			$this->scheduler->replace(self::STEP_HOOK, time());
		}
	}

	/**
	 * Cancels the daily run (deactivation, or nothing to do it for).
	 */
	public function unschedule(): void {
		foreach ([self::HOOK, self::STEP_HOOK] as $hook) {
			if (null !== $this->scheduler->next($hook)) {
				$this->scheduler->cancel($hook);
			}
		}
	}

	/**
	 * When the next daily run is due, or null.
	 */
	public function next_run(): ?int {
		return $this->scheduler->next(self::HOOK);
	}

	/**
	 * The scheduled run: adds what is missing; failures are logged by the
	 * service, never thrown at the scheduler.
	 */
	public function run(): void {
		if (null === Plugin::instance()->took_over()) {
			return;
		}
		$this->start_now('daily', false, $this->prunes());
	}

	/**
	 * Starts a reconcile (or goes on with the one under way) and runs its
	 * first run here, within the budget; the rest follows in queue runs.
	 *
	 * @param string $trigger 'daily', 'admin' or 'first'.
	 * @param bool   $dry_run Only plan, change nothing.
	 * @param bool   $prune   Also remove unwanted names this integration added.
	 * @return string 'done', 'failed', or 'under_way' when queue runs follow.
	 */
	public function start_now(string $trigger, bool $dry_run, bool $prune): string {
		$walk = $this->service->reconcile_walk();
		$walk->start($trigger, $dry_run, $prune);
		$next = $walk->step($this->budget());
		if (null !== $next) {
			$this->scheduler->replace(self::STEP_HOOK, (int) ceil($next));
			return 'under_way';
		}
		return null === $walk->last ? 'failed' : 'done';
	}

	/**
	 * One run of the reconcile under way, within the budget; the next is
	 * scheduled when the walk has more to do.
	 */
	public function step(): void {
		if (null === Plugin::instance()->took_over()) {
			return;
		}
		$next = $this->service->reconcile_walk()->step($this->budget());
		if (null !== $next) {
			$this->scheduler->replace(self::STEP_HOOK, (int) ceil($next));
		}
	}

	/**
	 * When the next run of the reconcile under way is due, or null.
	 */
	public function next_step(): ?int {
		return $this->scheduler->next(self::STEP_HOOK);
	}

	/**
	 * Seconds one run of the reconcile may work.
	 */
	public function budget(): float {
		/**
		 * Seconds one queue run of the reconcile may work (default 20: Action
		 * Scheduler expects a run to end within about 30 s).
		 *
		 * @param int $seconds The budget.
		 */
		return max(1.0, (float) apply_filters('wu_runcloud_reconcile_run_budget', 20));
	}

	/**
	 * Whether the daily run also removes the names this integration added
	 * that nothing wants any more.
	 */
	public function prunes(): bool {
		/**
		 * Whether the daily reconcile also removes the names this integration
		 * added that nothing wants any more (default no).
		 *
		 * @param bool $prune The decision.
		 */
		return (bool) apply_filters('wu_runcloud_daily_reconcile_prune', false);
	}
}
