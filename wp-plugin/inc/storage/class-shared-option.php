<?php
/**
 * A network option that several PHP processes change at once.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Storage;

defined('ABSPATH') || exit;

/**
 * The plugin's small records live in network options that queue runners,
 * cron, WP-CLI and admin requests all change. A plain read, change and write
 * in two processes at once loses one of the changes, and a process that lives
 * long (a queue runner) reads a stale copy from its object cache. So every
 * change runs under the option's lock, on a fresh read.
 */
final class Shared_Option {

	/**
	 * @var string
	 */
	private $name;

	/**
	 * The network holding it; null for the current one.
	 *
	 * @var int|null
	 */
	private $network;

	/**
	 * @var Lock
	 */
	private $lock;

	/**
	 * @param string   $name    The network option.
	 * @param int|null $network The network holding it; null for the current one.
	 */
	public function __construct(string $name, ?int $network = null) {
		$this->name    = $name;
		$this->network = $network;
		$this->lock    = new Lock();
	}

	/**
	 * The option as stored now, not as this process last saw it.
	 *
	 * @return array<mixed>
	 */
	public function read(): array {
		$network_id = $this->network ?? get_current_network_id();
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
			delete_network_option($this->network, $this->name);
			return;
		}
		update_network_option($this->network, $this->name, $value);
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
		return $this->lock->guarded(Lock::OPTION, $this->name, Lock::WAIT, $work);
	}
}
