<?php
/**
 * Sites of a subdomain network.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

/**
 * wpmu_create_blog() and wp_delete_site() make the (stand-in) Domain_Manager
 * queue wu_add_subdomain and wu_remove_subdomain, as Ultimate Multisite does;
 * the site's host reaches RunCloud unless a wildcard domain serves it.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class SubdomainSitesTest extends Integration_Test_Case {

	public function test_a_new_site_adds_its_host_and_deleting_it_removes_it(): void {
		$site_id = $this->create_site('shop');
		// Ultimate Multisite (2.4.10 and 2.5) also records the host as a domain of the site, which fires wu_add_domain for it.
		$this->assertSame(['wu_add_subdomain', 'wu_add_domain'], array_values(array_intersect(\WP_Ultimo\Test\Async_Queue::hooks(), \WP_Ultimo\Test\Async_Queue::DOMAIN_EVENTS)));
		$this->assertSame(2, $this->run_domain_events());

		$record = $this->sim->domain('shop.network.test');
		$this->assertNotNull($record, 'the new site\'s host is on the web app');
		$this->assertFalse((bool) $record['www'], 'a site\'s host gets no www variant, whichever event brought it');
		$this->assertSame(1, $this->sim->counters()['domains_added']);
		$this->assertSame("add_subdomain shop.network.test (site $site_id): added to RunCloud as alias (domain id {$record['id']}, www no)", $this->log_lines('info')[0]);

		wp_delete_site($site_id);
		// The site's domain record goes first (wu_remove_domain), then wu_remove_subdomain.
		$this->assertSame(['wu_remove_domain', 'wu_remove_subdomain'], \WP_Ultimo\Test\Async_Queue::hooks());
		$this->assertSame(2, $this->run_domain_events());

		$this->assertNull($this->sim->domain('shop.network.test'));
		$this->assertSame(['network.test'], $this->sim->domain_names());
		$this->assertSame([], $this->builtin_calls(), 'the built-in integration was not called');
	}

	public function test_a_wildcard_domain_on_the_app_makes_adding_hosts_unnecessary(): void {
		$this->sim->seed([['name' => '*.network.test', 'wildcard' => true]]);
		$this->read_the_app();
		$site_id = $this->create_site('blog');
		$this->run_domain_events();

		$this->assertNull($this->sim->domain('blog.network.test'));
		$this->assertSame([], preg_grep('/^POST /', $this->sim->request_lines()), 'nothing was added');
		$this->assertContains("add_subdomain blog.network.test (site $site_id): skipped, the wildcard domain *.network.test on RunCloud already serves it", $this->log_lines('info'));

		wp_delete_site($site_id);
		$this->run_domain_events();
		$this->assertSame([], preg_grep('/^DELETE /', $this->sim->request_lines()), 'nothing was removed');
		$this->assertNotNull($this->sim->domain('network.test'), 'the wildcard record stays');
	}

	public function test_a_mapped_name_below_the_network_domain_is_handled_as_a_site_host(): void {
		$this->sim->seed([['name' => '*.network.test', 'wildcard' => true]]);
		$this->read_the_app();
		$this->map_domain('blog.network.test', 5);
		$this->map_domain('www.network.test', 1);
		$this->run_domain_events();

		$this->assertNull($this->sim->domain('blog.network.test'), 'the wildcard serves it');
		$this->assertContains('add_domain blog.network.test (site 5): skipped, the wildcard domain *.network.test on RunCloud already serves it', $this->log_lines('info'));
		$this->assertNotNull($this->sim->domain('www.network.test'), 'www.{main} is an ordinary mapping');
	}

	public function test_a_wildcard_serves_one_level_only(): void {
		$this->sim->seed([['name' => '*.network.test', 'wildcard' => true]]);
		$this->create_site('deep.shop');
		$this->run_domain_events();

		$this->assertNotNull($this->sim->domain('deep.shop.network.test'), 'a wildcard certificate does not cover two levels');
	}

	public function test_a_host_this_integration_added_before_the_wildcard_is_still_removed(): void {
		$site_id = $this->create_site('early');
		$this->run_domain_events();
		$this->sim->seed([['name' => '*.network.test', 'wildcard' => true]]);
		\WuRunCloud\Plugin\Plugin::instance()->service()->forget_cached_domains();

		wp_delete_site($site_id);
		$this->run_domain_events();

		$this->assertNull($this->sim->domain('early.network.test'));
	}

	public function test_the_main_domain_as_a_subdomain_event_is_ignored(): void {
		do_action('wu_add_subdomain', 'network.test', 1);
		do_action('wu_remove_subdomain', 'network.test', 1);

		$this->assertSame([], preg_grep('/^(POST|DELETE) /', $this->sim->request_lines()));
		$this->assertNotNull($this->sim->domain('network.test'));
	}
}
