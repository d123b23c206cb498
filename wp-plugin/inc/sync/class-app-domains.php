<?php
/**
 * The network's view of the web app's domains.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync;

use WuRunCloud\Plugin\Extension\Target;
use WuRunCloud\Plugin\Storage\Name_Table;
use WuRunCloud\Plugin\Storage\Shared_Option;

defined('ABSPATH') || exit;

/**
 * What the web app held when the plugin last looked: name => RunCloud id,
 * www, wildcard. Kept in the network's storage and filled by what the plugin
 * reads or changes anyway: a whole listing, each page of the reconcile's walk,
 * each add's answer and each removal. It saves requests when planning (which
 * wildcard serves a host, which id a removal uses, what a reconcile has to
 * do), and is never trusted to decide that a change is done: an add or a
 * removal still asks RunCloud, which has the last word.
 *
 * The names live in a table of their own, a row each, so an event changes
 * one row and a walk's page forty, however large the app: an app of 10,000
 * domains would otherwise be one option of some 400 KB, read and written
 * whole on every change. A small network option keeps what every event reads: the count, the wildcards, when the view was last whole.
 *
 * A walk through the app's pages (begin_walk(), absorb() per page,
 * finish_walk()) tags what it sees with a generation; once it has seen every
 * page, a name neither seen by it nor changed by the plugin since it began
 * has left the app and is dropped.
 *
 * Public API (also for the operator's domains view):
 * all(), get(), id_of(), has(), count(), wildcards(), refreshed_at(),
 * page(); filled through replace(), record(), forget() and the walk.
 */
class App_Domains {

	/**
	 * The table, after the base prefix.
	 */
	const TABLE = 'wu_runcloud_app_domains';

	/**
	 * The version of the table's schema (table()): raised with every change.
	 */
	const SCHEMA_VERSION = 1;

	/**
	 * The columns read for a domain.
	 */
	const COLUMNS = 'name, domain_id, www, wildcard';

	/**
	 * The small part read on every event: wildcards, counts, when refreshed.
	 */
	const META_OPTION = 'wu_runcloud_app_domains_meta';

	/**
	 * Rows read in one slice of all().
	 */
	const SLICE = 2000;

	/**
	 * @var Shared_Option
	 */
	private $meta;

	/**
	 * @var Name_Table
	 */
	private $table;

	/**
	 * @param Target|null $target The web app; null for the primary one.
	 */
	public function __construct(?Target $target = null) {
		$this->meta  = new Shared_Option(self::META_OPTION . ($target ?? Target::primary())->suffix());
		$this->table = self::table($target);
	}

	/**
	 * Every domain known on the app, by name, sorted by name.
	 *
	 * @return array<string, array{name: string, id: int, www: bool, wildcard: bool}>
	 */
	public function all(): array {
		global $wpdb;
		$all  = [];
		$last = '';
		// In slices, so a large app never has every row twice in memory
		// (the database layer keeps each result as objects too).
		do {
			$rows = $this->table->rows('SELECT ' . self::COLUMNS . ' FROM {table} WHERE network_id = {network} AND name > %s ORDER BY name LIMIT %d', [$last, self::SLICE]);
			$wpdb->flush();
			foreach ($rows as $row) {
				$all[ (string) $row[0] ] = self::describe($row);
				$last                    = (string) $row[0];
			}
		} while (count($rows) === self::SLICE);
		return $all;
	}

	/**
	 * One domain as last seen, or null when the view does not hold it.
	 *
	 * @param string $name Normalised name.
	 * @return array{name: string, id: int, www: bool, wildcard: bool}|null
	 */
	public function get(string $name): ?array {
		$row = $this->table->row_of(self::COLUMNS, $name);
		return null === $row ? null : self::describe($row);
	}

	/**
	 * RunCloud's id for a name, or null when unknown.
	 *
	 * @param string $name Normalised name.
	 */
	public function id_of(string $name): ?int {
		$entry = $this->get($name);
		return null === $entry || $entry['id'] <= 0 ? null : $entry['id'];
	}

	/**
	 * Whether the view holds the name.
	 *
	 * @param string $name Normalised name.
	 */
	public function has(string $name): bool {
		return null !== $this->get($name);
	}

