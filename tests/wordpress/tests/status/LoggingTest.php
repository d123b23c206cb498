<?php
/**
 * The integration-runcloud log channel.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

use WuRunCloud\Plugin\Plugin;

/**
 * Lines go to Ultimate Multisite's log (wu_log_add, channel
 * integration-runcloud) at the right level, never with a credential or a
 * certificate in them.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class LoggingTest extends Integration_Test_Case {

	public function test_lines_reach_the_channel_without_secrets_or_pem(): void {
		Plugin::instance()->logger()->error("odd answer: -----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE----- token test-token");

		$line = end(\WP_Ultimo\Test\Log::$lines);
		$this->assertSame(['handle' => 'integration-runcloud', 'message' => 'odd answer: [pem removed] token [redacted]', 'level' => 'error'], $line);
		$file = (string) file_get_contents(WP_CONTENT_DIR . '/uploads/wu-logs/integration-runcloud.log');
		$this->assertStringContainsString('ERROR - odd answer: [pem removed] token [redacted]', $file);
		$this->assertStringNotContainsString('test-token', $file);
		$this->assertStringNotContainsString('MIIB', $file);
	}

	public function test_a_credential_in_disguise_is_redacted_too(): void {
		$token     = 'test-token';
		$disguises = [
			'soft hyphens'          => "test\u{AD}-to\u{AD}ken",
			'zero-width characters' => "te\u{200B}st-tok\u{200D}en\u{FEFF}",
			'upper case'            => 'TEST-TOKEN',
			'percent-encoded'       => '%74%65%73%74%2D%74%6F%6B%65%6E',
			'base64'                => base64_encode($token),
			'base64, URL-safe, bare' => rtrim(strtr(base64_encode("\xfb\xff" . $token), '+/', '-_'), '='),
			'base64 of user:token'  => base64_encode('someone:' . $token),
		];
		foreach ($disguises as $label => $disguised) {
			$redacted = Plugin::instance()->logger()->redact("token $disguised refused");

			$this->assertStringContainsString('[redacted]', $redacted, $label);
			$this->assertStringNotContainsString($disguised, $redacted, $label);
			$this->assertStringNotContainsStringIgnoringCase($token, $redacted, $label);
		}
		$this->assertSame('100% sure, nothing to hide', Plugin::instance()->logger()->redact('100% sure, nothing to hide'));
	}

	public function test_a_mapping_logs_what_was_done_and_runclouds_reason_on_failure(): void {
		$this->sim->fault(['kind' => 'status', 'status' => 422, 'message' => 'The name has already been taken.', 'method' => 'POST']);
		$this->map_domain('taken.example.com', 12);
		$this->run_domain_events();

		$lines = array_filter(
			\WP_Ultimo\Test\Log::$lines,
			static function ($line) {
				return 'integration-runcloud' === $line['handle'];
			}
		);
		$this->assertSame(
			[['handle' => 'integration-runcloud', 'message' => 'add_domain taken.example.com (site 12): failed: RunCloud answered HTTP 422, "The name has already been taken.": RunCloud refused the name; it may be on another web app or not point at this server. Fix it in RunCloud or in Ultimate Multisite > Domains.', 'level' => 'error']],
			array_values($lines)
		);
	}
}
