<?php
/**
 * The names Let's Encrypt refused an order with, this hour.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync\Certificates;

use WuRunCloud\Plugin\Extension\Target;
use WuRunCloud\Plugin\Storage\Name_Table;
use WuRunCloud\Plugin\Storage\Table;

defined('ABSPATH') || exit;

/**
 * Let's Encrypt allows a few failed validations per name and hour; each
 * refused order counts at least one against every name it was for. A row
 * per refusal and name, kept for an hour.
 */
class Refused_Names {

	/**
	 * The table, after the base prefix.
	 */
	const TABLE = 'wu_runcloud_certificate_refusals';

	/**
	 * The version of the table's schema (table()): raised with every change.
	 */
	const SCHEMA_VERSION = 1;

	/**
	 * @var Table
	 */
	private $table;

	/**
	 * @param Target|null $target The web app; null for the primary one.
	 */
	public function __construct(?Target $target = null) {
		$this->table = self::table($target);
	}

	/**
	 * The table, as its schema declares it: one a web app, the primary one's
	 * under the table's own name.
	 *
	 * @param Target|null $target The app; null for the primary one.
	 */
	public static function table(?Target $target = null): Table {
		return new Table(
			self::TABLE . ($target ?? Target::primary())->suffix(),
			self::SCHEMA_VERSION,
			'id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
			network_id bigint(20) unsigned NOT NULL,
			name varchar(253) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
			refused_at bigint(20) NOT NULL,
			PRIMARY KEY  (id),
			KEY name (network_id,name,refused_at)'
		);
	}

	/**
	 * Let's Encrypt refused an order with these names now.
	 *
	 * @param list<string> $names Names of the order.
	 */
	public function record(array $names): void {
		$names = $this->punycode($names);
		if ([] === $names) {
			return;
		}
		// What left the hour is of no use any more.
		$this->table->query('DELETE FROM {table} WHERE network_id = {network} AND refused_at <= %d', [time() - HOUR_IN_SECONDS]);
		$this->table->query('INSERT INTO {table} (network_id, name, refused_at) VALUES ' . implode(', ', array_fill(0, count($names), '({network}, %s, %d)')), $this->with_time($names, time()));
	}

	/**
	 * Names whose refused orders in the last hour reached $limit, with when
	 * the oldest of them that counts leaves the hour.
	 *
	 * @param list<string> $names Names.
	 * @param int          $limit Refused orders a name may have in an hour.
	 * @return array<string, int> Name => Unix time it may be ordered again.
	 */
	public function over_budget(array $names, int $limit): array {
		$names = $this->punycode($names);
		if ([] === $names) {
			return [];
		}
		$recent = [];
		$rows   = $this->table->rows(
			'SELECT name, refused_at FROM {table} WHERE network_id = {network} AND refused_at > %d AND name IN (' . implode(', ', array_fill(0, count($names), '%s')) . ') ORDER BY name, refused_at',
			array_merge([time() - HOUR_IN_SECONDS], $names)
		);
		foreach ($rows as $row) {
			$recent[ (string) $row[0] ][] = (int) $row[1];
		}
		$limit = max(1, $limit);
		$over  = [];
		foreach ($recent as $name => $times) {
			if (count($times) >= $limit) {
				$over[ $name ] = $times[ count($times) - $limit ] + HOUR_IN_SECONDS;
			}
		}
		return $over;
	}

	/**
	 * Names were ordered successfully, or left the network: their budget
	 * starts again.
	 *
	 * @param list<string> $names Names.
	 */
	public function forget(array $names): void {
		$names = $this->punycode($names);
		if ([] !== $names) {
			$this->table->query('DELETE FROM {table} WHERE network_id = {network} AND name IN (' . implode(', ', array_fill(0, count($names), '%s')) . ')', $names);
		}
	}

	/**
	 * The names as stored: punycode, once each.
	 *
	 * @param list<string> $names Names.
	 * @return list<string>
	 */
	private function punycode(array $names): array {
		return array_values(
			array_unique(
				array_filter(
					array_map('strval', $names),
					static function ($name) {
						return '' !== $name && Name_Table::is_ascii($name);
					}
				)
			)
		);
	}

	/**
	 * Each name followed by a time, as the values of a multi-row insert.
	 *
	 * @param list<string> $names Names.
	 * @param int          $at    Unix time.
	 * @return list<int|string>
	 */
	private function with_time(array $names, int $at): array {
		$values = [];
		foreach ($names as $name) {
			array_push($values, $name, $at);
		}
		return $values;
	}
}
