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
use WuRunCloud\Plugin\Extension\Target;
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
 * Where the walk stands between runs is a Walk_State, stored in OPTION; a
 * walk nobody moved for Walk_State::STALE seconds is started afresh.
 */
class Reconcile_Walk {

	const OPTION = 'wu_runcloud_reconcile_walk';

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
	 * @var Last_Reconcile
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
	 * Which app's walk the lock is for ('' for the primary one).
	 *
	 * @var string
	 */
	private $lock_id;

	/**
	 * @param Extension_Gateway $gateway   The extension.
	 * @param Logger            $logger    Logger.
	 * @param Network           $network   Network facts.
	 * @param Desired_State     $desired   What the network wants.
	 * @param Managed_Domains   $managed   Names this integration added.
	 * @param App_Domains       $app       The network's view of the app.
	 * @param Name_Queue        $queue     Names due for another convergence.
	 * @param Converger         $converger Converges a name.
	 * @param Last_Reconcile  $record    The last reconcile's outcome.
	 * @param Target|null       $target    The web app walked; null for the primary one.
	 */
	public function __construct(Extension_Gateway $gateway, Logger $logger, Network $network, Desired_State $desired, Managed_Domains $managed, App_Domains $app, Name_Queue $queue, Converger $converger, Last_Reconcile $record, ?Target $target = null) {
		$target          = $target ?? Target::primary();
		$this->gateway   = $gateway;
		$this->logger    = $logger;
		$this->network   = $network;
		$this->desired   = $desired;
		$this->managed   = $managed;
		$this->app       = $app;
		$this->queue     = $queue;
		$this->converger = $converger;
		$this->record    = $record;
		$this->option    = new Shared_Option(self::OPTION . $target->suffix());
		$this->lock      = new Lock();
		$this->lock_id   = $target->storage_key();
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
				$under_way = $this->load();
				if (null !== $under_way && ! $under_way->is_stale()) {
					return false;
				}
				$walk = Walk_State::begin($trigger, $dry_run, $prune, $this->app->begin_walk());
				$this->save($walk);
				$this->logger->info(sprintf('reconcile (%s): started, walking the web app\'s domains', $walk->label()));
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
		$walk = $this->load();
		return null === $walk ? null : $walk->progress();
	}

	/**
	 * Drops the walk under way (deactivation, uninstall).
	 */
	public function abandon(): void {
		$this->clear();
	}

	/**
	 * Moves the walk on for at most $budget seconds.
	 *
	 * @param float $budget Seconds this run may take.
	 * @return float|null When the next step should run (Unix time), or null when the walk is over.
	 */
	public function step(float $budget): ?float {
		if (! $this->lock->acquire(Lock::RECONCILE_WALK, $this->lock_id)) {
			// Another process moves the walk now; look again in a while.
			return null === $this->progress() ? null : microtime(true) + $this->window() / 2;
		}
		try {
			return $this->step_locked($budget);
		} finally {
			$this->lock->release(Lock::RECONCILE_WALK, $this->lock_id);
		}
	}

	/**
	 * step(), under the walk's lock.
	 *
	 * @param float $budget Seconds this run may take.
	 * @return float|null When the next step should run, or null when the walk is over.
	 */
	private function step_locked(float $budget): ?float {
		$walk = $this->load();
		if (null === $walk) {
			return null;
		}
		$deadline           = microtime(true) + $budget;
		$this->last         = null;
		$this->last_failure = null;
		$walk->run_begins();
		$next = $this->advance($walk, $deadline);
		if (null === $next) {
			$this->finish($walk);
			return null;
		}
		$walk->touch();
		$this->save($walk);
		return $next;
	}

	/**
	 * Reads pages, then plans, then converges, as far as the deadline allows.
	 *
	 * @param Walk_State $walk     The walk.
	 * @param float      $deadline When this run must end.
	 * @return float|null When to go on, or null when the walk is over.
	 */
	private function advance(Walk_State $walk, float $deadline): ?float {
		try {
			if (! $this->gateway->is_available()) {
				throw new Extension_Missing_Exception('the wu_runcloud PHP extension is not loaded');
			}
			$next = $walk->is_listing() ? $this->read_pages($walk, $deadline) : null;
			if (null === $next) {
				if ($walk->is_listing()) {
					$this->plan($walk);
				}
				$next = $this->converge_pending($walk, $deadline);
			}
			$walk->moved_on();
			return $next;
		} catch (RunCloudException | Extension_Missing_Exception $e) {
			return $this->failed($walk, $e);
		}
	}

