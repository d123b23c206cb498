<?php
/**
 * TEST STAND-IN, written for this project's tests: Ultimate Multisite's
 * integration registry architecture (2.5.0 and later) as its documentation
 * describes it. Not Ultimate Multisite's code: only the surface the plugin
 * touches, with the documented order of events on plugins_loaded.
 *
 * @package WuRunCloud\Tests
 */

namespace WP_Ultimo\Integrations\Capabilities {

	/**
	 * Stand-in for the documented domain-mapping capability interface.
	 */
	interface Domain_Mapping_Capability {

		/**
		 * @param string $domain  Domain.
		 * @param int    $site_id Site id.
		 */
		public function on_add_domain(string $domain, int $site_id): void;

		/**
		 * @param string $domain  Domain.
		 * @param int    $site_id Site id.
		 */
		public function on_remove_domain(string $domain, int $site_id): void;

		/**
		 * @param string $subdomain Host.
		 * @param int    $site_id   Site id.
		 */
		public function on_add_subdomain(string $subdomain, int $site_id): void;

		/**
		 * @param string $subdomain Host.
		 * @param int    $site_id   Site id.
		 */
		public function on_remove_subdomain(string $subdomain, int $site_id): void;
	}
}

namespace WP_Ultimo\Integrations {

	/**
	 * Stand-in for the documented Integration: who a provider is and its credentials.
	 */
	class Integration {

		/**
		 * @var string
		 */
		protected $id;

		/**
		 * @var string
		 */
		protected $title;

		/**
		 * @var string
		 */
		protected $description = '';

		/**
		 * @var array
		 */
		protected $constants = [];

		/**
		 * @var array
		 */
		protected $optional_constants = [];

		/**
		 * @var array
		 */
		protected $supports = [];

		/**
		 * @param string $id    Integration id.
		 * @param string $title Title.
		 */
		public function __construct(string $id, string $title) {
			$this->id    = $id;
			$this->title = $title;
		}

		/**
		 * @return string
		 */
		public function get_id(): string {
			return $this->id;
		}

		/**
		 * @return string
		 */
		public function get_title(): string {
			return $this->title;
		}

		/**
		 * @param string $description Description.
		 */
		public function set_description(string $description): void {
			$this->description = $description;
		}

		/**
		 * @param array $constants Required constants (an array entry: any one of them).
		 */
		public function set_constants(array $constants): void {
			$this->constants = $constants;
		}

		/**
		 * @param array $constants Optional constants.
		 */
		public function set_optional_constants(array $constants): void {
			$this->optional_constants = $constants;
		}

		/**
		 * @param array $supports Features.
		 */
		public function set_supports(array $supports): void {
			$this->supports = $supports;
		}

		/**
		 * @return array
		 */
		public function get_constants(): array {
			return $this->constants;
		}

		/**
		 * Stand-in: the constant's value when defined, else what the wizard saved
		 * in the network option wu_hosting_credential_{CONST} (kept in plain text
		 * by this stand-in; the real store encrypts it).
		 *
		 * @param string $constant Constant name.
		 * @return string
		 */
		public function get_credential(string $constant): string {
			if (defined($constant) && '' !== (string) constant($constant)) {
				return (string) constant($constant);
			}
			return (string) get_network_option(null, 'wu_hosting_credential_' . $constant, '');
		}

		/**
		 * Stand-in: every required constant has a credential.
		 */
		public function is_setup(): bool {
			return [] === $this->get_missing_constants();
		}

		/**
		 * @return array
		 */
		public function get_missing_constants(): array {
			$missing = [];
			foreach ($this->constants as $entry) {
				$found = false;
				foreach ((array) $entry as $constant) {
					$found = $found || '' !== $this->get_credential($constant);
				}
				if (! $found) {
					$missing = array_merge($missing, (array) $entry);
				}
			}
			return $missing;
		}

		/**
		 * Stand-in: reads wu_host_integrations_enabled.
		 */
		public function is_enabled(): bool {
			$list = get_network_option(null, 'wu_host_integrations_enabled', []);
			return ! empty($list[ $this->id ]);
		}

