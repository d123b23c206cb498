<?php
/**
 * The certificate step after names were added.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync;

use WuRunCloud\RunCloudException;
use WuRunCloud\Plugin\Extension_Gateway;
use WuRunCloud\Plugin\Extension_Missing_Exception;
use WuRunCloud\Plugin\Failure;
use WuRunCloud\Plugin\Logger;

defined('ABSPATH') || exit;

/**
 * Redeploys for the batch Certificate_Queue collected: basic SSL and AutoSSL
 * need one call for the whole app, advanced SSL one call a name (the first
 * answer tells the mode). A failure that may pass puts the names not done
 * back into the batch, which waits; the batch is taken under a lease of this
 * process, so a second process never redeploys the same names.
 */
class Certificates {

	/**
	 * @var Extension_Gateway
	 */
	private $gateway;

	/**
	 * @var Logger
	 */
	private $logger;

	/**
	 * @var Certificate_Queue
	 */
	private $queue;

	/**
	 * @var Name_Queue
	 */
	private $names;

	/**
	 * @param Extension_Gateway $gateway The extension.
	 * @param Logger            $logger  Logger.
	 * @param Certificate_Queue $queue   The waiting names.
	 * @param Name_Queue        $names   Knows how many attempts a change gets.
	 */
	public function __construct(Extension_Gateway $gateway, Logger $logger, Certificate_Queue $queue, Name_Queue $names) {
		$this->gateway = $gateway;
		$this->logger  = $logger;
		$this->queue   = $queue;
		$this->names   = $names;
	}

	/**
	 * The scheduled run: redeploys the waiting batch. A process without the
	 * extension takes nothing and schedules the run again.
	 *
	 * @return list<array<string, mixed>> The extension's answers.
	 */
	public function redeploy_waiting(): array {
		if (! $this->gateway->is_available()) {
			if ([] !== $this->queue->pending()) {
				$this->logger->warning('redeploy_ssl: the wu_runcloud PHP extension is not loaded in this PHP process; the names stay queued for one that has it');
				$this->queue->postpone(time() + 60);
			}
			return [];
		}
		$lease = wp_generate_uuid4();
		$names = $this->queue->take($lease);
		if ([] === $names) {
			return [];
		}
		try {
			return $this->redeploy($names, $lease);
		} finally {
			$this->queue->done($lease);
		}
	}

	/**
	 * Redeploys now, for the given names or (none given) the app's
	 * certificate. With a lease (the batch), a failure that may pass puts
	 * the names not done back to wait; without one it is reported.
	 *
	 * @param list<string> $domains Names; empty for the app's certificate.
	 * @param string       $lease   The batch's lease, or ''.
	 * @return list<array<string, mixed>> The extension's answers.
	 */
	public function redeploy(array $domains = [], string $lease = ''): array {
		$results = [];
		$names   = [] === $domains ? [''] : array_values($domains);
		$covered = count($domains);
		while ([] !== $names) {
			$name = (string) array_shift($names);
			try {
				$result    = $this->gateway->redeploy_ssl('' === $name ? null : $this->gateway->normalize($name));
				$results[] = $result;
				$per_name  = 'advanced' === $result['mode'] && 'auto' !== $result['action'];
				$this->log($result, $name, $per_name ? 1 : $covered);
				if (! $per_name) {
					break;
				}
			} catch (RunCloudException $e) {
				if ($this->failed($name, $names, $lease, $e)) {
					return $results;
				}
			} catch (Extension_Missing_Exception $e) {
				$this->logger->error(sprintf('redeploy_ssl %s: not done, %s', $this->label($name), $e->getMessage()));
				return $results;
			}
		}
		if ('' !== $lease && [] !== $results) {
			$this->queue->succeeded();
		}
		return $results;
	}

	/**
	 * A redeploy failed. Returns true when the names not done went back to
	 * wait (the caller stops), false when the failure is reported and the
	 * next name goes on.
	 *
	 * @param string            $name  The name that failed ('' for the app).
	 * @param list<string>      $rest  The names after it.
	 * @param string            $lease The batch's lease, or ''.
	 * @param RunCloudException $e     The failure.
	 */
	private function failed(string $name, array $rest, string $lease, RunCloudException $e): bool {
		$reason = $this->logger->redact(Failure::describe($e));
		/** This filter is documented in inc/sync/class-converger.php */
		$retryable = '' !== $lease && (bool) apply_filters('wu_runcloud_should_retry', Failure::may_pass($e), 'redeploy_ssl', $name, $e);
		if ($retryable) {
			$attempts = $this->queue->failed($lease, array_merge([$name], $rest), $reason, $this->names->max_attempts());
			if ($attempts > 0) {
				$this->logger->warning(sprintf('redeploy_ssl %s: attempt %d failed, will retry with %d name(s): %s', $this->label($name), $attempts, count($rest) + 1, $reason));
				return true;
			}
			$this->logger->error(sprintf('redeploy_ssl %s: failed after %d attempts: %s', $this->label($name), $this->names->max_attempts(), $reason));
		} else {
			$this->logger->error(sprintf('redeploy_ssl %s: failed: %s', $this->label($name), $reason));
		}
		/** This action is documented in inc/sync/class-converger.php */
		do_action('wu_runcloud_operation_failed', 'redeploy_ssl', $name, 0, $e, $reason);
		return $retryable;
	}

	/**
	 * Logs what a redeploy did.
	 *
	 * @param array<string, mixed> $result  The extension's answer.
	 * @param string               $name    The name asked for ('' for the app).
	 * @param int                  $covered How many names of the batch it was for.
	 */
	private function log(array $result, string $name, int $covered): void {
		$this->logger->info(
			sprintf(
				'redeploy_ssl %s: %s SSL, %s%s for %d new name(s): %s',
				$this->label($name),
				$result['mode'],
				$result['action'],
				null === $result['certificate_id'] ? '' : sprintf(' (certificate id %d)', $result['certificate_id']),
				$covered,
				$result['message']
			)
		);
	}

	/**
	 * @param string $name A name, or '' for the app.
	 */
	private function label(string $name): string {
		return '' === $name ? '(app)' : $name;
	}
}