	/**
	 * Reads pages while the budget lasts and the rate limit allows.
	 *
	 * @param Walk_State $walk     The walk.
	 * @param float      $deadline When this run must end.
	 * @return float|null When to go on, or null once every page was read.
	 * @throws RunCloudException When a page cannot be read.
	 */
	private function read_pages(Walk_State $walk, float $deadline): ?float {
		$slowest = 0.0;
		while ($walk->has_pages_left()) {
			if (microtime(true) + $slowest > $deadline) {
				return microtime(true);
			}
			$sent    = microtime(true);
			$page    = $this->gateway->list_domains_page($walk->next_page());
			$slowest = max($slowest, microtime(true) - $sent);
			$this->app->absorb($page['domains'], $walk->generation());
			$walk->page_read((int) $page['total_pages'], (int) $page['total']);
			$wait_until = $this->pace($walk, $sent, $page['rate_limit'], $page['rate_remaining']);
			if (null !== $wait_until && $walk->has_pages_left()) {
				return $wait_until;
			}
		}
		$this->app->finish_walk($walk->generation());
		return null;
	}

	/**
	 * Keeps track of RunCloud's window and says when to wait for the next one.
	 * A request that saw all but one of the window's requests left opened
	 * the window; once the requests left fall to the reserve, the walk waits
	 * until that window ends (a whole window when its start is unknown).
	 *
	 * @param Walk_State $walk      The walk.
	 * @param float      $sent      When the request was sent.
	 * @param int|null   $limit     Requests a window allows, as reported.
	 * @param int|null   $remaining Requests left in the window, as reported.
	 * @return float|null When to go on, or null to go on now.
	 */
	private function pace(Walk_State $walk, float $sent, ?int $limit, ?int $remaining): ?float {
		if (null === $limit || null === $remaining || $limit <= 0) {
			return null;
		}
		if ($remaining >= $limit - 1) {
			$walk->window_opened($sent);
		}
		$walk->window_seen($limit, $remaining - $this->reserve($limit));
		if ($remaining > $this->reserve($limit)) {
			return null;
		}
		$opened = $walk->window_opened_at() ?? microtime(true);
		return max(microtime(true), $opened + $this->window() + 0.5);
	}

	/**
	 * The plan once every page was read: what the network wants that the
	 * view lacks, and with prune what this integration added that nothing
	 * wants. Queue entries the view shows settled are cleared.
	 *
	 * @param Walk_State $walk The walk.
	 * @throws RunCloudException When the wildcards cannot be read.
	 */
	private function plan(Walk_State $walk): void {
		$this->desired->refresh();
		$this->converger->forget_cached();
		$wanted  = $this->desired->all();
		$present = $this->app->all();
		$to_add  = array_diff_key($wanted, $present);
		$walk->planned(
			array_map(
				static function (array $entry): int {
					return (int) $entry['site_id'];
				},
				$to_add
			),
			$walk->prunes() ? $this->unwanted($wanted, $present) : [],
			array_map('strval', array_keys(array_intersect_key($wanted, $present)))
		);
		$this->forget_settled($wanted, $present);
	}

	/**
	 * The names this integration added that the network no longer wants and
	 * the app still has, never the network's main domains.
	 *
	 * @param array<string, array<string, mixed>> $wanted  The wanted names.
	 * @param array<string, mixed>                $present The app's names.
	 * @return array<string, int> Name => site id.
	 */
	private function unwanted(array $wanted, array $present): array {
		$protected = array_flip($this->network->main_domains());
		$unwanted  = [];
		foreach ($this->managed->all() as $name => $entry) {
			if (! isset($wanted[ $name ]) && isset($present[ $name ]) && ! isset($protected[ $name ])) {
				$unwanted[ (string) $name ] = (int) ($entry['site_id'] ?? 0);
			}
		}
		return $unwanted;
	}

	/**
	 * Clears the queue entries of names the network wants and the app has.
	 *
	 * @param array<string, array<string, mixed>> $wanted  The wanted names.
	 * @param array<string, mixed>                $present The app's names.
	 */
	private function forget_settled(array $wanted, array $present): void {
		$queued = array_keys(array_intersect_key($this->queue->all(), $wanted, $present));
		$this->queue->forget_all(array_map('strval', $queued));
	}

	/**
	 * Converges the names that differ while the budget lasts.
	 *
	 * @param Walk_State $walk     The walk.
	 * @param float      $deadline When this run must end.
	 * @return float|null When to go on, or null when every name was converged.
	 */
	private function converge_pending(Walk_State $walk, float $deadline): ?float {
		$slowest = 0.0;
		foreach ($walk->pending() as $name => $site_id) {
			if (microtime(true) + $slowest > $deadline) {
				return microtime(true);
			}
			$wait_until = $this->window_spent($walk, (string) $name);
			if (null !== $wait_until) {
				return $wait_until;
			}
			$began = microtime(true);
			$this->converge((string) $name, $site_id, $walk);
			$walk->spent($walk->cost_of((string) $name));
			$slowest = max($slowest, microtime(true) - $began);
		}
		return null;
	}

