<?php
/**
 * Everything the integration does, whichever Ultimate Multisite calls it.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin;

use WuRunCloud\ConfigurationException;
use WuRunCloud\InvalidDomainException;
use WuRunCloud\ProtectedDomainException;
use WuRunCloud\RunCloudException;

defined('ABSPATH') || exit;

/**
 * The behaviour behind the four domain events, the certificate redeploy and
 * the connection test. The adapters for both Ultimate Multisite architectures,
 * the CLI and Site Health all call this class and nothing else.
 *
 * Every RunCloud operation goes through perform(), which catches the
 * extension's exceptions and decides: log, queue a retry when the failure may
 * pass, or give up.
 */
class Domain_Sync_Service {

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
	 * @var Managed_Domains
	 */
	private $managed;

	/**
	 * @var Ssl_Redeploy_Queue
	 */
	private $ssl;

	/**
	 * @var Retry_Queue
	 */
	private $retries;

	/**
	 * How long the web app's wildcard domains, once read, are trusted. A queue
	 * runner or WP-CLI process lives longer than a page load; a wildcard added
	 * on RunCloud meanwhile is noticed within this many seconds.
	 */
	const WILDCARD_TTL = 60;

	/**
	 * Wildcard domains of the web app, read at most once per WILDCARD_TTL.
	 *
	 * @var list<string>|null
	 */
	private $wildcards;

	/**
	 * When $wildcards was read.
	 *
	 * @var int
	 */
	private $wildcards_read_at = 0;

	/**
	 * The attempt number of the operation running now (1 unless replayed).
	 *
	 * @var int
	 */
	private $attempt = 1;

	/**
	 * @var Connection_Tester
	 */
	private $tester;

	/**
	 * @var Reconcile_Record
	 */
	private $record;

	/**
	 * @param Extension_Gateway  $gateway The extension.
	 * @param Connection_Tester  $tester  The connection test.
	 * @param Logger             $logger  Logger.
	 * @param Network            $network Network facts.
	 * @param Managed_Domains    $managed Names this integration added.
	 * @param Ssl_Redeploy_Queue $ssl     Coalesced redeploys.
	 * @param Retry_Queue        $retries Retries.
	 * @param Reconcile_Record   $record  The last reconcile's outcome.
	 */
	public function __construct(Extension_Gateway $gateway, Connection_Tester $tester, Logger $logger, Network $network, Managed_Domains $managed, Ssl_Redeploy_Queue $ssl, Retry_Queue $retries, Reconcile_Record $record) {
		$this->gateway     = $gateway;
		$this->tester      = $tester;
		$this->logger      = $logger;
		$this->network     = $network;
		$this->managed     = $managed;
		$this->ssl         = $ssl;
		$this->retries     = $retries;
		$this->record      = $record;
	}

	/**
	 * Whether the extension is there to do the work.
	 */
	public function is_available(): bool {
		return $this->gateway->is_available();
	}

	/**
	 * A mapped domain was added (or renamed): add it, with its www variant when
	 * the settings say so, then ask for a coalesced certificate redeploy.
	 * A name below the network's own domain is a site's host (Ultimate
	 * Multisite 2.5+ records each new site's host as a domain too): it is
	 * handled as one, so a wildcard still makes adding it unnecessary.
	 *
	 * @param string $domain  Domain name.
	 * @param int    $site_id Site id.
	 */
	public function add_domain(string $domain, int $site_id): void {
		$this->perform(
			'add_domain',
			$domain,
			$site_id,
			function (string $name) use ($site_id) {
				if ($this->network->is_below_main_domain($name)) {
					$this->add_host('add_domain', $name, $site_id);
					return;
				}
				$this->add('add_domain', $name, $site_id, $this->network->should_add_www($name), 'domain');
			}
		);
	}

	/**
	 * A mapped domain was deleted: remove it, unless it is the network's main
	 * domain (the app's primary domain is refused by the extension too).
	 *
	 * @param string $domain  Domain name.
	 * @param int    $site_id Site id.
	 */
	public function remove_domain(string $domain, int $site_id): void {
		$this->perform(
			'remove_domain',
			$domain,
			$site_id,
			function (string $name) use ($site_id) {
				if ($this->network->is_below_main_domain($name)) {
					$this->remove_host('remove_domain', $name, $site_id);
					return;
				}
				$this->remove('remove_domain', $name, $site_id);
			}
		);
	}

