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
 * names that were on the web app before are never recorded. A name whose add
 * was asked for but not answered yet is kept with 'adding' set.
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
	 * Records, before asking RunCloud to add a name, that this integration is
	 * adding it: if the answer is lost (a timeout, a dying process), the next
	 * attempt that finds the name there knows it was this integration's add.
	 *
	 * @param string $name    Normalised name.
	 * @param int    $site_id Site id.
	 * @param bool   $www     With the www variant.
	 * @param string $source  'domain' or 'subdomain'.
	 */
	public function mark_adding(string $name, int $site_id, bool $www, string $source): void {
		$this->option->locked(
			function () use ($name, $site_id, $www, $source) {
				$all = $this->all();
				if (isset($all[ $name ])) {
					return;
				}
				$all[ $name ] = ['site_id' => $site_id, 'www' => $www, 'source' => $source, 'added' => time(), 'id' => null, 'adding' => true];
				ksort($all);
				$this->option->write($all);
			}
		);
	}

	/**
	 * Whether an add of the name was asked for and its outcome never known.
	 *
	 * @param string $name Normalised name.
	 */
	public function is_adding(string $name): bool {
		return ! empty($this->all()[ $name ]['adding']);
	}

	/**
	 * Whether the name was added by this integration and RunCloud confirmed it.
	 *
	 * @param string $name Normalised name.
	 */
	public function is_confirmed(string $name): bool {
		$all = $this->all();
		return isset($all[ $name ]) && empty($all[ $name ]['adding']);
	}

	/**
	 * Records what a reconcile added and removed, in one write however many
	 * names (a first reconcile of a large network adds thousands).
	 *
	 * @param array<string, array{site_id: int, www: bool, source: string}> $added   By name.
	 * @param list<string>                                                  $removed Names.
	 */
	public function apply(array $added, array $removed): void {
		if ([] === $added && [] === $removed) {
			return;
		}
		$this->option->locked(
			function () use ($added, $removed) {
				$all = array_diff_key($this->all(), array_flip($removed));
				foreach ($added as $name => $entry) {
					$all[ $name ] = [
						'site_id' => (int) $entry['site_id'],
						'www'     => (bool) $entry['www'],
						'source'  => (string) $entry['source'],
						'added'   => time(),
						'id'      => null,
					];
				}
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
	 * @return array<string, array{site_id: int, www: bool, source: string, added: int, id?: int|null, adding?: bool}>
	 */
	public function all(): array {
		return $this->option->read();
	}
}
