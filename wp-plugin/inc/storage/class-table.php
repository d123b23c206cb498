<?php
/**
 * A table of the plugin's, with a versioned schema.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Storage;

defined('ABSPATH') || exit;

/**
 * Records that grow with the network live in tables of their own, so a
 * change writes a row, not a whole option. Each table declares its schema
 * and the schema's version; the version the database holds is kept in the
 * main network's options. On activation, and on a table's first use in a
 * process when the stored version is older (an update of the plugin runs no
 * activation), WordPress's dbDelta() brings the table to its schema: it
 * creates what is missing and changes what differs, keeping the rows.
 * Uninstall drops every table (Plugin::tables()).
 *
 * One table per installation, after the base prefix; a table whose rows
 * belong to a network keeps the network's id in a column.
 *
 * Statements name the table as {table} and the current network as {network}.
 */
class Table {

	/**
	 * The main network's option holding each table's schema version.
	 */
	const VERSIONS = 'wu_runcloud_table_versions';

	/**
	 * Seconds to wait while another process creates or upgrades a table.
	 */
	const SCHEMA_WAIT = 30;

	/**
	 * Tables whose version this process has compared (or brought up to date).
	 *
	 * @var array<string, true>
	 */
	private static $checked = [];

	/**
	 * The stored versions as this process first read them: one read for
	 * every table's first use.
	 *
	 * @var array<string, int>|null
	 */
	private static $first_read;

	/**
	 * @var string
	 */
	private $suffix;

	/**
	 * @var int
	 */
	private $version;

	/**
	 * @var string
	 */
	private $definition;

	/**
	 * @param string $suffix     The table's name after the base prefix.
	 * @param int    $version    The schema's version: raised with every change of $definition.
	 * @param string $definition Columns and keys as dbDelta() reads them: one a line,
	 *                           two spaces after PRIMARY KEY, every key named.
	 */
	public function __construct(string $suffix, int $version, string $definition) {
		$this->suffix     = $suffix;
		$this->version    = $version;
		$this->definition = $definition;
	}

	/**
	 * Every table in the database whose name begins with the base prefix and
	 * $stem, as a table that can be dropped: on uninstall, those of web apps
	 * no longer configured, whose names cannot be worked out any more.
	 *
	 * @param string $stem The start of the names after the base prefix.
	 * @return list<self>
	 */
	public static function existing(string $stem): array {
		global $wpdb;
		$names = (array) $wpdb->get_col($wpdb->prepare('SHOW TABLES LIKE %s', $wpdb->esc_like($wpdb->base_prefix . $stem) . '%')); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
		return array_map(
			static function ($name) use ($wpdb): self {
				return new self(substr((string) $name, strlen($wpdb->base_prefix)), 0, '');
			},
			$names
		);
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
	 * @param string           $sql  With {table} and {network}; values as placeholders.
	 * @param list<int|string> $args The values.
	 * @return list<list<mixed>>
	 */
	public function rows(string $sql, array $args = []): array {
		global $wpdb;
		$this->ensure();
		return (array) $wpdb->get_results($this->prepare($sql, $args), ARRAY_N); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.DirectDatabaseQuery
	}

	/**
	 * The first value of a query's first row, or null.
	 *
	 * @param string           $sql  With {table} and {network}; values as placeholders.
	 * @param list<int|string> $args The values.
	 * @return mixed
	 */
	public function value(string $sql, array $args = []) {
		return $this->rows($sql, $args)[0][0] ?? null;
	}

	/**
	 * Runs a change; returns how many rows it changed.
	 *
	 * @param string           $sql  With {table} and {network}; values as placeholders.
	 * @param list<int|string> $args The values.
	 */
	public function query(string $sql, array $args = []): int {
		global $wpdb;
		$this->ensure();
		return (int) $wpdb->query($this->prepare($sql, $args)); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.DirectDatabaseQuery
	}

	/**
	 * Runs a change that reads rows before it writes them while no other
	 * process changes this table that way, and returns what it returns.
	 * Calls may nest.
	 *
	 * @template T
	 * @param callable(): T $change The change.
	 * @return T
	 */
	public function locked(callable $change) {
		return (new Lock())->guarded(Lock::TABLE, $this->suffix, Lock::WAIT, $change);
	}

	/**
	 * Brings the table to its schema unless this process has seen it there:
	 * on its first use in a process, when the stored version is older. Call
	 * it before a transaction, which creating the table would end.
	 */
	public function ensure(): void {
		if (isset(self::$checked[ $this->suffix ])) {
			return;
		}
		self::$first_read = self::$first_read ?? $this->versions()->read();
		if ((int) (self::$first_read[ $this->suffix ] ?? 0) < $this->version) {
			$this->guarded(
				function () {
					// Another process may have upgraded it while this one waited.
					if ($this->stored_version() < $this->version) {
						$this->upgrade();
					}
				}
			);
		}
		self::$checked[ $this->suffix ] = true;
	}

	/**
	 * Brings the table to its schema whatever version is stored (activation).
	 */
	public function install(): void {
		$this->guarded(
			function () {
				$this->upgrade();
			}
		);
		self::$checked[ $this->suffix ] = true;
	}

	/**
	 * Drops the table and forgets its version (uninstall).
	 */
	public function drop(): void {
		global $wpdb;
		$wpdb->query('DROP TABLE IF EXISTS `' . $this->name() . '`'); // phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.DirectDatabaseQuery.SchemaChange
		$this->record_version(null);
		unset(self::$checked[ $this->suffix ]);
	}

	/**
	 * A statement with the table's name, the network and the values filled in.
	 *
	 * @param string           $sql  The statement.
	 * @param list<int|string> $args The values.
	 */
	private function prepare(string $sql, array $args): string {
		global $wpdb;
		$sql = str_replace(['{table}', '{network}'], ['`' . $this->name() . '`', (string) (int) get_current_network_id()], $sql);
		return [] === $args ? $sql : (string) $wpdb->prepare($sql, ...$args); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
	}

	/**
	 * Creates the table or changes it to the schema, and records the version.
	 */
	private function upgrade(): void {
		global $wpdb;
		require_once ABSPATH . 'wp-admin/includes/upgrade.php';
		dbDelta('CREATE TABLE ' . $this->name() . " (\n" . $this->definition . "\n) " . $wpdb->get_charset_collate());
		$this->record_version($this->version);
	}

	/**
	 * Runs $work while no other process creates or upgrades this table.
	 *
	 * @param callable(): void $work The work.
	 */
	private function guarded(callable $work): void {
		(new Lock())->guarded(Lock::SCHEMA, $this->suffix, self::SCHEMA_WAIT, $work);
	}

	/**
	 * The schema version the database holds, 0 when none.
	 */
	private function stored_version(): int {
		return (int) ($this->versions()->read()[ $this->suffix ] ?? 0);
	}

	/**
	 * Records the version the database holds; null when the table is gone.
	 *
	 * @param int|null $version The version.
	 */
	private function record_version(?int $version): void {
		$versions = $this->versions();
		$versions->locked(
			function () use ($versions, $version) {
				$all = $versions->read();
				unset($all[ $this->suffix ]);
				$versions->write(null === $version ? $all : [$this->suffix => $version] + $all);
			}
		);
		self::$first_read = null;
	}

	/**
	 * The record of every table's version: tables are the installation's, so
	 * it is kept once, on the main network.
	 */
	private function versions(): Shared_Option {
		return new Shared_Option(self::VERSIONS, get_main_network_id());
	}
}
