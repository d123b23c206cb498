<?php
/**
 * No credential, and no certificate, on any surface the plugin has.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

use WuRunCloud\Plugin\Plugin;


require_once WU_TEST_SUITE_DIR . '/stand-ins/wp-cli.php';

/**
 * The suite's credentials serve as canaries: every domain event, every
 * failure the simulator can inject (some with RunCloud echoing the
 * credential back in its message), the connection test, Site Health, the
 * network-admin page and notices, and each `wp runcloud` command run, and
 * none of what they log, print or return holds the token, the API key or
 * secret, or certificate PEM.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class SecretCanaryTest extends Integration_Test_Case {

	private const FAULTS = [
		['kind' => 'status', 'status' => 401, 'message' => 'Unauthenticated: bearer test-token rejected'],
		['kind' => 'status', 'status' => 403, 'message' => 'Your plan does not allow API access.'],
		['kind' => 'status', 'status' => 404, 'message' => 'Not found.'],
		['kind' => 'status', 'status' => 422, 'message' => 'The given data was invalid.'],
		['kind' => 'status', 'status' => 429, 'message' => 'Too Many Attempts.', 'retry_after' => 1],
		['kind' => 'status', 'status' => 500, 'message' => 'Server Error (Authorization: Bearer test-token)'],
		['kind' => 'status', 'status' => 503, 'message' => 'Service Unavailable'],
		['kind' => 'drop'],
		['kind' => 'malformed_json'],
		['kind' => 'truncated'],
	];

	/**
	 * What must never show: the credentials in use (as given, and as the
	 * Basic pair is encoded) and certificate PEM.
	 *
	 * @param list<string> $credentials The credentials in use.
	 * @return list<string>
	 */
	private static function canaries(array $credentials): array {
		return array_merge($credentials, ['-----BEGIN', 'PRIVATE KEY']);
	}

	public function test_nothing_the_plugin_logs_prints_or_returns_holds_a_credential(): void {
		$surfaces = $this->drive_every_path();

		$surfaces['log file'] = (string) @file_get_contents(WP_CONTENT_DIR . '/uploads/wu-logs/integration-runcloud.log');
		$surfaces['log lines'] = implode("\n", $this->log_lines());
		$this->assertNotSame('', $surfaces['log lines'], 'the paths above logged something');
		foreach ($surfaces as $surface => $text) {
			foreach (self::canaries(['test-token']) as $canary) {
				$this->assertStringNotContainsString($canary, $text, "$surface shows $canary");
			}
		}
	}

	public function test_api_v2_key_and_secret_never_show_either(): void {
		$code = <<<'PHP'
			$plugin = \WuRunCloud\Plugin\Plugin::instance();
			$seen   = [];
			add_action('wu_runcloud_log', static function ($level, $message) use (&$seen) { $seen[] = $message; }, 10, 2);
			$service = $plugin->service();
			$service->add_domain('v2-canary.example.com', 1);
			$client = new \WuRunCloud\Tests\Simulator_Client((string) getenv('WU_TEST_SIM_URL'));
			$client->fault(['kind' => 'status', 'status' => 401, 'message' => 'Bad credentials test-key:test-secret']);
			$service->remove_domain('v2-canary.example.com', 1);
			$report = $service->test_connection();
			$tests  = apply_filters('site_status_tests', []);
			$health = [];
			foreach ($tests['direct'] as $test) {
				$health[] = call_user_func($test['test']);
			}
			$plugin->daily_reconcile()->start_now('admin', true, false);
			wp_set_current_user(1);
			ob_start();
			$plugin->settings_page()->render();
			$page = ob_get_clean();
			echo json_encode(['log' => $seen, 'report' => (array) $report, 'health' => $health, 'config' => $plugin->gateway()->config(), 'page' => $page]), "\n";
PHP;
		$run = WordPress_Process::run(
			"require_once dirname(__DIR__) . '/support/class-simulator-client.php';\n" . $code,
			['WU_RUNCLOUD_API_TOKEN' => null, 'WU_RUNCLOUD_API_KEY' => 'test-key', 'WU_RUNCLOUD_API_SECRET' => 'test-secret']
		);

		$this->assertSame(0, $run['status'], $run['output'] . $run['errors']);
		$this->assertNotEmpty($run['result']['log'], 'the v2 paths logged something');
		$this->assertStringContainsString('<code>WU_RUNCLOUD_API_SECRET</code></td><td>set</td>', $run['result']['page']);
		$everything = $run['output'] . $run['errors'];
		foreach (self::canaries(['test-key', 'test-secret', base64_encode('test-key:test-secret')]) as $canary) {
			$this->assertStringNotContainsString($canary, $everything, "v2 output shows $canary");
		}
	}

	/**
	 * Runs every path once and returns what each surface showed.
	 *
	 * @return array<string, string>
	 */
	private function drive_every_path(): array {
		$surfaces = [];
		$this->map_domain('canary.example.com', 2);
		$site = $this->create_site('canary');
		$this->run_domain_events();
		$this->run_scheduled_after(31);
		foreach (self::FAULTS as $i => $fault) {
			$this->sim->fault($fault + ['method' => 'POST']);
			$this->map_domain("fault-$i.example.com", 3);
			$this->run_domain_events();
			$this->sim->fault($fault);
			$surfaces[ "test connection, fault $i" ] = json_encode($this->press_test_connection());
		}
		$surfaces['test connection'] = json_encode($this->press_test_connection());
		$this->unmap_domain('canary.example.com', 2);
		wp_delete_site($site);
		$this->run_domain_events();
		$this->run_scheduled_after(3600);

		$tests = apply_filters('site_status_tests', []);
		foreach ($tests['direct'] as $id => $test) {
			$surfaces[ "site health $id" ] = json_encode(call_user_func($test['test']));
		}
		$surfaces['site health connection'] = json_encode(call_user_func($tests['async']['wu_runcloud_connection']['async_direct_test']));

		$this->reconcile_now(true, true);
		wp_set_current_user(1);
		try {
			ob_start();
			Plugin::instance()->settings_page()->render();
			$surfaces['network-admin page'] = (string) ob_get_clean();
			ob_start();
			do_action('network_admin_notices');
			$surfaces['network-admin notices'] = (string) ob_get_clean();
		} finally {
			wp_set_current_user(0);
		}

		\WP_CLI::$output = [];
		$commands        = [
			'status'       => [],
			'test'         => [],
			'domains'      => ['format' => 'json'],
			'redeploy-ssl' => [],
			'sync'         => ['dry-run' => true],
		];
		foreach ($commands as $subcommand => $options) {
			try {
				Plugin::instance()->cli_command($subcommand)([], $options);
			} catch (\WP_CLI\ExitException $e) {
				// An error printed by the command is a surface too, recorded in WP_CLI::$output.
				unset($e);
			}
		}
		$surfaces['wp runcloud'] = json_encode(\WP_CLI::$output);
		$surfaces['config']      = json_encode(Plugin::instance()->gateway()->config());
		return $surfaces;
	}
}
