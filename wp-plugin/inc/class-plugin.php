<?php
/**
 * Builds the plugin's objects and wires every hook.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin;

use WuRunCloud\Plugin\Admin\Admin_Notices;
use WuRunCloud\Plugin\Admin\Adoption_Section;
use WuRunCloud\Plugin\Admin\App_Health;
use WuRunCloud\Plugin\Admin\Apps_Section;
use WuRunCloud\Plugin\Admin\Certificate_Health;
use WuRunCloud\Plugin\Admin\Domains_View;
use WuRunCloud\Plugin\Admin\Given_Up_Section;
use WuRunCloud\Plugin\Admin\Reconcile_Section;
use WuRunCloud\Plugin\Admin\Routes;
use WuRunCloud\Plugin\Admin\Settings_Page;
use WuRunCloud\Plugin\Admin\Setup_Section;
use WuRunCloud\Plugin\Admin\Site_Health;
use WuRunCloud\Plugin\Admin\Site_Health_Info;
use WuRunCloud\Plugin\Admin\Status_Tab;
use WuRunCloud\Plugin\Admin\Waiting_Section;
use WuRunCloud\Plugin\Extension\Connection_Tester;
use WuRunCloud\Plugin\Extension\Credentials;
use WuRunCloud\Plugin\Extension\Extension_Gateway;
use WuRunCloud\Plugin\Extension\Target;
use WuRunCloud\Plugin\Extension\Targets;
use WuRunCloud\Plugin\Status\App_Status;
use WuRunCloud\Plugin\Status\Domain_Status;
use WuRunCloud\Plugin\Status\Failure_Log;
use WuRunCloud\Plugin\Status\Logger;
use WuRunCloud\Plugin\Storage\Lock;
use WuRunCloud\Plugin\Storage\Table;
use WuRunCloud\Plugin\Sync\Adoption;
use WuRunCloud\Plugin\Sync\App_Domains;
use WuRunCloud\Plugin\Sync\App_Sync;
use WuRunCloud\Plugin\Sync\Background_Work;
use WuRunCloud\Plugin\Sync\Certificates\Blocking_Names;
use WuRunCloud\Plugin\Sync\Certificates\Certificate_Queue;
use WuRunCloud\Plugin\Sync\Certificates\Certificate_Step;
use WuRunCloud\Plugin\Sync\Certificates\Last_Redeploy;
use WuRunCloud\Plugin\Sync\Certificates\Order_Ledger;
use WuRunCloud\Plugin\Sync\Certificates\Refused_Names;
use WuRunCloud\Plugin\Sync\Converger;
use WuRunCloud\Plugin\Sync\Desired_State;
use WuRunCloud\Plugin\Sync\Domain_Sync_Service;
use WuRunCloud\Plugin\Sync\Fleet;
use WuRunCloud\Plugin\Sync\Managed_Domains;
use WuRunCloud\Plugin\Sync\Name_Queue;
use WuRunCloud\Plugin\Sync\Reconcile\Daily_Reconcile;
use WuRunCloud\Plugin\Sync\Reconcile\Last_Reconcile;
use WuRunCloud\Plugin\Sync\Reconcile\Reconcile_Walk;
use WuRunCloud\Plugin\Sync\Scheduler;
use WuRunCloud\Plugin\Sync\Wildcards;
use WuRunCloud\Plugin\Ultimate_Multisite\Domain_Mapping_Module;
use WuRunCloud\Plugin\Ultimate_Multisite\Host_Provider;
use WuRunCloud\Plugin\Ultimate_Multisite\Network;
use WuRunCloud\Plugin\Ultimate_Multisite\RunCloud_Integration;

defined('ABSPATH') || exit;

/**
 * The one place where hooks are added, each with an explicit priority.
 *
 * Ultimate Multisite is detected from its own events, so the load order of
 * the two plugins does not matter:
 * - 2.5+ (integration registry) fires wu_register_integrations and
 *   wu_register_capabilities: our integration and domain-mapping module
 *   replace the core ones for the id "runcloud";
 * - up to 2.4.x (host providers) fires wp_ultimo_host_providers_load after
 *   instantiating its providers: ours takes the id "runcloud" over, and what
 *   the built-in provider hooked (domain events, registration, settings
 *   entry, notices) is undone, so it neither acts nor speaks. 2.5+ fires that action too; there it is
 *   ignored, the registry being the one place our integration lives.
 * Without the extension none of this happens and Ultimate Multisite's own
 * provider keeps working; a network-admin notice says how to install it.
 */
