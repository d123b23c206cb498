<?php
/**
 * The web app's wildcard domains.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync;

use WuRunCloud\Plugin\Extension\Extension_Gateway;

defined('ABSPATH') || exit;

/**
 * Which wildcard domain of the web app serves a host. RunCloud's wildcard
 * "network.tld" serves one level below it. The wildcards come from the
 * network's view of the app (App_Domains), which every walk and add keeps
 * current: once the view has held the whole app, a check costs no request.
 *
 * Until then the view decides nothing: the paced walk that fills it is
 * asked for (it runs in the background, never inside a domain event), and
 * meanwhile RunCloud is asked about the one name that matters, the host's
 * parent, with one search request. An answer that cannot settle it (a
 * RunCloud that ignores the search on a list of several pages) is "no
 * wildcard known": the add goes ahead and RunCloud's own answer to it
 * counts. A queue runner or WP-CLI process lives longer than a page load:
 * the view is read again at most TTL seconds after this process last read it.
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
	 * Whether the view was whole when this process last looked (TTL).
	 *
	 * @var bool|null
	 */
	private $whole;

	/**
	 * @var int
	 */
	private $whole_at = 0;

	/**
	 * What RunCloud said of each parent asked about while the view is not
	 * whole: parent => wildcard or not.
	 *
	 * @var array<string, bool>
	 */
	private $asked = [];

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
	 * @param string $host    Normalised host.
	 * @param bool   $may_ask While the view is not whole, RunCloud may be
	 *                        asked (one request); without, the answer is
	 *                        null then: for listings of every name, which
	 *                        must not cost a request a name.
	 * @throws \WuRunCloud\RunCloudException When RunCloud cannot be read.
	 */
	public function covering(string $host, bool $may_ask = true): ?string {
		$parent = self::parent_of($host);
		if (null === $parent) {
			return null;
		}
		if (! $this->view_is_whole()) {
			return $may_ask && $this->asked_of_runcloud($parent) ? $parent : null;
		}
		return in_array($parent, $this->all(), true) ? $parent : null;
	}

	/**
	 * The name whose wildcard would serve $host: $host less its first label.
	 *
	 * @param string $host Normalised host.
	 */
	public static function parent_of(string $host): ?string {
		$dot = strpos($host, '.');
		return false === $dot || $dot === 0 || false === strpos($host, '.', $dot + 1) ? null : substr($host, $dot + 1);
	}

	/**
	 * Forgets what was read, so the next question reads the view again.
	 */
	public function forget(): void {
		$this->wildcards = null;
		$this->whole     = null;
		$this->asked     = [];
	}

	/**
	 * Whether the view has held the whole app, looked at once a TTL: a
	 * listing of every name asks it for each site's host.
	 */
	private function view_is_whole(): bool {
		if (null === $this->whole || time() - $this->whole_at > self::TTL) {
			$this->whole    = $this->app->is_whole();
			$this->whole_at = time();
		}
		return $this->whole;
	}

	/**
	 * @return list<string>
	 */
	private function all(): array {
		if (null === $this->wildcards || time() - $this->read_at > self::TTL) {
			$this->wildcards = $this->app->wildcards();
			$this->read_at   = time();
		}
		return $this->wildcards;
	}

	/**
	 * Whether RunCloud holds $parent as a wildcard domain, asked with one
	 * search; the parent, when shown, is kept in the view. Not found on a
	 * page that is not the only one counts as no wildcard known.
	 *
	 * @param string $parent Normalised name.
	 * @throws \WuRunCloud\RunCloudException When RunCloud cannot be read.
	 */
	private function asked_of_runcloud(string $parent): bool {
		if (! isset($this->asked[ $parent ])) {
			$page = $this->gateway->list_domains_page(1, $parent);
			$this->asked[ $parent ] = false;
			foreach ($page['domains'] as $domain) {
				if ($parent === $domain['name']) {
					$this->app->record($domain);
					$this->asked[ $parent ] = ! empty($domain['wildcard']);
				}
			}
		}
		return $this->asked[ $parent ];
	}
}
