<?php
/**
 * The plugin with other constants, or without the extension, each in its own
 * PHP process (constants and loaded extensions are fixed for a process).
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

/**
 * What happens when the extension is missing, when constants are missing or
 * wrong, and when Ultimate Multisite holds the credentials.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class EnvironmentTest extends Integration_Test_Case {

	/**
	 * Maps a domain through the stand-in Domain_Manager, runs its queue, and
	 * reports what happened, as JSON.
	 */
	public const MAP_AND_REPORT = <<<'PHP'
		wp_set_current_user(1);
		\WP_Ultimo\Managers\Domain_Manager::get_instance()->map_domain('other-process.example.com', 2);
		\WP_Ultimo\Test\Async_Queue::run();
		$builtin = class_exists('\WP_Ultimo\Integrations\Host_Providers\Runcloud_Host_Provider', false)
			? \WP_Ultimo\Integrations\Host_Providers\Runcloud_Host_Provider::$calls
			: \WP_Ultimo\Integrations\Providers\RunCloud\RunCloud_Domain_Mapping::$calls;
		ob_start();
		do_action('network_admin_notices');
		$notice = ob_get_clean();
		$tests  = apply_filters('site_status_tests', []);
		$plugin = \WuRunCloud\Plugin\Plugin::instance();
		$report = $plugin->service()->test_connection();
		echo json_encode([
			'extension' => extension_loaded('wu_runcloud'),
			'took_over' => $plugin->took_over(),
			'builtin'   => $builtin,
			'notice'    => $notice,
			'health'    => [
				'extension' => call_user_func($tests['direct']['wu_runcloud_extension']['test'])['status'],
				'constants' => call_user_func($tests['direct']['wu_runcloud_constants']['test']),
			],
			'report'    => ['ok' => $report->ok, 'reason' => $report->reason, 'message' => $report->message],
			'token'     => defined('WU_RUNCLOUD_API_TOKEN'),
			'log'       => array_column(\WP_Ultimo\Test\Log::$lines, 'message'),
		]), "\n";
