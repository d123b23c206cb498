<?php
/**
 * Tools > Site Health tests.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Admin;

use WuRunCloud\Plugin\Extension\Credentials;
use WuRunCloud\Plugin\Extension\Extension_Gateway;
use WuRunCloud\Plugin\Extension\Failure;
use WuRunCloud\Plugin\Status\Failure_Log;
use WuRunCloud\Plugin\Status\Labels;
use WuRunCloud\Plugin\Sync\Certificates\Certificate_Queue;
use WuRunCloud\Plugin\Sync\Domain_Sync_Service;
use WuRunCloud\Plugin\Sync\Name_Queue;

defined('ABSPATH') || exit;

/**
 * Tools > Site Health tests, on the network's main site: the extension is
 * loaded (and its version), the constants are set (names only, never values),
 * RunCloud answers (asynchronous: one request), nothing is waiting for a
 * retry, nothing was given up on; and the certificate tests of
 * Certificate_Health.
 */
class Site_Health {

	const REST_NAMESPACE = 'wu-runcloud/v1';
	const REST_ROUTE     = '/site-health/connection';

	/**
	 * @var Extension_Gateway
	 */
	private $gateway;

	/**
	 * @var Credentials
	 */
	private $credentials;

	/**
	 * @var Domain_Sync_Service
	 */
	private $service;

	/**
	 * @var Name_Queue
	 */
	private $retries;

	/**
	 * @var Certificate_Queue
	 */
	private $ssl;

	/**
	 * @var Failure_Log
	 */
	private $failures;

	/**
	 * @var Certificate_Health
	 */
	private $certificates;

	/**
	 * @param Extension_Gateway   $gateway      The extension.
	 * @param Credentials         $credentials  Credentials.
	 * @param Domain_Sync_Service $service      Tests the connection.
	 * @param Name_Queue          $retries      Names waiting for a retry.
	 * @param Certificate_Queue   $ssl          Names waiting for a certificate.
	 * @param Failure_Log         $failures     Operations given up on.
	 * @param Certificate_Health  $certificates The certificate tests.
	 */
	public function __construct(Extension_Gateway $gateway, Credentials $credentials, Domain_Sync_Service $service, Name_Queue $retries, Certificate_Queue $ssl, Failure_Log $failures, Certificate_Health $certificates) {
		$this->gateway      = $gateway;
		$this->credentials  = $credentials;
		$this->service      = $service;
		$this->retries      = $retries;
		$this->ssl          = $ssl;
		$this->failures     = $failures;
		$this->certificates = $certificates;
	}

	/**
	 * Adds the tests.
	 *
	 * @param array $tests Site Health tests.
	 * @return array
	 */
	public function register_tests($tests): array {
		return self::add_where_they_apply(
			$tests,
			function (array $tests): array {
				$tests['direct']['wu_runcloud_extension'] = [
					'label' => __('RunCloud extension', 'wu-runcloud'),
					'test'  => [$this, 'test_extension'],
				];
				$tests['direct']['wu_runcloud_constants'] = [
					'label' => __('RunCloud configuration', 'wu-runcloud'),
					'test'  => [$this, 'test_constants'],
				];
				$tests['direct'] = array_merge($tests['direct'] ?? [], $this->certificates->tests());
				$tests['direct']['wu_runcloud_retries']   = [
					'label' => __('RunCloud pending retries', 'wu-runcloud'),
					'test'  => [$this, 'test_retries'],
				];
				$tests['async']['wu_runcloud_connection'] = [
					'label'             => __('RunCloud connection', 'wu-runcloud'),
					'test'              => rest_url(self::REST_NAMESPACE . self::REST_ROUTE),
					'has_rest'          => true,
					'async_direct_test' => [$this, 'test_connection'],
				];
				return $tests;
			}
		);
	}

	/**
	 * The filter's tests with ours added by $add, where they apply
	 * (applies_here()): every RunCloud test registers through this.
	 *
	 * @param mixed                  $tests Site Health tests, as the filter passes them.
	 * @param callable(array): array $add   Adds ours.
	 * @return array
	 */
	public static function add_where_they_apply($tests, callable $add): array {
		$tests = is_array($tests) ? $tests : [];
		return self::applies_here() ? $add($tests) : $tests;
	}

	/**
	 * Whether the network's RunCloud tests belong to the site at hand: the
	 * main site only. They describe the network, not a site, and WordPress
	 * runs every site's tests from that site's own weekly cron: on each
	 * subsite the connection test alone would cost RunCloud requests a week,
	 * drawn from the account's shared rate limit and monthly quota.
	 */
	private static function applies_here(): bool {
		return is_main_site();
	}

	/**
	 * The REST route the asynchronous connection test calls.
	 */
	public function register_routes(): void {
		register_rest_route(
			self::REST_NAMESPACE,
			self::REST_ROUTE,
			[
				'methods'             => 'GET',
				'callback'            => [$this, 'test_connection'],
				'permission_callback' => static function () {
					return current_user_can('view_site_health_checks');
				},
			]
		);
	}

	/**
	 * Is the extension loaded, and which version?
	 *
	 * @return array
	 */
	public function test_extension(): array {
		$version = $this->gateway->version();
		if (null === $version) {
			return Health_Result::make('wu_runcloud_extension', 'critical', __('The wu_runcloud PHP extension is not loaded', 'wu-runcloud'), Admin_Notices::extension_missing_html());
		}
		return Health_Result::make(
			'wu_runcloud_extension',
			'good',
			/* translators: %s: version */
			sprintf(__('The wu_runcloud PHP extension %s is loaded', 'wu-runcloud'), $version),
			'<p>' . esc_html__('Domain mapping events reach RunCloud through the native extension.', 'wu-runcloud') . '</p>'
		);
	}

