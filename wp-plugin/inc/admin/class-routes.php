<?php
/**
 * Where the operator's page is, and the checks its actions run first.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Admin;

defined('ABSPATH') || exit;

/**
 * The page's address, its tabs, the admin-post actions its forms send and the
 * capability they need: what the page, its tabs, the notices and Site Health
 * link to. It depends on nothing of the plugin's, so none of them depends on
 * the page itself.
 */
final class Routes {

	const SLUG             = 'wu-runcloud';
	const CAPABILITY       = 'manage_network_options';
	const RECONCILE_ACTION = 'wu_runcloud_reconcile';
	const DISMISS_ACTION   = 'wu_runcloud_dismiss_failures';
	const ADOPT_ACTION     = 'wu_runcloud_adopt';
	const SYNC_ACTION      = 'wu_runcloud_sync_name';

	/**
	 * The page's address, on a tab ('' for the first).
	 *
	 * @param string $tab 'status', 'domains' or ''.
	 */
	public static function url(string $tab = ''): string {
		$url = network_admin_url('settings.php?page=' . self::SLUG);
		return '' === $tab ? $url : add_query_arg('tab', $tab, $url);
	}

	/**
	 * The address that dismisses the given-up operations (nonce included).
	 */
	public static function dismiss_url(): string {
		return wp_nonce_url(admin_url('admin-post.php?action=' . self::DISMISS_ACTION), self::DISMISS_ACTION);
	}

	/**
	 * The address of "Sync now" for a name (nonce included).
	 *
	 * @param string $name    Normalised name.
	 * @param int    $site_id Its site, for the log.
	 */
	public static function sync_url(string $name, int $site_id): string {
		return wp_nonce_url(
			add_query_arg(['action' => self::SYNC_ACTION, 'name' => rawurlencode($name), 'site' => $site_id], admin_url('admin-post.php')),
			self::SYNC_ACTION . '|' . $name
		);
	}

	/**
	 * The tab shown: 'status' or 'domains'.
	 */
	public static function current_tab(): string {
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only selects a view.
		$tab = isset($_GET['tab']) ? sanitize_key(wp_unslash($_GET['tab'])) : 'status';
		return 'domains' === $tab ? 'domains' : 'status';
	}

	/**
	 * Whether the current admin screen is the page.
	 */
	public static function is_current_screen(): bool {
		$screen = function_exists('get_current_screen') ? get_current_screen() : null;
		return null !== $screen && false !== strpos((string) $screen->id, self::SLUG);
	}

	/**
	 * Stops unless the user may manage the network and the nonce is valid:
	 * every action handler's first line.
	 *
	 * @param string $action Nonce action.
	 */
	public static function authorize(string $action): void {
		if (! current_user_can(self::CAPABILITY)) {
			wp_die(esc_html__('Sorry, you are not allowed to manage RunCloud for this network.', 'wu-runcloud'), '', ['response' => 403]);
		}
		check_admin_referer($action);
	}

	/**
	 * Back to the page, saying what was done; ends the request.
	 *
	 * @param string               $done What was done (a key of a tab's messages()).
	 * @param array<string, mixed> $args More query arguments (the tab among them).
	 */
	public static function back(string $done, array $args = []): void {
		$tab = (string) ($args['tab'] ?? '');
		unset($args['tab']);
		wp_safe_redirect(add_query_arg(array_merge(['wu_runcloud_done' => $done], $args), self::url($tab)));
		exit;
	}

	/**
	 * What the last action did, as the page's redirect said.
	 */
	public static function done(): string {
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only selects a message.
		return isset($_GET['wu_runcloud_done']) ? sanitize_key(wp_unslash($_GET['wu_runcloud_done'])) : '';
	}

	/**
	 * A site as a link to its network-admin screen, with its address ('-' for none).
	 *
	 * @param int $site_id Site id.
	 */
	public static function site_link(int $site_id): string {
		if ($site_id <= 0) {
			return '-';
		}
		$site = get_site($site_id);
		if (null === $site) {
			/* translators: %d: site id */
			return esc_html(sprintf(__('site %d (deleted)', 'wu-runcloud'), $site_id));
		}
		return sprintf('<a href="%s">%s</a>', esc_url(network_admin_url('site-info.php?id=' . $site_id)), esc_html(untrailingslashit($site->domain . $site->path)));
	}
}
