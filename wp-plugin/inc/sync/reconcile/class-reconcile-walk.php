<?php
/**
 * The reconcile in short runs: a walk through the app's pages, then the
 * names that differ.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync\Reconcile;

use WuRunCloud\ApiException;
use WuRunCloud\Plugin\Extension\Extension_Gateway;
use WuRunCloud\Plugin\Extension\Extension_Missing_Exception;
use WuRunCloud\Plugin\Extension\Failure;
use WuRunCloud\Plugin\Status\Logger;
use WuRunCloud\Plugin\Storage\Lock;
use WuRunCloud\Plugin\Storage\Shared_Option;
use WuRunCloud\Plugin\Sync\App_Domains;
use WuRunCloud\Plugin\Sync\Converger;
use WuRunCloud\Plugin\Sync\Desired_State;
use WuRunCloud\Plugin\Sync\Managed_Domains;
use WuRunCloud\Plugin\Sync\Name_Queue;
use WuRunCloud\Plugin\Ultimate_Multisite\Network;
use WuRunCloud\RunCloudException;

defined('ABSPATH') || exit;

/**
 * A reconcile that fits a queue run. Listing a large app takes minutes at
 * RunCloud's rate limit (40 domains a request, about 60 requests a minute),
 * far longer than a queue run should last, so the reconcile is a walk with a
 * cursor kept in the network's storage: each step() reads pages while its
 * time budget lasts, feeding the network's view of the app (App_Domains),
 * and says when the next step should run. Pages are paced by the rate limit
 * RunCloud reports: when a window's remaining requests fall to a reserve
 * kept for domain events, the walk waits for the next window instead of
 * collecting 429s. Once every page was read, the plan is the difference
 * between what the network wants and the view, and the names that differ
 * are converged one by one (Converger), again within each step's budget.
 */
class Reconcile_Walk {

	const OPTION = 'wu_runcloud_reconcile_walk';

	/**
	 * A walk nobody moved for this long was abandoned (its process died and
	 * its next run was lost): the next start begins afresh.
	 */
	const STALE = 6 * HOUR_IN_SECONDS;

	/**
	 * How many failures in a row a walk survives before it is given up.
	 */
	const MAX_FAILURES = 5;

	/**
	 * @var Extension_Gateway
	 */
	private $gateway;

	/**
	 * @var Logger
	 */
	private $logger;

	/**
	 * @var Network
	 */
	private $network;

	/**
	 * @var Desired_State
	 */
	private $desired;

	/**
	 * @var Managed_Domains
	 */
	private $managed;

	/**
	 * @var App_Domains
	 */
	private $app;

	/**
	 * @var Name_Queue
	 */
	private $queue;

	/**
	 * @var Converger
	 */
	private $converger;

	/**
	 * @var Reconcile_Record
	 */
	private $record;

	/**
	 * @var Shared_Option
	 */
	private $option;

	/**
	 * @var Lock
	 */
	private $lock;

	/**
	 * The outcome of the walk that ended last in this process, shaped as the
	 * extension's wu_runcloud_sync() report.
	 *
	 * @var array<string, mixed>|null
	 */
	public $last;

	/**
	 * Why the walk that ended last in this process failed, redacted, or null.
	 *
	 * @var string|null
	 */
	public $last_failure;
	/**
	 * @param Extension_Gateway $gateway   The extension.
	 * @param Logger            $logger    Logger.
	 * @param Network           $network   Network facts.
	 * @param Desired_State     $desired   What the network wants.
	 * @param Managed_Domains   $managed   Names this integration added.
	 * @param App_Domains       $app       The network's view of the app.
	 * @param Name_Queue        $queue     Names due for another convergence.
	 * @param Converger         $converger Converges a name.
	 * @param Reconcile_Record  $record    The last reconcile's outcome.
	 */
	public function __construct(Extension_Gateway $gateway, Logger $logger, Network $network, Desired_State $desired, Managed_Domains $managed, App_Domains $app, Name_Queue $queue, Converger $converger, Reconcile_Record $record) {
		$this->gateway   = $gateway;
		$this->logger    = $logger;
		$this->network   = $network;
		$this->desired   = $desired;
		$this->managed   = $managed;
		$this->app       = $app;
		$this->queue     = $queue;
		$this->converger = $converger;
		$this->record    = $record;
		$this->option    = new Shared_Option(self::OPTION);
		$this->lock      = new Lock();
	}

