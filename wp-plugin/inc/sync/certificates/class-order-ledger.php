<?php
/**
 * The ledger of certificate orders sent, for Let's Encrypt's budgets.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync\Certificates;

use WuRunCloud\Plugin\Storage\Table;

defined('ABSPATH') || exit;

/**
 * Every certificate order this integration sent to RunCloud (each is a Let's
 * Encrypt order), when, for which registered domains (the name under its
 * public suffix, from the Public Suffix List through the extension), and
 * which names it was for (a digest of the set), and whether Let's Encrypt
 * refused it. Let's Encrypt's budgets are counted from it
 * (letsencrypt.org/docs/rate-limits): new orders per account per 3 hours
 * (refused ones too), new certificates per registered domain per 7 days and
 * certificates for the same set of names per 7 days (issued ones only).
 * A row per order and registered domain, in a table of its own: an order
 * writes a few rows, a count is one query. Let's Encrypt's account is
 * RunCloud's, shared by every network of the installation: the counts are
 * of all of them.
 */
class Order_Ledger {

	const TABLE = 'wu_runcloud_certificate_orders';

	/**
	 * The version of the table's schema (table()): raised with every change.
	 */
	const SCHEMA_VERSION = 1;

	/**
	 * Rows older than the longest window are of no use.
	 */
	const KEEP = 8 * DAY_IN_SECONDS;

	/**
	 * @var Table
	 */
	private $table;

	public function __construct() {
		$this->table = self::table();
	}

	/**
	 * Records an order sent now.
	 *
	 * @param list<string> $registered The registered domains of its names (one for an advanced certificate).
	 * @param bool         $issued     Whether a certificate came of it (false: refused).
	 * @param list<string> $names      The names it was for ([] when not known one by one).
	 */
	public function record(array $registered, bool $issued, array $names = []): void {
		$order  = wp_generate_uuid4();
		$now    = time();
		$set    = self::set_of($names);
		$values = [];
		$args   = [];
		foreach (array_unique([] === $registered ? [''] : $registered) as $domain) {
			$values[] = '({network}, %s, %d, %s, %s, %d)';
			array_push($args, $order, $now, (string) $domain, $set, $issued ? 1 : 0);
		}
		$this->table->query('INSERT INTO {table} (network_id, order_id, sent_at, registered, names, issued) VALUES ' . implode(', ', $values), $args);
		if (0 === wp_rand(0, 99)) {
			$this->table->query('DELETE FROM {table} WHERE sent_at < %d', [$now - self::KEEP]);
		}
	}

	/**
	 * Orders sent since $since, and when the oldest of them was sent.
	 *
	 * @param int $since Unix time.
	 * @return array{count: int, oldest: int|null}
	 */
	public function orders_since(int $since): array {
		$row = $this->table->rows('SELECT COUNT(DISTINCT order_id), MIN(sent_at) FROM {table} WHERE sent_at >= %d', [$since])[0] ?? [];
		return ['count' => (int) ($row[0] ?? 0), 'oldest' => null === ($row[1] ?? null) ? null : (int) $row[1]];
	}

	/**
	 * Certificates issued since $since for each of the given registered
	 * domains, and when the oldest of them was.
	 *
	 * @param list<string> $registered Registered domains.
	 * @param int          $since      Unix time.
	 * @return array<string, array{count: int, oldest: int|null}>
	 */
	public function issued_since(array $registered, int $since): array {
		$counts = array_fill_keys($registered, ['count' => 0, 'oldest' => null]);
		if ([] === $registered) {
			return $counts;
		}
		$in   = implode(', ', array_fill(0, count($registered), '%s'));
		$rows = $this->table->rows('SELECT registered, COUNT(*), MIN(sent_at) FROM {table} WHERE issued = 1 AND sent_at >= %d AND registered IN (' . $in . ') GROUP BY registered', array_merge([$since], array_map('strval', $registered)));
		foreach ($rows as $row) {
			$counts[ (string) $row[0] ] = ['count' => (int) $row[1], 'oldest' => (int) $row[2]];
		}
		return $counts;
	}

	/**
	 * Certificates issued since $since for exactly the set $names.
	 *
	 * @param list<string> $names Names.
	 * @param int          $since Unix time.
	 */
	public function issued_for(array $names, int $since): int {
		return (int) $this->table->value('SELECT COUNT(DISTINCT order_id) FROM {table} WHERE issued = 1 AND names = %s AND sent_at >= %d', [self::set_of($names), $since]);
	}

	/**
	 * Empties the ledger (tests).
	 */
	public function clear(): void {
		$this->table->query('DELETE FROM {table}');
	}

	/**
	 * The table of orders, as its schema declares it: one for the
	 * installation, as the account is.
	 */
	public static function table(): Table {
		return new Table(
			self::TABLE,
			self::SCHEMA_VERSION,
			"id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
			network_id bigint(20) unsigned NOT NULL,
			order_id char(36) CHARACTER SET ascii NOT NULL,
			sent_at bigint(20) unsigned NOT NULL,
			registered varchar(253) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
			names char(32) CHARACTER SET ascii NOT NULL DEFAULT '',
			issued tinyint(1) unsigned NOT NULL DEFAULT 1,
			PRIMARY KEY  (id),
			KEY sent_at (sent_at),
			KEY registered (registered,sent_at),
			KEY names (names,sent_at)"
		);
	}

	/**
	 * A set of names as one key: the same names in any order give the same.
	 *
	 * @param list<string> $names Names.
	 */
	private static function set_of(array $names): string {
		if ([] === $names) {
			return '';
		}
		$names = array_values(array_unique(array_map('strval', $names)));
		sort($names);
		return md5(implode(',', $names));
	}
}
