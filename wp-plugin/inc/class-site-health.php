<?php
/**
 * Tools > Site Health tests.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin;

defined('ABSPATH') || exit;

/**
 * Four tests: the extension is loaded (and its version), the constants are set
 * (names only, never values), RunCloud answers (asynchronous: one request),
 * and nothing is waiting for a retry.
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
	 * @var Sync\Name_Queue
	 */
	private $retries;

	/**
	 * @var Sync\Certificate_Queue
	 */
	private $ssl;

	/**
	 * @param Extension_Gateway   $gateway     The extension.
	 * @param Credentials         $credentials Credentials.
	 * @param Domain_Sync_Service $service     The service.
	 * @param Sync\Name_Queue $retries     Retries.
	 * @param Sync\Certificate_Queue $ssl         Pending redeploy.
	 */
	public function __construct(Extension_Gateway $gateway, Credentials $credentials, Domain_Sync_Service $service, Sync\Name_Queue $retries, Sync\Certificate_Queue $ssl) {
		$this->gateway     = $gateway;
		$this->credentials = $credentials;
		$this->service     = $service;
		$this->retries     = $retries;
		$this->ssl         = $ssl;
	}

	/**
	 * Adds the tests.
	 *
	 * @param array $tests Site Health tests.
	 * @return array
	 */
	public function register_tests($tests): array {
		$tests                                   = is_array($tests) ? $tests : [];
		$tests['direct']['wu_runcloud_extension'] = [
			'label' => __('RunCloud extension', 'wu-runcloud'),
			'test'  => [$this, 'test_extension'],
		];
		$tests['direct']['wu_runcloud_constants'] = [
			'label' => __('RunCloud configuration', 'wu-runcloud'),
			'test'  => [$this, 'test_constants'],
		];
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
			return $this->result('wu_runcloud_extension', 'critical', __('The wu_runcloud PHP extension is not loaded', 'wu-runcloud'), Admin_Notices::extension_missing_html());
		}
		return $this->result(
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
			return $this->result(
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
		return $this->result(
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
			return $this->result('wu_runcloud_connection', 'good', __('RunCloud answers', 'wu-runcloud'), '<p>' . esc_html($report->message) . '</p>');
		}
		return $this->result('wu_runcloud_connection', 'critical', __('RunCloud cannot be reached with the configured credentials', 'wu-runcloud'), '<p>' . esc_html($report->message) . '</p>');
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
			return $this->result('wu_runcloud_retries', 'good', __('No RunCloud operation is waiting for a retry', 'wu-runcloud'), '<p>' . esc_html($text) . '</p>');
		}
		$items = '';
		foreach ($queued as $entry) {
			$items .= '<li>' . esc_html(
				sprintf(
					/* translators: 1: operation, 2: domain, 3: attempts, 4: error */
					__('%1$s %2$s: %3$d attempt(s), last error: %4$s', 'wu-runcloud'),
					$entry['operation'],
					'' === $entry['domain'] ? __('(web app)', 'wu-runcloud') : $entry['domain'],
					$entry['attempts'],
					$entry['error']
				)
			) . '</li>';
		}
		return $this->result(
			'wu_runcloud_retries',
			'recommended',
			/* translators: %d: number of operations */
			sprintf(_n('%d RunCloud operation is waiting for a retry', '%d RunCloud operations are waiting for a retry', count($queued), 'wu-runcloud'), count($queued)),
			'<ul>' . $items . '</ul>'
		);
	}

	/**
	 * @param string $test        Test id.
	 * @param string $status      good, recommended or critical.
	 * @param string $label       Label.
	 * @param string $description Escaped HTML.
	 * @return array
	 */
	private function result(string $test, string $status, string $label, string $description): array {
		return [
			'label'       => $label,
			'status'      => $status,
			'badge'       => [
				'label' => __('RunCloud', 'wu-runcloud'),
				'color' => 'good' === $status ? 'blue' : ('critical' === $status ? 'red' : 'orange'),
			],
			'description' => $description,
			'actions'     => '',
			'test'        => $test,
		];
	}
}
