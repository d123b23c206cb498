<?php
/**
 * Certificates after domain changes, in each of RunCloud's SSL modes.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

/**
 * Basic SSL: one redeploy of the app's certificate a batch. Advanced SSL: one
 * certificate a new name. AutoSSL: nothing to do. A failed redeploy is retried.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class CertificateTest extends Integration_Test_Case {

	public function test_advanced_ssl_installs_one_certificate_per_new_name(): void {
		$this->sim->ssl(['advancedSSL' => true, 'autoSSL' => false]);
		foreach (['adv-1.example.com', 'adv-2.example.com', 'adv-3.example.com'] as $domain) {
			$this->map_domain($domain, 2);
		}
		$this->run_domain_events();
		$this->run_scheduled_after(31);

		$state   = $this->sim->state();
		$covered = array_merge(...array_column($state['ssl']['domains'], 'covers'));
		$this->assertCount(3, $state['ssl']['domains'], 'one certificate a new name');
		foreach (['adv-1.example.com', 'www.adv-1.example.com', 'adv-2.example.com', 'adv-3.example.com'] as $name) {
			$this->assertContains($name, $covered);
		}
		$this->assertCount(3, preg_grep('/^redeploy_ssl adv-\d\.example\.com: advanced SSL, installed /', $this->log_lines('info')));
		$this->assertSame([], $this->log_lines('error'));
	}

	public function test_with_auto_ssl_runcloud_is_left_to_do_it(): void {
		$this->sim->ssl(['advancedSSL' => true, 'autoSSL' => true]);
		$this->map_domain('auto.example.com', 2);
		$this->map_domain('auto-2.example.com', 2);
		$this->run_domain_events();
		$this->sim->reset_requests();
		$this->run_scheduled_after(31);

		$this->assertSame([], preg_grep('#^(POST|PUT|PATCH) #', $this->sim->request_lines()), 'no certificate request');
		$this->assertCount(1, preg_grep('/^redeploy_ssl auto\.example\.com: advanced SSL, auto for 2 new name\(s\): AutoSSL is on/', $this->log_lines('info')));
	}

	public function test_a_failed_redeploy_is_retried(): void {
		$this->sim->fault(['kind' => 'status', 'status' => 503, 'message' => 'Service Unavailable', 'method' => 'PUT']);
		$this->map_domain('cert.example.com', 2);
		$this->run_domain_events();
		$this->run_scheduled_after(31);

		$this->assertSame(0, $this->sim->counters()['redeploys']);
		$this->assertSame([], $this->queued(), 'the queue of names is for names, not certificates');
		$this->assertSame(['cert.example.com'], $this->certificate_queue()->pending(), 'the name waits again');
		$this->assertSame(0, (int) \WuRunCloud\Plugin\Sync\Certificates\Certificate_Queue::table()->value("SELECT COUNT(*) FROM {table} WHERE lease <> ''"), 'the lease of the failed run ended');
		$this->assertSame(['attempts' => 1, 'error' => 'RunCloud answered HTTP 503, "Service Unavailable": RunCloud had trouble on its side; it usually passes by itself.'], $this->certificate_queue()->failure());
		wp_set_current_user(1);
		ob_start();
		\WuRunCloud\Plugin\Plugin::instance()->settings_page()->render();
		$page = (string) ob_get_clean();
		wp_set_current_user(0);
		$this->assertStringContainsString('Waiting for a certificate redeploy: cert.example.com.', $page);
		$this->assertStringContainsString('The last certificate redeploy failed (1 attempt so far): RunCloud answered HTTP 503', $page);
		$this->assertSame(0, $this->run_scheduled_after(55), 'the retry waits a minute');

		$this->run_scheduled_after(5);

		$this->assertSame(1, $this->sim->counters()['redeploys']);
		$this->assertSame([], $this->queued());
	}

	public function test_names_behind_a_failed_advanced_redeploy_come_along_with_its_retry(): void {
		$this->sim->ssl(['advancedSSL' => true, 'autoSSL' => false]);
		$this->sim->fault(['kind' => 'status', 'status' => 503, 'method' => 'POST', 'path_contains' => '/ssl']);
		foreach (['wait-1.example.com', 'wait-2.example.com', 'wait-3.example.com'] as $domain) {
			$this->map_domain($domain, 2);
		}
		$this->run_domain_events();
		$this->run_scheduled_after(31);

		$this->assertSame([], $this->sim->state()['ssl']['domains'], 'RunCloud failed on the first name');
		$this->assertSame(['wait-1.example.com', 'wait-2.example.com', 'wait-3.example.com'], $this->certificate_queue()->pending(), 'all three wait');
		$this->assertSame(1, count(preg_grep('#^POST .*/ssl$#', $this->sim->request_lines())), 'no hammering of a failing RunCloud');

		$this->run_scheduled_after(60);

		$covered = array_merge(...array_column($this->sim->state()['ssl']['domains'], 'covers'));
		foreach (['wait-1.example.com', 'wait-2.example.com', 'wait-3.example.com'] as $domain) {
			$this->assertContains($domain, $covered);
		}
		$this->assertSame([], $this->queued());
		$this->assertSame([], $this->certificate_queue()->pending());
		$this->assertSame(['attempts' => 0, 'error' => ''], $this->certificate_queue()->failure());
	}

	public function test_names_of_a_redeploy_whose_process_dies_join_the_next_one(): void {
		$this->sim->ssl(['advancedSSL' => true, 'autoSSL' => false]);
		foreach (['lost-1.example.com', 'lost-2.example.com', 'lost-3.example.com'] as $domain) {
			$this->map_domain($domain, 2);
		}
		$this->run_domain_events();

		// The process dies right after the first certificate.
		$run = WordPress_Process::run(
			<<<'PHP'
			add_action('wu_runcloud_log', static function ($level, $message) {
				if (0 === strpos($message, 'redeploy_ssl ')) {
					exit(3);
				}
			}, 10, 2);
			\WuRunCloud\Tests\Queue_Runner::fast_forward(31);
			\WuRunCloud\Tests\Queue_Runner::run_due();
PHP
		);
		$this->assertSame(3, $run['status'], $run['output'] . $run['errors']);
		$this->assertCount(1, $this->sim->state()['ssl']['domains']);
		wp_cache_flush();
		$this->assertSame(0, $this->run_scheduled_after(290), 'the batch is leased for five minutes');

		$this->run_scheduled_after(10);

		$covered = array_merge(...array_column($this->sim->state()['ssl']['domains'], 'covers'));
		foreach (['lost-1.example.com', 'lost-2.example.com', 'lost-3.example.com'] as $domain) {
			$this->assertContains($domain, $covered);
		}
		$this->assertSame([], $this->certificate_queue()->pending());
		$this->assertSame(['attempts' => 0, 'error' => ''], $this->certificate_queue()->failure());
		$this->assertNull(Queue_Runner::next('wu_runcloud_redeploy_ssl'), 'nothing left scheduled');
	}

	public function test_removing_a_name_before_the_redeploy_takes_it_out_of_the_batch(): void {
		$this->sim->ssl(['advancedSSL' => true, 'autoSSL' => false]);
		$this->map_domain('keep.example.com', 2);
		$this->map_domain('drop.example.com', 2);
		$this->run_domain_events();
		$this->unmap_domain('drop.example.com', 2);
		$this->run_domain_events();
		$this->run_scheduled_after(31);

		$this->assertCount(1, $this->sim->state()['ssl']['domains']);
		$this->assertSame([], preg_grep('/drop\.example\.com/', preg_grep('/^redeploy_ssl/', $this->log_lines('info'))));
	}
}
