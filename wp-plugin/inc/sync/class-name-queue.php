<?php
/**
 * The names due for another convergence.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync;

use WuRunCloud\Plugin\Extension\Target;
use WuRunCloud\Plugin\Status\Logger;
use WuRunCloud\Plugin\Storage\Name_Table;

defined('ABSPATH') || exit;

/**
 * A set of domain names, never of operations: what to do with a name is read
 * afresh when it is converged, so nothing stale can be replayed. A name is
 * stored once, however often it is asked for, with its failed attempts, when
 * to try next and the last error (redacted). A name asked for while another
 * process converges it is marked dirty and converged again after.
 *
 * A worker leases the names it runs: until the lease ends no other worker
 * takes them, and if the worker dies they come back when it ends, the
 * unfinished attempt counted. One scheduled run serves the earliest entry.
 *
 * A row a name in a table of its own (a change writes that row), its columns:
 *   site_id      the site it was last asked for
 *   attempts     convergences that failed or never finished
 *   next_at      when it is due (the lease's end while leased)
 *   error        why the last attempt failed, redacted ('' for none)
 *   operation    the change last attempted (add_domain, remove_domain), or
 *                'converge' when none was; for display only
 *   released     the network let go of the name (a removal event): a name
 *                this integration did not add may be removed
 *   dirty        asked for while a process held it
 *   lease        the token of the worker running it, '' when none
 *   leased_until when that lease ends
 * Each change is a read of a row and its write, under the queue's lock.
 */
class Name_Queue {

	const HOOK = 'wu_runcloud_retry';

	/**
	 * The table, after the base prefix.
	 */
	const TABLE = 'wu_runcloud_name_queue';

	/**
	 * The version of the table's schema (table()): raised with every change.
	 */
	const SCHEMA_VERSION = 1;

	/**
	 * The columns of an entry, as read.
	 */
	const COLUMNS = 'name, site_id, attempts, next_at, error, operation, released, dirty, lease, leased_until';

	/**
	 * Seconds a leased name stays with its worker.
	 */
	const LEASE = 300;

	/**
	 * @var Scheduler
	 */
	private $scheduler;

	/**
	 * @var Logger
	 */
	private $logger;

	/**
	 * @var Name_Table
	 */
	private $table;

	/**
	 * The arguments of this app's runs.
	 *
	 * @var list<string>
	 */
	private $hook_args;

	/**
	 * @param Scheduler   $scheduler Scheduler.
	 * @param Logger      $logger    Redacts the errors kept.
	 * @param Target|null $target    The web app; null for the primary one.
	 */
	public function __construct(Scheduler $scheduler, Logger $logger, ?Target $target = null) {
		$this->scheduler = $scheduler;
		$this->logger    = $logger;
		$this->table     = self::table($target);
		$this->hook_args = ($target ?? Target::primary())->hook_args();
	}

	/**
	 * The table, as its schema declares it: one a web app, the primary one's
	 * under the table's own name.
	 *
	 * @param Target|null $target The app; null for the primary one.
	 */
	public static function table(?Target $target = null): Name_Table {
		return new Name_Table(
			self::TABLE . ($target ?? Target::primary())->suffix(),
			self::SCHEMA_VERSION,
			"site_id bigint(20) unsigned NOT NULL DEFAULT 0,
			attempts int(10) unsigned NOT NULL DEFAULT 0,
			next_at bigint(20) NOT NULL DEFAULT 0,
			error text NOT NULL,
			operation varchar(32) NOT NULL DEFAULT 'converge',
			released tinyint(1) unsigned NOT NULL DEFAULT 0,
			dirty tinyint(1) unsigned NOT NULL DEFAULT 0,
			lease varchar(64) CHARACTER SET ascii NOT NULL DEFAULT '',
			leased_until bigint(20) NOT NULL DEFAULT 0,
			KEY next_at (network_id,next_at)"
		);
	}

	/**
	 * Asks for a name to be converged as soon as possible (it is busy in
	 * another process, or this one cannot do it now): marked dirty, due now.
	 *
	 * @param string $name     Normalised name.
	 * @param int    $site_id  Site id.
	 * @param bool   $released The network let go of it.
	 */
	public function request(string $name, int $site_id, bool $released): void {
		$this->locked(
			function () use ($name, $site_id, $released) {
				$entry = $this->get($name) ?? $this->blank($name);
				$this->save(
					[
						'site_id'  => $site_id,
						'released' => $released,
						'dirty'    => true,
						'next_at'  => '' === $entry['lease'] ? time() : min($entry['next_at'], time()),
					] + $entry
				);
			}
		);
	}

