<?php
/**
 * Facts about the multisite network and Ultimate Multisite's settings.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Ultimate_Multisite;

use WuRunCloud\Plugin\Extension\Extension_Gateway;
use WuRunCloud\RunCloudException;

defined('ABSPATH') || exit;

/**
 * Answers the questions the service asks about the network: which names are
 * its main domain (never removed), and whether a mapped domain gets its www
 * variant (Ultimate Multisite's auto_create_www_subdomain setting).
 */
class Network {

	/**
	 * Knows the Public Suffix List.
	 *
	 * @var Extension_Gateway
	 */
	private $gateway;

	/**
	 * @param Extension_Gateway $gateway The extension.
	 */
	public function __construct(Extension_Gateway $gateway) {
		$this->gateway = $gateway;
	}

	/**
	 * The network's main domain(s), lowercase.
	 *
	 * @return list<string>
	 */
	public function main_domains(): array {
		$domains = [];
		if (function_exists('get_network') && is_multisite()) {
			$network = get_network();
			if ($network) {
				$domains[] = $network->domain;
			}
		}
		if (defined('DOMAIN_CURRENT_SITE')) {
			$domains[] = (string) constant('DOMAIN_CURRENT_SITE');
		}
		$domains = array_map(
			static function ($domain) {
				return rtrim(strtolower(trim((string) $domain)), '.');
			},
			$domains
		);
		return array_values(array_unique(array_filter($domains)));
	}

	/**
	 * The active mapped domains Ultimate Multisite holds, name => site id.
	 *
	 * @return array<string, int>
	 */
	public function mapped_domains(): array {
		$domains = [];
		foreach ($this->active_domains([]) as $domain) {
			if (method_exists($domain, 'get_domain') && method_exists($domain, 'get_site_id')) {
				$domains[ (string) $domain->get_domain() ] = (int) $domain->get_site_id();
			}
		}
		return $domains;
	}

	/**
	 * The active mapped domains whose Ultimate Multisite record still says
	 * checking-dns: Ultimate Multisite has not seen their DNS point at the
	 * network yet (it checks every dns_check_interval and fires
	 * wu_domain_manager_dns_propagation_finished once it has). Lowercase
	 * names, as stored; sites' hosts under the network's domain left out.
	 *
	 * @return list<string>
	 */
	public function domains_checking_dns(): array {
		$names = [];
		foreach ($this->active_domains(['stage' => 'checking-dns']) as $domain) {
			// The stage is checked here too: a query that ignores it still gives the right answer.
			if (method_exists($domain, 'get_stage') && 'checking-dns' === $domain->get_stage()) {
				$name = strtolower((string) $domain->get_domain());
				// A site's host under the network's own domain is served by the
				// network's DNS: it goes at once (Ultimate Multisite 2.5 keeps a
				// record for it too).
				if (! $this->is_below_main_domain($name)) {
					$names[] = $name;
				}
			}
		}
		return $names;
	}

	/**
	 * Ultimate Multisite's active domain records that match $query, read a
	 * page of 100 at a time; none without Ultimate Multisite.
	 *
	 * @param array<string, mixed> $query More of wu_get_domains()'s arguments.
	 * @return \Generator<int, object>
	 */
	private function active_domains(array $query): \Generator {
		if (! function_exists('wu_get_domains')) {
			return;
		}
		$page = 100;
		for ($offset = 0; ; $offset += $page) {
			$batch = (array) wu_get_domains(array_merge(['active' => true], $query, ['number' => $page, 'offset' => $offset]));
			foreach ($batch as $domain) {
				if (is_object($domain)) {
					yield $domain;
				}
			}
			if (count($batch) < $page) {
				return;
			}
		}
	}

	/**
	 * In a subdomain network, each site's host other than the main domain,
	 * host => site id; empty otherwise.
	 *
	 * @return array<string, int>
	 */
	public function site_hosts(): array {
		if (! is_multisite() || ! is_subdomain_install()) {
			return [];
		}
		$hosts = [];
		$sites = get_sites(['network_id' => get_current_network_id(), 'number' => 0, 'deleted' => 0, 'archived' => 0, 'spam' => 0]);
		foreach ($sites as $site) {
			if (! $this->is_main_domain(strtolower($site->domain))) {
				$hosts[ $site->domain ] = (int) $site->blog_id;
			}
		}
		return $hosts;
	}

	/**
	 * Whether a host is the network's main domain (or its www variant).
	 *
	 * @param string $host Normalised host.
	 */
	public function is_main_domain(string $host): bool {
		$host = strtolower($host);
		foreach ($this->main_domains() as $main) {
			if ($host === $main || 'www.' . $main === $host) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether a host lies below the network's main domain (a site's host in a
	 * subdomain network), www.{main} excepted.
	 *
	 * @param string $host Normalised host.
	 */
	public function is_below_main_domain(string $host): bool {
		foreach ($this->main_domains() as $main) {
			$suffix = '.' . $main;
			if ('www' . $suffix !== $host && strlen($host) > strlen($suffix) && substr($host, -strlen($suffix)) === $suffix) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether a mapped domain is added with its www variant, as Ultimate
	 * Multisite's "Create www subdomain" setting says (always, main_only, never).
	 *
	 * @param string $domain Normalised domain.
	 */
	public function should_add_www(string $domain): bool {
		if (0 === strpos($domain, 'www.')) {
			$www = false;
		} elseif (class_exists('\WP_Ultimo\Managers\Domain_Manager', false)
			&& method_exists('\WP_Ultimo\Managers\Domain_Manager', 'should_create_www_subdomain')
			&& method_exists('\WP_Ultimo\Managers\Domain_Manager', 'get_instance')) {
			$www = (bool) \WP_Ultimo\Managers\Domain_Manager::get_instance()->should_create_www_subdomain($domain);
		} else {
			$setting = function_exists('wu_get_setting') ? wu_get_setting('auto_create_www_subdomain', 'always') : 'always';
			switch ($setting) {
				case 'never':
					$www = false;
					break;
				case 'main_only':
					$www = $this->is_registrable_domain($domain);
					break;
				default:
					$www = true;
			}
		}

		/**
		 * Whether a mapped domain is added to RunCloud with its www variant.
		 *
		 * @param bool   $www    The decision.
		 * @param string $domain The domain.
		 */
		return (bool) apply_filters('wu_runcloud_add_www', $www, $domain);
	}

	/**
	 * Whether a name is a registrable domain ("example.com", "example.co.uk")
	 * rather than a subdomain of one.
	 *
	 * @param string $domain Normalised domain.
	 */
	public function is_registrable_domain(string $domain): bool {
		// The Public Suffix List, through the extension (the same list
		// Let's Encrypt's budgets are counted by).
		if ($this->gateway->is_available()) {
			try {
				return $this->gateway->registered_domain($domain) === $domain;
			} catch (RunCloudException $e) {
				return false;
			}
		}
		// Without the extension nothing reaches RunCloud anyway: a guess.
		return count(explode('.', $domain)) <= 2;
	}
}
