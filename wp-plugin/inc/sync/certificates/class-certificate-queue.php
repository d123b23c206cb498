<?php
/**
 * Names waiting for a certificate redeploy.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync\Certificates;

use WuRunCloud\Plugin\Extension\Target;
use WuRunCloud\Plugin\Status\Logger;
use WuRunCloud\Plugin\Storage\Name_Table;
use WuRunCloud\Plugin\Storage\Shared_Option;
use WuRunCloud\Plugin\Sync\Scheduler;

defined('ABSPATH') || exit;

/**
 * Collects the names that need certificate coverage and schedules a single
 * redeploy a short delay after the last one: a burst of twenty mappings
 * costs one redeploy, not twenty (Let's Encrypt limits duplicate certificates
 * and failed validations per week and per hour). A steady trickle cannot
 * postpone it forever: it runs at the latest max_wait seconds after the
 * first name of the batch.
 *
 * A process takes the waiting names under a lease of its own: a second
 * process takes only names that came later, never another's, and done() ends
 * only its own lease. Names of a lease that ran out (its process died) join
 * the next batch. A redeploy that failed for a reason that may pass puts its
 * names back and the run waits 1, 2, 4, 8 minutes.
 *
 * Names whose certificate cannot be ordered yet (Certificate_Step checks DNS
 * and Let's Encrypt's limits first) are held: no run is due for them before a
 * recheck, or before a name is asked for again (Ultimate Multisite saw its
 * DNS arrive). Every run takes the held names along. A name that is gone, or
 * whose certificate was ordered, leaves the names that hold a certificate
 * back (Blocking_Names) and Let's Encrypt's refusals (Refused_Names) too.
 *
 * A row a name in a table of its own, kept while any of these holds:
 *   waiting      it goes with the next batch (names go in the order they came:
 *                position)
 *   lease        the token of the batch that took it, '' when none;
 *   lease_until  when that lease ends
 *   held_until   it is held until then (0 when not held), held_reason: why
 * and a small network option (wu_runcloud_ssl_pending) for the batch as a
 * whole: since (when its first name came), due (when it is redeployed),
 * attempts (failed redeploys in a row), error (the last one's reason,
 * redacted), next_at (no run before then). Every change runs under the
 * table's lock.
 */
class Certificate_Queue {

	const HOOK   = 'wu_runcloud_redeploy_ssl';
	const OPTION = 'wu_runcloud_ssl_pending';

	/**
	 * The table, after the base prefix.
	 */
	const TABLE = 'wu_runcloud_certificate_queue';

	/**
	 * The version of the table's schema (table()): raised with every change.
	 */
	const SCHEMA_VERSION = 1;

	/**
	 * Seconds a taken batch stays with its process.
	 */
	const LEASE = 300;

	/**
	 * A row that none of the states holds any more.
	 */
	const EMPTY_ROW = "waiting = 0 AND lease = '' AND held_until = 0";

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
	 * @var Shared_Option
	 */
	private $batch;

	/**
	 * @var Blocking_Names
	 */
	private $blocking;

	/**
	 * @var Refused_Names
	 */
	private $refused;

	/**
	 * The arguments of this app's runs.
	 *
	 * @var list<string>
	 */
	private $hook_args;

