<?php
/**
 * One RunCloud web app the network's names go to.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Extension;

defined('ABSPATH') || exit;

/**
 * A web app of the RunCloud account, as "SERVER:APP". The primary one is the
 * app of WU_RUNCLOUD_SERVER_ID and WU_RUNCLOUD_APP_ID: the extension addresses
 * it when no app is given, and what the plugin keeps for it is kept under the
 * names it always had, so a network with one app sees no difference. Every
 * other app's records carry its key.
 */
final class Target {

	/**
	 * @var int
	 */
	private $server_id;

	/**
	 * @var int
	 */
	private $app_id;

	/**
	 * @var bool
	 */
	private $primary;

	/**
	 * @param int  $server_id RunCloud server id.
	 * @param int  $app_id    RunCloud web app id.
	 * @param bool $primary   Whether it is the app of the seed's constants.
	 */
	public function __construct(int $server_id, int $app_id, bool $primary) {
		$this->server_id = $server_id;
		$this->app_id    = $app_id;
		$this->primary   = $primary;
	}

	/**
	 * The primary app, whatever its ids: what the plugin keeps for it does not
	 * depend on them, and the extension addresses it by the constants.
	 */
	public static function primary(): self {
		return new self(0, 0, true);
	}

	/**
	 * A target from its key, or null when the key is not "SERVER:APP".
	 *
	 * @param string $key     "SERVER:APP", two positive integers.
	 * @param bool   $primary Whether it is the primary app.
	 */
	public static function from_key(string $key, bool $primary = false): ?self {
		if (1 !== preg_match('/^\s*([1-9][0-9]{0,18}):([1-9][0-9]{0,18})\s*$/', $key, $ids)) {
			return null;
		}
		return new self((int) $ids[1], (int) $ids[2], $primary);
	}

	/**
	 * "SERVER:APP".
	 */
	public function key(): string {
		return $this->server_id . ':' . $this->app_id;
	}

	/**
	 * Whether it is the app of WU_RUNCLOUD_SERVER_ID and WU_RUNCLOUD_APP_ID.
	 */
	public function is_primary(): bool {
		return $this->primary;
	}

	/**
	 * What the extension's functions take as their app: null for the primary
	 * app (the constants decide), "SERVER:APP" for any other.
	 */
	public function app_argument(): ?string {
		return $this->primary ? null : $this->key();
	}

	/**
	 * The key under which the plugin keeps this app's records: '' for the
	 * primary app, "SERVER:APP" for any other.
	 */
	public function storage_key(): string {
		return $this->primary ? '' : $this->key();
	}

	/**
	 * What the names of this app's tables and options end with: nothing for
	 * the primary app, a short hash of the key for any other (a table's name
	 * stays within MariaDB's 64 characters whatever the ids).
	 */
	public function suffix(): string {
		return $this->primary ? '' : '_' . substr(md5($this->key()), 0, 10);
	}

	/**
	 * The arguments of this app's scheduled runs: none for the primary app,
	 * its key for any other, so each app's retries run on their own schedule.
	 *
	 * @return list<string>
	 */
	public function hook_args(): array {
		return $this->primary ? [] : [$this->key()];
	}

	/**
	 * For people: "server 12345, app 67890".
	 */
	public function label(): string {
		/* translators: 1: RunCloud server id, 2: RunCloud web app id */
		return sprintf(__('server %1$d, app %2$d', 'wu-runcloud'), $this->server_id, $this->app_id);
	}
}
