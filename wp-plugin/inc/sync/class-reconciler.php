<?php
/**
 * Converges every name at once.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync;

use WuRunCloud\Plugin\Extension\Extension_Gateway;
use WuRunCloud\Plugin\Extension\Extension_Missing_Exception;
use WuRunCloud\Plugin\Extension\Failure;
use WuRunCloud\Plugin\Status\Logger;
use WuRunCloud\Plugin\Sync\Certificates\Certificate_Queue;
use WuRunCloud\Plugin\Sync\Certificates\Dns_Check;
use WuRunCloud\Plugin\Sync\Certificates\Dns_Resolver;
use WuRunCloud\Plugin\Sync\Reconcile\Reconcile_Record;
use WuRunCloud\Plugin\Ultimate_Multisite\Network;
use WuRunCloud\RunCloudException;

defined('ABSPATH') || exit;

/**
 * The daily reconcile, "Reconcile now" and `wp runcloud sync`: every name the
 * network wants is made present on the web app in one pass of the extension
 * (one listing, then the changes), and with prune the names this integration
 * added that nothing wants go. Then, as a convergence of each name would:
 * what it added and removed is recorded, the queue entries and certificate
 * waits it settled are cleared, and the outcome is kept for the page. Each
 * record is written once per reconcile, however many names: a first
 * reconcile of a large network stays linear.
 */
class Reconciler {

	/**
	 * @var Extension_Gateway
	 */
	private $gateway;

	/**
	 * @var Logger
	 */
	private $logger;

	/**
	 * @var Network
	 */
	private $network;

	/**
	 * @var Desired_State
	 */
	private $desired;

	/**
	 * @var Managed_Domains
	 */
	private $managed;

	/**
	 * @var Name_Queue
	 */
	private $queue;

	/**
	 * @var Certificate_Queue
	 */
	private $certificates;

	/**
	 * @var Reconcile_Record
	 */
	private $record;

	/**
	 * @var Converger
	 */
	private $converger;

	/**
	 * @param Extension_Gateway $gateway      The extension.
	 * @param Logger            $logger       Logger.
	 * @param Network           $network      Network facts.
	 * @param Desired_State     $desired      What the network wants.
	 * @param Managed_Domains   $managed      Names this integration added.
	 * @param Name_Queue        $queue        Names due for another convergence.
	 * @param Certificate_Queue $certificates Names waiting for a certificate.
	 * @param Reconcile_Record  $record       The last reconcile's outcome.
	 * @param Converger         $converger    Converges a name the network changed its mind on meanwhile.
	 */
	public function __construct(Extension_Gateway $gateway, Logger $logger, Network $network, Desired_State $desired, Managed_Domains $managed, Name_Queue $queue, Certificate_Queue $certificates, Reconcile_Record $record, Converger $converger) {
		$this->gateway      = $gateway;
		$this->logger       = $logger;
		$this->network      = $network;
		$this->desired      = $desired;
		$this->managed      = $managed;
		$this->queue        = $queue;
		$this->certificates = $certificates;
		$this->record       = $record;
		$this->converger    = $converger;
	}

	/**
	 * Reconciles, records the outcome, and throws when it could not run.
	 *
	 * @param string $trigger 'daily', 'admin' or 'cli'.
	 * @param bool   $dry_run Only report what would change.
	 * @param bool   $prune   Also remove unwanted names this integration added.
	 * @return array<string, mixed> The extension's report.
	 * @throws RunCloudException|Extension_Missing_Exception When RunCloud cannot be read.
	 */
	public function run(string $trigger, bool $dry_run, bool $prune): array {
		try {
			$report = $this->sync($dry_run, $prune);
		} catch (RunCloudException $e) {
			$this->not_done($trigger, $dry_run, $prune, Failure::describe($e));
			throw $e;
		} catch (Extension_Missing_Exception $e) {
			$this->not_done($trigger, $dry_run, $prune, $e->getMessage());
			throw $e;
		}
		$this->record->ran($trigger, $prune, $report);
		return $report;
	}

	/**
	 * As run(), with a failure turned into an error log line and null, so a
	 * cron run or a page load is never broken by RunCloud being unreachable.
	 *
	 * @param string $trigger 'daily' or 'admin'.
	 * @param bool   $dry_run Only report what would change.
	 * @param bool   $prune   Also remove unwanted names this integration added.
	 * @return array<string, mixed>|null The report, or null when it could not run.
	 */
	public function reconcile(string $trigger, bool $dry_run, bool $prune): ?array {
		try {
			return $this->run($trigger, $dry_run, $prune);
		} catch (RunCloudException | Extension_Missing_Exception $e) {
			return null;
		}
	}

