<?php
/**
 * PHPUnit bootstrap: the real WordPress network (plugin network-activated,
 * Ultimate Multisite stand-ins for WU_TEST_UM), then the test helpers.
 *
 * @package WuRunCloud\Tests
 */

// The suite's folder: tests sit in subfolders mirroring the plugin's, at
// different depths, and reach the suite's stand-ins and bin/ through it.
define('WU_TEST_SUITE_DIR', __DIR__);

require __DIR__ . '/support/load-wordpress.php';
require_once ABSPATH . 'wp-admin/includes/admin.php';
require __DIR__ . '/support/class-simulator-client.php';
require __DIR__ . '/support/class-wordpress-process.php';
require __DIR__ . '/support/class-integration-test-case.php';
require __DIR__ . '/support/class-page-died.php';
require __DIR__ . '/support/class-page-redirected.php';