	/**
	 * A site was created in a subdomain network: add its host, unless a wildcard
	 * domain on the web app already serves it.
	 *
	 * @param string $subdomain Full host, e.g. shop.network.tld.
	 * @param int    $site_id   Site id.
	 */
	public function add_subdomain(string $subdomain, int $site_id): void {
		$this->perform(
			'add_subdomain',
			$subdomain,
			$site_id,
			function (string $name) use ($site_id) {
				$this->add_host('add_subdomain', $name, $site_id);
			}
		);
	}

	/**
	 * A site was deleted in a subdomain network: remove its host, unless a
	 * wildcard domain serves it (and this integration did not add it itself).
	 *
	 * @param string $subdomain Full host.
	 * @param int    $site_id   Site id.
	 */
	public function remove_subdomain(string $subdomain, int $site_id): void {
		$this->perform(
			'remove_subdomain',
			$subdomain,
			$site_id,
			function (string $name) use ($site_id) {
				$this->remove_host('remove_subdomain', $name, $site_id);
			}
		);
	}

	/**
	 * Adds a site's host, unless it is the main domain or a wildcard serves it.
	 *
	 * @param string $operation Operation name, for logs.
	 * @param string $name      Normalised host.
	 * @param int    $site_id   Site id.
	 */
	private function add_host(string $operation, string $name, int $site_id): void {
		if ($this->network->is_main_domain($name)) {
			$this->logger->info(sprintf('%s %s (site %d): skipped, it is the network\'s main domain', $operation, $name, $site_id));
			return;
		}
		$wildcard = $this->wildcard_covering($name);
		if (null !== $wildcard) {
			$this->logger->info(sprintf('%s %s (site %d): skipped, the wildcard domain *.%s on RunCloud already serves it', $operation, $name, $site_id, $wildcard));
			return;
		}
		/**
		 * Whether a site's host is added with its www variant (default no).
		 *
		 * @param bool   $www  The decision.
		 * @param string $name The host.
		 */
		$www = (bool) apply_filters('wu_runcloud_subdomain_www', false, $name);
		$this->add($operation, $name, $site_id, $www, 'subdomain');
	}

	/**
	 * Removes a site's host, unless a wildcard serves it and this integration
	 * did not add it itself.
	 *
	 * @param string $operation Operation name, for logs.
	 * @param string $name      Normalised host.
	 * @param int    $site_id   Site id.
	 */
	private function remove_host(string $operation, string $name, int $site_id): void {
		if (! $this->managed->has($name)) {
			$wildcard = $this->wildcard_covering($name);
			if (null !== $wildcard) {
				$this->logger->info(sprintf('%s %s (site %d): skipped, served by the wildcard domain *.%s', $operation, $name, $site_id, $wildcard));
				return;
			}
		}
		$this->remove($operation, $name, $site_id);
	}

	/**
	 * Runs the coalesced certificate redeploy for every name of the batch:
	 * basic SSL needs one redeploy for the whole app; advanced SSL one per name.
	 */
	public function redeploy_pending_ssl(): void {
		$this->redeploy_batch();
	}

	/**
	 * Redeploys the waiting batch, plus $first ahead of it (a retried name),
	 * under the batch's lease.
	 *
	 * @param string $first A name to begin with; '' for none.
	 * @return list<array<string, mixed>> The extension's answers.
	 */
	public function redeploy_batch(string $first = ''): array {
		$names = array_values(array_unique(array_merge('' === $first ? [] : [$first], $this->ssl->take())));
		if ([] === $names) {
			return [];
		}
		try {
			return $this->redeploy($names);
		} finally {
			$this->ssl->done();
		}
	}

