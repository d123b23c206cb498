<?php
/**
 * The integration's entry points, whichever Ultimate Multisite calls them.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync;

use WuRunCloud\Plugin\Extension\Connection_Report;
use WuRunCloud\Plugin\Extension\Extension_Gateway;
use WuRunCloud\Plugin\Extension\Extension_Missing_Exception;
use WuRunCloud\RunCloudException;

defined('ABSPATH') || exit;

/**
 * What the adapters for both Ultimate Multisite architectures, the CLI, the
 * page and Site Health call. Each of the four domain events only names a
 * domain for each web app's Converger to converge now: what to do with it is
 * read from the network at that moment, so an event that comes late, twice,
 * or for a name another event already settled changes nothing it should not.
 * Every event goes to every web app the names go to (Fleet), each converging
 * on its own: one app failing leaves the others' work done and queues its own
 * retry. The work itself lives in inc/sync/: converging a name (Converger,
 * Desired_State, Wildcards), the queue of names (Name_Queue), certificates
 * (certificates/), the reconcile of every name in paced runs (reconcile/) and
 * the view of the app's domains (App_Domains). What concerns one app only
 * (the certificate commands, the connection test, the listing) is the
 * primary app's here; the CLI's --app reaches the others through the fleet.
 */
class Domain_Sync_Service {

	/**
	 * @var Extension_Gateway
	 */
	private $gateway;

	/**
	 * @var Fleet
	 */
	private $fleet;

	/**
	 * @var Background_Work
	 */
	private $background;

	/**
	 * @param Extension_Gateway $gateway    The extension.
	 * @param Fleet             $fleet      Every web app's machinery.
	 * @param Background_Work   $background Long work from a request.
	 */
	public function __construct(Extension_Gateway $gateway, Fleet $fleet, Background_Work $background) {
		$this->gateway    = $gateway;
		$this->fleet      = $fleet;
		$this->background = $background;
	}

	/**
	 * Whether the extension is there to do the work.
	 */
	public function is_available(): bool {
		return $this->gateway->is_available();
	}

	/**
	 * wu_add_domain: a mapping was added (or renamed).
	 *
	 * @param string $domain  Domain name.
	 * @param int    $site_id Site id.
	 */
	public function add_domain(string $domain, int $site_id): void {
		$this->converge_everywhere($domain, $site_id, 'add_domain');
	}

	/**
	 * "Sync now" from the Domains view: makes RunCloud hold the name exactly
	 * when the network wants it, at once.
	 *
	 * @param string $name    Domain name.
	 * @param int    $site_id Its site, for logs.
	 * @return bool Whether the name is settled.
	 */
	public function converge_now(string $name, int $site_id): bool {
		return $this->converge_everywhere($name, $site_id, 'sync_now');
	}

	/**
	 * wu_remove_domain: a mapping was deleted. The network let go of the
	 * name, so it goes even if this integration did not add it (never the
	 * network's main domain, nor the app's primary).
	 *
	 * @param string $domain  Domain name.
	 * @param int    $site_id Site id.
	 */
	public function remove_domain(string $domain, int $site_id): void {
		$this->converge_everywhere($domain, $site_id, 'remove_domain', true);
	}

	/**
	 * wu_add_subdomain: a site was created in a subdomain network.
	 *
	 * @param string $subdomain Full host, e.g. shop.network.tld.
	 * @param int    $site_id   Site id.
	 */
	public function add_subdomain(string $subdomain, int $site_id): void {
		$this->converge_everywhere($subdomain, $site_id, 'add_subdomain');
	}

	/**
	 * wu_remove_subdomain: a site was deleted in a subdomain network.
	 *
	 * @param string $subdomain Full host.
	 * @param int    $site_id   Site id.
	 */
	public function remove_subdomain(string $subdomain, int $site_id): void {
		$this->converge_everywhere($subdomain, $site_id, 'remove_subdomain', true);
	}

	/**
	 * wu_domain_manager_dns_propagation_finished: a mapped domain's DNS
	 * points at the network now; its certificate goes with the next run.
	 *
	 * @param string $domain Domain name.
	 */
	public function dns_ready(string $domain): void {
		foreach ($this->fleet->all() as $sync) {
			$sync->certificates->dns_ready($domain);
		}
	}

	/**
	 * How close the app's basic certificate is to Let's Encrypt's 100 names
	 * (no request); null when the app is not known to use basic SSL.
	 *
	 * @return array{names: int, limit: int, status: string, message: string}|null
	 */
	public function basic_ceiling(): ?array {
		return $this->primary()->certificates->basic_ceiling();
	}

	/**
	 * What switching the SSL mode means (no request).
	 *
	 * @param string $mode basic, advanced or auto.
	 * @return array<string, mixed>
	 */
	public function plan_ssl_mode(string $mode): array {
		return $this->primary()->certificates->plan_switch($mode);
	}

