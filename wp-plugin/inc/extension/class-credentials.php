<?php
/**
 * Where the RunCloud credentials come from.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Extension;

defined('ABSPATH') || exit;

/**
 * The extension reads PHP constants at call time. wp-config.php normally
 * defines them; when Ultimate Multisite keeps them in its own credential store
 * instead (the 2.5+ wizard), they are defined from there, once, before the
 * first call. Values are never returned to callers other than define().
 */
class Credentials {

	const TOKEN      = 'WU_RUNCLOUD_API_TOKEN';
	const KEY        = 'WU_RUNCLOUD_API_KEY';
	const SECRET     = 'WU_RUNCLOUD_API_SECRET';
	const SERVER_ID  = 'WU_RUNCLOUD_SERVER_ID';
	const APP_ID     = 'WU_RUNCLOUD_APP_ID';
	const API_URL    = 'WU_RUNCLOUD_API_URL';

	/**
	 * The constants that may hold a secret: never logged, never shown.
	 */
	const SECRETS = [self::TOKEN, self::KEY, self::SECRET];

	/**
	 * Reads a stored credential by constant name; returns '' when there is none.
	 *
	 * @var callable|null
	 */
	private $store;

	/**
	 * Sets the credential store (Ultimate Multisite's integration object).
	 *
	 * @param callable|null $store function (string $constant): string.
	 */
	public function set_store(?callable $store): void {
		$this->store = $store;
	}

	/**
	 * Every constant the extension reads.
	 *
	 * @return list<string>
	 */
	public static function all(): array {
		return [self::TOKEN, self::KEY, self::SECRET, self::SERVER_ID, self::APP_ID, self::API_URL];
	}

	/**
	 * Whether a constant is defined with a non-empty value.
	 *
	 * @param string $name Constant name.
	 */
	public static function is_set(string $name): bool {
		return defined($name) && '' !== (string) constant($name);
	}

	/**
	 * Whether a value is available for a constant, from wp-config.php or the store.
	 *
	 * @param string $name Constant name.
	 */
	public function has(string $name): bool {
		return self::is_set($name) || '' !== $this->stored($name);
	}

	/**
	 * Whether the credentials are complete: the server and app ids, and either
	 * the API token (v3) or the API key and secret (v2).
	 */
	public function is_complete(): bool {
		return $this->has(self::SERVER_ID) && $this->has(self::APP_ID)
			&& ($this->has(self::TOKEN) || ($this->has(self::KEY) && $this->has(self::SECRET)));
	}

	/**
	 * Names of the constants still needed, for messages.
	 *
	 * @return list<string>
	 */
	public function missing(): array {
		$missing = [];
		foreach ([self::SERVER_ID, self::APP_ID] as $name) {
			if (! $this->has($name)) {
				$missing[] = $name;
			}
		}
		if (! $this->has(self::TOKEN) && ! ($this->has(self::KEY) && $this->has(self::SECRET))) {
			if ($this->has(self::KEY)) {
				$missing[] = self::SECRET;
			} elseif ($this->has(self::SECRET)) {
				$missing[] = self::KEY;
			} else {
				$missing[] = self::TOKEN . ' | ' . self::KEY . ' + ' . self::SECRET;
			}
		}
		return $missing;
	}

	/**
	 * Which API version the credentials select: 'v3', 'v2' or null.
	 */
	public function api_version(): ?string {
		if ($this->has(self::TOKEN)) {
			return 'v3';
		}
		return $this->has(self::KEY) && $this->has(self::SECRET) ? 'v2' : null;
	}

	/**
	 * Defines, from the store, the constants wp-config.php left undefined, when
	 * wp-config.php alone does not make a complete set. Constants win.
	 */
	public function define_missing(): void {
		if (null === $this->store || $this->constants_complete()) {
			return;
		}
		foreach (self::all() as $name) {
			if (defined($name)) {
				continue;
			}
			$value = $this->stored($name);
			if ('' !== $value) {
				define($name, $value);
			}
		}
	}

	/**
	 * Every secret value currently known, for redaction.
	 *
	 * @return list<string>
	 */
	public function secret_values(): array {
		$values = [];
		foreach (self::SECRETS as $name) {
			if (self::is_set($name)) {
				$values[] = (string) constant($name);
			}
			$stored = $this->stored($name);
			if ('' !== $stored) {
				$values[] = $stored;
			}
		}
		return array_values(array_unique($values));
	}

	/**
	 * Whether the constants alone are a complete set.
	 */
	private function constants_complete(): bool {
		return self::is_set(self::SERVER_ID) && self::is_set(self::APP_ID)
			&& (self::is_set(self::TOKEN) || (self::is_set(self::KEY) && self::is_set(self::SECRET)));
	}

	/**
	 * The stored value for a constant, or ''.
	 *
	 * @param string $name Constant name.
	 */
	private function stored(string $name): string {
		if (null === $this->store) {
			return '';
		}
		try {
			$value = call_user_func($this->store, $name);
		} catch (\Throwable $e) {
			return '';
		}
		return is_scalar($value) ? trim((string) $value) : '';
	}
}