	/**
	 * Are the constants set? Names only, never values.
	 *
	 * @return array
	 */
	public function test_constants(): array {
		if (! $this->credentials->is_complete()) {
			return Health_Result::make(
				'wu_runcloud_constants',
				'recommended',
				__('RunCloud is not configured', 'wu-runcloud'),
				'<p>' . esc_html(
					sprintf(
						/* translators: %s: constant names */
						__('Define these constants in wp-config.php: %s.', 'wu-runcloud'),
						implode(', ', $this->credentials->missing())
					)
				) . '</p>'
			);
		}
		$set = array_values(array_filter(Credentials::all(), [$this->credentials, 'has']));
		return Health_Result::make(
			'wu_runcloud_constants',
			'good',
			/* translators: %s: API version */
			sprintf(__('RunCloud credentials are set (API %s)', 'wu-runcloud'), $this->credentials->api_version()),
			'<p>' . esc_html(
				/* translators: %s: constant names */
				sprintf(__('Defined: %s.', 'wu-runcloud'), implode(', ', $set))
			) . '</p>'
		);
	}

	/**
	 * Does RunCloud answer?
	 *
	 * @return array
	 */
	public function test_connection(): array {
		$report = $this->service->test_connection();
		if ($report->ok) {
			return Health_Result::make('wu_runcloud_connection', 'good', __('RunCloud answers', 'wu-runcloud'), '<p>' . esc_html($report->message) . '</p>');
		}
		return Health_Result::make('wu_runcloud_connection', 'critical', __('RunCloud cannot be reached with the configured credentials', 'wu-runcloud'), '<p>' . esc_html($report->message) . '</p>');
	}

	/**
	 * Is anything waiting for a retry or a redeploy?
	 *
	 * @return array
	 */
	public function test_retries(): array {
		$queued  = $this->retries->all();
		$pending = $this->ssl->pending();
		if ([] === $queued) {
			$text = [] === $pending
				? __('No RunCloud operation is waiting.', 'wu-runcloud')
				/* translators: %d: number of domains */
				: sprintf(_n('%d domain waits for the next certificate redeploy.', '%d domains wait for the next certificate redeploy.', count($pending), 'wu-runcloud'), count($pending));
			return Health_Result::make('wu_runcloud_retries', 'good', __('No RunCloud operation is waiting for a retry', 'wu-runcloud'), '<p>' . esc_html($text) . '</p>');
		}
		$items = '';
		foreach ($queued as $entry) {
			$items .= '<li>' . esc_html(
				sprintf(
					/* translators: 1: operation, 2: domain, 3: attempts, 4: error */
					_n('%1$s %2$s: %3$d attempt, last error: %4$s', '%1$s %2$s: %3$d attempts, last error: %4$s', (int) $entry['attempts'], 'wu-runcloud'),
					Labels::operation((string) $entry['operation']),
					'' === $entry['domain'] ? __('(web app)', 'wu-runcloud') : $entry['domain'],
					$entry['attempts'],
					Failure::explain((string) $entry['error'], (int) $entry['next_at'])
				)
			) . '</li>';
		}
		return Health_Result::make(
			'wu_runcloud_retries',
			'recommended',
			/* translators: %d: number of operations */
			sprintf(_n('%d RunCloud operation is waiting for a retry', '%d RunCloud operations are waiting for a retry', count($queued), 'wu-runcloud'), count($queued)),
			'<ul>' . $items . '</ul>'
		);
	}

	/**
	 * Operations given up on, until the network admin dismisses them.
	 *
	 * @return array
	 */
	public function test_given_up(): array {
		$failures = $this->failures->all();
		if ([] === $failures) {
			return Health_Result::make('wu_runcloud_given_up', 'good', __('No RunCloud operation was given up', 'wu-runcloud'), '<p>' . esc_html__('Every operation went through or waits for a retry.', 'wu-runcloud') . '</p>');
		}
		$items = '';
		foreach ($failures as $failure) {
			$items .= '<li>' . esc_html(
				sprintf(
					'%s %s: %s',
					Labels::operation((string) $failure['operation']),
					Labels::domain((string) $failure['domain']),
					Failure::explain((string) $failure['error'])
				)
			) . '</li>';
		}
		$result            = Health_Result::make(
			'wu_runcloud_given_up',
			'critical',
			/* translators: %d: number of operations */
			sprintf(_n('%d RunCloud operation was given up', '%d RunCloud operations were given up', count($failures), 'wu-runcloud'), count($failures)),
			'<ul>' . $items . '</ul>'
		);
		$result['actions'] = '<a href="' . esc_url(Routes::url()) . '">' . esc_html__('See them and reconcile', 'wu-runcloud') . '</a>';
		return $result;
	}

	/**
	 * Adds the given-up test (kept apart from register_tests()).
	 *
	 * @param array $tests Site Health tests.
	 * @return array
	 */
	public function register_given_up_test($tests): array {
		return self::add_where_they_apply(
			$tests,
			function (array $tests): array {
				$tests['direct']['wu_runcloud_given_up'] = [
					'label' => __('RunCloud given-up operations', 'wu-runcloud'),
					'test'  => [$this, 'test_given_up'],
				];
				return $tests;
			}
		);
	}

}
