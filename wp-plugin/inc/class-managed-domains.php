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
	 * @var Shared_Option
	 */
	private $option;

	public function __construct() {
		$this->option = new Shared_Option(self::OPTION);
	}

	/**
	 * Records a name.
	 *
	 * @param string   $name    Normalised name.
	 * @param int      $site_id Site id.
	 * @param bool     $www     Added with its www variant.
	 * @param string   $source  'domain' (a mapping) or 'subdomain' (a site's host).
	 * @param int|null $id      RunCloud's id for the domain, when known: it saves
	 *                          a search through the list when the name goes.
	 */
	public function remember(string $name, int $site_id, bool $www, string $source, ?int $id = null): void {
		$this->option->locked(
			function () use ($name, $site_id, $www, $source, $id) {
				$all          = $this->all();
				$all[ $name ] = [
					'site_id' => $site_id,
					'www'     => $www,
					'source'  => $source,
					'added'   => time(),
					'id'      => $id,
				];
				ksort($all);
				$this->option->write($all);
			}
		);
	}

	/**
	 * Forgets a name.
	 *
	 * @param string $name Normalised name.
	 */
	public function forget(string $name): void {
		$this->option->locked(
			function () use ($name) {
				$all = $this->all();
				if (isset($all[ $name ])) {
					unset($all[ $name ]);
					$this->option->write($all);
				}
			}
		);
	}

	/**
	 * @param string $name Normalised name.
	 */
	public function has(string $name): bool {
		return isset($this->all()[ $name ]);
	}

	/**
	 * RunCloud's id for a recorded name, if it was known when it was added.
	 *
	 * @param string $name Normalised name.
	 */
	public function id_of(string $name): ?int {
		$id = $this->all()[ $name ]['id'] ?? null;
		return is_numeric($id) && (int) $id > 0 ? (int) $id : null;
	}

	/**
	 * Every recorded name with its details.
	 *
	 * @return array<string, array{site_id: int, www: bool, source: string, added: int, id?: int|null}>
	 */
	public function all(): array {
		return $this->option->read();
	}
}
