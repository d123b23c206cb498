<?php
/**
 * Network-admin notices.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Admin;

use WuRunCloud\Plugin\Extension\Extension_Gateway;
use WuRunCloud\Plugin\Extension\Failure;
use WuRunCloud\Plugin\Plugin;
use WuRunCloud\Plugin\Status\Failure_Log;
use WuRunCloud\Plugin\Sync\Name_Queue;

defined('ABSPATH') || exit;

/**
 * Tells the network admin when the extension is missing (and how to install
 * it, RunCloud's own PHP builds included), when Ultimate Multisite is, and
 * when operations wait for a retry or were given up on.
 */
class Admin_Notices {

	/**
	 * @var Extension_Gateway
	 */
	private $gateway;

	/**
	 * @var Sync\Name_Queue
	 */
	private $retries;

	/**
	 * @var Failure_Log
	 */
	private $failures;

	/**
	 * @param Extension_Gateway $gateway  The extension.
	 * @param Sync\Name_Queue $retries  Retries.
	 * @param Failure_Log       $failures Operations given up on.
	 */
	public function __construct(Extension_Gateway $gateway, Name_Queue $retries, Failure_Log $failures) {
		$this->gateway  = $gateway;
		$this->retries  = $retries;
		$this->failures = $failures;
	}

	/**
	 * Prints the notices that apply.
	 */
	public function render(): void {
		if (! current_user_can(Routes::CAPABILITY)) {
			return;
		}
		// The page itself says all this in place: no second copy above it.
		$on_page = Routes::is_current_screen();
		if (! $this->gateway->is_available() && ! $on_page) {
			$this->print_notice('warning', self::extension_missing_html());
		}
		if (null === Plugin::architecture()) {
			$this->print_notice(
				'info',
				'<p>' . esc_html__('RunCloud for Ultimate Multisite works with Ultimate Multisite: install and network-activate it, then enable RunCloud under Ultimate Multisite > Settings > Domain Mapping > Host Integrations.', 'wu-runcloud') . '</p>'
			);
		}
		$trouble = $on_page ? '' : $this->trouble_html();
		if ('' !== $trouble) {
			$this->print_notice('warning', $trouble, true);
		}
	}

	/**
	 * What waits for a retry and what was given up on, with links to the
	 * RunCloud page and to dismiss; '' when nothing is wrong.
	 */
	private function trouble_html(): string {
		$queued    = $this->retries->all();
		$waiting   = count($queued);
		$given_up  = count($this->failures->all());
		$sentences = [];
		if ($waiting > 0) {
			/* translators: %d: number of operations */
			$sentences[] = sprintf(_n('%d operation is waiting for a retry.', '%d operations are waiting for a retry.', $waiting, 'wu-runcloud'), $waiting);
			$overdue     = array_filter(
				$queued,
				static function ($entry) {
					return Failure::is_overdue((int) $entry['next_at']);
				}
			);
			if ([] !== $overdue) {
				$sentences[] = Failure::retry_sentence((int) min(array_column($overdue, 'next_at')));
			}
		}
		if ($given_up > 0) {
			/* translators: %d: number of operations */
			$sentences[] = sprintf(_n('%d operation failed for good and was given up.', '%d operations failed for good and were given up.', $given_up, 'wu-runcloud'), $given_up);
		}
		if ([] === $sentences) {
			return '';
		}
		$html  = '<p><strong>' . esc_html__('RunCloud for Ultimate Multisite:', 'wu-runcloud') . '</strong> ' . esc_html(implode(' ', $sentences)) . '</p><p>';
		$html .= '<a href="' . esc_url(Routes::url()) . '">' . esc_html__('See the details and reconcile', 'wu-runcloud') . '</a>';
		if ($given_up > 0) {
			$html .= ' | <a href="' . esc_url(Routes::dismiss_url()) . '">' . esc_html__('Dismiss the given-up operations', 'wu-runcloud') . '</a>';
		}
		return $html . '</p>';
	}

	/**
	 * How to install the extension, as HTML (also used by Site Health).
	 */
	public static function extension_missing_html(): string {
		$php = PHP_MAJOR_VERSION . PHP_MINOR_VERSION;
		$html  = '<p><strong>' . esc_html__('RunCloud for Ultimate Multisite: the wu_runcloud PHP extension is not loaded.', 'wu-runcloud') . '</strong> ';
		$html .= esc_html__('Until it is, this plugin stays out of the way and Ultimate Multisite\'s own RunCloud integration keeps working as before.', 'wu-runcloud') . '</p>';
		$html .= '<p>' . esc_html__('To install it, build the extension for this PHP version and enable it:', 'wu-runcloud') . '</p><ol>';
		$html .= '<li>' . sprintf(
			/* translators: %s: a shell command */
			esc_html__('Build it on the server (needs a Rust toolchain and clang): %s', 'wu-runcloud'),
			'<code>cargo build --release</code>'
		) . '</li>';
		$html .= '<li>' . sprintf(
			/* translators: 1: file name, 2: directory command */
			esc_html__('Copy %1$s to the directory shown by %2$s as wu_runcloud.so.', 'wu-runcloud'),
			'<code>target/release/libwu_runcloud.so</code>',
			'<code>php-config --extension-dir</code>'
		) . '</li>';
		$html .= '<li>' . sprintf(
			/* translators: 1: ini line, 2: Debian directory, 3: RunCloud directory */
			esc_html__('Add %1$s to a file in the PHP configuration directory: %2$s on Debian, %3$s on RunCloud\'s own PHP builds (and build there with that PHP\'s php-config).', 'wu-runcloud'),
			'<code>extension=wu_runcloud.so</code>',
			'<code>/etc/php/' . esc_html(PHP_MAJOR_VERSION . '.' . PHP_MINOR_VERSION) . '/mods-available/</code>',
			'<code>/etc/php' . esc_html($php) . 'rc/conf.d/</code>'
		) . '</li>';
		$html .= '<li>' . sprintf(
			/* translators: %s: a service name */
			esc_html__('Restart PHP-FPM (on RunCloud: %s), then check Tools > Site Health.', 'wu-runcloud'),
			'<code>systemctl restart php' . esc_html($php) . 'rc-fpm</code>'
		) . '</li></ol>';
		return $html;
	}

	/**
	 * @param string $type        'warning', 'info', 'error'.
	 * @param string $html        Escaped HTML.
	 * @param bool   $dismissible Whether the admin may close it for this page view
	 *                            (WordPress's is-dismissible; the link dismisses for good).
	 */
	private function print_notice(string $type, string $html, bool $dismissible = false): void {
		printf('<div class="notice notice-%s wu-runcloud-notice%s">%s</div>', esc_attr($type), $dismissible ? ' is-dismissible' : '', $html); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped when built.
	}
}