	/**
	 * Redeploys now, for the given names or (none given) the app's certificate.
	 * The first answer tells the SSL mode: basic SSL and AutoSSL need that one
	 * call for the whole batch, advanced SSL one call a name. When RunCloud
	 * fails in a way that may pass, the names not yet done wait in the batch
	 * and the retry takes them along.
	 *
	 * @param list<string> $domains Names; empty for the app's certificate.
	 * @return list<array<string, mixed>> The extension's answers.
	 */
	public function redeploy(array $domains = []): array {
		$results = [];
		$names   = [] === $domains ? [''] : array_values($domains);
		$covered = count($names) - ([''] === $names ? 1 : 0);
		while ([] !== $names) {
			$name = array_shift($names);
			$done = $this->perform(
				'redeploy_ssl',
				$name,
				0,
				function (string $normalised) use (&$results, $covered) {
					$result    = $this->gateway->redeploy_ssl('' === $normalised ? null : $normalised);
					$results[] = $result;
					$this->log_ssl($result, $normalised, $this->needs_one_call_per_name($result) ? 1 : $covered);
				}
			);
			if ($done && ! $this->needs_one_call_per_name(end($results))) {
				return $results;
			}
			if (! $done && $this->retries->has('redeploy_ssl', $name)) {
				$this->ssl->park($names);
				return $results;
			}
		}
		return $results;
	}

	/**
	 * Whether the SSL mode an answer shows needs a call for each name
	 * (advanced SSL without AutoSSL).
	 *
	 * @param array<string, mixed>|false $result The extension's answer.
	 */
	private function needs_one_call_per_name($result): bool {
		return is_array($result) && 'advanced' === $result['mode'] && 'auto' !== $result['action'];
	}

	/**
	 * Runs the retries that are due, in the order they failed.
	 */
	public function process_retries(): void {
		foreach ($this->retries->take_due() as $entry) {
			if ($entry['abandoned']) {
				$this->logger->error(sprintf('%s %s (site %d): failed after %d attempts, the last ones never finished: %s', $entry['operation'], $entry['domain'], $entry['site_id'], $entry['attempts'], $entry['error']));
				$this->retries->release($entry);
				continue;
			}
			$this->attempt = (int) $entry['attempts'] + 1;
			try {
				$this->replay((string) $entry['operation'], (string) $entry['domain'], (int) $entry['site_id']);
			} finally {
				$this->attempt = 1;
				$this->retries->release($entry);
			}
		}
	}

	/**
	 * Asks RunCloud whether the credentials and ids are right.
	 */
	public function test_connection(): Connection_Report {
		return $this->tester->test();
	}

	/**
	 * The web app's domains (for the CLI).
	 *
	 * @return list<array<string, mixed>>
	 * @throws RunCloudException|Extension_Missing_Exception On failure.
	 */
	public function list_domains(): array {
		return $this->gateway->list_domains();
	}

	/**
	 * Reconciles the web app with what the network wants: the mapped domains
	 * Ultimate Multisite holds and, in a subdomain network, every site's host
	 * that no wildcard serves. Adds what is missing; with $prune also removes
	 * the names this integration added that nothing wants any more (never
	 * another name, never the network's main domain or the app's primary).
	 *
	 * @param bool $dry_run Only report what would change.
	 * @param bool $prune   Also remove unwanted names this integration added.
	 * @return array<string, mixed> The extension's report.
	 * @throws RunCloudException|Extension_Missing_Exception When RunCloud cannot be read.
	 */
	public function sync(bool $dry_run, bool $prune): array {
		$wanted = $this->wanted_domains();
		$www    = array_keys(
			array_filter(
				$wanted,
				static function ($entry) {
					return $entry['www'];
				}
			)
		);
		$report = $this->gateway->sync(
			array_keys($wanted),
			[
				'dry_run'   => $dry_run,
				'prune'     => $prune,
				'managed'   => array_keys($this->managed->all()),
				'protected' => $this->network->main_domains(),
				'www'       => $www,
			]
		);
		$this->record_sync($report, $wanted);
		return $report;
	}

	/**
	 * A reconcile the operator did not run by hand (the daily one, the
	 * network-admin page): runs sync(), records its outcome for the page, and
	 * turns a failure into an error log line instead of an exception, so a
	 * cron run or a page load is never broken by RunCloud being unreachable.
	 *
	 * @param string $trigger 'daily' or 'admin'.
	 * @param bool   $dry_run Only report what would change.
	 * @param bool   $prune   Also remove unwanted names this integration added.
	 * @return array<string, mixed>|null The report, or null when it could not run.
	 */
	public function reconcile(string $trigger, bool $dry_run, bool $prune): ?array {
		try {
			$report = $this->sync($dry_run, $prune);
		} catch (RunCloudException $e) {
			$reason = Failure::describe($e);
		} catch (Extension_Missing_Exception $e) {
			$reason = $e->getMessage();
		}
		if (isset($reason)) {
			$this->logger->error(sprintf('reconcile (%s%s): not done: %s', $trigger, $dry_run ? ', dry run' : '', $reason));
			$this->record->failed($trigger, $dry_run, $prune, $this->logger->redact($reason));
			return null;
		}
		$this->record->ran($trigger, $prune, $report);
		return $report;
	}

