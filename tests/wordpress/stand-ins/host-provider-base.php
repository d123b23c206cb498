<?php
/**
 * TEST STAND-IN, written for this project's tests: the base class of
 * Ultimate Multisite's host providers as its documentation describes it. It is
 * the whole integration architecture up to 2.4.x, and 2.5+ keeps it for
 * third-party providers (its Domain_Manager still fires
 * wp_ultimo_host_providers_load). Not Ultimate Multisite's code.
 *
 * @package WuRunCloud\Tests
 */

namespace WP_Ultimo\Integrations\Host_Providers;

/**
 * Stand-in for the documented abstract provider.
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
	 * Stand-in: registers itself; hooks the four actions when enabled and set up.
	 */
	public function init(): void {
		if ($this->is_enabled() && $this->is_setup()) {
			$this->register_hooks();
		}
		add_filter('wu_domain_manager_get_integrations', [$this, 'self_register']);
	}

	/**
	 * @param array $integrations id => class.
	 */
	final public function self_register($integrations) {
		$integrations[ $this->get_id() ] = static::class;
		return $integrations;
	}

	/**
	 * Stand-in: reads wu_host_integrations_enabled.
	 */
	final public function is_enabled() {
		$list = get_network_option(null, 'wu_host_integrations_enabled', []);
		return ! empty($list[ $this->get_id() ]);
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
	 * Stand-in: hooks the four domain actions.
	 */
	public function register_hooks(): void {
		add_action('wu_add_domain', [$this, 'on_add_domain'], 10, 2);
		add_action('wu_remove_domain', [$this, 'on_remove_domain'], 10, 2);
		add_action('wu_add_subdomain', [$this, 'on_add_subdomain'], 10, 2);
		add_action('wu_remove_subdomain', [$this, 'on_remove_subdomain'], 10, 2);
	}

	/**
	 * Stand-in: every entry of $constants (an array entry: any one of them) is defined.
	 */
	public function is_setup() {
		foreach ($this->constants as $entry) {
			$found = false;
			foreach ((array) $entry as $constant) {
				$found = $found || (defined($constant) && constant($constant));
			}
			if (! $found) {
				return false;
			}
		}
		return true;
	}

	/**
	 * @return array
	 */
	public function get_missing_constants() {
		$missing = [];
		foreach ($this->constants as $entry) {
			$found = false;
			foreach ((array) $entry as $constant) {
				$found = $found || (defined($constant) && constant($constant));
			}
			if (! $found) {
				$missing = array_merge($missing, (array) $entry);
			}
		}
		return $missing;
	}

	/**
	 * @return array
	 */
	public function get_explainer_lines() {
		return ['will' => [], 'will_not' => []];
	}

	/**
	 * Stand-in: answers the wizard.
	 */
	public function test_connection(): void {
		wp_send_json_success([]);
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
