<?php
/**
 * Work in the background, with room to wait out RunCloud's rate limit.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync;

defined('ABSPATH') || exit;

/**
 * A reconcile reads one page per 40 domains; at RunCloud's reported 60
 * requests a minute an app of a few thousand domains must wait for the next
 * minute, longer than a request may wait by default
 * (wu_runcloud.max_retry_wait). For work in the background (WP-CLI) the wait
 * is raised, and where the extension supports it a 429 waits for the next
 * window (wu_runcloud.pace_across_windows); the call's deadline
 * (wu_runcloud.deadline) is raised to match, so it does not cut those waits
 * off. Never for a page load, which should fail fast.
 */
class Background_Work {

	/**
	 * The longest deadline a background call gets, in seconds.
	 */
	const MAX_DEADLINE = 15 * MINUTE_IN_SECONDS;

	/**
	 * Runs $work with the extension's waits raised, and puts them back after.
	 *
	 * @template T
	 * @param callable(): T $work The work.
	 * @return T
	 */
	public function patiently(callable $work) {
		$wait    = $this->wait();
		$changed = $this->raise(
			[
				'wu_runcloud.max_retry_wait'      => $wait,
				'wu_runcloud.pace_across_windows' => 1,
				'wu_runcloud.deadline'            => $this->deadline($wait),
			]
		);
		try {
			return $work();
		} finally {
			foreach ($changed as $setting => $previous) {
				ini_set($setting, (string) $previous);
			}
		}
	}

	/**
	 * Seconds a request may wait for the rate limit.
	 */
	private function wait(): int {
		/**
		 * Seconds a request of background work may wait for RunCloud's rate limit.
		 *
		 * @param int $seconds Default 120.
		 */
		return max(0, (int) apply_filters('wu_runcloud_background_max_retry_wait', 120));
	}

	/**
	 * Seconds one request may take in all, its waits included: above the
	 * wait, and at most MAX_DEADLINE.
	 *
	 * @param int $wait The wait allowed.
	 */
	private function deadline(int $wait): int {
		$windows = 60 * max(0, (int) ini_get('wu_runcloud.max_retries'));
		/**
		 * Seconds one request of background work may take in all, its waits
		 * included (wu_runcloud.deadline, where the extension has one). Kept
		 * above the wait, and at most 15 minutes.
		 *
		 * @param int $seconds Default: the longest of the wait and a rate-limit
		 *                     window for each retry (wu_runcloud.max_retries),
		 *                     plus 60 s for the requests themselves.
		 * @param int $wait    The wait allowed (wu_runcloud_background_max_retry_wait).
		 */
		$deadline = (int) apply_filters('wu_runcloud_background_deadline', max($wait, $windows) + 60, $wait);
		return min(max($deadline, $wait + 30), self::MAX_DEADLINE);
	}

	/**
	 * Raises each setting the extension has to the value given, never
	 * lowering one already higher.
	 *
	 * @param array<string, int> $settings Setting => value.
	 * @return array<string, string> The settings changed => their previous value.
	 */
	private function raise(array $settings): array {
		$changed = [];
		foreach ($settings as $setting => $value) {
			$previous = ini_get($setting);
			if (false !== $previous && $value > (int) $previous && false !== ini_set($setting, (string) $value)) {
				$changed[ $setting ] = $previous;
			}
		}
		return $changed;
	}
}
