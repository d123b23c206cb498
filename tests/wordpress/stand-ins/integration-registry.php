<?php
/**
 * TEST STAND-IN, written for this project's tests: Ultimate Multisite's
 * integration registry architecture (the 2.5 line), each class following
 * the file it names. Not Ultimate Multisite's code.
 *
 * @package WuRunCloud\Tests
 */

namespace WP_Ultimo\Integrations\Capabilities {

	/**
	 * Follows inc/integrations/capabilities/interface-domain-mapping-capability.php (2.5).
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
	 * Follows inc/integrations/class-integration.php (2.5): who a provider is,
	 * its credentials (the constant, else what the wizard saved in the
	 * network option wu_hosting_credential_{CONST}; the real store encrypts
	 * it, this one keeps it as saved), enabling, setup checks.
	 */
	class Integration {

		/**
		 * @var string
		 */
		protected string $id;

		/**
		 * @var string
		 */
		protected string $title;

		/**
		 * @var string
		 */
		protected string $description = '';

		/**
		 * @var string
		 */
		protected string $logo = '';

		/**
		 * @var string
		 */
		protected string $tutorial_link = '';

		/**
		 * @var array
		 */
		protected array $constants = [];

		/**
		 * @var array
		 */
		protected array $optional_constants = [];

		/**
		 * @var array
		 */
		protected array $supports = [];

		/**
		 * @var string
		 */
		protected string $enabled_option_key = 'wu_host_integrations_enabled';

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
		 * @return string
		 */
		public function get_description(): string {
			return $this->description;
		}

		/**
		 * @param string $description Description.
		 * @return static
		 */
		public function set_description(string $description) {
			$this->description = $description;
			return $this;
		}

		/**
		 * @return string
		 */
		public function get_logo(): string {
			return $this->logo;
		}

		/**
		 * @param string $logo Logo URL.
		 * @return static
		 */
		public function set_logo(string $logo) {
			$this->logo = $logo;
			return $this;
		}

		/**
		 * @return string
		 */
		public function get_tutorial_link(): string {
			return $this->tutorial_link;
		}

		/**
		 * @param string $tutorial_link URL.
		 * @return static
		 */
		public function set_tutorial_link(string $tutorial_link) {
			$this->tutorial_link = $tutorial_link;
			return $this;
		}

		/**
		 * @return array
		 */
		public function get_constants(): array {
			return $this->constants;
		}

		/**
		 * @param array $constants Required constants (an array entry: any one of them).
		 * @return static
		 */
		public function set_constants(array $constants) {
			$this->constants = $constants;
			return $this;
		}

		/**
		 * @return array
		 */
		public function get_optional_constants(): array {
			return $this->optional_constants;
		}

		/**
		 * @param array $optional_constants Optional constants.
		 * @return static
		 */
		public function set_optional_constants(array $optional_constants) {
			$this->optional_constants = $optional_constants;
			return $this;
		}

		/**
		 * @return array
		 */
		public function get_supports(): array {
			return $this->supports;
		}

		/**
		 * @param array $supports Features.
		 * @return static
		 */
		public function set_supports(array $supports) {
			$this->supports = $supports;
			return $this;
		}

		/**
		 * As get_all_constants(): required (flattened) then optional.
		 */
		public function get_all_constants(): array {
			$constants = [];
			foreach ($this->constants as $constant) {
				$constants = array_merge($constants, is_array($constant) ? $constant : [$constant]);
			}
			return array_merge($constants, $this->optional_constants);
		}

		/**
		 * As get_credential(): the constant when defined and truthy, else the stored value.
		 *
		 * @param string $constant_name Constant name.
		 */
		public function get_credential(string $constant_name): string {
			if (defined($constant_name) && constant($constant_name)) {
				return (string) constant($constant_name);
			}
			return (string) get_network_option(null, 'wu_hosting_credential_' . $constant_name, '');
		}