	/**
	 * Starts a walk unless one is under way (and moving).
	 *
	 * @param string $trigger 'daily', 'admin' or 'cli'.
	 * @param bool   $dry_run Only plan, change nothing.
	 * @param bool   $prune   Also remove unwanted names this integration added.
	 * @return bool Whether a new walk began.
	 */
	public function start(string $trigger, bool $dry_run, bool $prune): bool {
		return (bool) $this->option->locked(
			function () use ($trigger, $dry_run, $prune) {
				$walk = $this->option->read();
				if ([] !== $walk && time() - (int) $walk['updated_at'] < self::STALE) {
					return false;
				}
				$this->option->write(
					[
						'trigger'     => $trigger,
						'dry_run'     => $dry_run,
						'prune'       => $prune,
						'started_at'  => time(),
						'updated_at'  => time(),
						'generation'  => $this->app->begin_walk(),
						'phase'       => 'listing',
						'next_page'   => 1,
						'total_pages' => null,
						'total'       => null,
						'window_at'   => null,
						'runs'        => 0,
						'requests'    => 0,
						'failures'    => 0,
						'pending'     => [],
						'to_add'      => [],
						'to_remove'   => [],
						'unchanged'   => [],
						'added'       => [],
						'removed'     => [],
						'errors'      => [],
					]
				);
				$this->logger->info(sprintf('reconcile (%s%s): started, walking the web app\'s domains', $trigger, $dry_run ? ', dry run' : ''));
				return true;
			}
		);
	}

	/**
	 * The walk under way, for the page and the CLI: phase ('listing' or
	 * 'converging'), pages read and their total, names converged and left,
	 * when it started, how many runs and requests it took so far; or null.
	 *
	 * @return array{trigger: string, phase: string, pages_read: int, total_pages: ?int, total: ?int, converged: int, pending: int, started_at: int, updated_at: int, runs: int, requests: int}|null
	 */
	public function progress(): ?array {
		$walk = $this->option->read();
		if ([] === $walk) {
			return null;
		}
		return [
			'trigger'     => (string) $walk['trigger'],
			'phase'       => (string) $walk['phase'],
			'pages_read'  => (int) $walk['next_page'] - 1,
			'total_pages' => null === $walk['total_pages'] ? null : (int) $walk['total_pages'],
			'total'       => null === $walk['total'] ? null : (int) $walk['total'],
			'converged'   => count($walk['added']) + count($walk['removed']) + count($walk['errors']),
			'pending'     => count($walk['pending']),
			'started_at'  => (int) $walk['started_at'],
			'updated_at'  => (int) $walk['updated_at'],
			'runs'        => (int) $walk['runs'],
			'requests'    => (int) $walk['requests'],
		];
	}

	/**
	 * Drops the walk under way (deactivation, uninstall).
	 */
	public function abandon(): void {
		$this->option->locked(
			function () {
				$this->option->write([]);
			}
		);
	}

	/**
	 * Moves the walk on for at most $budget seconds.
	 *
	 * @param float $budget Seconds this run may take.
	 * @return float|null When the next step should run (Unix time), or null when the walk is over.
	 */
	public function step(float $budget): ?float {
		if (! $this->lock->acquire(Lock::RECONCILE_WALK)) {
			// Another process moves the walk now; look again in a while.
			return null === $this->progress() ? null : microtime(true) + $this->window() / 2;
		}
		try {
			return $this->step_locked($budget);
		} finally {
			$this->lock->release(Lock::RECONCILE_WALK);
		}
	}

	/**
	 * step(), under the walk's lock.
	 *
	 * @param float $budget Seconds this run may take.
	 * @return float|null When the next step should run, or null when the walk is over.
	 */
	private function step_locked(float $budget): ?float {
		$walk = $this->option->read();
		if ([] === $walk) {
			return null;
		}
		$deadline           = microtime(true) + $budget;
		$this->last         = null;
		$this->last_failure = null;
		++$walk['runs'];
		try {
			if (! $this->gateway->is_available()) {
				throw new Extension_Missing_Exception('the wu_runcloud PHP extension is not loaded');
			}
			$next = 'listing' === $walk['phase'] ? $this->read_pages($walk, $deadline) : null;
			if (null === $next && 'listing' === $walk['phase']) {
				$this->plan($walk);
			}
			if (null === $next) {
				$next = $this->converge_pending($walk, $deadline);
			}
			$walk['failures'] = 0;
		} catch (RunCloudException | Extension_Missing_Exception $e) {
			$next = $this->failed($walk, $e);
		}
		if (null === $next) {
			$this->finish($walk);
			return null;
		}
		$walk['updated_at'] = time();
		$this->option->locked(
			function () use ($walk) {
				$this->option->write($walk);
			}
		);
		return $next;
	}