	/**
	 * Holds a name for a convergence that did not come from the queue (an
	 * event): until it ends, the name is leased to this process like a
	 * worker's, so if the process dies halfway the name comes back when the
	 * lease ends, the unfinished attempt counted.
	 *
	 * @param string $name     Normalised name.
	 * @param int    $site_id  Site id.
	 * @param bool   $released The network let go of it.
	 * @param string $trigger  What asked (shown while it waits).
	 * @param string $lease    This process's token.
	 */
	public function hold(string $name, int $site_id, bool $released, string $trigger, string $lease): void {
		$this->locked(
			function () use ($name, $site_id, $released, $trigger, $lease) {
				$entry = $this->get($name) ?? ['operation' => $trigger] + $this->blank($name);
				$this->save(
					[
						'site_id'      => $site_id,
						'attempts'     => $entry['attempts'] + 1,
						'next_at'      => time() + self::LEASE,
						'released'     => $released,
						'dirty'        => false,
						'lease'        => $lease,
						'leased_until' => time() + self::LEASE,
					] + $entry
				);
			}
		);
	}

	/**
	 * A convergence of the name succeeded. When the name was asked for
	 * meanwhile (dirty), returns its entry for the caller to converge it
	 * again, or, when $again is false, leaves it due now for the queue;
	 * otherwise its entry is gone and null is returned.
	 *
	 * @param string $name  Normalised name.
	 * @param bool   $again Whether the caller converges a dirty name again.
	 * @return array<string, mixed>|null
	 */
	public function succeeded(string $name, bool $again = true): ?array {
		return $this->locked(
			function () use ($name, $again) {
				$entry = $this->get($name);
				if (null === $entry) {
					return null;
				}
				if (! $entry['dirty']) {
					$this->remove([$name]);
					return null;
				}
				$entry['dirty'] = false;
				if (! $again) {
					$entry = $this->released_to_the_queue($entry);
				}
				$this->save($entry);
				return $again ? $entry : null;
			}
		);
	}

	/**
	 * A convergence of the name failed for a reason that may pass. Returns
	 * the attempts made so far, or 0 when they are used up (the entry is then
	 * gone and the caller reports the failure for good).
	 *
	 * @param string $name      Normalised name.
	 * @param int    $site_id   Site id.
	 * @param bool   $released  The network let go of it.
	 * @param string $operation The change attempted.
	 * @param string $error     Why.
	 * @param string $lease     The lease the name was converged under.
	 */
	public function failed(string $name, int $site_id, bool $released, string $operation, string $error, string $lease): int {
		return $this->locked(
			function () use ($name, $site_id, $released, $operation, $error, $lease) {
				$entry = $this->get($name) ?? $this->blank($name);
				// The attempt was counted when the name was leased or held.
				$attempts = $entry['attempts'] + ('' !== $lease && $entry['lease'] === $lease ? 0 : 1);
				if ($attempts >= $this->max_attempts()) {
					$this->remove([$name]);
					return 0;
				}
				$this->save(
					[
						'site_id'      => $site_id,
						'attempts'     => $attempts,
						'next_at'      => time() + $this->delay($attempts, $operation),
						'error'        => $this->logger->redact($error),
						'operation'    => $operation,
						'released'     => $released,
						'dirty'        => false,
						'lease'        => '',
						'leased_until' => 0,
					] + $entry
				);
				return $attempts;
			}
		);
	}

	/**
	 * Drops a name (it is settled, or nothing can be done for it).
	 *
	 * @param string $name Normalised name.
	 */
	public function forget(string $name): void {
		$this->forget_all([$name]);
	}

	/**
	 * Drops names in one statement (a reconcile settled them).
	 *
	 * @param list<string> $names Normalised names.
	 */
	public function forget_all(array $names): void {
		if ([] === $names) {
			return;
		}
		$this->locked(
			function () use ($names) {
				$this->remove($names);
			}
		);
	}

