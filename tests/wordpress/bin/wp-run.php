<?php
/**
 * Runs PHP code, read from standard input, in a new PHP process with the test
 * network's WordPress loaded: how the suite proves what survives a process
 * (queued retries, scheduled redeploys) and how it loads WordPress with other
 * constants, without the extension, or without Ultimate Multisite.
 *
 * @package WuRunCloud\Tests
 */

require dirname(__DIR__) . '/support/load-wordpress.php';
require_once dirname(__DIR__) . '/support/class-queue-runner.php';

eval(stream_get_contents(STDIN)); // phpcs:ignore Squiz.PHP.Eval.Discouraged -- test tool.