	/**
	 * Paces the converge phase as the listing is: the walk sends what is
	 * left of the window (less the reserve) and then waits for the next one,
	 * instead of sending adds RunCloud would answer 429 and leaving them to
	 * the retry queue. A window that has ended gives the walk a whole new
	 * one. Null to go on now (or when RunCloud reports no rate limit).
	 *
	 * @param Walk_State $walk The walk.
	 * @param string     $name The next name.
	 * @return float|null When to go on.
	 */
	private function window_spent(Walk_State $walk, string $name): ?float {
		if ($walk->window_left() < 0 || $walk->limit() <= 0) {
			return null;
		}
		$now    = microtime(true);
		$opened = $walk->window_opened_at();
		if (null === $opened || $now >= $opened + $this->window()) {
			$walk->new_window($now, $walk->limit() - $this->reserve($walk->limit()));
			return null;
		}
		if ($walk->window_left() >= $walk->cost_of($name)) {
			return null;
		}
		return $opened + $this->window() + 0.5;
	}

	/**
	 * Converges one name of the plan and notes the outcome.
	 *
	 * @param string     $name    Domain name.
	 * @param int        $site_id Its site.
	 * @param Walk_State $walk    The walk.
	 */
	private function converge(string $name, int $site_id, Walk_State $walk): void {
		if ($this->converger->converge($name, $site_id, 'reconcile')) {
			$walk->converged($name);
			return;
		}
		$entry = $this->queue->all()[ $name ] ?? [];
		$walk->not_converged($name, (string) ($entry['error'] ?? 'not converged; see the integration-runcloud log'));
	}

	/**
	 * A step failed: a failure that may pass is tried again a window later,
	 * up to MAX_FAILURES in a row; else the walk ends as not done.
	 *
	 * @param Walk_State                                    $walk The walk.
	 * @param RunCloudException|Extension_Missing_Exception $e    The failure.
	 * @return float|null When to go on, or null to end the walk.
	 */
	private function failed(Walk_State $walk, \Exception $e): ?float {
		$reason = $this->logger->redact($e instanceof RunCloudException ? Failure::describe($e) : $e->getMessage());
		if (self::may_pass($e) && $walk->failed_again() < self::MAX_FAILURES) {
			$this->logger->warning(sprintf('reconcile (%s): page %d not read, will go on: %s', $walk->trigger(), $walk->next_page(), $reason));
			$rate_limited = $e instanceof ApiException && 429 === $e->getCode();
			return microtime(true) + ($rate_limited ? $this->window() / 2 : $this->window());
		}
		$this->logger->error(sprintf('reconcile (%s): not done: %s', $walk->label(), $reason));
		$this->record->failed($walk->trigger(), $walk->is_dry_run(), $walk->prunes(), $reason);
		$walk->give_up();
		$this->last_failure = $reason;
		return null;
	}

	/**
	 * Whether a failure may pass by itself: the extension missing in this
	 * process, or RunCloud's trouble on its side.
	 *
	 * @param RunCloudException|Extension_Missing_Exception $e The failure.
	 */
	private static function may_pass(\Exception $e): bool {
		return $e instanceof Extension_Missing_Exception || ($e instanceof RunCloudException && Failure::may_pass($e));
	}

	/**
	 * Ends the walk: records and logs its outcome, unless it was given up.
	 *
	 * @param Walk_State $walk The walk.
	 */
	private function finish(Walk_State $walk): void {
		$this->clear();
		if ($walk->was_given_up()) {
			return;
		}
		$report = $walk->report();
		$this->record->ran($walk->trigger(), $walk->prunes(), $report);
		$this->logger->info(sprintf('reconcile (%s): %s', $walk->label(), $walk->summary()));
		$this->last = $report;
	}

	/**
	 * The walk as stored, or null.
	 */
	private function load(): ?Walk_State {
		return Walk_State::from_stored($this->option->read());
	}

	/**
	 * Stores the walk.
	 *
	 * @param Walk_State $walk The walk.
	 */
	private function save(Walk_State $walk): void {
		$this->option->locked(
			function () use ($walk) {
				$this->option->write($walk->to_stored());
			}
		);
	}

	/**
	 * Forgets the walk.
	 */
	private function clear(): void {
		$this->option->locked(
			function () {
				$this->option->write([]);
			}
		);
	}

	/**
	 * Requests of each window left to domain events.
	 *
	 * @param int $limit Requests a window allows.
	 */
	private function reserve(int $limit): int {
		/**
		 * Requests of each rate-limit window the reconcile leaves to domain
		 * events (default 3, at most a third of the window): 3 of RunCloud's
		 * 60 keep a walk within 5% of the rate limit's pace.
		 *
		 * @param int $reserve The reserve.
		 */
		return max(0, min(intdiv($limit, 3), (int) apply_filters('wu_runcloud_reconcile_rate_reserve', 3)));
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
