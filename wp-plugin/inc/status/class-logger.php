<?php
/**
 * Log lines for the operator.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Status;

use WuRunCloud\Plugin\Extension\Credentials;
use WuRunCloud\Plugin\Extension\Target;

defined('ABSPATH') || exit;

/**
 * Writes to Ultimate Multisite's log channel integration-runcloud (its log
 * viewer shows it), or to PHP's error_log when Ultimate Multisite is absent.
 *
 * Lines say what was done, to which domain, and RunCloud's status and message.
 * Every line passes through redact(): no credential value and no PEM block can
 * reach a log, whatever a caller passes.
 */
class Logger {

	/** What stands in for a credential. */
	const REDACTED = '[redacted]';

	/** Shortest base64 run taken to stand for a secret: shorter ones would redact words. */
	const MIN_ENCODED_CHARS = 8;

	const CHANNEL = 'integration-runcloud';

	const INFO    = 'info';
	const NOTICE  = 'notice';
	const WARNING = 'warning';
	const ERROR   = 'error';

	/**
	 * @var Credentials
	 */
	private $credentials;

	/**
	 * @param Credentials $credentials Used to know which values to redact.
	 */
	/**
	 * What every line of this logger starts with: the web app, when it is
	 * not the primary one.
	 *
	 * @var string
	 */
	private $prefix = '';

	public function __construct(Credentials $credentials) {
		$this->credentials = $credentials;
	}

	/**
	 * The same logger, its lines saying which web app they are about (none
	 * for the primary app, whose lines read as they always did).
	 *
	 * @param Target $target The app.
	 */
	public function on(Target $target): self {
		$logger         = clone $this;
		$logger->prefix = $target->is_primary() ? '' : '[' . $target->key() . '] ';
		return $logger;
	}

	/**
	 * @param string $message Message.
	 */
	public function info(string $message): void {
		$this->log(self::INFO, $message);
	}

	/**
	 * @param string $message Message.
	 */
	public function warning(string $message): void {
		$this->log(self::WARNING, $message);
	}

	/**
	 * @param string $message Message.
	 */
	public function error(string $message): void {
		$this->log(self::ERROR, $message);
	}

	/**
	 * Writes one line at a level (a PSR-3 level name).
	 *
	 * @param string $level   Level.
	 * @param string $message Message.
	 */
	public function log(string $level, string $message): void {
		$message = $this->redact($this->prefix . $message);

		/**
		 * Fires for every line this plugin logs (already redacted).
		 *
		 * @param string $level   PSR-3 level name.
		 * @param string $message The line.
		 */
		do_action('wu_runcloud_log', $level, $message);

		if (function_exists('wu_log_add')) {
			wu_log_add(self::CHANNEL, $message, $level);
			return;
		}
		error_log(sprintf('[%s] %s: %s', self::CHANNEL, strtoupper($level), $message)); // phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log
	}

	/**
	 * Removes secrets and certificate or key material from a line.
	 *
	 * @param string $message The line.
	 */
	public function redact(string $message): string {
		$message = (string) preg_replace('/-----BEGIN [A-Z0-9 ]+-----.*?(-----END [A-Z0-9 ]+-----|$)/s', '[pem removed]', $message);
		// Invisible characters out first: a secret split by a soft hyphen is whole again.
		$message = Printable::text(str_replace(["\r", "\n"], ' ', $message));
		$forms   = [];
		foreach ($this->credentials->secret_values() as $secret) {
			if (strlen($secret) >= 4) {
				$forms = array_merge($forms, self::forms_of($secret));
			}
		}
		if ([] === $forms) {
			return $message;
		}
		$redacted = str_ireplace($forms, self::REDACTED, $message);
		if (false === strpos($redacted, '%')) {
			return $redacted;
		}
		// Percent-encoded: shown decoded only when decoding uncovers a secret.
		$decoded = Printable::text(rawurldecode($redacted));
		$again   = str_ireplace($forms, self::REDACTED, $decoded);
		return substr_count($again, self::REDACTED) > substr_count($decoded, self::REDACTED) ? $again : $redacted;
	}

	/**
	 * A secret and the base64 runs only its bytes make, at each of the three
	 * alignments it can have inside a longer encoded string (`key:secret`),
	 * standard and URL-safe, as the extension looks for them too.
	 *
	 * @param string $secret The secret.
	 * @return list<string>
	 */
	private static function forms_of(string $secret): array {
		$forms = [$secret];
		foreach ([0, 1, 2] as $offset) {
			$bytes    = str_repeat("\0", $offset) . $secret;
			$encoded  = rtrim(base64_encode($bytes), '=');
			$leading  = [0, 2, 3][ $offset ];
			$trailing = 0 === strlen($bytes) % 3 ? 0 : 1;
			$core     = substr($encoded, $leading, strlen($encoded) - $leading - $trailing);
			if (strlen($core) >= self::MIN_ENCODED_CHARS) {
				$forms[] = $core;
				$forms[] = strtr($core, '+/', '-_');
			}
		}
		return array_values(array_unique($forms));
	}
}