	/**
	 * Runs $work with room to wait out RunCloud's rate limit. A reconcile reads
	 * one page per 40 domains; at RunCloud's reported 60 requests a minute an
	 * app of a few thousand domains must wait for the next minute, longer than
	 * a request may wait by default (wu_runcloud.max_retry_wait). Only for work
	 * in the background (the daily run, WP-CLI): a page load should fail fast.
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
		$wait     = (int) apply_filters('wu_runcloud_background_max_retry_wait', 120);
		$previous = ini_get('wu_runcloud.max_retry_wait');
		$raised   = false !== $previous && $wait > (int) $previous && false !== ini_set('wu_runcloud.max_retry_wait', (string) $wait);
		try {
			return $work();
		} finally {
			if ($raised) {
				ini_set('wu_runcloud.max_retry_wait', (string) $previous);
			}
		}
	}

	/**
	 * The names the network wants on the web app, each with its site, source
	 * and whether it gets its www variant.
	 *
	 * @return array<string, array{site_id: int, source: string, www: bool}>
	 */
	public function wanted_domains(): array {
		$wanted = [];
		foreach ($this->network->mapped_domains() as $name => $site_id) {
			$this->want($wanted, $name, $site_id, $this->network->is_below_main_domain(strtolower($name)) ? 'subdomain' : 'domain');
		}
		foreach ($this->network->site_hosts() as $host => $site_id) {
			$this->want($wanted, $host, $site_id, 'subdomain');
		}
		ksort($wanted);

		/**
		 * The names a sync makes sure the web app has.
		 *
		 * @param array<string, array{site_id: int, source: string, www: bool}> $wanted By normalised name.
		 */
		return (array) apply_filters('wu_runcloud_wanted_domains', $wanted);
	}

	/**
	 * Adds one name to the wanted list, normalised, unless it is invalid, the
	 * main domain, or (a site's host) served by a wildcard.
	 *
	 * @param array<string, array{site_id: int, source: string, www: bool}> $wanted  The list.
	 * @param string                                                         $name    Name as stored.
	 * @param int                                                            $site_id Site id.
	 * @param string                                                         $source  'domain' or 'subdomain'.
	 */
	private function want(array &$wanted, string $name, int $site_id, string $source): void {
		try {
			$name = $this->gateway->normalize($name);
		} catch (InvalidDomainException $e) {
			$this->logger->warning(sprintf('sync: %s (site %d) left out, not a valid domain name: %s', $name, $site_id, $e->getMessage()));
			return;
		}
		if ($this->network->is_main_domain($name) || ('subdomain' === $source && null !== $this->wildcard_covering($name))) {
			return;
		}
		$www             = 'domain' === $source ? $this->network->should_add_www($name) : (bool) apply_filters('wu_runcloud_subdomain_www', false, $name);
		$wanted[ $name ] = ['site_id' => $site_id, 'source' => $source, 'www' => $www];
	}

