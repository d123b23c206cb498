<?php
/**
 * The Domains tab of Network Admin > Settings > RunCloud.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Admin;

use WuRunCloud\Plugin\Extension\Extension_Gateway;
use WuRunCloud\Plugin\Status\Domain_Status;
use WuRunCloud\Plugin\Status\Labels;
use WuRunCloud\Plugin\Sync\App_Domains;
use WuRunCloud\Plugin\Sync\Domain_Sync_Service;

defined('ABSPATH') || exit;

/**
 * Shows every name's state in a list table and handles "Sync now" for one
 * name (admin-post, capability and nonce checked first).
 */
class Domains_View {

	/**
	 * @var Domain_Status
	 */
	private $status;

	/**
	 * @var App_Domains
	 */
	private $app;

	/**
	 * @var Domain_Sync_Service
	 */
	private $service;

	/**
	 * @var Extension_Gateway
	 */
	private $gateway;

	/**
	 * @param Domain_Status       $status  Every name's state.
	 * @param App_Domains         $app     The network's view of the web app's domains.
	 * @param Domain_Sync_Service $service Converges a name now.
	 * @param Extension_Gateway   $gateway The extension.
	 */
	public function __construct(Domain_Status $status, App_Domains $app, Domain_Sync_Service $service, Extension_Gateway $gateway) {
		$this->status  = $status;
		$this->app     = $app;
		$this->service = $service;
		$this->gateway = $gateway;
	}

	/**
	 * Prints the tab.
	 */
	public function render(): void {
		$this->render_result();
		$app       = $this->app;
		$refreshed = $app->refreshed_at();
		echo '<p class="wu-runcloud-view-age">' . esc_html(
			null === $refreshed
				? __('RunCloud\'s list of domains has not been read in full yet: names may show as missing until the next reconcile reads it.', 'wu-runcloud')
				/* translators: 1: number of domains, 2: date and time */
				: sprintf(_n('RunCloud\'s list (%1$d domain) as last read in full on %2$s, kept up to date by every change since.', 'RunCloud\'s list (%1$d domains) as last read in full on %2$s, kept up to date by every change since.', $app->count(), 'wu-runcloud'), $app->count(), Labels::when($refreshed))
		) . '</p>';
		$table = new Domains_List_Table($this->status);
		$table->prepare_items();
		$table->views();
		echo '<form method="get" action="' . esc_url(network_admin_url('settings.php')) . '">';
		echo '<input type="hidden" name="page" value="' . esc_attr(Routes::SLUG) . '"><input type="hidden" name="tab" value="domains">';
		if ('' !== Domains_List_Table::state()) {
			echo '<input type="hidden" name="state" value="' . esc_attr(Domains_List_Table::state()) . '">';
		}
		$table->search_box(__('Search names', 'wu-runcloud'), 'wu-runcloud-domain');
		$table->display();
		echo '</form>';
	}

	/**
	 * "Sync now" on one row: converges that name at once.
	 */
	public function handle_sync(): void {
		// phpcs:disable WordPress.Security.NonceVerification.Recommended -- checked below, before any work.
		$name    = isset($_GET['name']) ? strtolower(sanitize_text_field(rawurldecode(wp_unslash($_GET['name'])))) : '';
		$site_id = isset($_GET['site']) ? absint($_GET['site']) : 0;
		// phpcs:enable
		Routes::authorize(Routes::SYNC_ACTION . '|' . $name);
		if ('' === $name || ! $this->gateway->is_available()) {
			$this->back('sync_failed', $name);
		}
		$settled = $this->service->converge_now($name, $site_id);
		$this->back($settled ? 'synced' : 'sync_failed', $name);
	}

	/**
	 * Back to the tab, saying what happened to which name.
	 *
	 * @param string $done synced or sync_failed.
	 * @param string $name The name.
	 */
	private function back(string $done, string $name): void {
		Routes::back($done, ['tab' => 'domains', 'name' => rawurlencode($name), 's' => rawurlencode($name)]);
	}

	/**
	 * The notice after "Sync now".
	 */
	private function render_result(): void {
		// phpcs:disable WordPress.Security.NonceVerification.Recommended -- only selects a message.
		$done = Routes::done();
		$name = isset($_GET['name']) ? sanitize_text_field(rawurldecode(wp_unslash($_GET['name']))) : '';
		// phpcs:enable
		if ('synced' === $done) {
			/* translators: %s: domain name */
			printf('<div class="notice notice-success"><p>%s</p></div>', esc_html(sprintf(__('%s is in line with the network.', 'wu-runcloud'), Domain_Status::unicode($name))));
		} elseif ('sync_failed' === $done) {
			/* translators: %s: domain name */
			printf('<div class="notice notice-error"><p>%s</p></div>', esc_html(sprintf(__('%s could not be brought in line now; its row says why and when it is tried again.', 'wu-runcloud'), Domain_Status::unicode($name))));
		}
	}
}
