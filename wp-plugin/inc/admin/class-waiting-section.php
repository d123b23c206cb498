<?php
/**
 * The Status tab's operations and names waiting.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Admin;

use WuRunCloud\Plugin\Extension\Failure;
use WuRunCloud\Plugin\Status\Labels;
use WuRunCloud\Plugin\Status\Logger;
use WuRunCloud\Plugin\Sync\Certificates\Certificate_Queue;
use WuRunCloud\Plugin\Sync\Name_Queue;

defined('ABSPATH') || exit;

/**
 * Operations waiting for a retry and names waiting for a certificate redeploy,
 * with the last error in words an operator can act on.
 */
class Waiting_Section implements Section {

	/**
	 * @var Name_Queue
	 */
	private $retries;

	/**
	 * @var Certificate_Queue
	 */
	private $ssl;

	/**
	 * @var Logger
	 */
	private $logger;

	/**
	 * @param Name_Queue        $retries Names waiting for a retry.
	 * @param Certificate_Queue $ssl     Names waiting for a redeploy.
	 * @param Logger            $logger  Redacts what RunCloud said.
	 */
	public function __construct(Name_Queue $retries, Certificate_Queue $ssl, Logger $logger) {
		$this->retries = $retries;
		$this->ssl     = $ssl;
		$this->logger  = $logger;
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
	 * Operations waiting for a retry, names waiting for a redeploy.
	 */
	public function render(): void {
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
					? sprintf(__('%s (overdue)', 'wu-runcloud'), Labels::when($next))
					: Labels::when($next);
				echo Html::row(array_map([$this->logger, 'redact'], [Labels::operation((string) $entry['operation']), Labels::domain((string) $entry['domain']), (string) (int) $entry['attempts'], $due, Failure::explain((string) $entry['error'], $next)])); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped when built.
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
}