	/**
	 * Switches the SSL mode through RunCloud's API.
	 *
	 * @param string $mode basic, advanced or auto.
	 * @return string The mode RunCloud reports afterwards.
	 * @throws \WuRunCloud\RunCloudException When RunCloud refuses or cannot be reached.
	 * @throws Extension_Missing_Exception Without the extension.
	 */
	public function switch_ssl_mode(string $mode): string {
		return $this->primary()->certificates->switch_mode($mode);
	}

	/**
	 * The names waiting for Let's Encrypt's budgets, with until when, and the
	 * network's own registered domain's budget (site hosts).
	 *
	 * @return array{waiting: array<string, int>, site_hosts: array{domain: string, issued: int, limit: int}|null}
	 */
	public function certificate_budgets(): array {
		return $this->primary()->certificates->budgets();
	}

	/**
	 * The web app's SSL mode (basic, advanced, or auto for advanced with
	 * AutoSSL), or null when RunCloud cannot be read.
	 */
	public function ssl_mode(): ?string {
		try {
			return $this->primary()->certificates->mode();
		} catch (RunCloudException | Extension_Missing_Exception $e) {
			return null;
		}
	}

	/**
	 * The scheduled retry run: converges the names that are due.
	 */
	public function process_retries(): void {
		$this->fleet->process_retries();
	}

	/**
	 * The scheduled certificate run: redeploys for the waiting names.
	 */
	public function redeploy_pending_ssl(): void {
		$this->fleet->redeploy_pending_ssl();
	}

	/**
	 * Redeploys for the waiting names now, checking their DNS first as the
	 * scheduled run does, unless forced.
	 *
	 * @param bool $force Order without the check.
	 * @return list<array<string, mixed>> The extension's answers.
	 */
	public function redeploy_batch(bool $force = false): array {
		return $this->primary()->certificates->redeploy_waiting($force);
	}

	/**
	 * Why an order now for the given names (none: the app's certificate)
	 * would be refused: the names it would cover that fail the check the
	 * automatic step makes, with why (empty when none fails or the check is
	 * off).
	 *
	 * @param list<string> $domains Names; empty for the app's certificate.
	 * @return array<string, string> Failing name => reason.
	 */
	public function redeploy_blockers(array $domains = []): array {
		return $this->primary()->certificates->order_blockers($domains);
	}

	/**
	 * Redeploys now, for the given names or (none given) the app's certificate.
	 *
	 * @param list<string> $domains Names; empty for the app's certificate.
	 * @return list<array<string, mixed>> The extension's answers.
	 */
	public function redeploy(array $domains = []): array {
		return $this->primary()->certificates->redeploy($domains);
	}

	/**
	 * Asks RunCloud whether the credentials and ids are right.
	 */
	public function test_connection(): Connection_Report {
		return $this->primary()->tester->test();
	}

	/**
	 * The web app's domains (for the CLI).
	 *
	 * @return list<array<string, mixed>>
	 * @throws RunCloudException|Extension_Missing_Exception On failure.
	 */
	public function list_domains(): array {
		$domains = $this->gateway->list_domains();
		$this->primary()->app->replace($domains);
		return $domains;
	}

	/**
	 * Runs background work (WP-CLI) with room to wait out RunCloud's rate
	 * limit (Background_Work).
	 *
	 * @template T
	 * @param callable(): T $work The work.
	 * @return T
	 */
	public function patiently(callable $work) {
		return $this->background->patiently($work);
	}

	/**
	 * The names the network wants on the web app.
	 *
	 * @return array<string, array{site_id: int, source: string, www: bool}>
	 */
	public function wanted_domains(): array {
		return $this->primary()->desired->all();
	}

	/**
	 * Forgets what was read from RunCloud and converged lately, so the next
	 * convergence looks afresh.
	 */
	public function forget_cached_domains(): void {
		foreach ($this->fleet->all() as $sync) {
			$sync->converger->forget_cached();
		}
	}

	/**
	 * Converges a name on every web app, each on its own.
	 *
	 * @param string $name     The name as it came.
	 * @param int    $site_id  Its site.
	 * @param string $trigger  What asked.
	 * @param bool   $released The network let go of the name.
	 * @return bool Whether the name is settled on every app.
	 */
	private function converge_everywhere(string $name, int $site_id, string $trigger, bool $released = false): bool {
		$settled = true;
		foreach ($this->fleet->all() as $sync) {
			$settled = $sync->converger->converge($name, $site_id, $trigger, $released) && $settled;
		}
		return $settled;
	}

	/**
	 * The primary web app's machinery.
	 */
	private function primary(): App_Sync {
		return $this->fleet->primary();
	}
}
