<?php
/**
 * Certificates that follow DNS.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

use WuRunCloud\Plugin\Plugin;

/**
 * The simulator's DNS (its responder on loopback UDP, which the plugin is
 * pointed at through wu_runcloud_dns_server) and its Let's Encrypt, which
 * refuses an order with a name that does not point at the server. Ultimate
 * Multisite's network IP (its filter wu_get_network_public_ip) is the
 * server's address.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class CertificateDnsTest extends Integration_Test_Case {

	/**
	 * @var callable
	 */
	private $dns_server;

	/**
	 * @var callable
	 */
	private $https_port;

	/**
	 * @var callable
	 */
	private $network_ip;

	protected function setUp(): void {
		parent::setUp();
		// Ultimate Multisite's network IP, through its own filter (kept in this process).
		$this->network_ip = static function () {
			return '127.0.0.1';
		};
		add_filter('wu_get_network_public_ip', $this->network_ip);
		$port             = (int) wp_parse_url((string) getenv('WU_TEST_SIM_URL'), PHP_URL_PORT);
		$this->dns_server = static function () use ($port) {
			return '127.0.0.1:' . $port;
		};
		add_filter('wu_runcloud_dns_server', $this->dns_server);
		// The simulator presents the certificate covering a name on its own port.
		$https            = (int) $this->sim->dns_state()['https_port'];
		$this->https_port = static function () use ($https) {
			return $https;
		};
		add_filter('wu_runcloud_tls_port', $this->https_port);
		$this->set_www_setting('never');
		// Ultimate Multisite's own DNS check runs for real here.
		remove_filter('wu_domain_has_correct_dns', '__return_true');
	}

	protected function tearDown(): void {
		remove_filter('wu_runcloud_dns_server', $this->dns_server);
		remove_filter('wu_runcloud_tls_port', $this->https_port);
		remove_filter('wu_get_network_public_ip', $this->network_ip);
		parent::tearDown();
	}

	/**
	 * The PUT/POST certificate requests RunCloud received.
	 *
	 * @return list<string>
	 */
	private function certificate_orders(): array {
		return array_values(preg_grep('#^(PUT|POST) \S*/ssl#', $this->sim->request_lines()));
	}

	/**
	 * The names whose DNS holds a certificate back, as the certificate step records them.
	 */
	private function blocking(): \WuRunCloud\Plugin\Sync\Certificates\Blocking_Names {
		return Plugin::instance()->fleet()->primary()->blocking;
	}

	/**
	 * The names the basic certificate covers.
	 *
	 * @return list<string>
	 */
	private function basic_covers(): array {
		return (array) $this->sim->state()['ssl']['basic']['covers'];
	}

	private function queue(): \WuRunCloud\Plugin\Sync\Certificates\Certificate_Queue {
		return $this->certificate_queue();
	}

	/**
	 * Ultimate Multisite's record of a name.
	 *
	 * @param string $name Name.
	 */
	private function record(string $name): \WP_Ultimo\Models\Domain {
		foreach (wu_get_domains(['number' => 0]) as $domain) {
			if ($domain->get_domain() === $name) {
				return $domain;
			}
		}
		$this->fail("no record of $name");
	}

	public function test_a_mapping_before_its_dns_orders_nothing_until_ultimate_multisite_sees_the_dns_arrive(): void {
		$this->sim->dns(['late.example.com' => 'missing']);
		$this->map_domain('late.example.com', 2);
		$this->run_domain_events();
		$this->sim->reset_requests();
		$this->run_scheduled_after(31);

		$this->assertSame([], $this->certificate_orders(), 'no order Let\'s Encrypt would refuse');
		$this->assertSame(0, $this->sim->dns_state()['refused_orders']);
		$this->assertNotContains('late.example.com', $this->basic_covers());
		$blocking = $this->blocking()->all();
		$this->assertSame(['late.example.com'], array_keys($blocking));
		$this->assertFalse($blocking['late.example.com']['moved'], 'a new name');
		$this->assertSame('does not resolve', $blocking['late.example.com']['reason']);
		$this->assertSame(['late.example.com'], array_keys($this->queue()->held()));
		$this->assertCount(1, preg_grep('/^redeploy_ssl \(app\): not ordered for 1 new name\(s\) \(late\.example\.com\): .*late\.example\.com does not resolve/', $this->log_lines('warning')));
		$this->assertSame('checking-dns', $this->record('late.example.com')->get_stage());
		$this->assertSame(0, $this->run_scheduled_after(60), 'held names wait for their DNS, not for a minute ladder');

		// The customer points the DNS; Ultimate Multisite's next stage check sees it.
		$this->sim->dns(['late.example.com' => 'server']);
		\WP_Ultimo\Test\Async_Queue::run_scheduled(time() + 300);
		$this->assertSame('checking-ssl-cert', $this->record('late.example.com')->get_stage());
		$served = new \WuRunCloud\Plugin\Sync\Certificates\Served_Certificate(new \WuRunCloud\Plugin\Sync\Certificates\Dns_Check(new \WuRunCloud\Plugin\Sync\Certificates\Dns_Resolver()));
		$this->assertFalse($served->covers('late.example.com'), 'the server presents no certificate naming it yet');
		$this->assertCount(1, preg_grep('/^dns late\.example\.com: Ultimate Multisite found its DNS pointing/', $this->log_lines('info')));
		$this->run_scheduled_after(31);

		$this->assertContains('late.example.com', $this->basic_covers(), 'within one run of the DNS event');
		$this->assertTrue($served->covers('late.example.com'));
		$record = $this->record('late.example.com');
		$this->assertSame('done', $record->get_stage(), 'Ultimate Multisite\'s record is told, not left to its five tries');
		$this->assertTrue($record->is_secure());
		$this->assertCount(1, $this->certificate_orders());
		$this->assertSame([], $this->blocking()->all());
		$this->assertSame([], $this->queue()->pending());
		$this->assertSame([], $this->sim->dns_state()['failed_validations_last_hour']);
	}

	public function test_a_burst_with_one_bad_name_waits_and_unmapping_it_lets_the_rest_go(): void {
		$this->sim->dns(['bad.example.com' => 'elsewhere']);
		foreach (['one.example.com', 'two.example.com', 'bad.example.com'] as $domain) {
			$this->map_domain($domain, 2);
		}
		$this->run_domain_events();
		$this->sim->reset_requests();
		$this->run_scheduled_after(31);

		$this->assertSame([], $this->certificate_orders());
		$this->assertSame(['bad.example.com'], array_keys($this->blocking()->all()));
		$this->assertStringContainsString('resolves to 192.0.2.1, not to this server (127.0.0.1)', $this->blocking()->all()['bad.example.com']['reason']);
		$this->assertEqualsCanonicalizing(['one.example.com', 'two.example.com', 'bad.example.com'], $this->queue()->pending());

		// The operator unmaps the name whose DNS is elsewhere.
		$this->unmap_domain('bad.example.com', 2);
		$this->run_domain_events();
		$this->run_scheduled_after(31);

		$covers = $this->basic_covers();
		$this->assertContains('one.example.com', $covers);
		$this->assertContains('two.example.com', $covers);
		$this->assertNotContains('bad.example.com', $covers);
		$this->assertCount(1, $this->certificate_orders());
		$this->assertSame(0, $this->sim->dns_state()['refused_orders']);
		$this->assertSame([], $this->blocking()->all());
	}

	public function test_a_name_whose_dns_moves_away_is_reported_with_the_fix(): void {
		$this->map_domain('shop.example.com', 2);
		$this->run_domain_events();
		$this->run_scheduled_after(31);
		$this->assertContains('shop.example.com', $this->basic_covers());

		// The customer leaves without unmapping; a new customer maps a domain.
		$this->sim->dns(['shop.example.com' => 'elsewhere']);
		$this->map_domain('new.example.com', 2);
		$this->run_domain_events();
		$this->sim->reset_requests();
		$this->run_scheduled_after(31);

		$this->assertSame([], $this->certificate_orders());
		$blocking = $this->blocking()->all();
		$this->assertSame(['shop.example.com'], array_keys($blocking));
		$this->assertTrue($blocking['shop.example.com']['moved']);
		$site_health = new \WuRunCloud\Plugin\Admin\Certificate_Health($this->blocking(), Plugin::instance()->service(), new \WuRunCloud\Plugin\Ultimate_Multisite\Network(Plugin::instance()->gateway()));
		$result      = $site_health->test_certificate_dns();
		$this->assertSame('recommended', $result['status']);
		$this->assertStringContainsString('shop.example.com: resolves to 192.0.2.1', $result['description']);
		$this->assertStringContainsString('its DNS moved away', $result['description']);
		$this->assertStringContainsString('Unmap the domains whose customers left, or switch the web app to advanced SSL', $result['description']);

		// A day later it is reported as moved away for good.
		\WuRunCloud\Tests\Queue_Runner::fast_forward(DAY_IN_SECONDS + 1);
		$this->assertSame(['shop.example.com'], array_keys($this->blocking()->moved_away()));
		$this->assertSame('critical', $site_health->test_certificate_dns()['status']);

		// The Domains view says which name holds the certificate back, why, and what to do.
		$rows = Plugin::instance()->domain_status();
		$shop = $rows->certificate_state('shop.example.com', true);
		$this->assertSame('waiting', $shop['state']);
		$this->assertStringContainsString('no longer points at the server', $shop['text']);
		$this->assertStringContainsString('resolves to 192.0.2.1', $shop['text']);
		$this->assertStringContainsString('Unmap the domain, or switch the web app to advanced SSL', $shop['text']);
	}

	public function test_a_name_whose_dns_never_points_is_reported_after_a_day(): void {
		$this->sim->dns(['never.example.com' => 'missing']);
		$this->map_domain('never.example.com', 2);
		$this->run_domain_events();
		$this->run_scheduled_after(31);
		$site_health = new \WuRunCloud\Plugin\Admin\Certificate_Health($this->blocking(), Plugin::instance()->service(), new \WuRunCloud\Plugin\Ultimate_Multisite\Network(Plugin::instance()->gateway()));
		$result      = $site_health->test_certificate_dns();
		$this->assertSame('recommended', $result['status']);
		$this->assertStringContainsString('new, its DNS may still be propagating', $result['description']);

		// A day on it is no longer "propagating": in basic SSL it holds every new name back.
		\WuRunCloud\Tests\Queue_Runner::fast_forward(DAY_IN_SECONDS + 1);
		$this->assertSame(['never.example.com'], array_keys($this->blocking()->overdue()));
		$this->assertSame([], $this->blocking()->moved_away(), 'it never pointed here');
		$result = $site_health->test_certificate_dns();
		$this->assertSame('critical', $result['status']);
		$this->assertStringContainsString('never.example.com: does not resolve', $result['description']);
		$this->assertStringContainsString('it has never pointed at the server', $result['description']);
		$rows  = Plugin::instance()->domain_status();
		$never = $rows->certificate_state('never.example.com', true);
		$this->assertSame('waiting', $never['state']);
		$this->assertStringContainsString('its DNS has never pointed at the server', $never['text']);
		$this->assertStringContainsString('Ask the customer to point it here, unmap the domain, or switch the web app to advanced SSL', $never['text']);
	}

	public function test_advanced_ssl_holds_only_the_name_whose_dns_is_not_ready(): void {
		$this->sim->ssl(['advancedSSL' => true, 'autoSSL' => false]);
		$this->sim->dns(['late.example.com' => 'missing']);
		$this->map_domain('ready.example.com', 2);
		$this->map_domain('late.example.com', 2);
		$this->run_domain_events();
		$this->run_scheduled_after(31);

		$covered = array_merge(...array_column($this->sim->state()['ssl']['domains'], 'covers'));
		$this->assertContains('ready.example.com', $covered);
		$this->assertNotContains('late.example.com', $covered);
		$this->assertSame(0, $this->sim->dns_state()['refused_orders']);
		$this->assertSame(['late.example.com'], array_keys($this->queue()->held()));
		$this->assertSame(['late.example.com'], array_keys($this->blocking()->all()));

		$this->sim->dns(['late.example.com' => 'server']);
		\WP_Ultimo\Test\Async_Queue::run_scheduled(time() + 300);
		$this->run_scheduled_after(31);
		$covered = array_merge(...array_column($this->sim->state()['ssl']['domains'], 'covers'));
		$this->assertContains('late.example.com', $covered);
		$this->assertSame([], $this->queue()->pending());
	}

	public function test_a_refused_order_waits_an_hour_or_a_dns_change_and_the_budget_keeps_under_lets_encrypts_limit(): void {
		// RunCloud refuses the order although the DNS checks pass (a firewall, say).
		for ($i = 0; $i < 6; $i++) {
			$this->sim->fault(['kind' => 'status', 'status' => 422, 'message' => 'Failed to issue SSL certificate from Let\'s Encrypt.', 'method' => 'PUT']);
		}
		$this->map_domain('walled.example.com', 2);
		$this->run_domain_events();
		$this->sim->reset_requests();
		$this->run_scheduled_after(31);
		$this->assertCount(1, $this->certificate_orders());
		$this->assertCount(1, preg_grep('/^redeploy_ssl walled\.example\.com: the certificate order was refused; not retried before an hour/', $this->log_lines('error')));

		// No 1-2-4-8 minute ladder.
		foreach ([60, 120, 240, 480] as $wait) {
			$this->run_scheduled_after($wait);
		}
		$this->assertCount(1, $this->certificate_orders(), 'a refused order is not retried within minutes');

		// A DNS change (Ultimate Multisite's event) brings it back before the hour.
		Plugin::instance()->service()->dns_ready('walled.example.com');
		$this->run_scheduled_after(31);
		$this->assertCount(2, $this->certificate_orders());

		// Two refusals within the hour: the budget holds it, whatever asks.
		Plugin::instance()->service()->dns_ready('walled.example.com');
		$this->run_scheduled_after(31);
		$this->assertCount(2, $this->certificate_orders(), 'the budget of refused orders an hour is spent');
		$this->assertStringContainsString('Let\'s Encrypt refused 2 order(s) with it within the hour', $this->blocking()->all()['walled.example.com']['reason']);

		// An hour later it is tried again (the fault is still there: refused again).
		$this->run_scheduled_after(HOUR_IN_SECONDS);
		$this->assertCount(3, $this->certificate_orders());
	}

	public function test_a_reconcile_leaves_the_order_to_the_certificate_step_which_checks_dns(): void {
		$this->sim->dns(['quiet.example.com' => 'missing']);
		// A mapping whose event never reached RunCloud.
		$this->map_domain('quiet.example.com', 2);
		\WP_Ultimo\Test\Async_Queue::clear();
		$this->sim->reset_requests();

		$report = $this->reconcile_now();

		$this->assertSame(['quiet.example.com'], $report['added']);
		$this->assertSame([], $report['ssl'], 'no order within the reconcile');
		$this->assertSame(['quiet.example.com'], $this->queue()->pending());
		$this->run_scheduled_after(31);
		$this->assertSame([], $this->certificate_orders());
		$this->assertSame(0, $this->sim->dns_state()['refused_orders']);
		$this->assertSame(['quiet.example.com'], array_keys($this->blocking()->all()));

		// Its DNS arrives; Ultimate Multisite's own check and the recheck find it.
		$this->sim->dns(['quiet.example.com' => 'server']);
		$this->ultimate_multisite_checks_dns('quiet.example.com');
		$this->run_scheduled_after(901);
		$this->assertContains('quiet.example.com', $this->basic_covers());
		$this->assertSame([], $this->queue()->pending());
	}

	public function test_a_new_sites_host_under_the_networks_own_dns_goes_at_once(): void {
		$this->sim->dns(['late.example.com' => 'missing']);
		$this->create_site('fresh');
		$this->run_domain_events();
		$this->sim->reset_requests();
		$this->run_scheduled_after(31);

		$this->assertContains('fresh.network.test', $this->basic_covers(), 'no DNS event to wait for');
		$this->assertCount(1, $this->certificate_orders());
	}

	public function test_site_health_advises_advanced_ssl_past_a_number_of_customer_domains(): void {
		$this->map_domain('one.example.com', 2);
		$this->map_domain('two.example.com', 2);
		$this->run_domain_events();
		$this->run_scheduled_after(31);
		$health = new \WuRunCloud\Plugin\Admin\Certificate_Health($this->blocking(), Plugin::instance()->service(), new \WuRunCloud\Plugin\Ultimate_Multisite\Network(Plugin::instance()->gateway()));
		$this->assertSame('good', $health->test_certificate_dns()['status']);

		$threshold = static function () {
			return 1;
		};
		add_filter('wu_runcloud_advanced_ssl_advice_threshold', $threshold);
		$result = $health->test_certificate_dns();
		remove_filter('wu_runcloud_advanced_ssl_advice_threshold', $threshold);
		$this->assertSame('recommended', $result['status']);
		$this->assertStringContainsString('uses basic SSL: one certificate for all its 2 customer domains', $result['description']);
	}

	public function test_a_dns_event_for_a_name_already_served_orders_no_duplicate(): void {
		$this->map_domain('ready.example.com', 2);
		$this->run_domain_events();
		$this->sim->reset_requests();
		$this->run_scheduled_after(31);
		$this->assertCount(1, $this->certificate_orders());
		$this->assertSame('done', $this->record('ready.example.com')->get_stage());

		// Ultimate Multisite fires the event again (or a reconcile asks again).
		Plugin::instance()->service()->dns_ready('ready.example.com');
		$this->run_scheduled_after(31);

		$this->assertCount(1, $this->certificate_orders(), 'the server already presents a certificate covering it');
		$this->assertCount(1, preg_grep('/^redeploy_ssl: ready\.example\.com already served with a certificate covering it/', $this->log_lines('info')));
		$this->assertSame([], $this->queue()->pending());
	}

	public function test_the_same_set_of_names_is_certified_at_most_four_times_a_week(): void {
		// The served certificate cannot be read (nothing listens there), so each ask orders.
		remove_filter('wu_runcloud_tls_port', $this->https_port);
		$closed = static function () {
			return 9;
		};
		add_filter('wu_runcloud_tls_port', $closed);
		$this->map_domain('again.example.com', 2);
		$this->run_domain_events();
		$this->sim->reset_requests();
		$this->run_scheduled_after(31);
		for ($i = 0; $i < 5; $i++) {
			Plugin::instance()->service()->dns_ready('again.example.com');
			$this->run_scheduled_after(31);
		}
		remove_filter('wu_runcloud_tls_port', $closed);

		$this->assertCount(4, $this->certificate_orders(), 'one under Let\'s Encrypt\'s 5 duplicate certificates a week');
		$this->assertSame(0, $this->sim->dns_state()['refused_orders']);
		$this->assertStringContainsString('issued 4 times this week', $this->queue()->held()['again.example.com']['reason']);
	}

	/**
	 * `wp runcloud redeploy-ssl` with the names it was given.
	 *
	 * @param list<string>         $domains    Domains.
	 * @param array<string, mixed> $assoc_args Options.
	 * @return string|null The error it stopped with, or null.
	 */
	private function cli_redeploy(array $domains, array $assoc_args = []): ?string {
		\WP_CLI::$output = [];
		try {
			Plugin::instance()->cli_command('redeploy-ssl')($domains, $assoc_args);
		} catch (\WP_CLI\ExitException $e) {
			return $e->getMessage();
		}
		return null;
	}

	/**
	 * one.example.com points at the server, bad.example.com elsewhere; both
	 * mapped, their events run, the request log cleared.
	 */
	/**
	 * Ultimate Multisite's DNS stage check for a mapped domain runs now (it
	 * runs every dns_check_interval on its own).
	 *
	 * @param string $name Domain.
	 */
	private function ultimate_multisite_checks_dns(string $name): void {
		foreach (wu_get_domains(['number' => 0]) as $domain) {
			if ($name === $domain->get_domain()) {
				do_action('wu_async_process_domain_stage', $domain->get_id(), 0);
			}
		}
	}

	private function map_one_pointing_and_one_elsewhere(): void {
		$this->sim->dns(['bad.example.com' => 'elsewhere']);
		$this->map_domain('one.example.com', 2);
		$this->map_domain('bad.example.com', 2);
		$this->run_domain_events();
		$this->sim->reset_requests();
	}

	public function test_redeploy_ssl_refuses_while_a_covered_name_does_not_point_and_force_orders_anyway(): void {
		$this->map_one_pointing_and_one_elsewhere();

		// Basic SSL: the certificate covers every name, so the good name alone is refused too.
		$error = $this->cli_redeploy(['one.example.com']);
		$this->assertNotNull($error, 'the command stops');
		$this->assertStringContainsString('Nothing ordered', $error);
		$this->assertStringContainsString('bad.example.com: resolves to 192.0.2.1, not to this server (127.0.0.1)', $error);
		$this->assertStringNotContainsString('one.example.com', $error);
		$this->assertStringContainsString('--force', $error);
		$this->assertSame([], $this->certificate_orders(), 'no certificate request');
		$this->assertSame(0, $this->sim->dns_state()['refused_orders']);

		// --force orders: Let's Encrypt refuses it, as the check said.
		$error = $this->cli_redeploy(['one.example.com'], ['force' => true]);
		$this->assertCount(1, $this->certificate_orders());
		$this->assertSame(1, $this->sim->dns_state()['refused_orders']);
		$this->assertSame('The redeploy failed (1 reason above).', $error);

		// Every name points, and Ultimate Multisite has seen it: ordered as before.
		$this->sim->dns(['bad.example.com' => 'server']);
		$this->ultimate_multisite_checks_dns('bad.example.com');
		$this->assertNull($this->cli_redeploy(['one.example.com']));
		$this->assertCount(2, $this->certificate_orders());
		$this->assertContains('bad.example.com', $this->basic_covers());
		$this->assertContains('one.example.com', $this->basic_covers());
	}

	public function test_redeploy_ssl_holds_the_waiting_names_as_the_scheduled_run_would_and_force_orders_them(): void {
		$this->map_one_pointing_and_one_elsewhere();
		$this->assertEqualsCanonicalizing(['bad.example.com', 'one.example.com'], $this->queue()->pending(), 'both wait for the certificate step');

		$error = $this->cli_redeploy([]);
		$this->assertNotNull($error, 'the command stops');
		$this->assertStringStartsWith('No certificate: 2 waiting names are held:', $error);
		$this->assertStringContainsString('bad.example.com: ', $error);
		$this->assertStringContainsString('--force orders anyway', $error);
		$this->assertSame([], $this->certificate_orders());

		// --force orders the waiting names: Let's Encrypt refuses, as the check said.
		$error = $this->cli_redeploy([], ['force' => true]);
		$this->assertCount(1, $this->certificate_orders());
		$this->assertSame(1, $this->sim->dns_state()['refused_orders']);
		$this->assertStringContainsString('the certificate order was refused', $error, 'the refusal, name by name');
		$this->assertStringNotContainsString('--force', $error);
	}

	public function test_redeploy_ssl_in_advanced_ssl_checks_only_the_named_domains(): void {
		$this->sim->ssl(['advancedSSL' => true, 'autoSSL' => false]);
		$this->sim->dns(['late.example.com' => 'missing']);
		$this->map_domain('ready.example.com', 2);
		$this->map_domain('late.example.com', 2);
		$this->run_domain_events();
		$this->sim->reset_requests();

		$error = $this->cli_redeploy(['late.example.com']);
		$this->assertNotNull($error);
		$this->assertStringContainsString('late.example.com: ', $error);
		$this->assertSame([], $this->certificate_orders());

		// The other name's certificate is its own: ordered.
		$this->assertNull($this->cli_redeploy(['ready.example.com']));
		$this->assertCount(1, $this->certificate_orders());
		$covered = array_merge(...array_column($this->sim->state()['ssl']['domains'], 'covers'));
		$this->assertContains('ready.example.com', $covered);
		$this->assertNotContains('late.example.com', $covered);
	}

	public function test_redeploy_ssl_without_a_known_server_address_orders_as_before(): void {
		$this->sim->dns(['bad.example.com' => 'elsewhere']);
		$this->map_domain('bad.example.com', 2);
		$this->run_domain_events();
		remove_filter('wu_get_network_public_ip', $this->network_ip);
		$this->sim->reset_requests();

		$this->cli_redeploy(['bad.example.com']);
		$this->assertCount(1, $this->certificate_orders(), 'no address to check against: the order goes');
	}
}
