<?php
/**
 * The daily reconcile.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync\Reconcile;

use WuRunCloud\Plugin\Extension\Target;
use WuRunCloud\Plugin\Sync\App_Domains;
use WuRunCloud\Plugin\Sync\Scheduler;

defined('ABSPATH') || exit;

/**
 * Once a day, brings the web app in line with the network: a domain event
 * that never reached RunCloud (a failure given up on, a queue that was
 * cleared, a mapping made while the plugin was inactive) is made good within
 * a day. It adds what is missing and removes nothing, unless the
 * wu_runcloud_daily_reconcile_prune filter says so.
 *
 * The reconcile is a walk (Reconcile_Walk) spread over short runs of
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
	 * @var Reconcile_Walk
	 */
	private $walk;

	/**
	 * @var App_Domains
	 */
	private $app;

	/**
	 * Whether Ultimate Multisite handed the network's domains to our
	 * integration; known only once it registered it, after this is built.
	 *
	 * @var callable(): bool
	 */
	private $in_charge;

	/**
	 * The arguments of this app's runs: each app has its own daily run and
	 * its own steps, so one app's walk never waits for another's.
	 *
	 * @var list<string>
	 */
	private $hook_args;

	/**
	 * @param Scheduler      $scheduler Scheduler.
	 * @param Reconcile_Walk $walk      The reconcile in short runs.
	 * @param App_Domains    $app       The network's view of the app's domains.
	 * @param callable       $in_charge Whether our integration handles the network's domains now.
	 * @param Target|null    $target    The web app walked; null for the primary one.
	 */
	public function __construct(Scheduler $scheduler, Reconcile_Walk $walk, App_Domains $app, callable $in_charge, ?Target $target = null) {
		$this->hook_args = ($target ?? Target::primary())->hook_args();
		$this->scheduler = $scheduler;
		$this->walk      = $walk;
		$this->app       = $app;
		$this->in_charge = $in_charge;
	}

	/**
	 * Schedules the daily run while the plugin does the work (extension
	 * loaded, Ultimate Multisite's integration taken over), and cancels it
	 * otherwise. The first run comes a day after scheduling.
	 */
	public function keep_scheduled(): void {
		if (! $this->in_charge()) {
			$this->unschedule();
			return;
		}
		$this->scheduler->ensure_daily(self::HOOK, time() + DAY_IN_SECONDS, $this->hook_args);
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
		if (null !== $this->app->refreshed_at() || ! $this->in_charge()) {
			return;
		}
		$this->walk->start('first', false, false);
		if (null === $this->next_step()) {
			$this->scheduler->replace(self::STEP_HOOK, time(), $this->hook_args);
		}
	}

	/**
	 * Cancels the daily run (deactivation, or nothing to do it for).
	 */
	public function unschedule(): void {
		foreach ([self::HOOK, self::STEP_HOOK] as $hook) {
			if (null !== $this->scheduler->next($hook, $this->hook_args)) {
				$this->scheduler->cancel($hook, $this->hook_args);
			}
		}
	}

	/**
	 * When the next daily run is due, or null.
	 */
	public function next_run(): ?int {
		return $this->scheduler->next(self::HOOK, $this->hook_args);
	}

	/**
	 * The scheduled run: adds what is missing; failures are logged by the
	 * walk, never thrown at the scheduler.
	 */
	public function run(): void {
		if (! $this->in_charge()) {
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
		$this->walk->start($trigger, $dry_run, $prune);
		$next = $this->walk->step($this->budget());
		if (null !== $next) {
			$this->scheduler->replace(self::STEP_HOOK, (int) ceil($next), $this->hook_args);
			return 'under_way';
		}
		return null === $this->walk->last ? 'failed' : 'done';
	}

	/**
	 * One run of the reconcile under way, within the budget; the next is
	 * scheduled when the walk has more to do.
	 */
	public function step(): void {
		if (! $this->in_charge()) {
			return;
		}
		$next = $this->walk->step($this->budget());
		if (null !== $next) {
			$this->scheduler->replace(self::STEP_HOOK, (int) ceil($next), $this->hook_args);
		}
	}

	/**
	 * When the next run of the reconcile under way is due, or null.
	 */
	public function next_step(): ?int {
		return $this->scheduler->next(self::STEP_HOOK, $this->hook_args);
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
	 * Whether our integration handles the network's domains now (Ultimate
	 * Multisite took it over): else the daily run has nothing to do.
	 */
	private function in_charge(): bool {
		return (bool) ($this->in_charge)();
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
