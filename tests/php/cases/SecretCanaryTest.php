<?php

declare(strict_types=1);

namespace WuRunCloud\Tests;

use WuRunCloud\ApiException;
use WuRunCloud\ConfigurationException;
use WuRunCloud\InvalidDomainException;
use WuRunCloud\ProtectedDomainException;
use WuRunCloud\TransportException;

/**
 * Credentials never come back out: with recognisable credential values, every success and
 * failure path runs in a child process, and nothing it printed, returned or threw (message,
 * trace, var_dump, print_r, string form) nor phpinfo() contains a credential.
 */
final class SecretCanaryTest extends SimulatorTestCase
{
    private const TOKEN = 'cnry-TOKEN-5f1e0c7a93';
    private const API_KEY = 'cnry-KEY-8d24b6e1';
    private const API_SECRET = 'cnry-SECRET-3a9c7e52';

    /** Runs first in every scenario, so diagnostics are checked on each path too. */
    private const DIAGNOSTICS = "phpinfo(INFO_MODULES);\nvar_dump(wu_runcloud_config());\n";

    private static ?Simulator $canarySimulator = null;
    private static ?Simulator $tlsSimulator = null;

    public static function setUpBeforeClass(): void
    {
        parent::setUpBeforeClass();
        self::$canarySimulator = Simulator::start(self::credentialFlags());
    }

    public static function tearDownAfterClass(): void
    {
        self::$canarySimulator?->stop();
        self::$tlsSimulator?->stop();
        self::$canarySimulator = self::$tlsSimulator = null;
        parent::tearDownAfterClass();
    }

    protected function setUp(): void
    {
        parent::setUp();
        self::$canarySimulator->reset();
    }

    /** @return list<string> */
    private static function credentialFlags(): array
    {
        return ['--token', self::TOKEN, '--api-key', self::API_KEY, '--api-secret', self::API_SECRET];
    }

    /**
     * Scenario: [where the API URL points, constants to change, faults to inject, php.ini, code, expected class].
     *
     * @return array<string, array{string, array<string, mixed>, list<array<string, mixed>>, array<string, int>, string, ?string}>
     */
    public static function scenarios(): array
    {
        $everything = <<<'PHP'
            return [
                wu_runcloud_test_connection(),
                wu_runcloud_add_domain('shop.example.com', true),
                wu_runcloud_add_domain('shop.example.com'),
                wu_runcloud_list_domains(),
                wu_runcloud_redeploy_ssl(),
                wu_runcloud_normalize_domain('Bücher.de'),
                wu_runcloud_sync(['new.example.com'], ['dry_run' => false, 'prune' => true, 'managed' => ['shop.example.com']]),
                wu_runcloud_remove_domain('new.example.com'),
                wu_runcloud_config(),
            ];
            PHP;
        $add = "return wu_runcloud_add_domain('shop.example.com');";
        $list = 'return wu_runcloud_list_domains();';
        $noRetry = ['wu_runcloud.max_retries' => 0];
        // Filled in with this run's configured credentials: only those can be known to be secret.
        $echoedCredentials = 'Credentials {credentials} refused';
        return [
            'success on every function' => ['canary', [], [], [], $everything, null],
            'wrong credentials (401)' => ['main', [], [], [], $list, ApiException::class],
            'forbidden (403)' => ['canary', [], [['kind' => 'status', 'status' => 403, 'message' => 'Forbidden.']], [], $list, ApiException::class],
            'RunCloud echoing the credentials' => ['canary', [], [['kind' => 'status', 'status' => 403, 'message' => $echoedCredentials]], [], $list, ApiException::class],
            'RunCloud echoing the credentials JSON-escaped' => ['canary', [], [['kind' => 'status', 'status' => 403, 'raw_body' => '{"message":"Credentials {escaped} refused"}']], [], $list, ApiException::class],
            'sync error echoing the credentials JSON-escaped' => [
                'canary', [], [['kind' => 'status', 'status' => 422, 'method' => 'POST', 'raw_body' => '{"message":"Credentials {escaped} refused"}']], [],
                "return wu_runcloud_sync(['new.example.com'], ['dry_run' => false]);", null,
            ],
            'sync error echoing the credentials' => [
                'canary', [], [['kind' => 'status', 'status' => 422, 'method' => 'POST', 'message' => $echoedCredentials]], [],
                "return wu_runcloud_sync(['new.example.com'], ['dry_run' => false]);", null,
            ],
            'wrong app id (404)' => ['canary', ['WU_RUNCLOUD_APP_ID' => 999], [], [], 'return wu_runcloud_test_connection();', ApiException::class],
            'validation (422)' => ['canary', [], [['kind' => 'status', 'status' => 422, 'method' => 'POST', 'message' => 'The name is invalid.']], [], $add, ApiException::class],
            'unavailable (503)' => ['canary', [], [['kind' => 'status', 'status' => 503, 'count' => 5]], $noRetry, $list, ApiException::class],
            'rate limited (429)' => ['canary', [], [['kind' => 'status', 'status' => 429, 'retry_after' => 1, 'count' => 5]], $noRetry, $list, ApiException::class],
            'server error (500)' => ['canary', [], [['kind' => 'status', 'status' => 500]], [], $list, ApiException::class],
            'unreadable answer' => ['canary', [], [['kind' => 'malformed_json', 'count' => 5]], $noRetry, $list, TransportException::class],
            'truncated answer' => ['canary', [], [['kind' => 'truncated', 'count' => 5]], $noRetry, $list, TransportException::class],
            'dropped connection' => ['canary', [], [['kind' => 'drop', 'count' => 5]], $noRetry, $list, TransportException::class],
            'timeout' => ['canary', [], [['kind' => 'hang', 'delay_ms' => 3000]], ['wu_runcloud.timeout' => 1], $list, TransportException::class],
            'connection refused' => ['closed', [], [], $noRetry, $list, TransportException::class],
            'untrusted certificate' => ['tls', [], [], [], $list, TransportException::class],
            'invalid domain' => ['canary', [], [], [], "return wu_runcloud_add_domain(\"shop.example.com\\r\\nX: 1\");", InvalidDomainException::class],
            'protected domain' => ['canary', [], [], [], "return wu_runcloud_remove_domain('network.test');", ProtectedDomainException::class],
            'missing app id' => ['canary', ['WU_RUNCLOUD_APP_ID' => null], [], [], $list, ConfigurationException::class],
            'plain http to a remote host' => ['http://api.example.com', [], [], [], $list, ConfigurationException::class],
        ];
    }

