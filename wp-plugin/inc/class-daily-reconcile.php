<?php
/**
 * The daily reconcile.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin;

defined('ABSPATH') || exit;

/**
 * Once a day, brings the web app in line with the network: a domain event
 * that never reached RunCloud (a failure given up on, a queue that was
 * cleared, a mapping made while the plugin was inactive) is made good within
 * a day. It adds what is missing and removes nothing, unless the
 * wu_runcloud_daily_reconcile_prune filter says so.
 */
class Daily_Reconcile {

	const HOOK = 'wu_runcloud_daily_reconcile';

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
	}

	/**
	 * Cancels the daily run (deactivation, or nothing to do it for).
	 */
	public function unschedule(): void {
		if (null !== $this->scheduler->next(self::HOOK)) {
			$this->scheduler->cancel(self::HOOK);
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
		$this->service->patiently(
			function () {
				return $this->service->reconcile('daily', false, $this->prunes());
			}
		);
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
