<?php
/**
 * A table with a row per network and domain name.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Storage;

defined('ABSPATH') || exit;

/**
 * Records kept per domain name, keyed by network and name: the network's
 * view of the app, the names this integration added, the queue of names.
 * Names are punycode (ASCII), at most 253 characters.
 */
class Name_Table extends Table {

	/**
	 * Rows written in one statement.
	 */
	const BATCH = 500;

	/**
	 * @param string $suffix  The table's name after the base prefix.
	 * @param int    $version The schema's version: raised with every change of $columns.
	 * @param string $columns Column definitions after network_id and name, one a line.
	 */
	public function __construct(string $suffix, int $version, string $columns) {
		parent::__construct(
			$suffix,
			$version,
			"network_id bigint(20) unsigned NOT NULL,\n"
				. "name varchar(253) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,\n"
				. $columns . ",\n"
				. 'PRIMARY KEY  (network_id,name)'
		);
	}

	/**
	 * One name's row of the current network, $columns as a list of values, or
	 * null. A name that is not punycode is never stored: it is not looked for.
	 *
	 * @param string $columns The columns, as after SELECT.
	 * @param string $name    Normalised name.
	 * @return list<mixed>|null
	 */
	public function row_of(string $columns, string $name): ?array {
		if (! self::is_ascii($name)) {
			return null;
		}
		return $this->rows("SELECT $columns FROM {table} WHERE network_id = {network} AND name = %s", [$name])[0] ?? null;
	}

	/**
	 * Writes rows of the current network, each name's columns by name (the
	 * same columns in every row); a name held already is overwritten only
	 * with $replace. Names that are not punycode are left out.
	 *
	 * @param array<string, array<string, int|bool|string|null>> $rows    By name.
	 * @param bool                                               $replace Overwrite what is there.
	 */
	public function put(array $rows, bool $replace = true): void {
		$values = [];
		foreach ($rows as $name => $row) {
			if ('' !== (string) $name && self::is_ascii((string) $name)) {
				$values[] = '(' . implode(', ', array_map([self::class, 'literal'], array_merge([get_current_network_id(), (string) $name], array_values($row)))) . ')';
			}
		}
		if ([] === $values) {
			return;
		}
		$columns = array_keys((array) reset($rows));
		$update  = implode(
			', ',
			array_map(
				static function ($column) {
					return "$column = VALUES($column)";
				},
				$columns
			)
		);
		foreach (array_chunk($values, self::BATCH) as $batch) {
			$this->query(
				($replace ? 'INSERT' : 'INSERT IGNORE') . ' INTO {table} (network_id, name, ' . implode(', ', $columns) . ') VALUES ' . implode(', ', $batch)
					. ($replace ? ' ON DUPLICATE KEY UPDATE ' . $update : '')
			);
		}
	}

	/**
	 * Removes names of the current network, in one statement however many;
	 * returns how many were there.
	 *
	 * @param list<string> $names Names.
	 */
	public function delete(array $names): int {
		$names = array_values(array_filter(array_map('strval', $names), [self::class, 'is_ascii']));
		if ([] === $names) {
			return 0;
		}
		return $this->query('DELETE FROM {table} WHERE network_id = {network} AND name IN (' . implode(', ', array_fill(0, count($names), '%s')) . ')', $names);
	}

	/**
	 * Removes every row of the current network.
	 */
	public function clear(): void {
		$this->query('DELETE FROM {table} WHERE network_id = {network}');
	}

	/**
	 * Whether a name or search holds only ASCII, as the stored (punycode) names do.
	 *
	 * @param string $text Name or search.
	 */
	public static function is_ascii(string $text): bool {
		return 1 !== preg_match('/[^\x00-\x7f]/', $text);
	}

	/**
	 * A value as SQL.
	 *
	 * @param int|bool|string|null $value The value.
	 */
	private static function literal($value): string {
		global $wpdb;
		if (null === $value) {
			return 'NULL';
		}
		if (is_bool($value) || is_int($value)) {
			return (string) (int) $value;
		}
		return (string) $wpdb->prepare('%s', $value);
	}
}
