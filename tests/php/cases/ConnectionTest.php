<?php

declare(strict_types=1);

namespace WuRunCloud\Tests;

final class ConnectionTest extends SimulatorTestCase
{
    public function testReportsTheWebAppThroughTheConfiguredApiVersion(): void
    {
        $this->sim()->seedNumberedDomains(3);

        $report = wu_runcloud_test_connection();

        $this->assertSame(
            [
                'api_version' => $this->auth(),
                'webapp_name' => 'multisite',
                'domain_count' => 4,
                'ssl_mode' => 'basic',
                'auto_ssl' => false,
            ],
            $report
        );
    }

    public function testSendsTheCredentialsOfTheConfiguredApiVersion(): void
    {
        wu_runcloud_test_connection();

        $requests = $this->sim()->requests();
        $this->assertNotEmpty($requests);
        $expectedScheme = $this->auth() === 'v3' ? 'Bearer [redacted]' : 'Basic [redacted]';
        foreach ($requests as $request) {
            $this->assertSame($this->auth(), $request['api_version']);
            $this->assertStringStartsWith('/api/' . $this->auth() . '/', $request['path']);
            $this->assertSame($expectedScheme, $request['authorization']);
            $this->assertSame(200, $request['status']);
        }
        $this->assertContains('GET /api/' . $this->auth() . '/ping -> 200', $this->requestLines());
        $this->assertContains('GET ' . $this->appPath() . ' -> 200', $this->requestLines());
    }

    public function testReportsAdvancedSslAndAutoSsl(): void
    {
        $this->sim()->changeSsl(['advancedSSL' => true, 'autoSSL' => true]);

        $report = wu_runcloud_test_connection();

        $this->assertSame('advanced', $report['ssl_mode']);
        $this->assertTrue($report['auto_ssl']);
    }
}
