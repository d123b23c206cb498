<?php
/**
 * Where a reconcile walk stands between its runs.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync\Reconcile;

defined('ABSPATH') || exit;

/**
 * One walk's cursor and outcome so far: what started it, the pages read and
 * the rate-limit window seen, the plan once every page was read, and the
 * names converged. Reconcile_Walk keeps it in the network's storage between
 * runs (to_stored(), from_stored()); the stored keys are the walk option's.
 */
final class Walk_State {

	/**
	 * Reading the app's pages into the network's view.
	 */
	const LISTING = 'listing';

	/**
	 * Every page read: converging the names that differ.
	 */
	const CONVERGING = 'converging';

	/**
	 * A walk nobody moved for this long was abandoned (its process died and
	 * its next run was lost): the next start begins afresh.
	 */
	const STALE = 6 * HOUR_IN_SECONDS;

	/**
	 * What started the walk: 'daily', 'admin', 'cli' or 'first'.
	 */
	private string $trigger;

	private bool $dry_run;

	/**
	 * Whether unwanted names this integration added are removed too.
	 */
	private bool $prune;

	private int $started_at;

	private int $updated_at;

	/**
	 * The view's generation this walk fills (App_Domains::begin_walk()).
	 */
	private int $generation;

	private string $phase;

	private int $next_page;

	private ?int $total_pages;

	/**
	 * Domains on the app, as the last page read counted them.
	 */
	private ?int $total;

	/**
	 * When RunCloud's current rate-limit window opened, when seen.
	 */
	private ?float $window_at;

	/**
	 * Requests a window allows, as RunCloud last reported it (0: not known).
	 */
	private int $limit;

	/**
	 * Requests the walk may still send in the current window (-1: not counted).
	 */
	private int $window_left;

	private int $runs;

	private int $requests;

	/**
	 * Failed runs in a row.
	 */
	private int $failures;

	/**
	 * Names left to converge: name => site id.
	 *
	 * @var array<string, int>
	 */
	private array $pending;

	/**
	 * @var list<string>
	 */
	private array $to_add;

	/**
	 * @var list<string>
	 */
	private array $to_remove;

	/**
	 * @var list<string>
	 */
	private array $unchanged;

	/**
	 * @var list<string>
	 */
	private array $added;

	/**
	 * @var list<string>
	 */
	private array $removed;

	/**
	 * Name => why it was not converged.
	 *
	 * @var array<string, string>
	 */
	private array $errors;

	/**
	 * The walk was given up (never stored: a walk given up ends in the run).
	 */
	private bool $given_up = false;

	/**
	 * @param array<string, mixed> $stored The stored fields.
	 */
	private function __construct(array $stored) {
		$this->trigger     = (string) $stored['trigger'];
		$this->dry_run     = (bool) $stored['dry_run'];
		$this->prune       = (bool) $stored['prune'];
		$this->started_at  = (int) $stored['started_at'];
		$this->updated_at  = (int) $stored['updated_at'];
		$this->generation  = (int) $stored['generation'];
		$this->phase       = (string) $stored['phase'];
		$this->next_page   = (int) $stored['next_page'];
		$this->total_pages = null === $stored['total_pages'] ? null : (int) $stored['total_pages'];
		$this->total       = null === $stored['total'] ? null : (int) $stored['total'];
		$this->window_at   = null === $stored['window_at'] ? null : (float) $stored['window_at'];
		$this->limit       = (int) ($stored['limit'] ?? 0);
		$this->window_left = (int) ($stored['window_left'] ?? -1);
		$this->runs        = (int) $stored['runs'];
		$this->requests    = (int) $stored['requests'];
		$this->failures    = (int) $stored['failures'];
		$this->pending     = array_map('intval', (array) $stored['pending']);
		$this->to_add      = array_map('strval', (array) $stored['to_add']);
		$this->to_remove   = array_map('strval', (array) $stored['to_remove']);
		$this->unchanged   = array_map('strval', (array) $stored['unchanged']);
		$this->added       = array_map('strval', (array) $stored['added']);
		$this->removed     = array_map('strval', (array) $stored['removed']);
		$this->errors      = array_map('strval', (array) $stored['errors']);
	}