	/**
	 * Records what a sync changed and logs it.
	 *
	 * @param array<string, mixed>                                           $report The extension's report.
	 * @param array<string, array{site_id: int, source: string, www: bool}> $wanted The wanted names.
	 */
	private function record_sync(array $report, array $wanted): void {
		foreach ($report['added'] as $name) {
			$entry = $wanted[ $name ] ?? ['site_id' => 0, 'source' => 'domain', 'www' => false];
			$this->managed->remember($name, $entry['site_id'], $entry['www'], $entry['source']);
		}
		foreach ($report['removed'] as $name) {
			$this->managed->forget($name);
		}
		$this->logger->info(
			sprintf(
				'sync%s: %d wanted, %d to add (%s), %d to remove (%s), %d unchanged; added %d, removed %d',
				$report['dry_run'] ? ' (dry run)' : '',
				count($wanted),
				count($report['to_add']),
				implode(', ', $report['to_add']) ?: '-',
				count($report['to_remove']),
				implode(', ', $report['to_remove']) ?: '-',
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
	 * Forgets what was read from RunCloud (the wildcard domains), so the next
	 * operation reads it again.
	 */
	public function forget_cached_domains(): void {
		$this->wildcards = null;
	}

	/**
	 * Replays a queued operation.
	 *
	 * @param string $operation Operation name.
	 * @param string $domain    Name ('' for the app certificate).
	 * @param int    $site_id   Site id.
	 */
	public function replay(string $operation, string $domain, int $site_id): void {
		switch ($operation) {
			case 'add_domain':
				$this->add_domain($domain, $site_id);
				break;
			case 'remove_domain':
				$this->remove_domain($domain, $site_id);
				break;
			case 'add_subdomain':
				$this->add_subdomain($domain, $site_id);
				break;
			case 'remove_subdomain':
				$this->remove_subdomain($domain, $site_id);
				break;
			case 'redeploy_ssl':
				// The names that waited behind this one come along.
				if ('' === $domain) {
					$this->redeploy();
				} else {
					$this->redeploy_batch($domain);
				}
				break;
		}
	}

	/**
	 * Runs one RunCloud operation on one name and decides what a failure means.
	 * The single place where the extension's exceptions are caught.
	 *
	 * @param string   $operation Operation name, for logs and retries.
	 * @param string   $domain    The name as given ('' for the app certificate).
	 * @param int      $site_id   Site id.
	 * @param callable $work      function (string $normalised_name): void.
	 * @return bool Whether it went through.
	 */
	private function perform(string $operation, string $domain, int $site_id, callable $work): bool {
		$name = $domain;
		try {
			if (! $this->gateway->is_available()) {
				throw new Extension_Missing_Exception('the wu_runcloud PHP extension is not loaded');
			}
			if ('' !== $domain) {
				$name = $this->gateway->normalize($domain);
			}
			$work($name);
			$this->retries->discard($operation, $name);
			return true;
		} catch (ProtectedDomainException $e) {
			$this->logger->warning(sprintf('%s %s (site %d): refused, %s', $operation, $name, $site_id, $e->getMessage()));
		} catch (InvalidDomainException $e) {
			$this->logger->error(sprintf('%s %s (site %d): not a valid domain name: %s', $operation, $name, $site_id, $e->getMessage()));
		} catch (ConfigurationException $e) {
			$this->logger->error(sprintf('%s %s (site %d): not done, RunCloud is not configured: %s', $operation, $name, $site_id, $e->getMessage()));
		} catch (RunCloudException $e) {
			$this->failed($operation, $name, $site_id, $e);
		} catch (Extension_Missing_Exception $e) {
			$this->logger->error(sprintf('%s %s (site %d): not done, %s', $operation, $name, $site_id, $e->getMessage()));
		}
		return false;
	}

	/**
	 * An API or transport failure: retry later when it may pass, else report.
	 *
	 * @param string            $operation Operation name.
	 * @param string            $name      Normalised name.
	 * @param int               $site_id   Site id.
	 * @param RunCloudException $e         The failure.
	 */
	private function failed(string $operation, string $name, int $site_id, RunCloudException $e): void {
		$reason    = Failure::describe($e);
		$retryable = Failure::may_pass($e);

		/**
		 * Whether a failed operation is queued for another attempt.
		 *
		 * @param bool              $retryable Whether it may pass.
		 * @param string            $operation Operation name.
		 * @param string            $name      Domain name.
		 * @param RunCloudException $e         The failure.
		 */
		$retryable = (bool) apply_filters('wu_runcloud_should_retry', $retryable, $operation, $name, $e);

		if ($retryable && $this->retries->push($operation, $name, $site_id, $this->attempt, $reason)) {
			$this->logger->warning(sprintf('%s %s (site %d): attempt %d failed, will retry: %s', $operation, $name, $site_id, $this->attempt, $reason));
			return;
		}
		$this->logger->error(sprintf('%s %s (site %d): failed%s: %s', $operation, $name, $site_id, $retryable ? sprintf(' after %d attempts', $this->attempt) : '', $reason));

		/**
		 * Fires when an operation failed for good.
		 *
		 * @param string            $operation Operation name.
		 * @param string            $name      Domain name.
		 * @param int               $site_id   Site id.
		 * @param RunCloudException $e         The failure.
		 */
		do_action('wu_runcloud_operation_failed', $operation, $name, $site_id, $e);
	}

	/**
	 * Adds a name and asks for a redeploy.
	 *
	 * @param string $operation 'add_domain' or 'add_subdomain'.
	 * @param string $name      Normalised name.
	 * @param int    $site_id   Site id.
	 * @param bool   $www       With the www variant.
	 * @param string $source    'domain' (a mapping) or 'subdomain' (a site's host).
	 */
	private function add(string $operation, string $name, int $site_id, bool $www, string $source): void {
		$record = $this->gateway->add_domain($name, $www);
		if (! empty($record['created'])) {
			$this->managed->remember($name, $site_id, $www, $source, isset($record['id']) ? (int) $record['id'] : null);
			$this->logger->info(sprintf('%s %s (site %d): added to RunCloud as %s (domain id %d, www %s)', $operation, $name, $site_id, $record['type'] ?? 'alias', (int) ($record['id'] ?? 0), $www ? 'yes' : 'no'));
		} else {
			$this->logger->info(sprintf('%s %s (site %d): already on RunCloud (domain id %d), nothing to add', $operation, $name, $site_id, (int) ($record['id'] ?? 0)));
		}
		$this->ssl->request($name);
	}

	/**
	 * Removes a name, never the network's main domain.
	 *
	 * @param string $operation 'remove_domain' or 'remove_subdomain'.
	 * @param string $name      Normalised name.
	 * @param int    $site_id   Site id.
	 */
	private function remove(string $operation, string $name, int $site_id): void {
		if ($this->network->is_main_domain($name)) {
			$this->logger->warning(sprintf('%s %s (site %d): refused, it is the network\'s main domain', $operation, $name, $site_id));
			return;
		}
		$removed = $this->gateway->remove_domain($name, $this->managed->id_of($name));
		$this->managed->forget($name);
		$this->ssl->drop($name);
		$this->retries->discard('redeploy_ssl', $name);
		$this->logger->info(
			$removed
				? sprintf('%s %s (site %d): removed from RunCloud', $operation, $name, $site_id)
				: sprintf('%s %s (site %d): was not on RunCloud, nothing to remove', $operation, $name, $site_id)
		);
	}

	/**
	 * The wildcard domain of the web app that serves $host, or null.
	 * RunCloud's wildcard "network.tld" serves one level below it.
	 *
	 * @param string $host Normalised host.
	 */
	private function wildcard_covering(string $host): ?string {
		if (null === $this->wildcards || time() - $this->wildcards_read_at > self::WILDCARD_TTL) {
			$wildcards = [];
			foreach ($this->gateway->list_domains() as $domain) {
				if (! empty($domain['wildcard'])) {
					$wildcards[] = strtolower((string) $domain['name']);
				}
			}
			// Kept only once the whole list was read: a failed read is not "no wildcard".
			$this->wildcards         = $wildcards;
			$this->wildcards_read_at = time();
		}
		foreach ($this->wildcards as $wildcard) {
			$suffix = '.' . $wildcard;
			if (strlen($host) > strlen($suffix) && substr($host, -strlen($suffix)) === $suffix
				&& false === strpos(substr($host, 0, -strlen($suffix)), '.')) {
				return $wildcard;
			}
		}
		return null;
	}

	/**
	 * Logs what a redeploy did.
	 *
	 * @param array<string, mixed> $result  The extension's answer.
	 * @param string               $name    The name asked for ('' for the app).
	 * @param int                  $covered How many names of the batch it was for.
	 */
	private function log_ssl(array $result, string $name, int $covered): void {
		$this->logger->info(
			sprintf(
				'redeploy_ssl %s: %s SSL, %s%s for %d new name(s): %s',
				'' === $name ? '(app)' : $name,
				$result['mode'],
				$result['action'],
				null === $result['certificate_id'] ? '' : sprintf(' (certificate id %d)', $result['certificate_id']),
				$covered,
				$result['message']
			)
		);
	}
}
