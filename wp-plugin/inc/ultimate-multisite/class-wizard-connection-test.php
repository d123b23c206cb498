<?php
/**
 * The wizard's "Test connection", shared by both architectures.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Ultimate_Multisite;

use WuRunCloud\Plugin\Sync\Domain_Sync_Service;

defined('ABSPATH') || exit;

/**
 * Who may press "Test connection" in Ultimate Multisite's integration wizard.
 * Its AJAX action checks no capability (any logged-in user may call it) and
 * each test costs RunCloud requests: network admins only. The host provider
 * (up to 2.4.x) answers the AJAX call itself; the integration and its
 * capability module (2.5+) return a result for Ultimate Multisite to send.
 */
final class Wizard_Connection_Test {

	/**
	 * Why the current user may not test the connection, or null when they may.
	 */
	public static function refusal(): ?string {
		if (current_user_can('manage_network')) {
			return null;
		}
		return __('Only network administrators may test the RunCloud connection.', 'wu-runcloud');
	}

	/**
	 * The test as Ultimate Multisite 2.5+ expects it: true, or a WP_Error
	 * with the reason (RunCloud is not asked for a user who may not test).
	 *
	 * @param Domain_Sync_Service $service Tests the connection.
	 * @return true|\WP_Error
	 */
	public static function result(Domain_Sync_Service $service) {
		$refusal = self::refusal();
		if (null !== $refusal) {
			return new \WP_Error('forbidden', $refusal, ['status' => 403]);
		}
		return $service->test_connection()->to_wp_result();
	}
}
