<?php
/**
 * Writes the several-apps section (bench/apps-events.php's and
 * bench/apps-onboarding.php's JSON) into BENCHMARKS.md between its markers.
 *
 * Usage: php bench/apps-report.php EVENTS.json ONBOARDING.json BENCHMARKS.md
 */

declare(strict_types=1);

require __DIR__ . '/common.php';

[, $events, $onboarding, $file] = $argv + [null, null, null, null];
if (null === $file) {
	fwrite(STDERR, "usage: apps-report.php EVENTS.json ONBOARDING.json BENCHMARKS.md\n");
	exit(2);
}
$read = static fn (string $path): array => json_decode((string) file_get_contents($path), true, 512, JSON_THROW_ON_ERROR);
bench_write_section(
	$file,
	'<!-- several-apps: written by make bench-apps -->',
	'<!-- /several-apps -->',
	apps_section($read($events), $read($onboarding), gmdate('Y-m-d'))
);

/**
 * The section.
 *
 * @param array<string, mixed> $events     Requests per event, by number of apps.
 * @param array<string, mixed> $onboarding The new app's onboarding.
 * @param string               $day        When they were measured.
 */
function apps_section(array $events, array $onboarding, string $day): string {
	$out  = "## One network, several web apps\n\n";
	$out .= "Written by `make bench-apps` ([`bench/apps.sh`](bench/apps.sh)) on $day, one run: the plugin in a\n";
	$out .= "real WordPress subdomain multisite (Ultimate Multisite 2.5 and Action Scheduler stand-ins) against\n";
	$out .= "the simulator serving five web apps of one RunCloud account, one rate limit for all: the primary\n";
	$out .= "one (server 1, app 1, the seed's constants) and 2:20, 3:30, 4:40 and 5:50, listed as\n";
	$out .= "`WU_RUNCLOUD_APPS` would list them (through the `wu_runcloud_apps` filter).\n\n";
	return $out . events_section($events) . onboarding_section($onboarding);
}

/**
 * Requests per event against the number of apps.
 *
 * @param array<string, mixed> $data The rounds.
 */
function events_section(array $data): string {
	$rounds = $data['rounds'];
	$counts = array_map(static fn (array $round): int => count($round['apps']), $rounds);
	$out    = "### Requests per event against the number of apps\n\n";
	$out   .= "Each event through Ultimate Multisite's (stand-in) `Domain_Manager`, its async actions run at once,\n";
	$out   .= "then the certificate step each app runs 30 s after a burst; the API requests counted per app from\n";
	$out   .= "the simulator's log. Before each round the simulator is reset (each app holds its primary domain,\n";
	$out   .= "basic SSL with a certificate) and each app's view is read whole and its SSL mode known, as after its\n";
	$out   .= "first walk. A cell is the requests to every app together, with what each app was sent; the floor\n";
	$out   .= "is one add (or one removal) per app. Certificate requests are counted apart.\n\n";
	$out   .= '| event | floor | ' . implode(' | ', array_map(static fn (int $n): string => 1 === $n ? '1 app' : "$n apps", $counts)) . " | each app is sent | |\n";
	$out   .= '|---|---|' . str_repeat('---:|', count($counts)) . "---|---|\n";
	$events = [
		'new_site'  => ['new site (subdomain install)', 'one add an app', 'the add'],
		'mapping'   => ['mapping', 'one add an app', 'the add'],
		'unmapping' => ['unmapping', 'one removal an app', 'a read of the id kept from the add, the delete'],
	];
	foreach ($events as $key => [$label, $floor, $sent]) {
		$cells = array_map(static fn (array $round): string => event_cell($round[ $key ]['apps']), $rounds);
		$met   = array_reduce($rounds, static fn (bool $ok, array $round): bool => $ok && one_change_each($round[ $key ]['apps'], $rounds[0][ $key ]['apps']), true);
		$out  .= sprintf("| %s | %s | %s | %s | %s |\n", $label, $floor, implode(' | ', $cells), $sent, $met ? 'met' : '**missed**');
	}
	$cells = array_map(static fn (array $round): string => certificate_cell($round['mapping']['apps']), $rounds);
	$out  .= sprintf("| certificate step after an add (basic SSL) | | %s | the certificate read, its redeploy | |\n\n", implode(' | ', $cells));
	$out  .= "- Met: every app received exactly one add (or removal), held what the network wants afterwards, and\n";
	$out  .= "  was sent no more than with one app: an app more costs its own add and nothing else. Requests\n";
	$out  .= sprintf("  that named no app (a ping), in all the rounds: %d.\n", unaddressed($rounds));
	$out  .= "- A removal is two requests an app: RunCloud deletes by id, and the id this integration kept from\n";
	$out  .= "  the add is read once to be sure it still names that domain (the API's minimum, as in \"API calls\n";
	$out  .= "  per operation\" above). A new site is one add an app: the wildcard question is answered by each\n";
	$out  .= "  app's view, no listing.\n";
	$out  .= "- Not per event: each app's certificate step reads the app's SSL mode once an hour (a connection\n";
	$out  .= "  test, 4 requests) and remembers it from every redeploy; the rounds start with it known.\n\n";
	return $out;
}

