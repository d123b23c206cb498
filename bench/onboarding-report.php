<?php
/**
 * Writes the certificates-at-scale section (bench/onboarding.php's JSON) into
 * BENCHMARKS.md between its markers.
 *
 * Usage: php bench/onboarding-report.php RESULTS.json BENCHMARKS.md
 */

declare(strict_types=1);

require __DIR__ . '/common.php';

[, $results, $file] = $argv + [null, null, null];
if (null === $file) {
	fwrite(STDERR, "usage: onboarding-report.php RESULTS.json BENCHMARKS.md\n");
	exit(2);
}
$data = json_decode((string) file_get_contents($results), true, 512, JSON_THROW_ON_ERROR);
bench_write_section($file, '<!-- certificates-at-scale: written by make bench-onboarding -->', '<!-- /certificates-at-scale -->', onboarding_section($data, gmdate('Y-m-d')));

/**
 * A duration in hours and minutes.
 */
function hours(int $seconds): string {
	return sprintf('%d h %02d min', intdiv($seconds, 3600), intdiv($seconds % 3600, 60));
}

/**
 * The section.
 *
 * @param array<string, mixed> $data The measurements.
 * @param string               $day  When they were taken.
 */
function onboarding_section(array $data, string $day): string {
	$on    = $data['onboarding'];
	$basic = $data['basic'];
	$ratio = $on['floor_seconds'] > 0 ? $on['seconds'] / $on['floor_seconds'] : 0;
	$met   = static fn (bool $ok): string => $ok ? 'met' : '**missed**';
	$out   = "## Certificates at real scale\n\n";
	$out  .= "Written by `make bench-onboarding` ([`bench/onboarding.sh`](bench/onboarding.sh)) on $day, one run: the\n";
	$out  .= "plugin in a real WordPress multisite (Ultimate Multisite 2.5 and Action Scheduler stand-ins) against\n";
	$out  .= sprintf("the simulator, which keeps Let's Encrypt's limits. The PHP process ran on a clock %d times faster\n", (int) $data['clock_speed']);
	$out  .= "than the wall's (libfaketime: its time, sleeps and timers), the simulator's rate-limit window was a\n";
	$out  .= "minute of that clock, and the simulator's clock for Let's Encrypt's windows was moved with it; times\n";
	$out  .= "below are on that clock.\n\n";
	$out  .= sprintf("### Onboarding %s existing mapped names (half with www) in advanced SSL, %d requests a minute\n\n", number_format((int) $data['names']), (int) $data['rate_per_minute']);
	$out  .= "| | ours | target | |\n|---|---|---|---|\n";
	$out  .= sprintf("| every name added and ordered | %s | within 5%% of the floor, %s | %s |\n", $on['done'] ? hours((int) $on['seconds']) . sprintf(' (%+.1f%%)', ($ratio - 1) * 100) : 'not done', hours((int) $on['floor_seconds']), $met($on['done'] && $ratio <= 1.05));
	$out  .= sprintf("| orders refused by a limit | %d | 0 | %s |\n", $on['refused_orders'], $met(0 === (int) $on['refused_orders']));
	$out  .= sprintf("| most orders in any 3 hours | %d | at most 300 | %s |\n", $on['most_orders_in_3_hours'], $met($on['most_orders_in_3_hours'] <= 300));
	$out  .= sprintf("| certificates issued | %d (the names and the primary) | %d | %s |\n", $on['certificates'], (int) $data['names'] + 1, $met($on['certificates'] >= (int) $data['names'] + 1));
	$out  .= sprintf("| API requests | %d (%d answered 429): %d add requests, %d orders, %.2f requests an order besides | | |\n\n", $on['requests'], $on['rate_limited'], $on['adds'], $on['orders'], $on['requests_per_order']);
	$out  .= "- The floor is what any client needs: every request the work takes (all but the 429s) at the rate limit, and Let's\n";
	$out  .= "  Encrypt's 300 new orders per account per 3 hours, under which the last hundred orders go no\n";
	$out  .= "  sooner than 9 hours after the first hundred, each of those orders (and the first hundred's adds)\n";
	$out  .= "  taking its requests at the rate limit. The names are under distinct registered domains, so the\n";
	$out  .= "  50 certificates per registered domain a week do not bind here (the WordPress suite's\n";
	$out  .= "  `CertificateScaleTest` holds a name that would pass them).\n";
	$out  .= sprintf("- The run took %s on its clock, about %.0f s of wall time.\n\n", hours((int) round($on['wall_seconds'])), $on['wall_seconds'] / (int) $data['clock_speed']);
	$out  .= "### A basic-SSL app growing past 100 names\n\n";
	$out  .= "| | ours | target | |\n|---|---|---|---|\n";
	$out  .= sprintf("| orders sent for more than 100 names | %d | 0 | %s |\n", $basic['orders_over_100'], $met(0 === (int) $basic['orders_over_100']));
	$out  .= sprintf("| orders refused by Let's Encrypt | %d | 0 | %s |\n", $basic['refused_orders'], $met(0 === (int) $basic['refused_orders']));
	$out  .= sprintf("| names on the app at the end / on its certificate | %d / %d | | |\n\n", $basic['names'], $basic['covered']);
	$out  .= sprintf("What the operator is told (Site Health: %s; also the log, the Domains tab and `wp runcloud status`):\n\n", $basic['site_health']);
	$out  .= '> ' . ucfirst((string) $basic['told']) . ".\n\n";
	return $out;
}
