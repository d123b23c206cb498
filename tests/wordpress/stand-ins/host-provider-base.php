<?php
/**
 * TEST STAND-IN, written for this project's tests: follows
 * inc/integrations/host-providers/class-base-host-provider.php of Ultimate
 * Multisite 2.4.10, the base of the whole integration architecture up to
 * 2.4.x (the 2.5 line keeps it for third-party providers). Not Ultimate
 * Multisite's code: the same behaviour, method by method.
 *
 * @package WuRunCloud\Tests
 */

namespace WP_Ultimo\Integrations\Host_Providers;

/**
 * Follows Base_Host_Provider (2.4.10).
 */
abstract class Base_Host_Provider {

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
	protected $tutorial_link = '';

	/**
	 * @var array
	 */
	protected $supports = [];

	/**
	 * @var array
	 */
	protected $constants = [];

	/**
	 * @var array
	 */
	protected $optional_constants = [];

	/**
	 * As init(): a "you might want to activate" notice when detected and
	 * disabled; when enabled, a "not properly setup" notice (deferred to init)
	 * or the four domain hooks; self-registration and the settings entry.
	 */
	public function init(): void {
		if ($this->detect() && ! $this->is_enabled()) {
			$this->alert_provider_detected();
		}
		if ($this->is_enabled()) {
			if (! $this->is_setup()) {
				if (did_action('init')) {
					$this->alert_provider_not_setup();
				} else {
					add_action('init', [$this, 'alert_provider_not_setup']);
				}
			} else {
				$this->load_dependencies();
				$this->register_hooks();
			}
		}
		add_filter('wu_domain_manager_get_integrations', [$this, 'self_register']);
		add_action('init', [$this, 'add_to_integration_list']);
	}

	/**
	 * As self_register().
	 *
	 * @param array $integrations id => class.
	 */
	final public function self_register($integrations) {
		$integrations[ $this->get_id() ] = static::class;
		return $integrations;
	}

	/**
	 * As get_enabled_list().
	 */
	protected function get_enabled_list() {
		return get_network_option(null, 'wu_host_integrations_enabled', []);
	}

	/**
	 * As is_enabled().
	 */
	final public function is_enabled() {
		return wu_get_isset($this->get_enabled_list(), $this->get_id(), false);
	}

	/**
	 * As enable().
	 */
	public function enable() {
		$list                    = $this->get_enabled_list();
		$list[ $this->get_id() ] = true;
		return update_network_option(null, 'wu_host_integrations_enabled', $list);
	}

	/**
	 * As disable().
	 */
	public function disable() {
		$list                    = $this->get_enabled_list();
		$list[ $this->get_id() ] = false;
		return update_network_option(null, 'wu_host_integrations_enabled', $list);
	}

	/**
	 * As add_to_integration_list(): the settings entry with the wizard's link.
	 */
	public function add_to_integration_list(): void {
		$slug = $this->get_id();
		wu_register_settings_field(
			'integrations',
			"integration_{$slug}",
			[
				'type'  => 'note',
				'title' => sprintf('%s Integration', $this->get_title()),
				'desc'  => sprintf('<a href="%s" class="button-primary">Configuration</a>', esc_url(wu_network_admin_url('wp-ultimo-hosting-integration-wizard', ['integration' => $slug]))),
			]
		);
	}

	/**
	 * As alert_provider_detected().
	 */
	public function alert_provider_detected(): void {
		if (WP_Ultimo()->is_loaded() === false) {
			return;
		}
		$message = sprintf('It looks like you are using %1$s as your hosting provider, yet the %1$s integration module is not active. In order for the domain mapping integration to work with %1$s, you might want to activate that module.', $this->get_title());
		$slug    = $this->get_id();
		WP_Ultimo()->notices->add($message, 'info', 'network-admin', "should-enable-{$slug}-integration", []);
	}

	/**
	 * As alert_provider_not_setup().
	 */
	public function alert_provider_not_setup(): void {
		if (WP_Ultimo()->is_loaded() === false) {
			return;
		}
		$message = sprintf('It looks like you are using %1$s as your hosting provider, yet the %1$s integration module was not properly setup. In order for the domain mapping integration to work with %1$s, you need to configure that module.', $this->get_title());
		$slug    = $this->get_id();
		WP_Ultimo()->notices->add($message, 'warning', 'network-admin', "should-setup-{$slug}-integration", []);
	}

	/**
	 * As get_fields().
	 */
	public function get_fields() {
		return [];
	}

	/**
	 * @return string
	 */
	public function get_id() {
		return $this->id;
	}

	/**
	 * @return string
	 */
	public function get_title() {
		return $this->title;
	}

