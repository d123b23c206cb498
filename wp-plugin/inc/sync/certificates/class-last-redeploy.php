<?php
/**
 * The last certificate redeploy that went through.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync\Certificates;

use WuRunCloud\Plugin\Extension\Target;
use WuRunCloud\Plugin\Storage\Shared_Option;

defined('ABSPATH') || exit;

/**
 * What the status read model needs to say whether a name's certificate covers
 * it: when the last redeploy went through, in which SSL mode, what RunCloud
 * did, and (advanced SSL) which names were redeployed one by one.
 */
class Last_Redeploy {

	/**
	 * Network option holding the record.
	 */
	const OPTION = 'wu_runcloud_last_redeploy';

	/**
	 * Names kept for advanced SSL; older ones drop out.
	 */
	const KEEP = 10000;

	/**
	 * @var Shared_Option
	 */
	private $option;

	/**
	 * @param Target|null $target The web app; null for the primary one.
	 */
	public function __construct(?Target $target = null) {
		$this->option = new Shared_Option(self::OPTION . ($target ?? Target::primary())->suffix());
	}

	/**
	 * Remembers a redeploy that went through (hooked to
	 * wu_runcloud_certificate_redeployed).
	 *
	 * @param array<string, mixed> $result The extension's answer: mode, action, domain.
	 * @param string               $name   The name asked for ('' for the app).
	 */
	public function remember($result, $name = ''): void {
		$result = (array) $result;
		$option = $this->option;
		$option->locked(
			static function () use ($option, $result, $name) {
				$last = $option->read();
				$mode = (string) ($result['mode'] ?? '');
				// Advanced SSL redeploys name by name: the names add up while the mode stays.
				$domains = 'advanced' === $mode && ($last['mode'] ?? '') === 'advanced' ? (array) ($last['domains'] ?? []) : [];
				if ('' !== (string) $name) {
					$domains[] = (string) $name;
				}
				$option->write(
					[
						'time'    => time(),
						'mode'    => $mode,
						'action'  => (string) ($result['action'] ?? ''),
						'domains' => array_slice(array_values(array_unique($domains)), -self::KEEP),
					]
				);
			}
		);
	}

	/**
	 * The last redeploy that went through, or null.
	 *
	 * @return array{time: int, mode: string, action: string, domains: list<string>}|null
	 */
	public function last(): ?array {
		$last = $this->option->read();
		if (! isset($last['time'])) {
			return null;
		}
		return ['time' => (int) $last['time'], 'mode' => (string) $last['mode'], 'action' => (string) $last['action'], 'domains' => array_map('strval', (array) $last['domains'])];
	}
}
