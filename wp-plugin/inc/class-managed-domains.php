<?php
/**
 * The record of names this integration added to RunCloud.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin;

defined('ABSPATH') || exit;

/**
 * A network option mapping each name this integration created on RunCloud to
 * the site it belongs to. A reconcile may only ever remove names found here;
 * names that were on the web app before are never recorded.
 */
class Managed_Domains {

	const OPTION = 'wu_runcloud_managed_domains';

	/**
	 * Records a name.
	 *
	 * @param string $name    Normalised name.
	 * @param int    $site_id Site id.
	 * @param bool   $www     Added with its www variant.
	 * @param string $source  'domain' (a mapping) or 'subdomain' (a site's host).
	 */
	public function remember(string $name, int $site_id, bool $www, string $source): void {
		$all          = $this->all();
		$all[ $name ] = [
			'site_id' => $site_id,
			'www'     => $www,
			'source'  => $source,
			'added'   => time(),
		];
		ksort($all);
		update_network_option(null, self::OPTION, $all);
	}

	/**
	 * Forgets a name.
	 *
	 * @param string $name Normalised name.
	 */
	public function forget(string $name): void {
		$all = $this->all();
		if (isset($all[ $name ])) {
			unset($all[ $name ]);
			update_network_option(null, self::OPTION, $all);
		}
	}

	/**
	 * @param string $name Normalised name.
	 */
	public function has(string $name): bool {
		return isset($this->all()[ $name ]);
	}

	/**
	 * Every recorded name with its details.
	 *
	 * @return array<string, array{site_id: int, www: bool, source: string, added: int}>
	 */
	public function all(): array {
		$all = get_network_option(null, self::OPTION, []);
		return is_array($all) ? $all : [];
	}
}