	/**
	 * @param Scheduler      $scheduler Scheduler.
	 * @param Logger         $logger    Redacts the errors kept.
	 * @param Blocking_Names $blocking  The names whose DNS holds a certificate back.
	 * @param Refused_Names  $refused   The names Let's Encrypt refused this hour.
	 * @param Target|null    $target    The web app; null for the primary one.
	 */
	public function __construct(Scheduler $scheduler, Logger $logger, Blocking_Names $blocking, Refused_Names $refused, ?Target $target = null) {
		$target          = $target ?? Target::primary();
		$this->scheduler = $scheduler;
		$this->logger    = $logger;
		$this->table     = self::table($target);
		$this->batch     = new Shared_Option(self::OPTION . $target->suffix());
		$this->blocking  = $blocking;
		$this->refused   = $refused;
		$this->hook_args = $target->hook_args();
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
			"position bigint(20) unsigned NOT NULL AUTO_INCREMENT,
			waiting tinyint(1) unsigned NOT NULL DEFAULT 0,
			lease varchar(64) CHARACTER SET ascii NOT NULL DEFAULT '',
			lease_until bigint(20) NOT NULL DEFAULT 0,
			held_until bigint(20) NOT NULL DEFAULT 0,
			held_reason text NOT NULL,
			KEY position (position)"
		);
	}

	/**
	 * Adds a name to the batch and (re)schedules the redeploy.
	 *
	 * @param string $domain Normalised name.
	 */
	public function request(string $domain): void {
		$this->change(
			function (array $batch) use ($domain) {
				// Asked for again (its DNS may be ready now): it goes with this batch.
				$this->put([$domain => ['waiting' => true, 'held_until' => 0, 'held_reason' => ''] + $this->rows_of([$domain])[ $domain ]]);
				$batch['since'] = $batch['since'] ? $batch['since'] : time();

				/**
				 * Seconds to wait after the last domain change before redeploying.
				 *
				 * @param int $delay Seconds (default 30).
				 */
				$delay = max(0, (int) apply_filters('wu_runcloud_ssl_redeploy_delay', 30));

				/**
				 * Longest wait, in seconds, from the first change of a batch.
				 *
				 * @param int $max_wait Seconds (default 300).
				 */
				$max_wait     = max($delay, (int) apply_filters('wu_runcloud_ssl_redeploy_max_wait', 300));
				$batch['due'] = min(time() + $delay, $batch['since'] + $max_wait);
				return $batch;
			}
		);
	}

	/**
	 * Takes the waiting names, the held ones, and those of leases that ran
	 * out, under the lease $token.
	 *
	 * @param string $token The taker's lease token.
	 * @return list<string>
	 */
	public function take(string $token): array {
		$names = [];
		$this->change(
			function (array $batch) use ($token, &$names) {
				$now   = time();
				$taken = 'waiting = 1 OR held_until > 0 OR (lease <> \'\' AND lease_until <= %d)';
				$names = array_map('strval', array_column($this->table->rows('SELECT name FROM {table} WHERE network_id = {network} AND (' . $taken . ') ORDER BY position', [$now]), 0));
				if ([] === $names) {
					return null;
				}
				$this->table->query(
					'UPDATE {table} SET waiting = 0, held_until = 0, held_reason = \'\', lease = %s, lease_until = %d WHERE network_id = {network} AND (' . $taken . ')',
					[$token, $now + self::LEASE, $now]
				);
				return $batch;
			}
		);
		return $names;
	}

	/**
	 * Ends the lease $token: its names are done (or were put back by failed()).
	 *
	 * @param string $token The lease token.
	 */
	public function done(string $token): void {
		$this->change(
			function (array $batch) use ($token) {
				return $this->end_lease($token) > 0 ? $batch : null;
			}
		);
	}

	/**
	 * A redeploy succeeded: the count of failures starts again.
	 */
	public function succeeded(): void {
		$this->change(
			static function (array $batch) {
				$after = ['attempts' => 0, 'error' => '', 'next_at' => 0] + $batch;
				return $after === $batch ? null : $after;
			}
		);
	}

	/**
	 * A redeploy failed for a reason that may pass: the names not done go
	 * back into the batch, which waits. Returns the failures in a row, or 0
	 * when they are used up (the names are then dropped).
	 *
	 * @param string       $token The lease token.
	 * @param list<string> $names The names not done.
	 * @param string       $error Why.
	 * @param int          $max   Attempts in all.
	 */
	public function failed(string $token, array $names, string $error, int $max): int {
		$attempts = 0;
		$this->change(
			function (array $batch) use ($token, $names, $error, $max, &$attempts) {
				$attempts = $batch['attempts'] + 1;
				if ($attempts >= $max) {
					$attempts = 0;
					$this->end_lease($token);
					return ['attempts' => 0, 'error' => '', 'next_at' => 0] + $batch;
				}
				$back = $this->rows_of($names);
				foreach ($back as $name => $row) {
					$back[ $name ] = ['waiting' => true] + $row;
				}
				$this->put($back);
				$this->end_lease($token);
				/** This filter is documented in inc/sync/class-name-queue.php */
				$delay = max(0, (int) apply_filters('wu_runcloud_retry_delay', (int) min(3600, 60 * (2 ** ($attempts - 1))), $attempts, 'redeploy_ssl'));
				return [
					'since'    => $batch['since'] ? $batch['since'] : time(),
					'attempts' => $attempts,
					'error'    => $this->logger->redact($error),
					'next_at'  => time() + $delay,
					'due'      => time() + $delay,
				];
			}
		);
		return $attempts;
	}

	/**
	 * Takes names out of the batch, of every lease and of the held ones
	 * (removed from RunCloud, or settled by a reconcile).
	 *
	 * @param list<string> $names Normalised names.
	 */
	public function drop(array $names): void {
		if ([] === $names) {
			return;
		}
		$this->refused->forget($names);
		$was_blocking = $this->blocking->forget($names);
		$this->change(
			function (array $batch) use ($names, $was_blocking) {
				$changed = $this->table->delete($names);
				if ($was_blocking) {
					// A name that held the certificate back is gone (unmapped): the
					// names it held go with the next run, not at the next recheck.
					$soon     = time() + 30;
					$changed += $this->table->query('UPDATE {table} SET held_until = %d WHERE network_id = {network} AND held_until > %d', [$soon, $soon]);
				}
				return $changed > 0 ? $batch : null;
			}
		);
	}

	/**
	 * The names waiting for a redeploy (leased and held ones included).
	 *
	 * @return list<string>
	 */
	public function pending(): array {
		return array_map('strval', array_column($this->table->rows('SELECT name FROM {table} WHERE network_id = {network} ORDER BY position'), 0));
	}

	/**
	 * Failed redeploys in a row and the last one's reason ('' when none).
	 *
	 * @return array{attempts: int, error: string}
	 */
	public function failure(): array {
		$batch = $this->read();
		return ['attempts' => $batch['attempts'], 'error' => $this->logger->redact($batch['error'])];
	}

	/**
	 * Holds names of the lease $token whose certificate cannot be ordered
	 * yet: they wait until $until (a recheck), or until asked for again.
	 *
	 * @param string                $token   The lease token.
	 * @param array<string, string> $waiting Name => why it waits.
	 * @param int                   $until   Unix time of the recheck.
	 */
	public function hold(string $token, array $waiting, int $until): void {
		if ([] === $waiting) {
			return;
		}
		$this->change(
			function (array $batch) use ($token, $waiting, $until) {
				$held = $this->rows_of(array_keys($waiting));
				foreach ($held as $name => $row) {
					if ($row['lease'] === $token) {
						$row = ['lease' => '', 'lease_until' => 0] + $row;
					}
					$held[ $name ] = ['held_until' => $until, 'held_reason' => (string) $waiting[ $name ]] + $row;
				}
				$this->put($held);
				return $batch;
			}
		);
	}

	/**
	 * Names were ordered successfully: they no longer hold anything back,
	 * and their budget starts again.
	 *
	 * @param list<string> $names Names.
	 */
	public function certified(array $names): void {
		if ([] === $names) {
			return;
		}
		$this->blocking->forget($names);
		$this->refused->forget($names);
		$this->change(
			function (array $batch) use ($names) {
				$in = implode(', ', array_fill(0, count($names), '%s'));
				$changed = $this->table->query('UPDATE {table} SET held_until = 0, held_reason = \'\' WHERE network_id = {network} AND held_until > 0 AND name IN (' . $in . ')', array_map('strval', $names));
				return $changed > 0 ? $batch : null;
			}
		);
	}

	/**
	 * The names waiting because of them (or of Let's Encrypt's limits), with
	 * why and when they are checked again.
	 *
	 * @return array<string, array{until: int, reason: string}>
	 */
	public function held(): array {
		$held = [];
		foreach ($this->table->rows('SELECT name, held_until, held_reason FROM {table} WHERE network_id = {network} AND held_until > 0 ORDER BY position') as $row) {
			$held[ (string) $row[0] ] = ['until' => (int) $row[1], 'reason' => (string) $row[2]];
		}
		return $held;
	}

	/**
	 * When the next redeploy runs, or null.
	 */
	public function next_run(): ?int {
		return $this->scheduler->next(self::HOOK, $this->hook_args);
	}

	/**
	 * Schedules the run unless one is pending (after a reactivation).
	 */
	public function keep_scheduled(): void {
		if ([] !== $this->pending() && null === $this->scheduler->next(self::HOOK, $this->hook_args)) {
			$this->reschedule();
		}
	}

	/**
	 * Schedules the run, but not before $not_before (this process could not
	 * redeploy: give one that can a chance).
	 *
	 * @param int $not_before Unix time.
	 */
	public function postpone(int $not_before): void {
		$this->reschedule($not_before);
	}

	/**
	 * Cancels the scheduled run (deactivation); the names stay.
	 */
	public function unschedule(): void {
		$this->scheduler->cancel(self::HOOK, $this->hook_args);
	}

	/**
	 * Changes the queue while no other process changes it: $change gets the
	 * batch's record and returns it as it is to be stored, or null when it
	 * changed nothing. After a change, rows that no state holds any more are
	 * removed and the run is scheduled for what is left.
	 *
	 * @param callable(array{since: int, due: int, attempts: int, error: string, next_at: int}): (array{since: int, due: int, attempts: int, error: string, next_at: int}|null) $change The change.
	 */
	private function change(callable $change): void {
		$this->table->locked(
			function () use ($change) {
				$after = $change($this->read());
				if (null !== $after) {
					$this->table->query('DELETE FROM {table} WHERE network_id = {network} AND ' . self::EMPTY_ROW);
					$this->save($after);
				}
			}
		);
	}

	/**
	 * The batch's record as stored.
	 *
	 * @return array{since: int, due: int, attempts: int, error: string, next_at: int}
	 */
	private function read(): array {
		$batch = $this->batch->read();
		return [
			'since'    => (int) ($batch['since'] ?? 0),
			'due'      => (int) ($batch['due'] ?? 0),
			'attempts' => (int) ($batch['attempts'] ?? 0),
			'error'    => (string) ($batch['error'] ?? ''),
			'next_at'  => (int) ($batch['next_at'] ?? 0),
		];
	}

	/**
	 * Stores the batch's record (nothing at all once it holds nothing) and
	 * schedules the run for the earliest of the batch, the leases' ends and
	 * the holds' rechecks.
	 *
	 * @param array{since: int, due: int, attempts: int, error: string, next_at: int} $batch The record.
	 */
	private function save(array $batch): void {
		$when = $this->when();
		if (null === $when['waiting']) {
			$batch['since'] = 0;
			$batch['due']   = 0;
		}
		$this->batch->write(0 === $batch['since'] && 0 === $batch['attempts'] && 0 === $batch['next_at'] ? [] : $batch);
		$this->schedule($when, $batch);
	}

	/**
	 * Schedules the run for what the table holds now, not before $not_before.
	 *
	 * @param int $not_before Unix time.
	 */
	private function reschedule(int $not_before = 0): void {
		$this->schedule($this->when(), $this->read(), $not_before);
	}

	/**
	 * Schedules the run for the earliest of the waiting batch (once due and
	 * past its backoff), the leases' ends and the holds' rechecks.
	 *
	 * @param array{waiting: int|null, lease: int|null, held: int|null}              $when       From when().
	 * @param array{since: int, due: int, attempts: int, error: string, next_at: int} $batch      The batch's record.
	 * @param int                                                                     $not_before Unix time.
	 */
	private function schedule(array $when, array $batch, int $not_before = 0): void {
		$times = array_filter([$when['lease'], $when['held']], 'is_int');
		if (null !== $when['waiting']) {
			$times[] = max($batch['due'], $batch['next_at']);
		}
		if ([] === $times) {
			$this->scheduler->cancel(self::HOOK, $this->hook_args);
			return;
		}
		$this->scheduler->replace(self::HOOK, max(min($times), $not_before), $this->hook_args);
	}

	/**
	 * What the table holds, for the schedule: 1 when names wait for the
	 * batch, the earliest end of a lease, the earliest recheck of a hold
	 * (each null when there is none).
	 *
	 * @return array{waiting: int|null, lease: int|null, held: int|null}
	 */
	private function when(): array {
		$row = $this->table->rows('SELECT MAX(waiting), MIN(CASE WHEN lease <> \'\' THEN lease_until END), MIN(CASE WHEN held_until > 0 THEN held_until END) FROM {table} WHERE network_id = {network}')[0] ?? [];
		return [
			'waiting' => empty($row[0]) ? null : 1,
			'lease'   => null === ($row[1] ?? null) ? null : (int) $row[1],
			'held'    => null === ($row[2] ?? null) ? null : (int) $row[2],
		];
	}

	/**
	 * Ends the lease $token (its names that nothing else keeps are done);
	 * returns how many names it held.
	 *
	 * @param string $token The lease token.
	 */
	private function end_lease(string $token): int {
		return $this->table->query('UPDATE {table} SET lease = \'\', lease_until = 0 WHERE network_id = {network} AND lease = %s', [$token]);
	}

	/**
	 * Names' rows as stored, a new one for a name without, by name.
	 *
	 * @param list<string|int> $names Normalised names.
	 * @return array<string, array{waiting: bool, lease: string, lease_until: int, held_until: int, held_reason: string}>
	 */
	private function rows_of(array $names): array {
		$names  = array_values(array_unique(array_map('strval', $names)));
		$rows   = array_fill_keys($names, ['waiting' => false, 'lease' => '', 'lease_until' => 0, 'held_until' => 0, 'held_reason' => '']);
		$stored = [] === $names ? [] : $this->table->rows(
			'SELECT name, waiting, lease, lease_until, held_until, held_reason FROM {table} WHERE network_id = {network} AND name IN (' . implode(', ', array_fill(0, count($names), '%s')) . ')',
			$names
		);
		foreach ($stored as $row) {
			$rows[ (string) $row[0] ] = ['waiting' => (bool) $row[1], 'lease' => (string) $row[2], 'lease_until' => (int) $row[3], 'held_until' => (int) $row[4], 'held_reason' => (string) $row[5]];
		}
		return $rows;
	}

	/**
	 * Writes rows, each with every column.
	 *
	 * @param array<string, array{waiting: bool, lease: string, lease_until: int, held_until: int, held_reason: string}> $rows By name.
	 */
	private function put(array $rows): void {
		$this->table->put(
			array_map(
				static function (array $row) {
					return [
						'waiting'     => $row['waiting'],
						'lease'       => $row['lease'],
						'lease_until' => $row['lease_until'],
						'held_until'  => $row['held_until'],
						'held_reason' => $row['held_reason'],
					];
				},
				$rows
			)
		);
	}
}
