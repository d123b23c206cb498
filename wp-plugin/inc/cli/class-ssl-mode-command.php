<?php
/**
 * WP-CLI: `wp runcloud ssl-mode`.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\CLI;

use WuRunCloud\Plugin\Extension\Extension_Missing_Exception;
use WuRunCloud\Plugin\Status\Logger;
use WuRunCloud\Plugin\Status\Printable;
use WuRunCloud\Plugin\Sync\Domain_Sync_Service;
use WuRunCloud\RunCloudException;

defined('ABSPATH') || exit;

/**
 * The web app's SSL mode: shown, planned, switched.
 */
final class SSL_Mode_Command extends Command {

	/**
	 * @var Domain_Sync_Service
	 */
	private $service;

	/**
	 * @param Logger              $logger  Logger.
	 * @param Domain_Sync_Service $service The service.
	 */
	public function __construct(Logger $logger, Domain_Sync_Service $service) {
		parent::__construct($logger);
		$this->service = $service;
	}

	/**
	 * Shows or switches the web app's SSL mode, and what a switch means.
	 *
	 * Basic SSL is one certificate for every name of the web app (at most
	 * 100 names, Let's Encrypt's limit); advanced SSL a certificate per
	 * domain, ordered by this integration paced by Let's Encrypt's budgets,
	 * or by RunCloud itself with AutoSSL. Without --yes nothing changes: the
	 * plan is shown (orders needed, and how long the budgets make them take).
	 *
	 * ## OPTIONS
	 *
	 * [<mode>]
	 * : basic or advanced. Without it, the current mode is shown.
	 * ---
	 * options:
	 *   - basic
	 *   - advanced
	 * ---
	 *
	 * [--auto-ssl]
	 * : With advanced: RunCloud orders and renews each domain's certificate itself.
	 *
	 * [--dry-run]
	 * : Only show what the switch means (also the default without --yes).
	 *
	 * [--yes]
	 * : Switch through RunCloud's API.
	 *
	 * ## EXAMPLES
	 *
	 *     wp runcloud ssl-mode
	 *     wp runcloud ssl-mode advanced --dry-run
	 *     wp runcloud ssl-mode advanced --yes
	 *
	 * @param list<string>         $args       The mode, if any.
	 * @param array<string, mixed> $assoc_args Options.
	 */
	public function __invoke(array $args = [], array $assoc_args = []): void {
		$current = $this->service->ssl_mode();
		\WP_CLI::line(sprintf('%-24s %s', __('Current SSL mode:', 'wu-runcloud'), $current ?? __('unknown (RunCloud could not be read)', 'wu-runcloud')));
		if ([] === $args) {
			\WP_CLI::line(sprintf('%-24s %s', __('Basic SSL certificate:', 'wu-runcloud'), self::basic_ceiling($this->service->basic_ceiling())));
			return;
		}
		$auto = ! empty($assoc_args['auto-ssl']);
		if ('basic' === $args[0] && $auto) {
			\WP_CLI::error(__('AutoSSL needs advanced SSL (a certificate per domain).', 'wu-runcloud'));
			return;
		}
		$mode = 'basic' === $args[0] ? 'basic' : ($auto ? 'auto' : 'advanced');
		$this->plan($mode);
		if ($mode === $current) {
			\WP_CLI::success(__('The web app is in this mode already: nothing to switch.', 'wu-runcloud'));
			return;
		}
		if (empty($assoc_args['yes'])) {
			\WP_CLI::line(__('Nothing changed; run again with --yes to switch.', 'wu-runcloud'));
			return;
		}
		$this->switch_to($mode);
	}

	/**
	 * Says what switching to a mode means; ends the command when it cannot be done.
	 *
	 * @param string $mode basic, advanced or auto.
	 */
	private function plan(string $mode): void {
		$plan = $this->service->plan_ssl_mode($mode);
		\WP_CLI::line(sprintf('%-24s %s', __('Switching to:', 'wu-runcloud'), $mode));
		\WP_CLI::line(sprintf('%-24s %s', __('What it means:', 'wu-runcloud'), Printable::text(ucfirst((string) $plan['message']) . '.')));
		if (! $plan['possible']) {
			\WP_CLI::error(__('Not switched: one basic certificate cannot cover the web app\'s names.', 'wu-runcloud'));
		}
	}

	/**
	 * Switches through RunCloud's API.
	 *
	 * @param string $mode basic, advanced or auto.
	 */
	private function switch_to(string $mode): void {
		try {
			$now = $this->service->switch_ssl_mode($mode);
		} catch (RunCloudException | Extension_Missing_Exception $e) {
			$this->stop($e);
			return;
		}
		/* translators: %s: basic, advanced or auto */
		\WP_CLI::success(sprintf(__('The web app is in %s SSL now.', 'wu-runcloud'), $now));
	}
}