		/**
		 * As save_credentials(): every constant of get_all_constants(); an empty value deletes.
		 *
		 * @param array $values Name => value.
		 */
		public function save_credentials(array $values): void {
			$values = shortcode_atts(array_fill_keys($this->get_all_constants(), ''), $values);
			foreach ($values as $constant_name => $value) {
				if (! empty($value)) {
					update_network_option(null, 'wu_hosting_credential_' . $constant_name, $value);
				} else {
					delete_network_option(null, 'wu_hosting_credential_' . $constant_name);
				}
			}
		}

		/**
		 * As is_setup().
		 */
		public function is_setup(): bool {
			return [] === $this->get_missing_constants();
		}

		/**
		 * As get_missing_constants().
		 */
		public function get_missing_constants(): array {
			$missing = [];
			foreach ($this->constants as $constant) {
				$constants = is_array($constant) ? $constant : [$constant];
				$found     = false;
				foreach ($constants as $name) {
					if ($this->get_credential($name)) {
						$found = true;
						break;
					}
				}
				if (! $found) {
					$missing = array_merge($missing, $constants);
				}
			}
			return $missing;
		}

		/**
		 * As is_enabled().
		 */
		public function is_enabled(): bool {
			$list = get_network_option(null, $this->enabled_option_key, []);
			return ! empty($list[ $this->id ]);
		}

		/**
		 * As enable().
		 */
		public function enable(): bool {
			$list              = get_network_option(null, $this->enabled_option_key, []);
			$list[ $this->id ] = true;
			return update_network_option(null, $this->enabled_option_key, $list);
		}

		/**
		 * As disable().
		 */
		public function disable(): bool {
			$list              = get_network_option(null, $this->enabled_option_key, []);
			$list[ $this->id ] = false;
			return update_network_option(null, $this->enabled_option_key, $list);
		}

		/**
		 * As get_fields().
		 */
		public function get_fields(): array {
			return [];
		}

		/**
		 * As detect().
		 */
		public function detect(): bool {
			return false;
		}

		/**
		 * As supports(): the integration's own list, then each capability module's supports().
		 *
		 * @param string $feature Feature.
		 */
		public function supports(string $feature): bool {
			if (in_array($feature, $this->supports, true)) {
				return true;
			}
			foreach (Integration_Registry::get_instance()->get_capabilities($this->id) as $module) {
				if ($module->supports($feature)) {
					return true;
				}
			}
			return false;
		}

		/**
		 * As test_connection().
		 *
		 * @return bool|\WP_Error
		 */
		public function test_connection() {
			return true;
		}

		/**
		 * As get_explainer_lines(): the lines of every capability module.
		 */
		public function get_explainer_lines(): array {
			$lines = ['will' => [], 'will_not' => []];
			foreach (Integration_Registry::get_instance()->get_capabilities($this->id) as $module) {
				$module_lines      = $module->get_explainer_lines();
				$lines['will']     = array_merge($lines['will'], $module_lines['will'] ?? []);
				$lines['will_not'] = array_merge($lines['will_not'], $module_lines['will_not'] ?? []);
			}
			return $lines;
		}

		/**
		 * As get_constants_string(): missing values are written empty.
		 *
		 * @param array $constant_values Name => value.
		 */
		public function get_constants_string(array $constant_values): string {
			$content         = [sprintf('// Ultimate Multisite - Domain Mapping - %s', $this->get_title())];
			$constant_values = shortcode_atts(array_fill_keys($this->get_all_constants(), ''), $constant_values);
			foreach ($constant_values as $constant => $value) {
				$content[] = sprintf('define( %s, %s );', var_export($constant, true), var_export($value, true)); // phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_var_export
			}
			$content[] = sprintf('// Ultimate Multisite - Domain Mapping - %s - End', $this->get_title());
			return implode(PHP_EOL, $content);
		}
	}

	/**
	 * Follows inc/integrations/interface-capability-module.php (2.5).
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
	 * Follows inc/integrations/class-base-capability-module.php (2.5):
	 * supports() reads the $supported_features property.
	 */
	abstract class Base_Capability_Module implements Capability_Module {

		/**
		 * @var Integration
		 */
		protected Integration $integration;

		/**
		 * @var array
		 */
		protected array $supported_features = [];

