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
	 * Stand-in: records the items as JSON, then what the real one prints for
	 * the machine formats, as ['stdout', text]. Follows php/utils.php
	 * format_items() and php/WP_CLI/Formatter.php in WP-CLI: each item is cut
	 * to the fields (Formatter::format() with pick_fields()); json is
	 * json_encode() of the list, values keeping their types; csv is
	 * write_csv() (a header of the fields, then one line an item); count
	 * prints the number of items; table and csv turn array values into
	 * JSON (transform_item_values_to_json()). An unknown format is an error,
	 * as Formatter::format() makes it. yaml (Spyc) and the table's drawing
	 * are not reproduced: only recorded.
	 *
	 * @param string $format Format.
	 * @param array  $items  Rows.
	 * @param array  $fields Columns.
	 */
	function format_items($format, $items, $fields) {
		\WP_CLI::$output[] = ['items', (string) json_encode(['format' => $format, 'fields' => $fields, 'items' => array_values($items)])];
		if (! in_array($format, ['table', 'json', 'csv', 'yaml', 'count', 'ids'], true)) {
			\WP_CLI::error(sprintf('Invalid format: %s', $format));
		}
		$picked = [];
		foreach ($items as $item) {
			$row = [];
			foreach ($fields as $field) {
				$value = ((array) $item)[ $field ] ?? null;
				if (in_array($format, ['table', 'csv'], true) && (is_array($value) || is_object($value))) {
					$value = json_encode($value);
				}
				$row[ $field ] = $value;
			}
			$picked[] = $row;
		}
		if ('json' === $format) {
			\WP_CLI::$output[] = ['stdout', (string) json_encode($picked)];
		} elseif ('count' === $format) {
			\WP_CLI::$output[] = ['stdout', (string) count($picked)];
		} elseif ('csv' === $format) {
			// As WP_CLI\Utils\write_csv() (php/utils.php): every argument given, so PHP 8.4 does not warn.
			$csv = fopen('php://memory', 'w+');
			fputcsv($csv, $fields, ',', '"', '\\');
			foreach ($picked as $row) {
				fputcsv($csv, array_values($row), ',', '"', '\\');
			}
			rewind($csv);
			\WP_CLI::$output[] = ['stdout', (string) stream_get_contents($csv)];
			fclose($csv);
		}
	}
}