	/**
	 * How many domains the view holds (read from the small record).
	 */
	public function count(): int {
		return (int) ($this->meta->read()['count'] ?? 0);
	}

	/**
	 * The app's wildcard domains ("network.tld" for "*.network.tld"),
	 * read from the small record.
	 *
	 * @return list<string>
	 */
	public function wildcards(): array {
		return array_values(array_map('strval', (array) ($this->meta->read()['wildcards'] ?? [])));
	}

	/**
	 * When the view last held the whole app (a full listing or a finished
	 * walk), or null when it never has: until then it is incomplete.
	 */
	public function refreshed_at(): ?int {
		$at = $this->meta->read()['refreshed_at'] ?? null;
		return null === $at ? null : (int) $at;
	}

	/**
	 * How many names the app's one basic certificate covers, as the view
	 * holds the app: each domain, its www variant when www is on, a wildcard
	 * domain as one name. A view that is not whole gives a lower bound.
	 */
	public function certificate_names(): int {
		$rows = $this->table->rows('SELECT COUNT(*), SUM(www = 1 AND wildcard = 0 AND LEFT(name, 4) <> \'www.\') FROM {table} WHERE network_id = {network}');
		return (int) ($rows[0][0] ?? 0) + (int) ($rows[0][1] ?? 0);
	}

	/**
	 * Whether the view has held the whole app, so that what it lacks is
	 * absent from the app (as of its last look). When it has not, the walk
	 * that fills it is asked for (wu_runcloud_view_incomplete): whoever finds
	 * the view wanting must ask RunCloud meanwhile, never list the app itself.
	 */
	public function is_whole(): bool {
		if (null !== $this->refreshed_at()) {
			return true;
		}
		/**
		 * The network's view of the app was found not whole: the paced walk
		 * that fills it is started in the queue (once a process).
		 */
		do_action('wu_runcloud_view_incomplete');
		return false;
	}

	/**
	 * A slice of the view sorted by name, optionally only names containing
	 * $search: for a list table.
	 *
	 * @param int    $offset From 0.
	 * @param int    $limit  At most this many, 1 or more.
	 * @param string $search Part of a name, '' for all.
	 * @return array{total: int, domains: list<array{name: string, id: int, www: bool, wildcard: bool}>}
	 */
	public function page(int $offset, int $limit, string $search = ''): array {
		global $wpdb;
		if ($offset < 0 || $limit < 1) {
			throw new \InvalidArgumentException('the offset must be 0 or more and the limit 1 or more');
		}
		$search = strtolower(trim($search));
		if (! Name_Table::is_ascii($search)) {
			return ['total' => 0, 'domains' => []]; // Names are kept in punycode.
		}
		$like    = '%' . $wpdb->esc_like($search) . '%';
		$total   = $this->table->value('SELECT COUNT(*) FROM {table} WHERE network_id = {network} AND name LIKE %s', [$like]);
		$rows    = $this->table->rows('SELECT ' . self::COLUMNS . ' FROM {table} WHERE network_id = {network} AND name LIKE %s ORDER BY name LIMIT %d, %d', [$like, $offset, $limit]);
		$domains = [];
		foreach ($rows as $row) {
			$domains[] = self::describe($row);
		}
		return ['total' => (int) $total, 'domains' => $domains];
	}

	/**
	 * A whole listing of the app: the view becomes exactly it.
	 *
	 * @param list<array<string, mixed>> $domains As the extension lists them.
	 */
	public function replace(array $domains): void {
		$this->meta->locked(
			function () use ($domains) {
				global $wpdb;
				$meta = $this->meta->read();
				$this->table->ensure();
				// In one transaction: a reader never sees the view empty halfway.
				$wpdb->query('START TRANSACTION'); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
				$this->table->clear();
				$this->store($domains, (int) ($meta['generation'] ?? 0));
				$wpdb->query('COMMIT'); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
				$this->save(['refreshed_at' => time()] + $meta);
			}
		);
	}

	/**
	 * An add's answer, or any domain seen on the app: recorded as present.
	 *
	 * @param array<string, mixed> $domain As the extension returns it (name, id, www, wildcard).
	 */
	public function record(array $domain): void {
		$this->meta->locked(
			function () use ($domain) {
				$meta = $this->meta->read();
				$this->store([$domain], $this->current_generation($meta));
				$this->save($meta);
			}
		);
	}

