<?php
/**
 * Router for PHP's built-in web server serving the test multisite: files and
 * directories that exist are served as they are (PHP files run, directories
 * through their index.php), anything else goes to WordPress's index.php, as
 * the rewrite rules of a subdomain network do on Apache or nginx.
 *
 * @package WuRunCloud\Tests
 */

$wu_browser_path = (string) parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH);
$wu_browser_file = $_SERVER['DOCUMENT_ROOT'] . $wu_browser_path;
if ('/' !== $wu_browser_path && (is_file($wu_browser_file) || is_file(rtrim($wu_browser_file, '/') . '/index.php'))) {
	return false;
}
$_SERVER['SCRIPT_NAME']     = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $_SERVER['DOCUMENT_ROOT'] . '/index.php';
$_SERVER['PHP_SELF']        = '/index.php';
require $_SERVER['DOCUMENT_ROOT'] . '/index.php';
