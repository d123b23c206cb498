<?php
/**
 * WP-CLI: `wp runcloud test`.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\CLI;

use WuRunCloud\Plugin\Status\Logger;
use WuRunCloud\Plugin\Sync\Domain_Sync_Service;

defined('ABSPATH') || exit;

/**
 * Tests the connection to RunCloud.
 */
final class Test_Command extends Command {

	/**
	 * @var Domain_Sync_Service
	 */
	private $service;

	/**
	 * @param Logger              $logger  Logger.
	 * @param Domain_Sync_Service $service The service.
	 */
	public function __construct(Logger $logger, Domain_Sync_Service $service) {
		parent::__construct($logger);
		$this->service = $service;
	}

	/**
	 * Tests the connection: credentials, server and web app ids.
	 *
	 * ## EXAMPLES
	 *
	 *     wp runcloud test
	 *
	 * @param list<string>         $args       Positional arguments.
	 * @param array<string, mixed> $assoc_args Options.
	 */
	public function __invoke(array $args = [], array $assoc_args = []): void {
		$report = $this->service->test_connection();
		if ($report->ok) {
			\WP_CLI::success($report->message);
			return;
		}
		\WP_CLI::error($report->message);
	}
}
