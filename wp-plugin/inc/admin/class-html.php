<?php
/**
 * Small pieces of the admin's markup.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Admin;

defined('ABSPATH') || exit;

/**
 * Markup the page's sections share.
 */
final class Html {

	/**
	 * A table row of plain-text cells, each escaped.
	 *
	 * @param list<string> $cells Cells, redacted by the caller where RunCloud's words are in them.
	 */
	public static function row(array $cells): string {
		return '<tr><td>' . implode('</td><td>', array_map('esc_html', $cells)) . '</td></tr>';
	}

	/**
	 * The notice after an action, from the messages of the page's sections.
	 *
	 * @param array<string, array{0: string, 1: string}> $messages What was done => [notice type, text].
	 */
	public static function result_notice(array $messages): string {
		$done = Routes::done();
		if (! isset($messages[ $done ])) {
			return '';
		}
		return sprintf('<div class="notice notice-%s"><p>%s</p></div>', esc_attr($messages[ $done ][0]), esc_html($messages[ $done ][1]));
	}
}