	/**
	 * Leases the names that are due to the worker $lease, oldest first. A
	 * name whose lease ran out (its worker died) comes back with that attempt
	 * counted; when that was its last attempt it is removed and returned with
	 * 'abandoned' set, for the caller to report.
	 *
	 * @param string $lease The worker's token.
	 * @return list<array<string, mixed>>
	 */
	public function lease_due(string $lease): array {
		return $this->locked(
			function () use ($lease) {
				$now       = time();
				$due       = $this->entries('WHERE network_id = {network} AND next_at <= %d ORDER BY next_at, name', [$now]);
				$leased    = [];
				$abandoned = [];
				foreach ($due as $i => $entry) {
					$due[ $i ]['abandoned'] = '' !== $entry['lease'] && $entry['attempts'] >= $this->max_attempts();
					if ($due[ $i ]['abandoned']) {
						$abandoned[] = $entry['domain'];
						continue;
					}
					$leased[ $entry['domain'] ] = self::row(
						[
							'attempts'     => $entry['attempts'] + 1,
							'next_at'      => $now + self::LEASE,
							'dirty'        => false,
							'lease'        => $lease,
							'leased_until' => $now + self::LEASE,
						] + $entry
					);
				}
				if ([] !== $due) {
					$this->table->put($leased);
					$this->table->delete($abandoned);
					$this->reschedule();
				}
				return $due;
			}
		);
	}

	/**
	 * Ends a worker's lease on a name it ran: an entry still held by that
	 * lease (the convergence settled nothing about it) is dropped, unless the
	 * name was asked for meanwhile.
	 *
	 * @param string $name  Normalised name.
	 * @param string $lease The worker's token.
	 */
	public function settle(string $name, string $lease): void {
		$this->locked(
			function () use ($name, $lease) {
				$entry = $this->get($name);
				if (null === $entry || $entry['lease'] !== $lease) {
					return;
				}
				if (! $entry['dirty']) {
					$this->remove([$name]);
					return;
				}
				// Asked for again meanwhile: due now, for whoever runs next.
				$this->save($this->released_to_the_queue($entry));
			}
		);
	}

	/**
	 * Every queued name with its entry, errors redacted, by name.
	 *
	 * @return array<string, array{domain: string, site_id: int, attempts: int, next_at: int, error: string, operation: string, released: bool, dirty: bool, lease: string, leased_until: int}>
	 */
	public function all(): array {
		$queue = [];
		foreach ($this->entries('WHERE network_id = {network} ORDER BY name') as $entry) {
			$queue[ $entry['domain'] ] = $entry;
		}
		return $queue;
	}

	/**
	 * Whether a name waits.
	 *
	 * @param string $name Normalised name.
	 */
	public function has(string $name): bool {
		return null !== $this->get($name);
	}

	/**
	 * When the next run is due, or null.
	 */
	public function next_run(): ?int {
		return $this->scheduler->next(self::HOOK, $this->hook_args);
	}

	/**
	 * Schedules the run for the earliest entry unless one is pending (after
	 * a reactivation, or when runs were lost).
	 */
	public function keep_scheduled(): void {
		if (null !== $this->earliest() && null === $this->scheduler->next(self::HOOK, $this->hook_args)) {
			$this->reschedule();
		}
	}

	/**
	 * Schedules the run for the earliest entry, but not before $not_before
	 * (this process could not run them: give one that can a chance).
	 *
	 * @param int $not_before Unix time.
	 */
	public function reschedule(int $not_before = 0): void {
		$next = $this->earliest();
		if (null === $next) {
			$this->scheduler->cancel(self::HOOK, $this->hook_args);
			return;
		}
		$this->scheduler->replace(self::HOOK, max($next, $not_before), $this->hook_args);
	}

	/**
	 * Cancels the scheduled run (deactivation); the entries stay.
	 */
	public function unschedule(): void {
		$this->scheduler->cancel(self::HOOK, $this->hook_args);
	}

	/**
	 * How many attempts a name gets in all.
	 */
	public function max_attempts(): int {
		/**
		 * How many attempts a name's convergence gets in all.
		 *
		 * @param int $max Attempts (default 5).
		 */
		return max(1, (int) apply_filters('wu_runcloud_retry_max_attempts', 5));
	}

	/**
	 * Seconds before the next attempt: 1, 2, 4, 8 minutes...
	 *
	 * @param int    $attempts  Attempts made so far.
	 * @param string $operation The change attempted.
	 */
	private function delay(int $attempts, string $operation): int {
		$delay = (int) min(3600, 60 * (2 ** ($attempts - 1)));
		/**
		 * Seconds before the next attempt.
		 *
		 * @param int    $delay     Seconds.
		 * @param int    $attempts  Attempts made so far.
		 * @param string $operation The change attempted.
		 */
		return max(0, (int) apply_filters('wu_runcloud_retry_delay', $delay, $attempts, $operation));
	}