		/**
		 * @return bool
		 */
		public function detect(): bool {
			return false;
		}

		/**
		 * @return true|\WP_Error
		 */
		public function test_connection() {
			return true;
		}
	}

	/**
	 * Stand-in for the contract every capability module fulfils (Ultimate
	 * Multisite's Capability_Module); the base class below leaves
	 * get_capability_id() and get_title() to each module.
	 */
	interface Capability_Module {

		/**
		 * @return string
		 */
		public function get_capability_id(): string;

		/**
		 * @return string
		 */
		public function get_title(): string;

		/**
		 * @return array
		 */
		public function get_supported_features(): array;

		/**
		 * @param string $feature Feature.
		 */
		public function supports(string $feature): bool;

		/**
		 * Hooks the module's events.
		 */
		public function register_hooks(): void;

		/**
		 * @return array
		 */
		public function get_fields(): array;

		/**
		 * @return array
		 */
		public function get_explainer_lines(): array;

		/**
		 * @param Integration $integration Parent integration.
		 */
		public function set_integration(Integration $integration): void;

		/**
		 * @return Integration
		 */
		public function get_integration(): Integration;

		/**
		 * @return true|\WP_Error
		 */
		public function test_connection();
	}

	/**
	 * Stand-in for the documented base of capability modules: defaults for
	 * everything but get_capability_id() and get_title().
	 */
	abstract class Base_Capability_Module implements Capability_Module {

		/**
		 * @var Integration|null
		 */
		protected $integration;

		/**
		 * @param Integration $integration The integration the module belongs to.
		 */
		public function set_integration(Integration $integration): void {
			$this->integration = $integration;
		}

		/**
		 * @return Integration
		 */
		public function get_integration(): Integration {
			return $this->integration;
		}

		/**
		 * @param string $feature Feature.
		 */
		public function supports(string $feature): bool {
			return in_array($feature, $this->get_supported_features(), true);
		}

		/**
		 * Stand-in default: no hooks.
		 */
		public function register_hooks(): void {
		}

		/**
		 * @return array
		 */
		public function get_fields(): array {
			return [];
		}

		/**
		 * @return array
		 */
		public function get_explainer_lines(): array {
			return ['will' => [], 'will_not' => []];
		}

		/**
		 * @return array
		 */
		public function get_supported_features(): array {
			return [];
		}

		/**
		 * @return true|\WP_Error
		 */
		public function test_connection() {
			return true;
		}
	}

	/**
	 * Stand-in for the documented registry: core integrations on plugins_loaded
	 * priority 9 then wu_register_integrations; core capability modules on
	 * priority 12 then wu_register_capabilities, then register_hooks() on each
	 * module whose integration is enabled and set up.
	 */
	class Integration_Registry {

		use \WP_Ultimo\Traits\Singleton;

		/**
		 * @var array<string, Integration>
		 */
		private $integrations = [];

		/**
		 * @var array<string, array<string, Capability_Module>>
		 */
		private $capabilities = [];

		/**
		 * Stand-in: the two documented plugins_loaded steps.
		 */
		public function init(): void {
			add_action('plugins_loaded', [$this, 'register_core_integrations'], 9);
			add_action('plugins_loaded', [$this, 'register_core_capabilities'], 12);
		}

		/**
		 * Stand-in: the core RunCloud integration, then the third-party hook.
		 */
		public function register_core_integrations(): void {
			$this->register(new Providers\RunCloud\RunCloud_Integration());
			do_action('wu_register_integrations', $this);
		}

		/**
		 * Stand-in: the core RunCloud module, the third-party hook, then hooks.
		 */
		public function register_core_capabilities(): void {
			$this->add_capability('runcloud', new Providers\RunCloud\RunCloud_Domain_Mapping());
			do_action('wu_register_capabilities', $this);
			foreach ($this->capabilities as $id => $modules) {
				$integration = $this->get($id);
				if (! $integration || ! $integration->is_enabled() || ! $integration->is_setup()) {
					continue;
				}
				foreach ($modules as $module) {
					$module->register_hooks();
				}
			}
		}