		/**
		 * As supports().
		 *
		 * @param string $feature Feature.
		 */
		public function supports(string $feature): bool {
			return in_array($feature, $this->supported_features, true);
		}

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
		 * As get_supported_features().
		 */
		public function get_supported_features(): array {
			return $this->supported_features;
		}

		/**
		 * As register_hooks(): none.
		 */
		public function register_hooks(): void {}

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
		 * @return true|\WP_Error
		 */
		public function test_connection() {
			return true;
		}
	}

	/**
	 * Follows inc/integrations/class-integration-registry.php (2.5): core
	 * integrations on plugins_loaded priority 9, then wu_register_integrations;
	 * core capability modules on priority 12, then wu_register_capabilities,
	 * then resolve(): each module gets its integration and, when that is
	 * enabled and set up, registers its hooks; the admin notices on init.
	 */
	class Integration_Registry {

		/**
		 * @var Integration_Registry|null
		 */
		private static ?Integration_Registry $instance = null;

		/**
		 * @var array<string, Integration>
		 */
		private array $integrations = [];

		/**
		 * @var array<string, array<string, Capability_Module>>
		 */
		private array $capabilities = [];

		/**
		 * @var bool
		 */
		private bool $resolved = false;

		/**
		 * As get_instance() (no init(): the plugin's loader calls it).
		 */
		public static function get_instance(): Integration_Registry {
			if (null === self::$instance) {
				self::$instance = new self();
			}
			return self::$instance;
		}

		/**
		 * As init().
		 */
		public function init(): void {
			add_action('plugins_loaded', [$this, 'fire_registration_hooks'], 9);
			add_action('plugins_loaded', [$this, 'fire_capability_hooks'], 12);
		}

		/**
		 * As fire_registration_hooks() (RunCloud is the only core integration here).
		 */
		public function fire_registration_hooks(): void {
			$this->register(new Providers\RunCloud\RunCloud_Integration());
			do_action('wu_register_integrations', $this);
		}

		/**
		 * As fire_capability_hooks().
		 */
		public function fire_capability_hooks(): void {
			$this->add_capability('runcloud', new Providers\RunCloud\RunCloud_Domain_Mapping());
			do_action('wu_register_capabilities', $this);
			$this->resolve();
		}

		/**
		 * As register(): a later one with the same id replaces it.
		 *
		 * @param Integration $integration Integration.
		 */
		public function register(Integration $integration): void {
			$this->integrations[ $integration->get_id() ] = $integration;
		}

		/**
		 * @param string $id Integration id.
		 */
		public function get(string $id): ?Integration {
			return $this->integrations[ $id ] ?? null;
		}

		/**
		 * @return array<string, Integration>
		 */
		public function get_all(): array {
			return $this->integrations;
		}

		/**
		 * As add_capability(): a later one for the same ids replaces it.
		 *
		 * @param string            $integration_id Integration id.
		 * @param Capability_Module $module         Module.
		 */
		public function add_capability(string $integration_id, Capability_Module $module): void {
			$this->capabilities[ $integration_id ][ $module->get_capability_id() ] = $module;
		}

		/**
		 * @param string $integration_id Integration id.
		 * @return array<string, Capability_Module>
		 */
		public function get_capabilities(string $integration_id): array {
			return $this->capabilities[ $integration_id ] ?? [];
		}

		/**
		 * @param string $integration_id Integration id.
		 * @param string $capability_id  Capability id.
		 */
		public function get_capability(string $integration_id, string $capability_id): ?Capability_Module {
			return $this->capabilities[ $integration_id ][ $capability_id ] ?? null;
		}

		/**
		 * As resolve().
		 */
		private function resolve(): void {
			if ($this->resolved) {
				return;
			}
			foreach ($this->capabilities as $integration_id => $modules) {
				$integration = $this->get($integration_id);
				if (! $integration) {
					continue;
				}
				foreach ($modules as $module) {
					$module->set_integration($integration);
					if ($integration->is_enabled() && $integration->is_setup()) {
						$module->register_hooks();
					}
				}
			}
			$this->resolved = true;
			add_action('init', [$this, 'register_admin_notices']);
		}