    /**
     * @dataProvider scenarios
     * @param array<string, mixed> $changedConstants null removes a constant
     * @param list<array<string, mixed>> $faults
     * @param array<string, int> $ini
     */
    #[\PHPUnit\Framework\Attributes\DataProvider('scenarios')]
    public function testNoCredentialComesBackOut(
        string $target,
        array $changedConstants,
        array $faults,
        array $ini,
        string $code,
        ?string $expectedClass
    ): void {
        foreach ($faults as $fault) {
            if (isset($fault['message'])) {
                $fault['message'] = str_replace('{credentials}', implode(' ', $this->configuredCredentials()), $fault['message']);
            }
            if (isset($fault['raw_body'])) {
                // Every character as a JSON \u escape, and '/' as '\/': what a
                // byte-level search for the credential would not recognise.
                $escape = static fn (string $value): string => implode('', array_map(
                    static fn (string $c): string => $c === '/' ? '\\/' : sprintf('\\u%04x', ord($c)),
                    str_split($value)
                ));
                $escaped = implode(' ', array_map($escape, $this->configuredCredentials()));
                $fault['raw_body'] = str_replace('{escaped}', $escaped, $fault['raw_body']);
            }
            self::$canarySimulator->injectFault($fault);
        }
        $constants = $this->canaryConstants($this->urlFor($target), $changedConstants);

        $child = ChildPhp::run($constants, self::DIAGNOSTICS . $code, $ini);

        $thrown = $child->exception();
        $this->assertSame($expectedClass, $thrown['class'] ?? null, 'the path ran: ' . ($thrown['message'] ?? ''));
        if ($expectedClass === null) {
            $this->assertNotNull($child->result());
        }
        $this->assertStringContainsString('wu_runcloud support => enabled', $child->output(), 'phpinfo() ran');
        foreach ($this->canaries() as $canary) {
            $this->assertCanaryAbsent($canary, $child->allText());
        }
    }

    /** Fails showing only the surroundings of a leak: the whole output would bury it. */
    private function assertCanaryAbsent(string $canary, string $text): void
    {
        $position = strpos($text, $canary);
        $excerpt = $position === false ? '' : substr($text, max(0, $position - 150), 300 + strlen($canary));
        $this->assertFalse($position, "credential '$canary' leaked: ...$excerpt...");
    }

    /** @return list<string> the credential values this run's API version defines */
    private function configuredCredentials(): array
    {
        return $this->auth() === 'v3' ? [self::TOKEN] : [self::API_KEY, self::API_SECRET];
    }

    public function testAnEchoedCredentialIsReplacedNotDropped(): void
    {
        $echoed = 'Credentials ' . implode(' and ', $this->configuredCredentials()) . ' refused';
        self::$canarySimulator->injectFault(['kind' => 'status', 'status' => 403, 'message' => $echoed]);

        $child = ChildPhp::run($this->canaryConstants(self::$canarySimulator->url(), []), 'return wu_runcloud_list_domains();');

        $expected = $this->auth() === 'v3'
            ? 'RunCloud API error 403: Credentials [redacted] refused'
            : 'RunCloud API error 403: Credentials [redacted] and [redacted] refused';
        $this->assertSame($expected, $child->exception()['message']);
    }

