<?php
/**
 * Loads the test network's WordPress into this PHP process, as a request to
 * the main site. Used by the PHPUnit bootstrap and by bin/wp-run.php.
 *
 * @package WuRunCloud\Tests
 */

$_SERVER['HTTP_HOST']       = 'network.test';
$_SERVER['SERVER_NAME']     = 'network.test';
$_SERVER['REQUEST_URI']     = '/';
$_SERVER['REQUEST_METHOD']  = 'GET';
$_SERVER['REMOTE_ADDR']     = '127.0.0.1';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';

// Included from inside a function (PHPUnit's bootstrap): WordPress's globals must be declared.
global $wpdb, $current_site, $current_blog, $wp_rewrite, $shortcode_tags, $wp, $phpmailer, $wp_theme_directories, $table_prefix;

require_once getenv('WU_TEST_WP_DIR') . '/wp-load.php';