final class Plugin {

	const TEXT_DOMAIN = 'wu-runcloud';

	/**
	 * Late enough to come after Ultimate Multisite's own registrations.
	 */
	const REGISTER_PRIORITY = 20;

	/**
	 * Every hook the plugin schedules (on the network's main site only).
	 */
	const SCHEDULED_HOOKS = [Certificate_Queue::HOOK, Name_Queue::HOOK, Daily_Reconcile::HOOK, Daily_Reconcile::STEP_HOOK];

	/**
	 * @var Plugin|null
	 */
	private static $instance;

	/**
	 * @var Credentials
	 */
	private $credentials;

	/**
	 * @var Extension_Gateway
	 */
	private $gateway;

	/**
	 * @var Logger
	 */
	private $logger;

	/**
	 * @var Domain_Sync_Service
	 */
	private $service;

	/**
	 * @var Sync\Certificate_Queue
	 */
	private $ssl;

	/**
	 * @var Sync\Name_Queue
	 */
	private $retries;

	/**
	 * @var Managed_Domains
	 */
	private $managed;

	/**
	 * @var Sync\App_Domains
	 */
	private $app;

	/**
	 * @var Failure_Log
	 */
	private $failures;

	/**
	 * @var Last_Reconcile
	 */
	private $record;

	/**
	 * @var Reconcile_Walk
	 */
	private $walk;

	/**
	 * @var Daily_Reconcile
	 */
	private $daily;

	/**
	 * @var Scheduler
	 */
	private $scheduler;

	/**
	 * @var Sync\Adoption
	 */
	private $adoption;

	/**
	 * @var Network
	 */
	private $network;

	/**
	 * @var App_Status
	 */
	private $app_status;

	/**
	 * @var Order_Ledger
	 */
	private $ledger;

	/**
	 * @var Targets
	 */
	private $targets;

	/**
	 * @var Fleet
	 */
	private $fleet;

	/**
	 * @var Desired_State
	 */
	private $desired;

	/**
	 * @var Last_Redeploy
	 */
	private $redeploys;

	/**
	 * @var Domain_Status
	 */
	private $status;

	/**
	 * @var Settings_Page
	 */
	private $page;

	/**
	 * The objects behind `wp runcloud <subcommand>`, by subcommand, once built.
	 *
	 * @var array<string, CLI\Command>|null
	 */
	private $cli_commands;

	/**
	 * Which Ultimate Multisite architecture took our integration: 'registry',
	 * 'host-providers', or null (not taken over).
	 *
	 * @var string|null
	 */
	private $took_over;

	/**
	 * Builds the objects and wires the hooks, once.
	 */
	public static function init(): self {
		if (null === self::$instance) {
			self::$instance = new self();
			self::$instance->wire();
		}
		return self::$instance;
	}

	/**
	 * The running instance (init() must have run).
	 */
	public static function instance(): self {
		return self::init();
	}

	/**
	 * Builds the object graph: what every web app shares, then the primary
	 * app's machinery (the others' on first use, through the fleet).
	 */
	private function __construct() {
		$this->credentials = new Credentials();
		$this->gateway     = new Extension_Gateway($this->credentials);
		$this->logger      = new Logger($this->credentials);
		$this->scheduler   = new Scheduler();
		$this->network     = new Network($this->gateway);
		$this->ledger      = new Order_Ledger();
		$this->failures    = new Failure_Log($this->logger);
		$this->targets     = new Targets($this->gateway);
		$this->fleet       = new Fleet($this->targets, fn (Target $target): App_Sync => $this->app_sync($target));
		$primary           = $this->fleet->primary();
		$this->app         = $primary->app;
		$this->managed     = $primary->managed;
		$this->retries     = $primary->names;
		$this->ssl         = $primary->certificate_queue;
		$this->walk        = $primary->walk;
		$this->daily       = $primary->daily;
		$this->record      = $primary->last_reconcile;
		$this->adoption    = $primary->adoption;
		$this->desired     = $primary->desired;
		$this->redeploys   = $primary->last_redeploy;
		$this->service     = new Domain_Sync_Service($this->gateway, $this->fleet, new Background_Work());
		$this->app_status  = new App_Status($this->fleet);
		$this->status      = new Domain_Status($this->desired, $this->app, $this->retries, $this->ssl, $primary->blocking, $this->redeploys, $this->network, $this->fleet);
	}