    /** @return array<string, array{callable(string): string}> */
    public static function disguises(): array
    {
        $split = static fn (string $mark): \Closure => static fn (string $value): string => implode($mark, str_split($value, 4));
        return [
            'split by soft hyphens' => [$split("\u{00AD}")],
            'split by zero-width spaces' => [$split("\u{200B}")],
            'split by zero-width joiners' => [$split("\u{200D}")],
            'upper case' => [static fn (string $value): string => strtoupper($value)],
            'lower case' => [static fn (string $value): string => strtolower($value)],
            'percent-encoded, every byte' => [static fn (string $value): string => implode('', array_map(static fn (string $c): string => sprintf('%%%02X', ord($c)), str_split($value)))],
            'base64' => [static fn (string $value): string => base64_encode($value)],
            'base64 without padding' => [static fn (string $value): string => rtrim(base64_encode($value), '=')],
            'base64, URL-safe' => [static fn (string $value): string => strtr(base64_encode($value), '+/', '-_')],
            'base64 of user:secret' => [static fn (string $value): string => base64_encode('someone:' . $value)],
        ];
    }

    /**
     * @dataProvider disguises
     * @param callable(string): string $disguise
     */
    #[\PHPUnit\Framework\Attributes\DataProvider('disguises')]
    public function testAnEchoedCredentialInDisguiseIsRedacted(callable $disguise): void
    {
        $echoed = 'Credentials ' . implode(' and ', array_map($disguise, $this->configuredCredentials())) . ' refused';
        self::$canarySimulator->injectFault(['kind' => 'status', 'status' => 403, 'message' => $echoed]);

        $child = ChildPhp::run($this->canaryConstants(self::$canarySimulator->url(), []), 'return wu_runcloud_list_domains();');

        $message = $child->exception()['message'];
        $this->assertSame(count($this->configuredCredentials()), substr_count($message, '[redacted]'), $message);
        foreach ($this->configuredCredentials() as $credential) {
            $this->assertStringNotContainsString($disguise($credential), $message);
            $this->assertStringNotContainsStringIgnoringCase(substr($credential, -8), $message);
        }
    }

    public function testAnEchoedCredentialIsReplacedInSyncErrors(): void
    {
        $echoed = 'Credentials ' . implode(' and ', $this->configuredCredentials()) . ' refused';
        self::$canarySimulator->injectFault(['kind' => 'status', 'status' => 403, 'method' => 'POST', 'message' => $echoed]);

        $report = ChildPhp::run(
            $this->canaryConstants(self::$canarySimulator->url(), []),
            "return wu_runcloud_sync(['new.example.com'], ['dry_run' => false]);"
        )->result();

        $this->assertSame([], $report['added']);
        $this->assertSame(['new.example.com'], array_keys($report['errors']));
        $this->assertStringContainsString('[redacted]', $report['errors']['new.example.com']);
    }

    /** @return list<string> each credential, and the forms it travels in */
    private function canaries(): array
    {
        return [
            self::TOKEN,
            self::API_KEY,
            self::API_SECRET,
            base64_encode(self::API_KEY . ':' . self::API_SECRET),
            // A shortened credential is still a leak.
            substr(self::TOKEN, 5),
            substr(self::API_SECRET, 5),
        ];
    }

    private function urlFor(string $target): string
    {
        switch ($target) {
            case 'canary':
                return self::$canarySimulator->url();
            case 'main':
                return $this->sim()->url();
            case 'tls':
                self::$tlsSimulator ??= Simulator::start(array_merge(['--tls'], self::credentialFlags()));
                return self::$tlsSimulator->url();
            case 'closed':
                $server = stream_socket_server('tcp://127.0.0.1:0');
                $name = stream_socket_get_name($server, false);
                fclose($server);
                return 'http://' . $name;
            default:
                return $target;
        }
    }

    /**
     * This run's constants with the canary credentials.
     *
     * @param array<string, mixed> $changes null removes a constant
     * @return array<string, string|int>
     */
    private function canaryConstants(string $url, array $changes): array
    {
        $credentials = $this->auth() === 'v3'
            ? ['WU_RUNCLOUD_API_TOKEN' => self::TOKEN]
            : ['WU_RUNCLOUD_API_KEY' => self::API_KEY, 'WU_RUNCLOUD_API_SECRET' => self::API_SECRET];
        $constants = array_merge(
            $credentials,
            ['WU_RUNCLOUD_SERVER_ID' => 1, 'WU_RUNCLOUD_APP_ID' => 1, 'WU_RUNCLOUD_API_URL' => $url],
            $changes
        );
        return array_filter($constants, static fn ($value) => $value !== null);
    }
}