	/**
	 * Runs $work with room to wait out RunCloud's rate limit. A reconcile reads
	 * one page per 40 domains; at RunCloud's reported 60 requests a minute an
	 * app of a few thousand domains must wait for the next minute, longer than
	 * a request may wait by default (wu_runcloud.max_retry_wait): the wait is
	 * raised, and where the extension supports it a 429 waits for the next
	 * window (wu_runcloud.pace_across_windows); the call's deadline
	 * (wu_runcloud.deadline) is raised to match, so it does not cut those
	 * waits off. Only for work in the background (WP-CLI): a page load
	 * should fail fast.
	 *
	 * @template T
	 * @param callable(): T $work The work.
	 * @return T
	 */
	public function patiently(callable $work) {
		/**
		 * Seconds a request of background work may wait for RunCloud's rate limit.
		 *
		 * @param int $seconds Default 120.
		 */
		$wait = max(0, (int) apply_filters('wu_runcloud_background_max_retry_wait', 120));
		/**
		 * Seconds one request of background work may take in all, its waits
		 * included (wu_runcloud.deadline, where the extension has one). Kept
		 * above the wait, and at most 15 minutes.
		 *
		 * @param int $seconds Default: the longest of the wait and a rate-limit
		 *                     window for each retry (wu_runcloud.max_retries),
		 *                     plus 60 s for the requests themselves.
		 * @param int $wait    The wait allowed (wu_runcloud_background_max_retry_wait).
		 */
		$windows  = 60 * max(0, (int) ini_get('wu_runcloud.max_retries'));
		$deadline = (int) apply_filters('wu_runcloud_background_deadline', max($wait, $windows) + 60, $wait);
		$deadline = min(max($deadline, $wait + 30), 900);
		$changed  = [];
		$settings = [
			'wu_runcloud.max_retry_wait'      => $wait,
			'wu_runcloud.pace_across_windows' => 1,
			'wu_runcloud.deadline'            => $deadline,
		];
		foreach ($settings as $setting => $value) {
			$previous = ini_get($setting);
			if (false !== $previous && $value > (int) $previous && false !== ini_set($setting, (string) $value)) {
				$changed[ $setting ] = $previous;
			}
		}
		try {
			return $work();
		} finally {
			foreach ($changed as $setting => $previous) {
				ini_set($setting, (string) $previous);
			}
		}
	}

	/**
	 * Plans and (unless a dry run) carries the plan out, then records what
	 * changed and clears what it settled.
	 *
	 * @param bool $dry_run Only report what would change.
	 * @param bool $prune   Also remove unwanted names this integration added.
	 * @return array<string, mixed> The extension's report.
	 * @throws RunCloudException|Extension_Missing_Exception When RunCloud cannot be read.
	 */
	private function sync(bool $dry_run, bool $prune): array {
		$wanted  = $this->desired->all();
		$managed = $this->managed->all();
		$www     = array_keys(
			array_filter(
				$wanted,
				static function ($entry) {
					return $entry['www'];
				}
			)
		);
		$report  = $this->gateway->sync(
			array_keys($wanted),
			[
				'dry_run'   => $dry_run,
				'prune'     => $prune,
				'managed'   => array_keys($managed),
				'protected' => $this->network->main_domains(),
				'www'       => $www,
				// With the names' DNS checked before any order, the names added
				// go to the certificate step rather than into an order here.
				'redeploy_ssl' => ! $this->certificates_follow_dns(),
			]
		);
		if (! $report['dry_run']) {
			$this->settle($report, $wanted, $managed, $prune);
			$this->converge_changed($report, $wanted);
		}
		$this->log($report, count($wanted));
		return $report;
	}

