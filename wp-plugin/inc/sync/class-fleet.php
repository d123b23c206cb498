<?php
/**
 * Every web app the network's names go to, each with its sync machinery.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync;

use WuRunCloud\Plugin\Extension\Target;
use WuRunCloud\Plugin\Extension\Targets;

defined('ABSPATH') || exit;

/**
 * The App_Sync of each target, built on first use and kept for the process:
 * the list of targets is read again at each use (a filter added late, a
 * constant changed for the next request), so an app taken out of the list is
 * simply no longer worked on; nothing is removed from it.
 *
 * The scheduled runs of an app carry its key ("SERVER:APP"; none for the
 * primary app) and come back here, to that app's machinery alone.
 */
class Fleet {

	/**
	 * @var Targets
	 */
	private $targets;

	/**
	 * @var callable(Target): App_Sync
	 */
	private $build;

	/**
	 * @var array<string, App_Sync> By storage key ('' for the primary app).
	 */
	private $built = [];

	/**
	 * @param Targets  $targets The web apps.
	 * @param callable $build   Builds the machinery of one (Plugin's wiring).
	 */
	public function __construct(Targets $targets, callable $build) {
		$this->targets = $targets;
		$this->build   = $build;
	}

	/**
	 * Every app's machinery, the primary app's first.
	 *
	 * @return list<App_Sync>
	 */
	public function all(): array {
		return array_map([$this, 'of'], $this->targets->all());
	}

	/**
	 * The primary app's machinery.
	 */
	public function primary(): App_Sync {
		return $this->of($this->targets->primary());
	}

	/**
	 * An app's machinery by its key ("SERVER:APP", or '' for the primary
	 * app), or null when the app is not one of the targets (any more).
	 *
	 * @param string $key The app's key.
	 */
	public function find(string $key): ?App_Sync {
		if ('' === trim($key)) {
			return $this->primary();
		}
		$target = $this->targets->find($key);
		return null === $target ? null : $this->of($target);
	}

	/**
	 * Why the apps of WU_RUNCLOUD_APPS are not served (the constant is not a
	 * list of SERVER:APP), or null.
	 */
	public function problem(): ?string {
		return $this->targets->problem();
	}

	/**
	 * Whether the names go to more than the primary app.
	 */
	public function several(): bool {
		return count($this->targets->all()) > 1;
	}

	/**
	 * The retry queue's run of one app (its hook carries the app's key).
	 *
	 * @param string $app The app's key; '' for the primary app.
	 */
	public function process_retries($app = ''): void {
		$sync = $this->find((string) $app);
		if (null !== $sync) {
			$sync->converger->converge_due();
		}
	}

	/**
	 * The certificate queue's run of one app.
	 *
	 * @param string $app The app's key; '' for the primary app.
	 */
	public function redeploy_pending_ssl($app = ''): void {
		$sync = $this->find((string) $app);
		if (null !== $sync) {
			$sync->certificates->redeploy_waiting();
		}
	}

	/**
	 * The daily reconcile of one app.
	 *
	 * @param string $app The app's key; '' for the primary app.
	 */
	public function daily_run($app = ''): void {
		$sync = $this->find((string) $app);
		if (null !== $sync) {
			$sync->daily->run();
		}
	}

	/**
	 * A further run of one app's reconcile under way.
	 *
	 * @param string $app The app's key; '' for the primary app.
	 */
	public function daily_step($app = ''): void {
		$sync = $this->find((string) $app);
		if (null !== $sync) {
			$sync->daily->step();
		}
	}

	/**
	 * Every app's daily run scheduled, and the view of an app that was never
	 * read whole (a new target among them) filled by its walk.
	 */
	public function keep_scheduled(): void {
		foreach ($this->all() as $sync) {
			$sync->daily->keep_scheduled();
		}
	}

	/**
	 * Starts the walk of every app whose view was never read whole.
	 */
	public function fill_views(): void {
		foreach ($this->all() as $sync) {
			$sync->daily->fill_view();
		}
	}

	/**
	 * Every app's queued names keep a scheduled run.
	 */
	public function keep_queues_scheduled(): void {
		foreach ($this->all() as $sync) {
			$sync->names->keep_scheduled();
			$sync->certificate_queue->keep_scheduled();
		}
	}

	/**
	 * One app's machinery, built the first time it is asked for.
	 *
	 * @param Target $target The app.
	 */
	private function of(Target $target): App_Sync {
		$key = $target->storage_key();
		if (! isset($this->built[ $key ])) {
			$this->built[ $key ] = ($this->build)($target);
		}
		// The primary app's ids may be known only later (credentials kept by
		// Ultimate Multisite): what is shown of it follows.
		$this->built[ $key ]->target = $target;
		return $this->built[ $key ];
	}
}
