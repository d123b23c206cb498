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
