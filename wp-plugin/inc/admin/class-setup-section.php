<?php
/**
 * The Status tab's extension and configuration.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Admin;

use WuRunCloud\Plugin\Extension\Credentials;
use WuRunCloud\Plugin\Extension\Extension_Gateway;

defined('ABSPATH') || exit;

/**
 * Is the extension loaded, and which constants are set: names only, never
 * values.
 */
class Setup_Section implements Section {

	/**
	 * @var Extension_Gateway
	 */
	private $gateway;

	/**
	 * @var Credentials
	 */
	private $credentials;

	/**
	 * @param Extension_Gateway $gateway     The extension.
	 * @param Credentials       $credentials Credentials.
	 */
	public function __construct(Extension_Gateway $gateway, Credentials $credentials) {
		$this->gateway     = $gateway;
		$this->credentials = $credentials;
	}

	/**
	 * Nothing to say: the section has no action.
	 *
	 * @return array<string, array{0: string, 1: string}>
	 */
	public function messages(): array {
		return [];
	}

	/**
	 * Prints the section.
	 */
	public function render(): void {
		$this->render_extension();
		$this->render_constants();
	}

	/**
	 * The extension's version, or how to install it.
	 */
	private function render_extension(): void {
		echo '<h2>' . esc_html__('Extension', 'wu-runcloud') . '</h2>';
		$version = $this->gateway->version();
		if (null === $version) {
			echo Admin_Notices::extension_missing_html(); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped when built.
			return;
		}
		/* translators: %s: version */
		echo '<p>' . esc_html(sprintf(__('The wu_runcloud PHP extension %s is loaded.', 'wu-runcloud'), $version)) . '</p>';
	}

	/**
	 * Which constants are set: names only, never values.
	 */
	private function render_constants(): void {
		echo '<h2>' . esc_html__('Configuration', 'wu-runcloud') . '</h2><table class="widefat striped"><tbody>';
		foreach ($this->constants() as $name => $set) {
			printf('<tr><td><code>%s</code></td><td>%s</td></tr>', esc_html($name), esc_html($set ? __('set', 'wu-runcloud') : __('not set', 'wu-runcloud')));
		}
		echo '</tbody></table>';
		$missing = $this->credentials->missing();
		if ([] !== $missing) {
			/* translators: %s: constant names */
			echo '<p>' . esc_html(sprintf(__('Define these constants in wp-config.php: %s.', 'wu-runcloud'), implode(', ', $missing))) . '</p>';
		}
	}

	/**
	 * Each constant the extension reads and whether it is set, as the
	 * extension sees it when loaded.
	 *
	 * @return array<string, bool>
	 */
	private function constants(): array {
		$config = $this->gateway->config();
		if (isset($config['constants']) && is_array($config['constants'])) {
			return array_map('boolval', $config['constants']);
		}
		$set = [];
		foreach (Credentials::all() as $name) {
			$set[ $name ] = $this->credentials->has($name);
		}
		return $set;
	}
}
