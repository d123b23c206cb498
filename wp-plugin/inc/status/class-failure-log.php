<?php
/**
 * Operations given up on, kept until the network admin has seen them.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Status;

use WuRunCloud\Plugin\Extension\Failure;
use WuRunCloud\Plugin\Storage\Shared_Option;
use WuRunCloud\RunCloudException;

defined('ABSPATH') || exit;

/**
 * A network option holding the last few operations that failed for good
 * (wu_runcloud_operation_failed): a log line is easy to miss, so the
 * network-admin notice and page show them until the admin dismisses them.
 */
class Failure_Log {

	const OPTION = 'wu_runcloud_given_up';

	/**
	 * How many failures are kept; older ones drop out.
	 */
	const KEEP = 10;

	/**
	 * @var Shared_Option
	 */
	private $option;

	/**
	 * @var Logger
	 */
	private $logger;

	/**
	 * @param Logger $logger Redacts what is kept.
	 */
	public function __construct(Logger $logger) {
		$this->option = new Shared_Option(self::OPTION);
		$this->logger = $logger;
	}

	/**
	 * Records a failure (hooked to wu_runcloud_operation_failed).
	 *
	 * @param string                 $operation Operation name.
	 * @param string                 $name      Domain name ('' for the web app).
	 * @param int                    $site_id   Site id.
	 * @param RunCloudException|null $e         The failure, if this process saw it.
	 * @param string|null            $reason    Why, when known without $e.
	 */
	public function record($operation, $name, $site_id, $e, $reason = null): void {
		$error = $e instanceof RunCloudException ? Failure::describe($e) : (string) $reason;
		$entry = [
			'time'      => time(),
			'operation' => (string) $operation,
			'domain'    => (string) $name,
			'site_id'   => (int) $site_id,
			'error'     => $this->logger->redact($error),
		];
		$this->option->locked(
			function () use ($entry) {
				$all  = $this->all();
				$last = end($all);
				// The same failure again (a command run twice, say) is one row that counts.
				if (is_array($last) && [$last['operation'], $last['domain'], $last['error']] === [$entry['operation'], $entry['domain'], $entry['error']]) {
					array_pop($all);
					$entry['times'] = (int) ($last['times'] ?? 1) + 1;
				}
				$all[] = $entry;
				$this->option->write(array_slice($all, -self::KEEP));
			}
		);
	}

	/**
	 * The failures kept, oldest first.
	 *
	 * @return list<array{time: int, operation: string, domain: string, site_id: int, error: string, times?: int}>
	 */
	public function all(): array {
		return array_values($this->option->read());
	}

	/**
	 * Forgets every failure (the admin dismissed them).
	 */
	public function clear(): void {
		$this->option->locked(
			function () {
				$this->option->write([]);
			}
		);
	}
}
