<?php
/**
 * API calls and wall time per domain event: ours (the extension, called the way
 * the plugin calls it) against the baseline (bench/baseline/), each run on a
 * freshly reset simulator with a fixed latency before every API answer. Calls
 * are counted from the simulator's request log, effects read from its state.
 * Prints JSON.
 *
 * Usage: php -d extension=/path/libwu_runcloud.so bench/operations.php SIM_URL [REPEATS]
 * The simulator must have 60 domains (--extra-domains 59) and no rate limit: a basic
 * certificate holds at most 100 names (Let's Encrypt), and every name here shares it (the
 * burst's 20 domains with www bring it to 100).
 */

declare(strict_types=1);

require __DIR__ . '/common.php';
require __DIR__ . '/baseline/runcloud-provider.php';

if (! extension_loaded('wu_runcloud')) {
	fwrite(STDERR, "the wu_runcloud extension is not loaded\n");
	exit(1);
}

$sim     = new Simulator($argv[1] ?? throw new InvalidArgumentException('usage: operations.php SIM_URL [REPEATS]'));
$repeats = (int) ($argv[2] ?? 5);
$cpu_repeats = (int) ($argv[3] ?? 300);
bench_define_credentials($sim->url());
$baseline = new Baseline_RunCloud_Provider($sim->url(), BENCH_TOKEN, BENCH_SERVER_ID, BENCH_APP_ID);

/** Seeded names: position 6 is on page 1 at any page size, 51 is on page 2 of 40. */
const ON_PAGE_1 = 'site-00005.example.test';
const ON_PAGE_2 = 'site-00050.example.test';
const NEW_SUB   = 'shop.network.test';
const NEW_ALIAS = 'shop.example.com';

// Seeded ids are the same after every reset.
$page_2_id = domain_id($sim, ON_PAGE_2);

$burst = array_map(static fn (int $i): string => sprintf('burst-%02d.example.com', $i), range(1, 20));

$operations = [
	'add'       => [
		'label'    => 'add a domain, with SSL',
		'minimum'  => 3,
		'ours'     => static function (): void {
			wu_runcloud_add_domain(NEW_ALIAS, true);
			wu_runcloud_redeploy_ssl();
		},
		'baseline' => static fn () => $baseline->on_add_domain(NEW_ALIAS, 2),
		'effect'   => static fn (array $state): string => describe_adds($state, [NEW_ALIAS]),
	],
	'remove_p1' => [
		'label'    => 'remove a domain on page 1',
		'minimum'  => 2,
		'ours'     => static fn () => wu_runcloud_remove_domain(ON_PAGE_1),
		'baseline' => static fn () => $baseline->on_remove_domain(ON_PAGE_1, 2),
		'effect'   => static fn (array $state): string => describe_removal($state, ON_PAGE_1),
	],
	'remove_p2' => [
		'label'    => 'remove a domain on page 2',
		// A search of the list for the name, then the delete (RunCloud's search
		// filters in the simulator; where it does not, the walk takes 2 pages).
		'minimum'  => 2,
		'ours'     => static fn () => wu_runcloud_remove_domain(ON_PAGE_2),
		'baseline' => static fn () => $baseline->on_remove_domain(ON_PAGE_2, 2),
		'effect'   => static fn (array $state): string => describe_removal($state, ON_PAGE_2),
	],
	'remove_p2_by_id' => [
		'label'    => 'remove a domain on page 2, its id kept from the add',
		'minimum'  => 2,
		// The plugin keeps the id RunCloud gave each name it added; the record is read by
		// id (to be sure it still holds that name) and deleted.
		'ours'     => static fn () => wu_runcloud_remove_domain(ON_PAGE_2, $page_2_id),
		'baseline' => static fn () => $baseline->on_remove_domain(ON_PAGE_2, 2),
		'effect'   => static fn (array $state): string => describe_removal($state, ON_PAGE_2),
	],
	'subdomain' => [
		'label'    => 'add a subdomain (new site)',
		'minimum'  => 3,
		'ours'     => static function (): void {
			wu_runcloud_add_domain(NEW_SUB, false);
			wu_runcloud_redeploy_ssl();
		},
		'baseline' => static fn () => $baseline->on_add_subdomain(NEW_SUB, 2),
		'effect'   => static fn (array $state): string => describe_adds($state, [NEW_SUB]),
	],
	'burst'     => [
		'label'    => 'burst of 20 mappings',
		'minimum'  => 22,
		// What the plugin does: one add per event, one coalesced redeploy for the batch.
		'ours'     => static function () use ($burst): void {
			foreach ($burst as $name) {
				wu_runcloud_add_domain($name, true);
			}
			wu_runcloud_redeploy_ssl();
		},
		'baseline' => static function () use ($baseline, $burst): void {
			foreach ($burst as $name) {
				$baseline->on_add_domain($name, 2);
			}
		},
		'effect'   => static fn (array $state): string => describe_adds($state, $burst),
	],
];

