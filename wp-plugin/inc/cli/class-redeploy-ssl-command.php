<?php
/**
 * WP-CLI: `wp runcloud redeploy-ssl`.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\CLI;

use WuRunCloud\Plugin\Extension\Extension_Gateway;
use WuRunCloud\Plugin\Extension\Failure;
use WuRunCloud\Plugin\Status\Logger;
use WuRunCloud\Plugin\Sync\Certificates\Certificate_Queue;
use WuRunCloud\Plugin\Sync\Domain_Sync_Service;

defined('ABSPATH') || exit;

/**
 * A certificate ordered now rather than when the queue runs.
 */
final class Redeploy_SSL_Command extends Command {

	/**
	 * @var Extension_Gateway
	 */
	private $gateway;

	/**
	 * @var Domain_Sync_Service
	 */
	private $service;

	/**
	 * @var Certificate_Queue
	 */
	private $certificates;

	/**
	 * @param Logger              $logger       Logger.
	 * @param Extension_Gateway   $gateway      The extension.
	 * @param Domain_Sync_Service $service      The service.
	 * @param Certificate_Queue   $certificates Names waiting for a certificate.
	 */
	public function __construct(Logger $logger, Extension_Gateway $gateway, Domain_Sync_Service $service, Certificate_Queue $certificates) {
		parent::__construct($logger);
		$this->gateway      = $gateway;
		$this->service      = $service;
		$this->certificates = $certificates;
	}

	/**
	 * Redeploys the SSL certificate now: the pending batch, the given domains, or the web app's.
	 *
	 * ## OPTIONS
	 *
	 * [<domain>...]
	 * : Domains (advanced SSL: one certificate each). Default: those waiting, else the web app.
	 *
	 * [--force]
	 * : Order even when a name the certificate would cover does not point at
	 * this server (Let's Encrypt then refuses the order, and allows 5 failed
	 * validations per name an hour). Without it, such names are listed and
	 * nothing is ordered; the waiting names are held, as the scheduled run
	 * holds them.
	 *
	 * ## EXAMPLES
	 *
	 *     wp runcloud redeploy-ssl
	 *     wp runcloud redeploy-ssl shop.example.com
	 *     wp runcloud redeploy-ssl shop.example.com --force
	 *
	 * @param list<string>         $args       Domains.
	 * @param array<string, mixed> $assoc_args Options.
	 */
	public function __invoke(array $args = [], array $assoc_args = []): void {
		if (! $this->gateway->is_available()) {
			$this->extension_missing();
			return;
		}
		$domains = array_values($args);
		$force   = ! empty($assoc_args['force']);
		$waiting = [] === $domains && [] !== $this->certificates->pending();
		if (! $waiting && ! $force) {
			$this->refuse_what_lets_encrypt_would($domains);
		}
		[$results, $reasons] = $this->redeploy($domains, $waiting, $force);
		if ([] === $results && [] === $reasons && $waiting && [] !== $this->certificates->held()) {
			\WP_CLI::error($this->held_names($force));
			return;
		}
		foreach ($reasons as $reason) {
			$this->warn($reason);
		}
		if ([] === $results) {
			\WP_CLI::error($this->why_nothing_went($waiting, count($reasons)));
			return;
		}
		foreach ($results as $result) {
			/* translators: 1: SSL mode, 2: action, 3: RunCloud's message */
			\WP_CLI::success(sprintf(__('%1$s SSL: %2$s (%3$s)', 'wu-runcloud'), $result['mode'], $result['action'], $result['message']));
		}
	}

