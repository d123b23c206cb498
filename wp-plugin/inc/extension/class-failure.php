<?php
/**
 * What an extension failure means, in words an operator can act on.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Extension;

use WuRunCloud\ApiException;
use WuRunCloud\ConfigurationException;
use WuRunCloud\InvalidDomainException;
use WuRunCloud\ProtectedDomainException;
use WuRunCloud\RunCloudException;
use WuRunCloud\TransportException;

defined('ABSPATH') || exit;

/**
 * The one place that turns the extension's exceptions into sentences: what
 * failed, RunCloud's reason, and which constant or setting to check, or that
 * waiting is enough. describe() gives the English line that logs and stored
 * records keep; explain() reads such a line back (or one of the older
 * "ApiException (HTTP 401) ..." shape) and says it in the admin's language.
 * No PHP class name ever reaches the operator.
 */
final class Failure {

	/**
	 * The failure as one English sentence, for a log or a stored record.
	 *
	 * @param RunCloudException $e The failure.
	 */
	public static function describe(RunCloudException $e): string {
		return self::render(self::parts($e), false);
	}

	/**
	 * A stored failure line in the admin's language, with what to do;
	 * $retry_at adds "retried at T" to a failure that passes by itself.
	 *
	 * @param string   $stored   A line describe() wrote (or an older one).
	 * @param int|null $retry_at When it is tried again, if it is.
	 */
	public static function explain(string $stored, ?int $retry_at = null): string {
		$parts = self::parse($stored);
		$text  = self::render($parts, true);
		if (null !== $retry_at && $retry_at > 0 && self::passes($parts)) {
			$text .= ' ' . self::retry_sentence($retry_at);
		}
		return $text;
	}

	/**
	 * "Nothing to do: tried again at T", or, when T is long past, that the
	 * queue does not run and what to check.
	 *
	 * @param int $retry_at When it was due.
	 */
	public static function retry_sentence(int $retry_at): string {
		if (self::is_overdue($retry_at)) {
			/* translators: %s: date and time */
			return sprintf(__('It was due at %s and has not run: nothing runs the queue. Check that WP-Cron runs (with DISABLE_WP_CRON set, a system cron must call wp cron event run --due-now) or press "Reconcile now".', 'wu-runcloud'), self::when($retry_at));
		}
		/* translators: %s: date and time */
		return sprintf(__('Nothing to do: it is retried at %s.', 'wu-runcloud'), self::when($retry_at));
	}

