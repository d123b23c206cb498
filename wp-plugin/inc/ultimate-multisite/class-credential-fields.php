<?php
/**
 * The wizard's credential fields, shared by both architectures.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Ultimate_Multisite;

use WuRunCloud\Plugin\Extension\Credentials;

defined('ABSPATH') || exit;

/**
 * The fields Ultimate Multisite's integration wizard shows for RunCloud: the
 * API v3 token, or the API v2 key and secret, and the two ids. There is one
 * field for every constant the integration declares: the 2.4.x wizard writes
 * each declared constant, and one without a field would get its list index.
 * The wizard fills the stored value back in, so secrets are password fields.
 */
final class Credential_Fields {

	/**
	 * @return array<string, array<string, mixed>>
	 */
	public static function all(): array {
		return [
			Credentials::TOKEN     => [
				'title'       => __('RunCloud API token (API v3)', 'wu-runcloud'),
				'desc'        => __('A workspace API token. Leave empty to use an API key and secret (API v2).', 'wu-runcloud'),
				'placeholder' => '',
			] + self::secret(),
			Credentials::KEY       => [
				'title'       => __('RunCloud API key (API v2)', 'wu-runcloud'),
				'placeholder' => '',
			] + self::secret(),
			Credentials::SECRET    => [
				'title'       => __('RunCloud API secret (API v2)', 'wu-runcloud'),
				'placeholder' => '',
			] + self::secret(),
			Credentials::SERVER_ID => [
				'title'       => __('RunCloud server ID', 'wu-runcloud'),
				'desc'        => __('The number in the server\'s address in the RunCloud panel.', 'wu-runcloud'),
				'placeholder' => '12345',
			],
			Credentials::APP_ID    => [
				'title'       => __('RunCloud web app ID', 'wu-runcloud'),
				'desc'        => __('The number in the web app\'s address in the RunCloud panel.', 'wu-runcloud'),
				'placeholder' => '67890',
			],
		];
	}

	/**
	 * What makes a field a secret one: masked, never offered by the browser's autofill.
	 *
	 * @return array<string, mixed>
	 */
	private static function secret(): array {
		return [
			'type'      => 'password',
			'html_attr' => ['autocomplete' => 'new-password'],
		];
	}
}