		/**
		 * As register_admin_notices().
		 */
		public function register_admin_notices(): void {
			if (\WP_Ultimo()->is_loaded() === false) {
				return;
			}
			foreach ($this->integrations as $integration) {
				$slug = $integration->get_id();
				if ($integration->detect() && ! $integration->is_enabled()) {
					\WP_Ultimo()->notices->add(sprintf('It looks like you are using %1$s as your hosting provider, yet the %1$s integration module is not active.', $integration->get_title()), 'info', 'network-admin', "should-enable-{$slug}-integration", []);
				} elseif ($integration->is_enabled() && ! $integration->is_setup()) {
					\WP_Ultimo()->notices->add(sprintf('The %s integration module is active but not properly configured. Please complete the setup.', $integration->get_title()), 'warning', 'network-admin', "should-setup-{$slug}-integration", []);
				}
			}
		}
	}
}

namespace WP_Ultimo\Integrations\Providers\RunCloud {

	use WP_Ultimo\Integrations\Base_Capability_Module;
	use WP_Ultimo\Integrations\Capabilities\Domain_Mapping_Capability;
	use WP_Ultimo\Integrations\Integration;

	/**
	 * Follows inc/integrations/providers/runcloud/class-runcloud-integration.php
	 * (2.5): id, logo, tutorial link, the token and two ids, a password
	 * field for the token, instructions.
	 */
	class RunCloud_Integration extends Integration {

		/**
		 * As the constructor.
		 */
		public function __construct() {
			parent::__construct('runcloud', 'RunCloud');
			$this->set_logo('https://network.test/wp-content/plugins/ultimate-multisite/assets/img/hosts/runcloud.svg');
			$this->set_tutorial_link('https://ultimatemultisite.com/docs/user-guide/host-integrations/runcloud');
			$this->set_constants(['WU_RUNCLOUD_API_TOKEN', 'WU_RUNCLOUD_SERVER_ID', 'WU_RUNCLOUD_APP_ID']);
			$this->set_supports(['autossl']);
		}

		/**
		 * As get_description().
		 */
		public function get_description(): string {
			return 'With RunCloud, you don\'t need to be a Linux expert to build a website.';
		}

		/**
		 * As detect().
		 */
		public function detect(): bool {
			return strpos(ABSPATH, 'runcloud') !== false;
		}

		/**
		 * As get_fields().
		 */
		public function get_fields(): array {
			return [
				'WU_RUNCLOUD_API_TOKEN' => ['title' => 'RunCloud API Token', 'type' => 'password', 'html_attr' => ['autocomplete' => 'new-password']],
				'WU_RUNCLOUD_SERVER_ID' => ['title' => 'RunCloud Server ID'],
				'WU_RUNCLOUD_APP_ID'    => ['title' => 'RunCloud App ID'],
			];
		}

		/**
		 * As get_instructions() (the template is not imitated).
		 */
		public function get_instructions(): void {
			echo '<p>core RunCloud instructions</p>';
		}
	}

	/**
	 * Follows inc/integrations/providers/runcloud/class-runcloud-domain-mapping.php
	 * (2.5): supports autossl, hooks the four events. Its handlers record the
	 * calls they get (the real ones call RunCloud).
	 */
	class RunCloud_Domain_Mapping extends Base_Capability_Module implements Domain_Mapping_Capability {

		/**
		 * @var list<array{0: string, 1: string, 2: int}>
		 */
		public static $calls = [];

		/**
		 * @var array
		 */
		protected array $supported_features = ['autossl'];

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
		 * As register_hooks().
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

namespace WP_Ultimo\Admin_Pages {

	/**
	 * Follows inc/admin-pages/class-hosting-integration-wizard-admin-page.php
	 * (2.5): the integration from the registry (else a host provider from
	 * Domain_Manager); instructions only when get_instructions() exists;
	 * configuration fields from the integration and its modules, each filled
	 * with get_credential() (disabled when a constant defines it); the
	 * handler saves the posted fields with save_credentials(). Templates are
	 * not imitated: views print what they pass on.
	 */
	class Hosting_Integration_Wizard_Admin_Page extends Wizard_Admin_Page {

		use Host_Integration_Wizard_Steps;

		/**
		 * @var object|false|null
		 */
		protected $integration;

