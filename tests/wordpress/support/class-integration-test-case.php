<?php
/**
 * Base class of the WordPress suite.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

use PHPUnit\Framework\TestCase;
use WuRunCloud\Plugin\Plugin;
use WuRunCloud\Plugin\Sync\Reconcile\Daily_Reconcile;

require_once __DIR__ . '/class-queue-runner.php';

/**
 * Thrown by the AJAX die handler, so a test gets control back after
 * wp_send_json_*().
 */
final class Ajax_Died extends \RuntimeException {
}

/**
 * Every test starts from the simulator's seeded state, with none of the
 * plugin's stored state, nothing scheduled, Ultimate Multisite's settings at
 * their defaults and only the main site in the network.
 */
abstract class Integration_Test_Case extends TestCase {

	/**
	 * @var Simulator_Client
	 */
	protected $sim;

	/**
	 * Lines the plugin logged during the test: [level, message].
	 *
	 * @var list<array{0: string, 1: string}>
	 */
	protected $logged = [];

	/**
	 * Which stand-in architecture this process runs: 'a', 'b' or 'none'.
	 */
	protected static function architecture(): string {
		return getenv('WU_TEST_UM') ?: 'none';
	}

	protected function setUp(): void {
		parent::setUp();
		$this->sim = new Simulator_Client((string) getenv('WU_TEST_SIM_URL'));
		$this->sim->reset();
		// Other PHP processes of earlier tests wrote to the database behind this process's object cache.
		wp_cache_flush();
		foreach (['wu_runcloud_ssl_pending', 'wu_runcloud_last_reconcile', 'wu_runcloud_given_up', 'wu_runcloud_app_domains_meta', 'wu_runcloud_reconcile_walk', 'wu_runcloud_ssl_mode', 'wu_runcloud_dns_pointed', 'wu_test_settings', 'wu_test_domains'] as $option) {
			delete_network_option(null, $option);
		}
		// A test may have uninstalled the plugin (its tables dropped) in
		// another process. Every table starts empty (Let's Encrypt's budgets
		// afresh too).
		foreach (Plugin::tables() as $table) {
			$table->install();
			$table->query('DELETE FROM {table}');
		}
		Plugin::instance()->fleet()->primary()->app->clear();
		Queue_Runner::clear();
		if (class_exists('\WP_Ultimo\Test\Async_Queue')) {
			\WP_Ultimo\Test\Async_Queue::clear();
			\WP_Ultimo\Test\Log::$lines = [];
		}
		$this->builtin_calls_reset();
		Plugin::instance()->service()->forget_cached_domains();
		// As on a network where the first walk after activation has read the
		// app; a test of a fresh install forgets the view (forget_the_view()).
		$this->read_the_app();
		// Ultimate Multisite's own DNS stage passes (its filter for extra
		// checks), as where its public-IP lookup works; a test of its verdict
		// removes this.
		add_filter('wu_domain_has_correct_dns', '__return_true');
		$this->logged = [];
		add_action('wu_runcloud_log', [$this, 'collect_log_line'], 10, 2);
	}

	/**
	 * The view of the app becomes what RunCloud holds now, whole, as after a
	 * walk through it; the request log is cleared.
	 */
	protected function read_the_app(): void {
		Plugin::instance()->fleet()->primary()->app->replace(\wu_runcloud_list_domains());
		Plugin::instance()->service()->forget_cached_domains();
		$this->sim->reset_requests();
	}

	/**
	 * As on a fresh install: the view of the app has never held the whole app.
	 */
	protected function forget_the_view(): void {
		Plugin::instance()->fleet()->primary()->app->clear();
		Plugin::instance()->service()->forget_cached_domains();
	}

	/**
	 * The SQL statements $work sends that match $pattern, in order.
	 *
	 * @param string   $pattern A regular expression.
	 * @param callable $work    The work.
	 * @return list<string>
	 */
	protected function statements_of(string $pattern, callable $work): array {
		$statements = [];
		$collect    = static function ($query) use ($pattern, &$statements) {
			if (preg_match($pattern, $query)) {
				$statements[] = $query;
			}
			return $query;
		};
		add_filter('query', $collect);
		try {
			$work();
		} finally {
			remove_filter('query', $collect);
		}
		return $statements;
	}

	/**
	 * The queue of names due for another convergence.
	 */
	protected function name_queue(): \WuRunCloud\Plugin\Sync\Name_Queue {
		return new \WuRunCloud\Plugin\Sync\Name_Queue(new \WuRunCloud\Plugin\Sync\Scheduler(), Plugin::instance()->logger());
	}

