<?php
/**
 * WP-CLI: `wp runcloud apps`.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\CLI;

use WuRunCloud\Plugin\Status\App_Status;
use WuRunCloud\Plugin\Status\Logger;

defined('ABSPATH') || exit;

/**
 * The web apps the names go to, and how each stands.
 */
final class Apps_Command extends Command {

	/**
	 * The columns of the listing.
	 */
	const FIELDS = ['app', 'label', 'primary', 'reachable', 'ssl_mode', 'names', 'waiting', 'problem'];

	/**
	 * @var App_Status
	 */
	private $apps;

	/**
	 * @param Logger     $logger Logger.
	 * @param App_Status $apps   Each web app's state.
	 */
	public function __construct(Logger $logger, App_Status $apps) {
		parent::__construct($logger);
		$this->apps = $apps;
	}

	/**
	 * Lists the web apps every name goes to, from what the plugin keeps (no request).
	 *
	 * The primary app is WU_RUNCLOUD_SERVER_ID:WU_RUNCLOUD_APP_ID; the others
	 * come from WU_RUNCLOUD_APPS and the wu_runcloud_apps filter.
	 *
	 * ## OPTIONS
	 *
	 * [--field=<field>]
	 * : Prints the value of a single column for each app.
	 *
	 * [--fields=<fields>]
	 * : Comma-separated list of the columns to show.
	 *
	 * [--format=<format>]
	 * : Render output in a particular format; ids prints each app's SERVER:APP.
	 * ---
	 * default: table
	 * options:
	 *   - table
	 *   - csv
	 *   - json
	 *   - yaml
	 *   - count
	 *   - ids
	 * ---
	 *
	 * ## AVAILABLE FIELDS
	 *
	 * * app: SERVER:APP
	 * * label
	 * * primary: whether it is the app of the constants
	 * * reachable: yes, no (its last answer was a failure) or unknown (not read whole yet)
	 * * ssl_mode: basic, advanced or auto, as last seen ('' when never seen)
	 * * names: the names the plugin's view of the app holds
	 * * waiting: names waiting for a retry on it
	 * * problem: its last failure, in words
	 * * view_whole, progress
	 *
	 * ## EXAMPLES
	 *
	 *     wp runcloud apps
	 *     wp runcloud apps --format=json
	 *
	 * @param list<string>         $args       Positional arguments.
	 * @param array<string, mixed> $assoc_args Options.
	 */
	public function __invoke(array $args = [], array $assoc_args = []): void {
		$rows = array_map(
			function (array $app): array {
				$app['problem'] = $this->logger->redact($app['problem']);
				return $app;
			},
			$this->apps->all()
		);
		$problem = $this->apps->problem();
		if ('' !== $problem) {
			$this->warn($problem);
		}
		$this->display($assoc_args, $rows, self::FIELDS, 'app');
	}
}
