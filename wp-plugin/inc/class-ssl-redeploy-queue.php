<?php
/**
 * Coalesces certificate redeploys.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin;

defined('ABSPATH') || exit;

/**
 * Collects the names that need certificate coverage and schedules a single
 * redeploy a short delay after the last one, replacing the pending run: a burst
 * of twenty mappings costs one redeploy, not twenty (Let's Encrypt limits
 * duplicate certificates and failed validations per week and per hour).
 * A steady trickle cannot postpone the redeploy forever: it runs at the latest
 * max_wait seconds after the first name of the batch.
 */
class Ssl_Redeploy_Queue {

	const HOOK   = 'wu_runcloud_redeploy_ssl';
	const OPTION = 'wu_runcloud_ssl_pending';

	/**
	 * Seconds a taken batch stays leased: if the process redeploying it dies
	 * before done(), its names join the next batch after this long.
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
	 * Adds a name to the batch and (re)schedules the redeploy.
	 *
	 * @param string $domain Normalised name.
	 */
	public function request(string $domain): void {
		$this->option->locked(
			function () use ($domain) {
				$state = $this->state();
				if (! in_array($domain, $state['domains'], true)) {
					$state['domains'][] = $domain;
				}
				if (0 === $state['since']) {
					$state['since'] = time();
				}
				$this->save($state);

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
				$max_wait = max($delay, (int) apply_filters('wu_runcloud_ssl_redeploy_max_wait', 300));

				$this->scheduler->replace(self::HOOK, min(time() + $delay, $state['since'] + $max_wait));
			}
		);
	}

	/**
	 * Puts names back in the batch without scheduling a run: they wait for
	 * the retry of a failed redeploy, or for the next batch.
	 *
	 * @param list<string> $domains Normalised names.
	 */
	public function park(array $domains): void {
		$this->option->locked(
			function () use ($domains) {
				if ([] === $domains) {
					return;
				}
				$state            = $this->state();
				$state['domains'] = array_values(array_unique(array_merge($state['domains'], $domains)));
				$state['since']   = $state['since'] ? $state['since'] : time();
				$this->save($state);
			}
		);
	}

	/**
	 * Removes a name from the batch (it was removed from RunCloud meanwhile).
	 *
	 * @param string $domain Normalised name.
	 */
	public function drop(string $domain): void {
		$this->option->locked(
			function () use ($domain) {
				$state = $this->state();
				$kept  = array_values(array_diff($state['domains'], [$domain]));
				$away  = array_values(array_diff($state['in_flight'], [$domain]));
				if ($kept !== $state['domains'] || $away !== $state['in_flight']) {
					$state['domains']   = $kept;
					$state['in_flight'] = $away;
					$this->save($state);
				}
			}
		);
	}

	/**
	 * Takes the whole batch for a redeploy, leasing it: until done(), its
	 * names stay recorded as in flight, and a run is scheduled for when the
	 * lease ends. Names of a lease that ended (its process died) come along.
	 *
	 * @return list<string>
	 */
	public function take(): array {
		return $this->option->locked(
			function () {
				$state = $this->state();
				$names = $state['domains'];
				if ([] !== $state['in_flight'] && $state['until'] <= time()) {
					$names = array_values(array_unique(array_merge($state['in_flight'], $names)));
				}
				if ([] === $names) {
					return [];
				}
				$this->save(['since' => 0, 'domains' => [], 'in_flight' => $names, 'until' => time() + self::LEASE]);
				$this->scheduler->replace(self::HOOK, time() + self::LEASE);
				return $names;
			}
		);
	}

	/**
	 * Ends the lease of the batch taken last: the run kept for the lease is
	 * cancelled unless new names wait.
	 */
	public function done(): void {
		$this->option->locked(
			function () {
				$state = $this->state();
				if ([] === $state['in_flight']) {
					return;
				}
				$state['in_flight'] = [];
				$state['until']     = 0;
				$this->save($state);
				if ([] === $state['domains']) {
					$this->scheduler->cancel(self::HOOK);
				}
			}
		);
	}

	/**
	 * The names waiting for a redeploy (in flight included).
	 *
	 * @return list<string>
	 */
	public function pending(): array {
		$state = $this->state();
		return array_values(array_unique(array_merge($state['in_flight'], $state['domains'])));
	}

	/**
	 * Schedules a redeploy for names still waiting (after a reactivation).
	 */
	public function resume(): void {
		if ([] !== $this->pending() && null === $this->next_run()) {
			$this->scheduler->replace(self::HOOK, time());
		}
	}

	/**
	 * When the next redeploy runs, or null.
	 */
	public function next_run(): ?int {
		return $this->scheduler->next(self::HOOK);
	}

	/**
	 * @return array{since: int, domains: list<string>, in_flight: list<string>, until: int}
	 */
	private function state(): array {
		$state = $this->option->read();
		$list  = static function ($key) use ($state) {
			return isset($state[ $key ]) && is_array($state[ $key ]) ? array_values($state[ $key ]) : [];
		};
		return [
			'since'     => isset($state['since']) ? (int) $state['since'] : 0,
			'domains'   => $list('domains'),
			'in_flight' => $list('in_flight'),
			'until'     => isset($state['until']) ? (int) $state['until'] : 0,
		];
	}

	/**
	 * Stores the state; nothing at all once nothing waits.
	 *
	 * @param array{since: int, domains: list<string>, in_flight: list<string>, until: int} $state The state.
	 */
	private function save(array $state): void {
		$this->option->write([] === $state['domains'] && [] === $state['in_flight'] ? [] : $state);
	}
}
