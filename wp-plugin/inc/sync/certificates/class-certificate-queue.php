<?php
/**
 * Names waiting for a certificate redeploy.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync\Certificates;

use WuRunCloud\Plugin\Status\Logger;
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
 * Names whose certificate cannot be ordered yet (Certificates checks DNS and
 * Let's Encrypt's limits first) are held: no run is due for them before a
 * recheck, or before a name is asked for again (Ultimate Multisite saw its
 * DNS arrive). Every run takes the held names along. A name that is gone, or
 * whose certificate was ordered, leaves the names that hold a certificate
 * back (Blocking_Names) and Let's Encrypt's refusals (Refused_Names) too.
 *
 * Stored shape (network option wu_runcloud_ssl_pending):
 *   since    when the first waiting name came (0 when none waits)
 *   due      when the waiting names are redeployed
 *   domains  the waiting names
 *   leases   token => {names, until}: batches being redeployed
 *   attempts failed redeploys in a row, error: the last one's reason
 *            (redacted), next_at: no run before then
 *   held     name => {until, reason}: waiting for DNS or Let's Encrypt
 */
class Certificate_Queue {

	const HOOK   = 'wu_runcloud_redeploy_ssl';
	const OPTION = 'wu_runcloud_ssl_pending';

	/**
	 * Seconds a taken batch stays with its process.
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
	 * @var Blocking_Names
	 */
	private $blocking;

	/**
	 * @var Refused_Names
	 */
	private $refused;

	/**
	 * @param Scheduler      $scheduler Scheduler.
	 * @param Logger         $logger    Redacts the errors kept.
	 * @param Blocking_Names $blocking  The names whose DNS holds a certificate back.
	 * @param Refused_Names  $refused   The names Let's Encrypt refused this hour.
	 */
	public function __construct(Scheduler $scheduler, Logger $logger, Blocking_Names $blocking, Refused_Names $refused) {
		$this->scheduler = $scheduler;
		$this->logger    = $logger;
		$this->option    = new Shared_Option(self::OPTION);
		$this->blocking  = $blocking;
		$this->refused   = $refused;
	}

	/**
	 * Adds a name to the batch and (re)schedules the redeploy.
	 *
	 * @param string $domain Normalised name.
	 */
	public function request(string $domain): void {
		$this->change(
			static function (array $state) use ($domain) {
				if (! in_array($domain, $state['domains'], true)) {
					$state['domains'][] = $domain;
				}
				// Asked for again (its DNS may be ready now): it goes with this batch.
				unset($state['held'][ $domain ]);
				$state['since'] = $state['since'] ? $state['since'] : time();

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
				$state['due'] = min(time() + $delay, $state['since'] + $max_wait);
				return $state;
			}
		);
	}

	/**
	 * Takes the waiting names, and those of leases that ran out, under the
	 * lease $token.
	 *
	 * @param string $token The taker's lease token.
	 * @return list<string>
	 */
	public function take(string $token): array {
		return $this->option->locked(
			function () use ($token) {
				$state = $this->state();
				$names = array_merge($state['domains'], array_keys($state['held']));
				$state['held'] = [];
				foreach ($state['leases'] as $held => $lease) {
					if ($lease['until'] <= time()) {
						$names = array_merge($lease['names'], $names);
						unset($state['leases'][ $held ]);
					}
				}
				$names = array_values(array_unique(array_map('strval', $names)));
				if ([] === $names) {
					return [];
				}
				$state['leases'][ $token ] = ['names' => $names, 'until' => time() + self::LEASE];
				$state['domains']          = [];
				$state['since']            = 0;
				$state['due']              = 0;
				$this->save($state);
				return $names;
			}
		);
	}

	/**
	 * Ends the lease $token: its names are done (or were put back by failed()).
	 *
	 * @param string $token The lease token.
	 */
	public function done(string $token): void {
		$this->change(
			static function (array $state) use ($token) {
				unset($state['leases'][ $token ]);
				return $state;
			}
		);
	}