	/**
	 * A new entry.
	 *
	 * @param string $name Normalised name.
	 * @return array{domain: string, site_id: int, attempts: int, next_at: int, error: string, operation: string, released: bool, dirty: bool, lease: string, leased_until: int}
	 */
	private function blank(string $name): array {
		return [
			'domain'       => $name,
			'site_id'      => 0,
			'attempts'     => 0,
			'next_at'      => time(),
			'error'        => '',
			'operation'    => 'converge',
			'released'     => false,
			'dirty'        => false,
			'lease'        => '',
			'leased_until' => 0,
		];
	}

	/**
	 * An entry out of its worker's hands, due now.
	 *
	 * @param array<string, mixed> $entry The entry.
	 * @return array<string, mixed>
	 */
	private function released_to_the_queue(array $entry): array {
		return ['lease' => '', 'leased_until' => 0, 'next_at' => time()] + $entry;
	}

	/**
	 * Runs a change of the queue while no other process changes it, and
	 * returns what it returns.
	 *
	 * @template T
	 * @param callable(): T $change The change.
	 * @return T
	 */
	private function locked(callable $change) {
		return $this->table->locked($change);
	}

	/**
	 * One name's entry, or null.
	 *
	 * @param string $name Normalised name.
	 * @return array{domain: string, site_id: int, attempts: int, next_at: int, error: string, operation: string, released: bool, dirty: bool, lease: string, leased_until: int}|null
	 */
	private function get(string $name): ?array {
		$row = $this->table->row_of(self::COLUMNS, $name);
		return null === $row ? null : $this->entry($row);
	}

	/**
	 * Entries of a query, errors redacted.
	 *
	 * @param string           $where What follows FROM {table}.
	 * @param list<int|string> $args  Its values.
	 * @return list<array{domain: string, site_id: int, attempts: int, next_at: int, error: string, operation: string, released: bool, dirty: bool, lease: string, leased_until: int}>
	 */
	private function entries(string $where, array $args = []): array {
		return array_map([$this, 'entry'], $this->table->rows('SELECT ' . self::COLUMNS . ' FROM {table} ' . $where, $args));
	}

	/**
	 * An entry out of its row (the values of COLUMNS), its error redacted.
	 *
	 * @param list<mixed> $row The row.
	 * @return array{domain: string, site_id: int, attempts: int, next_at: int, error: string, operation: string, released: bool, dirty: bool, lease: string, leased_until: int}
	 */
	private function entry(array $row): array {
		return [
			'domain'       => (string) $row[0],
			'site_id'      => (int) $row[1],
			'attempts'     => (int) $row[2],
			'next_at'      => (int) $row[3],
			'error'        => $this->logger->redact((string) $row[4]),
			'operation'    => (string) $row[5],
			'released'     => (bool) $row[6],
			'dirty'        => (bool) $row[7],
			'lease'        => (string) $row[8],
			'leased_until' => (int) $row[9],
		];
	}

	/**
	 * An entry as its row's columns.
	 *
	 * @param array<string, mixed> $entry The entry.
	 * @return array<string, int|bool|string>
	 */
	private static function row(array $entry): array {
		return [
			'site_id'      => (int) $entry['site_id'],
			'attempts'     => (int) $entry['attempts'],
			'next_at'      => (int) $entry['next_at'],
			'error'        => (string) $entry['error'],
			'operation'    => (string) $entry['operation'],
			'released'     => (bool) $entry['released'],
			'dirty'        => (bool) $entry['dirty'],
			'lease'        => (string) $entry['lease'],
			'leased_until' => (int) $entry['leased_until'],
		];
	}

	/**
	 * Stores an entry and schedules the run for the earliest.
	 *
	 * @param array<string, mixed> $entry The entry.
	 */
	private function save(array $entry): void {
		$this->table->put([(string) $entry['domain'] => self::row($entry)]);
		$this->reschedule();
	}

	/**
	 * Removes names; when any was there, the run is scheduled for the earliest left.
	 *
	 * @param list<string> $names Normalised names.
	 */
	private function remove(array $names): void {
		if ($this->table->delete($names) > 0) {
			$this->reschedule();
		}
	}

	/**
	 * When the earliest entry is due, or null when none waits.
	 */
	private function earliest(): ?int {
		$next = $this->table->value('SELECT MIN(next_at) FROM {table} WHERE network_id = {network}');
		return null === $next ? null : (int) $next;
	}
}