	/**
	 * Reads pages while the budget lasts and the rate limit allows.
	 *
	 * @param array<string, mixed> $walk     The walk, updated.
	 * @param float                $deadline When this run must end.
	 * @return float|null When to go on, or null once every page was read.
	 * @throws RunCloudException When a page cannot be read.
	 */
	private function read_pages(array &$walk, float $deadline): ?float {
		$slowest = 0.0;
		while (null === $walk['total_pages'] || $walk['next_page'] <= $walk['total_pages']) {
			if (microtime(true) + $slowest > $deadline) {
				return microtime(true);
			}
			$sent  = microtime(true);
			$page  = $this->gateway->list_domains_page((int) $walk['next_page']);
			$taken = microtime(true) - $sent;
			++$walk['requests'];
			$slowest = max($slowest, $taken);
			$this->app->absorb($page['domains'], (int) $walk['generation']);
			$walk['total_pages'] = max(1, (int) $page['total_pages']);
			$walk['total']       = (int) $page['total'];
			++$walk['next_page'];
			$wait_until = $this->pace($walk, $sent, $page['rate_limit'], $page['rate_remaining']);
			if (null !== $wait_until && $walk['next_page'] <= $walk['total_pages']) {
				return $wait_until;
			}
		}
		$this->app->finish_walk((int) $walk['generation']);
		return null;
	}

	/**
	 * Keeps track of RunCloud's window and says when to wait for the next one.
	 * A request that saw all but one of the window's requests left opened
	 * the window; once the requests left fall to the reserve, the walk waits
	 * until that window ends (a whole window when its start is unknown).
	 *
	 * @param array<string, mixed> $walk      The walk, updated.
	 * @param float                $sent      When the request was sent.
	 * @param int|null             $limit     Requests a window allows, as reported.
	 * @param int|null             $remaining Requests left in the window, as reported.
	 * @return float|null When to go on, or null to go on now.
	 */
	private function pace(array &$walk, float $sent, ?int $limit, ?int $remaining): ?float {
		if (null === $limit || null === $remaining || $limit <= 0) {
			return null;
		}
		if ($remaining >= $limit - 1) {
			$walk['window_at'] = $sent;
		}
		if ($remaining > $this->reserve($limit)) {
			return null;
		}
		$window = $this->window();
		$opened = null === $walk['window_at'] ? microtime(true) : (float) $walk['window_at'];
		return max(microtime(true), $opened + $window + 0.5);
	}

	/**
	 * The plan once every page was read: what the network wants that the
	 * view lacks, and with prune what this integration added that nothing
	 * wants. Queue entries the view shows settled are cleared.
	 *
	 * @param array<string, mixed> $walk The walk, updated.
	 * @throws RunCloudException When the wildcards cannot be read.
	 */
	private function plan(array &$walk): void {
		$this->desired->refresh();
		$this->converger->forget_cached();
		$wanted  = $this->desired->all();
		$present = $this->app->all();
		$pending = [];
		foreach ($wanted as $name => $entry) {
			if (isset($present[ $name ])) {
				$walk['unchanged'][] = (string) $name;
			} else {
				$walk['to_add'][]         = (string) $name;
				$pending[ (string) $name ] = (int) $entry['site_id'];
			}
		}
		if ($walk['prune']) {
			$protected = $this->network->main_domains();
			foreach ($this->managed->all() as $name => $entry) {
				if (! isset($wanted[ $name ]) && isset($present[ $name ]) && ! in_array($name, $protected, true)) {
					$walk['to_remove'][]       = (string) $name;
					$pending[ (string) $name ] = (int) ($entry['site_id'] ?? 0);
				}
			}
		}
		$settled = [];
		foreach ($this->queue->all() as $name => $entry) {
			if (isset($wanted[ $name ], $present[ $name ])) {
				$settled[] = (string) $name;
			}
		}
		$this->queue->forget_all($settled);
		$walk['phase']   = 'converging';
		$walk['pending'] = $walk['dry_run'] ? [] : $pending;
	}