	/**
	 * Whether work due at $at is late enough that nothing seems to run it
	 * (a minute of grace for a cron that is merely slow).
	 *
	 * @param int $at When it was due.
	 */
	public static function is_overdue(int $at): bool {
		return $at > 0 && $at < time() - 60;
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

	/**
	 * The kind, HTTP status and reason of an exception.
	 *
	 * @param RunCloudException $e The failure.
	 * @return array{kind: string, status: int, reason: string}
	 */
	private static function parts(RunCloudException $e): array {
		$message = trim($e->getMessage());
		if ($e instanceof ApiException) {
			$status = (int) $e->getCode();
			return ['kind' => 'http', 'status' => $status, 'reason' => self::strip_status($message, $status)];
		}
		if ($e instanceof TransportException) {
			return ['kind' => 'transport:' . $e->getKind(), 'status' => 0, 'reason' => $message];
		}
		if ($e instanceof ConfigurationException) {
			return ['kind' => 'configuration', 'status' => 0, 'reason' => $message];
		}
		if ($e instanceof InvalidDomainException) {
			return ['kind' => 'invalid', 'status' => 0, 'reason' => $message];
		}
		if ($e instanceof ProtectedDomainException) {
			return ['kind' => 'protected', 'status' => 0, 'reason' => $message];
		}
		return ['kind' => 'other', 'status' => 0, 'reason' => $message];
	}

	/**
	 * Reads a stored line back into its parts: this class's sentences and the
	 * older "Kind (HTTP n) message" lines alike; anything else is kept as its
	 * reason.
	 *
	 * @param string $stored The line.
	 * @return array{kind: string, status: int, reason: string}
	 */
	private static function parse(string $stored): array {
		$stored = trim($stored);
		if (preg_match('/^RunCloud answered HTTP (\d{3}), "(.*)"/s', $stored, $m)) {
			return ['kind' => 'http', 'status' => (int) $m[1], 'reason' => $m[2]];
		}
		if (preg_match('/^RunCloud could not be reached \((\w+)\), "(.*)"/s', $stored, $m)) {
			return ['kind' => 'transport:' . $m[1], 'status' => 0, 'reason' => $m[2]];
		}
		if (preg_match('/^The plugin is not configured, "(.*)"/s', $stored, $m)) {
			return ['kind' => 'configuration', 'status' => 0, 'reason' => $m[1]];
		}
		if (preg_match('/^The name was refused before any request, "(.*)"/s', $stored, $m)) {
			return ['kind' => 'invalid', 'status' => 0, 'reason' => $m[1]];
		}
		if (preg_match('/^The web app\'s primary domain is never removed, "(.*)"/s', $stored, $m)) {
			return ['kind' => 'protected', 'status' => 0, 'reason' => $m[1]];
		}
		// Lines kept before this wording: "ApiException (HTTP 401) RunCloud API error 401: ...".
		if (preg_match('/^\w*Exception \(HTTP (\d{3})\) (.*)$/s', $stored, $m)) {
			return ['kind' => 'http', 'status' => (int) $m[1], 'reason' => self::strip_status($m[2], (int) $m[1])];
		}
		if (preg_match('/^TransportException (.*)$/s', $stored, $m)) {
			return ['kind' => 'transport:', 'status' => 0, 'reason' => $m[1]];
		}
		if (preg_match('/^ConfigurationException (.*)$/s', $stored, $m)) {
			return ['kind' => 'configuration', 'status' => 0, 'reason' => $m[1]];
		}
		if (preg_match('/^(InvalidDomain|ProtectedDomain|RunCloud)Exception (.*)$/s', $stored, $m)) {
			return ['kind' => 'InvalidDomain' === $m[1] ? 'invalid' : ('ProtectedDomain' === $m[1] ? 'protected' : 'other'), 'status' => 0, 'reason' => $m[2]];
		}
		return ['kind' => 'other', 'status' => 0, 'reason' => $stored];
	}

	/**
	 * The sentence for the parts: what failed, RunCloud's reason, what to do.
	 *
	 * @param array{kind: string, status: int, reason: string} $parts     The failure.
	 * @param bool                                             $translate In the admin's language, or English for a log.
	 */
	private static function render(array $parts, bool $translate): string {
		$t      = static function (string $text) use ($translate): string {
			// phpcs:ignore WordPress.WP.I18n.NonSingularStringLiteralText -- every literal passed here is also listed in strings() for the translators.
			return $translate ? __($text, 'wu-runcloud') : $text; // phpcs:ignore WordPress.WP.I18n
		};
		$reason = $parts['reason'];
		$status = $parts['status'];
		switch (true) {
			case 'http' === $parts['kind']:
				$head = sprintf($t('RunCloud answered HTTP %1$d, "%2$s":'), $status, $reason);
				return $head . ' ' . self::http_advice($status, $t);
			case 0 === strpos($parts['kind'], 'transport:'):
				$kind = substr($parts['kind'], strlen('transport:'));
				$head = sprintf($t('RunCloud could not be reached (%1$s), "%2$s":'), '' === $kind ? 'network' : $kind, $reason);
				return $head . ' ' . ('tls' === $kind
					? $t('the server does not trust RunCloud\'s certificate; check the system\'s CA certificates and WU_RUNCLOUD_API_URL.')
					: $t('this usually passes by itself; if it lasts, check the server\'s outgoing network, DNS and WU_RUNCLOUD_API_URL.'));
			case 'configuration' === $parts['kind']:
				return sprintf($t('The plugin is not configured, "%s": define the constants it names in wp-config.php (or fill them in the Ultimate Multisite integration wizard).'), $reason);
			case 'invalid' === $parts['kind']:
				return sprintf($t('The name was refused before any request, "%s": fix the mapped domain in Ultimate Multisite > Domains.'), $reason);
			case 'protected' === $parts['kind']:
				return sprintf($t('The web app\'s primary domain is never removed, "%s": nothing to do.'), $reason);
		}
		return $reason;
	}

	/**
	 * What to do about an HTTP status from RunCloud.
	 *
	 * @param int      $status HTTP status.
	 * @param callable $t      Translates or not.
	 */
	private static function http_advice(int $status, callable $t): string {
		if (401 === $status) {
			return $t('RunCloud did not accept the API credentials; check WU_RUNCLOUD_API_TOKEN (or WU_RUNCLOUD_API_KEY and WU_RUNCLOUD_API_SECRET) in wp-config.php, then Tools > Site Health.');
		}
		if (403 === $status) {
			return $t('the API key may not do this; check the key\'s permissions and that API access is enabled in RunCloud (Settings > API Key).');
		}
		if (404 === $status) {
			return $t('RunCloud does not know the server or web app; check WU_RUNCLOUD_SERVER_ID and WU_RUNCLOUD_APP_ID in wp-config.php.');
		}
		if (422 === $status) {
			return $t('RunCloud refused the name; it may be on another web app or not point at this server. Fix it in RunCloud or in Ultimate Multisite > Domains.');
		}
		if (429 === $status) {
			return $t('RunCloud\'s rate limit was reached (60 requests a minute); it passes by itself. If it recurs, other tools share the API key: give this network its own key.');
		}
		if ($status >= 500) {
			return $t('RunCloud had trouble on its side; it usually passes by itself.');
		}
		return $t('check the request in RunCloud\'s panel.');
	}

	/**
	 * Whether the failure passes by itself (tried again later).
	 *
	 * @param array{kind: string, status: int, reason: string} $parts The failure.
	 */
	private static function passes(array $parts): bool {
		return 0 === strpos($parts['kind'], 'transport:') || ('http' === $parts['kind'] && (429 === $parts['status'] || $parts['status'] >= 500));
	}

	/**
	 * RunCloud's own message without the extension's "RunCloud API error n:" prefix.
	 *
	 * @param string $message The message.
	 * @param int    $status  The status.
	 */
	private static function strip_status(string $message, int $status): string {
		return (string) preg_replace('/^RunCloud API error ' . $status . ':\s*/', '', $message);
	}

	/**
	 * A time in the site's format and time zone.
	 *
	 * @param int $timestamp Unix time.
	 */
	private static function when(int $timestamp): string {
		return (string) wp_date(get_option('date_format') . ' ' . get_option('time_format'), $timestamp);
	}

	/**
	 * The sentences render() translates, listed for the translation tools,
	 * which only see literal strings.
	 *
	 * @return list<string>
	 */
	public static function strings(): array {
		return [
			/* translators: 1: HTTP status, 2: RunCloud's message */
			__('RunCloud answered HTTP %1$d, "%2$s":', 'wu-runcloud'),
			/* translators: 1: what went wrong (dns, connect, tls, timeout...), 2: the message */
			__('RunCloud could not be reached (%1$s), "%2$s":', 'wu-runcloud'),
			__('the server does not trust RunCloud\'s certificate; check the system\'s CA certificates and WU_RUNCLOUD_API_URL.', 'wu-runcloud'),
			__('this usually passes by itself; if it lasts, check the server\'s outgoing network, DNS and WU_RUNCLOUD_API_URL.', 'wu-runcloud'),
			/* translators: %s: the message */
			__('The plugin is not configured, "%s": define the constants it names in wp-config.php (or fill them in the Ultimate Multisite integration wizard).', 'wu-runcloud'),
			/* translators: %s: the message */
			__('The name was refused before any request, "%s": fix the mapped domain in Ultimate Multisite > Domains.', 'wu-runcloud'),
			/* translators: %s: the message */
			__('The web app\'s primary domain is never removed, "%s": nothing to do.', 'wu-runcloud'),
			__('RunCloud did not accept the API credentials; check WU_RUNCLOUD_API_TOKEN (or WU_RUNCLOUD_API_KEY and WU_RUNCLOUD_API_SECRET) in wp-config.php, then Tools > Site Health.', 'wu-runcloud'),
			__('the API key may not do this; check the key\'s permissions and that API access is enabled in RunCloud (Settings > API Key).', 'wu-runcloud'),
			__('RunCloud does not know the server or web app; check WU_RUNCLOUD_SERVER_ID and WU_RUNCLOUD_APP_ID in wp-config.php.', 'wu-runcloud'),
			__('RunCloud refused the name; it may be on another web app or not point at this server. Fix it in RunCloud or in Ultimate Multisite > Domains.', 'wu-runcloud'),
			__('RunCloud\'s rate limit was reached (60 requests a minute); it passes by itself. If it recurs, other tools share the API key: give this network its own key.', 'wu-runcloud'),
			__('RunCloud had trouble on its side; it usually passes by itself.', 'wu-runcloud'),
			__('check the request in RunCloud\'s panel.', 'wu-runcloud'),
		];
	}
}
