<?php
/**
 * What Ultimate Multisite sees of the integration.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

use WuRunCloud\Plugin\Ultimate_Multisite\Domain_Mapping_Module;
use WuRunCloud\Plugin\Ultimate_Multisite\Host_Provider;
use WuRunCloud\Plugin\Ultimate_Multisite\RunCloud_Integration;

/**
 * "RunCloud" in Host Integrations is ours, in either architecture, with the
 * wizard's fields, explainer lines and a working setup check.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class RegistrationTest extends Integration_Test_Case {

	public function test_runcloud_in_host_integrations_is_ours(): void {
		if ('a' === self::architecture()) {
			$manager = \WP_Ultimo\Managers\Domain_Manager::get_instance();
			$this->assertSame(Host_Provider::class, $manager->get_integrations()['runcloud']);
			$integration = $manager->get_integration_instance('runcloud');
			$this->assertInstanceOf(Host_Provider::class, $integration);
			$this->assertTrue($integration->is_enabled());
		} else {
			$registry    = \WP_Ultimo\Integrations\Integration_Registry::get_instance();
			$integration = $registry->get('runcloud');
			$this->assertInstanceOf(RunCloud_Integration::class, $integration);
			$module = $registry->get_capability('runcloud', 'domain-mapping');
			$this->assertInstanceOf(Domain_Mapping_Module::class, $module);
			$this->assertSame('Domain Mapping', $module->get_title());
			$this->assertSame($integration, $module->get_integration());
			$this->assertTrue($module->supports('autossl'));
		}
		$this->assertTrue($integration->is_setup());
		$this->assertSame([], $integration->get_missing_constants());
		$this->assertSame(['WU_RUNCLOUD_API_TOKEN', 'WU_RUNCLOUD_API_KEY', 'WU_RUNCLOUD_API_SECRET', 'WU_RUNCLOUD_SERVER_ID', 'WU_RUNCLOUD_APP_ID'], array_keys($integration->get_fields()));
		$lines = ('a' === self::architecture() ? $integration : $module)->get_explainer_lines();
		$this->assertCount(4, $lines['will']);
		$this->assertCount(2, $lines['will_not']);
	}

	public function test_features_logo_tutorial_and_translations(): void {
		if ('a' === self::architecture()) {
			$integration = \WP_Ultimo\Managers\Domain_Manager::get_instance()->get_integration_instance('runcloud');
			$this->assertTrue($integration->supports('autossl'));
			$this->assertFalse($integration->supports('no-instructions'), 'the wizard shows our instructions');
			$this->assertSame('https://ultimatemultisite.com/docs/user-guide/host-integrations/runcloud', (new \ReflectionProperty($integration, 'tutorial_link'))->getValue($integration));
		} else {
			$registry    = \WP_Ultimo\Integrations\Integration_Registry::get_instance();
			$integration = $registry->get('runcloud');
			$module      = $registry->get_capability('runcloud', 'domain-mapping');
			foreach (['autossl', 'subdomains', 'www'] as $feature) {
				$this->assertTrue($integration->supports($feature), $feature);
				$this->assertTrue($module->supports($feature), $feature);
			}
			$property = new \ReflectionProperty(\WP_Ultimo\Integrations\Base_Capability_Module::class, 'supported_features');
			$this->assertSame(['autossl', 'subdomains', 'www'], $property->getValue($module), 'what the base class\'s supports() reads');
			$this->assertSame('https://ultimatemultisite.com/docs/user-guide/host-integrations/runcloud', $integration->get_tutorial_link());
		}
		$this->assertSame(plugins_url('assets/logo.svg', WU_RUNCLOUD_PLUGIN_FILE), $integration->get_logo());
		$this->assertFileExists(WP_PLUGIN_DIR . '/wu-runcloud/assets/logo.svg');
		$this->assertStringContainsString('native wu_runcloud extension', $integration->get_description());
		$this->assertSame([], $GLOBALS['wu_test_translated_before_init'], 'nothing of the plugin translated before init');
	}

	public function test_the_domain_events_are_hooked_once(): void {
		foreach (['wu_add_domain', 'wu_remove_domain', 'wu_add_subdomain', 'wu_remove_subdomain'] as $hook) {
			$callbacks = $GLOBALS['wp_filter'][ $hook ]->callbacks;
			$this->assertSame([10], array_keys($callbacks), $hook);
			$this->assertCount(1, $callbacks[10], "$hook has one handler: ours");
			$handler = reset($callbacks[10])['function'];
			$this->assertInstanceOf('a' === self::architecture() ? Host_Provider::class : Domain_Mapping_Module::class, $handler[0]);
		}
	}
}
