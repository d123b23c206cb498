<?php
/**
 * Mapped domains through Ultimate Multisite's domain events.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

use WuRunCloud\Plugin\Plugin;

/**
 * wu_add_domain and wu_remove_domain, fired as the (stand-in) Domain_Manager
 * fires them, reach the simulated RunCloud app through the plugin, and the
 * built-in RunCloud integration is never called.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class DomainMappingTest extends Integration_Test_Case {

	public function test_the_plugin_took_the_runcloud_integration_over(): void {
		$this->assertSame('a' === self::architecture() ? 'host-providers' : 'registry', Plugin::instance()->took_over());
		$this->assertSame(Plugin::instance()->took_over(), Plugin::architecture());
	}

	public function test_a_mapped_domain_arrives_with_its_www_variant_and_one_redeploy_later(): void {
		$this->map_domain('Shop.Example.com', 1);
		$this->assertSame([], $this->sim->requests(), 'nothing happens before the queue runs');

		$this->assertSame(1, $this->run_domain_events());

		$domain = $this->sim->domain('shop.example.com');
		$this->assertNotNull($domain, 'the domain is on the web app');
		$this->assertSame('alias', $domain['type']);
		$this->assertTrue((bool) $domain['www'], 'the default setting "always" adds www');
		$this->assertSame(0, $this->sim->counters()['redeploys'], 'the redeploy waits for the burst to end');
		$this->assertSame(['shop.example.com'], array_keys($this->managed()));

		$this->assertSame(0, Queue_Runner::run_due(), 'nothing is due yet');
		$this->assertSame(1, $this->run_scheduled_after(31));
		$this->assertSame(1, $this->sim->counters()['redeploys']);
		$this->assertSame([], $this->builtin_calls(), 'the built-in integration was not called');
		$this->assertContains(sprintf('add_domain shop.example.com (site 1): added to RunCloud as alias (domain id %d, www yes)', $this->sim->domain('shop.example.com')['id']), $this->log_lines('info'));
	}

	public function test_an_unmapped_domain_is_removed(): void {
		$this->map_domain('gone.example.com', 3);
		$this->run_domain_events();
		$this->unmap_domain('gone.example.com', 3);
		$this->run_domain_events();

		$this->assertNull($this->sim->domain('gone.example.com'));
		$this->assertSame(1, $this->sim->counters()['domains_deleted']);
		$this->assertContains('remove_domain gone.example.com (site 3): removed from RunCloud', $this->log_lines('info'));
		$this->assertSame([], $this->builtin_calls());
	}

	public function test_a_domain_this_plugin_added_is_removed_by_its_id_without_walking_the_list(): void {
		$this->sim->seed(array_map(static function ($n) { return ['name' => sprintf('filler-%03d.example.com', $n)]; }, range(1, 120)));
		$this->map_domain('by-id.example.com', 4);
		$this->run_domain_events();
		$id = $this->sim->domain('by-id.example.com')['id'];
		$this->sim->reset_requests();

		$this->unmap_domain('by-id.example.com', 4);
		$this->run_domain_events();

		$this->assertNull($this->sim->domain('by-id.example.com'));
		$this->assertSame(
			["GET /api/v3/servers/1/webapps/1/domains/$id", "DELETE /api/v3/servers/1/webapps/1/domains/$id"],
			array_values(preg_grep('#/domains#', $this->sim->request_lines())),
			'two calls, however long the list'
		);
	}

	public function test_removing_a_domain_that_is_not_there_is_not_an_error(): void {
		$this->unmap_domain('never-added.example.com', 3);
		$this->run_domain_events();

		$this->assertSame(0, $this->sim->counters()['domains_deleted']);
		$this->assertSame([], $this->sim->request_lines(), 'not added by this integration: RunCloud is not even asked');
		$this->assertContains('remove_domain never-added.example.com (site 3): not wanted by the network and not added by this integration: left as it is on RunCloud', $this->log_lines('info'));
		$this->assertSame([], $this->log_lines('error'));
	}

	public function test_the_network_main_domain_is_never_removed(): void {
		$this->unmap_domain('network.test', 1);
		$this->unmap_domain('www.network.test', 1);
		$this->run_domain_events();

		$this->assertNotNull($this->sim->domain('network.test'));
		$this->assertSame([], preg_grep('/^DELETE /', $this->sim->request_lines()), 'no DELETE reached RunCloud');
		$this->assertCount(2, preg_grep('/refused, it is the network\'s main domain/', $this->log_lines('warning')));
	}

	public function test_adding_a_domain_twice_is_success(): void {
		$this->map_domain('twice.example.com', 4);
		$this->map_domain('twice.example.com', 4);
		$this->run_domain_events();

		$this->assertSame(1, $this->sim->counters()['domains_added']);
		$this->assertSame(1, count(preg_grep('#^POST #', $this->sim->request_lines())), 'the second event of the burst costs nothing');
		$this->assertContains('add_domain twice.example.com (site 4): converged moments ago, nothing changed since', $this->log_lines('info'));
		$this->assertSame([], $this->log_lines('error'));

		// Later (another burst), the id kept from the add says it is there.
		Plugin::instance()->service()->forget_cached_domains();
		$this->sim->reset_requests();
		do_action('wu_add_domain', 'twice.example.com', 4);
		$this->assertSame([], $this->sim->request_lines());
		$this->assertContains(sprintf('add_domain twice.example.com (site 4): already on RunCloud (domain id %d, added by this integration), nothing to add', $this->sim->domain('twice.example.com')['id']), $this->log_lines('info'));
	}

	public function test_an_invalid_name_is_refused_without_a_request(): void {
		$this->map_domain('not a domain', 4);
		$this->run_domain_events();

		$this->assertSame([], $this->sim->requests());
		$this->assertCount(1, preg_grep('/^add_domain not a domain \(site 4\): not a valid domain name/', $this->log_lines('error')));
	}

	/**
	 * @return array<string, array{0: string, 1: array<string, bool>}>
	 */
	public static function www_settings(): array {
		return [
			'always'    => ['always', ['example-one.com' => true, 'blog.example-two.com' => true, 'shop.example.co.uk' => true]],
			'main_only' => ['main_only', ['example-one.com' => true, 'blog.example-two.com' => false, 'shop.example.co.uk' => false]],
			'never'     => ['never', ['example-one.com' => false, 'blog.example-two.com' => false, 'shop.example.co.uk' => false]],
		];
	}

	/**
	 * @dataProvider www_settings
	 *
	 * @param string              $setting  auto_create_www_subdomain.
	 * @param array<string, bool> $expected Domain => www.
	 */
	#[\PHPUnit\Framework\Attributes\DataProvider('www_settings')]
	public function test_the_www_variant_follows_the_setting(string $setting, array $expected): void {
		$this->set_www_setting($setting);
		foreach (array_keys($expected) as $domain) {
			$this->map_domain($domain, 5);
		}
		$this->run_domain_events();

		foreach ($expected as $domain => $www) {
			$record = $this->sim->domain($domain);
			$this->assertNotNull($record, $domain);
			$this->assertSame($www, (bool) $record['www'], "$domain with the setting $setting");
		}
	}

	public function test_a_burst_of_twenty_mappings_costs_one_redeploy(): void {
		$wanted = [];
		for ($i = 1; $i <= 20; $i++) {
			$wanted[] = sprintf('burst-%02d.example.com', $i);
			$this->map_domain(end($wanted), 10 + $i);
		}
		$this->assertSame(20, $this->run_domain_events());
		$this->assertSame(20, $this->sim->counters()['domains_added']);
		$this->assertSame(0, $this->sim->counters()['redeploys']);
		$this->assertSame(1, Queue_Runner::pending_count('wu_runcloud_redeploy_ssl'), 'one pending redeploy, not twenty');

		$this->run_scheduled_after(31);

		$this->assertSame(1, $this->sim->counters()['redeploys']);
		// Basic SSL: the app's certificate is redeployed with PUT APP/ssl/{id}.
		$ssl_writes = preg_grep('#^(PUT|POST|PATCH) .*/ssl(/|$)#', $this->sim->request_lines());
		$this->assertCount(1, $ssl_writes, 'one certificate request in the log: ' . implode(', ', $ssl_writes));
		$this->assertMatchesRegularExpression('#^PUT /api/v3/servers/1/webapps/1/ssl/\d+$#', reset($ssl_writes));
		$this->assertSame([], $this->certificate_queue()->pending(), 'the batch is done');
		$names   = $this->sim->domain_names();
		$covered = $this->sim->state()['ssl']['basic']['covers'];
		foreach ($wanted as $name) {
			$this->assertContains($name, $names);
			$this->assertContains($name, $covered, 'the redeployed certificate covers every new name');
			$this->assertContains('www.' . $name, $covered);
		}
		$this->assertCount(1, preg_grep('/^redeploy_ssl burst-01\.example\.com: basic SSL, \w+ \(certificate id \d+\) for 20 new name\(s\): /', $this->log_lines('info')));
	}

	public function test_a_steady_trickle_cannot_postpone_the_redeploy_forever(): void {
		$this->map_domain('first.example.com', 2);
		$this->run_domain_events();
		// 280 seconds of one mapping every 20 seconds.
		for ($i = 0; $i < 14; $i++) {
			Queue_Runner::fast_forward(20);
			Queue_Runner::run_due();
			$this->map_domain("trickle-$i.example.com", 2);
			$this->run_domain_events();
		}
		$this->assertSame(0, $this->sim->counters()['redeploys'], 'each mapping came within the delay');
		$this->assertLessThanOrEqual(time() + 20, Queue_Runner::next('wu_runcloud_redeploy_ssl'), 'capped at five minutes after the first mapping');
		$this->run_scheduled_after(20);
		$this->assertSame(1, $this->sim->counters()['redeploys']);
	}
}
