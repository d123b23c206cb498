<?php
/**
 * TEST STAND-IN, written for this project's tests: the few parts of WP-CLI the
 * plugin's commands use (Debian has no WP-CLI package), each following what
 * WP-CLI's own does. Output is recorded; error() throws, where the real one
 * exits. Not WP-CLI's code.
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

		/**
		 * Follows WP_CLI::print_value() (php/class-wp-cli.php): JSON for json,
		 * var_export() for an array or object, else the value as text.
		 *
		 * @param mixed                $value      Value.
		 * @param array<string, mixed> $assoc_args format.
		 */
		public static function print_value($value, $assoc_args = []) {
			if ('json' === ($assoc_args['format'] ?? '')) {
				$value = json_encode($value);
			} elseif (is_array($value) || is_object($value)) {
				$value = var_export($value, true);
			}
			self::$output[] = ['stdout', (string) $value];
		}
	}
}

namespace WP_CLI {

	/**
	 * Stand-in: what the real WP_CLI::error() exits with.
	 */
	class ExitException extends \Exception {
	}

	/**
	 * Stand-in for php/WP_CLI/Formatter.php in WP-CLI: the options format
	 * (table by default), fields (a list, or comma-separated) and field are
	 * taken out of the command's options; display_items() records the items
	 * as JSON (['items', ...]), then prints what the real one prints:
	 * --field one value a row (WP_CLI::print_value(); json a list of them);
	 * else a warning for each field no item has, the items cut to the fields
	 * (Utils\pick_fields()), table and csv with array values as JSON and
	 * booleans as true/false (transform_item_values_to_json()); json is
	 * json_encode() of the list, csv Utils\write_csv(), count the number of
	 * items, ids the items one space apart, and the table what cli\Table
	 * prints when piped (its Tabular renderer: the header, then a line a row,
	 * tab-separated), through WP_CLI::line(). yaml (Spyc) is only recorded.
	 * Any other format is an error.
	 */
	class Formatter {

		/**
		 * @var array{format: string, fields: list<string>, field: string|null}
		 */
		private $args;

		/**
		 * @param array<string, mixed>     $assoc_args The command's options; the formatter's are taken out.
		 * @param list<string>|string|null $fields     The fields shown without --fields.
		 */
		public function __construct(&$assoc_args, $fields = null) {
			$args = ['format' => 'table', 'fields' => $fields, 'field' => null];
			foreach (array_keys($args) as $key) {
				if (isset($assoc_args[ $key ])) {
					$args[ $key ] = $assoc_args[ $key ];
					unset($assoc_args[ $key ]);
				}
			}
			if (is_string($args['fields'])) {
				$args['fields'] = array_map('trim', explode(',', $args['fields']));
			} elseif (! is_array($args['fields'])) {
				$args['fields'] = [];
			}
			$this->args = $args;
		}

		/**
		 * @param string $key format, fields or field.
		 * @return mixed
		 */
		public function __get($key) {
			return $this->args[ $key ];
		}

		/**
		 * @param iterable<mixed> $items Items.
		 */
		public function display_items($items) {
			$items             = is_array($items) ? array_values($items) : iterator_to_array($items, false);
			\WP_CLI::$output[] = ['items', (string) json_encode(['format' => $this->args['format'], 'fields' => $this->args['fields'], 'items' => $items])];
			if ($this->args['field']) {
				$this->show_single_field($items, (string) $this->args['field']);
				return;
			}
			if (in_array($this->args['format'], ['table', 'csv', 'json', 'yaml'], true)) {
				$this->warn_of_missing_fields($items);
			}
			if (in_array($this->args['format'], ['table', 'csv'], true)) {
				$items = array_map([$this, 'values_as_text'], $items);
			}
			$this->format($items);
		}

		/**
		 * @param list<mixed> $items Items.
		 */
		private function format(array $items) {
			$format = $this->args['format'];
			if ('count' === $format) {
				\WP_CLI::$output[] = ['stdout', (string) count($items)];
				return;
			}
			if ('ids' === $format) {
				\WP_CLI::$output[] = ['stdout', implode(' ', $items)];
				return;
			}
			$picked = [];
			foreach ($items as $item) {
				$picked[] = Utils\pick_fields($item, $this->args['fields']);
			}
			if ('json' === $format) {
				\WP_CLI::$output[] = ['stdout', (string) json_encode($picked)];
			} elseif ('csv' === $format) {
				$csv = fopen('php://memory', 'w+');
				Utils\write_csv($csv, $picked, $this->args['fields']);
				rewind($csv);
				\WP_CLI::$output[] = ['stdout', (string) stream_get_contents($csv)];
				fclose($csv);
			} elseif ('table' === $format) {
				\WP_CLI::line(implode("\t", $this->args['fields']));
				foreach ($picked as $row) {
					\WP_CLI::line(implode("\t", array_map('strval', $row)));
				}
			} elseif ('yaml' !== $format) {
				\WP_CLI::error('Invalid format: ' . $format);
			}
		}

