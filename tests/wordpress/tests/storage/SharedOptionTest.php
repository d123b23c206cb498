<?php
/**
 * The plugin's records and queues under concurrent PHP processes.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

/**
 * Queue runners, cron, WP-CLI and admin requests change the same network
 * options at once: none of their changes may be lost.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class SharedOptionTest extends Integration_Test_Case {

	private const PROCESSES = 4;
	private const NAMES_EACH = 25;

	/**
	 * Each process waits for the same moment, then queues a retry and records
	 * a managed name for each of its names, as fast as it can.
	 */
	private const WRITER = <<<'PHP'
		$queue   = new \WuRunCloud\Plugin\Sync\Name_Queue(new \WuRunCloud\Plugin\Sync\Scheduler(), \WuRunCloud\Plugin\Plugin::instance()->logger());
		$managed = new \WuRunCloud\Plugin\Sync\Managed_Domains();
		time_sleep_until(START);
		for ($i = 0; $i < COUNT; $i++) {
			$name = sprintf('p%d-%02d.example.com', PROCESS, $i);
			$queue->failed($name, PROCESS, false, 'add_domain', 'test', '');
			$managed->remember($name, PROCESS, false, 'domain', 1000 + $i);
		}
		echo json_encode(['done' => COUNT]), "\n";
PHP;

	public function test_concurrent_processes_lose_no_retry_and_no_record(): void {
		$start     = microtime(true) + 2.0;
		$processes = [];
		for ($p = 1; $p <= self::PROCESSES; $p++) {
			$code        = sprintf("const START = %F; const COUNT = %d; const PROCESS = %d;\n", $start, self::NAMES_EACH, $p) . self::WRITER;
			$processes[] = $this->start_process($code);
		}
		foreach ($processes as [$process, $stdout, $stderr]) {
			$output = stream_get_contents($stdout);
			$errors = stream_get_contents($stderr);
			fclose($stdout);
			fclose($stderr);
			$this->assertSame(0, proc_close($process), $output . $errors);
		}

		$expected = [];
		for ($p = 1; $p <= self::PROCESSES; $p++) {
			for ($i = 0; $i < self::NAMES_EACH; $i++) {
				$expected[] = sprintf('p%d-%02d.example.com', $p, $i);
			}
		}
		wp_cache_flush();
		$queued  = array_keys($this->queued());
		$managed = array_keys($this->managed());
		sort($queued);
		sort($managed);
		$this->assertSame($expected, $queued, 'every queued retry is there');
		$this->assertSame($expected, $managed, 'every managed name is recorded');
	}

	/**
	 * Starts bin/wp-run.php with $code without waiting for it.
	 *
	 * @param string $code PHP code.
	 * @return array{0: resource, 1: resource, 2: resource}
	 */
	private function start_process(string $code): array {
		$process = proc_open(
			[PHP_BINARY, WU_TEST_SUITE_DIR . '/bin/wp-run.php'],
			[0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
			$pipes
		);
		fwrite($pipes[0], $code);
		fclose($pipes[0]);
		return [$process, $pipes[1], $pipes[2]];
	}
}