	/**
	 * A walk that starts now, at the app's first page.
	 *
	 * @param string $trigger    'daily', 'admin', 'cli' or 'first'.
	 * @param bool   $dry_run    Only plan, change nothing.
	 * @param bool   $prune      Also remove unwanted names this integration added.
	 * @param int    $generation The view's generation this walk fills.
	 */
	public static function begin(string $trigger, bool $dry_run, bool $prune, int $generation): self {
		return new self(
			[
				'trigger'     => $trigger,
				'dry_run'     => $dry_run,
				'prune'       => $prune,
				'started_at'  => time(),
				'updated_at'  => time(),
				'generation'  => $generation,
				'phase'       => self::LISTING,
				'next_page'   => 1,
				'total_pages' => null,
				'total'       => null,
				'window_at'   => null,
				'limit'       => 0,
				'window_left' => -1,
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
	}

	/**
	 * The walk as stored, or null when none is.
	 *
	 * @param array<string, mixed> $stored The walk option's value.
	 */
	public static function from_stored(array $stored): ?self {
		return [] === $stored ? null : new self($stored);
	}

	/**
	 * The fields to store.
	 *
	 * @return array<string, mixed>
	 */
	public function to_stored(): array {
		return [
			'trigger'     => $this->trigger,
			'dry_run'     => $this->dry_run,
			'prune'       => $this->prune,
			'started_at'  => $this->started_at,
			'updated_at'  => $this->updated_at,
			'generation'  => $this->generation,
			'phase'       => $this->phase,
			'next_page'   => $this->next_page,
			'total_pages' => $this->total_pages,
			'total'       => $this->total,
			'window_at'   => $this->window_at,
			'limit'       => $this->limit,
			'window_left' => $this->window_left,
			'runs'        => $this->runs,
			'requests'    => $this->requests,
			'failures'    => $this->failures,
			'pending'     => $this->pending,
		] + $this->outcome();
	}

	/**
	 * Whether nobody moved the walk for STALE seconds.
	 */
	public function is_stale(): bool {
		return time() - $this->updated_at >= self::STALE;
	}

	public function trigger(): string {
		return $this->trigger;
	}

	public function is_dry_run(): bool {
		return $this->dry_run;
	}

	public function prunes(): bool {
		return $this->prune;
	}

	/**
	 * What started it, and whether it is a dry run, for log lines.
	 */
	public function label(): string {
		return $this->trigger . ($this->dry_run ? ', dry run' : '');
	}

	public function generation(): int {
		return $this->generation;
	}

	/**
	 * Whether pages of the app are still being read.
	 */
	public function is_listing(): bool {
		return self::LISTING === $this->phase;
	}

	public function next_page(): int {
		return $this->next_page;
	}

	/**
	 * Whether a page is left to read (all of them before the first was read).
	 */
	public function has_pages_left(): bool {
		return null === $this->total_pages || $this->next_page <= $this->total_pages;
	}

	/**
	 * A page was read; the app's page count and domain count are as it says.
	 *
	 * @param int $total_pages Pages, as the page counted them.
	 * @param int $total       Domains, as the page counted them.
	 */
	public function page_read(int $total_pages, int $total): void {
		++$this->requests;
		++$this->next_page;
		$this->total_pages = max(1, $total_pages);
		$this->total       = $total;
	}

	/**
	 * RunCloud's rate-limit window opened with a request sent at $at.
	 *
	 * @param float $at Unix time.
	 */
	public function window_opened(float $at): void {
		$this->window_at = $at;
	}

	/**
	 * What a page's answer said of the window: the requests it allows, and
	 * how many of those the walk may still send (those left less the
	 * reserve kept for domain events).
	 *
	 * @param int $limit Requests a window allows.
	 * @param int $left  Requests the walk may still send in it.
	 */
	public function window_seen(int $limit, int $left): void {
		$this->limit       = $limit;
		$this->window_left = max(0, $left);
	}

	/**
	 * Requests a window allows, as last reported (0: not known).
	 */
	public function limit(): int {
		return $this->limit;
	}

	/**
	 * Requests the walk may still send in the current window; -1 when not
	 * counted (RunCloud reported no rate limit).
	 */
	public function window_left(): int {
		return $this->window_left;
	}

	/**
	 * A new window, opened now by the walk's next request.
	 *
	 * @param float $at   When.
	 * @param int   $left Requests the walk may send in it.
	 */
	public function new_window(float $at, int $left): void {
		$this->window_at   = $at;
		$this->window_left = max(0, $left);
	}

	/**
	 * Converging a name cost $requests of the window's.
	 *
	 * @param int $requests Requests sent.
	 */
	public function spent(int $requests): void {
		if ($this->window_left >= 0) {
			$this->window_left = max(0, $this->window_left - $requests);
		}
	}

	/**
	 * What converging a name costs: a removal reads the id kept from the add
	 * and deletes (two requests), an add is one.
	 *
	 * @param string $name Domain name.
	 */
	public function cost_of(string $name): int {
		return in_array($name, $this->to_remove, true) ? 2 : 1;
	}

	/**
	 * When the current rate-limit window opened, or null when not seen.
	 */
	public function window_opened_at(): ?float {
		return $this->window_at;
	}

	/**
	 * A run of the walk begins.
	 */
	public function run_begins(): void {
		++$this->runs;
	}

	/**
	 * A run moved the walk on: the failures in a row are over.
	 */
	public function moved_on(): void {
		$this->failures = 0;
	}

	/**
	 * A run failed; returns the failures in a row, this one included.
	 */
	public function failed_again(): int {
		return ++$this->failures;
	}

	/**
	 * The walk ends as not done.
	 */
	public function give_up(): void {
		$this->given_up = true;
	}

	public function was_given_up(): bool {
		return $this->given_up;
	}

	/**
	 * Stored now: another start leaves it alone for STALE seconds.
	 */
	public function touch(): void {
		$this->updated_at = time();
	}

	/**
	 * Every page was read: the plan, and the names to converge (none for a
	 * dry run).
	 *
	 * @param array<string, int> $to_add    Wanted names the app lacks => site id.
	 * @param array<string, int> $to_remove Names to remove => site id.
	 * @param list<string>       $unchanged Wanted names the app has.
	 */
	public function planned(array $to_add, array $to_remove, array $unchanged): void {
		$this->to_add    = array_map('strval', array_keys($to_add));
		$this->to_remove = array_map('strval', array_keys($to_remove));
		$this->unchanged = $unchanged;
		$this->pending   = $this->dry_run ? [] : $to_add + $to_remove;
		$this->phase     = self::CONVERGING;
	}

	/**
	 * The names left to converge.
	 *
	 * @return array<string, int> Name => site id.
	 */
	public function pending(): array {
		return $this->pending;
	}

	/**
	 * A name of the plan was converged: added or removed, as planned.
	 *
	 * @param string $name Domain name.
	 */
	public function converged(string $name): void {
		// The plan's removals are few (with prune only), its adds may be thousands.
		if (in_array($name, $this->to_remove, true)) {
			$this->removed[] = $name;
		} else {
			$this->added[] = $name;
		}
		unset($this->pending[ $name ]);
	}

	/**
	 * A name of the plan was not converged.
	 *
	 * @param string $name  Domain name.
	 * @param string $error Why.
	 */
	public function not_converged(string $name, string $error): void {
		$this->errors[ $name ] = $error;
		unset($this->pending[ $name ]);
	}

	/**
	 * How far the walk got, for the page and the CLI.
	 *
	 * @return array{trigger: string, phase: string, pages_read: int, total_pages: ?int, total: ?int, converged: int, pending: int, started_at: int, updated_at: int, runs: int, requests: int}
	 */
	public function progress(): array {
		return [
			'trigger'     => $this->trigger,
			'phase'       => $this->phase,
			'pages_read'  => $this->next_page - 1,
			'total_pages' => $this->total_pages,
			'total'       => $this->total,
			'converged'   => count($this->added) + count($this->removed) + count($this->errors),
			'pending'     => count($this->pending),
			'started_at'  => $this->started_at,
			'updated_at'  => $this->updated_at,
			'runs'        => $this->runs,
			'requests'    => $this->requests,
		];
	}

	/**
	 * The outcome shaped as the extension's sync report (no certificate step:
	 * the names added go to the certificate queue).
	 *
	 * @return array{dry_run: bool, to_add: list<string>, to_remove: list<string>, unchanged: list<string>, added: list<string>, removed: list<string>, errors: array<string, string>, ssl: list<array<string, mixed>>}
	 */
	public function report(): array {
		return ['dry_run' => $this->dry_run] + $this->outcome() + ['ssl' => []];
	}

	/**
	 * The plan and what came of it so far.
	 *
	 * @return array{to_add: list<string>, to_remove: list<string>, unchanged: list<string>, added: list<string>, removed: list<string>, errors: array<string, string>}
	 */
	private function outcome(): array {
		return [
			'to_add'    => $this->to_add,
			'to_remove' => $this->to_remove,
			'unchanged' => $this->unchanged,
			'added'     => $this->added,
			'removed'   => $this->removed,
			'errors'    => $this->errors,
		];
	}

	/**
	 * What the walk took and did, for the log.
	 */
	public function summary(): string {
		return sprintf(
			'%d pages in %d runs and %d s, %d wanted, %d to add, %d to remove, %d unchanged; added %d, removed %d, %d failed',
			$this->next_page - 1,
			$this->runs,
			time() - $this->started_at,
			count($this->to_add) + count($this->unchanged),
			count($this->to_add),
			count($this->to_remove),
			count($this->unchanged),
			count($this->added),
			count($this->removed),
			count($this->errors)
		);
	}
}
