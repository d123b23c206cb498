<?php
/**
 * Checks the simulated web app after a load run: exactly the primary domain
 * plus the load domains that were added and not removed, each once; and the
 * run really met rate limiting and server errors.
 *
 * Arguments: simulator URL, domain count, primary domain, then the workers'
 * JSON summaries as files.
 */

declare(strict_types=1);

[$url, $total, $primary] = [$argv[1], (int) $argv[2], $argv[3]];
$summaries = array_map(fn ($file) => json_decode((string) file_get_contents($file), true), array_slice($argv, 4));

$state = json_decode((string) file_get_contents("$url/__sim/state"), true);
$names = array_column($state['domains'], 'name');
$expected = [$primary];
for ($n = 0; $n < $total; $n += 2) {
    $expected[] = sprintf('load-%04d.example.test', $n);
}

$problems = [];
foreach ($summaries as $i => $summary) {
    if (!is_array($summary)) {
        $problems[] = "worker $i printed no summary";
        continue;
    }
    foreach ($summary['failures'] as $failure) {
        $problems[] = "worker $i gave up: $failure";
    }
}
$duplicates = array_keys(array_filter(array_count_values($names), fn ($count) => $count > 1));
if ($duplicates !== []) {
    $problems[] = 'duplicated on the app: ' . implode(', ', array_slice($duplicates, 0, 10));
}
$missing = array_diff($expected, $names);
$unexpected = array_diff($names, $expected);
if ($missing !== []) {
    $problems[] = count($missing) . ' missing, e.g. ' . implode(', ', array_slice($missing, 0, 5));
}
if ($unexpected !== []) {
    $problems[] = count($unexpected) . ' not wanted, e.g. ' . implode(', ', array_slice($unexpected, 0, 5));
}
$counters = $state['counters'];
if ($counters['rate_limited'] === 0) {
    $problems[] = 'the rate limit was never hit: the run proved nothing about it';
}
if ($counters['faults_applied'] === 0) {
    $problems[] = 'no server error was injected: the run proved nothing about them';
}

printf(
    "%d workers: %d adds, %d removals, %d retries by the queue; simulator: %d requests, %d rate-limited, %d server errors injected; app holds %d domains (%d expected)\n",
    count($summaries),
    array_sum(array_column(array_filter($summaries, 'is_array'), 'added')),
    array_sum(array_column(array_filter($summaries, 'is_array'), 'removed')),
    array_sum(array_column(array_filter($summaries, 'is_array'), 'retries')),
    $counters['api_requests'],
    $counters['rate_limited'],
    $counters['faults_applied'],
    count($names),
    count($expected)
);
foreach ($problems as $problem) {
    echo "FAIL: $problem\n";
}
echo $problems === [] ? "load: 1 passed, 0 failed\n" : "load: 0 passed, 1 failed\n";
exit($problems === [] ? 0 : 1);
