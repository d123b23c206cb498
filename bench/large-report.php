<?php
/**
 * Writes the 10,000-domain table (bench/large-network.php's JSON) into
 * BENCHMARKS.md, between its markers, leaving the rest of the file alone;
 * bench/report.php (make bench) keeps that block when it regenerates the file.
 *
 * Usage: php bench/large-report.php RESULTS.json BENCHMARKS.md
 */

declare(strict_types=1);

const LARGE_BEGIN = '<!-- large-network: written by make bench-large -->';
const LARGE_END   = '<!-- /large-network -->';

[, $results, $file] = $argv + [null, null, null];
if (null === $file) {
	fwrite(STDERR, "usage: large-report.php RESULTS.json BENCHMARKS.md\n");
	exit(2);
}
require __DIR__ . '/common.php';
$data = json_decode((string) file_get_contents($results), true, 512, JSON_THROW_ON_ERROR);
bench_write_section($file, LARGE_BEGIN, LARGE_END, large_section($data, gmdate('Y-m-d')));

/**
 * The section: requests per event side by side, then the reconcile.
 *
 * @param array<string, mixed> $data The measurements.
 * @param string               $day  When they were taken.
 */
function large_section(array $data, string $day): string {
	$rate   = (int) $data['rate_per_minute'];
	$events = [
		'new_site'      => ['new site (subdomain install, no wildcard)', 2],
		'mapping'       => ['mapping', 2],
		'unmapping'     => ['unmapping (id known)', 2],
		'site_deletion' => ['site deletion', 2],
	];
	$out  = sprintf("## %s-domain app, %d requests/minute\n\n", number_format((int) $data['domains']), $rate);
	$out .= "Written by `make bench-large` ([`bench/large.sh`](bench/large.sh)) on $day, one run: the plugin in a\n";
	$out .= "real WordPress subdomain multisite (Ultimate Multisite 2.5 and Action Scheduler stand-ins, events\n";
	$out .= "through its `Domain_Manager`) and the baseline's handlers for the same events, against the\n";
	$out .= sprintf("simulator seeded with %s domains, limited to %d requests a minute, 20 ms latency.\n\n", number_format((int) $data['domains']), $rate);
	$out .= "The web app is in basic SSL (the simulator's default) for every figure here. One basic certificate\n";
	$out .= "holds at most 100 names (Let's Encrypt), so on this app the plugin's certificate step orders\n";
	$out .= "nothing and says why; in advanced SSL each event adds one certificate order for its own name,\n";
	$out .= "paced by Let's Encrypt's budgets.\n\n";
	$out .= "Requests per event (API requests; the certificate step apart):\n\n";
	$out .= "| event | baseline | ours | target (ours) | |\n|---|---|---|---|---|\n";
	foreach ($events as $id => [$label, $target]) {
		$ours = $data['ours'][ $id ];
		$base = $data['baseline'][ $id ];
		$out .= sprintf(
			"| %s | %s | %s | <= %d | %s |\n",
			$label,
			event_cell($base),
			event_cell($ours),
			$target,
			$ours['requests'] <= $target && $ours['done'] ? 'met' : '**missed**'
		);
	}
	$r      = $data['reconcile'];
	$within = (float) $r['seconds'] <= 1.1 * (float) $r['floor_seconds'];
	$out   .= "\nThe daily reconcile (the baseline has none):\n\n";
	$out   .= "| | ours | target | |\n|---|---|---|---|\n";
	$out   .= sprintf("| full reconcile, %d pages | %.1f s (%.1f min) | within 10%% of the floor, %.1f s (%.1f min) | %s |\n", $r['pages'], $r['seconds'], $r['seconds'] / 60, $r['floor_seconds'], $r['floor_seconds'] / 60, $within && null === $r['failure'] ? 'met' : '**missed**');
	$out   .= sprintf("| queue runs | %d, the longest %.2f s | each within its budget, %d s | %s |\n", $r['runs'], $r['longest_run'], $r['budget'], $r['longest_run'] <= $r['budget'] ? 'met' : '**missed**');
	$out   .= sprintf("| 429 answers | %d, %d left unretried | none left unretried | %s |\n", $r['rate_limited'], $r['left_unretried'], 0 === $r['left_unretried'] ? 'met' : '**missed**');
	$out   .= sprintf("| domains in the network's view afterwards | %s | %s | %s |\n", number_format((int) $r['view_count']), number_format((int) $data['domains']), (int) $r['view_count'] === (int) $data['domains'] ? 'met' : '**missed**');
	$out   .= sprintf("| peak memory | RSS +%s KiB over the run, PHP peak %s KiB | | |\n\n", number_format((int) $r['peak_growth_kib']), number_format((int) $r['php_peak_kib']));
	$out   .= sprintf("- The floor is the listing alone: %d pages of 40 at %d a minute. The walk reads pages until the\n", (int) ceil($data['domains'] / 40), $rate);
	$out   .= "  window's reported remaining requests fall to a reserve kept for domain events (5), then its\n";
	$out   .= "  run ends and the next is scheduled for when the window that its first request opened ends.\n";
	$out   .= "- Ours: a new site is one add (the wildcard question is answered by the network's view of the\n";
	$out   .= "  app, no listing); its certificate step is shared by every name of a burst, 30 s after the\n";
	$out   .= "  last (2 requests in basic SSL up to 100 names). A removal uses the id this integration or the view kept: a read by\n";
	$out   .= "  id and the delete. A new site under a wildcard costs none (WordPress suite, `LargeAppTest`).\n";
	$out   .= "- Baseline: the bundled provider does nothing for a site's host (wu_add_subdomain) and adds it\n";
	$out   .= "  through its domain record; a removal lists RunCloud's default first page only, so a name past\n";
	$out   .= "  it (here, the one just added, at the end of 10,000) is not found and stays (\"not done\").\n";
	return $out;
}

/**
 * "N (+M certificate), done" or "not done".
 *
 * @param array{requests: int, ssl_requests: int, done: bool} $event The measurement.
 */
function event_cell(array $event): string {
	$cell = (string) $event['requests'];
	if ($event['ssl_requests'] > 0) {
		$cell .= sprintf(' (+%d certificate)', $event['ssl_requests']);
	}
	return $cell . ($event['done'] ? '' : ', **not done**');
}
