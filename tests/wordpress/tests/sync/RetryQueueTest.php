<?php
/**
 * The durable retry queue.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

use WuRunCloud\Plugin\Plugin;

/**
 * A failure that may pass (503, 429, a timeout) is queued in the plugin's
 * table and retried with backoff through Action Scheduler (architecture b, whose
 * stand-in is loaded) or WP-Cron (architecture a), across PHP processes,
 * until it succeeds or runs out of attempts; other failures are not retried;
 * the latest intent for a name wins.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class RetryQueueTest extends Integration_Test_Case {

	private const ADD_FAULT = ['method' => 'POST', 'path_contains' => '/domains'];

	/**
	 * A new process runs the due retry and dies in the middle of the operation
	 * (exit status 3).
	 */
	private const DIE_DURING_RETRY = <<<'PHP'
		add_filter('wu_runcloud_add_www', static function () { exit(3); });
		\WuRunCloud\Tests\Queue_Runner::fast_forward(60);
		\WuRunCloud\Tests\Queue_Runner::run_due();
PHP;

	public function test_a_change_of_one_name_writes_its_row_alone(): void {
		$queue = $this->name_queue();
		for ($i = 0; $i < 100; $i++) {
			$queue->failed(sprintf('n%03d.example.com', $i), 2, false, 'add_domain', 'test', '');
		}
		$writes = $this->statements_of(
			'/^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i',
			static function () use ($queue) {
				$queue->request('n050.example.com', 2, false);
			}
		);

		$rows = array_values(preg_grep('/' . preg_quote(\WuRunCloud\Plugin\Sync\Name_Queue::table()->name(), '/') . '/', $writes));
		$this->assertCount(1, $rows, 'one statement: ' . implode("\n", $writes));
		$this->assertStringContainsString("'n050.example.com'", $rows[0]);
		$this->assertStringNotContainsString('n049', $rows[0], 'the name\'s row alone');
		$this->assertTrue($this->queued()['n050.example.com']['dirty']);
		$this->assertCount(100, $this->queued());
	}

	public function test_a_503_is_queued_and_retried_until_it_passes(): void {
		$this->sim->fault(['kind' => 'status', 'status' => 503, 'message' => 'Service Unavailable', 'count' => 2] + self::ADD_FAULT);
		$this->map_domain('later.example.com', 6);
		$this->run_domain_events();

		$queued = $this->queued();
		$this->assertSame(['later.example.com'], array_keys($queued));
		$this->assertSame('add_domain', $queued['later.example.com']['operation']);
		$this->assertSame(6, $queued['later.example.com']['site_id']);
		$this->assertSame(1, $queued['later.example.com']['attempts']);
		$this->assertSame('RunCloud answered HTTP 503, "Service Unavailable": RunCloud had trouble on its side; it usually passes by itself.', $queued['later.example.com']['error']);
		$this->assertContains('add_domain later.example.com (site 6): attempt 1 failed, will retry: RunCloud answered HTTP 503, "Service Unavailable": RunCloud had trouble on its side; it usually passes by itself.', $this->log_lines('warning'));
		$this->assert_retry_scheduled_through_the_right_scheduler();

		// A few seconds of margin: the clock may tick while the test runs.
		$this->assertSame(0, $this->run_scheduled_after(55), 'the first retry waits a minute');
		$this->assertSame(1, $this->run_scheduled_after(5));
		$this->assertSame(2, $this->queued()['later.example.com']['attempts'], 'still failing: queued again');
		$this->assertSame(0, $this->run_scheduled_after(115), 'the second retry waits two minutes');
		$this->run_scheduled_after(5);

		$this->assertSame([], $this->queued());
		$this->assertNotNull($this->sim->domain('later.example.com'));
		$this->assertTrue((bool) $this->sim->domain('later.example.com')['www']);
		$this->assertSame(3, count(preg_grep('#^POST /api/v3/servers/1/webapps/1/domains$#', $this->sim->request_lines())));
		$this->run_scheduled_after(31);
		$this->assertSame(1, $this->sim->counters()['redeploys'], 'the retried add is followed by its redeploy');
	}

	public function test_the_queue_survives_the_php_process_and_shows_in_site_health(): void {
		$this->sim->fault(['kind' => 'status', 'status' => 429, 'message' => 'Too Many Attempts.', 'retry_after' => 1] + self::ADD_FAULT);
		$this->map_domain('durable.example.com', 8);
		$this->run_domain_events();

		$tests  = apply_filters('site_status_tests', []);
		$health = call_user_func($tests['direct']['wu_runcloud_retries']['test']);
		$this->assertSame('recommended', $health['status']);
		$this->assertSame('1 RunCloud operation is waiting for a retry', $health['label']);
		$this->assertStringContainsString('Add the domain durable.example.com: 1 attempt, last error: RunCloud answered HTTP 429', $health['description']);

		$run = WordPress_Process::run(
			<<<'PHP'
			\WuRunCloud\Tests\Queue_Runner::fast_forward(60);
			$ran = \WuRunCloud\Tests\Queue_Runner::run_due();
			$queue = new \WuRunCloud\Plugin\Sync\Name_Queue(new \WuRunCloud\Plugin\Sync\Scheduler(), \WuRunCloud\Plugin\Plugin::instance()->logger());
			echo json_encode(['ran' => $ran, 'queue' => $queue->all()]), "\n";
PHP
		);

		$this->assertSame(0, $run['status'], $run['output'] . $run['errors']);
		$this->assertGreaterThanOrEqual(1, $run['result']['ran']);
		$this->assertSame([], $run['result']['queue']);
		$this->assertNotNull($this->sim->domain('durable.example.com'), 'a new PHP process carried the retry out');
		$this->assertSame([], $this->queued());
	}

	public function test_a_retry_whose_process_dies_comes_back_and_is_bounded(): void {
		$this->sim->fault(['kind' => 'status', 'status' => 503, 'count' => 1] + self::ADD_FAULT);
		$this->map_domain('crash.example.com', 7);
		$this->run_domain_events();

		$run = WordPress_Process::run(self::DIE_DURING_RETRY);
		$this->assertSame(3, $run['status'], $run['output'] . $run['errors']);
		$queued = $this->queued();
		$this->assertSame(['crash.example.com'], array_keys($queued), 'the entry outlived the process');
		$this->assertSame(2, $queued['crash.example.com']['attempts'], 'the unfinished attempt counts');
		$this->assertSame(0, $this->run_scheduled_after(290), 'it comes back once its lease runs out');

		$this->run_scheduled_after(10);

		$this->assertSame([], $this->queued());
		$this->assertNotNull($this->sim->domain('crash.example.com'));
	}

	public function test_a_retry_that_never_finishes_is_given_up_with_an_error(): void {
		$two_attempts = static function () {
			return 2;
		};
		add_filter('wu_runcloud_retry_max_attempts', $two_attempts);
		try {
			$this->sim->fault(['kind' => 'status', 'status' => 503, 'count' => 1] + self::ADD_FAULT);
			$this->map_domain('doomed.example.com', 7);
			$this->run_domain_events();
			$run = WordPress_Process::run(self::DIE_DURING_RETRY);
			$this->assertSame(3, $run['status'], $run['output'] . $run['errors']);
			$this->assertSame(2, $this->queued()['doomed.example.com']['attempts']);

			$this->run_scheduled_after(300);
		} finally {
			remove_filter('wu_runcloud_retry_max_attempts', $two_attempts);
		}

		$this->assertSame([], $this->queued());
		$this->assertNull(Queue_Runner::next('wu_runcloud_retry'));
		$this->assertNull($this->sim->domain('doomed.example.com'));
		$this->assertSame(['add_domain doomed.example.com (site 7): failed after 2 attempts, the last ones never finished: RunCloud answered HTTP 503, "Service Unavailable": RunCloud had trouble on its side; it usually passes by itself.'], $this->log_lines('error'));
		$given_up = get_network_option(null, 'wu_runcloud_given_up');
		$this->assertSame(['add_domain', 'doomed.example.com', 7, 'RunCloud answered HTTP 503, "Service Unavailable": RunCloud had trouble on its side; it usually passes by itself.'], [$given_up[0]['operation'], $given_up[0]['domain'], $given_up[0]['site_id'], $given_up[0]['error']], 'the page and the notice show it');
	}

	public function test_a_timeout_is_looked_up_and_finds_the_domain_added(): void {
		// RunCloud carries the request out but answers after the client's 2 s timeout.
		$this->sim->fault(['kind' => 'hang', 'delay_ms' => 3000] + self::ADD_FAULT);
		$this->map_domain('slow.example.com', 9);
		$this->run_domain_events();

		// The extension looks for the name after the lost answer and finds it: success in the same call.
		$this->assertSame([], $this->queued(), 'nothing to retry');
		$this->assertSame(1, $this->sim->counters()['domains_added'], 'added once, not twice');
		$posts = array_filter(
			$this->sim->request_lines(),
			static function (string $line): bool {
				return 0 === strpos($line, 'POST ') && false !== strpos($line, '/domains');
			}
		);
		$this->assertCount(1, $posts, 'the add was sent once, never again blind');
		$id = (int) $this->sim->domain('slow.example.com')['id'];
		$this->assertContains("add_domain slow.example.com (site 9): added to RunCloud (domain id {$id}, www yes); the answer was lost, the name was found afterwards", $this->log_lines('info'), implode("\n", $this->log_lines()));
		$this->assertSame([], $this->log_lines('error'));
		$managed = $this->managed();
		$this->assertSame($id, $managed['slow.example.com']['id'], 'recorded as added by this integration (outcome found_after_lost_answer), with its id');
		$this->assertArrayNotHasKey('adding', $managed['slow.example.com']);

		// So a reconcile with pruning may remove it once nothing wants it.
		$this->unmap_domain('slow.example.com', 9);
		\WP_Ultimo\Test\Async_Queue::clear();
		$this->reconcile_now(false, true);
		$this->assertNull($this->sim->domain('slow.example.com'));
	}

	public function test_a_name_that_was_there_before_is_not_claimed_by_a_failed_add(): void {
		$this->sim->seed([['name' => 'theirs.example.com']]);
		// A 429: RunCloud surely did not do it, so the add fails without a look (no in-call retries here).
		$this->sim->fault(['kind' => 'status', 'status' => 429, 'count' => 1, 'retry_after' => 1, 'message' => 'Too Many Attempts.'] + self::ADD_FAULT);
		$this->map_domain('theirs.example.com', 9);
		$this->run_domain_events();
		$this->assertSame(['theirs.example.com'], array_keys($this->queued()), 'a 429: RunCloud did not do it');

		$this->run_scheduled_after(60);

		$this->assertSame([], $this->queued());
		$this->assertArrayNotHasKey('theirs.example.com', $this->managed(), 'never this integration\'s to prune');
		$this->assertContains(sprintf('add_domain theirs.example.com (site 9): already on RunCloud (domain id %d), nothing to add', $this->sim->domain('theirs.example.com')['id']), $this->log_lines('info'));
		$this->assertSame(0, $this->sim->counters()['domains_added']);
	}

	public function test_a_name_the_view_held_before_is_not_claimed_when_found_after_a_lost_answer(): void {
		$this->sim->seed([['name' => 'theirs.example.com']]);
		Plugin::instance()->service()->list_domains();
		$this->assertSame((int) $this->sim->domain('theirs.example.com')['id'], Plugin::instance()->fleet()->primary()->app->id_of('theirs.example.com'), 'the network\'s view holds it');
		// A 503 without Retry-After: RunCloud may have acted, so the extension looks and finds the name.
		$this->sim->fault(['kind' => 'status', 'status' => 503, 'count' => 1] + self::ADD_FAULT);
		$this->map_domain('theirs.example.com', 9);
		$this->run_domain_events();

		$this->assertSame([], $this->queued(), 'settled in the same call');
		$this->assertArrayNotHasKey('theirs.example.com', $this->managed(), 'the same id as before the add: not this integration\'s');
		$this->assertContains(sprintf('add_domain theirs.example.com (site 9): already on RunCloud (domain id %d), nothing to add', $this->sim->domain('theirs.example.com')['id']), $this->log_lines('info'));
		$this->assertSame(0, $this->sim->counters()['domains_added']);
	}

	/**
	 * @return array<string, array{0: int}>
	 */
	public static function final_statuses(): array {
		return ['401' => [401], '403' => [403], '404' => [404], '422' => [422]];
	}

	/**
	 * @dataProvider final_statuses
	 *
	 * @param int $status HTTP status.
	 */
	#[\PHPUnit\Framework\Attributes\DataProvider('final_statuses')]
	public function test_a_final_status_is_not_retried(int $status): void {
		$this->sim->fault(['kind' => 'status', 'status' => $status, 'message' => "refused with $status"] + self::ADD_FAULT);
		$this->map_domain('refused.example.com', 4);
		$this->run_domain_events();

		$this->assertSame([], $this->queued());
		$this->assertNull(Queue_Runner::next('wu_runcloud_retry'));
		$errors = $this->log_lines('error');
		$this->assertCount(1, $errors);
		$this->assertStringStartsWith("add_domain refused.example.com (site 4): failed: RunCloud answered HTTP $status, \"refused with $status\": ", $errors[0], 'the reason and what to check, no class name');
	}

	public function test_it_gives_up_after_five_attempts_with_an_error(): void {
		$this->sim->fault(['kind' => 'status', 'status' => 502, 'message' => 'Bad Gateway', 'count' => 100] + self::ADD_FAULT);
		$this->map_domain('hopeless.example.com', 5);
		$this->run_domain_events();

		foreach ([60, 120, 240, 480] as $attempt => $delay) {
			$this->assertSame($attempt + 1, $this->queued()['hopeless.example.com']['attempts']);
			$this->assertSame(0, $this->run_scheduled_after($delay - 5), "retry $attempt waits $delay s");
			$this->assertSame(1, $this->run_scheduled_after(5));
		}

		$this->assertSame([], $this->queued());
		$this->assertNull(Queue_Runner::next('wu_runcloud_retry'), 'nothing left scheduled');
		$this->assertSame(['add_domain hopeless.example.com (site 5): failed after 5 attempts: RunCloud answered HTTP 502, "Bad Gateway": RunCloud had trouble on its side; it usually passes by itself.'], $this->log_lines('error'));
		$given_up = get_network_option(null, 'wu_runcloud_given_up');
		$this->assertCount(1, $given_up, 'wu_runcloud_operation_failed fired once');
		$this->assertSame(['add_domain', 'hopeless.example.com', 5], [$given_up[0]['operation'], $given_up[0]['domain'], $given_up[0]['site_id']]);
		$this->assertCount(4, $this->log_lines('warning'));
		$this->assertSame(5, count(preg_grep('#^POST #', $this->sim->request_lines())));
	}

	public function test_a_remove_after_a_failed_add_wins_over_the_late_retry(): void {
		$this->sim->fault(['kind' => 'status', 'status' => 503, 'count' => 1] + self::ADD_FAULT);
		$this->map_domain('flip.example.com', 3);
		$this->run_domain_events();
		$this->assertSame('add_domain', $this->queued()['flip.example.com']['operation']);

		$this->unmap_domain('flip.example.com', 3);
		$this->run_domain_events();
		$this->assertSame([], $this->queued(), 'the remove went through and dropped the queued add');

		$this->run_scheduled_after(3600);
		$this->assertNull($this->sim->domain('flip.example.com'), 'the late retry did not bring the domain back');
		$this->assertSame(1, count(preg_grep('#^POST #', $this->sim->request_lines())), 'the add was not retried');
	}

	public function test_a_failed_remove_replaces_the_queued_add(): void {
		// A 429: RunCloud surely did not add it, so the add fails without a look and is queued.
		$this->sim->fault(['kind' => 'status', 'status' => 429, 'count' => 1, 'retry_after' => 1, 'message' => 'Too Many Attempts.'] + self::ADD_FAULT);
		$this->map_domain('flop.example.com', 3);
		$this->run_domain_events();
		$this->assertSame(['flop.example.com'], array_keys($this->queued()));
		$this->assertSame('add_domain', $this->queued()['flop.example.com']['operation']);

		// The unmapping is the latest intent: the add was never made, so there
		// is nothing to remove, and the queued add goes.
		$this->sim->reset_requests();
		$this->unmap_domain('flop.example.com', 3);
		$this->run_domain_events();

		$this->assertSame([], $this->queued(), 'one entry a name: the latest intent');
		$this->assertSame([], $this->sim->request_lines(), 'a name this integration never added: nothing asked of RunCloud');
		$this->run_scheduled_after(3600);

		$this->assertSame([], $this->queued());
		$this->assertNull($this->sim->domain('flop.example.com'));
		$this->assertSame(0, $this->sim->counters()['domains_added'], 'the late add never came back');
	}

	public function test_after_a_stormy_burst_the_app_holds_exactly_the_wanted_domains(): void {
		$this->sim->seed([['name' => 'old-1.example.com'], ['name' => 'old-2.example.com']]);
		$this->sim->fault(['kind' => 'status', 'status' => 503, 'count' => 3] + self::ADD_FAULT);
		$this->sim->fault(['kind' => 'status', 'status' => 429, 'count' => 1, 'retry_after' => 1, 'method' => 'DELETE']);
		for ($i = 1; $i <= 6; $i++) {
			$this->map_domain("storm-$i.example.com", 20 + $i);
		}
		$this->unmap_domain('old-1.example.com', 2);
		$this->unmap_domain('storm-2.example.com', 22);
		$this->unmap_domain('old-2.example.com', 2);
		$this->map_domain('old-2.example.com', 2);
		$this->run_domain_events();
		$this->assertNotEmpty($this->queued(), 'some operations wait for a retry');

		$this->run_scheduled_after(3600);
		$this->run_scheduled_after(3600);

		$this->assertSame([], $this->queued());
		$this->assertSame(
			// old-1 was on the app before: its unmapping leaves it there.
			['network.test', 'old-1.example.com', 'old-2.example.com', 'storm-1.example.com', 'storm-3.example.com', 'storm-4.example.com', 'storm-5.example.com', 'storm-6.example.com'],
			$this->sim->domain_names()
		);
		$this->assertSame([], $this->log_lines('error'));
		$this->assertSame(2, $this->sim->counters()['redeploys'], 'one redeploy for the burst, one for the names the retries added a minute later');
	}

	/**
	 * Architecture b loads the Action Scheduler stand-in; a has only WP-Cron.
	 */
	private function assert_retry_scheduled_through_the_right_scheduler(): void {
		if ('b' === self::architecture()) {
			$this->assertIsInt(as_next_scheduled_action('wu_runcloud_retry', [], 'wu-runcloud'));
			$this->assertFalse(wp_next_scheduled('wu_runcloud_retry'));
			return;
		}
		$this->assertFalse(function_exists('as_next_scheduled_action'));
		$this->assertIsInt(wp_next_scheduled('wu_runcloud_retry'));
	}
}
