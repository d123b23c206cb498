<?php
/**
 * A Site Health test's answer.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Admin;

defined('ABSPATH') || exit;

/**
 * The array WordPress's Site Health expects from a test, with the plugin's badge.
 */
final class Health_Result {

	/**
	 * @param string $test        Test id.
	 * @param string $status      good, recommended or critical.
	 * @param string $label       Label.
	 * @param string $description Escaped HTML.
	 * @return array
	 */
	public static function make(string $test, string $status, string $label, string $description): array {
		return [
			'label'       => $label,
			'status'      => $status,
			'badge'       => [
				'label' => __('RunCloud', 'wu-runcloud'),
				'color' => 'good' === $status ? 'blue' : ('critical' === $status ? 'red' : 'orange'),
			],
			'description' => $description,
			'actions'     => '',
			'test'        => $test,
		];
	}
}
