<?php

declare(strict_types=1);

namespace WuRunCloud\Tests;

use WuRunCloud\TransportException;

/** RunCloud unreachable or unreadable: TransportException, getKind() saying which. */
final class TransportErrorTest extends SimulatorTestCase
{
    private static ?Simulator $tlsSimulator = null;

    public static function tearDownAfterClass(): void
    {
        self::$tlsSimulator?->stop();
        self::$tlsSimulator = null;
        parent::tearDownAfterClass();
    }

    public function testATimeoutEndsTheCallWithinTheConfiguredTime(): void
    {
        ini_set('wu_runcloud.timeout', '1');
        $this->sim()->injectFault(['kind' => 'hang', 'delay_ms' => 4000]);

        $started = microtime(true);
        $thrown = $this->catchThrown(TransportException::class, static fn () => wu_runcloud_test_connection());
        $elapsed = microtime(true) - $started;

        $this->assertSame('timeout', $thrown->getKind());
        $this->assertSame(4, $thrown->getCode());
        $this->assertTrue($thrown->isRetryable());
        $this->assertStringStartsWith('could not reach RunCloud (timeout)', $thrown->getMessage());
        $this->assertGreaterThanOrEqual(0.9, $elapsed);
        $this->assertLessThan(3.0, $elapsed, 'one timeout, not retried within the call');
    }

    public function testTheDeadlineBoundsTheWholeCall(): void
    {
        // Every answer comes just inside the timeout; a walk of many pages
        // would take far longer than the deadline allows.
        ini_set('wu_runcloud.timeout', '1');
        ini_set('wu_runcloud.deadline', '2');
        $this->sim()->searchFilters(false);
        $this->sim()->seedNumberedDomains(400);
        $this->sim()->injectFault(['kind' => 'hang', 'delay_ms' => 700, 'method' => 'GET', 'count' => 50]);

        $started = microtime(true);
        $thrown = $this->catchThrown(TransportException::class, static fn () => wu_runcloud_remove_domain('absent.example.com'));
        $elapsed = microtime(true) - $started;

        $this->assertSame('deadline', $thrown->getKind());
        $this->assertSame(7, $thrown->getCode());
        $this->assertTrue($thrown->isRetryable());
        $this->assertLessThan(2.5, $elapsed);
        $this->assertGreaterThanOrEqual(1.9, $elapsed);
        $this->assertNoChangingRequests();
    }

    public function testARefusedConnectionIsAConnectFailure(): void
    {
        $closedPort = self::closedLoopbackPort();

        $child = ChildPhp::run(
            TestEnvironment::constants([], "http://127.0.0.1:$closedPort"),
            'return wu_runcloud_list_domains();',
            ['wu_runcloud.max_retries' => 1]
        );

        $thrown = $child->exception();
        $this->assertSame(TransportException::class, $thrown['class']);
        $this->assertSame('connect', $thrown['kind']);
        $this->assertSame(2, $thrown['code']);
        $this->assertTrue($thrown['retryable']);
        $this->assertStringStartsWith('could not reach RunCloud (connect)', $thrown['message']);
    }

    public function testAnUntrustedCertificateIsATlsFailure(): void
    {
        self::$tlsSimulator ??= Simulator::start(['--tls']);
        $url = self::$tlsSimulator->url();
        $this->assertStringStartsWith('https://127.0.0.1:', $url);

        $child = ChildPhp::run(TestEnvironment::constants([], $url), 'return wu_runcloud_test_connection();');

        $thrown = $child->exception();
        $this->assertSame(TransportException::class, $thrown['class']);
        $this->assertSame('tls', $thrown['kind']);
        $this->assertSame(3, $thrown['code']);
        $this->assertTrue($thrown['retryable']);
        $this->assertSame([], self::$tlsSimulator->requests(), 'no request is sent over an untrusted connection');
    }

