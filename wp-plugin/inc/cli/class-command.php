<?php
/**
 * What every `wp runcloud` subcommand shares.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\CLI;

use WuRunCloud\Plugin\Extension\Failure;
use WuRunCloud\Plugin\Status\Logger;
use WuRunCloud\Plugin\Status\Printable;
use WuRunCloud\RunCloudException;

defined('ABSPATH') || exit;

/**
 * One subcommand of `wp runcloud`, registered as `runcloud <name>`: WP-CLI
 * calls the object with the positional arguments and the options, and reads
 * the subcommand's help and synopsis from its __invoke() docblock.
 *
 * Shared here: how a command ends on a failure (redacted, exit status 1),
 * how a batch reports, and how a listing prints through WP-CLI's Formatter.
 */
abstract class Command {

	/**
	 * @var Logger
	 */
	protected $logger;

	/**
	 * @param Logger $logger Removes credentials from what is printed.
	 */
	public function __construct(Logger $logger) {
		$this->logger = $logger;
	}

	/**
	 * Runs the subcommand.
	 *
	 * @param list<string>         $args       Positional arguments.
	 * @param array<string, mixed> $assoc_args Options.
	 */
	abstract public function __invoke(array $args = [], array $assoc_args = []): void;

	/**
	 * Ends the command with why a RunCloud call could not be made, in words
	 * and redacted.
	 *
	 * @param RunCloudException|\WuRunCloud\Plugin\Extension\Extension_Missing_Exception $e The failure.
	 */
	protected function stop(\Exception $e): void {
		if ($e instanceof RunCloudException) {
			\WP_CLI::error($this->logger->redact(Failure::explain(Failure::describe($e))));
			return;
		}
		$this->extension_missing();
	}

	/**
	 * Ends the command: nothing can reach RunCloud without the extension.
	 */
	protected function extension_missing(): void {
		\WP_CLI::error(__('The wu_runcloud PHP extension is not loaded.', 'wu-runcloud'));
	}

	/**
	 * A warning, credentials removed.
	 *
	 * @param string $message The warning.
	 */
	protected function warn(string $message): void {
		\WP_CLI::warning($this->logger->redact($message));
	}

	/**
	 * Ends a batch as WP-CLI's report_batch_operation_results() does: a
	 * warning for each item that failed, then an error (exit status 1) when
	 * any did, or else the success.
	 *
	 * @param list<string> $failures What failed and why, one line each.
	 * @param string       $failed   The summary when any failed.
	 * @param string       $success  The summary when none did.
	 */
	protected function report_batch(array $failures, string $failed, string $success): void {
		foreach ($failures as $failure) {
			$this->warn($failure);
		}
		if ([] !== $failures) {
			\WP_CLI::error($failed);
			return;
		}
		\WP_CLI::success($success);
	}

	/**
	 * Prints a listing through WP-CLI's Formatter, which follows --format,
	 * --fields (the columns, in their order) and --field (one value a row).
	 *
	 * The rows come typed; machines (json, yaml) get the types, people (a
	 * table, CSV) read a boolean as yes or no and nothing for null. Every
	 * string is made printable first.
	 *
	 * @param array<string, mixed>       $assoc_args Options.
	 * @param list<array<string, mixed>> $rows       The rows.
	 * @param list<string>               $fields     The columns shown without --fields.
	 * @param string|null                $ids        The column --format=ids prints.
	 */
	protected function display(array $assoc_args, array $rows, array $fields, ?string $ids = null): void {
		$formatter = new \WP_CLI\Formatter($assoc_args, $fields);
		$rows      = array_map([Printable::class, 'row'], $rows);
		if ('ids' === $formatter->format && null !== $ids) {
			$formatter->display_items(array_column($rows, $ids));
			return;
		}
		$formatter->display_items(self::for_people($formatter->format) ? array_map([self::class, 'in_words'], $rows) : $rows);
	}

	/**
	 * Whether a format is read by people rather than parsed.
	 *
	 * @param string $format The --format given.
	 */
	protected static function for_people(string $format): bool {
		return in_array($format, ['table', 'csv'], true);
	}

	/**
	 * How close the basic certificate is to its 100 names, in words.
	 *
	 * @param array{status: string, message: string}|null $ceiling What the service reports, or null outside basic SSL.
	 */
	protected static function basic_ceiling(?array $ceiling): string {
		if (null === $ceiling) {
			return __('not in use (advanced SSL, AutoSSL, or the mode not seen yet)', 'wu-runcloud');
		}
		return ('good' === $ceiling['status'] ? '' : strtoupper($ceiling['status']) . ': ') . $ceiling['message'];
	}

	/**
	 * A row as people read it: yes or no, and nothing for a missing value.
	 *
	 * @param array<string, mixed> $row A typed row.
	 * @return array<string, mixed>
	 */
	private static function in_words(array $row): array {
		foreach ($row as $field => $value) {
			if (is_bool($value)) {
				$row[ $field ] = $value ? 'yes' : 'no';
			} elseif (null === $value) {
				$row[ $field ] = '';
			}
		}
		return $row;
	}
}