	/**
	 * Ends the command, ordering nothing, when a name the certificate would
	 * cover does not point at this server.
	 *
	 * @param list<string> $domains The domains given (none: the web app's certificate).
	 */
	private function refuse_what_lets_encrypt_would(array $domains): void {
		$blockers = $this->service->redeploy_blockers($domains);
		if ([] === $blockers) {
			return;
		}
		/* translators: 1: number of names, 2: one line per name with why */
		$refused = _n('Nothing ordered: Let\'s Encrypt would refuse the certificate, %1$d name it covers does not pass:%2$s', 'Nothing ordered: Let\'s Encrypt would refuse the certificate, %1$d names it covers do not pass:%2$s', count($blockers), 'wu-runcloud');
		\WP_CLI::error(sprintf($refused, count($blockers), self::one_line_each($blockers)) . __('Wait for the DNS to point at this server, unmap the name, or switch the web app to advanced SSL (one certificate per domain); --force orders anyway.', 'wu-runcloud'));
	}

	/**
	 * Redeploys, hearing why each failure failed as the Failure_Log does.
	 *
	 * @param list<string> $domains The domains given.
	 * @param bool         $waiting Whether the waiting batch goes (no domain given).
	 * @param bool         $force   Whether to order despite the names' DNS.
	 * @return array{0: list<array<string, string>>, 1: list<string>} The results, and the reasons of the failures.
	 */
	private function redeploy(array $domains, bool $waiting, bool $force): array {
		$reasons = [];
		$hear    = static function ($operation, $name, $site_id, $e, $reason = null) use (&$reasons) {
			$reasons[] = ('' === (string) $name ? __('(web app)', 'wu-runcloud') : (string) $name) . ': ' . Failure::explain((string) $reason);
		};
		add_action('wu_runcloud_operation_failed', $hear, 5, 5);
		try {
			if ([] !== $domains) {
				$results = $this->service->redeploy($domains);
			} elseif ($waiting) {
				$results = $this->service->redeploy_batch($force);
			} else {
				// Nothing waits: the web app's own certificate.
				$results = $this->service->redeploy();
			}
		} finally {
			remove_action('wu_runcloud_operation_failed', $hear, 5);
		}
		return [$results, $reasons];
	}

	/**
	 * Why no certificate went: the failures warned about, or the waiting
	 * batch's last failure (it waits for a retry).
	 *
	 * @param bool $waiting  Whether it was the waiting batch.
	 * @param int  $failures The failures warned about.
	 */
	private function why_nothing_went(bool $waiting, int $failures): string {
		if ($failures > 0) {
			/* translators: %d: number of failures */
			return sprintf(_n('The redeploy failed (%d reason above).', 'The redeploy failed (%d reasons above).', $failures, 'wu-runcloud'), $failures);
		}
		$last = $waiting ? (string) $this->certificates->failure()['error'] : '';
		if ('' === $last) {
			return __('The redeploy did not go through and waits for a retry; wp runcloud status says when.', 'wu-runcloud');
		}
		/* translators: %s: why the redeploy failed */
		return sprintf(__('The redeploy did not go through: %s It waits for a retry; wp runcloud status says when.', 'wu-runcloud'), Failure::explain($last));
	}

	/**
	 * Why the waiting names are held (their DNS, or Let's Encrypt's refusal
	 * of a forced order), and what to do.
	 *
	 * @param bool $forced Whether the order was forced.
	 */
	private function held_names(bool $forced): string {
		$why = [];
		foreach ($this->certificates->held() as $name => $entry) {
			$why[ $name ] = $this->logger->redact((string) ($entry['reason'] ?? ''));
		}
		/* translators: 1: number of names, 2: one line per name with why */
		$held = _n('No certificate: %1$d waiting name is held:%2$s', 'No certificate: %1$d waiting names are held:%2$s', count($why), 'wu-runcloud');
		return sprintf($held, count($why), self::one_line_each($why))
			. ($forced ? __('They are checked again on their own.', 'wu-runcloud') : __('They are checked again on their own; --force orders anyway.', 'wu-runcloud'));
	}

	/**
	 * Names and why, a line each, set off by line breaks.
	 *
	 * @param array<string, string> $why Why, by name.
	 */
	private static function one_line_each(array $why): string {
		$lines = [];
		foreach ($why as $name => $reason) {
			$lines[] = sprintf('  %s: %s', $name, $reason);
		}
		return "\n" . implode("\n", $lines) . "\n";
	}
}
