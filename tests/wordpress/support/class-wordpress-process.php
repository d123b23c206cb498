<?php
/**
 * A new PHP process with the test network's WordPress loaded.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

/**
 * Runs PHP code through bin/wp-run.php in a fresh process, with environment
 * changes (other constants, another architecture, no extension), and returns
 * what the code printed as JSON (its last line) plus everything else.
 */
final class WordPress_Process {

	/**
	 * @param string                     $code PHP code (no opening tag); print json_encode(...) last.
	 * @param array<string, string|null> $env  Variables to set; null removes one.
	 * @return array{status: int, result: mixed, output: string, errors: string}
	 */
	public static function run(string $code, array $env = []): array {
		$environment = getenv();
		foreach ($env as $name => $value) {
			if (null === $value) {
				unset($environment[ $name ]);
			} else {
				$environment[ $name ] = $value;
			}
		}
		$process = proc_open(
			[PHP_BINARY, dirname(__DIR__) . '/bin/wp-run.php'],
			[0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
			$pipes,
			null,
			$environment
		);
		fwrite($pipes[0], $code);
		fclose($pipes[0]);
		$output = stream_get_contents($pipes[1]);
		$errors = stream_get_contents($pipes[2]);
		fclose($pipes[1]);
		fclose($pipes[2]);
		$status = proc_close($process);
		$lines  = preg_split('/\R/', trim($output));
		return [
			'status' => $status,
			'result' => json_decode((string) end($lines), true),
			'output' => $output,
			'errors' => $errors,
		];
	}

	/**
	 * The environment of a process without the extension: PHP's own ini
	 * directories only.
	 *
	 * @return array<string, null>
	 */
	public static function without_extension(): array {
		return ['PHP_INI_SCAN_DIR' => null];
	}
}
