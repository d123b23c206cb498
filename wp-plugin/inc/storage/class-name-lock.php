<?php
/**
 * One process at a time on a name.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Storage;

defined('ABSPATH') || exit;

/**
 * A MariaDB/MySQL named lock per domain name (GET_LOCK), as the shared
 * options use: two processes never converge one name at once, and the server
 * releases the lock of a process that dies, so a dead process blocks nobody.
 * A process holds a name's lock while it takes the shared options' locks:
 * several named locks per connection, as MariaDB 10.0.2+ and MySQL 5.7+ allow.
 */
final class Name_Lock {

	/**
	 * Names this process holds.
	 *
	 * @var array<string, true>
	 */
	private $held = [];

	/**
	 * Takes the lock of a name without waiting; false when another process
	 * holds it (or this one does already, deeper in the stack).
	 *
	 * @param string $name Normalised name.
	 */
	public function acquire(string $name): bool {
		global $wpdb;
		if (isset($this->held[ $name ])) {
			return false;
		}
		$taken = '1' === (string) $wpdb->get_var($wpdb->prepare('SELECT GET_LOCK(%s, 0)', $this->lock_name($name)));
		if ($taken) {
			$this->held[ $name ] = true;
		}
		return $taken;
	}

	/**
	 * Gives the lock of a name back.
	 *
	 * @param string $name Normalised name.
	 */
	public function release(string $name): void {
		global $wpdb;
		if (! isset($this->held[ $name ])) {
			return;
		}
		unset($this->held[ $name ]);
		$wpdb->query($wpdb->prepare('SELECT RELEASE_LOCK(%s)', $this->lock_name($name)));
	}

	/**
	 * Lock names are server-wide and 64 characters at most: one per name and database.
	 *
	 * @param string $name Normalised name.
	 */
	private function lock_name(string $name): string {
		global $wpdb;
		return 'wu_runcloud:name:' . md5(DB_NAME . ':' . $wpdb->sitemeta . ':' . $name);
	}
}
