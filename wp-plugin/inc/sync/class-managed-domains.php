<?php
/**
 * The record of names this integration added to RunCloud.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync;

use WuRunCloud\Plugin\Extension\Target;
use WuRunCloud\Plugin\Storage\Name_Table;

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
 * rewritten whole each time grew quadratically.
 */
class Managed_Domains {

	/**
	 * The table, after the base prefix.
	 */
	const TABLE = 'wu_runcloud_managed_domains';

	/**
	 * The version of the table's schema (table()): raised with every change.
	 */
	const SCHEMA_VERSION = 1;

	/**
	 * The columns read for a name's record.
	 */
	const COLUMNS = 'name, site_id, www, source, added, domain_id, adding';

	/**
	 * @var Name_Table
	 */
	private $table;

	/**
	 * @param Target|null $target The web app; null for the primary one.
	 */
	public function __construct(?Target $target = null) {
		$this->table = self::table($target);
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
		$this->table->delete($removed);
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
		$this->table->delete([$name]);
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
		foreach ($this->table->rows('SELECT ' . self::COLUMNS . ' FROM {table} WHERE network_id = {network} ORDER BY name') as $row) {
			$all[ (string) $row[0] ] = self::entry($row);
		}
		return $all;
	}

	/**
	 * The table, as its schema declares it: one a web app, the primary one's
	 * under the table's own name.
	 *
	 * @param Target|null $target The app; null for the primary one.
	 */
	public static function table(?Target $target = null): Name_Table {
		return new Name_Table(
			self::TABLE . ($target ?? Target::primary())->suffix(),
			self::SCHEMA_VERSION,
			"site_id bigint(20) unsigned NOT NULL DEFAULT 0,
			www tinyint(1) unsigned NOT NULL DEFAULT 0,
			source varchar(16) NOT NULL DEFAULT 'domain',
			added bigint(20) unsigned NOT NULL DEFAULT 0,
			domain_id bigint(20) unsigned NULL,
			adding tinyint(1) unsigned NOT NULL DEFAULT 0"
		);
	}

	/**
	 * One name's record, or null (one row read, not the whole record).
	 *
	 * @param string $name Normalised name.
	 * @return array{site_id: int, www: bool, source: string, added: int, id: int|null, adding?: bool}|null
	 */
	public function get(string $name): ?array {
		$row = $this->table->row_of(self::COLUMNS, $name);
		return null === $row ? null : self::entry($row);
	}

	/**
	 * Writes records; a name on record already is overwritten only with $replace.
	 *
	 * @param array<string, array{site_id: int, www: bool, source: string, id: int|null, adding: bool}> $records By name.
	 * @param bool                                                                                     $replace Overwrite what is there.
	 */
	private function write(array $records, bool $replace): void {
		$rows = [];
		foreach ($records as $name => $entry) {
			/**
			 * A name's record is about to be written (tests stop a process here).
			 *
			 * @param string               $name  The name.
			 * @param array<string, mixed> $entry What will be written.
			 */
			do_action('wu_runcloud_managed_domain_writing', (string) $name, $entry);
			$rows[ (string) $name ] = [
				'site_id'   => (int) $entry['site_id'],
				'www'       => ! empty($entry['www']),
				'source'    => (string) $entry['source'],
				'added'     => time(),
				'domain_id' => isset($entry['id']) && is_numeric($entry['id']) && (int) $entry['id'] > 0 ? (int) $entry['id'] : null,
				'adding'    => ! empty($entry['adding']),
			];
		}
		$this->table->put($rows, $replace);
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
