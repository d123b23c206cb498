<?php
/**
 * Log lines for the operator.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin;

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
	public function __construct(Credentials $credentials) {
		$this->credentials = $credentials;
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
		$message = $this->redact($message);

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
		foreach ($this->credentials->secret_values() as $secret) {
			if (strlen($secret) >= 4) {
				$message = str_replace($secret, '[redacted]', $message);
			}
		}
		return str_replace(["\r", "\n"], ' ', $message);
	}
}
