<?php
/**
 * The certificate step after names were added.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync\Certificates;

use WuRunCloud\ApiException;
use WuRunCloud\Plugin\Extension\Extension_Gateway;
use WuRunCloud\Plugin\Extension\Extension_Missing_Exception;
use WuRunCloud\Plugin\Extension\Failure;
use WuRunCloud\Plugin\Extension\Target;
use WuRunCloud\Plugin\Status\Logger;
use WuRunCloud\Plugin\Sync\App_Domains;
use WuRunCloud\Plugin\Sync\Name_Queue;
use WuRunCloud\Plugin\Ultimate_Multisite\Network;
use WuRunCloud\RunCloudException;

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
class Certificate_Step {

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
	 * Let's Encrypt's new orders per account: 300 per 3 hours
	 * (letsencrypt.org/docs/rate-limits). RunCloud's account is one for all
	 * its customers' renewals too: the filter lowers this integration's share.
	 */
	const ORDERS_PER_WINDOW = 300;
	const ORDERS_WINDOW     = 3 * HOUR_IN_SECONDS;

	/**
	 * Let's Encrypt's new certificates per registered domain (the name under
	 * its public suffix): 50 per 7 days (letsencrypt.org/docs/rate-limits).
	 */
	const CERTIFICATES_PER_DOMAIN = 50;
	const DOMAIN_WINDOW           = 7 * DAY_IN_SECONDS;

	/**
	 * New certificates for site hosts under the network's own registered
	 * domain in 7 days from which Site Health advises a wildcard domain.
	 */
	const SITE_HOSTS_WARNING = 40;

	/**
	 * The words that start the reason of a name waiting for a budget.
	 */
	const BUDGET_WAIT = 'waits for Let\'s Encrypt\'s budget';

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
	 * @var Order_Ledger
	 */
	private $ledger;

	/**
	 * @var Blocking_Names
	 */
	private $blocking;

	/**
	 * @var Refused_Names
	 */
	private $refused;

	/**
	 * @var Last_Redeploy
	 */
	private $last;

	/**
	 * @var Target
	 */
	private $target;

	/**
	 * The network option holding the app's SSL mode as last seen.
	 *
	 * @var string
	 */
	private $mode_option;

	/**
	 * @param Extension_Gateway       $gateway  The extension.
	 * @param Logger                  $logger   Logger.
	 * @param Certificate_Queue       $queue    The waiting names.
	 * @param Name_Queue              $names    Knows how many attempts a change gets.
	 * @param App_Domains             $app      The network's view of the app.
	 * @param Network                 $network  Network facts, Ultimate Multisite's domain records among them.
	 * @param Order_Ledger            $ledger   The orders sent, for Let's Encrypt's budgets.
	 * @param Blocking_Names          $blocking The names whose DNS holds a certificate back.
	 * @param Refused_Names           $refused  The names Let's Encrypt refused this hour.
	 * @param Last_Redeploy           $last     The last redeploy that went through.
	 * @param Target|null             $target   The web app; null for the primary one.
	 * @param Dns_Check|null          $dns      Whether names point at the server.
	 * @param Served_Certificate|null $served   What the server presents for a name.
	 */
	public function __construct(Extension_Gateway $gateway, Logger $logger, Certificate_Queue $queue, Name_Queue $names, App_Domains $app, Network $network, Order_Ledger $ledger, Blocking_Names $blocking, Refused_Names $refused, Last_Redeploy $last, ?Target $target = null, ?Dns_Check $dns = null, ?Served_Certificate $served = null) {
		$this->gateway  = $gateway;
		$this->logger   = $logger;
		$this->queue    = $queue;
		$this->names    = $names;
		$this->app      = $app;
		$this->network  = $network;
		$this->ledger   = $ledger;
		$this->blocking = $blocking;
		$this->refused  = $refused;
		$this->last     = $last;
		$this->target   = $target ?? Target::primary();
		$this->mode_option = self::MODE_OPTION . $this->target->suffix();
		$this->dns      = $dns ?? new Dns_Check(new Dns_Resolver());
		$this->served   = $served ?? new Served_Certificate($this->dns);
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
		try {
			$mode = $this->mode();
			if ('auto' === $mode) {
				return $this->redeploy($names, $lease);
			}
			if (! $this->dns->enabled()) {
				return $this->order_on_ultimate_multisites_word($names, $mode, $lease);
			}
			$served = $this->served_names('basic' === $mode ? null : $names);
		} catch (RunCloudException $e) {
			// RunCloud cannot be read now: the ordinary failure path decides.
			return $this->redeploy($names, $lease);
		} catch (Extension_Missing_Exception $e) {
			return [];
		}
		$names = $this->not_yet_served($names);
		if ([] === $names) {
			return [];
		}
		list($served, $checked) = $this->covered($served, $names, $mode);
		if ('basic' === $mode && ! $this->fits_one_certificate(count($checked), $names, $lease)) {
			return [];
		}
		$failing = $this->failing($checked);
		$this->blocking->record($checked, $failing, 'basic' === $mode);
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
	 * @param string       $mode  basic or advanced.
	 * @param string       $lease The batch's lease.
	 * @return list<array<string, mixed>> The extension's answers.
	 */
	private function order_on_ultimate_multisites_word(array $names, string $mode, string $lease): array {
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
		if ('basic' === $mode) {
			if ([] !== $failing) {
				$this->hold_basic($names, $failing, $lease);
				return [];
			}
			return $this->order_basic_within_budgets($names, array_merge(array_keys($this->app->all()), $names), $lease);
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
		if ('basic' !== $this->known_mode()) {
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
		list(, $checked) = $this->covered($served, $names, $mode);
		$reasons         = [];
		foreach ($this->failing($checked) as $name => $why) {
			$reasons[ $name ] = $why['reason'];
		}
		return $reasons;
	}

	/**
	 * What the order's certificates cover: in basic SSL the app's one
	 * certificate, every name the app serves; in advanced SSL each name of
	 * $names with its own names. Then every name to check, once.
	 *
	 * @param array<string, list<string>> $served Domain => names it serves (served_names()).
	 * @param list<string>                $names  The names ordered for.
	 * @param string                      $mode   The app's SSL mode.
	 * @return array{0: array<string, list<string>>, 1: list<string>} Domain => names its certificate covers; every name covered.
	 */
	private function covered(array $served, array $names, string $mode): array {
		if ('basic' !== $mode) {
			$served = $this->own_names($served, $names);
		}
		return [$served, array_values(array_unique(array_merge([], ...array_values($served))))];
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
		$repeats = $this->ledger->issued_for($checked, time() - self::DOMAIN_WINDOW);
		if ([] === $failing && $repeats >= self::DUPLICATES_PER_WEEK) {
			$failing[''] = ['reason' => sprintf('a certificate for exactly these names was issued %d times this week (Let\'s Encrypt allows 5)', $repeats), 'moved' => false, 'until' => time() + DAY_IN_SECONDS];
		}
		if ([] !== $failing) {
			$this->hold_basic($names, $failing, $lease);
			return [];
		}
		return $this->order_basic_within_budgets($names, $checked, $lease);
	}

	/**
	 * Basic SSL: the app's certificate is one order, counted against the
	 * account's budget and against each registered domain among its names.
	 *
	 * @param list<string> $names   The batch.
	 * @param list<string> $covered Every name the certificate will cover.
	 * @param string       $lease   The batch's lease.
	 * @return list<array<string, mixed>> The extension's answers.
	 */
	private function order_basic_within_budgets(array $names, array $covered, string $lease): array {
		$registered = $this->registered_domains($covered);
		[, $wait]   = $this->within_budgets(['' => $registered]);
		if (isset($wait[''])) {
			$why = sprintf('the web app\'s certificate %s', $wait['']['reason']);
			$this->logger->warning(sprintf('redeploy_ssl (app): not ordered for %d new name(s) (%s): %s', count($names), implode(', ', $names), $why));
			$this->queue->hold($lease, array_fill_keys($names, $why), $wait['']['until']);
			return [];
		}
		return $this->redeploy($names, $lease, $covered);
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
		$orders = [];
		$over   = [];
		foreach ($ready as $name) {
			$repeats = $this->ledger->issued_for([$name], time() - self::DOMAIN_WINDOW);
			if ($repeats >= self::DUPLICATES_PER_WEEK) {
				$over[ $name ] = ['reason' => sprintf('%s of 5 certificates for the same names in 7 days: %d issued this week; it goes after a day', self::BUDGET_WAIT, $repeats), 'moved' => false, 'until' => time() + DAY_IN_SECONDS];
				continue;
			}
			$orders[ $name ] = $this->registered_domains([$name]);
		}
		[$go, $over_budget] = $this->within_budgets($orders);
		$over              += $over_budget;
		foreach ($over as $name => $why) {
			$this->logger->warning(sprintf('redeploy_ssl %s: not ordered yet: %s', $name, $why['reason']));
			$this->queue->hold($lease, [$name => $why['reason']], $why['until']);
		}
		return [] === $go ? [] : $this->redeploy($go, $lease);
	}

	/**
	 * Which orders Let's Encrypt's budgets let go now, in the order given,
	 * and why and until when the others wait. Counted from the ledger of
	 * orders sent: new orders per account per 3 hours, new certificates per
	 * registered domain per 7 days; each order let go counts at once, so a
	 * batch never spends more than what is left.
	 *
	 * @param array<string, list<string>> $orders Order ('' for the app's certificate, else a domain) => the registered domains it counts against.
	 * @return array{0: list<string>, 1: array<string, array{reason: string, moved: bool, until: int}>}
	 */
	private function within_budgets(array $orders): array {
		$now      = time();
		$account  = $this->ledger->orders_since($now - self::ORDERS_WINDOW);
		$domains  = $this->ledger->issued_since(array_values(array_unique(array_merge([], ...array_values($orders)))), $now - self::DOMAIN_WINDOW);
		$per_acct = $this->orders_budget();
		$per_dom  = $this->domain_budget();
		$go       = [];
		$wait     = [];
		foreach ($orders as $key => $registered) {
			$full = array_values(
				array_filter(
					$registered,
					static function ($domain) use ($domains, $per_dom) {
						return $domains[ $domain ]['count'] >= $per_dom;
					}
				)
			);
			if ($account['count'] >= $per_acct) {
				$until        = (int) ($account['oldest'] ?? $now) + self::ORDERS_WINDOW;
				$wait[ $key ] = ['reason' => sprintf('%s of %d new orders per account in 3 hours, all used; it goes after %s', self::BUDGET_WAIT, $per_acct, gmdate('Y-m-d H:i', $until) . ' UTC'), 'moved' => false, 'until' => $until];
				continue;
			}
			if ([] !== $full) {
				$until = $now;
				foreach ($full as $domain) {
					$until = max($until, (int) ($domains[ $domain ]['oldest'] ?? $now) + self::DOMAIN_WINDOW);
				}
				$wait[ $key ] = ['reason' => sprintf('%s of %d new certificates per registered domain in 7 days, all used for %s; it goes after %s', self::BUDGET_WAIT, $per_dom, implode(', ', $full), gmdate('Y-m-d H:i', $until) . ' UTC'), 'moved' => false, 'until' => $until];
				continue;
			}
			$go[]              = (string) $key;
			$account['count'] += 1;
			$account['oldest'] = $account['oldest'] ?? $now;
			foreach ($registered as $domain) {
				$domains[ $domain ]['count'] += 1;
				$domains[ $domain ]['oldest'] = $domains[ $domain ]['oldest'] ?? $now;
			}
		}
		return [$go, $wait];
	}

	/**
	 * What switching the web app to $mode means, from the view of the app
	 * and Let's Encrypt's budgets (no request): how many orders, and how long
	 * the budgets make them take.
	 *
	 * @param string $mode basic, advanced or auto (advanced with AutoSSL).
	 * @return array{mode: string, possible: bool, domains: int, names: int, orders: int, windows: int, weeks: int, largest_domain: string, largest: int, message: string}
	 */
	public function plan_switch(string $mode): array {
		$domains = [];
		foreach ($this->app->all() as $name => $domain) {
			if (! $domain['wildcard']) {
				$domains[] = (string) $name;
			}
		}
		$names   = $this->app->certificate_names();
		$plan    = ['mode' => $mode, 'possible' => true, 'domains' => count($domains), 'names' => $names, 'orders' => 0, 'windows' => 0, 'weeks' => 0, 'largest_domain' => '', 'largest' => 0];
		if ('basic' === $mode) {
			$plan['possible'] = $names <= self::NAMES_PER_CERTIFICATE;
			$plan['orders']   = $plan['possible'] ? 1 : 0;
			return $plan + ['message' => $plan['possible'] ? sprintf('one certificate for all %d names of the web app: 1 order', $names) : self::over_ceiling($names)];
		}
		if ('auto' === $mode) {
			return $plan + ['message' => sprintf('RunCloud orders a certificate for each of the %d domains itself (AutoSSL); this integration orders none', count($domains))];
		}
		$groups = [];
		foreach ($domains as $name) {
			$registered            = $this->registered_domains([$name])[0];
			$groups[ $registered ] = ($groups[ $registered ] ?? 0) + 1;
		}
		arsort($groups);
		$plan['orders']         = count($domains);
		$plan['windows']        = (int) ceil(count($domains) / $this->orders_budget());
		$plan['largest_domain'] = (string) (array_key_first($groups) ?? '');
		$plan['largest']        = (int) (reset($groups) ?: 0);
		$plan['weeks']          = (int) ceil($plan['largest'] / $this->domain_budget());
		$message                = sprintf('%d domains each get a certificate of their own: %d orders. Let\'s Encrypt allows %d new orders per 3 hours: %s', count($domains), count($domains), $this->orders_budget(), $plan['windows'] <= 1 ? 'all within the first 3 hours' : sprintf('about %d hours', ($plan['windows'] - 1) * 3));
		if ('' !== $plan['largest_domain']) {
			$message .= sprintf('; and %d new certificates per registered domain per 7 days: %d of them are under %s, %s', $this->domain_budget(), $plan['largest'], $plan['largest_domain'], $plan['weeks'] <= 1 ? 'within the first week' : sprintf('about %d weeks', $plan['weeks'] - 1) . ' (a wildcard domain on the web app with a DNS-01 certificate covers site hosts without an order each)');
		}
		return $plan + ['message' => $message . '. The certificate step orders them paced by these budgets'];
	}

	/**
	 * Switches the web app's SSL mode through RunCloud's API. In advanced SSL
	 * without AutoSSL every domain of the app then needs a certificate of its
	 * own: all are asked for, and the certificate step orders them paced by
	 * Let's Encrypt's budgets.
	 *
	 * @param string $mode basic, advanced or auto.
	 * @return string The mode RunCloud reports afterwards.
	 * @throws RunCloudException When RunCloud refuses or cannot be reached.
	 * @throws Extension_Missing_Exception Without the extension.
	 */
	public function switch_mode(string $mode): string {
		$now  = $this->gateway->set_ssl_mode('basic' !== $mode, 'auto' === $mode);
		$mode = $this->remember_mode('advanced' === $now['ssl_mode'] ? ($now['auto_ssl'] ? 'auto' : 'advanced') : 'basic');
		$this->logger->info(sprintf('ssl_mode: the web app switched to %s SSL', $mode));
		if ('auto' !== $mode) {
			foreach ($this->app->all() as $name => $domain) {
				if (! $domain['wildcard']) {
					$this->queue->request((string) $name);
				}
			}
		}
		return $mode;
	}

	/**
	 * The registered domains (the names under their public suffix) of $names.
	 *
	 * @param list<string> $names Normalised names.
	 * @return list<string>
	 */
	private function registered_domains(array $names): array {
		$registered = [];
		foreach ($names as $name) {
			try {
				$registered[ $this->gateway->registered_domain(0 === strpos((string) $name, '*.') ? substr((string) $name, 2) : (string) $name) ] = true;
			} catch (RunCloudException $e) {
				$registered[ (string) $name ] = true;
			}
		}
		return array_keys($registered);
	}

	/**
	 * New orders per 3 hours this integration may send (at most Let's Encrypt's 300).
	 */
	private function orders_budget(): int {
		/**
		 * New certificate orders this integration may send per 3 hours. Let's
		 * Encrypt allows 300 per account; RunCloud's account also renews every
		 * certificate of every app, so a network that shares it may take less.
		 *
		 * @param int $orders Default 300.
		 */
		return max(1, min(self::ORDERS_PER_WINDOW, (int) apply_filters('wu_runcloud_letsencrypt_orders_per_3_hours', self::ORDERS_PER_WINDOW)));
	}

	/**
	 * New certificates per registered domain per 7 days this integration may
	 * order (at most Let's Encrypt's 50).
	 */
	private function domain_budget(): int {
		/**
		 * New certificates per registered domain per 7 days this integration
		 * may order (Let's Encrypt allows 50).
		 *
		 * @param int $certificates Default 50.
		 */
		return max(1, min(self::CERTIFICATES_PER_DOMAIN, (int) apply_filters('wu_runcloud_letsencrypt_certificates_per_domain_per_week', self::CERTIFICATES_PER_DOMAIN)));
	}

	/**
	 * The names waiting for Let's Encrypt's budgets (name => when they go),
	 * and, in advanced SSL, how much of the network's own registered
	 * domain's weekly budget site hosts took.
	 *
	 * @return array{waiting: array<string, int>, site_hosts: array{domain: string, issued: int, limit: int}|null}
	 */
	public function budgets(): array {
		$waiting = [];
		foreach ($this->queue->held() as $name => $held) {
			if (false !== strpos((string) $held['reason'], self::BUDGET_WAIT)) {
				$waiting[ (string) $name ] = (int) $held['until'];
			}
		}
		asort($waiting);
		return ['waiting' => $waiting, 'site_hosts' => 'advanced' === $this->known_mode() ? $this->site_hosts_budget() : null];
	}

	/**
	 * New certificates ordered for the network's own registered domain in
	 * the last 7 days (site hosts, in advanced SSL without a wildcard), and
	 * Let's Encrypt's budget for it; null when the network has no main domain.
	 *
	 * @return array{domain: string, issued: int, limit: int}|null
	 */
	public function site_hosts_budget(): ?array {
		$main = $this->network->main_domains()[0] ?? null;
		if (null === $main) {
			return null;
		}
		$domain = $this->registered_domains([$main])[0];
		$issued = $this->ledger->issued_since([$domain], time() - self::DOMAIN_WINDOW)[ $domain ]['count'];
		return ['domain' => $domain, 'issued' => $issued, 'limit' => $this->domain_budget()];
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
		foreach ($this->refused->over_budget($names, $this->budget()) as $name => $until) {
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
		$known = get_network_option(null, $this->mode_option, []);
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
		update_network_option(null, $this->mode_option, ['mode' => $mode, 'at' => time()]);
		return $mode;
	}

	/**
	 * The app's SSL mode as last seen (basic, advanced or auto), however
	 * long ago; '' when never seen. No request.
	 */
	public function known_mode(): string {
		$known = get_network_option(null, $this->mode_option, []);
		return is_array($known) ? (string) ($known['mode'] ?? '') : '';
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
	 * @param list<string>      $domains           Names; empty for the app's certificate.
	 * @param string            $lease             The batch's lease, or ''.
	 * @param list<string>|null $certificate_names Every name the app's certificate covers, when known.
	 * @return list<array<string, mixed>> The extension's answers.
	 */
	public function redeploy(array $domains = [], string $lease = '', ?array $certificate_names = null): array {
		$results = [];
		$names   = [] === $domains ? [''] : array_values($domains);
		$covered = count($domains);
		while ([] !== $names) {
			$name = (string) array_shift($names);
			try {
				$result    = $this->gateway->redeploy_ssl('' === $name ? null : $this->gateway->normalize($name));
				$results[] = $result;
				$this->last->remember($result, $name);
				/**
				 * A certificate redeploy went through.
				 *
				 * @param array<string, mixed> $result The extension's answer.
				 * @param string               $name   The name asked for ('' for the app).
				 * @param string               $app    The web app ("SERVER:APP"; '' for the primary one).
				 */
				do_action('wu_runcloud_certificate_redeployed', $result, $name, $this->target->storage_key());
				$per_name  = 'advanced' === $result['mode'] && 'auto' !== $result['action'];
				$this->ledger_record($result, $per_name ? [$name] : $certificate_names, true);
				$this->remember_mode('basic' === $result['mode'] ? 'basic' : ('auto' === $result['action'] ? 'auto' : 'advanced'));
				$this->log($result, $name, $per_name ? 1 : $covered);
				$done = $per_name ? [$name] : $domains;
				$this->queue->certified($done);
				$this->served->confirm($done);
				if (! $per_name) {
					break;
				}
			} catch (RunCloudException $e) {
				if ($e instanceof ApiException && 422 === (int) $e->getCode()) {
					// Refused, most likely by Let's Encrypt: an order all the same.
					$this->ledger_record(['action' => 'redeployed'], '' === $name ? $certificate_names : [$name], false);
				}
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
	 * Writes an order to the ledger, when it was one: a redeploy or an
	 * install (AutoSSL and "nothing installed" order nothing).
	 *
	 * @param array<string, mixed> $result The extension's answer (its action).
	 * @param list<string>|null    $names  The names the certificate covers: the advanced order's
	 *                                     domain, or the app's names; null when not known.
	 * @param bool                 $issued Whether a certificate came of it.
	 */
	private function ledger_record(array $result, ?array $names, bool $issued): void {
		if (! in_array($result['action'] ?? '', ['redeployed', 'installed'], true)) {
			return;
		}
		$this->ledger->record($this->registered_domains($names ?? array_keys($this->app->all())), $issued, $names ?? []);
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
		$per_name = '' !== $name && 'advanced' === $this->known_mode();
		$names    = $per_name ? [$name] : array_values(array_filter(array_merge([$name], $rest)));
		$why      = sprintf('the certificate order was refused; not retried before an hour has passed or its DNS changed: %s', $reason);
		$this->logger->error(sprintf('redeploy_ssl %s: %s', $this->label($name), $why));
		$this->refused->record($names);
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
