<?php
/**
 * A network option that several PHP processes change at once.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Storage;

defined('ABSPATH') || exit;

/**
 * The plugin's queues and records live in network options that queue
 * runners, cron, WP-CLI and admin requests all change. A plain read, change
 * and write in two processes at once loses one of the changes, and a process
 * that lives long (a queue runner) reads a stale copy from its object cache.
 * So every change runs under a database lock, on a fresh read.
 *
 * The lock is a named lock of MariaDB/MySQL (GET_LOCK): the server releases it
 * when the connection that holds it ends, so a process that dies while holding
 * it blocks nobody.
 */
final class Shared_Option {

	/**
	 * Seconds to wait for another process to finish its change.
	 */
	const LOCK_WAIT = 10;

	/**
	 * @var string
	 */
	private $name;

	/**
	 * How deep this process is in locked() calls: the lock is taken once.
	 *
	 * @var int
	 */
	private $depth = 0;

	/**
	 * @param string $name The network option.
	 */
	public function __construct(string $name) {
		$this->name = $name;
	}

	/**
	 * The option as stored now, not as this process last saw it.
	 *
	 * @return array<mixed>
	 */
	public function read(): array {
		$network_id = get_current_network_id();
		wp_cache_delete($network_id . ':' . $this->name, 'site-options');
		wp_cache_delete($network_id . ':notoptions', 'site-options');
		$value = get_network_option($network_id, $this->name, []);
		return is_array($value) ? $value : [];
	}

	/**
	 * Stores the option; an empty value removes it.
	 *
	 * @param array<mixed> $value The new value.
	 */
	public function write(array $value): void {
		if ([] === $value) {
			delete_network_option(null, $this->name);
			return;
		}
		update_network_option(null, $this->name, $value);
	}

	/**
	 * Runs $work while no other process changes this option, and returns what
	 * it returns. Calls may nest.
	 *
	 * @template T
	 * @param callable(): T $work Reads with read(), changes with write().
	 * @return T
	 */
	public function locked(callable $work) {
		$locked = $this->acquire();
		try {
			return $work();
		} finally {
			$this->release($locked);
		}
	}

	/**
	 * Takes the lock unless this process holds it already. Without the lock
	 * after the wait (a stuck process), the change goes ahead unguarded rather
	 * than being lost.
	 */
	private function acquire(): bool {
		global $wpdb;
		if ($this->depth++ > 0) {
			return false;
		}
		return '1' === (string) $wpdb->get_var($wpdb->prepare('SELECT GET_LOCK(%s, %d)', $this->lock_name(), self::LOCK_WAIT));
	}

	/**
	 * @param bool $locked Whether acquire() took the lock.
	 */
	private function release(bool $locked): void {
		global $wpdb;
		--$this->depth;
		if ($locked) {
			$wpdb->query($wpdb->prepare('SELECT RELEASE_LOCK(%s)', $this->lock_name()));
		}
	}

	/**
	 * One lock per option and database (lock names are server-wide, 64 characters at most).
	 */
	private function lock_name(): string {
		global $wpdb;
		return 'wu_runcloud:' . substr(md5(DB_NAME . ':' . $wpdb->sitemeta . ':' . $this->name), 0, 32);
	}
}
