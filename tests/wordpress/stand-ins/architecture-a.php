<?php
/**
 * TEST STAND-IN, written for this project's tests: Ultimate Multisite's
 * host provider architecture (up to 2.4.x) as its documentation describes it:
 * the built-in RunCloud provider over the base class in host-provider-base.php.
 * Not Ultimate Multisite's code.
 *
 * @package WuRunCloud\Tests
 */

namespace WP_Ultimo\Integrations\Host_Providers;

/**
 * Stand-in for the built-in RunCloud provider: records the calls it gets, so
 * the tests can see whether it still receives the events (it must not once
 * ours has taken over, and must when the extension is missing).
 */
class Runcloud_Host_Provider extends Base_Host_Provider {

	use \WP_Ultimo\Traits\Singleton;

	/**
	 * @var list<array{0: string, 1: string, 2: int}>
	 */
	public static $calls = [];

	/**
	 * @var string
	 */
	protected $id = 'runcloud';

	/**
	 * @var string
	 */
	protected $title = 'RunCloud';

	/**
	 * @var array
	 */
	protected $constants = ['WU_RUNCLOUD_API_TOKEN', 'WU_RUNCLOUD_SERVER_ID', 'WU_RUNCLOUD_APP_ID'];

	/**
	 * @return bool
	 */
	public function detect() {
		return false;
	}

	/**
	 * Stand-in: setup as the built-in one checks it, but tests also run it with key and secret.
	 */
	public function is_setup() {
		return defined('WU_RUNCLOUD_SERVER_ID') && defined('WU_RUNCLOUD_APP_ID');
	}

	/**
	 * @param string $domain  Domain.
	 * @param int    $site_id Site id.
	 */
	public function on_add_domain($domain, $site_id) {
		self::$calls[] = ['add_domain', $domain, (int) $site_id];
	}

	/**
	 * @param string $domain  Domain.
	 * @param int    $site_id Site id.
	 */
	public function on_remove_domain($domain, $site_id) {
		self::$calls[] = ['remove_domain', $domain, (int) $site_id];
	}

	/**
	 * @param string $subdomain Host.
	 * @param int    $site_id   Site id.
	 */
	public function on_add_subdomain($subdomain, $site_id) {
		self::$calls[] = ['add_subdomain', $subdomain, (int) $site_id];
	}

	/**
	 * @param string $subdomain Host.
	 * @param int    $site_id   Site id.
	 */
	public function on_remove_subdomain($subdomain, $site_id) {
		self::$calls[] = ['remove_subdomain', $subdomain, (int) $site_id];
	}
}
