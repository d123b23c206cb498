<?php
/**
 * Network Admin > Settings > RunCloud.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Admin;

use WuRunCloud\Plugin\Extension\Credentials;
use WuRunCloud\Plugin\Extension\Extension_Gateway;
use WuRunCloud\Plugin\Extension\Failure;
use WuRunCloud\Plugin\Status\Failure_Log;
use WuRunCloud\Plugin\Status\Logger;
use WuRunCloud\Plugin\Sync\Adoption;
use WuRunCloud\Plugin\Sync\Certificates\Certificate_Queue;
use WuRunCloud\Plugin\Sync\Domain_Sync_Service;
use WuRunCloud\Plugin\Sync\Name_Queue;
use WuRunCloud\Plugin\Sync\Reconcile\Daily_Reconcile;
use WuRunCloud\Plugin\Sync\Reconcile\Reconcile_Record;

defined('ABSPATH') || exit;

/**
 * The operator's page: is the extension there, which constants are set
 * (names, never values), what waits for a retry or a certificate redeploy,
 * what was given up on, what the last reconcile did; and two buttons, a
 * preview (dry run) and a reconcile, that post to admin-post.php. The
 * handlers check the capability and the nonce before anything else, and all
 * the work is the service's.
 */
class Settings_Page {

	const SLUG             = 'wu-runcloud';
	const CAPABILITY       = 'manage_network_options';
	const RECONCILE_ACTION = 'wu_runcloud_reconcile';
	const DISMISS_ACTION   = 'wu_runcloud_dismiss_failures';
	const ADOPT_ACTION     = 'wu_runcloud_adopt';

	/**
	 * Names the page lists before "and N more".
	 */
	const ADOPT_LISTED = 50;

	/**
	 * @var Extension_Gateway
	 */
	private $gateway;

	/**
	 * @var Credentials
	 */
	private $credentials;

	/**
	 * @var Domain_Sync_Service
	 */
	private $service;

	/**
	 * @var Sync\Name_Queue
	 */
	private $retries;

	/**
	 * @var Sync\Certificate_Queue
	 */
	private $ssl;

	/**
	 * @var Failure_Log
	 */
	private $failures;

	/**
	 * @var Reconcile_Record
	 */
	private $record;

	/**
	 * @var Daily_Reconcile
	 */
	private $daily;

	/**
	 * @var Logger
	 */
	private $logger;

	/**
	 * @var Sync\Adoption
	 */
	private $adoption;

	/**
	 * @param Extension_Gateway   $gateway     The extension.
	 * @param Credentials         $credentials Credentials.
	 * @param Domain_Sync_Service $service     The service.
	 * @param Sync\Name_Queue $retries     Retries.
	 * @param Sync\Certificate_Queue $ssl         Pending redeploy.
	 * @param Failure_Log         $failures    Operations given up on.
	 * @param Reconcile_Record    $record      The last reconcile.
	 * @param Daily_Reconcile     $daily       The daily run.
	 * @param Logger              $logger      Redacts what RunCloud said.
	 * @param Sync\Adoption       $adoption    Adoption of names this integration did not add.
	 */
	public function __construct(Extension_Gateway $gateway, Credentials $credentials, Domain_Sync_Service $service, Name_Queue $retries, Certificate_Queue $ssl, Failure_Log $failures, Reconcile_Record $record, Daily_Reconcile $daily, Logger $logger, Adoption $adoption) {
		$this->gateway     = $gateway;
		$this->credentials = $credentials;
		$this->service     = $service;
		$this->retries     = $retries;
		$this->ssl         = $ssl;
		$this->failures    = $failures;
		$this->record      = $record;
		$this->daily       = $daily;
		$this->logger      = $logger;
		$this->adoption    = $adoption;
	}

	/**
	 * The page's address.
	 */
	public static function url(): string {
		return network_admin_url('settings.php?page=' . self::SLUG);
	}

	/**
	 * The address that dismisses the given-up operations (nonce included).
	 */
	public static function dismiss_url(): string {
		return wp_nonce_url(admin_url('admin-post.php?action=' . self::DISMISS_ACTION), self::DISMISS_ACTION);
	}

