<?php
/**
 * The certificate step after names were added.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync;

use WuRunCloud\ApiException;
use WuRunCloud\RunCloudException;
use WuRunCloud\Plugin\Extension_Gateway;
use WuRunCloud\Plugin\Extension_Missing_Exception;
use WuRunCloud\Plugin\Failure;
use WuRunCloud\Plugin\Logger;
use WuRunCloud\Plugin\Network;

defined('ABSPATH') || exit;

/**
 * Redeploys for the batch Certificate_Queue collected: basic SSL and AutoSSL
 * need one call for the whole app, advanced SSL one call a name (the first
 * answer tells the mode). A failure that may pass puts the names not done
 * back into the batch, which waits; the batch is taken under a lease of this
 * process, so a second process never redeploys the same names.
 *
 * Let's Encrypt fails a whole order when one of its names fails validation,
 * allows 5 failed validations per name an hour, and a basic certificate
 * covers every name of the app. So before ordering, every name the
 * certificate will cover is checked (Dns_Check): in basic SSL one name whose
 * DNS does not point at the server holds the whole batch (nothing is
 * ordered; the names are rechecked, or go as soon as Ultimate Multisite sees
 * a name's DNS arrive), in advanced SSL only that name waits. A name whose
 * orders Let's Encrypt refused too often this hour waits for the hour. A
 * refused order is not retried on the 1-2-4-8 minute ladder: its names wait
 * an hour or for their DNS to change. After an order, the certificate the
 * server now presents for each name is checked (Served_Certificate) and
 * Ultimate Multisite's domain record told.
 *
 * Two verdicts come from outside. A basic certificate holds at most 100
 * names (Let's Encrypt's "names per certificate"), www variants included:
 * past that nothing is ordered and the operator is told, in numbers, to move
 * to advanced SSL. And Ultimate Multisite checks a mapped domain's DNS
 * itself (its record's stage): while it still says checking-dns, the name
 * gets no order, whether or not the plugin can check DNS; the plugin's own
 * check may hold a name longer, never order it earlier.
 */
class Certificates {

	/**
	 * Certificates for one set of names a week, one under Let's Encrypt's
	 * limit of 5 duplicate certificates.
	 */
	const DUPLICATES_PER_WEEK = 4;

	/**
	 * Names one certificate holds at most: Let's Encrypt's "names per
	 * certificate" limit (letsencrypt.org/docs/rate-limits). A basic
	 * certificate covers every name of the web app, www variants included.
	 */
	const NAMES_PER_CERTIFICATE = 100;

	/**
	 * Names of a basic certificate from which Site Health advises moving on.
	 */
	const NAMES_WARNING = 80;

	/**
	 * Seconds the app's SSL mode is remembered.
	 */
	const MODE_TTL = 3600;

	/**
	 * Network option: the SSL mode last seen.
	 */
	const MODE_OPTION = 'wu_runcloud_ssl_mode';

	/**
	 * @var Dns_Check
	 */
	private $dns;

	/**
	 * @var Served_Certificate
	 */
	private $served;

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
	 * @var App_Domains
	 */
	private $app;

	/**
	 * @var Network
	 */
	private $network;

	/**
	 * @param Extension_Gateway $gateway The extension.
	 * @param Logger            $logger  Logger.
	 * @param Certificate_Queue $queue   The waiting names.
	 * @param Name_Queue        $names   Knows how many attempts a change gets.
	 * @param App_Domains       $app     The network's view of the app.
	 * @param Network           $network Network facts, Ultimate Multisite's domain records among them.
	 * @param Dns_Check|null          $dns    Whether names point at the server.
	 * @param Served_Certificate|null $served What the server presents for a name.
	 */
	public function __construct(Extension_Gateway $gateway, Logger $logger, Certificate_Queue $queue, Name_Queue $names, App_Domains $app, Network $network, ?Dns_Check $dns = null, ?Served_Certificate $served = null) {
		$this->gateway = $gateway;
		$this->logger  = $logger;
		$this->queue   = $queue;
		$this->names   = $names;
		$this->app     = $app;
		$this->network = $network;
		$this->dns     = $dns ?? new Dns_Check(new Dns_Resolver());
		$this->served  = $served ?? new Served_Certificate($this->dns);
	}

