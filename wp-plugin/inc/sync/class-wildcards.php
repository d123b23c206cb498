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
 * "network.tld" serves one level below it. The wildcards come from the
 * network's view of the app (App_Domains), which every listing, walk and
 * add keeps current: a check costs no request. Only while the view has
 * never held the whole app is RunCloud listed, once, to fill it. A queue
 * runner or WP-CLI process lives longer than a page load: the view is read
 * again at most TTL seconds after this process last read it.
 */
class Wildcards {

	const TTL = 60;

	/**
	 * @var Extension_Gateway
	 */
	private $gateway;

	/**
	 * @var App_Domains
	 */
	private $app;

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
	 * @param App_Domains       $app     The network's view of the app.
	 */
	public function __construct(Extension_Gateway $gateway, App_Domains $app) {
		$this->gateway = $gateway;
		$this->app     = $app;
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
	 * Forgets what was read, so the next question reads the view again.
	 */
	public function forget(): void {
		$this->wildcards = null;
	}

	/**
	 * @return list<string>
	 */
	private function all(): array {
		if (null === $this->wildcards || time() - $this->read_at > self::TTL) {
			if (null === $this->app->refreshed_at()) {
				// Kept only once the whole list was read: a failed read is not "no wildcard".
				$this->app->replace($this->gateway->list_domains());
			}
			$this->wildcards = $this->app->wildcards();
			$this->read_at   = time();
		}
		return $this->wildcards;
	}
}
