<?php
/**
 * A part of the Status tab.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Admin;

defined('ABSPATH') || exit;

/**
 * What the Status tab asks of each of its parts.
 */
interface Section {

	/**
	 * Prints the section.
	 */
	public function render(): void;

	/**
	 * What the page says after the section's own action ran.
	 *
	 * @return array<string, array{0: string, 1: string}> What was done => [notice type, text].
	 */
	public function messages(): array;
}