	/**
	 * The names waiting for a certificate redeploy.
	 */
	protected function certificate_queue(): \WuRunCloud\Plugin\Sync\Certificates\Certificate_Queue {
		return new \WuRunCloud\Plugin\Sync\Certificates\Certificate_Queue(new \WuRunCloud\Plugin\Sync\Scheduler(), Plugin::instance()->logger(), new \WuRunCloud\Plugin\Sync\Certificates\Blocking_Names(), new \WuRunCloud\Plugin\Sync\Certificates\Refused_Names());
	}

	/**
	 * The names waiting in the queue with their entries, as stored now
	 * (another process may have written them).
	 *
	 * @return array<string, array<string, mixed>>
	 */
	protected function queued(): array {
		return $this->name_queue()->all();
	}

	/**
	 * The names this integration has on record as added, as stored now.
	 *
	 * @return array<string, array<string, mixed>>
	 */
	protected function managed(): array {
		return (new \WuRunCloud\Plugin\Sync\Managed_Domains())->all();
	}

	protected function tearDown(): void {
		remove_action('wu_runcloud_log', [$this, 'collect_log_line'], 10);
		remove_filter('wu_domain_has_correct_dns', '__return_true');
		foreach (get_sites(['fields' => 'ids', 'number' => 0]) as $site_id) {
			if (1 !== (int) $site_id) {
				wp_delete_site((int) $site_id);
			}
		}
		if (class_exists('\WP_Ultimo\Test\Async_Queue')) {
			\WP_Ultimo\Test\Async_Queue::clear();
		}
		parent::tearDown();
	}

	/**
	 * @param string $level   Level.
	 * @param string $message Line.
	 */
	public function collect_log_line(string $level, string $message): void {
		$this->logged[] = [$level, $message];
	}

	/**
	 * The logged lines at a level, or all.
	 *
	 * @param string|null $level Level.
	 * @return list<string>
	 */
	protected function log_lines(?string $level = null): array {
		$lines = [];
		foreach ($this->logged as $line) {
			if (null === $level || $line[0] === $level) {
				$lines[] = $line[1];
			}
		}
		return $lines;
	}

	/**
	 * Starts the daily reconcile and runs its steps until it is over.
	 */
	protected function reconcile_to_the_end(): void {
		Plugin::instance()->daily_reconcile()->run();
		$this->run_steps_until_done();
	}

	/**
	 * "Reconcile now" (or its preview) from the page, its walk run to the end.
	 *
	 * @param bool $dry_run Only plan, change nothing.
	 * @param bool $prune   Also remove unwanted names this integration added.
	 * @return array<string, mixed>|null The walk's report, or null when it could not run.
	 */
	protected function reconcile_now(bool $dry_run = false, bool $prune = false): ?array {
		Plugin::instance()->daily_reconcile()->start_now('admin', $dry_run, $prune);
		$this->run_steps_until_done();
		return Plugin::instance()->fleet()->primary()->walk->last;
	}

	/**
	 * Runs each scheduled step of the walk when it is due, as the queue does.
	 *
	 * @return list<float> Seconds each run took.
	 */
	protected function run_steps_until_done(): array {
		$runs = [];
		for ($i = 0; $i < 50; $i++) {
			$next = Queue_Runner::next(Daily_Reconcile::STEP_HOOK);
			if (null === $next) {
				return $runs;
			}
			$wait = $next - microtime(true);
			if ($wait > 0) {
				usleep((int) ($wait * 1000000));
			}
			$began = microtime(true);
			Queue_Runner::run_due();
			$runs[] = microtime(true) - $began;
		}
		$this->fail('the walk did not end');
	}

	/**
	 * "METHOD path?query" of each API request since the log was cleared.
	 *
	 * @return list<string>
	 */
	protected function api_lines(): array {
		return array_values(
			array_map(
				static function ($request) {
					return $request['method'] . ' ' . $request['path'] . ('' === (string) $request['query'] ? '' : '?' . $request['query']);
				},
				$this->sim->requests()
			)
		);
	}

	/**
	 * Maps a domain the way Ultimate Multisite's Domain_Manager does.
	 *
	 * @param string $domain  Domain.
	 * @param int    $site_id Site.
	 */
	protected function map_domain(string $domain, int $site_id = 1): void {
		\WP_Ultimo\Managers\Domain_Manager::get_instance()->map_domain($domain, $site_id);
	}

	/**
	 * Deletes a mapping the way Ultimate Multisite's Domain_Manager does.
	 *
	 * @param string $domain  Domain.
	 * @param int    $site_id Site.
	 */
	protected function unmap_domain(string $domain, int $site_id = 1): void {
		\WP_Ultimo\Managers\Domain_Manager::get_instance()->unmap_domain($domain, $site_id);
	}

	/**
	 * Runs Ultimate Multisite's queued domain events (its async actions).
	 */
	protected function run_domain_events(): int {
		return \WP_Ultimo\Test\Async_Queue::run();
	}

