<?php
/**
 * TEST STAND-IN, written for this project's tests: the few WP_CLI methods the
 * plugin's command calls (Debian has no WP-CLI package). Output is recorded;
 * error() throws, where the real one exits. Not WP-CLI's code.
 *
 * @package WuRunCloud\Tests
 */

namespace {

	/**
	 * Stand-in for WP_CLI.
	 */
	class WP_CLI {

		/**
		 * What was printed: [kind, text].
		 *
		 * @var list<array{0: string, 1: string}>
		 */
		public static $output = [];

		/**
		 * Registered commands, by name.
		 *
		 * @var array<string, object>
		 */
		public static $commands = [];

		/**
		 * @param string $name    Command name.
		 * @param object $command Handler.
		 */
		public static function add_command($name, $command) {
			self::$commands[ $name ] = $command;
			return true;
		}

		/**
		 * @param string $text Text.
		 */
		public static function line($text = '') {
			self::$output[] = ['line', (string) $text];
		}

		/**
		 * @param string $text Text.
		 */
		public static function log($text) {
			self::$output[] = ['log', (string) $text];
		}

		/**
		 * @param string $text Text.
		 */
		public static function success($text) {
			self::$output[] = ['success', (string) $text];
		}

		/**
		 * @param string $text Text.
		 */
		public static function warning($text) {
			self::$output[] = ['warning', (string) $text];
		}

		/**
		 * @param string $text Text.
		 * @throws \WP_CLI\ExitException Always.
		 */
		public static function error($text) {
			self::$output[] = ['error', (string) $text];
			throw new \WP_CLI\ExitException((string) $text);
		}
	}
}

namespace WP_CLI {

	/**
	 * Stand-in: what the real WP_CLI::error() exits with.
	 */
	class ExitException extends \Exception {
	}
}

namespace WP_CLI\Utils {

	/**
	 * Stand-in for the progress bar (follows php/utils.php make_progress_bar()
	 * in WP-CLI, which returns a cli\progress\Bar, or a NoOp when piped): it
	 * records its message, count, ticks and whether it finished.
	 */
	class Progress_Bar {

		/**
		 * Every bar made, in order.
		 *
		 * @var list<Progress_Bar>
		 */
		public static $made = [];

		/**
		 * @var string
		 */
		public $message;

		/**
		 * @var int
		 */
		public $count;

		/**
		 * @var int
		 */
		public $ticks = 0;

		/**
		 * @var bool
		 */
		public $finished = false;

		/**
		 * @param string $message Text before the bar.
		 * @param int    $count   Ticks in all.
		 */
		public function __construct($message, $count) {
			$this->message = (string) $message;
			$this->count   = (int) $count;
		}

		/**
		 * @param int $increment Ticks done.
		 */
		public function tick($increment = 1) {
			$this->ticks += (int) $increment;
		}

		/**
		 * Ends the bar.
		 */
		public function finish() {
			$this->finished = true;
		}
	}

	/**
	 * Stand-in: follows php/utils.php make_progress_bar() in WP-CLI.
	 *
	 * @param string $message  Text before the bar.
	 * @param int    $count    Ticks in all.
	 * @param int    $interval Milliseconds between redraws (unused here).
	 */
	function make_progress_bar($message, $count, $interval = 100) {
		$bar                   = new Progress_Bar($message, $count);
		Progress_Bar::$made[] = $bar;
		return $bar;
	}

	/**
	 * Stand-in: records the items as JSON (the real one prints a table, CSV, ...).
	 *
	 * @param string $format Format.
	 * @param array  $items  Rows.
	 * @param array  $fields Columns.
	 */
	function format_items($format, $items, $fields) {
		\WP_CLI::$output[] = ['items', (string) json_encode(['format' => $format, 'fields' => $fields, 'items' => array_values($items)])];
	}
}
