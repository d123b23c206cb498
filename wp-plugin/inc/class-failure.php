<?php
/**
 * What an extension failure means.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin;

use WuRunCloud\ApiException;
use WuRunCloud\RunCloudException;
use WuRunCloud\TransportException;

defined('ABSPATH') || exit;

/**
 * Reads the extension's exceptions: one line for a log, and whether trying
 * again later may succeed.
 */
final class Failure {

	/**
	 * The exception kind, RunCloud's HTTP status and message, on one line.
	 *
	 * @param RunCloudException $e The failure.
	 */
	public static function describe(RunCloudException $e): string {
		$kind = substr((string) strrchr('\\' . get_class($e), '\\'), 1);
		if ($e instanceof ApiException) {
			return sprintf('%s (HTTP %d) %s', $kind, $e->getCode(), $e->getMessage());
		}
		return sprintf('%s %s', $kind, $e->getMessage());
	}

	/**
	 * Whether the failure may pass: network trouble, a rate limit or a
	 * RunCloud-side error (the extension's own judgement of the status).
	 *
	 * @param RunCloudException $e The failure.
	 */
	public static function may_pass(RunCloudException $e): bool {
		return $e instanceof TransportException || ($e instanceof ApiException && $e->isRetryable());
	}

	/**
	 * Whether RunCloud may have carried the request out although the answer
	 * says it failed: the answer was lost (a timeout, a cut connection, an
	 * unreadable body), RunCloud broke down while handling it (500) or its
	 * gateway gave up waiting for it (502, 504). A refused connection or
	 * certificate, a rate limit or 503 (refused before any work) mean nothing
	 * was done.
	 *
	 * @param RunCloudException $e The failure.
	 */
	public static function outcome_unknown(RunCloudException $e): bool {
		if ($e instanceof TransportException) {
			return in_array($e->getKind(), ['timeout', 'reset', 'response'], true);
		}
		return $e instanceof ApiException && in_array((int) $e->getCode(), [500, 502, 504], true);
	}
}