	/**
	 * A redeploy succeeded: the count of failures starts again.
	 */
	public function succeeded(): void {
		$this->change(
			static function (array $state) {
				$state['attempts'] = 0;
				$state['error']    = '';
				$state['next_at']  = 0;
				return $state;
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
		return $this->option->locked(
			function () use ($token, $names, $error, $max) {
				$state = $this->state();
				unset($state['leases'][ $token ]);
				$attempts = $state['attempts'] + 1;
				if ($attempts >= $max) {
					$state['attempts'] = 0;
					$state['error']    = '';
					$state['next_at']  = 0;
					$this->save($state);
					return 0;
				}
				/** This filter is documented in inc/sync/class-name-queue.php */
				$delay              = max(0, (int) apply_filters('wu_runcloud_retry_delay', (int) min(3600, 60 * (2 ** ($attempts - 1))), $attempts, 'redeploy_ssl'));
				$state['domains']   = array_values(array_unique(array_merge($names, $state['domains'])));
				$state['since']     = $state['since'] ? $state['since'] : time();
				$state['attempts']  = $attempts;
				$state['error']     = $this->logger->redact($error);
				$state['next_at']   = time() + $delay;
				$state['due']       = $state['next_at'];
				$this->save($state);
				return $attempts;
			}
		);
	}

	/**
	 * Takes names out of the batch and of every lease (removed from
	 * RunCloud, or settled by a reconcile).
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
			static function (array $state) use ($names, $was_blocking) {
				$state['domains'] = array_values(array_diff($state['domains'], $names));
				if ($was_blocking) {
					// A name that held the certificate back is gone (unmapped): the
					// names it held go with the next run, not at the next recheck.
					foreach ($state['held'] as $name => $held) {
						$state['held'][ $name ]['until'] = min($held['until'], time() + 30);
					}
				}
				$state['held'] = array_diff_key($state['held'], array_flip($names));
				foreach ($state['leases'] as $token => $lease) {
					$state['leases'][ $token ]['names'] = array_values(array_diff($lease['names'], $names));
				}
				return $state;
			}
		);
	}

	/**
	 * The names waiting for a redeploy (leased ones included).
	 *
	 * @return list<string>
	 */
	public function pending(): array {
		$state = $this->state();
		$names = [];
		foreach ($state['leases'] as $lease) {
			$names = array_merge($names, $lease['names']);
		}
		return array_values(array_unique(array_merge($names, $state['domains'], array_map('strval', array_keys($state['held'])))));
	}

	/**
	 * Failed redeploys in a row and the last one's reason ('' when none).
	 *
	 * @return array{attempts: int, error: string}
	 */
	public function failure(): array {
		$state = $this->state();
		return ['attempts' => $state['attempts'], 'error' => $this->logger->redact($state['error'])];
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
			static function (array $state) use ($token, $waiting, $until) {
				foreach ($waiting as $name => $reason) {
					$state['held'][ (string) $name ] = ['until' => $until, 'reason' => (string) $reason];
				}
				if (isset($state['leases'][ $token ])) {
					$state['leases'][ $token ]['names'] = array_values(array_diff($state['leases'][ $token ]['names'], array_keys($waiting)));
				}
				return $state;
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
			static function (array $state) use ($names) {
				$state['held'] = array_diff_key($state['held'], array_flip($names));
				return $state;
			}
		);
	}

	/**
	 * The names that hold a certificate back, for the operator's page and
	 * Site Health (Blocking_Names::all()).
	 *
	 * @return array<string, array{since: int, reason: string, moved: bool}>
	 */
	public function blocking(): array {
		return $this->blocking->all();
	}

	/**
	 * The blocking names overdue for the operator (Blocking_Names::overdue()).
	 *
	 * @return array<string, array{since: int, reason: string, moved: bool}>
	 */
	public function overdue(): array {
		return $this->blocking->overdue();
	}

	/**
	 * Seconds a blocking name may go on before it is overdue (Blocking_Names::overdue_after()).
	 */
	public static function overdue_after(): int {
		return Blocking_Names::overdue_after();
	}

	/**
	 * The names waiting because of them (or of Let's Encrypt's limits), with
	 * why and when they are checked again.
	 *
	 * @return array<string, array{until: int, reason: string}>
	 */
	public function held(): array {
		return $this->state()['held'];
	}

	/**
	 * When the next redeploy runs, or null.
	 */
	public function next_run(): ?int {
		return $this->scheduler->next(self::HOOK);
	}

	/**
	 * Schedules the run unless one is pending (after a reactivation).
	 */
	public function keep_scheduled(): void {
		if ([] !== $this->pending() && null === $this->scheduler->next(self::HOOK)) {
			$this->reschedule($this->state());
		}
	}

	/**
	 * Schedules the run, but not before $not_before (this process could not
	 * redeploy: give one that can a chance).
	 *
	 * @param int $not_before Unix time.
	 */
	public function postpone(int $not_before): void {
		$this->reschedule($this->state(), $not_before);
	}

	/**
	 * Cancels the scheduled run (deactivation); the names stay.
	 */
	public function unschedule(): void {
		$this->scheduler->cancel(self::HOOK);
	}

	/**
	 * @return array{since: int, due: int, domains: list<string>, leases: array<string, array{names: list<string>, until: int}>, attempts: int, error: string, next_at: int, held: array<string, array{until: int, reason: string}>}
	 */
	private function state(): array {
		$state  = $this->option->read();
		$leases = [];
		foreach ((array) ($state['leases'] ?? []) as $token => $lease) {
			if (is_array($lease) && isset($lease['names'], $lease['until'])) {
				$leases[ (string) $token ] = ['names' => array_values((array) $lease['names']), 'until' => (int) $lease['until']];
			}
		}
		return [
			'since'    => (int) ($state['since'] ?? 0),
			'due'      => (int) ($state['due'] ?? 0),
			'domains'  => isset($state['domains']) && is_array($state['domains']) ? array_values($state['domains']) : [],
			'leases'   => $leases,
			'attempts' => (int) ($state['attempts'] ?? 0),
			'error'    => (string) ($state['error'] ?? ''),
			'next_at'  => (int) ($state['next_at'] ?? 0),
			'held'     => $this->held_entries($state['held'] ?? []),
		];
	}

	/**
	 * The held names as stored, typed.
	 *
	 * @param mixed $stored What was stored.
	 * @return array<string, array{until: int, reason: string}>
	 */
	private function held_entries($stored): array {
		$held = [];
		foreach (is_array($stored) ? $stored : [] as $name => $entry) {
			if (is_array($entry)) {
				$held[ (string) $name ] = ['until' => (int) ($entry['until'] ?? 0), 'reason' => (string) ($entry['reason'] ?? '')];
			}
		}
		return $held;
	}

	/**
	 * Changes the state under its lock, on a fresh read.
	 *
	 * @param callable(array<string, mixed>): array<string, mixed> $change The change.
	 */
	private function change(callable $change): void {
		$this->option->locked(
			function () use ($change) {
				$before = $this->state();
				$after  = $change($before);
				if ($after !== $before) {
					$this->save($after);
				}
			}
		);
	}

	/**
	 * Stores the state (nothing at all once nothing waits) and schedules the
	 * run for the earliest of the batch and the leases' ends.
	 *
	 * @param array<string, mixed> $state The state.
	 */
	private function save(array $state): void {
		foreach ($state['leases'] as $token => $lease) {
			if ([] === $lease['names']) {
				unset($state['leases'][ $token ]);
			}
		}
		if ([] === $state['domains']) {
			$state['since'] = 0;
			$state['due']   = 0;
		}
		$idle = [] === $state['domains'] && [] === $state['leases'] && [] === $state['held'];
		$stored = $state;
		if ([] === $stored['held']) {
			unset($stored['held']);
		}
		$this->option->write($idle && 0 === $state['attempts'] ? [] : $stored);
		$this->reschedule($state);
	}

	/**
	 * @param array<string, mixed> $state      The state.
	 * @param int                  $not_before Unix time.
	 */
	private function reschedule(array $state, int $not_before = 0): void {
		$times = [];
		if ([] !== $state['domains']) {
			$times[] = max($state['due'], $state['next_at']);
		}
		foreach ($state['leases'] as $lease) {
			$times[] = $lease['until'];
		}
		foreach ($state['held'] as $held) {
			$times[] = $held['until'];
		}
		if ([] === $times) {
			$this->scheduler->cancel(self::HOOK);
			return;
		}
		$this->scheduler->replace(self::HOOK, max(min($times), $not_before));
	}
}