		/**
		 * @param list<mixed> $items Items.
		 * @param string      $field The field.
		 */
		private function show_single_field(array $items, string $field) {
			$values = [];
			$found  = false;
			foreach ($items as $item) {
				$item   = (array) $item;
				$found  = $found || array_key_exists($field, $item);
				$value  = $item[ $field ] ?? null;
				if ('json' === $this->args['format']) {
					$values[] = $value;
				} else {
					\WP_CLI::print_value($value, ['format' => $this->args['format']]);
				}
			}
			if (! $found && [] !== $items) {
				\WP_CLI::warning("Field not found in any item: $field.");
			}
			if ('json' === $this->args['format']) {
				\WP_CLI::$output[] = ['stdout', (string) json_encode($values)];
			}
		}

		/**
		 * @param list<mixed> $items Items.
		 */
		private function warn_of_missing_fields(array $items) {
			if ([] === $items) {
				return;
			}
			foreach ($this->args['fields'] as $field) {
				$found = false;
				foreach ($items as $item) {
					$found = $found || array_key_exists($field, (array) $item);
				}
				if (! $found) {
					\WP_CLI::warning("Field not found in any item: $field.");
				}
			}
		}

		/**
		 * @param mixed $item An item.
		 * @return mixed
		 */
		private function values_as_text($item) {
			if (! is_array($item)) {
				return $item;
			}
			foreach ($item as $key => $value) {
				if (is_array($value) || is_object($value)) {
					$item[ $key ] = json_encode($value);
				} elseif (is_bool($value)) {
					$item[ $key ] = $value ? 'true' : 'false';
				}
			}
			return $item;
		}
	}
}

namespace WP_CLI\Dispatcher {

	/**
	 * Stand-in for php/WP_CLI/Dispatcher/CommandNamespace.php in WP-CLI: a
	 * command name whose docblock describes its subcommands.
	 */
	class CommandNamespace {
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
	 * Stand-in: follows php/utils.php format_items() in WP-CLI.
	 *
	 * @param string $format Format.
	 * @param array  $items  Rows.
	 * @param array  $fields Columns.
	 */
	function format_items($format, $items, $fields) {
		$assoc_args = ['format' => $format, 'fields' => $fields];
		(new \WP_CLI\Formatter($assoc_args))->display_items($items);
	}

	/**
	 * Stand-in: follows php/utils.php pick_fields() in WP-CLI.
	 *
	 * @param array|object $item   An item.
	 * @param list<string> $fields Fields.
	 * @return array<string, mixed>
	 */
	function pick_fields($item, $fields) {
		$values = [];
		foreach ($fields as $field) {
			$values[ $field ] = ((array) $item)[ $field ] ?? null;
		}
		return $values;
	}

	/**
	 * Stand-in: follows php/utils.php write_csv() in WP-CLI, every argument
	 * of fputcsv() given, so PHP 8.4 does not warn.
	 *
	 * @param resource     $fd      Where to.
	 * @param list<array>  $rows    Rows.
	 * @param list<string> $headers Header.
	 */
	function write_csv($fd, $rows, $headers = []) {
		if ([] !== $headers) {
			fputcsv($fd, array_map(__NAMESPACE__ . '\\escape_csv_value', $headers), ',', '"', '\\');
		}
		foreach ($rows as $row) {
			if ([] !== $headers) {
				$row = pick_fields($row, $headers);
			}
			fputcsv($fd, array_values(array_map(__NAMESPACE__ . '\\escape_csv_value', $row)), ',', '"', '\\');
		}
	}

	/**
	 * Stand-in: follows php/utils.php escape_csv_value() in WP-CLI: nothing
	 * for null; a value a spreadsheet would take for a formula is quoted.
	 *
	 * @param mixed $value A value.
	 */
	function escape_csv_value($value) {
		if (null === $value) {
			return '';
		}
		$value = (string) $value;
		return in_array(substr($value, 0, 1), ['=', '+', '-', '@', "\t", "\r"], true) ? "'{$value}" : $value;
	}
}
