<?php
/**
 * Ultimate Multisite 2.5+: what the RunCloud integration does on domain events.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Ultimate_Multisite;

use WuRunCloud\Plugin\Sync\Domain_Sync_Service;

defined('ABSPATH') || exit;

/**
 * The domain-mapping capability module for the integration "runcloud",
 * replacing the core one. Each method delegates to the service.
 * Only loaded when Ultimate Multisite's capability classes exist.
 *
 * The event handlers take untyped parameters: that satisfies the typed
 * interface and any release that declares it without types, and the queue
 * runner may pass the site id as a string.
 */
class Domain_Mapping_Module extends \WP_Ultimo\Integrations\Base_Capability_Module implements \WP_Ultimo\Integrations\Capabilities\Domain_Mapping_Capability {

	/**
	 * Features this module supports.
	 */
	const FEATURES = ['autossl', 'subdomains', 'www'];

	/**
	 * @var Domain_Sync_Service
	 */
	private $service;

	/**
	 * @param Domain_Sync_Service $service The service.
	 */
	public function __construct(Domain_Sync_Service $service) {
		$this->service = $service;
		// Ultimate Multisite's supports() reads this property, not get_supported_features().
		if (property_exists($this, 'supported_features')) {
			$this->supported_features = self::FEATURES;
		}
	}

	/**
	 * Whether the module supports a feature, whichever way the base class answers it.
	 *
	 * @param string $feature Feature.
	 */
	public function supports(string $feature): bool {
		return in_array($feature, self::FEATURES, true);
	}

	/**
	 * The capability this module provides.
	 */
	public function get_capability_id(): string {
		return 'domain-mapping';
	}

	/**
	 * The capability's name in the wizard.
	 */
	public function get_title(): string {
		return __('Domain Mapping', 'wu-runcloud');
	}

	/**
	 * What enabling the integration will and will not do, for the wizard.
	 *
	 * @return array{will: list<string>, will_not: list<string>}
	 */
	public function get_explainer_lines(): array {
		return Explainer::lines();
	}

	/**
	 * Features this module supports.
	 *
	 * @return list<string>
	 */
	public function get_supported_features(): array {
		return self::FEATURES;
	}

	/**
	 * Hooks the four domain events (called by the registry when the
	 * integration is enabled and set up).
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
	public function on_add_domain($domain, $site_id): void {
		$this->service->add_domain((string) $domain, (int) $site_id);
	}

	/**
	 * @param string $domain  Domain.
	 * @param int    $site_id Site id.
	 */
	public function on_remove_domain($domain, $site_id): void {
		$this->service->remove_domain((string) $domain, (int) $site_id);
	}

	/**
	 * @param string $subdomain Host.
	 * @param int    $site_id   Site id.
	 */
	public function on_add_subdomain($subdomain, $site_id): void {
		$this->service->add_subdomain((string) $subdomain, (int) $site_id);
	}

	/**
	 * @param string $subdomain Host.
	 * @param int    $site_id   Site id.
	 */
	public function on_remove_subdomain($subdomain, $site_id): void {
		$this->service->remove_subdomain((string) $subdomain, (int) $site_id);
	}

	/**
	 * Network admins only, as the integration's own test.
	 *
	 * @return true|\WP_Error
	 */
	public function test_connection() {
		return Wizard_Connection_Test::result($this->service);
	}
}
