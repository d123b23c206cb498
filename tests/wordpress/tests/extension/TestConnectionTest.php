<?php
/**
 * The "Test connection" button of the Host Integrations wizard.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

/**
 * The AJAX action wu_test_hosting_integration answers through our
 * integration: success with the web app's details, or RunCloud's own reason.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class TestConnectionTest extends Integration_Test_Case {

	public function test_success_names_the_web_app(): void {
		$answer = $this->press_test_connection();

		$this->assertTrue($answer['success'], json_encode($answer));
		if ('a' === self::architecture()) {
			$this->assertSame('Connected to the RunCloud web app "multisite" (API v3): 1 domains, basic SSL.', $answer['data']['message']);
			$this->assertSame('multisite', $answer['data']['webapp_name']);
		}
		$this->assertContains('test_connection: OK, web app "multisite", API v3, 1 domains, basic SSL', $this->log_lines('info'));
	}

	/**
	 * @return array<string, array{0: string}>
	 */
	public static function not_network_admins(): array {
		return [
			'subscriber'               => ['subscriber'],
			'administrator of a site'  => ['administrator'],
		];
	}

	/**
	 * Ultimate Multisite's AJAX action checks no capability: ours does.
	 *
	 * @dataProvider not_network_admins
	 *
	 * @param string $role Role on the main site.
	 */
	#[\PHPUnit\Framework\Attributes\DataProvider('not_network_admins')]
	public function test_only_network_admins_may_test(string $role): void {
		$user_id = wp_insert_user(['user_login' => 'tester-' . $role, 'user_pass' => wp_generate_password(), 'user_email' => $role . '@example.com', 'role' => $role]);
		$this->assertIsInt($user_id);
		try {
			$answer = $this->press_test_connection($user_id);
		} finally {
			wpmu_delete_user($user_id);
		}

		$this->assertFalse($answer['success']);
		$this->assertSame('Only network administrators may test the RunCloud connection.', $answer['data']['message']);
		$this->assertArrayNotHasKey('webapp_name', $answer['data'], 'nothing about the web app');
		$this->assertSame([], $this->sim->requests(), 'RunCloud was not asked');
	}

	public function test_site_health_shows_the_connection_and_its_failure(): void {
		$connection = apply_filters('site_status_tests', [])['async']['wu_runcloud_connection'];
		$this->assertSame('good', call_user_func($connection['async_direct_test'])['status']);

		$this->sim->fault(['kind' => 'status', 'status' => 401, 'message' => 'Unauthenticated.', 'count' => 5]);
		$result = call_user_func($connection['async_direct_test']);

		$this->assertSame('critical', $result['status']);
		$this->assertStringContainsString('check WU_RUNCLOUD_API_TOKEN. RunCloud said: RunCloud API error 401: Unauthenticated.', $result['description']);
		$this->assertStringEndsWith('/wu-runcloud/v1/site-health/connection', $connection['test']);
	}

	/**
	 * @return array<string, array{0: array<string, mixed>, 1: string, 2: string}>
	 */
	public static function failures(): array {
		return [
			'401' => [['kind' => 'status', 'status' => 401, 'message' => 'Unauthenticated.'], 'credentials', 'RunCloud rejected the credentials: check WU_RUNCLOUD_API_TOKEN.'],
			'403' => [['kind' => 'status', 'status' => 403, 'message' => 'Your plan does not include API access'], 'forbidden', 'Your plan does not include API access'],
			'404' => [['kind' => 'status', 'status' => 404, 'message' => 'Web application not found'], 'not_found', 'check WU_RUNCLOUD_SERVER_ID and WU_RUNCLOUD_APP_ID'],
			'429' => [['kind' => 'status', 'status' => 429, 'message' => 'Too Many Attempts.', 'retry_after' => 30], 'rate_limited', 'Too Many Attempts.'],
			'503' => [['kind' => 'status', 'status' => 503, 'message' => 'Down for maintenance'], 'runcloud_error', 'Down for maintenance'],
			'drop' => [['kind' => 'drop'], 'unreachable', 'RunCloud could not be reached from this server'],
		];
	}

	/**
	 * @dataProvider failures
	 *
	 * @param array<string, mixed> $fault  The simulator fault.
	 * @param string               $reason Our reason code.
	 * @param string               $said   Text the message must hold.
	 */
	#[\PHPUnit\Framework\Attributes\DataProvider('failures')]
	public function test_a_failure_answers_with_the_reason(array $fault, string $reason, string $said): void {
		$this->sim->fault($fault + ['count' => 5]);

		$answer = $this->press_test_connection();

		$this->assertFalse($answer['success']);
		$this->assertStringContainsString($said, $answer['data']['message']);
		if (isset($fault['message'])) {
			$this->assertStringEndsWith(sprintf('RunCloud said: RunCloud API error %d: %s', $fault['status'], $fault['message']), $answer['data']['message']);
		}
		if ('a' === self::architecture()) {
			$this->assertSame($reason, $answer['data']['reason']);
		}
		$report = \WuRunCloud\Plugin\Plugin::instance()->service()->test_connection();
		$this->assertSame($reason, $report->reason, 'the service reports the same reason');
		$this->assertNotEmpty($this->log_lines('error'));
		foreach ($this->log_lines() as $line) {
			$this->assertStringNotContainsString('test-token', $line, 'no secret in the log');
		}
	}
}
