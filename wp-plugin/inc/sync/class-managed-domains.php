<?php
/**
 * The record of names this integration added to RunCloud.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync;

use WuRunCloud\Plugin\Storage\Network_Table;

defined('ABSPATH') || exit;

/**
 * Each name this integration created on RunCloud, with the site it belongs
 * to. A reconcile may only ever remove names found here; names that were on
 * the web app before are never recorded. A name whose add was asked for but
 * not answered yet is kept with 'adding' set.
 *
 * A row a name in a table of its own, so recording one name writes one row:
 * a first reconcile of a large network records thousands of names one by one
 * (each must be on record before its add is asked for), which as one option
 * rewritten whole each time grew quadratically. The table is created when
 * first needed; a record kept as a network option by an earlier version is
 * moved into it then.
 */
class Managed_Domains {

	/**
	 * The table, after the network's table prefix; also the network option an
	 * earlier version kept the record in.
	 */
	const TABLE = 'wu_runcloud_managed_domains';

	/**
	 * @var Network_Table
	 */
	private $table;

	public function __construct() {
		$this->table = self::table();
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
		$this->write([$name => ['site_id' => $site_id, 'www' => $www, 'source' => $source, 'id' => $id, 'adding' => false]], true);
	}

	/**
	 * Records, before asking RunCloud to add a name, that this integration is
	 * adding it: if the answer is lost (a timeout, a dying process), the next
	 * attempt that finds the name there knows it was this integration's add.
	 * A name already on record stays as it is.
	 *
	 * @param string $name    Normalised name.
	 * @param int    $site_id Site id.
	 * @param bool   $www     With the www variant.
	 * @param string $source  'domain' or 'subdomain'.
	 */
	public function mark_adding(string $name, int $site_id, bool $www, string $source): void {
		$this->write([$name => ['site_id' => $site_id, 'www' => $www, 'source' => $source, 'id' => null, 'adding' => true]], false);
	}

	/**
	 * Records what a reconcile added and removed, in one statement each
	 * however many names.
	 *
	 * @param array<string, array{site_id: int, www: bool, source: string}> $added   By name.
	 * @param list<string>                                                  $removed Names.
	 */
	public function apply(array $added, array $removed): void {
		if ([] !== $removed) {
			global $wpdb;
			$names = implode(', ', array_map(static function ($name) use ($wpdb) {
				return $wpdb->prepare('%s', (string) $name);
			}, $removed));
			$this->table->query('DELETE FROM {table} WHERE network_id = %d AND name IN (' . $names . ')', []);
		}
		$rows = [];
		foreach ($added as $name => $entry) {
			$rows[ (string) $name ] = ['site_id' => (int) $entry['site_id'], 'www' => (bool) $entry['www'], 'source' => (string) $entry['source'], 'id' => null, 'adding' => false];
		}
		$this->write($rows, true);
	}

	/**
	 * Forgets a name.
	 *
	 * @param string $name Normalised name.
	 */
	public function forget(string $name): void {
		$this->table->query('DELETE FROM {table} WHERE network_id = %d AND name = %s', [$name]);
	}

	/**
	 * @param string $name Normalised name.
	 */
	public function has(string $name): bool {
		return null !== $this->get($name);
	}

	/**
	 * RunCloud's id for a recorded name, if it was known when it was added.
	 *
	 * @param string $name Normalised name.
	 */
	public function id_of(string $name): ?int {
		$id = $this->get($name)['id'] ?? null;
		return is_numeric($id) && (int) $id > 0 ? (int) $id : null;
	}

	/**
	 * Every recorded name with its details, sorted by name.
	 *
	 * @return array<string, array{site_id: int, www: bool, source: string, added: int, id: int|null, adding?: bool}>
	 */
	public function all(): array {
		$all = [];
		foreach ($this->table->rows('SELECT name, site_id, www, source, added, domain_id, adding FROM {table} WHERE network_id = %d ORDER BY name', []) as $row) {
			$all[ (string) $row[0] ] = self::entry($row);
		}
		return $all;
	}

	/**
	 * Removes this network's record (tests; uninstall drops the table).
	 */
	public function clear(): void {
		$this->table->query('DELETE FROM {table} WHERE network_id = %d', []);
	}

	/**
	 * Creates the table if it does not exist (activation; it is also created
	 * when first needed).
	 */
	public static function install(): void {
		self::table()->install();
	}

