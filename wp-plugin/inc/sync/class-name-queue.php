<?php
/**
 * The names due for another convergence.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync;

use WuRunCloud\Plugin\Status\Logger;
use WuRunCloud\Plugin\Storage\Shared_Option;

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
 * Stored shape (network option wu_runcloud_retry_queue), by name:
 *   domain       the name
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
 */
class Name_Queue {

	const HOOK   = 'wu_runcloud_retry';
	const OPTION = 'wu_runcloud_retry_queue';

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
	 * @var Shared_Option
	 */
	private $option;

	/**
	 * @param Scheduler $scheduler Scheduler.
	 * @param Logger    $logger    Redacts the errors kept.
	 */
	public function __construct(Scheduler $scheduler, Logger $logger) {
		$this->scheduler = $scheduler;
		$this->logger    = $logger;
		$this->option    = new Shared_Option(self::OPTION);
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
		$this->change(
			function (array $queue) use ($name, $site_id, $released) {
				$entry                 = $queue[ $name ] ?? $this->blank($name);
				$entry['site_id']      = $site_id;
				$entry['released']     = $released;
				$entry['dirty']        = true;
				$entry['next_at']      = empty($entry['lease']) ? time() : min((int) $entry['next_at'], time());
				$queue[ $name ]        = $entry;
				return $queue;
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
		$this->change(
			static function (array $queue) use ($name, $site_id, $released, $trigger, $lease) {
				$entry          = $queue[ $name ] ?? ['operation' => $trigger];
				$queue[ $name ] = [
					'domain'       => $name,
					'site_id'      => $site_id,
					'attempts'     => (int) ($entry['attempts'] ?? 0) + 1,
					'next_at'      => time() + self::LEASE,
					'released'     => $released,
					'dirty'        => false,
					'lease'        => $lease,
					'leased_until' => time() + self::LEASE,
				] + $entry;
				return $queue;
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
		return $this->option->locked(
			function () use ($name, $again) {
				$queue = $this->all();
				if (! isset($queue[ $name ])) {
					return null;
				}
				if (empty($queue[ $name ]['dirty'])) {
					unset($queue[ $name ]);
					$this->save($queue);
					return null;
				}
				$queue[ $name ]['dirty'] = false;
				if (! $again) {
					$queue[ $name ] = ['lease' => '', 'leased_until' => 0, 'next_at' => time()] + $queue[ $name ];
				}
				$this->save($queue);
				return $again ? $queue[ $name ] : null;
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
		return $this->option->locked(
			function () use ($name, $site_id, $released, $operation, $error, $lease) {
				$queue = $this->all();
				$entry = $queue[ $name ] ?? $this->blank($name);
				// The attempt was counted when the name was leased or held.
				$attempts = (int) $entry['attempts'] + ('' !== $lease && $entry['lease'] === $lease ? 0 : 1);
				if ($attempts >= $this->max_attempts()) {
					unset($queue[ $name ]);
					$this->save($queue);
					return 0;
				}
				$entry = [
					'site_id'      => $site_id,
					'attempts'     => $attempts,
					'next_at'      => time() + $this->delay($attempts, $operation),
					'error'        => $this->logger->redact($error),
					'operation'    => $operation,
					'released'     => $released,
					'dirty'        => false,
					'lease'        => '',
					'leased_until' => 0,
				] + $entry;
				$queue[ $name ] = $entry;
				$this->save($queue);
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
	 * Drops names in one write (a reconcile settled them).
	 *
	 * @param list<string> $names Normalised names.
	 */
	public function forget_all(array $names): void {
		if ([] === $names) {
			return;
		}
		$this->change(
			static function (array $queue) use ($names) {
				return array_diff_key($queue, array_flip($names));
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
		$due = $this->option->locked(
			function () use ($lease) {
				$queue = $this->all();
				$due   = [];
				$now   = time();
				foreach ($queue as $name => $entry) {
					if ((int) $entry['next_at'] > $now) {
						continue;
					}
					$entry['abandoned'] = '' !== $entry['lease'] && (int) $entry['attempts'] >= $this->max_attempts();
					$due[]              = $entry;
					if ($entry['abandoned']) {
						unset($queue[ $name ]);
						continue;
					}
					$queue[ $name ] = [
						'attempts'     => (int) $entry['attempts'] + 1,
						'next_at'      => $now + self::LEASE,
						'dirty'        => false,
						'lease'        => $lease,
						'leased_until' => $now + self::LEASE,
					] + $entry;
				}
				if ([] !== $due) {
					$this->save($queue);
				}
				return $due;
			}
		);
		usort(
			$due,
			static function ($a, $b) {
				return $a['next_at'] <=> $b['next_at'];
			}
		);
		return $due;
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
		$this->change(
			static function (array $queue) use ($name, $lease) {
				if (! isset($queue[ $name ]) || $queue[ $name ]['lease'] !== $lease) {
					return $queue;
				}
				if (empty($queue[ $name ]['dirty'])) {
					unset($queue[ $name ]);
					return $queue;
				}
				// Asked for again meanwhile: due now, for whoever runs next.
				$queue[ $name ] = ['lease' => '', 'leased_until' => 0, 'next_at' => time()] + $queue[ $name ];
				return $queue;
			}
		);
	}

	/**
	 * Every queued name with its entry, errors redacted.
	 *
	 * @return array<string, array{domain: string, site_id: int, attempts: int, next_at: int, error: string, operation: string, released: bool, dirty: bool, lease: string, leased_until: int}>
	 */
	public function all(): array {
		$queue = [];
		foreach ($this->option->read() as $name => $entry) {
			// An entry of the earlier shape (an operation, or a certificate's) is not a name's.
			if (! is_array($entry) || ! isset($entry['domain']) || '' === (string) $entry['domain'] || 0 === strpos((string) $name, '*')) {
				continue;
			}
			$entry            = array_merge($this->blank((string) $entry['domain']), $entry);
			$entry['error']   = $this->logger->redact((string) $entry['error']);
			$queue[ $name ]   = $entry;
		}
		return $queue;
	}

	/**
	 * Whether a name waits.
	 *
	 * @param string $name Normalised name.
	 */
	public function has(string $name): bool {
		return isset($this->all()[ $name ]);
	}

	/**
	 * When the next run is due, or null.
	 */
	public function next_run(): ?int {
		return $this->scheduler->next(self::HOOK);
	}

	/**
	 * Schedules the run for the earliest entry unless one is pending (after
	 * a reactivation, or when runs were lost).
	 */
	public function keep_scheduled(): void {
		if ([] !== $this->all() && null === $this->scheduler->next(self::HOOK)) {
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
		$next = null;
		foreach ($this->all() as $entry) {
			$next = null === $next ? (int) $entry['next_at'] : min($next, (int) $entry['next_at']);
		}
		if (null === $next) {
			$this->scheduler->cancel(self::HOOK);
			return;
		}
		$this->scheduler->replace(self::HOOK, max($next, $not_before));
	}

	/**
	 * Cancels the scheduled run (deactivation); the entries stay.
	 */
	public function unschedule(): void {
		$this->scheduler->cancel(self::HOOK);
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
	 * @return array<string, mixed>
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
	 * Changes the queue under its lock, on a fresh read.
	 *
	 * @param callable(array<string, array<string, mixed>>): array<string, array<string, mixed>> $change The change.
	 */
	private function change(callable $change): void {
		$this->option->locked(
			function () use ($change) {
				$before = $this->all();
				$after  = $change($before);
				if ($after !== $before) {
					$this->save($after);
				}
			}
		);
	}

	/**
	 * Stores the queue and schedules the run for its earliest entry.
	 *
	 * @param array<string, array<string, mixed>> $queue The queue.
	 */
	private function save(array $queue): void {
		$this->option->write($queue);
		$this->reschedule();
	}
}
