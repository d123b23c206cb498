<?php
/**
 * Site Health tests of the network's certificates.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Admin;

use WuRunCloud\Plugin\Sync\Certificates\Blocking_Names;
use WuRunCloud\Plugin\Sync\Certificates\Certificate_Step;
use WuRunCloud\Plugin\Sync\Domain_Sync_Service;
use WuRunCloud\Plugin\Ultimate_Multisite\Network;

defined('ABSPATH') || exit;

/**
 * Tools > Site Health, for certificates: names whose DNS holds a certificate
 * back, a basic certificate near its 100 names, Let's Encrypt's budgets.
 * Each reads what the certificate step recorded, never RunCloud.
 */
class Certificate_Health {

	/**
	 * @var Blocking_Names
	 */
	private $blocking;

	/**
	 * @var Domain_Sync_Service
	 */
	private $service;

	/**
	 * @var Network
	 */
	private $network;

	/**
	 * @param Blocking_Names      $blocking The names whose DNS holds a certificate back.
	 * @param Domain_Sync_Service $service The certificate step's figures.
	 * @param Network             $network The network's mapped domains.
	 */
	public function __construct(Blocking_Names $blocking, Domain_Sync_Service $service, Network $network) {
		$this->blocking = $blocking;
		$this->service = $service;
		$this->network = $network;
	}

	/**
	 * The tests, for Site_Health::register_tests().
	 *
	 * @return array<string, array{label: string, test: callable}>
	 */
	public function tests(): array {
		return [
			'wu_runcloud_certificate_dns'     => [
				'label' => __('RunCloud certificates and DNS', 'wu-runcloud'),
				'test'  => [$this, 'test_certificate_dns'],
			],
			'wu_runcloud_certificate_ceiling' => [
				'label' => __('RunCloud basic certificate size', 'wu-runcloud'),
				'test'  => [$this, 'test_certificate_ceiling'],
			],
			'wu_runcloud_certificate_budgets' => [
				'label' => __('RunCloud certificates and Let\'s Encrypt\'s budgets', 'wu-runcloud'),
				'test'  => [$this, 'test_certificate_budgets'],
			],
		];
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
		$blocking = $this->blocking->all();
		$overdue  = $this->blocking->overdue();
		$known    = get_network_option(null, Certificate_Step::MODE_OPTION, []);
		$basic    = ! is_array($known) || 'basic' === ($known['mode'] ?? 'basic');
		$mapped   = count($this->network->mapped_domains());

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
			return Health_Result::make('wu_runcloud_certificate_dns', '' === $advice ? 'good' : 'recommended', __('No domain\'s DNS holds a RunCloud certificate back', 'wu-runcloud'), '' === $advice ? '<p>' . esc_html__('Every name checked before the last certificate order pointed at the server.', 'wu-runcloud') . '</p>' : $advice);
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
		return Health_Result::make(
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
			return Health_Result::make(
				'wu_runcloud_certificate_ceiling',
				'good',
				__('The web app\'s certificates can cover its names', 'wu-runcloud'),
				'<p>' . esc_html(null === $ceiling ? __('The web app is not known to use basic SSL: each domain gets a certificate of its own.', 'wu-runcloud') : ucfirst($ceiling['message']) . '.') . '</p>'
			);
		}
		return Health_Result::make(
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
			return Health_Result::make('wu_runcloud_certificate_budgets', 'good', __('No certificate waits for Let\'s Encrypt\'s budgets', 'wu-runcloud'), '<p>' . esc_html__('Certificate orders are paced by Let\'s Encrypt\'s limits: 300 new orders per 3 hours, 50 new certificates per registered domain per 7 days.', 'wu-runcloud') . '</p>');
		}
		return Health_Result::make(
			'wu_runcloud_certificate_budgets',
			'recommended',
			[] === $budgets['waiting']
				? __('Site hosts are close to Let\'s Encrypt\'s weekly budget', 'wu-runcloud')
				/* translators: %d: number of names */
				: sprintf(_n('%d name waits for Let\'s Encrypt\'s budgets', '%d names wait for Let\'s Encrypt\'s budgets', count($budgets['waiting']), 'wu-runcloud'), count($budgets['waiting'])),
			implode('', $parts)
		);
	}
}
