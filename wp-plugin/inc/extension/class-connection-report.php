<?php
/**
 * The answer to "test connection".
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Extension;

defined('ABSPATH') || exit;

/**
 * Whether RunCloud answered with the configured credentials and ids, a
 * translated sentence saying so (with RunCloud's own reason on failure), and on
 * success the web app's details.
 */
class Connection_Report {

	/**
	 * @var bool
	 */
	public $ok;

	/**
	 * @var string
	 */
	public $message;

	/**
	 * A short machine-readable reason: 'ok', 'extension_missing', 'not_configured',
	 * 'credentials', 'forbidden', 'not_found', 'rate_limited', 'runcloud_error',
	 * 'unreachable', 'invalid'.
	 *
	 * @var string
	 */
	public $reason;

	/**
	 * The web app's details on success (api_version, webapp_name, domain_count,
	 * ssl_mode, auto_ssl); on failure the HTTP status when there was one.
	 *
	 * @var array<string, mixed>
	 */
	public $details;

	/**
	 * @param bool                 $ok      Success.
	 * @param string               $reason  Reason code.
	 * @param string               $message Human sentence.
	 * @param array<string, mixed> $details Details.
	 */
	public function __construct(bool $ok, string $reason, string $message, array $details = []) {
		$this->ok      = $ok;
		$this->reason  = $reason;
		$this->message = $message;
		$this->details = $details;
	}

	/**
	 * As Ultimate Multisite 2.5+ expects from test_connection(): true or a WP_Error.
	 *
	 * @return true|\WP_Error
	 */
	public function to_wp_result() {
		return $this->ok ? true : new \WP_Error('wu_runcloud_' . $this->reason, $this->message, $this->details);
	}
}
