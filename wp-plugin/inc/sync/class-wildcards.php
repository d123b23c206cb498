<?php
/**
 * The web app's wildcard domains.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync;

use WuRunCloud\Plugin\Extension_Gateway;

defined('ABSPATH') || exit;

/**
 * Which wildcard domain of the web app serves a host. RunCloud's wildcard
 * "network.tld" serves one level below it. The list is read from RunCloud at
 * most once per TTL: a queue runner or WP-CLI process lives longer than a
 * page load, and a wildcard added meanwhile is noticed within that time.
 */
class Wildcards {

	const TTL = 60;

	/**
	 * @var Extension_Gateway
	 */
	private $gateway;

	/**
	 * @var list<string>|null
	 */
	private $wildcards;

	/**
	 * @var int
	 */
	private $read_at = 0;

	/**
	 * @param Extension_Gateway $gateway The extension.
	 */
	public function __construct(Extension_Gateway $gateway) {
		$this->gateway = $gateway;
	}

	/**
	 * The wildcard domain that serves $host, or null.
	 *
	 * @param string $host Normalised host.
	 * @throws \WuRunCloud\RunCloudException When RunCloud cannot be read.
	 */
	public function covering(string $host): ?string {
		foreach ($this->all() as $wildcard) {
			$suffix = '.' . $wildcard;
			if (strlen($host) > strlen($suffix) && substr($host, -strlen($suffix)) === $suffix
				&& false === strpos(substr($host, 0, -strlen($suffix)), '.')) {
				return $wildcard;
			}
		}
		return null;
	}

	/**
	 * Forgets what was read, so the next question reads RunCloud again.
	 */
	public function forget(): void {
		$this->wildcards = null;
	}

	/**
	 * @return list<string>
	 */
	private function all(): array {
		if (null === $this->wildcards || time() - $this->read_at > self::TTL) {
			$wildcards = [];
			foreach ($this->gateway->list_domains() as $domain) {
				if (! empty($domain['wildcard'])) {
					$wildcards[] = strtolower((string) $domain['name']);
				}
			}
			// Kept only once the whole list was read: a failed read is not "no wildcard".
			$this->wildcards = $wildcards;
			$this->read_at   = time();
		}
		return $this->wildcards;
	}
}