	/**
	 * Runs the plugin's uninstall.php as WordPress does (WP_UNINSTALL_PLUGIN
	 * defined, in a process of its own) and drops this process's cached options.
	 *
	 * @return array{status: int, output: string, errors: string}
	 */
	protected function run_uninstall(): array {
		$run = WordPress_Process::run(
			<<<'PHP'
			define('WP_UNINSTALL_PLUGIN', 'wu-runcloud/wu-runcloud.php');
			include WP_PLUGIN_DIR . '/wu-runcloud/uninstall.php';
			echo json_encode(true), "\n";
PHP
		);
		wp_cache_flush();
		return $run;
	}

	/**
	 * Lets the coalescing delay pass and runs what is due.
	 */
	protected function run_scheduled_after(int $seconds): int {
		Queue_Runner::fast_forward($seconds);
		return Queue_Runner::run_due();
	}

	/**
	 * Sets Ultimate Multisite's "Create www subdomain" setting.
	 *
	 * @param string $value always, main_only or never.
	 */
	protected function set_www_setting(string $value): void {
		update_network_option(null, 'wu_test_settings', ['auto_create_www_subdomain' => $value]);
	}

	/**
	 * The calls the built-in RunCloud integration received (stand-in).
	 *
	 * @return list<array{0: string, 1: string, 2: int}>
	 */
	protected function builtin_calls(): array {
		if (class_exists('\WP_Ultimo\Integrations\Host_Providers\Runcloud_Host_Provider', false)) {
			return \WP_Ultimo\Integrations\Host_Providers\Runcloud_Host_Provider::$calls;
		}
		if (class_exists('\WP_Ultimo\Integrations\Providers\RunCloud\RunCloud_Domain_Mapping', false)) {
			return \WP_Ultimo\Integrations\Providers\RunCloud\RunCloud_Domain_Mapping::$calls;
		}
		return [];
	}

	/**
	 * Forgets the built-in integration's recorded calls.
	 */
	private function builtin_calls_reset(): void {
		if (class_exists('\WP_Ultimo\Integrations\Host_Providers\Runcloud_Host_Provider', false)) {
			\WP_Ultimo\Integrations\Host_Providers\Runcloud_Host_Provider::$calls = [];
		}
		if (class_exists('\WP_Ultimo\Integrations\Providers\RunCloud\RunCloud_Domain_Mapping', false)) {
			\WP_Ultimo\Integrations\Providers\RunCloud\RunCloud_Domain_Mapping::$calls = [];
		}
	}

	/**
	 * A network with a mapped domain whose event never ran, an unwanted name
	 * this integration added, and a name that was on the app before.
	 */
	protected function network_out_of_step(): void {
		$this->sim->seed([['name' => 'foreign.example.com']]);
		$this->map_domain('stale.example.com', 9);
		$this->run_domain_events();
		$this->unmap_domain('stale.example.com', 9);
		$this->map_domain('missing.example.com', 4);
		\WP_Ultimo\Test\Async_Queue::clear();
		$this->sim->reset_requests();
	}

	/**
	 * Presses "Test connection": the AJAX action wu_test_hosting_integration,
	 * answered through wp_send_json_*(). Returns the decoded JSON.
	 *
	 * @param int $user_id Who presses it (the network admin by default).
	 * @return array{success: bool, data: array<string, mixed>}
	 */
	protected function press_test_connection(int $user_id = 1): array {
		$_REQUEST['integration'] = 'runcloud';
		$previous_user           = get_current_user_id();
		wp_set_current_user($user_id);
		$die_handler             = static function () {
			return static function () {
				throw new Ajax_Died();
			};
		};
		add_filter('wp_doing_ajax', '__return_true');
		add_filter('wp_die_ajax_handler', $die_handler);
		ob_start();
		try {
			do_action('wp_ajax_wu_test_hosting_integration');
		} catch (Ajax_Died $e) {
			// wp_send_json_*() ended the "request".
			unset($e);
		} finally {
			$output = (string) ob_get_clean();
			remove_filter('wp_doing_ajax', '__return_true');
			remove_filter('wp_die_ajax_handler', $die_handler);
			unset($_REQUEST['integration']);
			wp_set_current_user($previous_user);
		}
		$answer = json_decode($output, true);
		$this->assertIsArray($answer, 'the AJAX answer is JSON: ' . $output);
		return $answer;
	}

	/**
	 * Creates a site in the subdomain network (wpmu_create_blog, as the network admin does).
	 *
	 * @param string $slug Subdomain label.
	 */
	protected function create_site(string $slug): int {
		$site_id = wpmu_create_blog($slug . '.network.test', '/', 'Site ' . $slug, 1);
		$this->assertIsInt($site_id, is_wp_error($site_id) ? $site_id->get_error_message() : 'site created');
		return $site_id;
	}
}
