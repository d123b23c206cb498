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
	 * @var Scheduler
	 */
	private $scheduler;

	/**
	 * @param Scheduler $scheduler Scheduler.
	 */
	public function __construct(Scheduler $scheduler) {
		$this->scheduler = $scheduler;
	}

	/**
	 * Adds a name to the batch and (re)schedules the redeploy.
	 *
	 * @param string $domain Normalised name.
	 */
	public function request(string $domain): void {
		$state = $this->state();
		if (! in_array($domain, $state['domains'], true)) {
			$state['domains'][] = $domain;
		}
		if (0 === $state['since']) {
			$state['since'] = time();
		}
		update_network_option(null, self::OPTION, $state);

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

	/**
	 * Puts names back in the batch without scheduling a run: they wait for
	 * the retry of a failed redeploy, or for the next batch.
	 *
	 * @param list<string> $domains Normalised names.
	 */
	public function park(array $domains): void {
		if ([] === $domains) {
			return;
		}
		$state            = $this->state();
		$state['domains'] = array_values(array_unique(array_merge($state['domains'], $domains)));
		$state['since']   = $state['since'] ? $state['since'] : time();
		update_network_option(null, self::OPTION, $state);
	}

	/**
	 * Removes a name from the batch (it was removed from RunCloud meanwhile).
	 *
	 * @param string $domain Normalised name.
	 */
	public function drop(string $domain): void {
		$state = $this->state();
		$kept  = array_values(array_diff($state['domains'], [$domain]));
		if ($kept !== $state['domains']) {
			$state['domains'] = $kept;
			update_network_option(null, self::OPTION, $state);
		}
	}

	/**
	 * Takes the whole batch, leaving it empty.
	 *
	 * @return list<string>
	 */
	public function take(): array {
		$domains = $this->pending();
		delete_network_option(null, self::OPTION);
		return $domains;
	}

	/**
	 * The names waiting for the next redeploy.
	 *
	 * @return list<string>
	 */
	public function pending(): array {
		return $this->state()['domains'];
	}

	/**
	 * When the next redeploy runs, or null.
	 */
	public function next_run(): ?int {
		return $this->scheduler->next(self::HOOK);
	}

	/**
	 * @return array{since: int, domains: list<string>}
	 */
	private function state(): array {
		$state = get_network_option(null, self::OPTION, []);
		$state = is_array($state) ? $state : [];
		return [
			'since'   => isset($state['since']) ? (int) $state['since'] : 0,
			'domains' => isset($state['domains']) && is_array($state['domains']) ? array_values($state['domains']) : [],
		];
	}
}
