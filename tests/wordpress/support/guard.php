<?php
/**
 * Test-only must-use plugin: WordPress sends no mail and makes no HTTP
 * request of its own in the test network (only loopback may be contacted,
 * and nothing there needs WordPress's HTTP API); a process may pick its
 * language.
 *
 * @package WuRunCloud\Tests
 */

defined('ABSPATH') || exit;

add_filter('pre_wp_mail', '__return_false');
add_filter(
	'pre_http_request',
	static function () {
		return new WP_Error('wu_test_offline', 'HTTP requests are disabled in the test network.');
	},
	1
);

// WU_TEST_LOCALE: the site's language for this process (Debian ships no core translations to pick from).
if (getenv('WU_TEST_LOCALE')) {
	add_filter(
		'locale',
		static function () {
			return (string) getenv('WU_TEST_LOCALE');
		}
	);
}

// Every string of the plugin translated before init (translations load at init; WordPress 6.7+ warns).
$GLOBALS['wu_test_translated_before_init'] = [];
add_filter(
	'gettext_wu-runcloud',
	static function ($translation, $text) {
		if (! did_action('init')) {
			$GLOBALS['wu_test_translated_before_init'][] = $text;
		}
		return $translation;
	},
	10,
	2
);

// wu_test_apps (a network option a test sets): the web apps besides the primary one, as
// WU_RUNCLOUD_APPS would list them, for a process that cannot add the filter itself.
add_filter(
	'wu_runcloud_apps',
	static function ($apps) {
		$listed = get_network_option(null, 'wu_test_apps', []);
		return is_array($listed) && [] !== $listed ? array_merge((array) $apps, $listed) : $apps;
	}
);
