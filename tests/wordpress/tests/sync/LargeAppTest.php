<?php
/**
 * A web app of hundreds of domains under a rate limit.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

use WuRunCloud\Plugin\Status\Labels;
use WuRunCloud\Plugin\Plugin;
use WuRunCloud\Plugin\Sync\Reconcile\Daily_Reconcile;

/**
 * Each domain event costs the same few requests whatever the app's size
 * (the network's view of the app answers the wildcard and id questions), and
 * the daily reconcile walks the app a page at a time across short queue runs,
 * paced by the rate limit, never overrunning a run's budget.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class LargeAppTest extends Integration_Test_Case {

	/**
	 * Seconds of the simulator's rate-limit window in these tests.
	 */
	const WINDOW = 2;

	protected function tearDown(): void {
		remove_all_filters('wu_runcloud_rate_window');
		remove_all_filters('wu_runcloud_reconcile_run_budget');
		parent::tearDown();
	}

	public function test_each_domain_event_costs_the_floor_whatever_the_apps_size(): void {
		$this->sim->seed_numbered(300);
		$this->sim->rate_limit(60, 60);
		$this->reconcile_to_the_end();
		$this->assertSame(301, Plugin::instance()->fleet()->primary()->app->count(), 'the reconcile filled the view');

		$this->sim->reset_requests();
		$site_id = $this->create_site('shop');
		$this->run_domain_events();
		$this->assertSame(['POST /api/v3/servers/1/webapps/1/domains'], $this->api_lines(), 'a new site: one add, no listing');

		$this->sim->reset_requests();
		$this->map_domain('mapped.example.com', $site_id);
		$this->run_domain_events();
		$this->assertLessThanOrEqual(2, count($this->api_lines()));
		$this->assertSame([], preg_grep('/^GET .*\/domains\?page=/', $this->api_lines()), 'a mapping lists nothing');

		$this->sim->reset_requests();
		$this->unmap_domain('mapped.example.com', $site_id);
		$this->run_domain_events();
		$this->assertCount(2, $this->api_lines(), 'an unmapping with a known id: ' . implode(', ', $this->api_lines()));
		$this->assertNull($this->sim->domain('mapped.example.com'));

		$this->sim->reset_requests();
		wp_delete_site($site_id);
		$this->run_domain_events();
		$this->assertCount(2, $this->api_lines(), 'a site deletion: ' . implode(', ', $this->api_lines()));
		$this->assertNull($this->sim->domain('shop.network.test'));
		$this->assertFalse(Plugin::instance()->fleet()->primary()->app->has('shop.network.test'), 'the removal left the view');
		$this->assertSame([], $this->rate_limited(), 'no 429 at 60 a minute');
	}

	public function test_the_first_events_of_a_fresh_install_never_list_a_large_app(): void {
		$this->forget_the_view();
		$this->sim->seed_numbered(10000);
		$this->sim->rate_limit(60, 60);
		$this->sim->reset_requests();

		$site_id = $this->create_site('first');
		$this->run_domain_events();
		$lines = $this->api_lines();
		$this->assertLessThanOrEqual(3, count($lines), 'a new site: ' . implode(', ', $lines));
		$this->assertSame([], preg_grep('/^GET .*\/domains\?page=\d+&perPage=40$/', $lines), 'no page of the whole list');
		$this->assertNotNull($this->sim->domain('first.network.test'));
		$this->assertArrayHasKey('first.network.test', $this->managed(), 'a search showed it absent: this integration\'s add made it');
		$this->assertNull(Plugin::instance()->fleet()->primary()->app->refreshed_at(), 'the view decides nothing yet');
		$this->assertNotNull(Queue_Runner::next(Daily_Reconcile::STEP_HOOK), 'the walk that fills the view runs in the queue');
		$this->assertSame('first', Plugin::instance()->fleet()->primary()->walk->progress()['trigger']);

		$this->sim->reset_requests();
		$this->map_domain('mapped.example.com', $site_id);
		$this->run_domain_events();
		$this->assertLessThanOrEqual(3, count($this->api_lines()), 'a mapping: ' . implode(', ', $this->api_lines()));
		$this->assertNotNull($this->sim->domain('mapped.example.com'));
		$this->assertSame([], $this->rate_limited());
	}

	public function test_before_the_view_is_whole_a_wildcard_is_asked_of_runcloud(): void {
		$this->forget_the_view();
		$this->sim->seed([['name' => '*.network.test', 'wildcard' => true]]);
		$this->sim->seed_numbered(400);
		$this->sim->reset_requests();

		$site_id = $this->create_site('under');
		$this->run_domain_events();

		$this->assertSame(['GET /api/v3/servers/1/webapps/1/domains?page=1&perPage=40&search=network.test'], $this->api_lines(), 'one search: the wildcard serves the host');
		$this->assertNull($this->sim->domain('under.network.test'));
	}

	public function test_where_runcloud_ignores_the_search_an_event_still_costs_three_requests_at_most(): void {
		$this->forget_the_view();
		$this->sim->seed_numbered(400);
		$this->sim->search_filters(false);
		$this->sim->reset_requests();

		$this->create_site('blind');
		$this->run_domain_events();

		$this->assertLessThanOrEqual(3, count($this->api_lines()), implode(', ', $this->api_lines()));
		$this->assertNotNull($this->sim->domain('blind.network.test'));
		$this->assertArrayHasKey('blind.network.test', $this->managed(), 'RunCloud confirmed the add');
	}

	public function test_the_walk_in_the_queue_fills_the_view_then_events_ask_nothing_more(): void {
		$this->forget_the_view();
		$this->sim->seed([['name' => '*.network.test', 'wildcard' => true]]);
		$this->sim->seed_numbered(300);
		$this->map_domain('waiting.example.com', 2);
		$this->run_domain_events();
		$this->run_steps_until_done();

		$app = Plugin::instance()->fleet()->primary()->app;
		$this->assertNotNull($app->refreshed_at(), 'the view is whole');
		$this->assertSame(302, $app->count());
		$this->sim->reset_requests();
		$site_id = $this->create_site('later');
		$this->run_domain_events();
		$this->assertSame([], $this->api_lines(), 'the view answers: the wildcard serves it');
	}

	public function test_an_adopted_name_is_removed_by_the_id_the_view_kept(): void {
		$this->sim->seed_numbered(300);
		$this->reconcile_to_the_end();
		$this->map_domain('site-00290.example.test', 3);
		$this->run_domain_events();
		$this->assertArrayNotHasKey('site-00290.example.test', $this->managed(), 'it was there before: not this integration\'s');
		Plugin::instance()->cli_command('adopt')([], ['yes' => true]);
		$this->assertNotNull($this->managed()['site-00290.example.test']['id'] ?? null, 'adopted with the id the view kept');

		$this->sim->reset_requests();
		$this->unmap_domain('site-00290.example.test', 3);
		$this->run_domain_events();

		$this->assertCount(2, $this->api_lines(), 'a read by id and the delete, no walk to page 8: ' . implode(', ', $this->api_lines()));
		$this->assertNull($this->sim->domain('site-00290.example.test'));
	}

	public function test_a_new_site_under_a_wildcard_costs_no_request(): void {
		$this->sim->seed([['name' => '*.network.test', 'wildcard' => true]]);
		$this->sim->seed_numbered(100);
		$this->reconcile_to_the_end();
		$this->assertSame(['network.test'], Plugin::instance()->fleet()->primary()->app->wildcards());

		$this->sim->reset_requests();
		$site_id = $this->create_site('blog');
		$this->run_domain_events();
		wp_delete_site($site_id);
		$this->run_domain_events();

		$this->assertSame([], $this->api_lines());
		$this->assertNull($this->sim->domain('blog.network.test'));
	}

	public function test_the_walks_adds_are_paced_by_the_rate_limit_as_its_pages_are(): void {
		// 12 names to add, 5 requests a 2 s window, one kept for events: the adds
		// go 4 (then 4, 4) a window, none answered 429, none left to the retry queue.
		$rows = [];
		for ($i = 1; $i <= 12; $i++) {
			$rows[ $i ] = ['id' => $i, 'blog_id' => 2, 'domain' => sprintf('paced-%02d.example.com', $i), 'active' => true, 'primary_domain' => false, 'secure' => false, 'stage' => 'done'];
		}
		update_network_option(null, 'wu_test_domains', $rows);
		$this->sim->reset_requests();
		$this->sim->rate_limit(5, self::WINDOW);
		add_filter('wu_runcloud_rate_window', [$this, 'window']);
		add_filter('wu_runcloud_reconcile_run_budget', [$this, 'budget']);

		Plugin::instance()->daily_reconcile()->run();
		$first = Plugin::instance()->fleet()->primary()->walk->progress();
		$this->assertNotNull($first, 'the first run stopped at the window\'s reserve, the rest waits');
		$this->assertSame('converging', $first['phase']);
		$this->assertLessThanOrEqual(4, $first['converged'], 'the first run stopped at the window\'s reserve');
		$runs = $this->run_steps_until_done();

		$this->assertGreaterThanOrEqual(2, count($runs), 'the adds took more than one window');
		$this->assertNull(Plugin::instance()->fleet()->primary()->walk->progress(), 'the walk is over');
		$this->assertSame([], $this->rate_limited(), 'paced: no 429');
		$this->assertSame([], $this->queued(), 'nothing left to the retry queue');
		$this->assertCount(12, preg_grep('/^paced-/', $this->sim->domain_names()));
	}

	public function test_the_daily_reconcile_walks_the_app_in_runs_within_their_budget(): void {
		// 301 domains: 8 pages of 40. 5 requests a 2 s window, one kept for events.
		$this->sim->seed_numbered(300);
		$this->map_domain('missing.example.com', 4);
		\WP_Ultimo\Test\Async_Queue::clear();
		$app = Plugin::instance()->fleet()->primary()->app;
		$app->record(['name' => 'gone.example.com', 'id' => 999, 'www' => false, 'wildcard' => false]);
		$this->sim->reset_requests();
		$this->sim->rate_limit(5, self::WINDOW);
		add_filter('wu_runcloud_rate_window', [$this, 'window']);
		add_filter('wu_runcloud_reconcile_run_budget', [$this, 'budget']);

		$began = microtime(true);
		Plugin::instance()->daily_reconcile()->run();
		$first = Plugin::instance()->fleet()->primary()->walk->progress();
		$this->assertSame(['listing', 4, 8], [$first['phase'], $first['pages_read'], $first['total_pages']], 'the first run stopped at the window\'s reserve');
		$this->assertNotNull(Queue_Runner::next(Daily_Reconcile::STEP_HOOK), 'the next run is scheduled');
		$this->assertStringContainsString('4 of 8 pages of the web app\'s domains read, in 1 runs', Labels::progress($first));
		// Recorded by an add while the walk is under way: kept, though its page was read already.
		$app->record(['name' => 'site-00001.example.test', 'id' => 2, 'www' => false, 'wildcard' => false]);

		$runs = $this->run_steps_until_done();
		$took = microtime(true) - $began;

		$this->assertGreaterThanOrEqual(1, count($runs));
		foreach ($runs as $seconds) {
			$this->assertLessThan(1.5, $seconds, 'no run overran its budget by more than a request');
		}
		$this->assertLessThan(3 * self::WINDOW + 2, $took, 'two windows of pages, then the add');
		$this->assertNull(Plugin::instance()->fleet()->primary()->walk->progress(), 'the walk is over');
		$this->assertSame([], $this->rate_limited(), 'paced by the reported limit: no 429');
		$pages = preg_grep('/^GET .*\/domains\?page=/', $this->api_lines());
		$this->assertCount(8, $pages, 'each page read once');
		$this->assertNotNull($this->sim->domain('missing.example.com'));
		$this->assertSame($this->sorted($this->sim->domain_names()), array_keys($app->all()), 'the view is the app: a name the walk did not see is gone');
		$this->assertNotNull($app->refreshed_at());
		$last = get_network_option(null, 'wu_runcloud_last_reconcile');
		$this->assertSame(['daily', ['missing.example.com'], 0], [$last['trigger'], $last['added'], $last['unchanged']], 'the numbered domains are not the network\'s');
	}

	public function test_a_failed_page_is_read_again_in_a_later_run_and_a_lasting_refusal_ends_the_walk(): void {
		$this->sim->seed_numbered(100);
		add_filter('wu_runcloud_rate_window', [$this, 'window']);
		$this->sim->fault(['kind' => 'status', 'status' => 503, 'path_contains' => '/domains?page=2']);

		Plugin::instance()->daily_reconcile()->run();
		$this->assertSame(1, Plugin::instance()->fleet()->primary()->walk->progress()['pages_read'], 'the cursor stays on page 2');
		$this->run_steps_until_done();
		$this->assertNull(get_network_option(null, 'wu_runcloud_last_reconcile')['failure']);
		$this->assertSame(101, Plugin::instance()->fleet()->primary()->app->count());

		$this->sim->fault(['kind' => 'status', 'status' => 401, 'message' => 'Unauthenticated.', 'count' => 5]);
		Plugin::instance()->daily_reconcile()->run();
		$this->assertNull(Plugin::instance()->fleet()->primary()->walk->progress(), 'not retried: it cannot pass');
		$this->assertSame('RunCloud answered HTTP 401, "Unauthenticated.": RunCloud did not accept the API credentials; check WU_RUNCLOUD_API_TOKEN (or WU_RUNCLOUD_API_KEY and WU_RUNCLOUD_API_SECRET) in wp-config.php, then Tools > Site Health.', get_network_option(null, 'wu_runcloud_last_reconcile')['failure']);
	}

	public function test_wp_runcloud_sync_runs_the_walk_in_one_go_with_a_progress_bar_and_status_shows_a_walk_under_way(): void {
		$this->sim->seed_numbered(300);
		$this->map_domain('missing.example.com', 4);
		\WP_Ultimo\Test\Async_Queue::clear();
		$this->sim->rate_limit(5, self::WINDOW);
		add_filter('wu_runcloud_rate_window', [$this, 'window']);
		add_filter('wu_runcloud_reconcile_run_budget', [$this, 'budget']);

		Plugin::instance()->daily_reconcile()->run();
		\WP_CLI::$output = [];
		Plugin::instance()->cli_command('status')();
		$this->assertContains('Reconcile under way:                 ' . Labels::progress(Plugin::instance()->fleet()->primary()->walk->progress()), $this->printed_lines());

		// The CLI goes on with the walk under way, to its end.
		\WP_CLI::$output                         = [];
		\WP_CLI\Utils\Progress_Bar::$made        = [];
		Plugin::instance()->cli_command('sync')([], []);
		$this->assertSame(['Added 1, removed 0.'], array_column(array_filter(\WP_CLI::$output, static function ($line) {
			return 'success' === $line[0];
		}), 1));
		$bar = \WP_CLI\Utils\Progress_Bar::$made[0];
		$this->assertSame([8, 8, true], [$bar->count, $bar->ticks, $bar->finished], 'the bar counts every page, those read before too');
		$this->assertSame([], $this->rate_limited());
		$this->assertNotNull($this->sim->domain('missing.example.com'));

		\WP_CLI::$output = [];
		Plugin::instance()->cli_command('status')();
		$this->assertContains('Reconcile under way:                 -', $this->printed_lines());
		$this->assertNotEmpty(preg_grep('/^Domains on the app \(as last seen\): +302, whole list last read /', $this->printed_lines()));
	}

	public function test_the_view_answers_in_pages_by_name_with_a_search(): void {
		$this->forget_the_view();
		$app = Plugin::instance()->fleet()->primary()->app;
		$this->assertSame([null, 0, []], [$app->refreshed_at(), $app->count(), $app->wildcards()]);
		$app->replace(
			[
				['id' => 1, 'name' => 'network.test', 'www' => false, 'wildcard' => true],
				['id' => 7, 'name' => 'b.example.com', 'www' => true, 'wildcard' => false],
				['id' => 5, 'name' => 'a.example.com', 'www' => false, 'wildcard' => false],
				['id' => 9, 'name' => 'shop.other.test', 'www' => false, 'wildcard' => false],
			]
		);

		$this->assertSame(['network.test'], $app->wildcards());
		$this->assertSame(7, $app->id_of('b.example.com'));
		$this->assertNull($app->id_of('nothere.example.com'));
		$this->assertSame(['name' => 'b.example.com', 'id' => 7, 'www' => true, 'wildcard' => false], $app->get('b.example.com'));
		$this->assertSame(['total' => 4, 'domains' => [$app->get('b.example.com'), $app->get('network.test')]], $app->page(1, 2));
		$this->assertSame(['total' => 2, 'domains' => [$app->get('b.example.com')]], $app->page(1, 5, 'EXAMPLE'));
		$app->forget('a.example.com');
		$this->assertSame(['b.example.com', 'network.test', 'shop.other.test'], array_keys($app->all()));
		$this->assertSame(3, $app->count());
		$this->expectException(\InvalidArgumentException::class);
		$app->page(0, 0);
	}

	public function test_a_walk_step_waits_while_another_process_moves_the_walk(): void {
		$walk = Plugin::instance()->fleet()->primary()->walk;
		$this->assertTrue($walk->start('admin', true, false));
		$this->sim->reset_requests();
		// Another process moving the walk: its lock taken on a second connection
		// (the walk's lock, named as Storage\Lock names it).
		[$host, $socket] = explode(':', DB_HOST, 2);
		$other           = new \mysqli($host, DB_USER, DB_PASSWORD, DB_NAME, 0, $socket);
		$lock            = \WuRunCloud\Plugin\Storage\Lock::key(\WuRunCloud\Plugin\Storage\Lock::RECONCILE_WALK);
		$this->assertSame('1', (string) $other->query("SELECT GET_LOCK('$lock', 0)")->fetch_row()[0]);
		try {
			$next = $walk->step(20.0);
			$this->assertNotNull($next, 'it looks again later');
			$this->assertGreaterThan(microtime(true), $next);
			$this->assertSame([], $this->api_lines(), 'no page read by a second process');
			$this->assertSame(0, $walk->progress()['pages_read']);
		} finally {
			$other->close(); // The server releases the lock of a connection that ends.
		}

		for ($runs = 0; $runs < 10 && null !== $walk->step(20.0); $runs++) {
			// Once the lock is free, the walk goes on to its end.
		}
		$this->assertNull($walk->progress(), 'the walk is over');
		$this->assertCount(1, preg_grep('/^GET .*\/domains\?page=1/', $this->api_lines()), 'its one page read once');
	}

	public function test_the_view_is_a_table_created_when_first_needed(): void {
		global $wpdb;
		$table = $wpdb->base_prefix . \WuRunCloud\Plugin\Sync\App_Domains::TABLE;
		// As after an update from a version that kept no table: no activation runs.
		\WuRunCloud\Plugin\Sync\App_Domains::table()->drop();
		$app = Plugin::instance()->fleet()->primary()->app;

		$this->assertNull($app->get('a.example.com'));
		$app->record(['id' => 7, 'name' => 'a.example.com', 'www' => true, 'wildcard' => false]);

		$this->assertSame($table, $wpdb->get_var($wpdb->prepare('SHOW TABLES LIKE %s', $table)));
		$this->assertSame('1', $wpdb->get_var($wpdb->prepare("SELECT COUNT(*) FROM `$table` WHERE name = %s", 'a.example.com')), 'a row a name'); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		$this->assertSame(['name' => 'a.example.com', 'id' => 7, 'www' => true, 'wildcard' => false], $app->get('a.example.com'));
		$this->assertSame(1, $app->count());
		$this->assertNull($app->get('bücher.example'), 'names are kept in punycode');
		$this->assertSame(['total' => 0, 'domains' => []], $app->page(0, 10, 'bücher'));
	}

	/**
	 * @return int Seconds of the test's rate-limit window.
	 */
	public function window(): int {
		return self::WINDOW;
	}

	/**
	 * @return int Seconds a run may work in these tests.
	 */
	public function budget(): int {
		return 1;
	}

	/**
	 * Requests RunCloud answered with 429.
	 *
	 * @return list<array<string, mixed>>
	 */
	private function rate_limited(): array {
		return array_values(
			array_filter(
				$this->sim->requests(),
				static function ($request) {
					return 429 === ($request['status'] ?? null);
				}
			)
		);
	}

	/**
	 * @param list<string> $names Names.
	 * @return list<string>
	 */
	private function sorted(array $names): array {
		sort($names, SORT_STRING);
		return $names;
	}

	/**
	 * Lines the CLI printed.
	 *
	 * @return list<string>
	 */
	private function printed_lines(): array {
		return array_column(
			array_filter(
				\WP_CLI::$output,
				static function ($line) {
					return 'line' === $line[0];
				}
			),
			1
		);
	}
}
