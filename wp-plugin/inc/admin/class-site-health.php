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
use WuRunCloud\Plugin\Plugin;
use WuRunCloud\Plugin\Status\Domain_Status;
use WuRunCloud\Plugin\Status\Failure_Log;
use WuRunCloud\Plugin\Sync\Certificates\Certificate_Queue;
use WuRunCloud\Plugin\Sync\Certificates\Certificate_Step;
use WuRunCloud\Plugin\Sync\Domain_Sync_Service;
use WuRunCloud\Plugin\Sync\Name_Queue;
use WuRunCloud\Plugin\Ultimate_Multisite\Network;

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
	public function __construct(Extension_Gateway $gateway, Credentials $credentials, Domain_Sync_Service $service, Name_Queue $retries, Certificate_Queue $ssl) {
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
		$tests = is_array($tests) ? $tests : [];
		if (! self::applies_here()) {
			return $tests;
		}
		$tests['direct']['wu_runcloud_extension'] = [
			'label' => __('RunCloud extension', 'wu-runcloud'),
			'test'  => [$this, 'test_extension'],
		];
		$tests['direct']['wu_runcloud_constants'] = [
			'label' => __('RunCloud configuration', 'wu-runcloud'),
			'test'  => [$this, 'test_constants'],
		];
		$tests['direct']['wu_runcloud_certificate_dns'] = [
			'label' => __('RunCloud certificates and DNS', 'wu-runcloud'),
			'test'  => [$this, 'test_certificate_dns'],
		];
		$tests['direct']['wu_runcloud_certificate_ceiling'] = [
			'label' => __('RunCloud basic certificate size', 'wu-runcloud'),
			'test'  => [$this, 'test_certificate_ceiling'],
		];
		$tests['direct']['wu_runcloud_certificate_budgets'] = [
			'label' => __('RunCloud certificates and Let\'s Encrypt\'s budgets', 'wu-runcloud'),
			'test'  => [$this, 'test_certificate_budgets'],
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
	 * Do names hold a certificate back because their DNS does not point at
	 * the server? In basic SSL one such name holds the app's certificate back
	 * for every name; the fix is to unmap it or to move to advanced SSL, where
	 * only that name waits. Reads only what the certificate step recorded.
	 *
	 * @return array
	 */
	public function test_certificate_dns(): array {
		$blocking = $this->ssl->blocking();
		$overdue  = $this->ssl->overdue();
		$known    = get_network_option(null, Certificate_Step::MODE_OPTION, []);
		$basic    = ! is_array($known) || 'basic' === ($known['mode'] ?? 'basic');
		$mapped   = count((new Network())->mapped_domains());

		/**
		 * Customer domains past which a basic-SSL app is advised to move to advanced SSL.
		 *
		 * @param int $threshold Default 20.
		 */
		$threshold = (int) apply_filters('wu_runcloud_advanced_ssl_advice_threshold', 20);
		$advice    = $basic && $mapped > $threshold
			? '<p>' . esc_html(
				sprintf(
					/* translators: %d: number of mapped domains */
					__('This web app uses basic SSL: one certificate for all its %d customer domains, which fails for everybody while any one of them does not point at the server. Switch the web app to advanced SSL in RunCloud (one certificate per domain).', 'wu-runcloud'),
					$mapped
				)
			) . '</p>'
			: '';
		if ([] === $blocking) {
			return $this->result('wu_runcloud_certificate_dns', '' === $advice ? 'good' : 'recommended', __('No domain\'s DNS holds a RunCloud certificate back', 'wu-runcloud'), '' === $advice ? '<p>' . esc_html__('Every name checked before the last certificate order pointed at the server.', 'wu-runcloud') . '</p>' : $advice);
		}
		$items = '';
		foreach ($blocking as $name => $entry) {
			$items .= '<li>' . esc_html(
				sprintf(
					/* translators: 1: domain, 2: why, 3: since (date), 4: new or moved away */
					__('%1$s: %2$s (since %3$s, %4$s)', 'wu-runcloud'),
					$name,
					$entry['reason'],
					gmdate('Y-m-d H:i', $entry['since']) . ' UTC',
					$entry['moved'] ? __('its DNS moved away', 'wu-runcloud') : (isset($overdue[ $name ]) ? __('it has never pointed at the server', 'wu-runcloud') : __('new, its DNS may still be propagating', 'wu-runcloud'))
				)
			) . '</li>';
		}
		$fix = $basic
			? __('With basic SSL the web app\'s one certificate covers every domain, and Let\'s Encrypt refuses it while any of them does not point at the server, so no new domain gets a certificate meanwhile. Unmap the domains whose customers left, or switch the web app to advanced SSL in RunCloud, where only these domains wait.', 'wu-runcloud')
			: __('With advanced SSL only these domains wait; each gets its certificate once its DNS points at the server. Unmap the domains whose customers left.', 'wu-runcloud');
		return $this->result(
			'wu_runcloud_certificate_dns',
			[] === $overdue ? 'recommended' : 'critical',
			/* translators: %d: number of domains */
			sprintf(_n('%d domain\'s DNS does not point at the RunCloud server', '%d domains\' DNS does not point at the RunCloud server', count($blocking), 'wu-runcloud'), count($blocking)),
			'<ul>' . $items . '</ul><p>' . esc_html($fix) . '</p>' . $advice
		);
	}

	/**
	 * Does the app's basic certificate hold its names? Let's Encrypt puts at
	 * most 100 names in one certificate: recommended from 80, critical past
	 * 100 (no new name gets a certificate then). Read from what the plugin
	 * keeps, no request.
	 *
	 * @return array
	 */
	public function test_certificate_ceiling(): array {
		$ceiling = $this->service->basic_ceiling();
		if (null === $ceiling || 'good' === $ceiling['status']) {
			return $this->result(
				'wu_runcloud_certificate_ceiling',
				'good',
				__('The web app\'s certificates can cover its names', 'wu-runcloud'),
				'<p>' . esc_html(null === $ceiling ? __('The web app is not known to use basic SSL: each domain gets a certificate of its own.', 'wu-runcloud') : ucfirst($ceiling['message']) . '.') . '</p>'
			);
		}
		return $this->result(
			'wu_runcloud_certificate_ceiling',
			$ceiling['status'],
			'critical' === $ceiling['status']
				/* translators: 1: names on the web app, 2: the limit */
				? sprintf(__('The web app has %1$d names; one basic certificate holds at most %2$d', 'wu-runcloud'), $ceiling['names'], $ceiling['limit'])
				/* translators: 1: names on the web app, 2: the limit */
				: sprintf(__('The web app has %1$d names, close to the %2$d one basic certificate holds', 'wu-runcloud'), $ceiling['names'], $ceiling['limit']),
			'<p>' . esc_html(ucfirst($ceiling['message']) . '.') . '</p><p>' . esc_html__('Switch the web app to advanced SSL (a certificate per domain) in RunCloud or with wp runcloud ssl-mode advanced, or turn on AutoSSL where the RunCloud plan has it.', 'wu-runcloud') . '</p>'
		);
	}

	/**
	 * Do names wait for Let's Encrypt's budgets, and are site hosts close to
	 * the network's own registered domain's 50 new certificates a week
	 * (advanced SSL without a wildcard domain)? No request.
	 *
	 * @return array
	 */
	public function test_certificate_budgets(): array {
		$budgets = $this->service->certificate_budgets();
		$parts   = [];
		if ([] !== $budgets['waiting']) {
			$items = '';
			foreach (array_slice($budgets['waiting'], 0, 20, true) as $name => $until) {
				/* translators: 1: domain, 2: date and time */
				$items .= '<li>' . esc_html(sprintf(__('%1$s: goes after %2$s', 'wu-runcloud'), $name, gmdate('Y-m-d H:i', $until) . ' UTC')) . '</li>';
			}
			$parts[] = '<ul>' . $items . '</ul>';
		}
		$hosts = $budgets['site_hosts'];
		if (null !== $hosts && $hosts['issued'] >= Certificate_Step::SITE_HOSTS_WARNING) {
			$parts[] = '<p>' . esc_html(
				sprintf(
					/* translators: 1: certificates issued, 2: registered domain, 3: the weekly limit */
					__('%1$d new certificates were ordered under %2$s in the last 7 days; Let\'s Encrypt allows %3$d a week per registered domain, so new sites soon wait for a week. Add a wildcard domain for the network\'s domain to the web app in RunCloud, with a DNS-01 certificate through RunCloud\'s DNS integration: it covers every site host, and none needs an order of its own.', 'wu-runcloud'),
					$hosts['issued'],
					$hosts['domain'],
					$hosts['limit']
				)
			) . '</p>';
		}
		if ([] === $parts) {
			return $this->result('wu_runcloud_certificate_budgets', 'good', __('No certificate waits for Let\'s Encrypt\'s budgets', 'wu-runcloud'), '<p>' . esc_html__('Certificate orders are paced by Let\'s Encrypt\'s limits: 300 new orders per 3 hours, 50 new certificates per registered domain per 7 days.', 'wu-runcloud') . '</p>');
		}
		return $this->result(
			'wu_runcloud_certificate_budgets',
			'recommended',
			[] === $budgets['waiting']
				? __('Site hosts are close to Let\'s Encrypt\'s weekly budget', 'wu-runcloud')
				/* translators: %d: number of names */
				: sprintf(_n('%d name waits for Let\'s Encrypt\'s budgets', '%d names wait for Let\'s Encrypt\'s budgets', count($budgets['waiting']), 'wu-runcloud'), count($budgets['waiting'])),
			implode('', $parts)
		);
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
					_n('%1$s %2$s: %3$d attempt, last error: %4$s', '%1$s %2$s: %3$d attempts, last error: %4$s', (int) $entry['attempts'], 'wu-runcloud'),
					Settings_Page::operation_label((string) $entry['operation']),
					'' === $entry['domain'] ? __('(web app)', 'wu-runcloud') : $entry['domain'],
					$entry['attempts'],
					Failure::explain((string) $entry['error'], (int) $entry['next_at'])
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
	 * Tools > Site Health > Info: a RunCloud section, which "Copy site info
	 * to clipboard" carries into a support request. Names of constants only,
	 * never their values; no request to RunCloud.
	 *
	 * @param array $info Sections.
	 * @return array
	 */
	public function debug_information($info): array {
		$info   = is_array($info) ? $info : [];
		$config = $this->gateway->config();
		$set    = [];
		foreach ((array) ($config['constants'] ?? []) as $name => $is_set) {
			if ($is_set) {
				$set[] = (string) $name;
			}
		}
		if ([] === $set && [] === $config) {
			foreach (Credentials::all() as $name) {
				if ($this->credentials->has($name)) {
					$set[] = $name;
				}
			}
		}
		$counts = array_fill_keys(Domain_Status::STATES, 0);
		foreach ((new Domain_Status($this->service, $this->retries, $this->ssl))->all() as $row) {
			++$counts[ $row['state'] ];
		}
		$last     = Domain_Status::last_redeploy();
		$given_up = count((new Failure_Log(Plugin::instance()->logger()))->all());
		$queued   = $this->retries->all();
		$overdue  = count(
			array_filter(
				$queued,
				static function ($entry) {
					return Failure::is_overdue((int) $entry['next_at']);
				}
			)
		);
		$fields   = [
			'extension'   => ['label' => __('Extension version', 'wu-runcloud'), 'value' => $this->gateway->version() ?? __('not loaded', 'wu-runcloud')],
			'api_version' => ['label' => __('RunCloud API version', 'wu-runcloud'), 'value' => (string) ($config['api_version'] ?? '-')],
			'constants'   => ['label' => __('Constants set (names only)', 'wu-runcloud'), 'value' => [] === $set ? __('none', 'wu-runcloud') : implode(', ', $set)],
			'app'         => ['label' => __('Web app', 'wu-runcloud'), 'value' => sprintf('server %s, app %s', defined(Credentials::SERVER_ID) ? (string) constant(Credentials::SERVER_ID) : '-', defined(Credentials::APP_ID) ? (string) constant(Credentials::APP_ID) : '-')],
			'ssl_mode'    => ['label' => __('SSL mode (last redeploy)', 'wu-runcloud'), 'value' => null === $last ? __('unknown', 'wu-runcloud') : $last['mode'] . ', ' . $last['action']],
			'app_view'    => ['label' => __('Domains on RunCloud (kept view)', 'wu-runcloud'), 'value' => (string) $this->service->app_domains()->count(), 'debug' => $this->service->app_domains()->count()],
		];
		foreach ($counts as $state => $count) {
			/* translators: %s: a state (live, missing, waiting, extra, covered) */
			$fields[ 'names_' . $state ] = ['label' => sprintf(__('Names: %s', 'wu-runcloud'), $state), 'value' => (string) $count, 'debug' => $count];
		}
		$fields['pending']     = ['label' => __('Waiting for a retry', 'wu-runcloud'), 'value' => (string) count($queued), 'debug' => count($queued)];
		$fields['overdue']     = ['label' => __('Overdue', 'wu-runcloud'), 'value' => (string) $overdue, 'debug' => $overdue];
		$fields['certificate'] = ['label' => __('Waiting for a certificate redeploy', 'wu-runcloud'), 'value' => (string) count($this->ssl->pending()), 'debug' => count($this->ssl->pending())];
		$fields['given_up']    = ['label' => __('Given up', 'wu-runcloud'), 'value' => (string) $given_up, 'debug' => $given_up];
		$info['wu-runcloud'] = [
			'label'       => __('RunCloud for Ultimate Multisite', 'wu-runcloud'),
			'description' => __('The RunCloud integration\'s state. Constant names only, never their values.', 'wu-runcloud'),
			'fields'      => $fields,
		];
		return $info;
	}

	/**
	 * Operations given up on, until the network admin dismisses them.
	 *
	 * @return array
	 */
	public function test_given_up(): array {
		$failures = (new Failure_Log(Plugin::instance()->logger()))->all();
		if ([] === $failures) {
			return $this->result('wu_runcloud_given_up', 'good', __('No RunCloud operation was given up', 'wu-runcloud'), '<p>' . esc_html__('Every operation went through or waits for a retry.', 'wu-runcloud') . '</p>');
		}
		$items = '';
		foreach ($failures as $failure) {
			$items .= '<li>' . esc_html(
				sprintf(
					'%s %s: %s',
					Settings_Page::operation_label((string) $failure['operation']),
					'' === $failure['domain'] ? __('(web app)', 'wu-runcloud') : $failure['domain'],
					Failure::explain((string) $failure['error'])
				)
			) . '</li>';
		}
		$result            = $this->result(
			'wu_runcloud_given_up',
			'critical',
			/* translators: %d: number of operations */
			sprintf(_n('%d RunCloud operation was given up', '%d RunCloud operations were given up', count($failures), 'wu-runcloud'), count($failures)),
			'<ul>' . $items . '</ul>'
		);
		$result['actions'] = '<a href="' . esc_url(Settings_Page::url()) . '">' . esc_html__('See them and reconcile', 'wu-runcloud') . '</a>';
		return $result;
	}

	/**
	 * Adds the given-up test (kept apart from register_tests()).
	 *
	 * @param array $tests Site Health tests.
	 * @return array
	 */
	public function register_given_up_test($tests): array {
		$tests = is_array($tests) ? $tests : [];
		if (! self::applies_here()) {
			return $tests;
		}
		$tests['direct']['wu_runcloud_given_up'] = [
			'label' => __('RunCloud given-up operations', 'wu-runcloud'),
			'test'  => [$this, 'test_given_up'],
		];
		return $tests;
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
