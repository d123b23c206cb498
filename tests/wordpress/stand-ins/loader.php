<?php
/**
 * Plugin Name: Ultimate Multisite test stand-ins (tests only)
 * Description: TEST STAND-INS written for this project's WordPress suite. Loads stand-ins of the Ultimate Multisite classes the plugin touches (each following the file it names) for one architecture, chosen by the environment variable WU_TEST_UM: "a" (host providers, up to 2.4.x), "b" (integration registry, 2.5+) or "none". Not Ultimate Multisite's code; never shipped.
 *
 * @package WuRunCloud\Tests
 */

defined('ABSPATH') || exit;

(static function (): void {
	$dir          = getenv('WU_TEST_STAND_INS') ?: __DIR__;
	$architecture = getenv('WU_TEST_UM') ?: 'none';
	if ('none' === $architecture) {
		return;
	}
	require_once $dir . '/common.php';
	require_once $dir . '/host-provider-base.php';
	require_once $dir . ('a' === $architecture ? '/host-providers.php' : '/integration-registry.php');
	if ('b' === $architecture) {
		// Ultimate Multisite bundles Action Scheduler; the 2.5+ runs use this stand-in of its API.
		require_once $dir . '/action-scheduler.php';
	}
	// Domain_Mapping loads at sunrise, before Domain_Manager (its wp_delete_site callback runs first).
	\WP_Ultimo\Domain_Mapping::get_instance();
	\WP_Ultimo\Managers\Domain_Manager::get_instance();
})();
