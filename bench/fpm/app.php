<?php
/**
 * The page the php-fpm soak requests: lists every domain of the simulated web
 * app, with the extension (?impl=ours) or with the listing benchmark's PHP
 * curl loop (?impl=curl: a new handle each request, reused for its pages).
 * Answers the number of domains, or a 500 with the reason.
 */

declare(strict_types=1);

require __DIR__ . '/../common.php';

$url = (string) getenv('WU_BENCH_SIM_URL');
bench_define_credentials($url);

try {
	$count = match ($_GET['impl'] ?? '') {
		'ours' => count(wu_runcloud_list_domains()),
		'curl' => count(sequential_list($url)),
	};
	header('Content-Type: text/plain');
	echo $count, "\n";
} catch (Throwable $e) {
	http_response_code(500);
	echo get_class($e), ': ', $e->getMessage(), "\n";
}
