<?php
/**
 * Network Admin > Settings > RunCloud.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Admin;

defined('ABSPATH') || exit;

/**
 * The operator's page: registers it under Network Admin > Settings, prints the
 * notice after an action, the tabs, and the tab asked for. What each tab shows
 * and does is the tab's.
 */
class Settings_Page {

	/**
	 * @var Status_Tab
	 */
	private $status;

	/**
	 * @var Domains_View
	 */
	private $domains;

	/**
	 * @param Status_Tab   $status  The Status tab.
	 * @param Domains_View $domains The Domains tab.
	 */
	public function __construct(Status_Tab $status, Domains_View $domains) {
		$this->status  = $status;
		$this->domains = $domains;
	}

	/**
	 * Adds the page under Network Admin > Settings.
	 */
	public function register(): void {
		$hook = add_submenu_page('settings.php', __('RunCloud', 'wu-runcloud'), __('RunCloud', 'wu-runcloud'), Routes::CAPABILITY, Routes::SLUG, [$this, 'render']);
		if (is_string($hook) && '' !== $hook) {
			// Screen Options > "Names per page" on the Domains tab.
			add_action(
				'load-' . $hook,
				static function () {
					if ('domains' === Routes::current_tab()) {
						add_screen_option('per_page', ['label' => __('Names per page', 'wu-runcloud'), 'default' => 50, 'option' => Domains_List_Table::PER_PAGE_OPTION]);
					}
				}
			);
			add_filter(
				'set_screen_option_' . Domains_List_Table::PER_PAGE_OPTION,
				static function ($keep, $option, $value) {
					return max(1, min(999, (int) $value));
				},
				10,
				3
			);
		}
	}

	/**
	 * Prints the page.
	 */
	public function render(): void {
		if (! current_user_can(Routes::CAPABILITY)) {
			return;
		}
		echo '<div class="wrap"><h1>' . esc_html__('RunCloud for Ultimate Multisite', 'wu-runcloud') . '</h1>';
		echo Html::result_notice($this->status->messages()); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped when built.
		$tab = Routes::current_tab();
		echo '<nav class="nav-tab-wrapper wp-clearfix">';
		foreach (['status' => __('Status', 'wu-runcloud'), 'domains' => __('Domains', 'wu-runcloud')] as $slug => $label) {
			printf('<a href="%s" class="nav-tab%s" id="wu-runcloud-tab-%s">%s</a>', esc_url(Routes::url($slug)), $slug === $tab ? ' nav-tab-active' : '', esc_attr($slug), esc_html($label));
		}
		echo '</nav>';
		if ('domains' === $tab) {
			$this->domains->render();
		} else {
			$this->status->render();
		}
		echo '</div>';
	}
}
