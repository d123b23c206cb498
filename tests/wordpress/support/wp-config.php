<?php
/**
 * wp-config.php of the test WordPress copy. Everything comes from the
 * environment set by tests/wordpress/lib.sh, so one copy serves every
 * database (one per Ultimate Multisite architecture) and every credential
 * set a test starts a PHP process with.
 *
 * @package WuRunCloud\Tests
 */

define('DB_NAME', getenv('WU_TEST_DB_NAME') ?: 'wp_a');
define('DB_USER', 'wordpress');
define('DB_PASSWORD', 'wordpress');
define('DB_HOST', 'localhost:' . getenv('WU_TEST_DB_SOCKET'));
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');

// Assigned through $GLOBALS: PHPUnit's bootstrap includes this file from inside a function.
$GLOBALS['table_prefix'] = 'wp_';

foreach (['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT'] as $wu_test_key) {
	define($wu_test_key, 'test-only-' . $wu_test_key);
}

// Constants Ultimate Multisite's wizard wrote (into a file standing in for this one), first.
if (getenv('WU_TEST_WIZARD_CONFIG')) {
	require getenv('WU_TEST_WIZARD_CONFIG');
}

// The RunCloud constants, only those the environment sets (tests leave some out on purpose).
foreach (['WU_RUNCLOUD_API_TOKEN', 'WU_RUNCLOUD_API_KEY', 'WU_RUNCLOUD_API_SECRET', 'WU_RUNCLOUD_SERVER_ID', 'WU_RUNCLOUD_APP_ID', 'WU_RUNCLOUD_API_URL', 'WU_RUNCLOUD_APPS'] as $wu_test_constant) {
	$wu_test_value = getenv($wu_test_constant);
	if (false !== $wu_test_value && '' !== $wu_test_value && ! defined($wu_test_constant)) {
		define($wu_test_constant, $wu_test_value);
	}
}

// The network: a subdomain install on network.test (the simulated app's primary domain).
if (! getenv('WU_TEST_INSTALLING')) {
	define('WP_ALLOW_MULTISITE', true);
	define('MULTISITE', true);
	define('SUBDOMAIN_INSTALL', true);
	define('DOMAIN_CURRENT_SITE', 'network.test');
	define('PATH_CURRENT_SITE', '/');
	define('SITE_ID_CURRENT_SITE', 1);
	define('BLOG_ID_CURRENT_SITE', 1);
}

// Scheduled work runs when a test or the demo runs the queue, never on its own.
define('DISABLE_WP_CRON', true);
// WordPress's HTTP API may reach nothing but loopback (the plugin itself uses the extension).
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('WP_DEBUG', true);
define('WP_DEBUG_DISPLAY', false);
define('WP_DEBUG_LOG', getenv('WU_TEST_RUN_DIR') ? getenv('WU_TEST_RUN_DIR') . '/debug.log' : false);

if (! defined('ABSPATH')) {
	define('ABSPATH', __DIR__ . '/');
}

require_once ABSPATH . 'wp-settings.php';
