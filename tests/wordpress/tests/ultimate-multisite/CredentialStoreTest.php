<?php
/**
 * Ultimate Multisite 2.5+'s credential store.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

/**
 * Credentials the integration wizard saved (network options
 * wu_hosting_credential_{CONST}) become the constants the extension reads.
 * Only the integration registry (2.5+) has that store.
 *
 * @group um
 * @group registry
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
#[\PHPUnit\Framework\Attributes\Group('registry')]
final class CredentialStoreTest extends Integration_Test_Case {

	public function test_credentials_kept_by_ultimate_multisite_become_the_constants(): void {
		update_network_option(null, 'wu_hosting_credential_WU_RUNCLOUD_API_TOKEN', 'test-token');
		try {
			$run = WordPress_Process::run(EnvironmentTest::MAP_AND_REPORT, ['WU_RUNCLOUD_API_TOKEN' => null]);
		} finally {
			delete_network_option(null, 'wu_hosting_credential_WU_RUNCLOUD_API_TOKEN');
		}

		$this->assertSame(0, $run['status'], $run['output'] . $run['errors']);
		$this->assertTrue($run['result']['token'], 'the plugin defined the constant');
		$this->assertTrue($run['result']['report']['ok'], $run['result']['report']['message']);
		$this->assertNotNull($this->sim->domain('other-process.example.com'));
		foreach ($run['result']['log'] as $line) {
			$this->assertStringNotContainsString('test-token', $line);
		}
	}
}
