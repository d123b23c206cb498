<?php
/**
 * "Test connection".
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Extension;

use WuRunCloud\ApiException;
use WuRunCloud\ConfigurationException;
use WuRunCloud\Plugin\Status\Logger;
use WuRunCloud\RunCloudException;
use WuRunCloud\TransportException;

defined('ABSPATH') || exit;

/**
 * Asks RunCloud whether the credentials and ids are right, and turns the
 * answer into a sentence for the operator: the web app's details on success,
 * what to check and RunCloud's own words on failure.
 */
class Connection_Tester {

	/**
	 * @var Extension_Gateway
	 */
	private $gateway;

	/**
	 * @var Credentials
	 */
	private $credentials;

	/**
	 * @var Logger
	 */
	private $logger;

	/**
	 * @param Extension_Gateway $gateway     The extension.
	 * @param Credentials       $credentials Credentials.
	 * @param Logger            $logger      Logger.
	 */
	public function __construct(Extension_Gateway $gateway, Credentials $credentials, Logger $logger) {
		$this->gateway     = $gateway;
		$this->credentials = $credentials;
		$this->logger      = $logger;
	}

	/**
	 * Runs the test.
	 */
	public function test(): Connection_Report {
		if (! $this->gateway->is_available()) {
			return new Connection_Report(false, 'extension_missing', __('The wu_runcloud PHP extension is not loaded in this PHP, so RunCloud cannot be reached. Install and enable it, then test again.', 'wu-runcloud'));
		}
		if (! $this->credentials->is_complete()) {
			return new Connection_Report(
				false,
				'not_configured',
				sprintf(
					/* translators: %s: names of missing constants */
					__('RunCloud is not configured: define %s in wp-config.php.', 'wu-runcloud'),
					implode(', ', $this->credentials->missing())
				)
			);
		}
		try {
			$details = $this->gateway->test_connection();
		} catch (RunCloudException $e) {
			return $this->failure($e);
		} catch (Extension_Missing_Exception $e) {
			return new Connection_Report(false, 'extension_missing', $e->getMessage());
		}
		return $this->success($details);
	}

	/**
	 * A passed test, naming the web app.
	 *
	 * @param array<string, mixed> $details The extension's answer.
	 */
	private function success(array $details): Connection_Report {
		$message = sprintf(
			/* translators: 1: web app name, 2: API version, 3: number of domains, 4: SSL mode */
			__('Connected to the RunCloud web app "%1$s" (API %2$s): %3$d domains, %4$s SSL.', 'wu-runcloud'),
			$details['webapp_name'],
			$details['api_version'],
			(int) $details['domain_count'],
			'advanced' === $details['ssl_mode'] ? __('advanced', 'wu-runcloud') : __('basic', 'wu-runcloud')
		);
		if (! empty($details['auto_ssl'])) {
			$message .= ' ' . __('AutoSSL is on.', 'wu-runcloud');
		}
		$this->logger->info(sprintf('test_connection: OK, web app "%s", API %s, %d domains, %s SSL', $details['webapp_name'], $details['api_version'], (int) $details['domain_count'], $details['ssl_mode']));
		return new Connection_Report(true, 'ok', $message, $details);
	}

	/**
	 * A failed test, with what to check and RunCloud's own message.
	 *
	 * @param RunCloudException $e The failure.
	 */
	private function failure(RunCloudException $e): Connection_Report {
		$status = $e instanceof ApiException ? (int) $e->getCode() : 0;
		list($reason, $hint) = $this->reason_and_hint($e, $status);
		$this->logger->error(sprintf('test_connection: failed: %s', Failure::describe($e)));
		/* translators: 1: what to check, 2: RunCloud's own message */
		$message = sprintf(__('%1$s RunCloud said: %2$s', 'wu-runcloud'), $hint, $this->logger->redact($e->getMessage()));
		return new Connection_Report(false, $reason, $message, $status ? ['status' => $status] : []);
	}

	/**
	 * A short reason code and what the operator should check.
	 *
	 * @param RunCloudException $e      The failure.
	 * @param int               $status RunCloud's HTTP status, 0 without one.
	 * @return array{0: string, 1: string}
	 */
	private function reason_and_hint(RunCloudException $e, int $status): array {
		if ($e instanceof ConfigurationException) {
			return ['not_configured', __('Check the WU_RUNCLOUD_* constants in wp-config.php.', 'wu-runcloud')];
		}
		if ($e instanceof TransportException) {
			return ['unreachable', __('RunCloud could not be reached from this server; check its network access and WU_RUNCLOUD_API_URL if you set it.', 'wu-runcloud')];
		}
		switch (true) {
			case 401 === $status:
				return [
					'credentials',
					'v3' === $this->credentials->api_version()
						? __('RunCloud rejected the credentials: check WU_RUNCLOUD_API_TOKEN.', 'wu-runcloud')
						: __('RunCloud rejected the credentials: check WU_RUNCLOUD_API_KEY and WU_RUNCLOUD_API_SECRET.', 'wu-runcloud'),
				];
			case 403 === $status:
				return ['forbidden', __('RunCloud refused access: API access needs a Business or Enterprise plan, and the credentials need permission for this server.', 'wu-runcloud')];
			case 404 === $status:
				return [
					'not_found',
					sprintf(
						/* translators: 1: server id, 2: web app id */
						__('RunCloud does not know server %1$s or web app %2$s under these credentials: check WU_RUNCLOUD_SERVER_ID and WU_RUNCLOUD_APP_ID.', 'wu-runcloud'),
						defined('WU_RUNCLOUD_SERVER_ID') ? (string) constant('WU_RUNCLOUD_SERVER_ID') : '?',
						defined('WU_RUNCLOUD_APP_ID') ? (string) constant('WU_RUNCLOUD_APP_ID') : '?'
					),
				];
			case 429 === $status:
				return ['rate_limited', __('RunCloud\'s rate limit or your plan\'s API quota was reached; try again later.', 'wu-runcloud')];
			case $status >= 500:
				return ['runcloud_error', __('RunCloud had a problem on its side; try again later.', 'wu-runcloud')];
			default:
				return ['invalid', __('RunCloud did not accept the request.', 'wu-runcloud')];
		}
	}
}
