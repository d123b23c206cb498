<?php
/**
 * The Status tab's reconcile: what the last one did, and its buttons.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Admin;

use WuRunCloud\Plugin\Extension\Extension_Gateway;
use WuRunCloud\Plugin\Extension\Failure;
use WuRunCloud\Plugin\Status\Labels;
use WuRunCloud\Plugin\Status\Logger;
use WuRunCloud\Plugin\Sync\Reconcile\Daily_Reconcile;
use WuRunCloud\Plugin\Sync\Reconcile\Last_Reconcile;
use WuRunCloud\Plugin\Sync\Reconcile\Reconcile_Walk;

defined('ABSPATH') || exit;

/**
 * When the daily reconcile runs, how far one under way got, what the last one
 * found and did; and two buttons, a preview (dry run) and a reconcile, that post
 * to admin-post.php, where the handler checks the capability and the nonce
 * before anything else. The work itself is the walk's.
 */
class Reconcile_Section implements Section {

	/**
	 * @var Extension_Gateway
	 */
	private $gateway;

	/**
	 * @var Daily_Reconcile
	 */
	private $daily;

	/**
	 * @var Reconcile_Walk
	 */
	private $walk;

	/**
	 * @var Last_Reconcile
	 */
	private $record;

	/**
	 * @var Logger
	 */
	private $logger;

	/**
	 * @param Extension_Gateway $gateway The extension.
	 * @param Daily_Reconcile   $daily   The daily run.
	 * @param Reconcile_Walk    $walk    The reconcile under way.
	 * @param Last_Reconcile  $record  The last reconcile.
	 * @param Logger            $logger  Redacts what RunCloud said.
	 */
	public function __construct(Extension_Gateway $gateway, Daily_Reconcile $daily, Reconcile_Walk $walk, Last_Reconcile $record, Logger $logger) {
		$this->gateway = $gateway;
		$this->daily   = $daily;
		$this->walk    = $walk;
		$this->record  = $record;
		$this->logger  = $logger;
	}

	/**
	 * Prints the section.
	 */
	public function render(): void {
		$this->render_last_reconcile();
		$this->render_form();
	}

	/**
	 * "Preview reconcile" and "Reconcile now".
	 */
	public function handle_reconcile(): void {
		Routes::authorize(Routes::RECONCILE_ACTION);
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
	 * When the last reconcile ran and what it found and did.
	 */
	private function render_last_reconcile(): void {
		echo '<h2>' . esc_html__('Reconcile', 'wu-runcloud') . '</h2>';
		echo '<p>' . esc_html($this->daily_line()) . '</p>';
		$progress = $this->walk->progress();
		if (null !== $progress) {
			echo '<p class="wu-runcloud-reconcile-progress">' . esc_html(Labels::progress($progress)) . '</p>';
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
		echo Html::row($this->redacted([__('To add', 'wu-runcloud'), $this->names($last['to_add'])])); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped when built.
		echo Html::row($this->redacted([__('To remove', 'wu-runcloud'), $this->names($last['to_remove'])])); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped when built.
		echo Html::row($this->redacted([__('Unchanged', 'wu-runcloud'), (string) (int) $last['unchanged']])); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped when built.
		if (! $last['dry_run']) {
			echo Html::row($this->redacted([__('Added', 'wu-runcloud'), $this->names($last['added'])])); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped when built.
			echo Html::row($this->redacted([__('Removed', 'wu-runcloud'), $this->names($last['removed'])])); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped when built.
		}
		foreach ((array) $last['errors'] as $name => $message) {
			/* translators: %s: domain name */
			echo Html::row($this->redacted([sprintf(__('Failed: %s', 'wu-runcloud'), $name), $this->logger->redact(Failure::explain((string) $message))])); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped when built.
		}
		echo '</tbody></table>';
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
			? sprintf(__('Next daily reconcile: %s. It adds missing domains and removes the names this integration added that nothing wants.', 'wu-runcloud'), Labels::when($next))
			/* translators: %s: date and time */
			: sprintf(__('Next daily reconcile: %s. It adds missing domains and removes nothing.', 'wu-runcloud'), Labels::when($next));
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
			return sprintf(__('Last preview: %1$s (%2$s).', 'wu-runcloud'), Labels::when((int) $last['time']), $how);
		}
		return $last['prune']
			/* translators: 1: date and time, 2: how it was started */
			? sprintf(__('Last reconcile, with removal of unwanted names: %1$s (%2$s).', 'wu-runcloud'), Labels::when((int) $last['time']), $how)
			/* translators: 1: date and time, 2: how it was started */
			: sprintf(__('Last reconcile: %1$s (%2$s).', 'wu-runcloud'), Labels::when((int) $last['time']), $how);
	}

	/**
	 * The two buttons and the prune checkbox.
	 */
	private function render_form(): void {
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only keeps the box as it was.
		$prune    = ! empty($_GET['prune']);
		$disabled = $this->gateway->is_available() ? '' : ' disabled';
		echo '<form method="post" action="' . esc_url(admin_url('admin-post.php')) . '" id="wu-runcloud-reconcile">';
		echo '<input type="hidden" name="action" value="' . esc_attr(Routes::RECONCILE_ACTION) . '">';
		wp_nonce_field(Routes::RECONCILE_ACTION);
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
	 * The cells with any credential in RunCloud's words masked.
	 *
	 * @param list<string> $cells Cells.
	 * @return list<string>
	 */
	private function redacted(array $cells): array {
		return array_map([$this->logger, 'redact'], $cells);
	}

	/**
	 * Back to the page, saying what was done, the prune choice kept for the next press.
	 *
	 * @param string $done  previewed, reconciled, started or failed.
	 * @param bool   $prune The prune choice.
	 */
	private function back(string $done, bool $prune): void {
		Routes::back($done, $prune ? ['prune' => '1'] : []);
	}

	/**
	 * What the page says after the buttons.
	 *
	 * @return array<string, array{0: string, 1: string}>
	 */
	public function messages(): array {
		return [
			'previewed'  => ['info', __('Preview done: nothing was changed. What a reconcile would do is shown below.', 'wu-runcloud')],
			'reconciled' => ['success', __('Reconcile done. What it changed is shown below.', 'wu-runcloud')],
			'failed'     => ['error', __('The reconcile could not run. The reason is shown below.', 'wu-runcloud')],
			'started'    => ['info', __('The reconcile is under way: the web app is read a page at a time within its rate limit. How far it got is shown below.', 'wu-runcloud')],
		];
	}

	/**
	 * @param list<string> $names Names.
	 */
	private function names(array $names): string {
		return [] === $names ? '-' : implode(', ', $names);
	}
}