$domains_on_app = check_seed($sim);
warm_up($sim, $baseline);

$runs = [];
for ($repeat = 0; $repeat < $repeats; $repeat++) {
	// Alternate who goes first, so drift on a shared machine hits both alike.
	$sides = 0 === $repeat % 2 ? ['ours', 'baseline'] : ['baseline', 'ours'];
	foreach ($operations as $id => $operation) {
		foreach ($sides as $side) {
			$runs[$id][$side][] = run_once($sim, $operation[$side], $operation['effect']);
		}
	}
}

$results = [];
foreach ($operations as $id => $operation) {
	$results[] = [
		'id'       => $id,
		'label'    => $operation['label'],
		'minimum'  => $operation['minimum'],
		'floor_ms' => $operation['minimum'] * BENCH_LATENCY_MS,
		'ours'     => summarise($runs[$id]['ours']),
		'baseline' => summarise($runs[$id]['baseline']),
	];
}

bench_emit([
	'extension_version' => phpversion('wu_runcloud'),
	'latency_ms'        => BENCH_LATENCY_MS,
	'repeats'           => $repeats,
	'domains_on_app'    => $domains_on_app,
	'operations'        => $results,
	'cpu_repeats'       => $cpu_repeats,
	'cost_per_call'     => cost_per_call($sim, array_intersect_key($operations, array_flip(['add', 'remove_p1'])), $cpu_repeats),
]);

/**
 * The client's own cost per call, where both sides make the same calls: CPU
 * time of the process (every thread) and wall time, without added latency,
 * medians of many runs that alternate sides.
 *
 * @param array<string, array<string, mixed>> $operations
 * @return array<string, array<string, mixed>>
 */
function cost_per_call(Simulator $sim, array $operations, int $repeats): array {
	$costs = [];
	foreach ($operations as $id => $operation) {
		$samples = ['ours' => [], 'baseline' => []];
		for ($repeat = 0; $repeat < $repeats; $repeat++) {
			$sides = 0 === $repeat % 2 ? ['ours', 'baseline'] : ['baseline', 'ours'];
			foreach ($sides as $side) {
				$sim->reset();
				$sim->clear_log();
				$cpu  = bench_cpu_us();
				$wall = hrtime(true);
				$operation[ $side ]();
				$samples[ $side ][] = [bench_cpu_us() - $cpu, (hrtime(true) - $wall) / 1e3, count($sim->requests())];
			}
		}
		$costs[ $id ] = ['label' => $operation['label']];
		foreach ($samples as $side => $runs) {
			$calls                   = max(1, bench_median(array_column($runs, 2)));
			$costs[ $id ][ $side ] = [
				'calls'           => (int) $calls,
				'cpu_us_per_call' => round(bench_median(array_column($runs, 0)) / $calls, 1),
				'wall_us_per_call' => round(bench_median(array_column($runs, 1)) / $calls, 1),
			];
		}
	}
	return $costs;
}

/** Fails loudly when the simulator is not seeded as the table assumes; returns the domain count. */
function check_seed(Simulator $sim): int {
	$sim->reset();
	$names = array_column($sim->state()['domains'], 'name');
	$pages = [ON_PAGE_1 => 1, ON_PAGE_2 => 2];
	foreach ($pages as $name => $page) {
		$position = array_search($name, $names, true);
		if (false === $position || $page !== intdiv($position, 40) + 1) {
			throw new RuntimeException("$name is not on page $page of 40 (start the simulator with --extra-domains 59)");
		}
	}
	if (array_search(ON_PAGE_1, $names, true) >= 20) {
		throw new RuntimeException(ON_PAGE_1 . ' must be within the first 20 domains');
	}
	return count($names);
}

