<?php
/**
 * The names whose DNS holds a certificate back.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync\Certificates;

use WuRunCloud\Plugin\Extension\Target;
use WuRunCloud\Plugin\Storage\Name_Table;

defined('ABSPATH') || exit;

/**
 * Names found failing the check before an order (their DNS does not point at
 * the server, or Let's Encrypt refused them too often this hour), with why
 * and since when: for the operator's page and Site Health. Basic SSL: every
 * name of the app that fails holds the app's certificate back; advanced SSL:
 * a name only its own. A row a name.
 */
class Blocking_Names {

	/**
	 * The table, after the base prefix.
	 */
	const TABLE = 'wu_runcloud_certificate_blockers';

	/**
	 * The version of the table's schema (table()): raised with every change.
	 */
	const SCHEMA_VERSION = 1;

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
	 * The table, as its schema declares it: one a web app, the primary one's
	 * under the table's own name.
	 *
	 * @param Target|null $target The app; null for the primary one.
	 */
	public static function table(?Target $target = null): Name_Table {
		return new Name_Table(
			self::TABLE . ($target ?? Target::primary())->suffix(),
			self::SCHEMA_VERSION,
			'since bigint(20) NOT NULL DEFAULT 0,
			reason text NOT NULL,
			moved tinyint(1) unsigned NOT NULL DEFAULT 0'
		);
	}

	/**
	 * Records which of the checked names hold a certificate back: a failing
	 * name keeps the time it first failed; a checked name that passed is no
	 * longer listed. With $all, the check covered every name of the app (a
	 * basic certificate), and names not checked are no longer listed either.
	 *
	 * @param list<string>                                      $checked The names checked.
	 * @param array<string, array{reason: string, moved: bool}> $failing Failing name => why, and whether it pointed at the server before.
	 * @param bool                                              $all     Whether the check covered every name.
	 */
	public function record(array $checked, array $failing, bool $all): void {
		$this->table->locked(
			function () use ($checked, $failing, $all) {
				$before = $this->all();
				$passed = $all ? array_keys($before) : $checked;
				$this->table->delete(array_values(array_diff(array_map('strval', $passed), array_map('strval', array_keys($failing)))));
				$rows = [];
				foreach ($failing as $name => $why) {
					$rows[ (string) $name ] = [
						'since'  => $before[ $name ]['since'] ?? time(),
						'reason' => (string) $why['reason'],
						'moved'  => (bool) $why['moved'],
					];
				}
				$this->table->put($rows);
			}
		);
	}

	/**
	 * Names no longer hold anything back (ordered, or gone from the network);
	 * returns whether any of them did.
	 *
	 * @param list<string> $names Names.
	 */
	public function forget(array $names): bool {
		return $this->table->delete($names) > 0;
	}

	/**
	 * The names that hold a certificate back, sorted. since: when it was
	 * first found failing; moved: it pointed at the server before (a
	 * customer who left), else it is new (its DNS may still be propagating).
	 *
	 * @return array<string, array{since: int, reason: string, moved: bool}>
	 */
	public function all(): array {
		$all = [];
		foreach ($this->table->rows('SELECT name, since, reason, moved FROM {table} WHERE network_id = {network} ORDER BY name') as $row) {
			$all[ (string) $row[0] ] = ['since' => (int) $row[1], 'reason' => (string) $row[2], 'moved' => (bool) $row[3]];
		}
		return $all;
	}

	/**
	 * The blocking names that have not pointed at the server for longer than
	 * the setting: moved away, or never pointed since they were first checked
	 * (no longer "still propagating"). In basic SSL each holds every new
	 * name's certificate back until it is fixed or unmapped.
	 *
	 * @return array<string, array{since: int, reason: string, moved: bool}>
	 */
	public function overdue(): array {
		$after = self::overdue_after();
		return array_filter(
			$this->all(),
			static function ($entry) use ($after) {
				return time() - $entry['since'] >= $after;
			}
		);
	}

	/**
	 * The overdue names whose DNS moved away (they pointed at the server
	 * before): a customer who left without unmapping. The fix is to unmap
	 * them, or to move the app to advanced SSL.
	 *
	 * @return array<string, array{since: int, reason: string, moved: bool}>
	 */
	public function moved_away(): array {
		return array_filter(
			$this->overdue(),
			static function ($entry) {
				return $entry['moved'];
			}
		);
	}

	/**
	 * Seconds a blocking name may go on not pointing at the server before it
	 * is reported as needing the operator (Site Health, the operator's page).
	 */
	public static function overdue_after(): int {
		/**
		 * Seconds a name's DNS may point away from the server (or not yet at
		 * it) before it is reported as needing the operator: moved away for
		 * good, or never pointed.
		 *
		 * @param int $seconds Default one day.
		 */
		return max(0, (int) apply_filters('wu_runcloud_dns_moved_away_after', DAY_IN_SECONDS));
	}
}