	/**
	 * Converges the names that differ while the budget lasts.
	 *
	 * @param array<string, mixed> $walk     The walk, updated.
	 * @param float                $deadline When this run must end.
	 * @return float|null When to go on, or null when every name was converged.
	 */
	private function converge_pending(array &$walk, float $deadline): ?float {
		$slowest = 0.0;
		$adding  = array_flip($walk['to_add']);
		foreach ($walk['pending'] as $name => $site_id) {
			if (microtime(true) + $slowest > $deadline) {
				return microtime(true);
			}
			$began = microtime(true);
			$name  = (string) $name;
			if ($this->converger->converge($name, (int) $site_id, 'reconcile')) {
				if (isset($adding[ $name ])) {
					$walk['added'][] = $name;
				} else {
					$walk['removed'][] = $name;
				}
			} else {
				$entry                   = $this->queue->all()[ $name ] ?? [];
				$walk['errors'][ $name ] = (string) ($entry['error'] ?? 'not converged; see the integration-runcloud log');
			}
			unset($walk['pending'][ $name ]);
			$slowest = max($slowest, microtime(true) - $began);
		}
		return null;
	}

	/**
	 * A step failed: a failure that may pass is tried again a window later,
	 * up to MAX_FAILURES in a row; else the walk ends as not done.
	 *
	 * @param array<string, mixed>                          $walk The walk, updated.
	 * @param RunCloudException|Extension_Missing_Exception $e    The failure.
	 * @return float|null When to go on, or null to end the walk.
	 */
	private function failed(array &$walk, \Exception $e): ?float {
		$reason = $this->logger->redact($e instanceof RunCloudException ? Failure::describe($e) : $e->getMessage());
		$passes = $e instanceof Extension_Missing_Exception || ($e instanceof RunCloudException && Failure::may_pass($e));
		if ($passes && ++$walk['failures'] < self::MAX_FAILURES) {
			$rate_limited = $e instanceof ApiException && 429 === $e->getCode();
			$this->logger->warning(sprintf('reconcile (%s): page %d not read, will go on: %s', $walk['trigger'], $walk['next_page'], $reason));
			return microtime(true) + ($rate_limited ? $this->window() / 2 : $this->window());
		}
		$this->logger->error(sprintf('reconcile (%s%s): not done: %s', $walk['trigger'], $walk['dry_run'] ? ', dry run' : '', $reason));
		$this->record->failed((string) $walk['trigger'], (bool) $walk['dry_run'], (bool) $walk['prune'], $reason);
		$walk['failed']     = true;
		$this->last_failure = $reason;
		return null;
	}

	/**
	 * Ends the walk: records and logs its outcome, unless it failed.
	 *
	 * @param array<string, mixed> $walk The walk.
	 */
	private function finish(array $walk): void {
		$this->option->locked(
			function () {
				$this->option->write([]);
			}
		);
		if (! empty($walk['failed'])) {
			return;
		}
		$report = $this->report($walk);
		$this->record->ran((string) $walk['trigger'], (bool) $walk['prune'], $report);
		$this->logger->info(
			sprintf(
				'reconcile (%s%s): %d pages in %d runs and %d s, %d wanted, %d to add, %d to remove, %d unchanged; added %d, removed %d, %d failed',
				$walk['trigger'],
				$walk['dry_run'] ? ', dry run' : '',
				(int) $walk['next_page'] - 1,
				(int) $walk['runs'],
				time() - (int) $walk['started_at'],
				count($walk['to_add']) + count($walk['unchanged']),
				count($walk['to_add']),
				count($walk['to_remove']),
				count($walk['unchanged']),
				count($walk['added']),
				count($walk['removed']),
				count($walk['errors'])
			)
		);
		$this->last = $report;
	}

	/**
	 * A walk's outcome shaped as the extension's sync report.
	 *
	 * @param array<string, mixed> $walk The walk.
	 * @return array<string, mixed>
	 */
	private function report(array $walk): array {
		return [
			'dry_run'   => (bool) $walk['dry_run'],
			'to_add'    => $walk['to_add'],
			'to_remove' => $walk['to_remove'],
			'unchanged' => $walk['unchanged'],
			'added'     => $walk['added'],
			'removed'   => $walk['removed'],
			'errors'    => $walk['errors'],
			'ssl'       => [],
		];
	}

	/**
	 * Requests of each window left to domain events.
	 *
	 * @param int $limit Requests a window allows.
	 */
	private function reserve(int $limit): int {
		/**
		 * Requests of each rate-limit window the reconcile leaves to domain
		 * events (default 5, at most a third of the window).
		 *
		 * @param int $reserve The reserve.
		 */
		return max(0, min(intdiv($limit, 3), (int) apply_filters('wu_runcloud_reconcile_rate_reserve', 5)));
	}

	/**
	 * Seconds of RunCloud's rate-limit window.
	 */
	private function window(): float {
		/**
		 * Seconds of RunCloud's rate-limit window (default 60).
		 *
		 * @param int $seconds The window.
		 */
		return max(1.0, (float) apply_filters('wu_runcloud_rate_window', 60));
	}
}