	/**
	 * As supports(): the $supports property, through wu_hosting_support_supports.
	 *
	 * @param string $feature Feature.
	 */
	public function supports($feature) {
		return apply_filters('wu_hosting_support_supports', in_array($feature, $this->supports, true), $this);
	}

	/**
	 * As register_hooks().
	 */
	public function register_hooks(): void {
		add_action('wu_add_domain', [$this, 'on_add_domain'], 10, 2);
		add_action('wu_remove_domain', [$this, 'on_remove_domain'], 10, 2);
		add_action('wu_add_subdomain', [$this, 'on_add_subdomain'], 10, 2);
		add_action('wu_remove_subdomain', [$this, 'on_remove_subdomain'], 10, 2);
		$this->additional_hooks();
	}

	/**
	 * As additional_hooks().
	 */
	public function additional_hooks() {}

	/**
	 * As load_dependencies().
	 */
	public function load_dependencies() {}

	/**
	 * As is_setup(): every entry of $constants (an array entry: any one of
	 * them) is defined with a truthy value.
	 */
	public function is_setup() {
		return [] === $this->get_missing_constants();
	}

	/**
	 * As get_missing_constants().
	 */
	public function get_missing_constants() {
		$missing = [];
		foreach ($this->constants as $constant) {
			$constants = is_array($constant) ? $constant : [$constant];
			$current   = false;
			foreach ($constants as $name) {
				if (defined($name) && constant($name)) {
					$current = true;
					break;
				}
			}
			$missing = $current ? $missing : array_merge($missing, $constants);
		}
		return $missing;
	}

	/**
	 * As get_all_constants(): required (flattened) then optional.
	 */
	public function get_all_constants() {
		$constants = [];
		foreach ($this->constants as $constant) {
			$constants = array_merge($constants, is_array($constant) ? $constant : [$constant]);
		}
		return array_merge($constants, $this->optional_constants);
	}

	/**
	 * As setup_constants(): every constant of get_all_constants(), with the
	 * posted value, or its index in that list when the form did not post it.
	 *
	 * @param array $constant_values Name => value.
	 */
	public function setup_constants($constant_values): void {
		$values = shortcode_atts(array_flip($this->get_all_constants()), $constant_values);
		foreach ($values as $constant => $value) {
			\WP_Ultimo\Helpers\WP_Config::get_instance()->inject_wp_config_constant($constant, $value);
		}
	}

	/**
	 * As get_constants_string(): the manual snippet, filled the same way.
	 *
	 * @param array $constant_values Name => value.
	 */
	public function get_constants_string($constant_values) {
		$content         = [sprintf('// Ultimate Multisite - Domain Mapping - %s', $this->get_title())];
		$constant_values = shortcode_atts(array_flip($this->get_all_constants()), $constant_values);
		foreach ($constant_values as $constant => $value) {
			$content[] = sprintf("define( '%s', '%s' );", $constant, $value);
		}
		$content[] = sprintf('// Ultimate Multisite - Domain Mapping - %s - End', $this->get_title());
		return implode(PHP_EOL, $content);
	}

	/**
	 * As get_explainer_lines().
	 */
	public function get_explainer_lines() {
		$lines = ['will' => ['send_domains' => sprintf('Send API calls to %s servers with domain names added to this network', $this->get_title())], 'will_not' => []];
		if ($this->supports('autossl')) {
			$lines['will'][] = sprintf('Fetch and install a SSL certificate on %s platform after the domain is added.', $this->get_title());
		} else {
			$lines['will_not'][] = sprintf('Fetch and install a SSL certificate on %s platform after the domain is added. This needs to be done manually.', $this->get_title());
		}
		return $lines;
	}

	/**
	 * As test_connection().
	 */
	public function test_connection(): void {
		wp_send_json_success([]);
	}

	/**
	 * As get_description().
	 */
	public function get_description() {
		return 'No description provided.';
	}

	/**
	 * As get_logo().
	 */
	public function get_logo() {
		return '';
	}

	/**
	 * @return bool
	 */
	abstract public function detect();

	/**
	 * @param string $domain  Domain.
	 * @param int    $site_id Site id.
	 */
	abstract public function on_add_domain($domain, $site_id);

	/**
	 * @param string $domain  Domain.
	 * @param int    $site_id Site id.
	 */
	abstract public function on_remove_domain($domain, $site_id);

	/**
	 * @param string $subdomain Host.
	 * @param int    $site_id   Site id.
	 */
	abstract public function on_add_subdomain($subdomain, $site_id);

	/**
	 * @param string $subdomain Host.
	 * @param int    $site_id   Site id.
	 */
	abstract public function on_remove_subdomain($subdomain, $site_id);
}
