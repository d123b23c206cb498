<?php
/**
 * Runs PHP code, read from standard input, in a new PHP process with the test
 * network's WordPress loaded: how the suite proves what survives a process
 * (queued retries, scheduled redeploys) and how it loads WordPress with other
 * constants, without the extension, or without Ultimate Multisite.
 *
 * @package WuRunCloud\Tests
 */

// WU_TEST_WP_CLI=1: as under WP-CLI (its test stand-in), which plugins see while loading.
if (getenv('WU_TEST_WP_CLI')) {
	define('WP_CLI', true);
	require dirname(__DIR__) . '/stand-ins/wp-cli.php';
}

require dirname(__DIR__) . '/support/load-wordpress.php';
require_once dirname(__DIR__) . '/support/class-queue-runner.php';

eval(stream_get_contents(STDIN)); // phpcs:ignore Squiz.PHP.Eval.Discouraged -- test tool.
