<?php
/**
 * Each name converged to what the network wants, whatever the interleaving.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

use WuRunCloud\Plugin\Plugin;
use WuRunCloud\Plugin\Sync\Certificates\Certificate_Queue;
use WuRunCloud\Plugin\Sync\Scheduler;

/**
 * Events, retries and reconciles only name a domain; the desired state is read
 * when it is converged, so a late retry, a second process, a dying process or
 * a process without the extension cannot leave the app with a name the
 * network does not want (or without one it does), and the queues show only
 * what is really pending.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class ConvergenceTest extends Integration_Test_Case {

	private const ADD_FAULT = ['method' => 'POST', 'path_contains' => '/domains'];

	/**
	 * @return list<string>
	 */
	private function waiting_for_certificate(): array {
		wp_cache_flush();
		return Plugin::instance()->settings_page() ? $this->certificate_queue()->pending() : [];
	}

	/**
	 * @return string The network-admin notices, as a network admin sees them.
	 */
	private function notices(): string {
		wp_set_current_user(1);
		ob_start();
		do_action('network_admin_notices');
		wp_set_current_user(0);
		return (string) ob_get_clean();
	}

	/**
	 * @return array<string, mixed> Site Health's pending-retries test.
	 */
	private function site_health(): array {
		$tests = apply_filters('site_status_tests', []);
		return call_user_func($tests['direct']['wu_runcloud_retries']['test']);
	}

	public function test_a_leased_retry_cannot_bring_back_a_name_another_process_removed_meanwhile(): void {
		$this->sim->fault(['kind' => 'status', 'status' => 503, 'count' => 1] + self::ADD_FAULT);
		$this->map_domain('late.example.com', 3);
		$this->run_domain_events();
		$this->assertSame(['late.example.com'], array_keys($this->queued()));

		// While the retry worker converges the name (its lease taken, the
		// mapping read), another process deletes the mapping and runs its event.
		$other = null;
		$hook  = static function ($www) use (&$other) {
			if (null === $other) {
				$other = WordPress_Process::run(
					<<<'PHP'
					\WP_Ultimo\Managers\Domain_Manager::get_instance()->unmap_domain('late.example.com', 3);
					\WP_Ultimo\Test\Async_Queue::run();
					$queue = new \WuRunCloud\Plugin\Sync\Name_Queue(new \WuRunCloud\Plugin\Sync\Scheduler(), \WuRunCloud\Plugin\Plugin::instance()->logger());
					echo json_encode($queue->all()), "\n";
PHP
				);
			}
			return $www;
		};
		add_filter('wu_runcloud_add_www', $hook);
		try {
			$this->run_scheduled_after(60);
		} finally {
			remove_filter('wu_runcloud_add_www', $hook);
		}

		$this->assertSame(0, $other['status'], $other['output'] . $other['errors']);
		$this->assertTrue($other['result']['late.example.com']['dirty'], 'the other process found the name busy and marked it');
		$this->assertNull($this->sim->domain('late.example.com'), 'converged again after the mapping went: not brought back');
		$this->assertSame([], $this->queued());
		$this->assertArrayNotHasKey('late.example.com', $this->managed());
		$this->assertSame([], $this->waiting_for_certificate());
	}

	public function test_two_processes_converging_one_name_at_once_add_it_once(): void {
		$this->map_domain('race.example.com', 5);
		\WP_Ultimo\Test\Async_Queue::clear();
		$start     = microtime(true) + 2.0;
		$processes = [];
		for ($p = 0; $p < 2; $p++) {
			$processes[] = proc_open(
				[PHP_BINARY, WU_TEST_SUITE_DIR . '/bin/wp-run.php'],
				[0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
				$pipes
			);
			fwrite($pipes[0], sprintf("time_sleep_until(%F);\ndo_action('wu_add_domain', 'race.example.com', 5);\necho json_encode(['done' => true]), \"\\n\";", $start));
			fclose($pipes[0]);
			$outputs[] = [$pipes[1], $pipes[2]];
		}
		foreach ($processes as $i => $process) {
			$output = stream_get_contents($outputs[ $i ][0]) . stream_get_contents($outputs[ $i ][1]);
			$this->assertSame(0, proc_close($process), $output);
		}
		// A name marked dirty after its holder finished waits for the queue.
		$this->run_scheduled_after(1);

		$this->assertSame(1, $this->sim->counters()['domains_added']);
		$this->assertSame(1, count(preg_grep('#^POST .*/domains$#', $this->sim->request_lines())), 'one create, whichever process made it');
		$this->assertSame(['network.test', 'race.example.com'], $this->sim->domain_names());
		$this->assertArrayNotHasKey('adding', $this->managed()['race.example.com']);
		$this->assertSame([], $this->queued());
	}

	/**
	 * @return array<string, array{0: bool}>
	 */
	public static function moments_of_death(): array {
		return ['before the add is sent' => [false], 'after the add, before it is recorded' => [true]];
	}

	/**
	 * @dataProvider moments_of_death
	 *
	 * @param bool $after_the_add Whether the process dies after RunCloud added the name.
	 */
	#[\PHPUnit\Framework\Attributes\DataProvider('moments_of_death')]
	public function test_a_process_killed_mid_convergence_leaves_the_name_to_a_retry(bool $after_the_add): void {
		$this->map_domain('killed.example.com', 4);
		\WP_Ultimo\Test\Async_Queue::clear();
		$run = WordPress_Process::run(
			sprintf(
				<<<'PHP'
				$after = %s;
				// Dies as the record before the add (adding) or after it is written.
				add_action(
					'wu_runcloud_managed_domain_writing',
					static function ($name, $entry) use ($after) {
						if ('killed.example.com' === $name && $after === empty($entry['adding'])) {
							exit(3);
						}
					},
					10,
					2
				);
				do_action('wu_add_domain', 'killed.example.com', 4);
PHP
				,
				var_export($after_the_add, true)
			)
		);
		$this->assertSame(3, $run['status'], $run['output'] . $run['errors']);
		$this->assertSame($after_the_add ? 1 : 0, $this->sim->counters()['domains_added']);
		$queued = $this->queued();
		$this->assertSame(['killed.example.com'], array_keys($queued), 'the name outlived its process');
		$this->assertSame(1, $queued['killed.example.com']['attempts']);
		$this->assertSame(0, $this->run_scheduled_after(290), 'it comes back once its lease runs out');

		$this->run_scheduled_after(10);

		$this->assertSame([], $this->queued());
		$this->assertSame(['killed.example.com', 'network.test'], $this->sim->domain_names());
		$this->assertSame(1, $this->sim->counters()['domains_added'], 'added once');
		$this->assertIsInt($this->managed()['killed.example.com']['id'], 'recorded as this integration\'s, with its id');
		$this->assertSame(['killed.example.com'], $this->waiting_for_certificate());
	}

	public function test_reconcile_now_clears_the_retry_it_settled_from_the_page_notice_and_site_health(): void {
		$this->sim->fault(['kind' => 'status', 'status' => 503, 'count' => 1] + self::ADD_FAULT);
		$this->map_domain('waiting.example.com', 2);
		$this->run_domain_events();
		$this->assertStringContainsString('1 operation is waiting for a retry.', $this->notices());
		$this->assertSame('recommended', $this->site_health()['status']);

		$this->reconcile_now();

		$this->assertNotNull($this->sim->domain('waiting.example.com'));
		$this->assertSame([], $this->queued());
		$this->assertStringNotContainsString('waiting for a retry', $this->notices());
		$this->assertSame('good', $this->site_health()['status']);
		$this->assertNull(Queue_Runner::next('wu_runcloud_retry'), 'no retry run left for it');
	}

	public function test_a_reconcile_clears_the_certificate_waits_it_settled(): void {
		// pruned.example.com was added by this integration and waits for its
		// certificate when its mapping goes (the removal event never ran).
		$this->map_domain('pruned.example.com', 2);
		$this->run_domain_events();
		$this->unmap_domain('pruned.example.com', 2);
		\WP_Ultimo\Test\Async_Queue::clear();
		$this->assertSame(['pruned.example.com'], $this->waiting_for_certificate());

		$this->reconcile_now(false, true);

		$this->assertNull($this->sim->domain('pruned.example.com'));
		$this->assertSame([], $this->waiting_for_certificate(), 'a pruned name waits for nothing');

		// A name the reconcile adds joins the names waiting; in basic SSL one
		// redeploy of the certificate step covers them all.
		$this->map_domain('first.example.com', 2);
		$this->run_domain_events();
		$this->map_domain('second.example.com', 2);
		\WP_Ultimo\Test\Async_Queue::clear();
		$this->reconcile_now();
		$this->assertSame(0, $this->sim->counters()['redeploys'], 'no order within the reconcile');
		$this->assertSame(['first.example.com', 'second.example.com'], $this->waiting_for_certificate());
		// Ultimate Multisite's DNS stage, whose run was cleared with the event, passes.
		foreach (wu_get_domains(['domain' => 'second.example.com']) as $domain) {
			do_action('wu_async_process_domain_stage', $domain->get_id(), 0);
		}
		$this->run_scheduled_after(31);

		$this->assertSame(1, $this->sim->counters()['redeploys']);
		$this->assertSame([], $this->waiting_for_certificate());
		$this->assertSame([], $this->certificate_queue()->pending());
	}

	public function test_a_name_mapped_again_while_a_pruning_reconcile_runs_stays(): void {
		$this->map_domain('again.example.com', 9);
		$this->run_domain_events();
		$this->unmap_domain('again.example.com', 9);
		\WP_Ultimo\Test\Async_Queue::clear();

		// The reconcile read the network; then the mapping is made again
		// (its event not run yet) and the reconcile goes on with what it read.
		$read = false;
		$hook = function ($wanted) use (&$read) {
			if (! $read) {
				$read = true;
				$this->map_domain('again.example.com', 9);
				\WP_Ultimo\Test\Async_Queue::clear();
			}
			return $wanted;
		};
		add_filter('wu_runcloud_wanted_domains', $hook);
		try {
			$report = $this->reconcile_now(false, true);
		} finally {
			remove_filter('wu_runcloud_wanted_domains', $hook);
		}

		$this->assertSame(['again.example.com'], $report['to_remove'], 'planned on what it had read');
		$this->assertNotNull($this->sim->domain('again.example.com'), 'converged on what the network wants now');
		$this->assertSame([], preg_grep('/^DELETE /', $this->sim->request_lines()), 'never removed');
		$this->assertArrayHasKey('again.example.com', $this->managed());
		$this->assertSame([], $this->queued());
	}

	public function test_overlapping_certificate_leases_keep_each_others_names(): void {
		$queue = $this->certificate_queue();
		$queue->request('one.example.com');
		$queue->request('two.example.com');
		$this->assertSame(['one.example.com', 'two.example.com'], $queue->take('first'));
		$queue->request('three.example.com');

		$this->assertSame(['three.example.com'], $queue->take('second'), 'the second process takes only what came later');
		$queue->done('second');
		$this->assertSame(['one.example.com', 'two.example.com'], $queue->pending(), 'ending its lease left the first one\'s names');
		$this->assertSame([], $queue->take('third'), 'nothing to take while the first lease holds');

		// The first process died: its names come back when its lease ends.
		Queue_Runner::fast_forward(Certificate_Queue::LEASE);
		$this->assertSame(['one.example.com', 'two.example.com'], $queue->take('fourth'));
		$queue->done('first');
		$this->assertSame(['one.example.com', 'two.example.com'], $queue->pending(), 'a late done() of the dead lease takes nothing away');
		$queue->done('fourth');
		$this->assertSame([], $queue->pending());
	}

	public function test_a_queue_run_in_a_php_without_the_extension_leaves_the_queues_intact(): void {
		$this->sim->fault(['kind' => 'status', 'status' => 503, 'count' => 1] + self::ADD_FAULT);
		$this->map_domain('queued.example.com', 2);
		$this->map_domain('certified.example.com', 2);
		$this->run_domain_events();
		$before = [$this->queued(), $this->waiting_for_certificate()];
		$this->assertSame(['queued.example.com'], array_keys($before[0]));
		$this->assertSame(['certified.example.com'], $before[1]);

		$run = WordPress_Process::run(
			<<<'PHP'
			\WuRunCloud\Tests\Queue_Runner::fast_forward(60);
			echo json_encode(['ran' => \WuRunCloud\Tests\Queue_Runner::run_due(), 'loaded' => extension_loaded('wu_runcloud')]), "\n";
PHP
			,
			WordPress_Process::without_extension()
		);

		$this->assertSame(0, $run['status'], $run['output'] . $run['errors']);
		$this->assertFalse($run['result']['loaded']);
		$this->assertGreaterThanOrEqual(2, $run['result']['ran'], 'both runs came due there');
		$queued = $this->queued();
		$this->assertSame(['queued.example.com'], array_keys($queued), 'still queued');
		$this->assertSame(1, $queued['queued.example.com']['attempts'], 'no attempt spent');
		$this->assertSame('', $queued['queued.example.com']['lease']);
		$this->assertSame(['certified.example.com'], $this->waiting_for_certificate(), 'the batch is still waiting');
		$this->assertNotNull(Queue_Runner::next('wu_runcloud_retry'), 'a run is scheduled for a process that can');
		$this->assertNotNull(Queue_Runner::next('wu_runcloud_redeploy_ssl'));

		$this->run_scheduled_after(60);

		$this->assertSame([], $this->queued());
		$this->assertNotNull($this->sim->domain('queued.example.com'));
		$this->run_scheduled_after(31);
		$this->assertSame([], $this->waiting_for_certificate());
		$this->assertGreaterThanOrEqual(1, $this->sim->counters()['redeploys']);
	}

	public function test_queued_work_is_scheduled_again_after_deactivation_and_reactivation(): void {
		require_once ABSPATH . 'wp-admin/includes/plugin.php';
		$this->sim->fault(['kind' => 'status', 'status' => 503, 'count' => 1] + self::ADD_FAULT);
		$this->map_domain('paused.example.com', 2);
		$this->map_domain('certified.example.com', 2);
		$this->run_domain_events();
		$this->assertNotNull(Queue_Runner::next('wu_runcloud_retry'));

		deactivate_plugins('wu-runcloud/wu-runcloud.php', false, true);
		try {
			$this->assertNull(Queue_Runner::next('wu_runcloud_retry'), 'no run fires into an inactive plugin');
			$this->assertNull(Queue_Runner::next('wu_runcloud_redeploy_ssl'));
			$this->assertSame(['paused.example.com'], array_keys($this->queued()), 'the names stay');
		} finally {
			$activated = activate_plugin('wu-runcloud/wu-runcloud.php', '', true);
		}
		$this->assertNull($activated);
		$this->assertNotNull(Queue_Runner::next('wu_runcloud_retry'), 'reactivation schedules the retry run again');
		$this->assertNotNull(Queue_Runner::next('wu_runcloud_redeploy_ssl'), 'and the certificate run');

		$this->run_scheduled_after(60);
		$this->run_scheduled_after(31);

		$this->assertSame([], $this->queued());
		$this->assertNotNull($this->sim->domain('paused.example.com'));
		$this->assertSame([], $this->waiting_for_certificate());
	}

	public function test_stored_and_shown_errors_carry_no_secret(): void {
		$message = 'Down for test-token -----BEGIN PRIVATE KEY----- MIIEvQIBADANBg -----END PRIVATE KEY-----';
		$this->sim->fault(['kind' => 'status', 'status' => 503, 'message' => $message] + self::ADD_FAULT);
		$this->map_domain('secret.example.com', 2);
		$this->run_domain_events();

		$stored = (string) wp_json_encode($this->queued());
		$health = $this->site_health()['description'];
		wp_set_current_user(1);
		ob_start();
		Plugin::instance()->settings_page()->render();
		$page = (string) ob_get_clean();
		wp_set_current_user(0);
		$this->assertStringContainsString('RunCloud answered HTTP 503', $stored);
		$this->assertStringContainsString('RunCloud answered HTTP 503', $health);
		foreach (['test-token', 'BEGIN PRIVATE KEY', 'MIIEvQIBADANBg'] as $canary) {
			$this->assertStringNotContainsString($canary, $stored, 'stored');
			$this->assertStringNotContainsString($canary, $health, 'Site Health');
			$this->assertStringNotContainsString($canary, $page, 'the page');
		}
	}

	public function test_a_new_sites_two_events_make_one_create_and_its_deletion_one_removal(): void {
		$site_id = $this->create_site('both');
		\WP_Ultimo\Test\Async_Queue::clear();
		$this->sim->reset_requests();

		// Ultimate Multisite's order (2.4.10 and 2.5): the host as a subdomain,
		// then as the site's primary domain record.
		do_action('wu_add_subdomain', 'both.network.test', $site_id);
		do_action('wu_add_domain', 'both.network.test', $site_id);

		$this->assertSame(1, $this->sim->counters()['domains_added']);
		$this->assertSame(1, count(preg_grep('#^POST #', $this->sim->request_lines())), 'exactly one create');
		$this->assertLessThanOrEqual(2, count($this->sim->request_lines()), 'the wildcard check and the create: ' . implode(', ', $this->sim->request_lines()));
		$this->assertSame(1, Queue_Runner::pending_count('wu_runcloud_redeploy_ssl'));

		wp_delete_site($site_id);
		\WP_Ultimo\Test\Async_Queue::clear();
		$this->sim->reset_requests();
		do_action('wu_remove_domain', 'both.network.test', $site_id);
		do_action('wu_remove_subdomain', 'both.network.test', $site_id);

		$this->assertSame(1, $this->sim->counters()['domains_deleted']);
		$this->assertSame(1, count(preg_grep('#^DELETE #', $this->sim->request_lines())), 'exactly one removal');
		$this->assertLessThanOrEqual(2, count($this->sim->request_lines()), 'by the id kept from the add: ' . implode(', ', $this->sim->request_lines()));
		$this->assertSame(['network.test'], $this->sim->domain_names());
		$this->assertSame([], $this->queued());
	}

	public function test_a_first_reconcile_of_two_thousand_names_writes_its_records_once_and_few_options(): void {
		// Records that were there before the plugin: rows of the stand-in's domain table, no events.
		$rows = [];
		for ($i = 1; $i <= 2000; $i++) {
			$rows[ $i ] = ['id' => $i, 'blog_id' => 2, 'domain' => sprintf('n%04d.example.com', $i - 1), 'active' => true, 'primary_domain' => false, 'secure' => false, 'stage' => 'done'];
		}
		update_network_option(null, 'wu_test_domains', $rows);
		$writes = [];
		$count  = static function ($option) use (&$writes) {
			$writes[ $option ] = ($writes[ $option ] ?? 0) + 1;
		};
		add_action('add_site_option', $count);
		add_action('update_site_option', $count);
		try {
			$report = $this->reconcile_now();
		} finally {
			remove_action('add_site_option', $count);
			remove_action('update_site_option', $count);
		}

		$this->assertCount(2000, $report['added']);
		$this->assertCount(2000, $this->managed());
		$this->assertArrayNotHasKey('wu_runcloud_managed_domains', $writes, 'a row a name in its table, not an option rewritten');
		$this->assertSame(1, $writes['wu_runcloud_last_reconcile'] ?? 0);
		$this->assertLessThanOrEqual(5, $writes['wu_runcloud_reconcile_walk'] ?? 0, 'the walk is stored once a run, not once a name');
		$ours = array_filter(
			$writes,
			static function ($option) {
				return 0 === strpos($option, 'wu_runcloud_');
			},
			ARRAY_FILTER_USE_KEY
		);
		// Each name is converged on its own: it passes through the queue of
		// names and the certificate batch, and the view counts it.
		$this->assertLessThanOrEqual(3 * 2000 + 10, array_sum($ours), 'a few writes a name, no more: ' . wp_json_encode($ours));
	}
}
