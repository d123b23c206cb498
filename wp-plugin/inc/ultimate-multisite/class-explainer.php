<?php
/**
 * The wizard's "will / will not" lines, shared by both architectures.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Ultimate_Multisite;

defined('ABSPATH') || exit;

/**
 * What the integration does, in the shape Ultimate Multisite's wizard shows.
 */
final class Explainer {

	/**
	 * @return array{will: list<string>, will_not: list<string>}
	 */
	public static function lines(): array {
		return [
			'will'     => [
				__('Add each mapped domain to your RunCloud web app, with its www variant when the "Create www subdomain" setting says so', 'wu-runcloud'),
				__('Add the subdomain of each new site (subdomain networks), unless a wildcard domain already serves it', 'wu-runcloud'),
				__('Redeploy the SSL certificate once after a burst of changes, not once per domain', 'wu-runcloud'),
				__('Remove domains from RunCloud when their mapping or site is deleted', 'wu-runcloud'),
			],
			'will_not' => [
				__('Remove the network\'s main domain or the web app\'s primary domain', 'wu-runcloud'),
				__('Change DNS records: each domain must already point at your RunCloud server', 'wu-runcloud'),
			],
		];
	}
}
