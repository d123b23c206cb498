<?php
/**
 * Certificates at real scale: Let's Encrypt's 100 names, Ultimate Multisite's DNS verdict.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

use WuRunCloud\Plugin\Plugin;

/**
 * A basic certificate covers every name of the web app and holds at most 100
 * (Let's Encrypt's names per certificate): past that nothing is ordered and
 * the operator is told, with the numbers, on every surface. Where the plugin
 * cannot check DNS itself (no server address known, as in these tests),
 * Ultimate Multisite's own DNS stage decides: a name its record still shows
 * as checking-dns gets no order.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class CertificateScaleTest extends Integration_Test_Case {

	protected function setUp(): void {
		parent::setUp();
		\WP_CLI::$output = [];
	}

	/**
	 * The PUT/POST certificate requests RunCloud received.
	 *
	 * @return list<string>
	 */
	private function certificate_orders(): array {
		// The mode switch (POST .../ssl/advanced) is no order.
		return array_values(preg_grep('#^(PUT|POST) \S*/ssl(?!/advanced$)#', $this->sim->request_lines()));
	}

	/**
	 * $count customer domains with their www variants on the app, read by the plugin.
	 *
	 * @param int $count Domains.
	 */
	private function app_with_domains_and_www(int $count): void {
		$this->sim->seed(
			array_map(
				static function ($n) {
					return ['name' => sprintf('customer-%03d.example.com', $n), 'www' => true];
				},
				range(1, $count)
			)
		);
		$this->read_the_app();
		Plugin::instance()->service()->ssl_mode();
	}

	/**
	 * The plugin's Site Health test of the basic certificate's size.
	 *
	 * @return array<string, mixed>
	 */
	private function site_health(): array {
		$tests = apply_filters('site_status_tests', ['direct' => [], 'async' => []]);
		return call_user_func($tests['direct']['wu_runcloud_certificate_ceiling']['test']);
	}

	public function test_a_basic_app_past_100_names_orders_nothing_and_says_why(): void {
		// The primary, 50 domains with www, and the new one with www: 103 names.
		$this->app_with_domains_and_www(50);
		$this->map_domain('one-too-many.example.com', 2);
		$this->run_domain_events();

		$this->run_scheduled_after(31);

		$this->assertSame([], $this->certificate_orders(), 'no order Let\'s Encrypt would refuse');
		$this->assertSame(0, $this->sim->dns_state()['refused_orders']);
		$why = 'this web app has 103 names; one basic certificate holds at most 100 (Let\'s Encrypt\'s limit), so no certificate can cover them: switch the web app to advanced SSL';
		$this->assertNotEmpty(preg_grep('/' . preg_quote($why, '/') . '/', $this->log_lines('warning')), implode("\n", $this->log_lines('warning')));
		$this->assertSame(['one-too-many.example.com'], $this->certificate_queue()->pending(), 'the name waits');

		$health = $this->site_health();
		$this->assertSame('critical', $health['status']);
		$this->assertSame('The web app has 103 names; one basic certificate holds at most 100', $health['label']);
		$this->assertStringContainsString('advanced SSL', $health['description']);

		Plugin::instance()->cli_command('status')();
		$this->assertNotEmpty(preg_grep('/^Basic SSL certificate:\s+CRITICAL: this web app has 103 names; one basic certificate holds at most 100/', array_column(\WP_CLI::$output, 1)));
	}

	public function test_from_80_names_site_health_advises_advanced_ssl(): void {
		// The primary and 40 domains with www: 81 names.
		$this->app_with_domains_and_www(40);

		$health = $this->site_health();

		$this->assertSame('recommended', $health['status']);
		$this->assertSame('The web app has 81 names, close to the 100 one basic certificate holds', $health['label']);
	}

	public function test_a_small_basic_app_is_good_and_ordered_as_before(): void {
		$this->app_with_domains_and_www(3);
		$this->map_domain('fine.example.com', 2);
		$this->run_domain_events();
		$this->run_scheduled_after(31);

		$this->assertCount(1, $this->certificate_orders());
		$this->assertSame('good', $this->site_health()['status']);
	}

	public function test_without_its_own_dns_check_ultimate_multisites_checking_dns_holds_the_order(): void {
		// Ultimate Multisite's own check fails for now (its public-IP lookup failed, say).
		remove_filter('wu_domain_has_correct_dns', '__return_true');
		$this->map_domain('pending.example.com', 2);
		$this->run_domain_events();
		$this->assertNotNull($this->sim->domain('pending.example.com'), 'the name is added at once');

		$this->run_scheduled_after(31);
		$this->assertSame([], $this->certificate_orders(), 'no order while Ultimate Multisite says checking-dns');
		$this->assertNotEmpty(preg_grep('/pending\.example\.com Ultimate Multisite has not seen its DNS point at the network yet/', $this->log_lines('warning')));

		// Ultimate Multisite's next check finds the DNS: its event lets the order go.
		add_filter('wu_domain_has_correct_dns', '__return_true');
		\WP_Ultimo\Test\Async_Queue::run_scheduled(time() + 300);
		$this->run_scheduled_after(31);
		$this->assertCount(1, $this->certificate_orders());
		$this->assertContains('pending.example.com', (array) $this->sim->state()['ssl']['basic']['covers']);
	}

	/**
	 * Sends the ledger's orders $seconds into the past, as if that time had passed.
	 *
	 * @param int $seconds Seconds.
	 */
	private function orders_age(int $seconds): void {
		global $wpdb;
		$wpdb->query($wpdb->prepare('UPDATE `' . $wpdb->base_prefix . \WuRunCloud\Plugin\Sync\Certificates\Order_Ledger::TABLE . '` SET sent_at = sent_at - %d', $seconds)); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.DirectDatabaseQuery
	}

	/**
	 * The names waiting for a certificate, with why.
	 *
	 * @return array<string, array{until: int, reason: string}>
	 */
	private function held(): array {
		return $this->certificate_queue()->held();
	}

	public function test_advanced_orders_never_pass_the_accounts_budget_and_go_when_it_comes_back(): void {
		$this->sim->ssl(['advancedSSL' => true]);
		$budget = static function () {
			return 2;
		};
		add_filter('wu_runcloud_letsencrypt_orders_per_3_hours', $budget);
		try {
			foreach (['one', 'two', 'three'] as $name) {
				$this->map_domain("$name.example.org", 2);
			}
			$this->run_domain_events();
			$this->run_scheduled_after(31);

			$this->assertCount(2, $this->certificate_orders(), 'two orders: the budget');
			$this->assertSame(['three.example.org'], array_keys($this->held()));
			$this->assertStringContainsString('waits for Let\'s Encrypt\'s budget of 2 new orders per account in 3 hours, all used; it goes after', $this->held()['three.example.org']['reason']);
			$health = call_user_func(apply_filters('site_status_tests', ['direct' => [], 'async' => []])['direct']['wu_runcloud_certificate_budgets']['test']);
			$this->assertSame('recommended', $health['status']);
			$this->assertSame('1 name waits for Let\'s Encrypt\'s budgets', $health['label']);
			$this->assertStringContainsString('three.example.org: goes after', $health['description']);

			// Three hours later the budget is back: the name goes with the recheck.
			$this->orders_age(3 * HOUR_IN_SECONDS + 1);
			$this->run_scheduled_after(3 * HOUR_IN_SECONDS + 60);
			$this->assertCount(3, $this->certificate_orders());
			$this->assertSame([], $this->held());
			$this->assertSame(0, $this->sim->dns_state()['refused_orders']);
		} finally {
			remove_filter('wu_runcloud_letsencrypt_orders_per_3_hours', $budget);
		}
	}

	public function test_advanced_orders_never_pass_a_registered_domains_weekly_budget(): void {
		$this->sim->ssl(['advancedSSL' => true]);
		$budget = static function () {
			return 2;
		};
		add_filter('wu_runcloud_letsencrypt_certificates_per_domain_per_week', $budget);
		try {
			foreach (['a.example.org', 'b.example.org', 'c.example.org', 'shop.other.example'] as $name) {
				$this->map_domain($name, 2);
			}
			$this->run_domain_events();
			$this->run_scheduled_after(31);

			$this->assertCount(3, $this->certificate_orders(), 'two under example.org, one under other.example');
			$this->assertSame(['c.example.org'], array_keys($this->held()));
			$this->assertStringContainsString('new certificates per registered domain in 7 days, all used for example.org', $this->held()['c.example.org']['reason']);
		} finally {
			remove_filter('wu_runcloud_letsencrypt_certificates_per_domain_per_week', $budget);
		}
	}

	public function test_ssl_mode_shows_what_a_switch_means_and_switches_only_with_yes(): void {
		$this->app_with_domains_and_www(50);
		$cli = Plugin::instance()->cli_command('ssl-mode');

		try {
			$cli(['basic'], []);
		} catch (\WP_CLI\ExitException $e) {
			$this->assertStringContainsString('Not switched', $e->getMessage());
		}

		\WP_CLI::$output = [];
		$cli(['advanced'], ['dry-run' => true]);
		$said = implode("\n", array_column(\WP_CLI::$output, 1));
		$this->assertStringContainsString('51 domains each get a certificate of their own: 51 orders', $said);
		$this->assertStringContainsString('50 of them are under example.com', $said);
		$this->assertStringContainsString('Nothing changed; run again with --yes to switch.', $said);
		$this->assertFalse($this->sim->state()['ssl']['advancedSSL'] ?? false, 'a dry run switches nothing');

		$cli(['advanced'], ['yes' => true]);
		$this->assertContains('The web app is in advanced SSL now.', array_column(\WP_CLI::$output, 1));
		$this->run_scheduled_after(31);
		$this->assertCount(51, $this->certificate_orders(), 'every domain ordered, within the budgets');
		$this->assertSame(0, $this->sim->dns_state()['refused_orders']);
	}

	public function test_site_hosts_near_the_networks_weekly_budget_bring_the_wildcard_advice(): void {
		$this->sim->ssl(['advancedSSL' => true]);
		Plugin::instance()->service()->ssl_mode();
		$ledger = new \WuRunCloud\Plugin\Sync\Certificates\Order_Ledger();
		for ($i = 0; $i < 39; $i++) {
			$ledger->record(['network.test'], true);
		}
		$test = apply_filters('site_status_tests', ['direct' => [], 'async' => []])['direct']['wu_runcloud_certificate_budgets']['test'];
		$this->assertSame('good', call_user_func($test)['status'], '39 this week');

		$ledger->record(['network.test'], true);
		$health = call_user_func($test);

		$this->assertSame('recommended', $health['status']);
		$this->assertSame('Site hosts are close to Let\'s Encrypt\'s weekly budget', $health['label']);
		$this->assertStringContainsString('40 new certificates were ordered under network.test in the last 7 days', $health['description']);
		$this->assertStringContainsString('wildcard domain', $health['description']);
	}

	public function test_advanced_orders_never_pass_the_weekly_budget_for_the_same_names(): void {
		$this->sim->ssl(['advancedSSL' => true]);
		$ledger = new \WuRunCloud\Plugin\Sync\Certificates\Order_Ledger();
		for ($i = 0; $i < 4; $i++) {
			$ledger->record(['example.org'], true, ['again.example.org']);
		}
		$this->map_domain('again.example.org', 2);
		$this->map_domain('fresh.example.org', 2);
		$this->run_domain_events();
		$this->run_scheduled_after(31);

		$this->assertCount(1, $this->certificate_orders(), 'fresh.example.org only');
		$this->assertSame(['again.example.org'], array_keys($this->held()));
		$this->assertStringContainsString('5 certificates for the same names in 7 days: 4 issued this week', $this->held()['again.example.org']['reason']);
	}

	public function test_a_new_sites_host_goes_at_once_whatever_ultimate_multisites_dns_stage_says(): void {
		// Ultimate Multisite's own check fails, and 2.5 keeps a domain record for a site's host too.
		remove_filter('wu_domain_has_correct_dns', '__return_true');
		$this->create_site('hosted');
		$this->run_domain_events();
		$this->run_scheduled_after(31);

		$this->assertCount(1, $this->certificate_orders(), 'the network\'s own DNS serves its sites\' hosts');
		$this->assertContains('hosted.network.test', (array) $this->sim->state()['ssl']['basic']['covers']);
	}
}