/**
 * Every app's requests together, and what each was sent.
 *
 * @param array<string, array<string, mixed>> $apps Per app.
 */
function event_cell(array $apps): string {
	return in_all(array_column($apps, 'requests'));
}

/**
 * The certificate step's requests, every app together.
 *
 * @param array<string, array<string, mixed>> $apps Per app.
 */
function certificate_cell(array $apps): string {
	return in_all(array_column($apps, 'certificate'));
}

/**
 * Requests of every app together, with each app's when there are several.
 *
 * @param list<int> $each Per app.
 */
function in_all(array $each): string {
	return 1 === count($each) ? (string) $each[0] : sprintf('%d (%s)', array_sum($each), each_app($each));
}

/**
 * "2 each" when every app was sent as many, else each app's count.
 *
 * @param list<int> $each Per app.
 */
function each_app(array $each): string {
	return 1 === count(array_unique($each)) ? $each[0] . ' each' : implode(' + ', $each);
}

/**
 * Whether every app received one add or removal, holds what the network
 * wants, and was sent no more than the one app of the first round.
 *
 * @param array<string, array<string, mixed>> $apps  Per app.
 * @param array<string, array<string, mixed>> $alone The primary app alone.
 */
function one_change_each(array $apps, array $alone): bool {
	$most = max(array_column($alone, 'requests'));
	foreach ($apps as $app) {
		if (1 !== $app['changes'] || ! $app['done'] || $app['requests'] > $most) {
			return false;
		}
	}
	return true;
}

/**
 * Requests of every round that named no app.
 *
 * @param list<array<string, mixed>> $rounds The rounds.
 */
function unaddressed(array $rounds): int {
	$count = 0;
	foreach ($rounds as $round) {
		foreach (['new_site', 'mapping', 'unmapping'] as $event) {
			$count += $round[ $event ]['unaddressed'];
		}
	}
	return $count;
}

/**
 * A duration in minutes and seconds.
 */
function minutes(int $seconds): string {
	return sprintf('%d min %02d s', intdiv($seconds, 60), $seconds % 60);
}

/**
 * The new app's onboarding.
 *
 * @param array<string, mixed> $data The measurements.
 */
