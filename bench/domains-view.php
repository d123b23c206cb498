<?php
/**
 * The network admin's Domains tab with 10,000 names in the plugin's view of
 * the web app: renders page 3 (50 rows) a few times in a real WordPress
 * multisite and prints the median time and the peak memory as JSON. Reads
 * only what the plugin keeps, so the simulator sees no request.
 *
 * Usage: bench/domains-view.sh (sets up WordPress and runs this file).
 */

declare(strict_types=1);

use WuRunCloud\Plugin\Plugin;

require dirname(__DIR__) . '/tests/wordpress/support/load-wordpress.php';
require __DIR__ . '/common.php';
require_once ABSPATH . 'wp-admin/includes/admin.php';


const NAMES = 10000;

$domains = [];
for ($i = 0; $i < NAMES; $i++) {
	$domains[] = ['id' => $i + 1, 'name' => sprintf('n%05d.example.com', $i), 'www' => false, 'wildcard' => false];
}
Plugin::instance()->fleet()->primary()->app->replace($domains);
unset($domains);
wp_set_current_user(1);
set_current_screen('settings_page_wu-runcloud-network');

$render = static function (): string {
	$_GET     = ['page' => 'wu-runcloud', 'tab' => 'domains', 'paged' => '3'];
	$_REQUEST = $_GET;
	ob_start();
	Plugin::instance()->settings_page()->render();
	return (string) ob_get_clean();
};

$runs = max(1, (int) (getenv('BENCH_DOMAINS_VIEW_RUNS') ?: 5));

/**
 * Renders page 3 $runs times.
 *
 * @return array{median_ms: float, render_mib: float}
 */
function bench_domains_page(callable $render, int $runs): array {
	memory_reset_peak_usage(); // The rendering's peak, not the setup's.
	$base = memory_get_usage();
	$ms   = [];
	for ($run = 0; $run < $runs; $run++) {
		[$took, $page] = bench_time($render);
		$ms[]          = $took;
		if (50 !== substr_count($page, '<tr class="wu-runcloud-state-')) {
			fwrite(STDERR, "page 3 does not hold 50 rows\n");
			exit(1);
		}
	}
	return ['median_ms' => round(bench_median($ms), 1), 'render_mib' => round((memory_get_peak_usage() - $base) / 1048576, 1)];
}

// No redeploy recorded yet (every certificate "unknown", no date to format),
// then after one (every certificate "covered by the last redeploy (date)").
$unrecorded = bench_domains_page($render, $runs);
(new \WuRunCloud\Plugin\Sync\Certificates\Last_Redeploy())->remember(['mode' => 'basic', 'action' => 'redeployed']);
$recorded = bench_domains_page($render, $runs);
bench_emit(['names' => NAMES, 'runs' => $runs, 'no_redeploy_recorded' => $unrecorded, 'after_a_redeploy' => $recorded]);
