<?php
/**
 * What the network wants on the web app.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync;

use WuRunCloud\InvalidDomainException;
use WuRunCloud\Plugin\Extension\Extension_Gateway;
use WuRunCloud\Plugin\Status\Logger;
use WuRunCloud\Plugin\Ultimate_Multisite\Network;

defined('ABSPATH') || exit;

/**
 * Reads, fresh each time, whether the network wants a name on the web app:
 * an active mapping Ultimate Multisite holds, or (subdomain networks) a live
 * site's host, with its www variant per the settings; a site's host that a
 * wildcard domain of the app serves needs nothing; the network's main domain
 * is never the integration's to manage.
 */
class Desired_State {

	const PRESENT = 'present';
	const ABSENT  = 'absent';
	const COVERED = 'covered';

	/**
	 * @var Network
	 */
	private $network;

	/**
	 * @var Extension_Gateway
	 */
	private $gateway;

	/**
	 * @var Wildcards
	 */
	private $wildcards;

	/**
	 * @var Logger
	 */
	private $logger;

	/**
	 * @param Network           $network   Network facts.
	 * @param Extension_Gateway $gateway   Normalises names.
	 * @param Wildcards         $wildcards The app's wildcard domains.
	 * @param Logger            $logger    Logger.
	 */
	public function __construct(Network $network, Extension_Gateway $gateway, Wildcards $wildcards, Logger $logger) {
		$this->network   = $network;
		$this->gateway   = $gateway;
		$this->wildcards = $wildcards;
		$this->logger    = $logger;
	}

	/**
	 * What the network wants for one name: state PRESENT (with site_id,
	 * source and www), COVERED (a wildcard serves it; wildcard names it) or
	 * ABSENT.
	 *
	 * @param string $name Normalised name, not the main domain.
	 * @return array{state: string, site_id: int, source: string, www: bool, wildcard: ?string}
	 * @throws \WuRunCloud\RunCloudException When the wildcards cannot be read.
	 */
	public function of(string $name): array {
		$site_id = $this->mapped_site($name);
		$source  = null === $site_id || $this->network->is_below_main_domain($name) ? 'subdomain' : 'domain';
		if (null === $site_id) {
			$site_id = $this->site_with_host($name);
		}
		if (null === $site_id) {
			return ['state' => self::ABSENT, 'site_id' => 0, 'source' => '', 'www' => false, 'wildcard' => null];
		}
		$wildcard = 'subdomain' === $source ? $this->wildcards->covering($name) : null;
		return [
			'state'    => null === $wildcard ? self::PRESENT : self::COVERED,
			'site_id'  => $site_id,
			'source'   => $source,
			'www'      => $this->www($name, $source),
			'wildcard' => $wildcard,
		];
	}

	/**
	 * Drops what this process keeps of the network in memory (the sites'
	 * and Ultimate Multisite's query caches), so the next read sees what
	 * another process changed meanwhile: a long-lived queue runner, or a name
	 * another process asked for while this one converged it.
	 */
	public function refresh(): void {
		if (function_exists('wp_cache_flush_runtime')) {
			wp_cache_flush_runtime();
		} elseif (! wp_using_ext_object_cache()) {
			wp_cache_flush();
		}
	}

	/**
	 * Every name the network wants on the app, by normalised name.
	 *
	 * @return array<string, array{site_id: int, source: string, www: bool}>
	 * @throws \WuRunCloud\RunCloudException When the wildcards cannot be read.
	 */
	public function all(): array {
		$wanted = [];
		foreach ($this->network->mapped_domains() as $name => $site_id) {
			$this->want($wanted, $name, $site_id, $this->network->is_below_main_domain(strtolower($name)) ? 'subdomain' : 'domain');
		}
		foreach ($this->network->site_hosts() as $host => $site_id) {
			$this->want($wanted, $host, $site_id, 'subdomain');
		}
		ksort($wanted);

		/**
		 * The names a reconcile makes sure the web app has.
		 *
		 * @param array<string, array{site_id: int, source: string, www: bool}> $wanted By normalised name.
		 */
		return (array) apply_filters('wu_runcloud_wanted_domains', $wanted);
	}