	/**
	 * Adds the page under Network Admin > Settings.
	 */
	public function register(): void {
		$hook = add_submenu_page('settings.php', __('RunCloud', 'wu-runcloud'), __('RunCloud', 'wu-runcloud'), self::CAPABILITY, self::SLUG, [$this, 'render']);
		if (is_string($hook) && '' !== $hook) {
			// Screen Options > "Names per page" on the Domains tab.
			add_action(
				'load-' . $hook,
				static function () {
					if ('domains' === self::current_tab()) {
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
	 * "Preview reconcile" and "Reconcile now".
	 */
	public function handle_reconcile(): void {
		$this->authorize(self::RECONCILE_ACTION);
		// phpcs:ignore WordPress.Security.NonceVerification.Missing -- checked in authorize().
		$dry_run = 'apply' !== sanitize_key(wp_unslash($_POST['mode'] ?? ''));
		// phpcs:ignore WordPress.Security.NonceVerification.Missing -- checked in authorize().
		$prune  = ! empty($_POST['prune']);
		if (! $this->gateway->is_available()) {
			$this->back('failed', $prune);
		}
		// The reconcile reads the web app a page at a time: a large app is
		// read over several queue runs after this page load's share.
		$outcome = $this->daily->start_now('admin', $dry_run, $prune);
		if ('done' === $outcome) {
			$outcome = $dry_run ? 'previewed' : 'reconciled';
		}
		$this->back('under_way' === $outcome ? 'started' : $outcome, $prune);
	}

	/**
	 * Dismisses the operations given up on.
	 */
	public function handle_dismiss(): void {
		$this->authorize(self::DISMISS_ACTION);
		$this->failures->clear();
		// Back where the admin pressed it: the dashboard's notice or this page.
		$referer = wp_get_referer();
		if (is_string($referer) && '' !== $referer && false === strpos($referer, 'page=' . self::SLUG)) {
			wp_safe_redirect(add_query_arg('wu_runcloud_done', 'dismissed', $referer));
			exit;
		}
		$this->back('dismissed');
	}

	/**
	 * "Adopt these names": records the names the page listed as this
	 * integration's, only if they are still what it listed.
	 */
	public function handle_adopt(): void {
		$this->authorize(self::ADOPT_ACTION);
		$candidates = array_keys($this->adoption->candidates());
		// phpcs:ignore WordPress.Security.NonceVerification.Missing -- checked in authorize().
		$listed = sanitize_key(wp_unslash($_POST['listed'] ?? ''));
		if ([] === $candidates || ! hash_equals(self::fingerprint($candidates), $listed)) {
			$this->back('adopt_changed');
		}
		$this->adoption->adopt($candidates, sprintf('user %d', get_current_user_id()));
		$this->back('adopted');
	}

	/**
	 * Prints the page.
	 */
	public function render(): void {
		if (! current_user_can(self::CAPABILITY)) {
			return;
		}
		echo '<div class="wrap"><h1>' . esc_html__('RunCloud for Ultimate Multisite', 'wu-runcloud') . '</h1>';
		$this->render_result_notice();
		$tab = self::current_tab();
		echo '<nav class="nav-tab-wrapper wp-clearfix">';
		foreach (['status' => __('Status', 'wu-runcloud'), 'domains' => __('Domains', 'wu-runcloud')] as $slug => $label) {
			printf('<a href="%s" class="nav-tab%s" id="wu-runcloud-tab-%s">%s</a>', esc_url(add_query_arg('tab', $slug, self::url())), $slug === $tab ? ' nav-tab-active' : '', esc_attr($slug), esc_html($label));
		}
		echo '</nav>';
		if ('domains' === $tab) {
			$this->domains_view()->render();
			echo '</div>';
			return;
		}
		$this->render_extension();
		$this->render_constants();
		$this->render_waiting();
		$this->render_given_up();
		$this->render_last_reconcile();
		$this->render_form();
		$this->render_adoption();
		echo '</div>';
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
	 * The Domains tab.
	 */
	public function domains_view(): Domains_View {
		return new Domains_View($this->service, $this->retries, $this->ssl, $this->gateway);
	}

	/**
	 * Whether the current admin screen is this page.
	 */
	public static function is_current_screen(): bool {
		$screen = function_exists('get_current_screen') ? get_current_screen() : null;
		return null !== $screen && false !== strpos((string) $screen->id, self::SLUG);
	}

	/**
	 * Stops unless the user may manage the network and the nonce is valid.
	 *
	 * @param string $action Nonce action.
	 */
	private function authorize(string $action): void {
		if (! current_user_can(self::CAPABILITY)) {
			wp_die(esc_html__('Sorry, you are not allowed to manage RunCloud for this network.', 'wu-runcloud'), '', ['response' => 403]);
		}
		check_admin_referer($action);
	}

	/**
	 * Back to the page, saying what was done.
	 *
	 * @param string $done  previewed, reconciled, failed or dismissed.
	 * @param bool   $prune The prune choice, kept for the next press.
	 */
	private function back(string $done, bool $prune = false): void {
		$args = ['wu_runcloud_done' => $done];
		if ($prune) {
			$args['prune'] = '1';
		}
		wp_safe_redirect(add_query_arg($args, self::url()));
		exit;
	}

	/**
	 * The notice after a button was pressed.
	 */
	private function render_result_notice(): void {
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only selects a message.
		$done     = isset($_GET['wu_runcloud_done']) ? sanitize_key(wp_unslash($_GET['wu_runcloud_done'])) : '';
		$messages = [
			'previewed'  => ['info', __('Preview done: nothing was changed. What a reconcile would do is shown below.', 'wu-runcloud')],
			'reconciled' => ['success', __('Reconcile done. What it changed is shown below.', 'wu-runcloud')],
			'failed'     => ['error', __('The reconcile could not run. The reason is shown below.', 'wu-runcloud')],
			'started'    => ['info', __('The reconcile is under way: the web app is read a page at a time within its rate limit. How far it got is shown below.', 'wu-runcloud')],
			'dismissed'  => ['success', __('The given-up operations were dismissed.', 'wu-runcloud')],
			'adopted'    => ['success', __('The names were adopted: unmapping one now removes it from RunCloud.', 'wu-runcloud')],
			'adopt_changed' => ['warning', __('Nothing was adopted: the names to adopt changed since the page was shown. Check the list below again.', 'wu-runcloud')],
		];
		if (isset($messages[ $done ])) {
			printf('<div class="notice notice-%s"><p>%s</p></div>', esc_attr($messages[ $done ][0]), esc_html($messages[ $done ][1]));
		}
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

	/**
	 * Operations waiting for a retry, names waiting for a redeploy.
	 */
	private function render_waiting(): void {
		echo '<h2>' . esc_html__('Waiting', 'wu-runcloud') . '</h2>';
		$queued = $this->retries->all();
		if ([] === $queued) {
			echo '<p>' . esc_html__('No RunCloud operation is waiting for a retry.', 'wu-runcloud') . '</p>';
		} else {
			echo '<table class="widefat striped"><thead><tr><th>' . esc_html__('Operation', 'wu-runcloud') . '</th><th>' . esc_html__('Domain', 'wu-runcloud') . '</th><th>' . esc_html__('Attempts', 'wu-runcloud') . '</th><th>' . esc_html__('Next attempt', 'wu-runcloud') . '</th><th>' . esc_html__('Last error', 'wu-runcloud') . '</th></tr></thead><tbody>';
			foreach ($queued as $entry) {
				$next = (int) $entry['next_at'];
				$due  = Failure::is_overdue($next)
					/* translators: %s: date and time */
					? sprintf(__('%s (overdue)', 'wu-runcloud'), $this->when($next))
					: $this->when($next);
				$this->row([self::operation_label((string) $entry['operation']), $this->domain_label((string) $entry['domain']), (string) (int) $entry['attempts'], $due, Failure::explain((string) $entry['error'], $next)]);
			}
			echo '</tbody></table>';
		}
		$pending = $this->ssl->pending();
		echo '<p>' . esc_html(
			[] === $pending
				? __('No domain is waiting for a certificate redeploy.', 'wu-runcloud')
				/* translators: %s: domain names */
				: sprintf(__('Waiting for a certificate redeploy: %s.', 'wu-runcloud'), implode(', ', $pending))
		) . '</p>';
		$failure = $this->ssl->failure();
		if ([] !== $pending && $failure['attempts'] > 0) {
			echo '<p>' . esc_html(
				$this->logger->redact(
					sprintf(
						/* translators: 1: number of failed attempts, 2: the last error */
						_n('The last certificate redeploy failed (%1$d attempt so far): %2$s', 'The last certificate redeploy failed (%1$d attempts so far): %2$s', (int) $failure['attempts'], 'wu-runcloud'),
						$failure['attempts'],
						Failure::explain((string) $failure['error'], (int) $this->ssl->next_run())
					)
				)
			) . '</p>';
		}
	}

	/**
	 * Operations given up on, with the button that dismisses them.
	 */
	private function render_given_up(): void {
		$failures = $this->failures->all();
		if ([] === $failures) {
			return;
		}
		echo '<h2>' . esc_html__('Given up', 'wu-runcloud') . '</h2>';
		echo '<p>' . esc_html__('These operations failed for good. The daily reconcile adds a missing domain again; "Reconcile now" does it at once.', 'wu-runcloud') . '</p>';
		echo '<table class="widefat striped"><thead><tr><th>' . esc_html__('When', 'wu-runcloud') . '</th><th>' . esc_html__('Operation', 'wu-runcloud') . '</th><th>' . esc_html__('Domain', 'wu-runcloud') . '</th><th>' . esc_html__('Site', 'wu-runcloud') . '</th><th>' . esc_html__('Error', 'wu-runcloud') . '</th></tr></thead><tbody>';
		foreach ($failures as $failure) {
			$times = (int) ($failure['times'] ?? 1);
			echo '<tr><td>' . esc_html($this->when((int) $failure['time'])) . ($times > 1 ? ' ' . esc_html(
				/* translators: %d: how many times the same failure happened */
				sprintf(_n('(%d time)', '(%d times)', $times, 'wu-runcloud'), $times)
			) : '') . '</td><td>' . esc_html(self::operation_label((string) $failure['operation'])) . '</td><td>' . esc_html($this->domain_label((string) $failure['domain'])) . '</td><td>' . self::site_link((int) $failure['site_id']) . '</td><td>' . esc_html($this->logger->redact(Failure::explain((string) $failure['error']))) . '</td></tr>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- site_link() escapes.
		}
		echo '</tbody></table>';
		echo '<form method="post" action="' . esc_url(admin_url('admin-post.php')) . '">';
		echo '<input type="hidden" name="action" value="' . esc_attr(self::DISMISS_ACTION) . '">';
		wp_nonce_field(self::DISMISS_ACTION);
		echo '<p><button type="submit" class="button">' . esc_html__('Dismiss', 'wu-runcloud') . '</button></p></form>';
	}

	/**
	 * When the last reconcile ran and what it found and did.
	 */
	private function render_last_reconcile(): void {
		echo '<h2>' . esc_html__('Reconcile', 'wu-runcloud') . '</h2>';
		echo '<p>' . esc_html($this->daily_line()) . '</p>';
		$progress = $this->service->reconcile_walk()->progress();
		if (null !== $progress) {
			echo '<p class="wu-runcloud-reconcile-progress">' . esc_html(self::describe_progress($progress)) . '</p>';
		}
		$last = $this->record->last();
		if (null === $last) {
			echo '<p>' . esc_html__('No reconcile has run yet.', 'wu-runcloud') . '</p>';
			return;
		}
		echo '<p>' . esc_html($this->last_heading($last)) . '</p>';
		if (null !== $last['failure']) {
			/* translators: %s: the reason */
			echo '<p class="wu-runcloud-failure">' . esc_html(sprintf(__('It could not run: %s', 'wu-runcloud'), $this->logger->redact(Failure::explain((string) $last['failure'])))) . '</p>';
			return;
		}
		echo '<table class="widefat striped"><tbody>';
		$this->row([__('To add', 'wu-runcloud'), $this->names($last['to_add'])]);
		$this->row([__('To remove', 'wu-runcloud'), $this->names($last['to_remove'])]);
		$this->row([__('Unchanged', 'wu-runcloud'), (string) (int) $last['unchanged']]);
		if (! $last['dry_run']) {
			$this->row([__('Added', 'wu-runcloud'), $this->names($last['added'])]);
			$this->row([__('Removed', 'wu-runcloud'), $this->names($last['removed'])]);
		}
		foreach ((array) $last['errors'] as $name => $message) {
			/* translators: %s: domain name */
			$this->row([sprintf(__('Failed: %s', 'wu-runcloud'), $name), $this->logger->redact(Failure::explain((string) $message))]);
		}
		echo '</tbody></table>';
	}

	/**
	 * One line on a reconcile under way: how far it got.
	 *
	 * @param array<string, mixed> $progress Sync\Reconcile_Walk::progress().
	 */
	public static function describe_progress(array $progress): string {
		if ('listing' === $progress['phase']) {
			return null === $progress['total_pages']
				/* translators: 1: what started it, 2: date and time */
				? sprintf(__('A reconcile (%1$s) is under way since %2$s: reading the first page of the web app\'s domains.', 'wu-runcloud'), $progress['trigger'], gmdate('Y-m-d H:i:s', (int) $progress['started_at']) . ' UTC')
				/* translators: 1: what started it, 2: date and time, 3: pages read, 4: pages in all, 5: queue runs so far */
				: sprintf(__('A reconcile (%1$s) is under way since %2$s: %3$d of %4$d pages of the web app\'s domains read, in %5$d runs.', 'wu-runcloud'), $progress['trigger'], gmdate('Y-m-d H:i:s', (int) $progress['started_at']) . ' UTC', $progress['pages_read'], $progress['total_pages'], $progress['runs']);
		}
		/* translators: 1: what started it, 2: date and time, 3: names done, 4: names left */
		return sprintf(__('A reconcile (%1$s) is under way since %2$s: every page read; %3$d names converged, %4$d left.', 'wu-runcloud'), $progress['trigger'], gmdate('Y-m-d H:i:s', (int) $progress['started_at']) . ' UTC', $progress['converged'], $progress['pending']);
	}

	/**
	 * When the daily reconcile runs next and what it does.
	 */
	private function daily_line(): string {
		$next = $this->daily->next_run();
		if (null === $next) {
			return __('The daily reconcile is not scheduled (it is while the extension is loaded and Ultimate Multisite uses this integration).', 'wu-runcloud');
		}
		return $this->daily->prunes()
			/* translators: %s: date and time */
			? sprintf(__('Next daily reconcile: %s. It adds missing domains and removes the names this integration added that nothing wants.', 'wu-runcloud'), $this->when($next))
			/* translators: %s: date and time */
			: sprintf(__('Next daily reconcile: %s. It adds missing domains and removes nothing.', 'wu-runcloud'), $this->when($next));
	}

	/**
	 * "Last reconcile: when, how started, dry run or not."
	 *
	 * @param array<string, mixed> $last The record.
	 */
	private function last_heading(array $last): string {
		$hows = [
			'daily' => __('daily run', 'wu-runcloud'),
			'cli'   => __('started with WP-CLI', 'wu-runcloud'),
			'first' => __('the first look at the web app, started by itself', 'wu-runcloud'),
		];
		$how  = $hows[ $last['trigger'] ] ?? __('started from this page', 'wu-runcloud');
		if ($last['dry_run']) {
			/* translators: 1: date and time, 2: how it was started */
			return sprintf(__('Last preview: %1$s (%2$s).', 'wu-runcloud'), $this->when((int) $last['time']), $how);
		}
		return $last['prune']
			/* translators: 1: date and time, 2: how it was started */
			? sprintf(__('Last reconcile, with removal of unwanted names: %1$s (%2$s).', 'wu-runcloud'), $this->when((int) $last['time']), $how)
			/* translators: 1: date and time, 2: how it was started */
			: sprintf(__('Last reconcile: %1$s (%2$s).', 'wu-runcloud'), $this->when((int) $last['time']), $how);
	}

	/**
	 * The two buttons and the prune checkbox.
	 */
	private function render_form(): void {
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only keeps the box as it was.
		$prune    = ! empty($_GET['prune']);
		$disabled = $this->gateway->is_available() ? '' : ' disabled';
		echo '<form method="post" action="' . esc_url(admin_url('admin-post.php')) . '" id="wu-runcloud-reconcile">';
		echo '<input type="hidden" name="action" value="' . esc_attr(self::RECONCILE_ACTION) . '">';
		wp_nonce_field(self::RECONCILE_ACTION);
		echo '<p><label><input type="checkbox" name="prune" value="1"' . checked($prune, true, false) . $disabled . '> ' . esc_html__('Also remove names this integration added that nothing wants', 'wu-runcloud') . '</label></p>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- fixed attributes.
		if ('' !== $disabled) {
			echo '<p class="description">' . esc_html__('The buttons work once the extension is loaded (see above).', 'wu-runcloud') . '</p>';
		}
		echo '<p class="description">' . esc_html__('Names that were on the web app before, the network\'s main domain and the web app\'s primary domain are never removed.', 'wu-runcloud') . '</p>';
		echo '<p><button type="submit" class="button" name="mode" value="preview"' . $disabled . '>' . esc_html__('Preview reconcile', 'wu-runcloud') . '</button> '; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- fixed attribute.
		echo '<button type="submit" class="button button-primary" name="mode" value="apply"' . $disabled . '>' . esc_html__('Reconcile now', 'wu-runcloud') . '</button></p>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- fixed attribute.
		echo '</form>';
	}

	/**
	 * The names on the web app that this integration did not add, and the
	 * button that adopts them, with what that means.
	 */
	private function render_adoption(): void {
		echo '<h2 id="wu-runcloud-adoption">' . esc_html__('Names this integration did not add', 'wu-runcloud') . '</h2>';
		echo '<p>' . esc_html__('A name is removed from RunCloud only when this integration added it: unmapping a name that was on the web app before (added by hand in RunCloud, or by Ultimate Multisite\'s own RunCloud provider before this plugin) leaves it there.', 'wu-runcloud') . '</p>';
		$candidates = array_keys($this->adoption->candidates());
		if (! $this->adoption->view_is_whole()) {
			echo '<p class="description">' . esc_html__('The web app has not been read whole yet (its first reading runs in the background): names not seen yet are not listed.', 'wu-runcloud') . '</p>';
		}
		if ([] === $candidates) {
			echo '<p>' . esc_html__('Every name Ultimate Multisite maps that is on the web app is on record: nothing to adopt.', 'wu-runcloud') . '</p>';
			return;
		}
		$listed = array_slice($candidates, 0, self::ADOPT_LISTED);
		$more   = count($candidates) - count($listed);
		/* translators: %d: number of names */
		echo '<p>' . esc_html(sprintf(_n('%d name that Ultimate Multisite maps now is on the web app without this integration\'s record. Adopt it if this network added it, so that unmapping it removes it from RunCloud too:', '%d names that Ultimate Multisite maps now are on the web app without this integration\'s record. Adopt them if this network added them, so that unmapping one removes it from RunCloud too:', count($candidates), 'wu-runcloud'), count($candidates))) . '</p>';
		echo '<ul class="wu-runcloud-adoptable">';
		foreach ($listed as $name) {
			echo '<li><code>' . esc_html($this->domain_label($name)) . '</code></li>';
		}
		echo '</ul>';
		if ($more > 0) {
			/* translators: %d: number of names not listed */
			echo '<p>' . esc_html(sprintf(_n('and %d more (wp runcloud adopt lists them all).', 'and %d more (wp runcloud adopt lists them all).', $more, 'wu-runcloud'), $more)) . '</p>';
		}
		echo '<form method="post" action="' . esc_url(admin_url('admin-post.php')) . '" id="wu-runcloud-adopt">';
		echo '<input type="hidden" name="action" value="' . esc_attr(self::ADOPT_ACTION) . '">';
		echo '<input type="hidden" name="listed" value="' . esc_attr(self::fingerprint($candidates)) . '">';
		wp_nonce_field(self::ADOPT_ACTION);
		/* translators: %d: number of names */
		echo '<p><button type="submit" class="button">' . esc_html(sprintf(_n('Adopt %d name', 'Adopt these %d names', count($candidates), 'wu-runcloud'), count($candidates))) . '</button></p></form>';
	}

	/**
	 * What the adoption form listed, so its handler adopts exactly that.
	 *
	 * @param list<string> $names Names.
	 */
	private static function fingerprint(array $names): string {
		return substr(hash('sha256', implode("\n", $names)), 0, 32);
	}

	/**
	 * Prints a table row of plain-text cells.
	 *
	 * @param list<string> $cells Cells.
	 */
	private function row(array $cells): void {
		echo '<tr>';
		foreach ($cells as $cell) {
			echo '<td>' . esc_html($this->logger->redact($cell)) . '</td>';
		}
		echo '</tr>';
	}

	/**
	 * An operation's name for people.
	 *
	 * @param string $operation add_domain, remove_domain, redeploy_ssl...
	 */
	public static function operation_label(string $operation): string {
		$labels = [
			'add_domain'    => __('Add the domain', 'wu-runcloud'),
			'remove_domain' => __('Remove the domain', 'wu-runcloud'),
			'redeploy_ssl'  => __('Redeploy the certificate', 'wu-runcloud'),
			'converge'      => __('Bring in line', 'wu-runcloud'),
			'sync_now'      => __('Sync now', 'wu-runcloud'),
		];
		return $labels[ $operation ] ?? $operation;
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

	/**
	 * @param list<string> $names Names.
	 */
	private function names(array $names): string {
		return [] === $names ? '-' : implode(', ', $names);
	}

	/**
	 * @param string $domain A name, or '' for the web app's certificate.
	 */
	private function domain_label(string $domain): string {
		return '' === $domain ? __('(web app)', 'wu-runcloud') : $domain;
	}

	/**
	 * A time in the site's format and time zone.
	 *
	 * @param int $timestamp Unix time.
	 */
	private function when(int $timestamp): string {
		return (string) wp_date(get_option('date_format') . ' ' . get_option('time_format'), $timestamp);
	}
}