	/**
	 * The sync machinery (inc/sync/) of one web app: its own view, record,
	 * queues, certificate step and walk, over what every app shares (the
	 * network, the scheduler, the ledger of Let's Encrypt's budgets).
	 *
	 * @param Target $target The app.
	 */
	private function app_sync(Target $target): App_Sync {
		$gateway   = $this->gateway->on($target);
		$logger    = $this->logger->on($target);
		$app       = new App_Domains($target);
		$managed   = new Managed_Domains($target);
		$names     = new Name_Queue($this->scheduler, $logger, $target);
		$blocking  = new Blocking_Names($target);
		$refused   = new Refused_Names($target);
		$queue     = new Certificate_Queue($this->scheduler, $logger, $blocking, $refused, $target);
		$last      = new Last_Redeploy($target);
		$record    = new Last_Reconcile($target);
		$wildcards = new Wildcards($gateway, $app);
		$desired   = new Desired_State($this->network, $gateway, $wildcards, $logger);
		$converger = new Converger($gateway, $logger, $this->network, $desired, $wildcards, $managed, $app, $names, $queue, new Lock(), $target);
		$walk      = new Reconcile_Walk($gateway, $logger, $this->network, $desired, $managed, $app, $names, $converger, $record, $target);
		return new App_Sync(
			[
				'target'            => $target,
				'app'               => $app,
				'managed'           => $managed,
				'names'             => $names,
				'desired'           => $desired,
				'converger'         => $converger,
				'certificate_queue' => $queue,
				'blocking'          => $blocking,
				'certificates'      => new Certificate_Step($gateway, $logger, $queue, $names, $app, $this->network, $this->ledger, $blocking, $refused, $last, $target),
				'last_redeploy'     => $last,
				'walk'              => $walk,
				'last_reconcile'    => $record,
				// Whether Ultimate Multisite took our integration is known only once it registered it.
				'daily'             => new Daily_Reconcile($this->scheduler, $walk, $app, fn (): bool => null !== $this->took_over, $target),
				'adoption'          => new Adoption($desired, $app, $managed, $this->network, $logger),
				'tester'            => new Connection_Tester($gateway, $this->credentials, $logger),
			]
		);
	}

	/**
	 * Every hook of the plugin.
	 */
	private function wire(): void {
		add_action('init', [$this, 'load_textdomain'], 1);

		// Ultimate Multisite 2.5+: integration registry.
		add_action('wu_register_integrations', [$this, 'register_integration'], self::REGISTER_PRIORITY);
		add_action('wu_register_capabilities', [$this, 'register_capability'], self::REGISTER_PRIORITY);

		// Ultimate Multisite up to 2.4.x: host providers.
		add_action('wp_ultimo_host_providers_load', [$this, 'replace_host_provider'], self::REGISTER_PRIORITY);

		// Deferred work, scheduled through Action Scheduler or WP-Cron.
		// Each web app's runs carry its key (none for the primary app).
		add_action(Certificate_Queue::HOOK, [$this->fleet, 'redeploy_pending_ssl'], 10, 1);
		add_action(Name_Queue::HOOK, [$this->fleet, 'process_retries'], 10, 1);
		add_action(Daily_Reconcile::HOOK, [$this->fleet, 'daily_run'], 10, 1);
		add_action(Daily_Reconcile::STEP_HOOK, [$this->fleet, 'daily_step'], 10, 1);
		add_action('wu_runcloud_view_incomplete', [$this->fleet, 'fill_views'], 10, 0);
		// On any site's wp-admin; the scheduler keeps every run on the main site.
		add_action('admin_init', [$this->fleet, 'keep_scheduled'], 10, 0);
		register_activation_hook(WU_RUNCLOUD_PLUGIN_FILE, [$this, 'activate']);
		register_deactivation_hook(WU_RUNCLOUD_PLUGIN_FILE, [$this, 'deactivate']);
		// Queued names keep a scheduled run, whatever happened to it meanwhile.
		add_action('admin_init', [$this, 'keep_queues_scheduled'], 10, 0);

		// Ultimate Multisite found a mapped domain's DNS pointing at the network:
		// the name's certificate goes with the next run.
		add_action('wu_domain_manager_dns_propagation_finished', [$this, 'dns_propagated'], 10, 1);

		// Operations given up on stay visible until the admin dismisses them.
		add_action('wu_runcloud_operation_failed', [$this->failures, 'record'], 10, 5);

		// Operator-facing parts.
		$notices = new Admin_Notices($this->gateway, $this->retries, $this->failures);
		add_action('network_admin_notices', [$notices, 'render'], 10, 0);
		$this->wire_settings_page();
		$this->wire_site_health();

		if (defined('WP_CLI') && WP_CLI && class_exists('WP_CLI')) {
			\WP_CLI::add_command('runcloud', CLI\RunCloud_Namespace::class);
			foreach ($this->cli_commands() as $subcommand => $command) {
				\WP_CLI::add_command('runcloud ' . $subcommand, $command);
			}
		}
	}

