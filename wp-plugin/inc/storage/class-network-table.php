<?php
/**
 * A table of the plugin's, a row per name and network.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Storage;

defined('ABSPATH') || exit;

/**
 * Records that grow with the network (a row per domain name) live in tables
 * of their own, keyed by network and name, so a change writes one row: as a
 * network option they would be read and written whole on every change. A
 * table is created when first needed in a process (an update of the plugin
 * runs no activation) and dropped on uninstall.
 *
 * Queries name the table as {table}; their first %d is the current network.
 * Names are punycode (ASCII), at most 253 characters.
 */
final class Network_Table {

	/**
	 * Tables this process has made sure exist.
	 *
	 * @var array<string, true>
	 */
	private static $ready = [];

	/**
	 * @var string
	 */
	private $suffix;

	/**
	 * @var string
	 */
	private $columns;

	/**
	 * @var callable|null
	 */
	private $on_create;

	/**
	 * @param string        $suffix    The table's name after the network's table prefix.
	 * @param string        $columns   Column definitions after network_id and name.
	 * @param callable|null $on_create Called once the table exists (moving older records in).
	 */
	public function __construct(string $suffix, string $columns, ?callable $on_create = null) {
		$this->suffix    = $suffix;
		$this->columns   = $columns;
		$this->on_create = $on_create;
	}

	/**
	 * The table's full name.
	 */
	public function name(): string {
		global $wpdb;
		return $wpdb->base_prefix . $this->suffix;
	}

	/**
	 * Rows of a query, as lists of values.
	 *
	 * @param string           $sql  With {table}, the network as its first %d.
	 * @param list<int|string> $args The values after the network.
	 * @return list<list<mixed>>
	 */
	public function rows(string $sql, array $args = []): array {
		global $wpdb;
		$this->ensure();
		return (array) $wpdb->get_results($this->prepare($sql, $args), ARRAY_N); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.DirectDatabaseQuery
	}

	/**
	 * Runs a change.
	 *
	 * @param string           $sql  With {table}, the network as its first %d.
	 * @param list<int|string> $args The values after the network.
	 */
	public function query(string $sql, array $args = []): void {
		$this->run($this->prepare($sql, $args));
	}

	/**
	 * Runs a statement whose values are prepared already.
	 *
	 * @param string $sql With {table}.
	 */
	public function run(string $sql): void {
		global $wpdb;
		$this->ensure();
		$wpdb->query(str_replace('{table}', '`' . $this->name() . '`', $sql)); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.DirectDatabaseQuery
	}

	/**
	 * Creates the table if it does not exist.
	 */
	public function install(): void {
		global $wpdb;
		$wpdb->query( // phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.DirectDatabaseQuery.SchemaChange
			'CREATE TABLE IF NOT EXISTS `' . $this->name() . '` (
				network_id bigint(20) unsigned NOT NULL,
				name varchar(253) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
				' . $this->columns . ',
				PRIMARY KEY  (network_id, name)
			) ' . $wpdb->get_charset_collate()
		);
		self::$ready[ $this->suffix ] = true;
		if (null !== $this->on_create) {
			($this->on_create)();
		}
	}

	/**
	 * Drops the table (uninstall).
	 */
	public function drop(): void {
		global $wpdb;
		$wpdb->query('DROP TABLE IF EXISTS `' . $this->name() . '`'); // phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.DirectDatabaseQuery.SchemaChange
		unset(self::$ready[ $this->suffix ]);
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
	 * Creates the table unless this process knows it exists (before a
	 * transaction, which creating it would end).
	 */
	public function ensure(): void {
		if (! isset(self::$ready[ $this->suffix ])) {
			$this->install();
		}
	}

	/**
	 * A statement with the table's name, the network and the values filled in.
	 *
	 * @param string           $sql  The statement.
	 * @param list<int|string> $args The values after the network.
	 */
	private function prepare(string $sql, array $args): string {
		global $wpdb;
		$sql = str_replace('{table}', '`' . $this->name() . '`', $sql);
		return (string) $wpdb->prepare($sql, get_current_network_id(), ...$args); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
	}
}
