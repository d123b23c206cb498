<?php
/**
 * One network, several RunCloud web apps.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

use WuRunCloud\Plugin\Plugin;
use WuRunCloud\Plugin\Sync\App_Sync;

/**
 * The simulator serves three web apps of one account (1:1, the primary one of
 * the constants, and 2:20 and 3:30, added here through wu_runcloud_apps as
 * WU_RUNCLOUD_APPS would): every name reaches each, each app fails and is
 * retried on its own, and an app leaving the list keeps what it has.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class SeveralAppsTest extends Integration_Test_Case {

	private const OTHERS = ['2:20', '3:30'];

	/**
	 * @var list<string>
	 */
	private $apps = self::OTHERS;

	protected function setUp(): void {
		parent::setUp();
		add_filter('wu_runcloud_apps', [$this, 'apps']);
		foreach ($this->others() as $sync) {
			foreach (Plugin::tables([$sync->target]) as $table) {
				$table->install();
			}
			$this->forget($sync);
			// As after the first walk through each app.
			$sync->app->replace(\wu_runcloud_list_domains($sync->target->key()));
		}
		$this->sim->reset_requests();
	}

	protected function tearDown(): void {
		remove_filter('wu_runcloud_apps', [$this, 'apps']);
		parent::tearDown();
	}

	/**
	 * The wu_runcloud_apps filter: the apps besides the primary one.
	 *
	 * @return list<string>
	 */
	public function apps(): array {
		return $this->apps;
	}

	public function test_a_mapping_reaches_every_app_with_one_add_each(): void {
		$this->map_domain('shop.example.com', 2);
		$this->run_domain_events();

		foreach (['', '2:20', '3:30'] as $app) {
			$this->assertContains('shop.example.com', $this->sim->domain_names($app), "on app {$app}");
		}
		foreach (['1:1', '2:20', '3:30'] as $app) {
			$this->assertCount(1, preg_grep('#^POST .*/domains$#', $this->sim->request_lines_of($app)), "one add on {$app}");
		}
		foreach (Plugin::instance()->fleet()->all() as $sync) {
			$this->assertTrue($sync->managed->has('shop.example.com'), 'on each app\'s record: ' . $sync->target->key());
		}
	}

	public function test_an_app_down_for_ten_minutes_catches_up_alone_and_nothing_is_added_twice(): void {
		$this->sim->fault(['kind' => 'status', 'status' => 503, 'app' => '2:20', 'for_secs' => 600]);
		$names = ['one.example.com', 'two.example.com', 'three.example.com'];
		foreach ($names as $name) {
			$this->map_domain($name, 2);
		}
		$this->run_domain_events();
		$this->run_scheduled_after(31);

		foreach (['', '3:30'] as $app) {
			$this->assertSame([], array_diff($names, $this->sim->domain_names($app)), "the others converge: {$app}");
		}
		$this->assertSame([], array_intersect($names, $this->sim->domain_names('2:20')), 'the app that answers 503 has none yet');
		$down = $this->app('2:20');
		$this->assertSame($names, array_values(array_intersect($names, array_keys($down->names->all()))), 'its names wait in its own queue');
		$this->assertSame([], Plugin::instance()->fleet()->primary()->names->all(), 'the primary app has nothing to retry');

		// Ten minutes of retries: the app still answers 503, on the simulator's clock too.
		for ($elapsed = 0; $elapsed < 540; $elapsed += 60) {
			$this->sim->advance_clock(60);
			$this->run_scheduled_after(60);
		}
		$this->assertSame([], array_intersect($names, $this->sim->domain_names('2:20')), 'still down');

		// It recovers: its queue brings it in line, and only it is asked.
		$this->sim->reset_requests();
		for ($elapsed = 0; $elapsed < 3600 && [] !== $down->names->all(); $elapsed += 60) {
			$this->sim->advance_clock(60);
			$this->run_scheduled_after(60);
		}
		$this->run_scheduled_after(31);
		foreach (['', '2:20', '3:30'] as $app) {
			$this->assertSame([], array_diff($names, $this->sim->domain_names($app)), "every name on {$app}");
		}
		$this->assertSame([], preg_grep('#/webapps/1/#', $this->sim->request_lines()), 'the primary app is not asked again');
		$this->assertSame([], preg_grep('#/webapps/30/#', $this->sim->request_lines()), 'nor the third');
		$this->assertCount(3, preg_grep('#^POST .*/domains$#', $this->sim->request_lines_of('2:20')), 'one add a name once it answers');
		$this->assertCount(1, preg_grep('#^(PUT|POST) .*/ssl#', $this->sim->request_lines_of('2:20')), 'one certificate step for its burst');
	}

	public function test_one_certificate_step_per_app_for_a_burst(): void {
		foreach (['a.example.com', 'b.example.com', 'c.example.com'] as $name) {
			$this->map_domain($name, 2);
		}
		$this->run_domain_events();
		$this->run_scheduled_after(31);

		foreach (['1:1', '2:20', '3:30'] as $app) {
			$this->assertCount(1, preg_grep('#^(PUT|POST) .*/ssl#', $this->sim->request_lines_of($app)), "one redeploy on {$app}: " . implode(', ', $this->sim->request_lines_of($app)));
		}
	}

	public function test_an_app_taken_out_of_the_list_keeps_what_it_has(): void {
		$this->map_domain('leaving.example.com', 2);
		$this->run_domain_events();
		$this->assertContains('leaving.example.com', $this->sim->domain_names('3:30'));

		$this->apps = ['2:20'];
		$this->sim->reset_requests();
		$this->unmap_domain('leaving.example.com', 2);
		$this->run_domain_events();

		$this->assertNotContains('leaving.example.com', $this->sim->domain_names(''), 'removed where it is still a target');
		$this->assertNotContains('leaving.example.com', $this->sim->domain_names('2:20'));
		$this->assertContains('leaving.example.com', $this->sim->domain_names('3:30'), 'nothing is removed from an app no longer in the list');
		$this->assertSame([], $this->sim->request_lines_of('3:30'), 'not even asked');
	}

	public function test_each_app_removes_only_what_it_added(): void {
		// On the third app by hand before the network mapped it.
		$this->sim->seed_on('3:30', ['theirs.example.com']);
		$this->app('3:30')->app->replace(\wu_runcloud_list_domains('3:30'));
		$this->map_domain('theirs.example.com', 2);
		$this->run_domain_events();
		$this->unmap_domain('theirs.example.com', 2);
		$this->run_domain_events();

		$this->assertNotContains('theirs.example.com', $this->sim->domain_names(''), 'added by this integration there, removed');
		$this->assertNotContains('theirs.example.com', $this->sim->domain_names('2:20'));
		$this->assertContains('theirs.example.com', $this->sim->domain_names('3:30'), 'not added by this integration there: kept');
	}

	public function test_a_new_app_is_filled_by_its_walk_and_the_others_are_not_asked(): void {
		$this->apps = [];
		$this->map_domain('early.example.com', 2);
		$this->map_domain('earlier.example.com', 2);
		$this->run_domain_events();
		$new = $this->app('3:30', ['3:30']);
		$this->forget($new);
		$this->sim->reset_requests();

		$this->apps = ['3:30'];
		Plugin::instance()->fleet()->keep_scheduled();
		$this->assertNotNull($new->walk->progress(), 'its walk started');
		\WP_CLI::$output = [];
		Plugin::instance()->cli_command('status')([], []);
		$this->assertNotEmpty(preg_grep('#^Web app server 3, app 30:\s+answers: not known yet; .* A reconcile \(first\) is under way#', array_column(\WP_CLI::$output, 1)), 'its progress in wp runcloud status');
		wp_set_current_user(1);
		ob_start();
		Plugin::instance()->settings_page()->render();
		$this->assertStringContainsString('<td colspan="5" class="wu-runcloud-app-progress">A reconcile (first) is under way', (string) ob_get_clean(), 'and on the Status tab');
		$this->run_steps_until_done();
		$this->run_scheduled_after(31);

		$this->assertSame([], array_diff(['early.example.com', 'earlier.example.com'], $this->sim->domain_names('3:30')), 'the new app has every name');
		$this->assertNotNull($new->app->refreshed_at(), 'its view is whole');
		$this->assertSame([], preg_grep('#^POST .*/domains$#', $this->sim->request_lines_of('1:1')), 'the primary app is not added to again');
	}

	public function test_the_domains_view_says_on_how_many_apps_a_name_is(): void {
		$this->sim->fault(['kind' => 'status', 'status' => 503, 'app' => '3:30', 'for_secs' => 600]);
		$this->map_domain('partly.example.com', 2);
		$this->run_domain_events();

		$row = Plugin::instance()->domain_status()->query('partly.example.com', '', 0, 1)['rows'][0];
		$this->assertSame('waiting', $row['state'], 'not live until every app has it');
		$this->assertSame(['1:1' => 'live', '2:20' => 'live', '3:30' => 'waiting'], array_column($row['apps'], 'state', 'app'));
		wp_set_current_user(1);
		$_GET['tab'] = 'domains';
		ob_start();
		Plugin::instance()->settings_page()->render();
		$html = (string) ob_get_clean();
		unset($_GET['tab']);
		$this->assertStringContainsString('on 2 of 3 apps', $html);
		$this->assertStringContainsString('server 3, app 30: waiting for a retry', $html);
	}

	public function test_the_operator_sees_each_app_on_the_page_in_site_health_and_the_cli(): void {
		$this->sim->fault(['kind' => 'status', 'status' => 503, 'app' => '2:20', 'for_secs' => 600]);
		$this->map_domain('seen.example.com', 2);
		$this->run_domain_events();

		wp_set_current_user(1);
		ob_start();
		Plugin::instance()->settings_page()->render();
		$html = (string) ob_get_clean();
		$this->assertStringContainsString('id="wu-runcloud-apps"', $html);
		$this->assertStringContainsString('server 1, app 1 (primary)', $html);
		$this->assertMatchesRegularExpression('#server 2, app 20</td><td>no: RunCloud answered HTTP 503#', $html);
		$this->assertStringContainsString('server 3, app 30</td><td>yes</td>', $html);

		$health = (new \WuRunCloud\Plugin\Admin\App_Health(new \WuRunCloud\Plugin\Status\App_Status(Plugin::instance()->fleet()), Plugin::instance()->logger()))->test_apps();
		$this->assertSame('recommended', $health['status']);
		$this->assertStringContainsString('server 2, app 20: no: RunCloud answered HTTP 503', $health['description']);
		$info = apply_filters('debug_information', [])['wu-runcloud']['fields'];
		$this->assertStringStartsWith('answers: no', $info['app_2_20']['value']);
		$this->assertStringStartsWith('answers: yes', $info['app_3_30']['value']);

		\WP_CLI::$output = [];
		Plugin::instance()->cli_command('apps')([], ['format' => 'json']);
		$apps = json_decode((string) end(\WP_CLI::$output)[1], true);
		$this->assertSame(['1:1', '2:20', '3:30'], array_column($apps, 'app'));
		$this->assertSame(['yes', 'no', 'yes'], array_column($apps, 'reachable'));
		$this->assertSame([0, 1, 0], array_column($apps, 'waiting'));
		\WP_CLI::$output = [];
		Plugin::instance()->cli_command('status')([], []);
		$lines = array_column(\WP_CLI::$output, 1);
		$this->assertNotEmpty(preg_grep('#^Web app server 2, app 20:\s+answers: no: RunCloud answered HTTP 503#', $lines), implode("\n", $lines));
	}

	public function test_wp_runcloud_sync_works_on_one_app(): void {
		$this->map_domain('synced.example.com', 2);
		$this->run_domain_events();
		// Removed by hand on the third app only (its view still holds it).
		\wu_runcloud_remove_domain('synced.example.com', null, '3:30');
		$this->sim->reset_requests();

		\WP_CLI::$output = [];
		Plugin::instance()->cli_command('sync')([], ['app' => '3:30']);
		$this->assertContains('synced.example.com', $this->sim->domain_names('3:30'), 'brought back on that app: ' . wp_json_encode(\WP_CLI::$output) . implode("\n", $this->log_lines()));
		$this->assertSame([], preg_grep('#/webapps/(1|20)/#', $this->sim->request_lines()), 'the other apps are not asked');

		try {
			Plugin::instance()->cli_command('sync')([], ['app' => '9:99']);
			$this->fail('an app not in the list is refused');
		} catch (\WP_CLI\ExitException $e) {
			$this->assertStringStartsWith('"9:99" is not one of the web apps: 1:1, 2:20, 3:30', $e->getMessage());
		}
	}

	public function test_the_constant_lists_the_apps(): void {
		$run = WordPress_Process::run(
			<<<'PHP'
			echo json_encode(array_map(static function ($sync) { return $sync->target->key(); }, \WuRunCloud\Plugin\Plugin::instance()->fleet()->all())), "\n";
PHP,
			['WU_RUNCLOUD_APPS' => '2:20, 3:30']
		);
		$this->assertSame(['1:1', '2:20', '3:30'], $run['result'], $run['errors']);
	}

	public function test_an_unreadable_list_leaves_the_primary_app_working_and_says_why(): void {
		$run = WordPress_Process::run(
			<<<'PHP'
			$plugin = \WuRunCloud\Plugin\Plugin::instance();
			$keys   = array_map(static function ($sync) { return $sync->target->key(); }, $plugin->fleet()->all());
			$health = (new \WuRunCloud\Plugin\Admin\App_Health(new \WuRunCloud\Plugin\Status\App_Status($plugin->fleet()), $plugin->logger()))->test_apps();
			echo json_encode(['apps' => $keys, 'status' => $health['status'], 'label' => $health['label'], 'why' => $health['description']]), "\n";
PHP,
			['WU_RUNCLOUD_APPS' => '2:20, twenty']
		);
		$this->assertSame(['1:1'], $run['result']['apps'], $run['errors']);
		$this->assertSame('critical', $run['result']['status']);
		$this->assertStringContainsString('WU_RUNCLOUD_APPS', $run['result']['why']);
		$this->assertStringContainsString('twenty', $run['result']['why']);
	}

	public function test_uninstall_drops_every_apps_tables_and_options(): void {
		$this->map_domain('gone.example.com', 2);
		$this->run_domain_events();
		$suffix = $this->app('2:20')->target->suffix();
		$this->assertNotEmpty($this->plugin_tables($suffix), 'the second app has tables of its own');

		$run = $this->run_uninstall();

		$this->assertSame(0, $run['status'], $run['errors']);
		$this->assertSame([], $this->plugin_tables(''), 'every table of every app is dropped');
		$this->assertFalse(get_network_option(null, 'wu_runcloud_app_domains_meta' . $suffix), 'and its options');
	}

	/**
	 * The plugin's tables in the database whose names contain $part.
	 *
	 * @param string $part Part of the name ('' for all).
	 * @return list<string>
	 */
	private function plugin_tables(string $part): array {
		global $wpdb;
		$tables = (array) $wpdb->get_col($wpdb->prepare('SHOW TABLES LIKE %s', $wpdb->esc_like($wpdb->base_prefix . 'wu_runcloud_') . '%')); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
		return array_values(
			array_filter(
				$tables,
				static function ($table) use ($part): bool {
					return '' === $part || false !== strpos((string) $table, $part);
				}
			)
		);
	}

	/**
	 * One app's machinery.
	 *
	 * @param string       $key  "SERVER:APP".
	 * @param list<string> $list The list it is in, when not the current one.
	 */
	private function app(string $key, array $list = []): App_Sync {
		$kept = $this->apps;
		if ([] !== $list) {
			$this->apps = $list;
		}
		$sync       = Plugin::instance()->fleet()->find($key);
		$this->apps = $kept;
		$this->assertNotNull($sync, "{$key} is a target");
		return $sync;
	}

	/**
	 * The other apps' machinery.
	 *
	 * @return list<App_Sync>
	 */
	private function others(): array {
		return array_slice(Plugin::instance()->fleet()->all(), 1);
	}

	/**
	 * What the plugin keeps for an app, forgotten (as on a new target).
	 *
	 * @param App_Sync $sync The app.
	 */
	private function forget(App_Sync $sync): void {
		foreach (Plugin::tables([$sync->target]) as $table) {
			if (false === strpos($table->name(), 'certificate_orders')) {
				$table->query('DELETE FROM {table}');
			}
		}
		foreach (['wu_runcloud_ssl_pending', 'wu_runcloud_last_reconcile', 'wu_runcloud_app_domains_meta', 'wu_runcloud_reconcile_walk', 'wu_runcloud_ssl_mode', 'wu_runcloud_last_redeploy'] as $option) {
			delete_network_option(null, $option . $sync->target->suffix());
		}
		$sync->app->clear();
		$sync->converger->forget_cached();
	}
}