	/**
	 * The site of the active mapping of $name, or null.
	 *
	 * @param string $name Normalised name.
	 */
	private function mapped_site(string $name): ?int {
		if (! function_exists('wu_get_domains')) {
			return null;
		}
		// Ultimate Multisite's domain query filters by its "domain" column, which
		// holds the name as it was entered: an internationalised name may be
		// there in Unicode, so both forms are asked for. The names are compared
		// here as well, normalised.
		foreach (array_unique([$name, Extension_Gateway::to_unicode($name)]) as $stored) {
			foreach ((array) wu_get_domains(['domain' => $stored, 'active' => true, 'number' => 100]) as $domain) {
				if (is_object($domain) && method_exists($domain, 'get_domain') && method_exists($domain, 'get_site_id')
					&& $this->same((string) $domain->get_domain(), $name)) {
					return (int) $domain->get_site_id();
				}
			}
		}
		return null;
	}

	/**
	 * In a subdomain network, the live site whose host is $name, or null.
	 *
	 * @param string $name Normalised name.
	 */
	private function site_with_host(string $name): ?int {
		if (! is_multisite() || ! is_subdomain_install()) {
			return null;
		}
		$sites = get_sites(['network_id' => get_current_network_id(), 'domain' => $name, 'number' => 1, 'deleted' => 0, 'archived' => 0, 'spam' => 0]);
		return [] === $sites ? null : (int) $sites[0]->blog_id;
	}

	/**
	 * Whether a stored name is $name once normalised.
	 *
	 * @param string $stored Name as stored.
	 * @param string $name   Normalised name.
	 */
	private function same(string $stored, string $name): bool {
		$plain = rtrim(strtolower(trim($stored)), '.');
		if ($plain === $name) {
			return true;
		}
		if (preg_match('/^[a-z0-9.-]*$/', $plain)) {
			return false;
		}
		try {
			return $this->gateway->normalize($stored) === $name;
		} catch (InvalidDomainException $e) {
			return false;
		}
	}

	/**
	 * Whether a wanted name gets its www variant.
	 *
	 * @param string $name   Normalised name.
	 * @param string $source 'domain' or 'subdomain'.
	 */
	private function www(string $name, string $source): bool {
		if ('domain' === $source) {
			return $this->network->should_add_www($name);
		}
		/**
		 * Whether a site's host is added with its www variant (default no).
		 *
		 * @param bool   $www  The decision.
		 * @param string $name The host.
		 */
		return (bool) apply_filters('wu_runcloud_subdomain_www', false, $name);
	}

	/**
	 * Adds one name to the wanted list, normalised, unless it is invalid, the
	 * main domain, or (a site's host) served by a wildcard.
	 *
	 * @param array<string, array{site_id: int, source: string, www: bool}> $wanted  The list.
	 * @param string                                                         $name    Name as stored.
	 * @param int                                                            $site_id Site id.
	 * @param string                                                         $source  'domain' or 'subdomain'.
	 */
	private function want(array &$wanted, string $name, int $site_id, string $source): void {
		try {
			$name = $this->gateway->normalize($name);
		} catch (InvalidDomainException $e) {
			$this->logger->warning(sprintf('sync: %s (site %d) left out, not a valid domain name: %s', $name, $site_id, $e->getMessage()));
			return;
		}
		if (isset($wanted[ $name ]) || $this->network->is_main_domain($name) || ('subdomain' === $source && null !== $this->wildcards->covering($name, false))) {
			return;
		}
		$wanted[ $name ] = ['site_id' => $site_id, 'source' => $source, 'www' => $this->www($name, $source)];
	}
}