function onboarding_section(array $data): string {
	$new    = $data['new_app'];
	$names  = (int) $data['names'];
	$floor  = (int) $new['floor_seconds'];
	$ratio  = $floor > 0 ? $new['seconds'] / $floor : 0;
	$met    = static fn (bool $ok): string => $ok ? 'met' : '**missed**';
	$at     = held_at($new['progress'], $floor);
	$out    = sprintf("### A new app receiving %s names, %d requests a minute\n\n", number_format($names), (int) $data['rate_per_minute']);
	$out   .= sprintf("A network whose %s mapped names are all on its primary app (its view whole, nothing queued;\n", number_format($names));
	$out   .= sprintf("%s SSL on both apps) lists a second app, holding only its primary domain. The next network admin\n", $data['ssl_mode']);
	$out   .= "page load starts the new app's walk (`Fleet::keep_scheduled()`, as `admin_init` does), and the queue\n";
	$out   .= "runs whatever the plugin scheduled when it is due, as Action Scheduler would, until the new app holds\n";
	$out   .= sprintf("every name or nothing is scheduled any more (or %d times the floor passed). The account allows\n", (int) $data['give_up_after']);
	$out   .= sprintf("%d requests a minute, shared by both apps.\n\n", (int) $data['rate_per_minute']);
	$out   .= "| | ours | target | |\n|---|---|---|---|\n";
	$out   .= sprintf(
		"| the new app holds every name | %s | within 10%% of the floor, %s | %s |\n",
		$new['done'] ? minutes((int) $new['seconds']) . sprintf(' (%+.0f%%)', ($ratio - 1) * 100) : sprintf('**not done**: %s of %s names, the last added after %s', number_format((int) $new['held']), number_format($names), minutes((int) $new['seconds'])),
		minutes($floor),
		$met($new['done'] && $ratio <= 1.10)
	);
	$out .= sprintf("| names on the new app at the floor's time | %s | %s | |\n", number_format($at), number_format($names));
	$out .= sprintf("| names given up (left to the next daily reconcile) | %s | 0 | %s |\n", number_format((int) $new['given_up']), $met(0 === (int) $new['given_up']));
	$out .= sprintf("| adds sent to the primary app meanwhile | %d (%d requests in all) | 0 | %s |\n", $new['primary_app']['adds'], $new['primary_app']['requests'], $met(0 === (int) $new['primary_app']['adds']));
	$out .= sprintf(
		"| requests to the new app | %s: %s adds done, %s adds answered 429, %d page(s) read by the walk; besides: %s | | |\n\n",
		number_format((int) $new['new_app']['requests']),
		number_format((int) $new['new_app']['adds']),
		number_format((int) $new['new_app']['adds_refused']),
		$new['new_app']['pages'],
		other_requests($new['new_app']['others'])
	);
	$out .= sprintf("Names on the new app as the run went on (minutes:seconds on the run's clock): %s.\n\n", progress_line($new['progress']));
	$out .= sprintf("- The floor is what any client needs for the new app to hold every name: its one page and one add a\n  name, %s requests at %d a minute (RunCloud's windows are fixed, so a burst at a window's start\n  can end a little under it). The certificate step is apart (it cannot cover more than 100 names\n  in basic SSL).\n", number_format($names + 1), (int) $data['rate_per_minute']);
	$out .= sprintf("- The PHP process ran on a clock %d times faster than the wall's (libfaketime) and the simulator's\n", (int) $data['clock_speed']);
	$out .= "  rate-limit window was a minute of that clock; times are on that clock. The extension's own waits\n";
	$out .= "  (a 429's `Retry-After`) keep the wall's time under libfaketime, so its wait budget\n";
	$out .= sprintf("  (`wu_runcloud.max_retry_wait`, 20 s) was divided by %d too, its other settings the defaults (3\n", (int) $data['clock_speed']);
	$out .= "  retries, a 45 s deadline): a 429 is waited out in the call exactly when it would be at full speed.\n";
	$out .= sprintf("  The run took %.0f s of wall time.\n", $new['wall_seconds']);
	$out .= "- The walk's pace: each rate-limit window it sends what the window leaves after the reserve kept\n";
	$out .= "  for domain events (`wu_runcloud_reconcile_rate_reserve`, 3 a window by default), and waits for\n";
	$out .= "  the next window; its listing and its adds alike. So the fill runs at 57 adds a minute against\n";
	$out .= "  the floor's 60, and a customer's mapping meanwhile still gets through at once.\n";
	if (! $new['done'] || $ratio > 1.10) {
		$out .= why_missed($new, $names);
	}
	return $out . "\n";
}

/**
 * Why the new app misses the floor, as the code stood when it did, with the
 * run's figures.
 *
 * @param array<string, mixed> $new   The new app's measurements.
 * @param int                  $names The names it should hold.
 */
function why_missed(array $new, int $names): string {
	$out  = "\nWhy the target is missed:\n\n";
	$out .= sprintf(
		"- %s adds answered 429 for %s added; %s names given up; %s of %s names on the new app. Adds\n",
		number_format((int) $new['new_app']['adds_refused']),
		number_format((int) $new['new_app']['adds']),
		number_format((int) $new['given_up']),
		number_format((int) $new['held']),
		number_format($names)
	);
	$out .= "  answered 429 go to the app's retry queue; the walk's pace above is what the reserve leaves.\n";
	return $out;
}

/**
 * The new app's other requests, by kind ("GET /ssl 200 ×2"); the web app's
 * own path (its details) shows as "/".
 *
 * @param array<string, int> $others Count by kind.
 */
function other_requests(array $others): string {
	if ([] === $others) {
		return 'none';
	}
	$kinds = [];
	foreach ($others as $kind => $count) {
		[$method, $path, $status] = explode(' ', (string) $kind) + ['', '', ''];
		$kinds[] = sprintf('`%s %s` %s ×%d', $method, '' === $path ? '/' : $path, $status, $count);
	}
	return implode(', ', $kinds);
}

/**
 * How many names the new app held once $seconds had passed.
 *
 * @param list<array{0: int, 1: int}> $progress (seconds, names) as they grew.
 * @param int                         $seconds  When.
 */
function held_at(array $progress, int $seconds): int {
	$held = 0;
	foreach ($progress as [$at, $count]) {
		if ($at <= $seconds) {
			$held = $count;
		}
	}
	return $held;
}

/**
 * The progress as "m:ss n" pairs, at most one a minute.
 *
 * @param list<array{0: int, 1: int}> $progress (seconds, names) as they grew.
 */
function progress_line(array $progress): string {
	$by_minute = [];
	foreach ($progress as [$at, $count]) {
		$by_minute[ intdiv($at, 60) ] = [$at, $count];
	}
	return implode(', ', array_map(static fn (array $p): string => sprintf('%d:%02d %s', intdiv($p[0], 60), $p[0] % 60, number_format($p[1])), $by_minute));
}