/** Opens both sides' keep-alive connections before anything is timed. */
function warm_up(Simulator $sim, Baseline_RunCloud_Provider $baseline): void {
	$sim->reset();
	wu_runcloud_test_connection();
	$baseline->on_remove_domain('warm-up.invalid', 0);
}

/**
 * One timed run on a fresh simulator state.
 *
 * @return array<string, mixed>
 */
function run_once(Simulator $sim, callable $work, callable $effect): array {
	$sim->reset();
	$sim->latency(BENCH_LATENCY_MS);
	$sim->clear_log();
	$error = null;
	[$ms] = bench_time(static function () use ($work, &$error): void {
		try {
			$work();
		} catch (Throwable $e) {
			$error = get_class($e) . ': ' . $e->getMessage();
		}
	});
	$requests = $sim->requests();
	$state    = $sim->state();
	return [
		'ms'       => $ms,
		'calls'    => count($requests),
		'routes'   => route_counts($requests),
		'redeploy' => redeploy_calls($requests),
		'redeploys_done' => $state['counters']['redeploys'],
		'effect'   => $error ?? $effect($state),
	];
}

/**
 * "METHOD path-with-{id} status" => count, for the notes.
 *
 * @param list<array<string, mixed>> $requests
 * @return array<string, int>
 */
function route_counts(array $requests): array {
	$counts = [];
	foreach ($requests as $request) {
		$path = preg_replace('#^/api/v[23]/servers/\d+/webapps/\d+/?#', '', $request['path']);
		$path = preg_replace('#/\d+(?=/|$)#', '/{id}', '/' . $path);
		$key  = sprintf('%s %s %s', $request['method'], ltrim($path, '/'), $request['status'] ?? 'dropped');
		$counts[ $key ] = ($counts[ $key ] ?? 0) + 1;
	}
	ksort($counts);
	return $counts;
}

/**
 * Calls meant to redeploy a certificate: RunCloud's two PUT routes, and the
 * PATCH .../redeploy path the bundled provider uses.
 *
 * @param list<array<string, mixed>> $requests
 */
function redeploy_calls(array $requests): int {
	$redeploys = array_filter(
		$requests,
		static fn (array $r): bool => ('PUT' === $r['method'] && preg_match('#/ssl/\d+$#', $r['path']))
			|| ('PATCH' === $r['method'] && str_ends_with($r['path'], '/redeploy'))
	);
	return count($redeploys);
}

/** @param list<string> $names */
function describe_adds(array $state, array $names): string {
	$present = count(array_intersect($names, array_column($state['domains'], 'name')));
	if (0 === $present) {
		return 'not added';
	}
	$added    = count($names) === $present ? 'added' : sprintf('%d of %d added', $present, count($names));
	$redeploy = $state['counters']['redeploys'];
	return $added . ', ' . ($redeploy > 0 ? "certificate redeployed ($redeploy)" : 'certificate not redeployed');
}

/**
 * RunCloud's id of a seeded name.
 */
function domain_id(Simulator $sim, string $name): int {
	return (int) array_column($sim->state()['domains'], 'id', 'name')[ $name ];
}

function describe_removal(array $state, string $name): string {
	return in_array($name, array_column($state['domains'], 'name'), true) ? 'not found, still on the app' : 'removed';
}

/**
 * @param list<array<string, mixed>> $runs
 * @return array<string, mixed>
 */
function summarise(array $runs): array {
	$times = array_column($runs, 'ms');
	$calls = array_values(array_unique(array_column($runs, 'calls')));
	return [
		'median_ms'      => round(bench_median($times), 1),
		'min_ms'         => round(min($times), 1),
		'max_ms'         => round(max($times), 1),
		'calls'          => 1 === count($calls) ? $calls[0] : $calls,
		'redeploy_calls' => $runs[0]['redeploy'],
		'redeploys_done' => $runs[0]['redeploys_done'],
		'routes'         => $runs[0]['routes'],
		'effect'         => $runs[0]['effect'],
	];
}