PHP;

	public function test_without_the_extension_the_builtin_integration_keeps_working(): void {
		$run = WordPress_Process::run(self::MAP_AND_REPORT, WordPress_Process::without_extension());

		$this->assertSame(0, $run['status'], $run['output'] . $run['errors']);
		$result = $run['result'];
		$this->assertFalse($result['extension']);
		$this->assertNull($result['took_over'], 'the plugin did not take over');
		$this->assertSame([['add_domain', 'other-process.example.com', 2]], $result['builtin'], 'Ultimate Multisite\'s own integration got the event');
		$this->assertStringContainsString('the wu_runcloud PHP extension is not loaded', $result['notice']);
		$this->assertStringContainsString('rc/conf.d/', $result['notice'], 'the notice covers RunCloud\'s own PHP builds');
		$this->assertStringContainsString('php-config --extension-dir', $result['notice']);
		$this->assertSame('critical', $result['health']['extension']);
		$this->assertSame('extension_missing', $result['report']['reason']);
		$this->assertSame([], $this->sim->requests(), 'the plugin sent nothing');
		$this->assertStringNotContainsString('Fatal', $run['output'] . $run['errors']);
	}

	public function test_without_constants_nothing_is_sent_and_the_missing_ones_are_named(): void {
		$run = WordPress_Process::run(self::MAP_AND_REPORT, ['WU_RUNCLOUD_API_TOKEN' => null, 'WU_RUNCLOUD_APP_ID' => null]);

		$this->assertSame(0, $run['status'], $run['output'] . $run['errors']);
		$result = $run['result'];
		$this->assertSame([], $result['builtin'], 'the built-in integration is not set up either');
		$this->assertSame([], $this->sim->requests());
		$this->assertSame('not_configured', $result['report']['reason']);
		$this->assertSame('RunCloud is not configured: define WU_RUNCLOUD_APP_ID, WU_RUNCLOUD_API_TOKEN | WU_RUNCLOUD_API_KEY + WU_RUNCLOUD_API_SECRET in wp-config.php.', $result['report']['message']);
		$this->assertSame('recommended', $result['health']['constants']['status']);
		$this->assertStringContainsString('WU_RUNCLOUD_APP_ID', $result['health']['constants']['description']);
	}

	public function test_key_and_secret_set_the_integration_up_on_api_v2(): void {
		$run = WordPress_Process::run(self::MAP_AND_REPORT, ['WU_RUNCLOUD_API_TOKEN' => null, 'WU_RUNCLOUD_API_KEY' => 'test-key', 'WU_RUNCLOUD_API_SECRET' => 'test-secret']);

		$this->assertSame(0, $run['status'], $run['output'] . $run['errors']);
		$this->assertTrue($run['result']['report']['ok'], $run['result']['report']['message']);
		$this->assertNotNull($this->sim->domain('other-process.example.com'), 'added with key and secret');
		$this->assertContains('POST /api/v2/servers/1/webapps/1/domains', $this->sim->request_lines());
		$this->assertSame([], $run['result']['builtin']);
		$this->assertSame('good', $run['result']['health']['constants']['status']);
		foreach ($run['result']['log'] as $line) {
			$this->assertStringNotContainsString('test-secret', $line);
		}
	}

	public function test_the_web_apps_primary_domain_is_never_removed(): void {
		// A second simulated app whose primary domain is not the network's main domain.
		$simulator = proc_open(
			[(string) getenv('WU_TEST_SIM_BIN'), '--listen', '127.0.0.1:0', '--rate-limit', '0', '--primary-domain', 'app-primary.test'],
			[1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'w']],
			$pipes
		);
		try {
			$url = trim(substr((string) fgets($pipes[1]), strlen('listening on ')));
			$run = WordPress_Process::run(
				<<<'PHP'
				do_action('wu_remove_domain', 'app-primary.test', 1);
				echo json_encode(array_column(\WP_Ultimo\Test\Log::$lines, 'message', 'level')), "\n";
PHP
				,
				['WU_RUNCLOUD_API_URL' => $url, 'WU_TEST_SIM_URL' => $url]
			);
			$app = new Simulator_Client($url);

			$this->assertSame(0, $run['status'], $run['output'] . $run['errors']);
			$this->assertNotNull($app->domain('app-primary.test'), 'still on the app');
			$this->assertSame([], preg_grep('/^DELETE /', $app->request_lines()));
			$this->assertSame('remove_domain app-primary.test (site 1): not wanted by the network and not added by this integration: left as it is on RunCloud', $run['result']['info']);
		} finally {
			proc_terminate($simulator);
			proc_close($simulator);
		}
	}

	/**
	 * @return array<string, array{0: array<string, string>, 1: string, 2: string}>
	 */
	public static function wrong_settings(): array {
		return [
			'wrong token'       => [['WU_RUNCLOUD_API_TOKEN' => 'wrong-token-value'], 'credentials', 'check WU_RUNCLOUD_API_TOKEN.'],
			'wrong app id'      => [['WU_RUNCLOUD_APP_ID' => '999'], 'not_found', 'does not know server 1 or web app 999'],
			'nothing listening' => [['WU_RUNCLOUD_API_URL' => 'http://127.0.0.1:9'], 'unreachable', 'could not be reached'],
		];
	}

	/**
	 * @dataProvider wrong_settings
	 *
	 * @param array<string, string> $env    Environment changes.
	 * @param string                $reason Our reason code.
	 * @param string                $hint   Text the message holds.
	 */
	#[\PHPUnit\Framework\Attributes\DataProvider('wrong_settings')]
	public function test_wrong_settings_are_reported_with_runclouds_reason(array $env, string $reason, string $hint): void {
		$run = WordPress_Process::run(self::MAP_AND_REPORT, $env);

		$this->assertSame(0, $run['status'], $run['output'] . $run['errors']);
		$report = $run['result']['report'];
		$this->assertFalse($report['ok']);
		$this->assertSame($reason, $report['reason']);
		$this->assertStringContainsString($hint, $report['message']);
		$this->assertStringContainsString('RunCloud said: ', $report['message']);
		$this->assertNull($this->sim->domain('other-process.example.com'));
		foreach (array_merge($run['result']['log'], [$report['message']]) as $line) {
			$this->assertStringNotContainsString('wrong-token-value', $line, 'no secret in logs or messages');
		}
	}
}
