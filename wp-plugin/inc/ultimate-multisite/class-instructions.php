<?php
/**
 * The wizard's Instructions step, shared by both architectures.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Ultimate_Multisite;

use WuRunCloud\Plugin\Extension\Credentials;

defined('ABSPATH') || exit;

/**
 * Where the RunCloud credentials and ids come from, and the link to the
 * setup documentation, in the shape of Ultimate Multisite's instruction views.
 */
final class Instructions {

	/**
	 * Ultimate Multisite's RunCloud setup documentation (the same constants).
	 */
	const TUTORIAL_LINK = 'https://ultimatemultisite.com/docs/user-guide/host-integrations/runcloud';

	/**
	 * The logo shown by the wizard and the integrations list.
	 */
	public static function logo_url(): string {
		return plugins_url('assets/logo.svg', WU_RUNCLOUD_PLUGIN_FILE);
	}

	/**
	 * Prints the instructions.
	 */
	public static function render(): void {
		$steps = [
			/* translators: 1: API token constant, 2: API key constant, 3: API secret constant */
			sprintf(__('In the RunCloud panel, create a workspace API token (API v3) for %1$s, or use your API key and secret (API v2) for %2$s and %3$s. API access needs a Business or Enterprise plan.', 'wu-runcloud'), Credentials::TOKEN, Credentials::KEY, Credentials::SECRET),
			/* translators: %s: server id constant */
			sprintf(__('Open the server that hosts this network: the number in its address is the server ID (%s).', 'wu-runcloud'), Credentials::SERVER_ID),
			/* translators: %s: web app id constant */
			sprintf(__('Open the web app of this network: the number in its address is the web app ID (%s).', 'wu-runcloud'), Credentials::APP_ID),
			__('Enter them in the next step, then test the connection.', 'wu-runcloud'),
		];
		echo '<div class="wu-runcloud-instructions"><ol>';
		foreach ($steps as $step) {
			echo '<li>' . esc_html($step) . '</li>';
		}
		echo '</ol><p><a href="' . esc_url(self::TUTORIAL_LINK) . '" target="_blank" rel="noopener">' . esc_html__('Setup documentation', 'wu-runcloud') . '</a></p></div>';
	}
}