    public function testAnAnswerThatIsNotJsonIsAResponseFailure(): void
    {
        $this->sim()->injectFault(['kind' => 'malformed_json', 'path_contains' => '/domains', 'count' => 4]);

        $thrown = $this->catchThrown(TransportException::class, static fn () => wu_runcloud_list_domains());

        $this->assertSame('response', $thrown->getKind());
        $this->assertSame(6, $thrown->getCode());
        $this->assertTrue($thrown->isRetryable());
        $this->assertStringStartsWith('RunCloud returned an unreadable response (HTTP 200)', $thrown->getMessage());
    }

    public function testADroppedConnectionIsRetried(): void
    {
        $this->sim()->injectFault(['kind' => 'drop', 'path_contains' => '/domains']);

        $domains = wu_runcloud_list_domains();

        $this->assertSame(['network.test'], array_column($domains, 'name'));
        $this->assertSame([], $this->sim()->pendingFaults());
    }

    public function testConnectionsDroppedEveryTimeEndAsAReset(): void
    {
        ini_set('wu_runcloud.max_retries', '1');
        $this->sim()->injectFault(['kind' => 'drop', 'count' => 5]);

        $thrown = $this->catchThrown(TransportException::class, static fn () => wu_runcloud_list_domains());

        $this->assertSame('reset', $thrown->getKind());
        $this->assertSame(5, $thrown->getCode());
        $this->assertStringStartsWith('could not reach RunCloud (reset)', $thrown->getMessage());
        $this->assertSame(3, $this->sim()->pendingFaults()[0]['count'], 'the first try and one retry');
    }

    public function testTheEnvironmentsProxyIsNeverUsed(): void
    {
        // What a request header "Proxy:" becomes under CGI (httpoxy), and its relatives.
        $dead = 'http://127.0.0.1:' . self::closedLoopbackPort();
        $names = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy'];
        foreach ($names as $name) {
            putenv("$name=$dead");
        }
        try {
            $child = ChildPhp::run(TestEnvironment::constants(), 'return wu_runcloud_list_domains();');
        } finally {
            foreach ($names as $name) {
                putenv($name);
            }
        }

        $this->assertNull($child->exception(), 'sent directly: ' . ($child->exception()['message'] ?? ''));
        $this->assertSame(['network.test'], array_column($child->result(), 'name'));
    }

    public function testAConfiguredProxyCarriesEveryRequest(): void
    {
        $proxy = ['wu_runcloud.proxy' => 'http://127.0.0.1:' . self::closedLoopbackPort()];

        $child = ChildPhp::run(
            TestEnvironment::constants(),
            'return [wu_runcloud_config()["proxy"], wu_runcloud_list_domains()];',
            ['wu_runcloud.max_retries' => 0],
            $proxy
        );

        $this->assertSame(TransportException::class, $child->exception()['class'] ?? null, $child->allText());
        $this->assertSame('connect', $child->exception()['kind'] ?? null, $child->allText());
        $this->assertNoRequestsMade();
        $this->assertTrue(ChildPhp::run([], 'return wu_runcloud_config()["proxy"];', [], $proxy)->result());
    }

    public function testTheProxyIsSetInPhpIniOnlyNeverByIniSet(): void
    {
        // Where requests go decides where the credentials go: no plugin may redirect them.
        $this->assertFalse(ini_set('wu_runcloud.proxy', 'http://127.0.0.1:3128'));
        $this->assertSame('', ini_get('wu_runcloud.proxy'));
        $this->assertFalse(wu_runcloud_config()['proxy']);
        $this->assertSame(['network.test'], array_column(wu_runcloud_list_domains(), 'name'), 'sent directly');

        $unusable = ChildPhp::run([], 'return ini_get("wu_runcloud.proxy");', [], ['wu_runcloud.proxy' => 'http://[not-a-proxy']);
        $this->assertSame('', $unusable->result(), 'an unusable URL is refused at start-up too');
    }

    /** A loopback port nothing listens on: bound by the OS, then released. */
    private static function closedLoopbackPort(): int
    {
        $server = stream_socket_server('tcp://127.0.0.1:0', $errorCode, $errorMessage);
        if ($server === false) {
            self::fail("could not reserve a port: $errorMessage");
        }
        $name = stream_socket_get_name($server, false);
        fclose($server);
        return (int) substr($name, strrpos($name, ':') + 1);
    }
}
