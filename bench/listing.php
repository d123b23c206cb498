<?php
/**
 * Listing and reconciling a web app with 10,000 domains (250 pages of 40), one
 * way per process so each peak-RSS reading is that way's alone. Prints JSON.
 *
 * Usage: php [-d extension=/path/libwu_runcloud.so] bench/listing.php SIM_URL MODE RATE_PER_MINUTE
 * MODE: sequential-list | sequential-sync (PHP curl, one page after another)
 *       ours-list | ours-sync (the extension; sync as a dry run)
 * The simulator must have 10,000 domains (--extra-domains 9999).
 */

declare(strict_types=1);

require __DIR__ . '/common.php';

const EXPECTED      = 10000;
const NEW_WANTED    = 10;

[, $url, $mode, $rate] = $argv + [null, null, null, null];
if (null === $rate) {
	fwrite(STDERR, "usage: listing.php SIM_URL MODE RATE_PER_MINUTE\n");
	exit(2);
}
$sim = new Simulator($url);
bench_define_credentials($url);

$ways = [
	'sequential-list' => static fn (): array => ['domains' => sequential_list($url)],
	'sequential-sync' => static fn (): array => sequential_dry_run($url, wanted_names()),
	'ours-list'       => static fn (): array => ['domains' => wu_runcloud_list_domains()],
	'ours-sync'       => static fn (): array => wu_runcloud_sync(wanted_names(), ['dry_run' => true]),
];
$work = $ways[ $mode ] ?? throw new InvalidArgumentException("unknown mode $mode");

// Build the inputs first, so the reading before the call already counts them.
wanted_names();
$sim->latency(BENCH_LATENCY_MS);
$sim->rate_limit((int) $rate);
$sim->clear_log();

$rss_before  = bench_proc_status_kib('VmRSS');
$peak_before = bench_proc_status_kib('VmHWM');
[$ms, $result] = bench_time(static function () use ($work): array {
	try {
		return $work();
	} catch (Throwable $e) {
		// A failure is a result too (e.g. a rate limit that binds): report it, do not hide it.
		return ['error' => get_class($e) . ': ' . $e->getMessage()];
	}
});
$peak_after = bench_proc_status_kib('VmHWM');

$requests = $sim->requests();
$statuses = array_count_values(array_map(static fn (array $r): string => (string) ($r['status'] ?? 'dropped'), $requests));

bench_emit([
	'mode'             => $mode,
	'rate_per_minute'  => (int) $rate,
	'ms'               => round($ms, 1),
	'calls'            => count($requests),
	'statuses'         => $statuses,
	'domains'          => count($result['domains'] ?? []),
	'to_add'           => count($result['to_add'] ?? []),
	'unchanged'        => count($result['unchanged'] ?? []),
	'error'            => $result['error'] ?? null,
	'rss_before_kib'   => $rss_before,
	'peak_before_kib'  => $peak_before,
	'peak_after_kib'   => $peak_after,
	'peak_growth_kib'  => $peak_after - $peak_before,
]);

/**
 * What the network wants: every seeded domain but the last NEW_WANTED, plus
 * NEW_WANTED names the app does not have, so the plan has work in it.
 *
 * @return list<string>
 */
function wanted_names(): array {
	static $names = null;
	if (null === $names) {
		$names = ['network.test'];
		for ($i = 1; $i < EXPECTED - NEW_WANTED; $i++) {
			$names[] = sprintf('site-%05d.example.test', $i);
		}
		for ($i = 1; $i <= NEW_WANTED; $i++) {
			$names[] = sprintf('new-%02d.example.com', $i);
		}
	}
	return $names;
}

/**
 * The PHP way to plan a reconcile: list sequentially, then compare names.
 *
 * @param list<string> $wanted
 * @return array<string, list<string>>
 */
function sequential_dry_run(string $url, array $wanted): array {
	$present = array_column(sequential_list($url), 'name');
	return [
		'to_add'    => array_values(array_diff($wanted, $present)),
		'unchanged' => array_values(array_intersect($wanted, $present)),
	];
}
