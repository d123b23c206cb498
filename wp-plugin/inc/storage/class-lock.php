<?php
/**
 * The plugin's one database lock.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Storage;

defined('ABSPATH') || exit;

/**
 * A MariaDB/MySQL named lock (GET_LOCK), keyed by what it guards: a type
 * (a domain name, a shared option, the reconcile walk...) and an id within
 * it. The server releases the locks of a connection that ends, so a process
 * that dies while holding one blocks nobody. A connection may hold several
 * named locks at once (MariaDB 10.0.2+, MySQL 5.7+): a process converging a
 * name takes the shared options' locks too.
 *
 * The locks belong to the database connection, which is one per process: so
 * does the record of what this process holds, whichever instance took it.
 */
final class Lock {

	/**
	 * One process at a time converges a domain name (id: the name).
	 */
	const NAME = 'name';

	/**
	 * One process at a time changes a shared network option (id: the option).
	 */
	const OPTION = 'option';

	/**
	 * One process at a time reads and then changes rows of a table (id: the table).
	 */
	const TABLE = 'table';

	/**
	 * One process at a time moves the reconcile walk (no id).
	 */
	const RECONCILE_WALK = 'reconcile-walk';

	/**
	 * One process at a time creates or upgrades a table (id: the table).
	 */
	const SCHEMA = 'schema';

	/**
	 * Seconds a change waits for another process to finish its own.
	 */
	const WAIT = 10;

	/**
	 * Locks this process holds, by key.
	 *
	 * @var array<string, true>
	 */
	private static $held = [];

	/**
	 * How deep this process is in guarded() calls, by key.
	 *
	 * @var array<string, int>
	 */
	private static $depth = [];

	/**
	 * Takes a lock, waiting up to $wait seconds for another process to give
	 * it back; false when it stays taken, or when this process holds it
	 * already (deeper in the stack: the caller must not do the work twice).
	 *
	 * @param string $type One of the constants.
	 * @param string $id   What of that type.
	 * @param int    $wait Seconds to wait, 0 for none.
	 */
	public function acquire(string $type, string $id = '', int $wait = 0): bool {
		global $wpdb;
		$key = self::key($type, $id);
		if (isset(self::$held[ $key ])) {
			return false;
		}
		if ('1' !== (string) $wpdb->get_var($wpdb->prepare('SELECT GET_LOCK(%s, %d)', $key, $wait))) {
			return false;
		}
		self::$held[ $key ] = true;
		return true;
	}

	/**
	 * Gives a lock back (nothing when this process does not hold it).
	 *
	 * @param string $type One of the constants.
	 * @param string $id   What of that type.
	 */
	public function release(string $type, string $id = ''): void {
		global $wpdb;
		$key = self::key($type, $id);
		if (! isset(self::$held[ $key ])) {
			return;
		}
		unset(self::$held[ $key ]);
		$wpdb->query($wpdb->prepare('SELECT RELEASE_LOCK(%s)', $key));
	}

	/**
	 * Runs $work while no other process holds the lock, and returns what it
	 * returns. Calls may nest: the lock is taken once, by the outermost. A
	 * change must not be lost to a stuck process, so without the lock after
	 * $wait seconds the work goes ahead unguarded.
	 *
	 * @template T
	 * @param string        $type One of the constants.
	 * @param string        $id   What of that type.
	 * @param int           $wait Seconds to wait for the lock.
	 * @param callable(): T $work The work.
	 * @return T
	 */
	public function guarded(string $type, string $id, int $wait, callable $work) {
		$key                 = self::key($type, $id);
		$outermost           = ! isset(self::$depth[ $key ]);
		self::$depth[ $key ] = (self::$depth[ $key ] ?? 0) + 1;
		$taken               = $outermost && $this->acquire($type, $id, $wait);
		try {
			return $work();
		} finally {
			if (0 === --self::$depth[ $key ]) {
				unset(self::$depth[ $key ]);
			}
			if ($taken) {
				$this->release($type, $id);
			}
		}
	}

	/**
	 * The server-wide name of a lock: one per type, id and database (lock
	 * names are shared by every database of the server, 64 characters at most).
	 *
	 * @param string $type One of the constants.
	 * @param string $id   What of that type.
	 */
	public static function key(string $type, string $id = ''): string {
		global $wpdb;
		return 'wu_runcloud:' . $type . ':' . md5(DB_NAME . ':' . $wpdb->sitemeta . ':' . $id);
	}
}