	/**
	 * Drops the table (uninstall).
	 */
	public static function drop_table(): void {
		self::table()->drop();
	}

	/**
	 * The table of names; once it exists, a record an earlier version kept
	 * as a network option is moved into it.
	 */
	private static function table(): Network_Table {
		return new Network_Table(
			self::TABLE,
			'site_id bigint(20) unsigned NOT NULL DEFAULT 0,
			www tinyint(1) unsigned NOT NULL DEFAULT 0,
			source varchar(16) NOT NULL DEFAULT \'domain\',
			added bigint(20) unsigned NOT NULL DEFAULT 0,
			domain_id bigint(20) unsigned NULL,
			adding tinyint(1) unsigned NOT NULL DEFAULT 0',
			static function () {
				$earlier = get_network_option(null, self::TABLE, null);
				if (! is_array($earlier)) {
					return;
				}
				$rows = [];
				foreach ($earlier as $name => $entry) {
					$rows[ (string) $name ] = (array) $entry + ['site_id' => 0, 'www' => false, 'source' => 'domain', 'added' => time(), 'id' => null, 'adding' => false];
				}
				(new self())->write($rows, false);
				delete_network_option(null, self::TABLE);
			}
		);
	}

	/**
	 * One name's record, or null (one row read, not the whole record).
	 *
	 * @param string $name Normalised name.
	 * @return array{site_id: int, www: bool, source: string, added: int, id: int|null, adding?: bool}|null
	 */
	public function get(string $name): ?array {
		if (! Network_Table::is_ascii($name)) {
			return null; // Names are kept in punycode.
		}
		$rows = $this->table->rows('SELECT name, site_id, www, source, added, domain_id, adding FROM {table} WHERE network_id = %d AND name = %s', [$name]);
		return [] === $rows ? null : self::entry($rows[0]);
	}

	/**
	 * Writes records; a name on record already is overwritten only with $replace.
	 *
	 * @param array<string, array{site_id: int, www: bool, source: string, id: int|null, adding: bool}> $rows    By name.
	 * @param bool                                                                                     $replace Overwrite what is there.
	 */
	private function write(array $rows, bool $replace): void {
		global $wpdb;
		$values = [];
		foreach ($rows as $name => $entry) {
			if ('' === (string) $name || ! Network_Table::is_ascii((string) $name)) {
				continue;
			}
			/**
			 * A name's record is about to be written (tests stop a process here).
			 *
			 * @param string               $name  The name.
			 * @param array<string, mixed> $entry What will be written.
			 */
			do_action('wu_runcloud_managed_domain_writing', (string) $name, $entry);
			$id       = isset($entry['id']) && is_numeric($entry['id']) && (int) $entry['id'] > 0 ? (string) (int) $entry['id'] : 'NULL';
			$values[] = $wpdb->prepare('(%d, %s, %d, %d, %s, %d, ', get_current_network_id(), (string) $name, (int) $entry['site_id'], empty($entry['www']) ? 0 : 1, (string) $entry['source'], (int) ($entry['added'] ?? time()))
				. $id . ', ' . (empty($entry['adding']) ? 0 : 1) . ')';
		}
		$update = $replace
			? ' ON DUPLICATE KEY UPDATE site_id = VALUES(site_id), www = VALUES(www), source = VALUES(source), added = VALUES(added), domain_id = VALUES(domain_id), adding = VALUES(adding)'
			: '';
		foreach (array_chunk($values, 500) as $batch) {
			$this->table->run(($replace ? 'INSERT' : 'INSERT IGNORE') . ' INTO {table} (network_id, name, site_id, www, source, added, domain_id, adding) VALUES ' . implode(', ', $batch) . $update);
		}
	}

	/**
	 * A row as the API gives it.
	 *
	 * @param list<mixed> $row name, site_id, www, source, added, domain_id, adding.
	 * @return array{site_id: int, www: bool, source: string, added: int, id: int|null, adding?: bool}
	 */
	private static function entry(array $row): array {
		$entry = [
			'site_id' => (int) $row[1],
			'www'     => (bool) $row[2],
			'source'  => (string) $row[3],
			'added'   => (int) $row[4],
			'id'      => null === $row[5] ? null : (int) $row[5],
		];
		if ((bool) $row[6]) {
			$entry['adding'] = true;
		}
		return $entry;
	}
}
