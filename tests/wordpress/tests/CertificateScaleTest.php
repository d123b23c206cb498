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
		return array_values(preg_grep('#^(PUT|POST) \S*/ssl#', $this->sim->request_lines()));
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
		$this->assertSame(['one-too-many.example.com'], (new \WuRunCloud\Plugin\Sync\Certificate_Queue(new \WuRunCloud\Plugin\Scheduler(), Plugin::instance()->logger()))->pending(), 'the name waits');

		$health = $this->site_health();
		$this->assertSame('critical', $health['status']);
		$this->assertSame('The web app has 103 names; one basic certificate holds at most 100', $health['label']);
		$this->assertStringContainsString('advanced SSL', $health['description']);

		Plugin::instance()->cli_command()->status();
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
}