	/**
	 * The object behind `wp runcloud <subcommand>`.
	 *
	 * @param string $subcommand status, test, domains, names, redeploy-ssl, adopt, sync or ssl-mode.
	 */
	public function cli_command(string $subcommand): CLI\Command {
		return $this->cli_commands()[ $subcommand ];
	}

	/**
	 * The objects behind `wp runcloud`, by subcommand, built the first time
	 * WP-CLI (or a test) asks.
	 *
	 * @return array<string, CLI\Command>
	 */
	private function cli_commands(): array {
		if (null === $this->cli_commands) {
			$integration        = function (): array {
				return ['installed' => self::architecture(), 'took_over' => $this->took_over];
			};
			$this->cli_commands = [
				'status'       => new CLI\Status_Command($this->logger, $this->gateway, $this->credentials, $this->service, $this->fleet->primary(), $integration, $this->app_status),
				'test'         => new CLI\Test_Command($this->logger, $this->service),
				'domains'      => new CLI\Domains_Command($this->logger, $this->service, $this->managed),
				'names'        => new CLI\Names_Command($this->logger, $this->status),
				'redeploy-ssl' => new CLI\Redeploy_SSL_Command($this->logger, $this->gateway, $this->service, $this->ssl),
				'adopt'        => new CLI\Adopt_Command($this->logger, $this->adoption),
				'sync'         => new CLI\Sync_Command($this->logger, $this->service, $this->fleet),
				'ssl-mode'     => new CLI\SSL_Mode_Command($this->logger, $this->service),
				'apps'         => new CLI\Apps_Command($this->logger, $this->app_status),
			];
		}
		return $this->cli_commands;
	}

	/**
	 * Network Admin > Settings > RunCloud: its two tabs, the Status tab's
	 * sections, and the admin-post actions their forms send.
	 */
	private function wire_settings_page(): void {
		$given_up  = new Given_Up_Section($this->failures, $this->logger);
		$reconcile = new Reconcile_Section($this->gateway, $this->daily, $this->walk, $this->record, $this->logger);
		$adoption  = new Adoption_Section($this->adoption);
		$domains   = new Domains_View($this->status, $this->app, $this->service, $this->gateway);
		$status    = new Status_Tab(
			new Setup_Section($this->gateway, $this->credentials),
			new Apps_Section($this->app_status, $this->logger),
			new Waiting_Section($this->retries, $this->ssl, $this->logger),
			$given_up,
			$reconcile,
			$adoption
		);
		$this->page = new Settings_Page($status, $domains);
		add_action('network_admin_menu', [$this->page, 'register'], 10, 0);
		add_action('admin_post_' . Routes::RECONCILE_ACTION, [$reconcile, 'handle_reconcile'], 10, 0);
		add_action('admin_post_' . Routes::DISMISS_ACTION, [$given_up, 'handle_dismiss'], 10, 0);
		add_action('admin_post_' . Routes::ADOPT_ACTION, [$adoption, 'handle_adopt'], 10, 0);
		add_action('admin_post_' . Routes::SYNC_ACTION, [$domains, 'handle_sync'], 10, 0);
	}

