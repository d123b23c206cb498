<?php

declare(strict_types=1);

namespace WuRunCloud\Tests;

/** wu_runcloud_config(), phpinfo() and `php --ri`: names and settings, never a value. */
final class DiagnosticsTest extends SimulatorTestCase
{
    private const CREDENTIAL_VALUES = [TestEnvironment::TOKEN, TestEnvironment::API_KEY, TestEnvironment::API_SECRET];

    public function testConfigShowsWhichConstantsAreDefinedNotTheirValues(): void
    {
        $config = wu_runcloud_config();
        $v3 = $this->auth() === 'v3';

        $this->assertSame(
            ['version', 'api_version', 'base_url', 'constants', 'timeout', 'connect_timeout', 'max_retries', 'max_retry_wait', 'deadline', 'proxy'],
            array_keys($config)
        );
        $this->assertSame(WU_RUNCLOUD_VERSION, $config['version']);
        $this->assertSame($this->auth(), $config['api_version']);
        $this->assertSame($this->sim()->url(), $config['base_url']);
        $this->assertSame(
            [
                'WU_RUNCLOUD_API_TOKEN' => $v3,
                'WU_RUNCLOUD_API_KEY' => !$v3,
                'WU_RUNCLOUD_API_SECRET' => !$v3,
                'WU_RUNCLOUD_SERVER_ID' => true,
                'WU_RUNCLOUD_APP_ID' => true,
                'WU_RUNCLOUD_API_URL' => true,
                'WU_RUNCLOUD_APPS' => false,
            ],
            $config['constants']
        );
        $this->assertSame([30, 10, 3, 20], [
            $config['timeout'], $config['connect_timeout'], $config['max_retries'], $config['max_retry_wait'],
        ]);
        $this->assertContainsNoCredential(var_export($config, true));
        $this->assertNoRequestsMade();
    }

    public function testConfigWorksWithNothingConfigured(): void
    {
        $config = ChildPhp::run([], 'return wu_runcloud_config();')->result();

        $this->assertNull($config['api_version']);
        $this->assertSame('https://manage.runcloud.io', $config['base_url']);
        $this->assertSame([false], array_values(array_unique($config['constants'])));
    }

    public function testPhpinfoListsNamesAndSettingsOnly(): void
    {
        ob_start();
        phpinfo(INFO_MODULES);
        $info = ob_get_clean();
        $v3 = $this->auth() === 'v3';

        $this->assertStringContainsString('wu_runcloud support => enabled', $info);
        $this->assertStringContainsString('api version => ' . $this->auth(), $info);
        $this->assertStringContainsString('api base url => ' . $this->sim()->url(), $info);
        $this->assertStringContainsString('WU_RUNCLOUD_API_TOKEN => ' . ($v3 ? 'defined' : 'not defined'), $info);
        $this->assertStringContainsString('WU_RUNCLOUD_API_SECRET => ' . ($v3 ? 'not defined' : 'defined'), $info);
        $this->assertStringContainsString('WU_RUNCLOUD_SERVER_ID => defined', $info);
        $this->assertStringContainsString("timeout (s) => 30\n", $info);
        $this->assertStringContainsString("max retries => 3\n", $info);
        $this->assertStringContainsString("deadline (s) => 45\n", $info);
        $this->assertStringContainsString('proxy => none', $info);
        $this->assertContainsNoCredential($info);
    }

    public function testAProxyIsShownAsConfiguredNeverItsUrl(): void
    {
        $child = ChildPhp::run(
            [],
            "phpinfo(INFO_MODULES);\nvar_dump(wu_runcloud_config());\nreturn true;",
            [],
            ['wu_runcloud.proxy' => 'http://proxyuser:proxy-pass-5c1@proxy.example:3128']
        );
        $info = $child->output();

        $this->assertStringContainsString('proxy => configured', $info);
        $this->assertStringNotContainsString('proxy-pass-5c1', $info);
        $this->assertStringNotContainsString('proxy.example', $info);
    }

    public function testPhpRiShowsTheTable(): void
    {
        $output = ExtensionSurfaceTest::runPhp(['--ri', 'wu_runcloud']);

        $this->assertStringContainsString('wu_runcloud support => enabled', $output);
        $this->assertStringContainsString('version => ' . WU_RUNCLOUD_VERSION, $output);
        $this->assertStringContainsString('api version => not configured', $output);
        $this->assertStringContainsString('WU_RUNCLOUD_API_TOKEN => not defined', $output);
        $this->assertStringContainsString('max retries => 3', $output);
    }

    private function assertContainsNoCredential(string $text): void
    {
        foreach (self::CREDENTIAL_VALUES as $value) {
            $this->assertStringNotContainsString($value, $text);
        }
    }
}
