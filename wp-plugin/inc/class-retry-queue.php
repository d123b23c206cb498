<?php
/**
 * Operations to try again after a temporary failure.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin;

defined('ABSPATH') || exit;

/**
 * A network option holding, per name, the latest operation that failed for a
 * reason that may pass (rate limit, RunCloud-side error, network trouble), with
 * its attempt count and when to try next. One entry per name: a newer intent
 * for a name (an add after a remove) replaces the older one, so the order of
 * operations on one name is kept. A single scheduled run processes what is due.
 */
class Retry_Queue {

	const HOOK   = 'wu_runcloud_retry';
	const OPTION = 'wu_runcloud_retry_queue';

	/**
	 * Key prefix of certificate redeploys, kept apart from the domain's own
	 * add or remove.
	 */
	const SSL_KEY = '*ssl:';

	/**
	 * Seconds an entry taken for a retry stays leased: if the process running
	 * it dies before settling it, the entry comes back after this long.
	 */
	const LEASE = 300;

	/**
	 * @var Scheduler
	 */
	private $scheduler;

	/**
	 * @var Shared_Option
	 */
	private $option;

	/**
	 * @param Scheduler $scheduler Scheduler.
	 */
	public function __construct(Scheduler $scheduler) {
		$this->scheduler = $scheduler;
		$this->option    = new Shared_Option(self::OPTION);
	}

	/**
	 * Queues an operation for a later attempt; returns false when it has used
	 * up its attempts (the caller then reports it as failed for good).
	 *
	 * @param string $operation Operation name (see Domain_Sync_Service::replay()).
	 * @param string $domain    Normalised name, '' for a redeploy.
	 * @param int    $site_id   Site id.
	 * @param int    $attempts  Attempts made so far, this one included.
	 * @param string $error     Why the last attempt failed (no secrets).
	 */
	public function push(string $operation, string $domain, int $site_id, int $attempts, string $error): bool {
		if ($attempts >= $this->max_attempts()) {
			$this->discard($operation, $domain);
			return false;
		}
		$delay = (int) min(3600, 60 * (2 ** ($attempts - 1)));
		/**
		 * Seconds before the next attempt.
		 *
		 * @param int    $delay     Seconds.
		 * @param int    $attempts  Attempts made so far.
		 * @param string $operation Operation name.
		 */
		$delay = max(0, (int) apply_filters('wu_runcloud_retry_delay', $delay, $attempts, $operation));

		$entry = [
			'operation' => $operation,
			'domain'    => $domain,
			'site_id'   => $site_id,
			'attempts'  => $attempts,
			'next_at'   => time() + $delay,
			'error'     => $error,
		];
		$this->option->locked(
			function () use ($entry) {
				$queue = $this->all();
				$queue[ $this->key($entry['operation'], $entry['domain']) ] = $entry;
				$this->option->write($queue);
				$this->reschedule();
			}
		);
		return true;
	}

	/**
	 * Drops what is queued for a name (a newer operation on it went through).
	 *
	 * @param string $operation Operation name.
	 * @param string $domain    Normalised name, '' for the app certificate.
	 */
	public function discard(string $operation, string $domain): void {
		$this->option->locked(
			function () use ($operation, $domain) {
				$queue = $this->all();
				$key   = $this->key($operation, $domain);
				if (isset($queue[ $key ])) {
					unset($queue[ $key ]);
					$this->option->write($queue);
					$this->reschedule();
				}
			}
		);
	}

	/**
	 * Whether an operation on a name waits for a retry.
	 *
	 * @param string $operation Operation name.
	 * @param string $domain    Normalised name, '' for the app certificate.
	 */
	public function has(string $operation, string $domain): bool {
		$entry = $this->all()[ $this->key($operation, $domain) ] ?? null;
		return null !== $entry && $entry['operation'] === $operation;
	}

	/**
	 * Returns the entries that are due, oldest first, leasing them rather than
	 * removing them: each one stays queued until release() (or a newer push()
	 * or discard() for its name) settles it, so a process that dies halfway
	 * loses nothing. Schedules the next run for what is left.
	 *
	 * @return list<array{operation: string, domain: string, site_id: int, attempts: int, next_at: int, error: string, abandoned: bool}>
	 */
	public function take_due(): array {
		$due = $this->option->locked(
			function () {
				$queue = $this->all();
				$due   = [];
				foreach ($queue as $key => $entry) {
					if ((int) $entry['next_at'] > time()) {
						continue;
					}
					// A lease that ran out means the process running it died: that counts as an attempt.
					$entry['abandoned'] = ! empty($entry['leased']) && (int) $entry['attempts'] >= $this->max_attempts();
					$due[]              = $entry;
					$queue[ $key ]      = ['next_at' => time() + self::LEASE, 'leased' => true, 'attempts' => (int) $entry['attempts'] + 1] + $entry;
				}
				$this->option->write($queue);
				$this->reschedule();
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
	 * Settles an entry taken by take_due(): removes it unless the attempt
	 * queued it again (or a newer operation on its name replaced it).
	 *
	 * @param array{operation: string, domain: string} $entry The entry.
	 */
	public function release(array $entry): void {
		$this->option->locked(
			function () use ($entry) {
				$queue = $this->all();
				$key   = $this->key((string) $entry['operation'], (string) $entry['domain']);
				if (! empty($queue[ $key ]['leased'])) {
					unset($queue[ $key ]);
					$this->option->write($queue);
					$this->reschedule();
				}
			}
		);
	}

	/**
	 * Every queued entry, keyed by name.
	 *
	 * @return array<string, array{operation: string, domain: string, site_id: int, attempts: int, next_at: int, error: string}>
	 */
	public function all(): array {
		return $this->option->read();
	}

	/**
	 * Schedules a run for what is still queued (after a reactivation).
	 */
	public function resume(): void {
		$this->reschedule();
	}

	/**
	 * When the next retry run is due, or null.
	 */
	public function next_run(): ?int {
		return $this->scheduler->next(self::HOOK);
	}

	/**
	 * How many attempts an operation gets in all.
	 */
	private function max_attempts(): int {
		/**
		 * How many attempts an operation gets in all.
		 *
		 * @param int $max Attempts (default 5).
		 */
		return max(1, (int) apply_filters('wu_runcloud_retry_max_attempts', 5));
	}

	/**
	 * Schedules a run for the earliest entry left, or none when nothing is left.
	 */
	private function reschedule(): void {
		$next = null;
		foreach ($this->all() as $entry) {
			$next = null === $next ? (int) $entry['next_at'] : min($next, (int) $entry['next_at']);
		}
		if (null === $next) {
			$this->scheduler->cancel(self::HOOK);
			return;
		}
		$this->scheduler->replace(self::HOOK, $next);
	}

	/**
	 * One entry per name for adds and removes (the latest intent wins), and
	 * one per name for its certificate.
	 *
	 * @param string $operation Operation name.
	 * @param string $domain    Name or ''.
	 */
	private function key(string $operation, string $domain): string {
		return 'redeploy_ssl' === $operation ? self::SSL_KEY . $domain : $domain;
	}
}