	/**
	 * Ultimate Multisite found a mapped domain's DNS pointing at the network
	 * (wu_domain_manager_dns_propagation_finished): the name is asked for
	 * again, so a held certificate goes with the next run.
	 *
	 * @param string $name The domain's name.
	 */
	public function dns_ready(string $name): void {
		try {
			$name = $this->gateway->normalize($name);
		} catch (RunCloudException | Extension_Missing_Exception $e) {
			return;
		}
		if ($this->app->is_whole() && ! $this->app->has($name)) {
			// Not on RunCloud yet (its add waits for a retry): the add asks
			// for the certificate once it lands.
			return;
		}
		$this->logger->info(sprintf('dns %s: Ultimate Multisite found its DNS pointing at the network; its certificate goes with the next run', $name));
		$this->queue->request($name);
	}

	/**
	 * The scheduled run: redeploys the waiting batch. A process without the
	 * extension takes nothing and schedules the run again.
	 *
	 * @param bool $force Order without checking the names' DNS first (an
	 *                    operator's explicit choice, `redeploy-ssl --force`).
	 * @return list<array<string, mixed>> The extension's answers.
	 */
	public function redeploy_waiting(bool $force = false): array {
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
			return $force ? $this->redeploy($names, $lease) : $this->order($names, $lease);
		} finally {
			$this->queue->done($lease);
		}
	}

	/**
	 * Orders what can be ordered now for the batch: checks the names the
	 * certificate will cover, holds what must wait, redeploys the rest.
	 *
	 * @param list<string> $names The batch.
	 * @param string       $lease The batch's lease.
	 * @return list<array<string, mixed>> The extension's answers.
	 */
	private function order(array $names, string $lease): array {
		if (! $this->dns->enabled()) {
			return $this->order_on_ultimate_multisites_word($names, $lease);
		}
		try {
			$mode   = $this->mode();
			$served = $this->served_names('basic' === $mode ? null : $names);
		} catch (RunCloudException $e) {
			// RunCloud cannot be read now: the ordinary failure path decides.
			return $this->redeploy($names, $lease);
		} catch (Extension_Missing_Exception $e) {
			return [];
		}
		if ('auto' === $mode) {
			return $this->redeploy($names, $lease);
		}
		$names = $this->not_yet_served($names);
		if ([] === $names) {
			return [];
		}
		if ('basic' !== $mode) {
			$served = $this->own_names($served, $names);
		}
		$checked = array_values(array_unique(array_merge([], ...array_values($served))));
		if ('basic' === $mode && ! $this->fits_one_certificate(count($checked), $names, $lease)) {
			return [];
		}
		$failing = $this->failing($checked);
		$this->queue->blocked_by($checked, $failing, 'basic' === $mode);
		return 'basic' === $mode ? $this->order_basic($names, $checked, $failing, $lease) : $this->order_advanced($names, $served, $failing, $lease);
	}

	/**
	 * The plugin cannot check DNS itself (no server address known): Ultimate
	 * Multisite's own DNS stage decides. A name its record still shows as
	 * checking-dns waits for Ultimate Multisite's
	 * wu_domain_manager_dns_propagation_finished (dns_ready()); in basic SSL
	 * it holds the app's one certificate, since the order would fail for
	 * every name. The basic ceiling is counted from the view of the app.
	 *
	 * @param list<string> $names The batch.
	 * @param string       $lease The batch's lease.
	 * @return list<array<string, mixed>> The extension's answers.
	 */
	private function order_on_ultimate_multisites_word(array $names, string $lease): array {
		try {
			$mode = $this->mode();
		} catch (RunCloudException $e) {
			return $this->redeploy($names, $lease);
		} catch (Extension_Missing_Exception $e) {
			return [];
		}
		if ('auto' === $mode) {
			return $this->redeploy($names, $lease);
		}
		if ('basic' === $mode && ! $this->fits_one_certificate($this->app->certificate_names(), $names, $lease)) {
			return [];
		}
		$waiting = $this->network->domains_checking_dns();
		$failing = [];
		foreach ($waiting as $name) {
			if (in_array($name, $names, true) || ('basic' === $mode && $this->app->has($name))) {
				$failing[ $name ] = ['reason' => 'Ultimate Multisite has not seen its DNS point at the network yet (its domain record is checking-dns)', 'moved' => false, 'until' => 0];
			}
		}
		if ([] === $failing) {
			return $this->redeploy($names, $lease);
		}
		if ('basic' === $mode) {
			$this->hold_basic($names, $failing, $lease);
			return [];
		}
		return $this->order_advanced($names, array_combine($names, array_map(static function ($name) { return [$name]; }, $names)), $failing, $lease);
	}

	/**
	 * Basic SSL: whether the app's one certificate can hold its names. Past
	 * Let's Encrypt's 100 nothing is ordered: the batch waits, and the
	 * operator is told what to do (the same words on the Domains tab, in
	 * Site Health and `wp runcloud status`).
	 *
	 * @param int          $count How many names the certificate would cover.
	 * @param list<string> $names The batch.
	 * @param string       $lease The batch's lease.
	 */
	private function fits_one_certificate(int $count, array $names, string $lease): bool {
		if ($count <= self::NAMES_PER_CERTIFICATE) {
			return true;
		}
		$why = self::over_ceiling($count);
		$this->logger->warning(sprintf('redeploy_ssl (app): not ordered for %d new name(s) (%s): %s', count($names), implode(', ', $names), $why));
		$this->queue->hold($lease, array_fill_keys($names, $why), time() + DAY_IN_SECONDS);
		return false;
	}

	/**
	 * How close a basic certificate is to Let's Encrypt's 100 names, read
	 * from what the plugin keeps (the SSL mode last seen, the view of the
	 * app): no request. Null when the app is not known to use basic SSL.
	 *
	 * @return array{names: int, limit: int, status: string, message: string}|null
	 *         status: good, recommended (from 80 names) or critical (over 100).
	 */
	public function basic_ceiling(): ?array {
		$known = get_network_option(null, self::MODE_OPTION, []);
		if (! is_array($known) || 'basic' !== ($known['mode'] ?? '')) {
			return null;
		}
		$count = $this->app->certificate_names();
		if ($count > self::NAMES_PER_CERTIFICATE) {
			$status  = 'critical';
			$message = self::over_ceiling($count);
		} elseif ($count >= self::NAMES_WARNING) {
			$status  = 'recommended';
			$message = sprintf('this web app has %d names; one basic certificate holds at most %d (Let\'s Encrypt\'s limit): switch to advanced SSL before new names stop getting a certificate', $count, self::NAMES_PER_CERTIFICATE);
		} else {
			$status  = 'good';
			$message = sprintf('this web app has %d names; one basic certificate holds at most %d', $count, self::NAMES_PER_CERTIFICATE);
		}
		return ['names' => $count, 'limit' => self::NAMES_PER_CERTIFICATE, 'status' => $status, 'message' => $message];
	}

	/**
	 * What the operator is told when a basic certificate cannot hold the
	 * app's names.
	 *
	 * @param int $count How many names the certificate would cover.
	 */
	public static function over_ceiling(int $count): string {
		return sprintf('this web app has %d names; one basic certificate holds at most %d (Let\'s Encrypt\'s limit), so no certificate can cover them: switch the web app to advanced SSL (a certificate per domain; wp runcloud ssl-mode advanced), or AutoSSL where the RunCloud plan has it', $count, self::NAMES_PER_CERTIFICATE);
	}

	/**
	 * Why an order now for $domains (none: the app's certificate) would be
	 * refused, checked as the batch's order is: every name the certificate
	 * would cover (basic SSL: every name of the app; advanced SSL: the
	 * domains' own names). Nothing is ordered or held. Empty when every name
	 * passes, when names cannot be checked (no server address known, AutoSSL,
	 * advanced SSL without a domain, a name the extension refuses, RunCloud
	 * not readable now): the order's own answer says then what happened.
	 *
	 * @param list<string> $domains Names; empty for the app's certificate.
	 * @return array<string, string> Failing name => reason.
	 */
	public function order_blockers(array $domains = []): array {
		if (! $this->dns->enabled()) {
			return [];
		}
		try {
			$names = array_values(array_unique(array_map([$this->gateway, 'normalize'], array_map('strval', $domains))));
			$mode  = $this->mode();
			if ('auto' === $mode || ('basic' !== $mode && [] === $names)) {
				return [];
			}
			$served = $this->served_names('basic' === $mode ? null : $names);
		} catch (RunCloudException | Extension_Missing_Exception $e) {
			return [];
		}
		if ('basic' !== $mode) {
			$served = $this->own_names($served, $names);
		}
		$checked = array_values(array_unique(array_merge([], ...array_values($served))));
		$reasons = [];
		foreach ($this->failing($checked) as $name => $why) {
			$reasons[ $name ] = $why['reason'];
		}
		return $reasons;
	}

	/**
	 * Advanced SSL: each name of $names with the names its certificate
	 * covers (a name RunCloud does not list, alone).
	 *
	 * @param array<string, list<string>> $served Domain => names it serves.
	 * @param list<string>                $names  Names.
	 * @return array<string, list<string>>
	 */
	private function own_names(array $served, array $names): array {
		$served = array_intersect_key($served, array_flip($names)) + array_fill_keys(array_diff($names, array_keys($served)), []);
		foreach ($served as $name => $own) {
			$served[ $name ] = [] === $own ? [$name] : $own;
		}
		return $served;
	}

	/**
	 * Basic SSL: the app's certificate is ordered when every name it will
	 * cover passes, and not a fifth time a week for the same names.
	 *
	 * @param list<string>                                                  $names   The batch.
	 * @param list<string>                                                  $checked Every name the certificate will cover.
	 * @param array<string, array{reason: string, moved: bool, until: int}> $failing The names that fail.
	 * @param string                                                        $lease   The batch's lease.
	 * @return list<array<string, mixed>> The extension's answers.
	 */
	private function order_basic(array $names, array $checked, array $failing, string $lease): array {
		$this->dns->retain($checked);
		$repeats = $this->queue->issued_this_week($checked);
		if ([] === $failing && $repeats >= self::DUPLICATES_PER_WEEK) {
			$failing[''] = ['reason' => sprintf('a certificate for exactly these names was issued %d times this week (Let\'s Encrypt allows 5)', $repeats), 'moved' => false, 'until' => time() + DAY_IN_SECONDS];
		}
		if ([] !== $failing) {
			$this->hold_basic($names, $failing, $lease);
			return [];
		}
		$results = $this->redeploy($names, $lease);
		if ([] !== $results) {
			// One answer in basic SSL: the app's certificate, for every name checked.
			$this->queue->issued($checked);
		}
		return $results;
	}

	/**
	 * Advanced SSL: each name whose own names pass is ordered; the others wait.
	 *
	 * @param list<string>                                                  $names   The batch.
	 * @param array<string, list<string>>                                   $served  Name => the names its certificate covers.
	 * @param array<string, array{reason: string, moved: bool, until: int}> $failing The names that fail.
	 * @param string                                                        $lease   The batch's lease.
	 * @return list<array<string, mixed>> The extension's answers.
	 */
	private function order_advanced(array $names, array $served, array $failing, string $lease): array {
		$ready = [];
		$wait  = [];
		foreach ($names as $name) {
			$own = array_intersect_key($failing, array_flip($served[ $name ]));
			if ([] === $own) {
				$ready[] = $name;
			} else {
				$wait[ $name ] = $this->describe($own);
			}
		}
		if ([] !== $wait) {
			$this->logger->warning(sprintf('redeploy_ssl: not ordered yet for %s', $this->list_reasons($wait)));
			$this->queue->hold($lease, $wait, $this->recheck_at(array_intersect_key($failing, array_flip(array_keys($wait)))));
		}
		return [] === $ready ? [] : $this->redeploy($ready, $lease);
	}

	/**
	 * The names of the batch the server does not present a certificate for
	 * yet; those it does need no order (Ultimate Multisite's DNS event for a
	 * name certified at its mapping would otherwise cost a duplicate
	 * certificate), and their records are told.
	 *
	 * @param list<string> $names The batch.
	 * @return list<string>
	 */
	private function not_yet_served(array $names): array {
		$served = array_keys(array_filter($this->served->confirm($names)));
		if ([] !== $served) {
			$this->logger->info(sprintf('redeploy_ssl: %s already served with a certificate covering it, nothing to order', implode(', ', $served)));
			$this->queue->certified($served);
		}
		return array_values(array_diff($names, $served));
	}

	/**
	 * Basic SSL with names that fail: nothing is ordered, the batch waits.
	 *
	 * @param list<string>                                      $names   The batch.
	 * @param array<string, array{reason: string, moved: bool, until: int}> $failing The names that fail.
	 * @param string                                            $lease   The batch's lease.
	 */
	private function hold_basic(array $names, array $failing, string $lease): void {
		$why = sprintf('the certificate covers every name of the web app, and Let\'s Encrypt would refuse it: %s', $this->describe($failing));
		$this->logger->warning(sprintf('redeploy_ssl (app): not ordered for %d new name(s) (%s): %s', count($names), implode(', ', $names), $why));
		$this->queue->hold($lease, array_fill_keys($names, $why), $this->recheck_at($failing));
	}

	/**
	 * The names that cannot be ordered now: DNS not pointing at the server,
	 * or Let's Encrypt's budget used up this hour.
	 *
	 * @param list<string> $names Names.
	 * @return array<string, array{reason: string, moved: bool, until: int}>
	 */
	private function failing(array $names): array {
		$failing = [];
		foreach ($this->dns->failing($names) as $name => $reason) {
			$failing[ $name ] = ['reason' => $reason, 'moved' => $this->dns->pointed_before($name), 'until' => 0];
		}
		// Ultimate Multisite's verdict counts too: the plugin's check may
		// only hold a name longer.
		foreach (array_intersect($this->network->domains_checking_dns(), $names) as $name) {
			$failing[ $name ] = $failing[ $name ] ?? ['reason' => 'Ultimate Multisite has not seen its DNS point at the network yet (its domain record is checking-dns)', 'moved' => false, 'until' => 0];
		}
		foreach ($this->queue->over_budget($names, $this->budget()) as $name => $until) {
			$failing[ $name ] = [
				'reason' => sprintf('Let\'s Encrypt refused %d order(s) with it within the hour; next attempt after %s', $this->budget(), gmdate('H:i', $until) . ' UTC'),
				'moved'  => false,
				'until'  => $until,
			];
		}
		return $failing;
	}

	/**
	 * Refused orders a name may have within an hour (Let's Encrypt allows 5
	 * failed validations; each refused order counts at least one).
	 */
	private function budget(): int {
		/**
		 * Refused certificate orders a name may have within an hour before it
		 * waits for the hour to pass (Let's Encrypt's limit is 5 failed
		 * validations per name per hour).
		 *
		 * @param int $budget Default 2.
		 */
		return max(1, min(4, (int) apply_filters('wu_runcloud_letsencrypt_budget', 2)));
	}

	/**
	 * When held names are checked again: after the recheck interval, or when
	 * a name's Let's Encrypt budget comes back.
	 *
	 * @param array<string, array{reason: string, moved: bool, until: int}> $failing The names that fail.
	 */
	private function recheck_at(array $failing): int {
		/**
		 * Seconds between DNS rechecks of names held for their DNS (Ultimate
		 * Multisite's own event brings a name back sooner).
		 *
		 * @param int $seconds Default 900.
		 */
		$at = time() + max(60, (int) apply_filters('wu_runcloud_dns_recheck_interval', 900));
		foreach ($failing as $why) {
			$at = max($at, $why['until']);
		}
		return $at;
	}

	/**
	 * The names each domain of the app serves (with its www variant), for
	 * $only (all when null), wildcards left out (they need dns-01).
	 *
	 * @param list<string>|null $only Names of the batch, or null for every domain.
	 * @return array<string, list<string>> Domain => names it serves.
	 * @throws RunCloudException|Extension_Missing_Exception When RunCloud cannot be read.
	 */
	private function served_names(?array $only): array {
		$served = [];
		foreach ($this->gateway->list_domains() as $domain) {
			$name = strtolower((string) $domain['name']);
			if (null !== $only && ! in_array($name, $only, true)) {
				continue;
			}
			$served[ $name ] = empty($domain['www']) || 0 === strpos($name, 'www.') ? [$name] : [$name, 'www.' . $name];
		}
		return $served;
	}

	/**
	 * The app's SSL mode: basic, advanced or auto (advanced with AutoSSL),
	 * remembered for an hour and from every redeploy's answer.
	 *
	 * @throws RunCloudException|Extension_Missing_Exception When RunCloud cannot be read.
	 */
	public function mode(): string {
		$known = get_network_option(null, self::MODE_OPTION, []);
		if (is_array($known) && isset($known['mode'], $known['at']) && time() - (int) $known['at'] < self::MODE_TTL) {
			return (string) $known['mode'];
		}
		$app = $this->gateway->test_connection();
		return $this->remember_mode('advanced' === $app['ssl_mode'] ? ($app['auto_ssl'] ? 'auto' : 'advanced') : 'basic');
	}

	/**
	 * @param string $mode basic, advanced or auto.
	 */
	private function remember_mode(string $mode): string {
		update_network_option(null, self::MODE_OPTION, ['mode' => $mode, 'at' => time()]);
		return $mode;
	}

	/**
	 * Failing names with why, for a log line or a held name.
	 *
	 * @param array<string, array{reason: string}> $failing Failing names.
	 */
	private function describe(array $failing): string {
		$parts = [];
		foreach ($failing as $name => $why) {
			$parts[] = '' === (string) $name ? $why['reason'] : sprintf('%s %s', $name, $why['reason']);
		}
		return implode('; ', $parts);
	}

	/**
	 * @param array<string, string> $reasons Name => reason.
	 */
	private function list_reasons(array $reasons): string {
		$parts = [];
		foreach ($reasons as $name => $reason) {
			$parts[] = sprintf('%s (%s)', $name, $reason);
		}
		return implode(', ', $parts);
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
				/**
				 * A certificate redeploy went through (for the Domains view).
				 *
				 * @param array<string, mixed> $result The extension's answer.
				 * @param string               $name   The name asked for ('' for the app).
				 */
				do_action('wu_runcloud_certificate_redeployed', $result, $name);
				$per_name  = 'advanced' === $result['mode'] && 'auto' !== $result['action'];
				$this->remember_mode('basic' === $result['mode'] ? 'basic' : ('auto' === $result['action'] ? 'auto' : 'advanced'));
				$this->log($result, $name, $per_name ? 1 : $covered);
				$done = $per_name ? [$name] : $domains;
				$this->queue->certified($done);
				$this->served->confirm($done);
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
		if ('' !== $lease && $e instanceof ApiException && 422 === (int) $e->getCode() && $this->dns->enabled()) {
			return $this->refused($name, $rest, $lease, $reason);
		}
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
	 * RunCloud refused the order (Let's Encrypt's validation, most likely):
	 * not retried on the minute ladder, which would spend the names' hourly
	 * allowance of failed validations. The names of the order wait an hour,
	 * or until one is asked for again (its DNS changed), and the refusal
	 * counts against their budget. In advanced SSL the order was one name's:
	 * the names after it go on (returns false); in basic SSL it was the
	 * batch's (returns true: the names went back to wait).
	 *
	 * @param string       $name   The name that failed ('' for the app).
	 * @param list<string> $rest   The names after it.
	 * @param string       $lease  The batch's lease.
	 * @param string       $reason Why, redacted.
	 */
	private function refused(string $name, array $rest, string $lease, string $reason): bool {
		$known    = get_network_option(null, self::MODE_OPTION, []);
		$per_name = '' !== $name && is_array($known) && 'advanced' === ($known['mode'] ?? '');
		$names    = $per_name ? [$name] : array_values(array_filter(array_merge([$name], $rest)));
		$why      = sprintf('the certificate order was refused; not retried before an hour has passed or its DNS changed: %s', $reason);
		$this->logger->error(sprintf('redeploy_ssl %s: %s', $this->label($name), $why));
		$this->queue->refused($names);
		$this->queue->hold($lease, array_fill_keys($names, $why), time() + HOUR_IN_SECONDS);
		return ! $per_name;
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
