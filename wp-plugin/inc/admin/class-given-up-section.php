<?php
/**
 * The Status tab's operations given up on.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Admin;

use WuRunCloud\Plugin\Extension\Failure;
use WuRunCloud\Plugin\Status\Failure_Log;
use WuRunCloud\Plugin\Status\Labels;
use WuRunCloud\Plugin\Status\Logger;

defined('ABSPATH') || exit;

/**
 * Operations that failed for good, kept until the admin dismisses them here
 * (or from the network notice, which links to the same action).
 */
class Given_Up_Section implements Section {

	/**
	 * @var Failure_Log
	 */
	private $failures;

	/**
	 * @var Logger
	 */
	private $logger;

	/**
	 * @param Failure_Log $failures Operations given up on.
	 * @param Logger      $logger   Redacts what RunCloud said.
	 */
	public function __construct(Failure_Log $failures, Logger $logger) {
		$this->failures = $failures;
		$this->logger   = $logger;
	}

	/**
	 * Dismisses the operations given up on.
	 */
	public function handle_dismiss(): void {
		Routes::authorize(Routes::DISMISS_ACTION);
		$this->failures->clear();
		// Back where the admin pressed it: the dashboard's notice or this page.
		$referer = wp_get_referer();
		if (is_string($referer) && '' !== $referer && false === strpos($referer, 'page=' . Routes::SLUG)) {
			wp_safe_redirect(add_query_arg('wu_runcloud_done', 'dismissed', $referer));
			exit;
		}
		Routes::back('dismissed');
	}

	/**
	 * What the page says after the button.
	 *
	 * @return array<string, array{0: string, 1: string}>
	 */
	public function messages(): array {
		return ['dismissed' => ['success', __('The given-up operations were dismissed.', 'wu-runcloud')]];
	}

	/**
	 * Operations given up on, with the button that dismisses them.
	 */
	public function render(): void {
		$failures = $this->failures->all();
		if ([] === $failures) {
			return;
		}
		echo '<h2>' . esc_html__('Given up', 'wu-runcloud') . '</h2>';
		echo '<p>' . esc_html__('These operations failed for good. The daily reconcile adds a missing domain again; "Reconcile now" does it at once.', 'wu-runcloud') . '</p>';
		echo '<table class="widefat striped"><thead><tr><th>' . esc_html__('When', 'wu-runcloud') . '</th><th>' . esc_html__('Operation', 'wu-runcloud') . '</th><th>' . esc_html__('Domain', 'wu-runcloud') . '</th><th>' . esc_html__('Site', 'wu-runcloud') . '</th><th>' . esc_html__('Error', 'wu-runcloud') . '</th></tr></thead><tbody>';
		foreach ($failures as $failure) {
			$times = (int) ($failure['times'] ?? 1);
			echo '<tr><td>' . esc_html(Labels::when((int) $failure['time'])) . ($times > 1 ? ' ' . esc_html(
				/* translators: %d: how many times the same failure happened */
				sprintf(_n('(%d time)', '(%d times)', $times, 'wu-runcloud'), $times)
			) : '') . '</td><td>' . esc_html(Labels::operation((string) $failure['operation'])) . '</td><td>' . esc_html(Labels::domain((string) $failure['domain'])) . '</td><td>' . Routes::site_link((int) $failure['site_id']) . '</td><td>' . esc_html($this->logger->redact(Failure::explain((string) $failure['error']))) . '</td></tr>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- site_link() escapes.
		}
		echo '</tbody></table>';
		echo '<form method="post" action="' . esc_url(admin_url('admin-post.php')) . '">';
		echo '<input type="hidden" name="action" value="' . esc_attr(Routes::DISMISS_ACTION) . '">';
		wp_nonce_field(Routes::DISMISS_ACTION);
		echo '<p><button type="submit" class="button">' . esc_html__('Dismiss', 'wu-runcloud') . '</button></p></form>';
	}
}