	/**
	 * Tools > Site Health: the tests and the Info section.
	 */
	private function wire_site_health(): void {
		$certificates = new Certificate_Health($this->fleet->primary()->blocking, $this->service, $this->network);
		$health       = new Site_Health($this->gateway, $this->credentials, $this->service, $this->retries, $this->ssl, $this->failures, $certificates);
		$info         = new Site_Health_Info($this->gateway, $this->credentials, $this->status, $this->app, $this->retries, $this->ssl, $this->redeploys, $this->failures, $this->app_status);
		$apps         = new App_Health($this->app_status, $this->logger);
		add_filter('site_status_tests', [$health, 'register_tests'], 10, 1);
		add_filter('site_status_tests', [$apps, 'register_tests'], 10, 1);
		add_filter('site_status_tests', [$health, 'register_given_up_test'], 11, 1);
		add_filter('debug_information', [$info, 'debug_information'], 10, 1);
		add_action('rest_api_init', [$health, 'register_routes'], 10, 0);
	}

	/**
	 * The settings page (built with the hooks).
	 */
	public function settings_page(): Settings_Page {
		return $this->page;
	}

	/**
	 * Every web app the names go to, each with its sync machinery.
	 */
	public function fleet(): Fleet {
		return $this->fleet;
	}

	/**
	 * Every name's state, as the operator sees it.
	 */
	public function domain_status(): Domain_Status {
		return $this->status;
	}

	/**
	 * Schedules the runs of the queues that hold names and have none.
	 */
	public function keep_queues_scheduled(): void {
		$this->fleet->keep_queues_scheduled();
	}

	/**
	 * The daily reconcile.
	 */
	public function daily_reconcile(): Daily_Reconcile {
		return $this->daily;
	}

	/**
	 * Every table of the plugin's, as its schema declares it: the ledger of
	 * certificate orders (the account's) and each web app's own tables.
	 *
	 * @param list<Target> $targets The web apps besides the primary one.
	 * @return list<Table>
	 */
	public static function tables(array $targets = []): array {
		$tables = [Order_Ledger::table()];
		$others = array_filter(
			$targets,
			static function (Target $target): bool {
				return ! $target->is_primary();
			}
		);
		foreach (array_merge([Target::primary()], $others) as $target) {
			array_push($tables, App_Domains::table($target), Managed_Domains::table($target), Name_Queue::table($target), Certificate_Queue::table($target), Blocking_Names::table($target), Refused_Names::table($target));
		}
		return $tables;
	}

	/**
	 * Activation (again): the plugin's tables are there as their schemas
	 * declare them, runs are scheduled for the work still queued; the daily
	 * run comes with the next admin page load.
	 */
	public function activate(): void {
		foreach (self::tables($this->targets->all()) as $table) {
			$table->install();
		}
		$this->keep_queues_scheduled();
		$this->fleet->fill_views();
	}

	/**
	 * Deactivation: no run of the plugin's is left on any site, since none
	 * would find its callback. The queued work itself is kept for a
	 * reactivation (uninstall removes it).
	 */
	public function deactivate(): void {
		$this->scheduler->cancel_everywhere(self::SCHEDULED_HOOKS);
	}

	/**
	 * Loads translations.
	 */
	public function load_textdomain(): void {
		load_plugin_textdomain(self::TEXT_DOMAIN, false, dirname(plugin_basename(WU_RUNCLOUD_PLUGIN_FILE)) . '/languages');
	}

	/**
	 * 2.5+: replaces the core RunCloud integration with ours (same id).
	 *
	 * @param object $registry Ultimate Multisite's Integration_Registry.
	 */
	public function register_integration($registry): void {
		if (! $this->gateway->is_available() || ! is_object($registry) || ! method_exists($registry, 'register')
			|| ! class_exists('\WP_Ultimo\Integrations\Integration')) {
			return;
		}
		$integration = new RunCloud_Integration($this->service, $this->credentials);
		$this->credentials->set_store([$integration, 'stored_credential']);
		$registry->register($integration);
		$this->took_over = 'registry';
	}

