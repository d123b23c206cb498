<?php

declare(strict_types=1);

namespace WuRunCloud\Tests;

use PHPUnit\Framework\TestCase;
use Throwable;

/**
 * Base of every case: a freshly reset simulator for each test, php.ini settings of the
 * extension restored afterwards, and assertions about what reached the simulator.
 */
abstract class SimulatorTestCase extends TestCase
{
    private const INI_SETTINGS = [
        'wu_runcloud.timeout',
        'wu_runcloud.connect_timeout',
        'wu_runcloud.max_retries',
        'wu_runcloud.max_retry_wait',
        'wu_runcloud.deadline',
        'wu_runcloud.pace_across_windows',
    ];

    /** @var array<string, string> the extension's settings before the test */
    private array $iniBefore = [];

    protected function setUp(): void
    {
        parent::setUp();
        $this->sim()->reset();
        foreach (self::INI_SETTINGS as $setting) {
            $this->iniBefore[$setting] = (string) ini_get($setting);
        }
    }

    protected function tearDown(): void
    {
        // ini_set() back rather than ini_restore(): see ExtensionSurfaceTest::testIniRestoreBringsBackTheDefault.
        foreach ($this->iniBefore as $setting => $value) {
            ini_set($setting, $value);
        }
        parent::tearDown();
    }

    protected function sim(): Simulator
    {
        return TestEnvironment::simulator();
    }

    protected function auth(): string
    {
        return TestEnvironment::auth();
    }

    /** The path of a web app endpoint as this run's API version spells it. */
    protected function appPath(string $suffix = ''): string
    {
        return sprintf(
            '/api/%s/servers/%d/webapps/%d%s',
            $this->auth(),
            TestEnvironment::SERVER_ID,
            TestEnvironment::APP_ID,
            $suffix
        );
    }

    /**
     * The logged API requests, optionally only those with this method.
     *
     * @return list<array<string, mixed>>
     */
    protected function loggedRequests(?string $method = null): array
    {
        $requests = $this->sim()->requests();
        if ($method === null) {
            return $requests;
        }
        return array_values(array_filter($requests, static fn (array $r) => $r['method'] === $method));
    }

    /** "METHOD path?query" of every logged request, for readable assertion failures. */
    protected function requestLines(): array
    {
        return array_map(
            static fn (array $r) => $r['method'] . ' ' . $r['path'] . ($r['query'] === '' ? '' : '?' . $r['query'])
                . ' -> ' . $r['status'],
            $this->sim()->requests()
        );
    }

    protected function assertNoRequestsMade(): void
    {
        $this->assertSame([], $this->requestLines(), 'no request may reach RunCloud');
    }

    protected function assertNoChangingRequests(): void
    {
        $changing = array_filter(
            $this->requestLines(),
            static fn (string $line) => !str_starts_with($line, 'GET ')
        );
        $this->assertSame([], array_values($changing), 'nothing may be changed on RunCloud');
    }

    /**
     * Runs $call and returns what it threw, failing when it throws nothing or another class.
     *
     * @template T of Throwable
     * @param class-string<T> $expectedClass
     * @return T
     */
    protected function catchThrown(string $expectedClass, callable $call): Throwable
    {
        try {
            $returned = $call();
        } catch (Throwable $thrown) {
            $this->assertSame($expectedClass, get_class($thrown), 'exception class; message: ' . $thrown->getMessage());
            return $thrown;
        }
        $this->fail("expected $expectedClass, but the call returned " . var_export($returned, true));
    }
}
