<?php
/**
 * What loading the extension costs a PHP process that never calls it:
 * start-up time and memory of `php -n -r ''` with and without
 * `-d extension=...`, alternating the two so machine noise hits both alike.
 * Prints JSON with medians.
 *
 * Usage: php -n bench/startup.php /path/libwu_runcloud.so [RUNS]
 */

declare(strict_types=1);

require __DIR__ . '/common.php';

$extension = $argv[1] ?? throw new InvalidArgumentException('usage: startup.php EXTENSION [RUNS]');
$runs      = (int) ($argv[2] ?? 200);

$without = [PHP_BINARY, '-n'];
$with    = [PHP_BINARY, '-n', '-d', 'extension=' . $extension];

// Proves the "with" command really loads it: a typo would otherwise measure nothing.
if ('1' !== trim(run([...$with, '-r', 'echo (int) extension_loaded("wu_runcloud");']))) {
	throw new RuntimeException("$extension does not load with php -n");
}

$report = "echo json_encode(['rss' => %s, 'peak' => %s, 'heap' => memory_get_usage()]);";
$memory = sprintf($report, 'read_kib("VmRSS")', 'read_kib("VmHWM")');
$reader = 'function read_kib($f) { preg_match("/^$f:\\s+(\\d+)/m", file_get_contents("/proc/self/status"), $m); return (int) $m[1]; }';

$times    = ['without' => [], 'with' => []];
$readings = ['without' => [], 'with' => []];
for ($i = 0; $i < $runs; $i++) {
	foreach (['without' => $without, 'with' => $with] as $label => $command) {
		[$ms]              = bench_time(static fn () => run([...$command, '-r', '']));
		$times[ $label ][] = $ms;
	}
}
// Memory is deterministic enough that fewer runs give a stable median.
for ($i = 0; $i < min($runs, 30); $i++) {
	foreach (['without' => $without, 'with' => $with] as $label => $command) {
		$readings[ $label ][] = json_decode(run([...$command, '-r', $reader . $memory]), true, 512, JSON_THROW_ON_ERROR);
	}
}

$summary = [];
foreach (['without', 'with'] as $label) {
	$summary[ $label ] = [
		'median_ms'  => round(bench_median($times[ $label ]), 3),
		'rss_kib'    => bench_median(array_column($readings[ $label ], 'rss')),
		'peak_kib'   => bench_median(array_column($readings[ $label ], 'peak')),
		'heap_bytes' => bench_median(array_column($readings[ $label ], 'heap')),
	];
}

// Each "with" run follows its "without" run: the median of those pairwise
// differences cancels slow drift of the machine better than a difference of medians.
$differences = array_map(static fn (float $with, float $without): float => $with - $without, $times['with'], $times['without']);

bench_emit([
	'runs'            => $runs,
	'added_ms'        => round(bench_median($differences), 3),
	'command_without' => "php -n -r ''",
	'command_with'    => "php -n -d extension=libwu_runcloud.so -r ''",
	'so_bytes'        => filesize($extension),
	'without'         => $summary['without'],
	'with'            => $summary['with'],
]);

/**
 * Runs a command without a shell and returns its stdout; fails on a non-zero exit.
 *
 * @param list<string> $command
 */
function run(array $command): string {
	$process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
	$output  = stream_get_contents($pipes[1]);
	$errors  = stream_get_contents($pipes[2]);
	fclose($pipes[1]);
	fclose($pipes[2]);
	if (0 !== proc_close($process)) {
		throw new RuntimeException('failed: ' . implode(' ', $command) . "\n" . $errors);
	}
	return (string) $output;
}