	/**
	 * 2.5+: replaces the core domain-mapping module for "runcloud" with ours.
	 *
	 * @param object $registry Ultimate Multisite's Integration_Registry.
	 */
	public function register_capability($registry): void {
		if ('registry' !== $this->took_over || ! is_object($registry) || ! method_exists($registry, 'add_capability')
			|| ! class_exists('\WP_Ultimo\Integrations\Base_Capability_Module')) {
			return;
		}
		$registry->add_capability(RunCloud_Integration::ID, new Domain_Mapping_Module($this->service));
	}

	/**
	 * Up to 2.4.x: unhooks the built-in RunCloud provider and registers ours
	 * under the same id.
	 */
	public function replace_host_provider(): void {
		// 2.5+ still fires this action for third-party providers of the old
		// kind; there the registry already has our integration, and a provider
		// as well would send every event to RunCloud twice.
		if ('host-providers' !== self::architecture() || ! $this->gateway->is_available()) {
			return;
		}
		$builtin = '\WP_Ultimo\Integrations\Host_Providers\Runcloud_Host_Provider';
		if (class_exists($builtin) && method_exists($builtin, 'get_instance')) {
			$this->silence_builtin_provider($builtin::get_instance());
		}
		$provider = Host_Provider::get_instance();
		// The built-in provider's notices went straight into Ultimate Multisite's notice list.
		add_filter('wu_admin_notices', [$provider, 'silence_core_notices'], 10, 1);
		$this->took_over = 'host-providers';
	}

	/**
	 * Undoes what the built-in provider's init() hooked: its four domain
	 * hooks, its registration under the id (ours takes it), its entry in the
	 * integrations list and its deferred "not properly setup" notice.
	 *
	 * @param object $builtin The built-in provider.
	 */
	private function silence_builtin_provider($builtin): void {
		foreach (['wu_add_domain' => 'on_add_domain', 'wu_remove_domain' => 'on_remove_domain', 'wu_add_subdomain' => 'on_add_subdomain', 'wu_remove_subdomain' => 'on_remove_subdomain'] as $hook => $method) {
			remove_action($hook, [$builtin, $method], 10);
		}
		remove_filter('wu_domain_manager_get_integrations', [$builtin, 'self_register'], 10);
		remove_action('init', [$builtin, 'add_to_integration_list'], 10);
		remove_action('init', [$builtin, 'alert_provider_not_setup'], 10);
	}

	/**
	 * wu_domain_manager_dns_propagation_finished, while our integration
	 * handles the network's domains.
	 *
	 * @param object|string $domain Ultimate Multisite's domain record (or a name).
	 */
	public function dns_propagated($domain): void {
		if (null === $this->took_over) {
			return;
		}
		$name = is_object($domain) && method_exists($domain, 'get_domain') ? (string) $domain->get_domain() : (is_string($domain) ? $domain : '');
		if ('' !== $name) {
			$this->service->dns_ready($name);
		}
	}

	/**
	 * Which architecture our integration is registered with, or null.
	 */
	public function took_over(): ?string {
		return $this->took_over;
	}

	/**
	 * The Ultimate Multisite architecture present: 'registry' (2.5+),
	 * 'host-providers' (up to 2.4.x) or null (not installed).
	 */
	public static function architecture(): ?string {
		if (class_exists('\WP_Ultimo\Integrations\Integration_Registry')) {
			return 'registry';
		}
		if (class_exists('\WP_Ultimo\Integrations\Host_Providers\Base_Host_Provider')) {
			return 'host-providers';
		}
		return null;
	}

	/**
	 * The service with all behaviour.
	 */
	public function service(): Domain_Sync_Service {
		return $this->service;
	}

	/**
	 * The credentials.
	 */
	public function credentials(): Credentials {
		return $this->credentials;
	}

	/**
	 * The extension gateway.
	 */
	public function gateway(): Extension_Gateway {
		return $this->gateway;
	}

	/**
	 * The logger.
	 */
	public function logger(): Logger {
		return $this->logger;
	}
}
