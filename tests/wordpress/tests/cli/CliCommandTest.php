<?php
/**
 * `wp runcloud`, through a test stand-in of WP_CLI (Debian has no WP-CLI).
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

use WuRunCloud\Plugin\Plugin;


require_once WU_TEST_SUITE_DIR . '/stand-ins/wp-cli.php';

/**
 * The commands are registered only when WP-CLI runs, an object per
 * subcommand; status, domains and sync (dry run, apply, prune) do what they
 * say against the simulated app; every listing follows --format, --fields
 * and --field as WP-CLI's Formatter does.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class CliCommandTest extends Integration_Test_Case {

	/**
	 * Every subcommand of `wp runcloud`, and the class behind it.
	 */
	const SUBCOMMANDS = [
		'status'       => 'WuRunCloud\Plugin\CLI\Status_Command',
		'test'         => 'WuRunCloud\Plugin\CLI\Test_Command',
		'domains'      => 'WuRunCloud\Plugin\CLI\Domains_Command',
		'names'        => 'WuRunCloud\Plugin\CLI\Names_Command',
		'redeploy-ssl' => 'WuRunCloud\Plugin\CLI\Redeploy_SSL_Command',
		'adopt'        => 'WuRunCloud\Plugin\CLI\Adopt_Command',
		'sync'         => 'WuRunCloud\Plugin\CLI\Sync_Command',
		'ssl-mode'     => 'WuRunCloud\Plugin\CLI\SSL_Mode_Command',
		'apps'         => 'WuRunCloud\Plugin\CLI\Apps_Command',
	];

	protected function setUp(): void {
		parent::setUp();
		\WP_CLI::$output = [];
	}

	/**
	 * Runs `wp runcloud <subcommand>` as WP-CLI calls it.
	 *
	 * @param string               $subcommand The subcommand.
	 * @param list<string>         $args       Positional arguments.
	 * @param array<string, mixed> $assoc_args Options.
	 */
	private function wp(string $subcommand, array $args = [], array $assoc_args = []): void {
		Plugin::instance()->cli_command($subcommand)($args, $assoc_args);
	}

	/**
	 * The recorded output of one kind.
	 *
	 * @param string $kind line, success, warning, error, items.
	 * @return list<string>
	 */
	private function printed(string $kind): array {
		$texts = [];
		foreach (\WP_CLI::$output as $entry) {
			if ($entry[0] === $kind) {
				$texts[] = $entry[1];
			}
		}
		return $texts;
	}

	public function test_the_command_is_registered_only_under_wp_cli(): void {
		$code = <<<'PHP'
			$registered = null;
			if (class_exists('WP_CLI', false)) {
				$registered = array_map(static function ($command) { return is_object($command) ? get_class($command) : $command; }, \WP_CLI::$commands);
				\WP_CLI::$commands['runcloud status']();
			}
			echo json_encode(['commands' => $registered, 'output' => class_exists('WP_CLI', false) ? \WP_CLI::$output : null]), "\n";
PHP;
		$with    = WordPress_Process::run($code, ['WU_TEST_WP_CLI' => '1']);
		$without = WordPress_Process::run($code);

		$this->assertSame(0, $with['status'], $with['output'] . $with['errors']);
		$expected = ['runcloud' => 'WuRunCloud\Plugin\CLI\RunCloud_Namespace'];
		foreach (self::SUBCOMMANDS as $subcommand => $class) {
			$expected[ 'runcloud ' . $subcommand ] = $class;
		}
		$this->assertSame($expected, $with['result']['commands'], 'the namespace, then an object per subcommand');
		$lines = array_column($with['result']['output'], 1);
		$this->assertContains('Extension:                           0.1.0', $lines);
		$this->assertContains('Missing:                             -', $lines);
		$this->assertSame(0, $without['status'], $without['output'] . $without['errors']);
		$this->assertNull($without['result']['commands'], 'no WP_CLI, no command');
	}

	public function test_status_shows_what_waits_for_a_retry(): void {
		$this->sim->fault(['kind' => 'status', 'status' => 503, 'method' => 'POST']);
		$this->map_domain('waiting.example.com', 2);
		$this->run_domain_events();

		$this->wp('status');

		$this->assertContains('Waiting for a retry:                 1', $this->printed('line'));
		$this->assertContains('Constants set:                       WU_RUNCLOUD_API_TOKEN, WU_RUNCLOUD_SERVER_ID, WU_RUNCLOUD_APP_ID, WU_RUNCLOUD_API_URL', $this->printed('line'));
		foreach ($this->printed('line') as $line) {
			$this->assertStringNotContainsString('test-token', $line);
		}
	}

	public function test_domains_lists_every_domain_and_which_ones_are_ours(): void {
		$this->map_domain('listed.example.com', 3);
		$this->run_domain_events();

		$this->wp('domains', [], ['format' => 'json']);

		$items = json_decode($this->printed('stdout')[0], true);
		$this->assertSame(['network.test', 'listed.example.com'], array_column($items, 'name'));
		$this->assertSame([false, true], array_column($items, 'managed'), 'booleans in JSON');
		$this->assertSame([null, 3], array_column($items, 'site'), 'the site as an int, or null');
		$this->assertIsInt($items[1]['id']);
		$this->assertIsBool($items[1]['www']);

		\WP_CLI::$output = [];
		$this->wp('domains', [], ['format' => 'csv']);
		$this->assertSame("name,id,type,www,redirection,wildcard,managed,site\n", strtok($this->printed('stdout')[0], "\n") . "\n");
		$this->assertStringContainsString('listed.example.com,', $this->printed('stdout')[0]);
		$this->assertStringContainsString(',no,yes,3', $this->printed('stdout')[0], 'yes/no for people');

		\WP_CLI::$output = [];
		$this->wp('domains', [], ['format' => 'count']);
		$this->assertSame(['2'], $this->printed('stdout'));
	}

	public function test_names_lists_every_name_with_its_state(): void {
		$this->map_domain('bücher.example', 3);
		$this->run_domain_events();
		$this->sim->fault(['kind' => 'status', 'status' => 503, 'method' => 'POST', 'message' => 'Service Unavailable']);
		$this->map_domain('later.example.com', 3);
		$this->run_domain_events();
		$this->sim->reset_requests();

		$this->wp('names', [], ['format' => 'json']);

		$this->assertSame([], $this->sim->request_lines(), 'read from what the plugin keeps');
		$rows = array_column(json_decode($this->printed('stdout')[0], true), null, 'name');
		$this->assertSame(['bücher.example', 'waiting', 3, true], [$rows['xn--bcher-kva.example']['unicode'], $rows['xn--bcher-kva.example']['state'], $rows['xn--bcher-kva.example']['site'], is_int($rows['xn--bcher-kva.example']['id'])]);
		$this->assertSame('waiting', $rows['later.example.com']['state']);
		$this->assertNull($rows['later.example.com']['id'], 'not on RunCloud: no id');
		$this->assertIsInt($rows['later.example.com']['next_attempt']);
		$this->assertStringStartsWith('RunCloud answered HTTP 503, "Service Unavailable": ', $rows['later.example.com']['error']);

		\WP_CLI::$output = [];
		$this->wp('names', [], ['state' => 'waiting', 'format' => 'count']);
		$this->assertSame(['2'], $this->printed('stdout'));
		try {
			$this->wp('names', [], ['state' => 'bogus']);
			$this->fail('an unknown state must be refused');
		} catch (\WP_CLI\ExitException $e) {
			$this->assertStringStartsWith('Unknown state "bogus"', $e->getMessage());
		}
	}

	public function test_domains_follow_fields_and_format(): void {
		$this->map_domain('listed.example.com', 3);
		$this->run_domain_events();
		$ids = [$this->sim->domain('network.test')['id'], $this->sim->domain('listed.example.com')['id']];

		$this->wp('domains', [], ['fields' => 'site,name', 'format' => 'csv']);
		$this->assertSame("site,name\n,network.test\n3,listed.example.com\n", $this->printed('stdout')[0], 'the columns asked for, in their order');

		\WP_CLI::$output = [];
		$this->wp('domains', [], ['fields' => 'name, managed', 'format' => 'json']);
		$this->assertSame([['name' => 'network.test', 'managed' => false], ['name' => 'listed.example.com', 'managed' => true]], json_decode($this->printed('stdout')[0], true));

		\WP_CLI::$output = [];
		$this->wp('domains', [], ['fields' => 'name,managed']);
		$this->assertSame(["name\tmanaged", "network.test\tno", "listed.example.com\tyes"], $this->printed('line'), 'a table, as WP-CLI prints it piped');

		\WP_CLI::$output = [];
		$this->wp('domains', [], ['field' => 'site', 'format' => 'json']);
		$this->assertSame(['[null,3]'], $this->printed('stdout'), 'one column');

		\WP_CLI::$output = [];
		$this->wp('domains', [], ['format' => 'ids']);
		$this->assertSame([implode(' ', $ids)], $this->printed('stdout'), "RunCloud's ids");

		\WP_CLI::$output = [];
		$this->wp('domains', [], ['format' => 'yaml', 'fields' => 'name']);
		$this->assertSame(['yaml', ['name']], [json_decode($this->printed('items')[0], true)['format'], json_decode($this->printed('items')[0], true)['fields']]);
	}

	public function test_names_follow_fields_and_format(): void {
		$this->map_domain('first.example.com', 3);
		$this->map_domain('second.example.com', 4);
		$this->run_domain_events();

		$this->wp('names', [], ['fields' => 'name,site,www', 'format' => 'json']);
		$rows = array_column(json_decode($this->printed('stdout')[0], true), null, 'name');
		$this->assertSame(['name' => 'second.example.com', 'site' => 4, 'www' => true], $rows['second.example.com']);

		\WP_CLI::$output = [];
		$this->wp('names', [], ['fields' => 'name,site,www', 'format' => 'csv']);
		$this->assertStringContainsString("\nsecond.example.com,4,yes\n", $this->printed('stdout')[0]);

		\WP_CLI::$output = [];
		$this->wp('names', [], ['state' => 'waiting', 'format' => 'ids']);
		$names = explode(' ', $this->printed('stdout')[0]);
		$this->assertContains('first.example.com', $names);
		$this->assertContains('second.example.com', $names, 'the names, for redeploy-ssl');

		\WP_CLI::$output = [];
		$this->wp('names', [], ['state' => 'waiting', 'field' => 'name']);
		$this->assertSame($names, $this->printed('stdout'));

		\WP_CLI::$output = [];
		$this->wp('names', [], ['fields' => 'name,bogus', 'format' => 'json']);
		$this->assertSame(['Field not found in any item: bogus.'], $this->printed('warning'), 'as WP-CLI says it');
	}

	public function test_status_follows_fields_and_format(): void {
		$this->wp('status', [], ['fields' => 'field,value', 'format' => 'csv']);
		$csv = $this->printed('stdout')[0];
		$this->assertStringStartsWith("field,value\nextension,0.1.0\n", $csv);
		$this->assertStringContainsString("\nretry_waiting,0\n", $csv);

		\WP_CLI::$output = [];
		$this->wp('status', [], ['field' => 'field', 'format' => 'json']);
		$fields = json_decode($this->printed('stdout')[0], true);
		$this->assertSame(['extension', 'ultimate_multisite', 'integration'], array_slice($fields, 0, 3));

		\WP_CLI::$output = [];
		$this->wp('status', [], ['fields' => 'label,value']);
		$this->assertSame("label\tvalue", $this->printed('line')[0], 'with --fields, a table of columns');
		$this->assertSame("Extension\t0.1.0", $this->printed('line')[1]);
	}

	public function test_adopt_lists_with_fields_and_format(): void {
		$this->sim->seed([['name' => 'alias.operator.example']]);
		$this->read_the_app();
		$this->map_domain('alias.operator.example', 2);
		$this->run_domain_events();

		$this->wp('adopt', [], ['fields' => 'name,site', 'format' => 'json']);
		$this->assertSame([['name' => 'alias.operator.example', 'site' => 2]], json_decode($this->printed('stdout')[0], true));
		$this->assertSame([], $this->printed('line'), 'nothing after the JSON');

		\WP_CLI::$output = [];
		$this->wp('adopt', [], ['fields' => 'name,source']);
		$this->assertSame(["name\tsource", "alias.operator.example\tdomain", '1 name can be adopted; run again with --yes to adopt it.'], $this->printed('line'));
	}

	public function test_a_failed_redeploy_says_why(): void {
		$this->sim->fault(['kind' => 'status', 'status' => 403, 'message' => 'Your plan does not include API access', 'count' => 10]);
		try {
			$this->wp('redeploy-ssl', [], []);
			$this->fail('the command must end with an error');
		} catch (\WP_CLI\ExitException $e) {
			$this->assertSame('The redeploy failed (1 reason above).', $e->getMessage());
		}
		$this->assertSame(["(web app): RunCloud answered HTTP 403, \"Your plan does not include API access\": the API key may not do this; check the key's permissions and that API access is enabled in RunCloud (Settings > API Key)."], $this->printed('warning'));
	}

	public function test_status_follows_format(): void {
		$this->wp('status', [], ['format' => 'json']);
		$items = json_decode($this->printed('stdout')[0], true);
		$this->assertSame('extension', $items[0]['field']);
		$this->assertSame('0.1.0', $items[0]['value']);
		$this->assertContains('next_retry', array_column($items, 'field'));

		\WP_CLI::$output = [];
		$this->wp('status', [], ['format' => 'count']);
		$this->assertSame([(string) count($items)], $this->printed('stdout'));
	}

	public function test_overdue_retries_say_so_in_status(): void {
		$this->sim->fault(['kind' => 'status', 'status' => 503, 'method' => 'POST']);
		$this->map_domain('late.example.com', 2);
		$this->run_domain_events();
		// Nothing ran the queue for ten minutes (DISABLE_WP_CRON, no system cron).
		Queue_Runner::fast_forward(600);
		\WP_CLI::$output = [];

		$this->wp('status', [], []);

		$this->assertNotEmpty(preg_grep('/^Next retry: +\S+ \S+ UTC \(It was due at .* and has not run: nothing runs the queue\./', $this->printed('line')), implode("\n", $this->printed('line')));
	}

	public function test_every_subcommand_has_a_one_line_short_description_and_a_synopsis_wp_cli_reads(): void {
		$docs = ['runcloud' => (new \ReflectionClass(\WuRunCloud\Plugin\CLI\RunCloud_Namespace::class))->getDocComment()];
		foreach (self::SUBCOMMANDS as $subcommand => $class) {
			// WP-CLI reads an invokable object's help from __invoke() (php/WP_CLI/Dispatcher/CommandFactory.php).
			$docs[ $subcommand ] = (new \ReflectionMethod($class, '__invoke'))->getDocComment();
		}
		foreach ($docs as $subcommand => $comment) {
			// As WP-CLI's php/WP_CLI/DocParser.php reads it: the comment's markers
			// removed (php/WP_CLI/Dispatcher/CommandFactory.php), the short
			// description is the first line, get_shortdesc()'s '|^([^@][^\n]+)\n*|'.
			$doc = (string) preg_replace('/^\s*\/\*\*\s*\n|\n\s*\*\/\s*$/', '', (string) $comment);
			$doc = (string) preg_replace('/^[ \t]*\* ?/m', '', $doc);
			$this->assertSame(1, preg_match('|^([^@][^\n]+)\n*|', $doc, $m), $subcommand);
			$this->assertStringEndsWith('.', $m[1], $subcommand . ': the short description is one whole sentence on its line');
			$lines = explode("\n", $doc);
			$this->assertSame('', trim($lines[1] ?? ''), $subcommand . ': a blank line after the short description');
			// The synopsis, as php/WP_CLI/Dispatcher/Subcommand.php extract_synopsis()
			// takes it: each line a ": description" line follows.
			preg_match_all('/(.+?)[\r\n]+:/', $doc, $synopsis);
			foreach ($synopsis[1] as $token) {
				$this->assertMatchesRegularExpression('/^\[?(<[a-z-]+>(\.\.\.)?|--[a-z-]+(=<[a-z-]+>)?)\]?$/', $token, $subcommand . ': a parameter php/WP_CLI/SynopsisParser.php knows');
			}
		}
	}

	public function test_sync_reports_adds_and_prunes_only_what_it_should(): void {
		// foreign.example.com was on the app before; stale.example.com was added
		// by this integration, and its mapping's removal event never ran.
		$this->sim->seed([['name' => 'foreign.example.com']]);
		$this->map_domain('stale.example.com', 9);
		$this->run_domain_events();
		$this->unmap_domain('stale.example.com', 9);
		\WP_Ultimo\Test\Async_Queue::clear();
		$this->map_domain('wanted.example.com', 4);
		$site_id = $this->create_site('blog');
		\WP_Ultimo\Test\Async_Queue::clear();
		$this->sim->reset_requests();

		$this->wp('sync', [], ['dry-run' => true]);
		$this->assertContains('To add:      blog.network.test, wanted.example.com', $this->printed('line'));
		$this->assertNotEmpty(preg_grep('/^Unchanged: +\d+$/', $this->printed('line')), 'a count, not every name: ' . implode(' | ', $this->printed('line')));
		$this->assertSame(['Dry run: nothing was changed.'], $this->printed('success'));
		$this->assertSame([], preg_grep('/^(POST|DELETE|PUT) /', $this->sim->request_lines()), 'a dry run changes nothing');

		\WP_CLI::$output = [];
		$this->wp('sync', [], []);
		$this->assertSame(['Added 2, removed 0.'], $this->printed('success'));
		$this->assertContains('Added:       blog.network.test, wanted.example.com', $this->printed('line'), 'a real run says what it did');
		$this->assertSame([], preg_grep('/^To add:/', $this->printed('line')));
		$last = get_network_option(null, 'wu_runcloud_last_reconcile');
		$this->assertSame(['cli', false, ['blog.network.test', 'wanted.example.com']], [$last['trigger'], $last['dry_run'], $last['added']], 'recorded as a reconcile, as the page shows it');
		$this->assertTrue((bool) $this->sim->domain('wanted.example.com')['www'], 'the www setting applies');
		$this->assertFalse((bool) $this->sim->domain('blog.network.test')['www']);
		$this->assertSame($site_id, $this->managed()['blog.network.test']['site_id']);
		$this->assertNotNull($this->sim->domain('stale.example.com'), 'without --prune nothing is removed');

		\WP_CLI::$output = [];
		$this->wp('sync', [], ['prune' => true]);
		$this->assertSame(['Added 0, removed 1.'], $this->printed('success'));
		$this->assertSame(['blog.network.test', 'foreign.example.com', 'network.test', 'wanted.example.com'], $this->sim->domain_names(), 'only the unwanted name this integration added went');
		$this->assertArrayNotHasKey('stale.example.com', $this->managed());
	}

	public function test_test_reports_success_and_runclouds_reason(): void {
		$this->wp('test');
		$this->assertSame(['Connected to the RunCloud web app "multisite" (API v3): 1 domains, basic SSL.'], $this->printed('success'));

		$this->sim->fault(['kind' => 'status', 'status' => 403, 'message' => 'Your plan does not include API access', 'count' => 5]);
		try {
			$this->wp('test');
			$this->fail('the command must end with an error');
		} catch (\WP_CLI\ExitException $e) {
			$this->assertStringEndsWith('RunCloud said: RunCloud API error 403: Your plan does not include API access', $e->getMessage());
		}
	}

	public function test_redeploy_ssl_redeploys_the_waiting_batch_now(): void {
		$this->map_domain('now.example.com', 2);
		$this->run_domain_events();

		$this->wp('redeploy-ssl', [], []);

		$this->assertSame(1, $this->sim->counters()['redeploys']);
		$this->assertSame(1, count($this->printed('success')));
		$this->assertStringStartsWith('basic SSL: redeployed (', $this->printed('success')[0]);
		$this->assertSame([], $this->certificate_queue()->pending(), 'the batch was taken');
	}

	public function test_sync_waits_out_a_rate_limit_longer_than_a_page_load_may(): void {
		$rate_limited = ['kind' => 'status', 'status' => 429, 'message' => 'Too Many Attempts.', 'retry_after' => 2, 'method' => 'GET', 'path_contains' => '/domains?page=1'];
		$this->map_domain('patient.example.com', 4);
		// The suite turns in-call retries off; here they are what is tested.
		$previous = [ini_get('wu_runcloud.max_retry_wait'), ini_get('wu_runcloud.max_retries')];
		ini_set('wu_runcloud.max_retry_wait', '1');
		ini_set('wu_runcloud.max_retries', '3');
		try {
			// "Reconcile now" in a page load: within a 1 s wait, a 2 s
			// Retry-After ends the call, and the page is left to a later run.
			$this->sim->fault($rate_limited);
			$this->assertSame('under_way', Plugin::instance()->daily_reconcile()->start_now('admin', false, false));
			$this->assertSame(0, Plugin::instance()->fleet()->primary()->walk->progress()['pages_read']);
			$this->assertNull($this->sim->domain('patient.example.com'));

			// The command goes on with that walk, and waits.
			$this->sim->fault($rate_limited);
			$this->wp('sync', [], []);

			$this->assertSame('1', ini_get('wu_runcloud.max_retry_wait'), 'the wait is raised for the command only');
		} finally {
			ini_set('wu_runcloud.max_retry_wait', (string) $previous[0]);
			ini_set('wu_runcloud.max_retries', (string) $previous[1]);
		}
		$this->assertNotNull($this->sim->domain('patient.example.com'), 'the command waited for the limit and went on');
		$this->assertContains('Added 1, removed 0.', $this->printed('success'));
	}

	public function test_background_work_raises_the_calls_deadline_with_its_wait(): void {
		$service  = Plugin::instance()->service();
		$settings = static function (): array {
			return [
				(int) ini_get('wu_runcloud.max_retry_wait'),
				(int) ini_get('wu_runcloud.deadline'),
				ini_get('wu_runcloud.pace_across_windows'),
			];
		};
		$before = [ini_get('wu_runcloud.deadline'), ini_get('wu_runcloud.max_retries')];
		$this->assertSame('45', $before[0], 'the extension\'s default, which a page load keeps');
		try {
			// In-call retries off (the suite's setting): the wait, plus a minute for the requests.
			ini_set('wu_runcloud.max_retries', '0');
			$this->assertSame([120, 180, '1'], $service->patiently($settings));
			// With retries, room for a rate-limit window each.
			ini_set('wu_runcloud.max_retries', '3');
			$this->assertSame([120, 240, '1'], $service->patiently($settings));
			$this->assertSame('45', ini_get('wu_runcloud.deadline'), 'restored after the work');

			// The filter is bounded: above the wait, at most 15 minutes.
			$deadline = static function () use (&$wanted) {
				return $wanted;
			};
			add_filter('wu_runcloud_background_deadline', $deadline);
			$wanted = 5;
			$this->assertSame(150, $service->patiently($settings)[1], 'never below the wait');
			$wanted = 100000;
			$this->assertSame(900, $service->patiently($settings)[1], 'at most 15 minutes');
			remove_filter('wu_runcloud_background_deadline', $deadline);

			// A deadline already longer is left as it is.
			ini_set('wu_runcloud.deadline', '1200');
			$this->assertSame(1200, $service->patiently($settings)[1]);
			$this->assertSame('1200', ini_get('wu_runcloud.deadline'));
		} finally {
			ini_set('wu_runcloud.deadline', (string) $before[0]);
			ini_set('wu_runcloud.max_retries', (string) $before[1]);
		}
		$this->assertSame('45', ini_get('wu_runcloud.deadline'));
	}

	public function test_sync_fails_cleanly_when_runcloud_cannot_be_read(): void {
		$this->sim->fault(['kind' => 'status', 'status' => 401, 'message' => 'Unauthenticated.', 'count' => 10]);
		$this->map_domain('wanted.example.com', 4);

		try {
			$this->wp('sync', [], []);
			$this->fail('the command must end with an error');
		} catch (\WP_CLI\ExitException $e) {
			$this->assertSame('RunCloud answered HTTP 401, "Unauthenticated.": RunCloud did not accept the API credentials; check WU_RUNCLOUD_API_TOKEN (or WU_RUNCLOUD_API_KEY and WU_RUNCLOUD_API_SECRET) in wp-config.php, then Tools > Site Health.', $e->getMessage(), 'the reason and the constants to check');
		}
		$this->assertSame(['cli', 'RunCloud answered HTTP 401, "Unauthenticated.": RunCloud did not accept the API credentials; check WU_RUNCLOUD_API_TOKEN (or WU_RUNCLOUD_API_KEY and WU_RUNCLOUD_API_SECRET) in wp-config.php, then Tools > Site Health.'], [get_network_option(null, 'wu_runcloud_last_reconcile')['trigger'], get_network_option(null, 'wu_runcloud_last_reconcile')['failure']]);
	}
}
