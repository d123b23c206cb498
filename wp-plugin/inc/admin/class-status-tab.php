<?php
/**
 * The Status tab of Network Admin > Settings > RunCloud.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Admin;

defined('ABSPATH') || exit;

/**
 * The operator's overview, section by section: is the extension there and
 * which constants are set, what waits, what was given up on, what the last
 * reconcile did (with its buttons), and the names to adopt.
 */
class Status_Tab {

	/**
	 * @var list<Section>
	 */
	private $sections;

	/**
	 * @param Section ...$sections In the order they are shown.
	 */
	public function __construct(Section ...$sections) {
		$this->sections = $sections;
	}

	/**
	 * Prints the tab.
	 */
	public function render(): void {
		foreach ($this->sections as $section) {
			$section->render();
		}
	}

	/**
	 * What the page says after a section's action.
	 *
	 * @return array<string, array{0: string, 1: string}>
	 */
	public function messages(): array {
		$messages = [];
		foreach ($this->sections as $section) {
			$messages += $section->messages();
		}
		return $messages;
	}
}
