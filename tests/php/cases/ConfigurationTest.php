<?php

declare(strict_types=1);

namespace WuRunCloud\Tests;

use WuRunCloud\ApiException;
use WuRunCloud\ConfigurationException;

/**
 * Constants other than the suite's own: each case runs in a child PHP process, since a
 * constant cannot be redefined.
 */
final class ConfigurationTest extends SimulatorTestCase
{
    /** @return array<string, mixed> what the child's call threw */
    private function thrownInChild(array $constants, string $code = 'return wu_runcloud_test_connection();'): array
    {
        $thrown = ChildPhp::run($constants, $code)->exception();
        $this->assertNotNull($thrown, 'the call must throw');
        return $thrown;
    }

    public function testWrongCredentialsAreUnauthenticated(): void
    {
        $wrong = $this->auth() === 'v3'
            ? ['WU_RUNCLOUD_API_TOKEN' => 'not-the-token']
            : ['WU_RUNCLOUD_API_SECRET' => 'not-the-secret'];

        $thrown = $this->thrownInChild(TestEnvironment::constants($wrong));

        $this->assertSame(ApiException::class, $thrown['class']);
        $this->assertSame(401, $thrown['code']);
        $this->assertSame('RunCloud API error 401: Unauthenticated.', $thrown['message']);
        $this->assertFalse($thrown['retryable']);
        $this->assertSame([401], array_column($this->sim()->requests(), 'status'), 'a 401 is never retried');
    }

    public function testAWrongAppIdIsNotFound(): void
    {
        $thrown = $this->thrownInChild(TestEnvironment::constants(['WU_RUNCLOUD_APP_ID' => 999]));

        $this->assertSame(ApiException::class, $thrown['class']);
        $this->assertSame(404, $thrown['code']);
        $this->assertSame('RunCloud API error 404: Web application not found.', $thrown['message']);
        $this->assertFalse($thrown['retryable']);
    }

    public function testAWrongAppIdFailsAddingToo(): void
    {
        $thrown = $this->thrownInChild(
            TestEnvironment::constants(['WU_RUNCLOUD_APP_ID' => '999']),
            "return wu_runcloud_add_domain('shop.example.com');"
        );

        $this->assertSame(ApiException::class, $thrown['class']);
        $this->assertSame(404, $thrown['code']);
        $this->assertSame(['network.test'], $this->sim()->domainNames());
    }

    public function testAWrongServerIdIsNotFound(): void
    {
        $thrown = $this->thrownInChild(TestEnvironment::constants(['WU_RUNCLOUD_SERVER_ID' => 77]), 'return wu_runcloud_list_domains();');

        $this->assertSame(ApiException::class, $thrown['class']);
        $this->assertSame(404, $thrown['code']);
        $this->assertStringStartsWith('RunCloud API error 404: ', $thrown['message']);
    }

    public function testMissingConstantsAreAllNamed(): void
    {
        $thrown = $this->thrownInChild([]);

        $this->assertSame(ConfigurationException::class, $thrown['class']);
        $this->assertSame(0, $thrown['code']);
        foreach (['WU_RUNCLOUD_API_TOKEN', 'WU_RUNCLOUD_API_KEY', 'WU_RUNCLOUD_API_SECRET', 'WU_RUNCLOUD_SERVER_ID', 'WU_RUNCLOUD_APP_ID'] as $name) {
            $this->assertStringContainsString($name, $thrown['message']);
        }
        $this->assertNoRequestsMade();
    }

    public function testAKeyWithoutASecretNamesTheSecret(): void
    {
        $thrown = $this->thrownInChild([
            'WU_RUNCLOUD_API_KEY' => TestEnvironment::API_KEY,
            'WU_RUNCLOUD_SERVER_ID' => 1,
            'WU_RUNCLOUD_APP_ID' => 1,
            'WU_RUNCLOUD_API_URL' => $this->sim()->url(),
        ]);

        $this->assertSame(ConfigurationException::class, $thrown['class']);
        $this->assertStringContainsString('WU_RUNCLOUD_API_SECRET', $thrown['message']);
        $this->assertStringNotContainsString(TestEnvironment::API_KEY, $thrown['message']);
        $this->assertNoRequestsMade();
    }

    public function testIdsMustBePositiveIntegers(): void
    {
        $thrown = $this->thrownInChild(TestEnvironment::constants(['WU_RUNCLOUD_SERVER_ID' => 'twelve']));

        $this->assertSame(ConfigurationException::class, $thrown['class']);
        $this->assertStringContainsString('WU_RUNCLOUD_SERVER_ID', $thrown['message']);
        $this->assertStringNotContainsString('twelve', $thrown['message']);
    }

    public function testPlainHttpIsRefusedForAHostThatIsNotLoopback(): void
    {
        // Refused while reading the configuration: no connection is attempted.
        $thrown = $this->thrownInChild(TestEnvironment::constants([], 'http://api.example.com'));

        $this->assertSame(ConfigurationException::class, $thrown['class']);
        $this->assertStringContainsString('WU_RUNCLOUD_API_URL', $thrown['message']);
    }

    public function testATokenWinsOverAKeyPair(): void
    {
        $constants = array_merge(
            TestEnvironment::credentials('v3'),
            TestEnvironment::credentials('v2'),
            ['WU_RUNCLOUD_SERVER_ID' => 1, 'WU_RUNCLOUD_APP_ID' => 1, 'WU_RUNCLOUD_API_URL' => $this->sim()->url()]
        );

        $report = ChildPhp::run($constants, 'return wu_runcloud_test_connection();')->result();

        $this->assertSame('v3', $report['api_version']);
        $this->assertSame(['v3'], array_values(array_unique(array_column($this->sim()->requests(), 'api_version'))));
    }

    public function testEveryFunctionWorksInAFreshProcessWithTheOtherApiVersion(): void
    {
        $other = $this->auth() === 'v3' ? 'v2' : 'v3';
        $constants = array_merge(
            TestEnvironment::credentials($other),
            ['WU_RUNCLOUD_SERVER_ID' => 1, 'WU_RUNCLOUD_APP_ID' => 1, 'WU_RUNCLOUD_API_URL' => $this->sim()->url()]
        );

        $result = ChildPhp::run($constants, <<<'PHP'
            return [
                'connection' => wu_runcloud_test_connection()['api_version'],
                'added' => wu_runcloud_add_domain('bücher.de')['name'],
                'listed' => count(wu_runcloud_list_domains()),
                'ssl' => wu_runcloud_redeploy_ssl()['action'],
                'removed' => wu_runcloud_remove_domain('bücher.de'),
            ];
            PHP)->result();

        $this->assertSame(
            ['connection' => $other, 'added' => 'xn--bcher-kva.de', 'listed' => 2, 'ssl' => 'redeployed', 'removed' => true],
            $result
        );
        $this->assertSame([$other], array_values(array_unique(array_column($this->sim()->requests(), 'api_version'))));
    }
}
