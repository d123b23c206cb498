<?php
/**
 * The network's view of the web app's domains.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync;

use WuRunCloud\Plugin\Shared_Option;

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

	const OPTION = 'wu_runcloud_app_domains';

	/**
	 * The small part read on every event: wildcards, counts, when refreshed.
	 */
	const META_OPTION = 'wu_runcloud_app_domains_meta';

	/**
	 * Flags kept per name, in one integer so a large app stays compact.
	 */
	const WWW      = 1;
	const WILDCARD = 2;

	/**
	 * @var Shared_Option
	 */
	private $option;

	/**
	 * @var Shared_Option
	 */
	private $meta;

	public function __construct() {
		$this->option = new Shared_Option(self::OPTION);
		$this->meta   = new Shared_Option(self::META_OPTION);
	}

	/**
	 * Every domain known on the app, by name, sorted by name.
	 *
	 * @return array<string, array{name: string, id: int, www: bool, wildcard: bool}>
	 */
	public function all(): array {
		$all = [];
		foreach ($this->entries() as $name => $entry) {
			$all[ (string) $name ] = self::describe((string) $name, $entry);
		}
		ksort($all);
		return $all;
	}

	/**
	 * One domain as last seen, or null when the view does not hold it.
	 *
	 * @param string $name Normalised name.
	 * @return array{name: string, id: int, www: bool, wildcard: bool}|null
	 */
	public function get(string $name): ?array {
		$entries = $this->entries();
		return isset($entries[ $name ]) ? self::describe($name, $entries[ $name ]) : null;
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
	 * A slice of the view sorted by name, optionally only names containing
	 * $search: for a list table.
	 *
	 * @param int    $offset From 0.
	 * @param int    $limit  At most this many, 1 or more.
	 * @param string $search Part of a name, '' for all.
	 * @return array{total: int, domains: list<array{name: string, id: int, www: bool, wildcard: bool}>}
	 */
	public function page(int $offset, int $limit, string $search = ''): array {
		if ($offset < 0 || $limit < 1) {
			throw new \InvalidArgumentException('the offset must be 0 or more and the limit 1 or more');
		}
		$names  = array_keys($this->entries());
		$search = strtolower(trim($search));
		if ('' !== $search) {
			$names = array_values(
				array_filter(
					$names,
					static function ($name) use ($search) {
						return false !== strpos((string) $name, $search);
					}
				)
			);
		}
		sort($names, SORT_STRING);
		$entries = $this->entries();
		$domains = [];
		foreach (array_slice($names, $offset, $limit) as $name) {
			$domains[] = self::describe((string) $name, $entries[ $name ]);
		}
		return ['total' => count($names), 'domains' => $domains];
	}

	/**
	 * A whole listing of the app: the view becomes exactly it.
	 *
	 * @param list<array<string, mixed>> $domains As the extension lists them.
	 */
	public function replace(array $domains): void {
		$this->option->locked(
			function () use ($domains) {
				$meta    = $this->meta->read();
				$entries = [];
				$this->merge($entries, $domains, (int) ($meta['generation'] ?? 0));
				$this->save($entries, ['refreshed_at' => time()] + $meta);
			}
		);
	}

	/**
	 * An add's answer, or any domain seen on the app: recorded as present.
	 *
	 * @param array<string, mixed> $domain As the extension returns it (name, id, www, wildcard).
	 */
	public function record(array $domain): void {
		$this->option->locked(
			function () use ($domain) {
				$meta    = $this->meta->read();
				$entries = $this->entries();
				$this->merge($entries, [$domain], $this->current_generation($meta));
				$this->save($entries, $meta);
			}
		);
	}

	/**
	 * A removal: the name is no longer on the app.
	 *
	 * @param string $name Normalised name.
	 */
	public function forget(string $name): void {
		$this->option->locked(
			function () use ($name) {
				$entries = $this->entries();
				if (isset($entries[ $name ])) {
					unset($entries[ $name ]);
					$this->save($entries, $this->meta->read());
				}
			}
		);
	}

	/**
	 * Starts a walk through the app's pages; returns its generation.
	 */
	public function begin_walk(): int {
		return (int) $this->option->locked(
			function () {
				$meta               = $this->meta->read();
				$generation         = (int) ($meta['generation'] ?? 0) + 1;
				$meta['generation'] = $generation;
				$meta['walking']    = true;
				$this->save($this->entries(), $meta);
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
		$this->option->locked(
			function () use ($domains, $generation) {
				$entries = $this->entries();
				$this->merge($entries, $domains, $generation);
				$this->save($entries, $this->meta->read());
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
		$this->option->locked(
			function () use ($generation) {
				$meta = $this->meta->read();
				if ((int) ($meta['generation'] ?? 0) !== $generation) {
					return; // A later walk began meanwhile; it decides.
				}
				$entries = array_filter(
					$this->entries(),
					static function ($entry) use ($generation) {
						return (int) $entry[2] >= $generation;
					}
				);
				$meta['walking']      = false;
				$meta['refreshed_at'] = time();
				$this->save($entries, $meta);
			}
		);
	}

	/**
	 * Removes everything (uninstall, tests).
	 */
	public function clear(): void {
		$this->option->write([]);
		$this->meta->write([]);
	}

	/**
	 * The stored entries: name => [id, flags, generation].
	 *
	 * @return array<string, array{0: int, 1: int, 2: int}>
	 */
	private function entries(): array {
		return $this->option->read();
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
	 * Adds domains as the extension gives them to the entries.
	 *
	 * @param array<string, array{0: int, 1: int, 2: int}> $entries    The entries.
	 * @param list<array<string, mixed>>                   $domains    Domains.
	 * @param int                                          $generation Tag.
	 */
	private function merge(array &$entries, array $domains, int $generation): void {
		foreach ($domains as $domain) {
			$name = strtolower((string) ($domain['name'] ?? ''));
			if ('' === $name) {
				continue;
			}
			$flags            = (empty($domain['www']) ? 0 : self::WWW) | (empty($domain['wildcard']) ? 0 : self::WILDCARD);
			$entries[ $name ] = [(int) ($domain['id'] ?? 0), $flags, $generation];
		}
	}

	/**
	 * Writes the entries and the small record that summarises them.
	 *
	 * @param array<string, array{0: int, 1: int, 2: int}> $entries The entries.
	 * @param array<string, mixed>                         $meta    The small record.
	 */
	private function save(array $entries, array $meta): void {
		$wildcards = [];
		foreach ($entries as $name => $entry) {
			if ($entry[1] & self::WILDCARD) {
				$wildcards[] = (string) $name;
			}
		}
		$this->option->write($entries);
		$this->meta->write(['count' => count($entries), 'wildcards' => $wildcards] + $meta);
	}

	/**
	 * An entry as the API gives it.
	 *
	 * @param string               $name  Name.
	 * @param array{0: int, 1: int} $entry Stored entry.
	 * @return array{name: string, id: int, www: bool, wildcard: bool}
	 */
	private static function describe(string $name, array $entry): array {
		return [
			'name'     => $name,
			'id'       => (int) $entry[0],
			'www'      => (bool) ($entry[1] & self::WWW),
			'wildcard' => (bool) ($entry[1] & self::WILDCARD),
		];
	}
}
