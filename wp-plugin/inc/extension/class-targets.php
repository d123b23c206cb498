<?php
/**
 * The RunCloud web apps the network's names go to.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Extension;

use WuRunCloud\ConfigurationException;
use WuRunCloud\RunCloudException;

defined('ABSPATH') || exit;

/**
 * The primary app (the seed's WU_RUNCLOUD_SERVER_ID and WU_RUNCLOUD_APP_ID)
 * first, then the apps of WU_RUNCLOUD_APPS ("12345:67890, 12346:67891"),
 * then whatever the filter wu_runcloud_apps makes of that list, each once.
 * The extension reads and checks the constant, as it does the others; the
 * filter is for what a constant cannot express (apps kept elsewhere, an app
 * leaving while its server drains).
 *
 * An app taken out of the list is left as it is on RunCloud: nothing is
 * removed from it, and what the plugin kept for it waits in case it returns.
 */
class Targets {

	/**
	 * The optional constant listing more apps of the same account.
	 */
	const CONSTANT = 'WU_RUNCLOUD_APPS';

	/**
	 * @var Extension_Gateway
	 */
	private $gateway;

	/**
	 * Why WU_RUNCLOUD_APPS could not be read at the last reading, or null.
	 *
	 * @var string|null
	 */
	private $problem;

	/**
	 * @param Extension_Gateway $gateway Reads the apps the extension serves.
	 */
	public function __construct(Extension_Gateway $gateway) {
		$this->gateway = $gateway;
	}

	/**
	 * Every target, the primary first.
	 *
	 * @return list<Target>
	 */
	public function all(): array {
		return $this->read();
	}

	/**
	 * The primary app.
	 */
	public function primary(): Target {
		return $this->all()[0];
	}

	/**
	 * A target by its key ("SERVER:APP"), or null when it is not one of them.
	 *
	 * @param string $key "SERVER:APP".
	 */
	public function find(string $key): ?Target {
		foreach ($this->all() as $target) {
			if ($target->key() === trim($key)) {
				return $target;
			}
		}
		return null;
	}

	/**
	 * Why the other apps are not served (WU_RUNCLOUD_APPS is not a list of
	 * SERVER:APP), or null.
	 */
	public function problem(): ?string {
		$this->read();
		return $this->problem;
	}

	/**
	 * The primary app alone, as the extension names it.
	 *
	 * @return list<string>
	 */
	private function primary_alone(): array {
		try {
			return $this->gateway->apps('');
		} catch (RunCloudException | Extension_Missing_Exception $e) {
			return [];
		}
	}

	/**
	 * Whether there is more than the primary app.
	 */
	public function several(): bool {
		return count($this->all()) > 1;
	}

	/**
	 * The list as the extension and the filter make it, read at each use (a
	 * native call and a filter: no request). Without the extension,
	 * or before the primary app is configured, the primary alone (whose calls
	 * then fail with the reason).
	 *
	 * @return list<Target>
	 */
	private function read(): array {
		$this->problem = null;
		try {
			$keys = $this->gateway->apps();
		} catch (ConfigurationException $e) {
			// WU_RUNCLOUD_APPS cannot be read: the primary app goes on alone, and the page says why.
			$this->problem = Failure::describe($e);
			$keys          = $this->primary_alone();
		} catch (RunCloudException | Extension_Missing_Exception $e) {
			return [Target::primary()];
		}
		$primary = Target::from_key((string) array_shift($keys), true) ?? Target::primary();

		/**
		 * The web apps, besides the primary one, that every mapped name goes to.
		 *
		 * @param list<string> $keys "SERVER:APP" of each, from WU_RUNCLOUD_APPS.
		 */
		$keys    = (array) apply_filters('wu_runcloud_apps', $keys);
		$targets = [$primary->key() => $primary];
		foreach ($keys as $key) {
			$target = Target::from_key((string) $key);
			if (null !== $target && ! isset($targets[ $target->key() ])) {
				$targets[ $target->key() ] = $target;
			}
		}
		return array_values($targets);
	}
}