	/**
	 * A removal: the name is no longer on the app.
	 *
	 * @param string $name Normalised name.
	 */
	public function forget(string $name): void {
		$this->meta->locked(
			function () use ($name) {
				$this->table->delete([$name]);
				$this->save($this->meta->read());
			}
		);
	}

	/**
	 * Starts a walk through the app's pages; returns its generation.
	 */
	public function begin_walk(): int {
		return (int) $this->meta->locked(
			function () {
				$meta               = $this->meta->read();
				$generation         = (int) ($meta['generation'] ?? 0) + 1;
				$meta['generation'] = $generation;
				$meta['walking']    = true;
				$this->save($meta);
				return $generation;
			}
		);
	}

	/**
	 * One page of the walk: its domains are recorded as seen by it.
	 *
	 * @param list<array<string, mixed>> $domains    The page's domains.
	 * @param int                        $generation The walk's generation.
	 */
	public function absorb(array $domains, int $generation): void {
		$this->meta->locked(
			function () use ($domains, $generation) {
				$this->store($domains, $generation);
				$this->save($this->meta->read());
			}
		);
	}

	/**
	 * The walk saw every page: what it did not see and the plugin did not
	 * change since it began is gone from the app.
	 *
	 * @param int $generation The walk's generation.
	 */
	public function finish_walk(int $generation): void {
		$this->meta->locked(
			function () use ($generation) {
				$meta = $this->meta->read();
				if ((int) ($meta['generation'] ?? 0) !== $generation) {
					return; // A later walk began meanwhile; it decides.
				}
				$this->table->query('DELETE FROM {table} WHERE network_id = {network} AND generation < %d', [$generation]);
				$meta['walking']      = false;
				$meta['refreshed_at'] = time();
				$this->save($meta);
			}
		);
	}

	/**
	 * Removes everything of this network (tests; uninstall drops the table).
	 */
	public function clear(): void {
		$this->table->clear();
		$this->meta->write([]);
	}

	/**
	 * The generation a change made now is tagged with: a walk under way
	 * must keep it.
	 *
	 * @param array<string, mixed> $meta The small record.
	 */
	private function current_generation(array $meta): int {
		return (int) ($meta['generation'] ?? 0);
	}

	/**
	 * Writes domains as the extension gives them, tagged with $generation;
	 * a name already held is overwritten.
	 *
	 * @param list<array<string, mixed>> $domains    Domains.
	 * @param int                        $generation Tag.
	 */
	private function store(array $domains, int $generation): void {
		$rows = [];
		foreach ($domains as $domain) {
			$rows[ strtolower((string) ($domain['name'] ?? '')) ] = [
				'domain_id'  => (int) ($domain['id'] ?? 0),
				'www'        => ! empty($domain['www']),
				'wildcard'   => ! empty($domain['wildcard']),
				'generation' => $generation,
			];
		}
		$this->table->put($rows);
	}

	/**
	 * Writes the small record, with the count and the wildcards as the table holds them now.
	 *
	 * @param array<string, mixed> $meta The small record.
	 */
	private function save(array $meta): void {
		$count     = $this->table->value('SELECT COUNT(*) FROM {table} WHERE network_id = {network}');
		$wildcards = $this->table->rows('SELECT name FROM {table} WHERE network_id = {network} AND wildcard = 1 ORDER BY name');
		$this->meta->write(['count' => (int) $count, 'wildcards' => array_column($wildcards, 0)] + $meta);
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
			'domain_id bigint(20) unsigned NOT NULL DEFAULT 0,
			www tinyint(1) unsigned NOT NULL DEFAULT 0,
			wildcard tinyint(1) unsigned NOT NULL DEFAULT 0,
			generation int(10) unsigned NOT NULL DEFAULT 0'
		);
	}

	/**
	 * A row as the API gives it.
	 *
	 * @param list<mixed> $row name, domain_id, www, wildcard.
	 * @return array{name: string, id: int, www: bool, wildcard: bool}
	 */
	private static function describe(array $row): array {
		return [
			'name'     => (string) $row[0],
			'id'       => (int) $row[1],
			'www'      => (bool) $row[2],
			'wildcard' => (bool) $row[3],
		];
	}
}