		/**
		 * As page_loaded().
		 */
		public function page_loaded(): void {
			if (isset($_GET['integration'])) { // phpcs:ignore WordPress.Security.NonceVerification.Recommended
				$id                = sanitize_text_field(wp_unslash($_GET['integration'])); // phpcs:ignore WordPress.Security.NonceVerification.Recommended
				$integration       = \WP_Ultimo\Integrations\Integration_Registry::get_instance()->get($id);
				$this->integration = $integration ? $integration : \WP_Ultimo\Managers\Domain_Manager::get_instance()->get_integration_instance($id);
			}
			if (! $this->integration) {
				wp_safe_redirect(network_admin_url('admin.php?page=wp-ultimo-settings'));
				throw new Wizard_Redirect('exit');
			}
			parent::page_loaded();
		}

		/**
		 * The integration the page works on.
		 *
		 * @return object
		 */
		public function integration() {
			return $this->integration;
		}

		/**
		 * As get_sections().
		 */
		public function get_sections() {
			$sections = [
				'activation'   => ['view' => [$this, 'section_activation'], 'handler' => [$this, 'handle_activation']],
				'instructions' => ['view' => [$this, 'section_instructions']],
				'config'       => ['view' => [$this, 'section_configuration'], 'handler' => [$this, 'handle_configuration']],
				'testing'      => ['view' => [$this, 'section_test']],
				'done'         => ['view' => [$this, 'section_ready']],
			];
			if ($this->integration->supports('no-instructions') || ! method_exists($this->integration, 'get_instructions')) {
				unset($sections['instructions']);
			}
			if ($this->integration->supports('no-config')) {
				unset($sections['config']);
			}
			return apply_filters('wu_hosting_integration_wizard_sections', $sections, $this->integration, $this);
		}

		/**
		 * As section_instructions().
		 */
		public function section_instructions(): void {
			if (method_exists($this->integration, 'get_instructions')) {
				call_user_func([$this->integration, 'get_instructions']);
			}
			$this->render_submit_box();
		}

		/**
		 * The configuration fields with their values, as section_configuration() builds them.
		 *
		 * @return array
		 */
		public function configuration_fields(): array {
			$fields = $this->integration->get_fields();
			if ($this->integration instanceof \WP_Ultimo\Integrations\Integration) {
				foreach (\WP_Ultimo\Integrations\Integration_Registry::get_instance()->get_capabilities($this->integration->get_id()) as $module) {
					$fields = array_merge($fields, $module->get_fields());
				}
			}
			foreach ($fields as $field_constant => &$field) {
				$field['value'] = $this->integration->get_credential($field_constant);
				if (defined($field_constant) && constant($field_constant)) {
					$field['html_attr'] = array_merge($field['html_attr'] ?? [], ['disabled' => 'disabled']);
				}
			}
			unset($field);
			return $fields;
		}

		/**
		 * As section_configuration().
		 */
		public function section_configuration(): void {
			$this->render_fields($this->configuration_fields());
		}

		/**
		 * As handle_configuration(): the integration's and its modules' fields
		 * from the post, saved with save_credentials().
		 */
		public function handle_configuration(): void {
			check_admin_referer('saving_config', 'saving_config');
			$allowed_fields = array_keys($this->integration->get_fields());
			if ($this->integration instanceof \WP_Ultimo\Integrations\Integration) {
				foreach (\WP_Ultimo\Integrations\Integration_Registry::get_instance()->get_capabilities($this->integration->get_id()) as $module) {
					$allowed_fields = array_merge($allowed_fields, array_keys($module->get_fields()));
				}
			}
			$filtered_data = [];
			foreach ($allowed_fields as $field) {
				if (isset($_POST[ $field ])) {
					$filtered_data[ $field ] = sanitize_text_field(wp_unslash($_POST[ $field ]));
				}
			}
			$this->integration->save_credentials($filtered_data);
			wp_safe_redirect($this->get_next_section_link());
			throw new Wizard_Redirect('exit');
		}
	}
}

namespace {

	\WP_Ultimo\Integrations\Integration_Registry::get_instance()->init();
}