		/**
		 * Stores an integration by id; a later one with the same id replaces it.
		 *
		 * @param Integration $integration Integration.
		 */
		public function register(Integration $integration): void {
			$this->integrations[ $integration->get_id() ] = $integration;
		}

		/**
		 * @param string $id Integration id.
		 * @return Integration|null
		 */
		public function get(string $id): ?Integration {
			return $this->integrations[ $id ] ?? null;
		}

		/**
		 * Stores a module by integration and capability id; a later one replaces it.
		 *
		 * @param string            $integration_id Integration id.
		 * @param Capability_Module $module         Module.
		 */
		public function add_capability(string $integration_id, Capability_Module $module): void {
			$integration = $this->get($integration_id);
			if ($integration) {
				$module->set_integration($integration);
			}
			$this->capabilities[ $integration_id ][ $module->get_capability_id() ] = $module;
		}

		/**
		 * @param string $integration_id Integration id.
		 * @param string $capability_id  Capability id.
		 * @return Capability_Module|null
		 */
		public function get_capability(string $integration_id, string $capability_id): ?Capability_Module {
			return $this->capabilities[ $integration_id ][ $capability_id ] ?? null;
		}
	}
}

namespace WP_Ultimo\Integrations\Providers\RunCloud {

	use WP_Ultimo\Integrations\Base_Capability_Module;
	use WP_Ultimo\Integrations\Capabilities\Domain_Mapping_Capability;
	use WP_Ultimo\Integrations\Integration;

	/**
	 * Stand-in for the core RunCloud integration: the token and the two ids.
	 */
	class RunCloud_Integration extends Integration {

		/**
		 * The documented required constants.
		 */
		public function __construct() {
			parent::__construct('runcloud', 'RunCloud');
			$this->set_constants(['WU_RUNCLOUD_API_TOKEN', 'WU_RUNCLOUD_SERVER_ID', 'WU_RUNCLOUD_APP_ID']);
		}
	}

	/**
	 * Stand-in for the core RunCloud domain-mapping module: records the calls
	 * it gets, so the tests can see whether it still receives the events.
	 */
	class RunCloud_Domain_Mapping extends Base_Capability_Module implements Domain_Mapping_Capability {

		/**
		 * @var list<array{0: string, 1: string, 2: int}>
		 */
		public static $calls = [];

		/**
		 * @return string
		 */
		public function get_capability_id(): string {
			return 'domain-mapping';
		}

		/**
		 * @return string
		 */
		public function get_title(): string {
			return 'Domain Mapping';
		}

		/**
		 * Hooks the four domain events.
		 */
		public function register_hooks(): void {
			add_action('wu_add_domain', [$this, 'on_add_domain'], 10, 2);
			add_action('wu_remove_domain', [$this, 'on_remove_domain'], 10, 2);
			add_action('wu_add_subdomain', [$this, 'on_add_subdomain'], 10, 2);
			add_action('wu_remove_subdomain', [$this, 'on_remove_subdomain'], 10, 2);
		}

		/**
		 * @param string $domain  Domain.
		 * @param int    $site_id Site id.
		 */
		public function on_add_domain(string $domain, int $site_id): void {
			self::$calls[] = ['add_domain', $domain, $site_id];
		}

		/**
		 * @param string $domain  Domain.
		 * @param int    $site_id Site id.
		 */
		public function on_remove_domain(string $domain, int $site_id): void {
			self::$calls[] = ['remove_domain', $domain, $site_id];
		}

		/**
		 * @param string $subdomain Host.
		 * @param int    $site_id   Site id.
		 */
		public function on_add_subdomain(string $subdomain, int $site_id): void {
			self::$calls[] = ['add_subdomain', $subdomain, $site_id];
		}

		/**
		 * @param string $subdomain Host.
		 * @param int    $site_id   Site id.
		 */
		public function on_remove_subdomain(string $subdomain, int $site_id): void {
			self::$calls[] = ['remove_subdomain', $subdomain, $site_id];
		}
	}
}

namespace {

	\WP_Ultimo\Integrations\Integration_Registry::get_instance();
}