	/**
	 * Records what the reconcile added and removed, and clears the queue
	 * entries and certificate waits it settled: a wanted name now present,
	 * a removed one, with prune an unwanted name this integration had added,
	 * and a name nothing asks anything of. A name that failed stays.
	 *
	 * @param array<string, mixed>                                           $report  The extension's report.
	 * @param array<string, array{site_id: int, source: string, www: bool}> $wanted  The wanted names.
	 * @param array<string, array<string, mixed>>                            $managed The names recorded before.
	 * @param bool                                                           $prune   Whether it pruned.
	 */
	private function settle(array $report, array $wanted, array $managed, bool $prune): void {
		$added = [];
		foreach ($report['added'] as $name) {
			$added[ $name ] = $wanted[ $name ] ?? ['site_id' => 0, 'source' => 'domain', 'www' => false];
		}
		$this->managed->apply($added, array_values($report['removed']));

		$failed  = (array) $report['errors'];
		$removed = array_flip($report['removed']);
		$settled = [];
		foreach ($this->queue->all() as $name => $entry) {
			if (isset($failed[ $name ])) {
				continue;
			}
			if (isset($wanted[ $name ]) || isset($removed[ $name ])
				|| ($prune && isset($managed[ $name ]))
				|| (! isset($managed[ $name ]) && ! $entry['released'])) {
				$settled[] = (string) $name;
			}
		}
		$this->queue->forget_all($settled);

		$covered = array_keys($removed);
		foreach ($report['ssl'] as $outcome) {
			if ('basic' === $outcome['mode'] || 'auto' === $outcome['action']) {
				// The app's certificate was redeployed: every name waiting is covered.
				$covered = array_merge($covered, $this->certificates->pending());
			} elseif (null !== $outcome['domain']) {
				$covered[] = (string) $outcome['domain'];
			}
		}
		$this->certificates->drop(array_values(array_unique($covered)));
		if ($this->certificates_follow_dns()) {
			foreach ($report['added'] as $name) {
				$this->certificates->request((string) $name);
			}
		}
	}

	/**
	 * Whether the certificate step checks names' DNS before ordering (a
	 * server address is known), so a reconcile leaves the order to it.
	 */
	private function certificates_follow_dns(): bool {
		return (new Dns_Check(new Dns_Resolver()))->enabled();
	}

	/**
	 * A reconcile takes no lock per name: a mapping made or deleted while it
	 * ran may have met an add or removal planned before. Each name it added
	 * or removed whose wish changed meanwhile is converged again on its own.
	 *
	 * @param array<string, mixed>                                           $report The extension's report.
	 * @param array<string, array{site_id: int, source: string, www: bool}> $wanted The names wanted when it started.
	 */
	private function converge_changed(array $report, array $wanted): void {
		if ([] === $report['added'] && [] === $report['removed']) {
			return;
		}
		$this->desired->refresh();
		$now     = $this->desired->all();
		$changed = array_merge(
			array_diff($report['added'], array_keys($now)),
			array_intersect($report['removed'], array_keys($now))
		);
		foreach ($changed as $name) {
			$site_id = (int) ($now[ $name ]['site_id'] ?? $wanted[ $name ]['site_id'] ?? 0);
			$this->converger->converge($name, $site_id, 'reconcile');
		}
	}

	/**
	 * Logs what a reconcile found and did.
	 *
	 * @param array<string, mixed> $report The extension's report.
	 * @param int                  $wanted How many names the network wants.
	 */
	private function log(array $report, int $wanted): void {
		$this->logger->info(
			sprintf(
				'sync%s: %d wanted, %d to add (%s), %d to remove (%s), %d unchanged; added %d, removed %d',
				$report['dry_run'] ? ' (dry run)' : '',
				$wanted,
				count($report['to_add']),
				$this->names($report['to_add']),
				count($report['to_remove']),
				$this->names($report['to_remove']),
				count($report['unchanged']),
				count($report['added']),
				count($report['removed'])
			)
		);
		foreach ($report['errors'] as $name => $message) {
			$this->logger->error(sprintf('sync %s: failed: %s', $name, $message));
		}
	}

	/**
	 * A list of names for a log line, shortened past 20.
	 *
	 * @param list<string> $names Names.
	 */
	private function names(array $names): string {
		if ([] === $names) {
			return '-';
		}
		return count($names) > 20 ? implode(', ', array_slice($names, 0, 20)) . sprintf(', and %d more', count($names) - 20) : implode(', ', $names);
	}

	/**
	 * Logs and records a reconcile that could not run.
	 *
	 * @param string $trigger What started it.
	 * @param bool   $dry_run Whether it was a dry run.
	 * @param bool   $prune   Whether pruning was asked for.
	 * @param string $reason  Why.
	 */
	private function not_done(string $trigger, bool $dry_run, bool $prune, string $reason): void {
		$this->logger->error(sprintf('reconcile (%s%s): not done: %s', $trigger, $dry_run ? ', dry run' : '', $reason));
		$this->record->failed($trigger, $dry_run, $prune, $this->logger->redact($reason));
	}
}
