<?php

declare(strict_types=1);

namespace WuRunCloud\Tests;

use ReflectionClass;
use ReflectionFunction;
use RuntimeException;
use WuRunCloud\ApiException;
use WuRunCloud\ConfigurationException;
use WuRunCloud\InvalidDomainException;
use WuRunCloud\ProtectedDomainException;
use WuRunCloud\RunCloudException;
use WuRunCloud\TransportException;

/** What PHP sees of the extension: typed signatures, the exception family, ini settings. */
final class ExtensionSurfaceTest extends SimulatorTestCase
{
    private const EXCEPTION_CLASSES = [
        RunCloudException::class,
        ConfigurationException::class,
        InvalidDomainException::class,
        ProtectedDomainException::class,
        ApiException::class,
        TransportException::class,
    ];

    /** @return array<string, array{string, list<string>, string}> function, parameters, return type */
    public static function signatures(): array
    {
        // Every function that talks to a web app takes the app last (see AppTargetTest).
        $app = '?string $app = NULL';
        return [
            'test_connection' => ['wu_runcloud_test_connection', [$app], 'array'],
            'list_domains' => ['wu_runcloud_list_domains', [$app], 'array'],
            'list_domains_page' => ['wu_runcloud_list_domains_page', ['int $page', '?string $search = NULL', $app], 'array'],
            'add_domain' => ['wu_runcloud_add_domain', ['string $domain', 'bool $www = false', $app], 'array'],
            'remove_domain' => ['wu_runcloud_remove_domain', ['string $domain', '?int $id = NULL', $app], 'bool'],
            'redeploy_ssl' => ['wu_runcloud_redeploy_ssl', ['?string $domain = NULL', $app], 'array'],
            'set_ssl_mode' => ['wu_runcloud_set_ssl_mode', ['bool $advanced', 'bool $auto_ssl = false', $app], 'array'],
            'normalize_domain' => ['wu_runcloud_normalize_domain', ['string $domain'], 'string'],
            'sync' => ['wu_runcloud_sync', ['array $domains', '?array $options = NULL', $app], 'array'],
            'apps' => ['wu_runcloud_apps', ['?string $list = NULL'], 'array'],
            'config' => ['wu_runcloud_config', [], 'array'],
        ];
    }

    /**
     * @dataProvider signatures
     * @param list<string> $parameters
     */
    #[\PHPUnit\Framework\Attributes\DataProvider('signatures')]
    public function testFunctionsHaveTypedSignatures(string $function, array $parameters, string $returnType): void
    {
        $reflection = new ReflectionFunction($function);

        $this->assertTrue($reflection->isInternal());
        $this->assertSame('wu_runcloud', $reflection->getExtensionName());
        $this->assertSame($returnType, (string) $reflection->getReturnType());
        $described = [];
        foreach ($reflection->getParameters() as $parameter) {
            $this->assertTrue($parameter->hasType(), "\${$parameter->getName()} is typed");
            $text = $parameter->getType() . ' $' . $parameter->getName();
            if ($parameter->isDefaultValueAvailable()) {
                $text .= ' = ' . var_export($parameter->getDefaultValue(), true);
            }
            $described[] = $text;
        }
        $this->assertSame($parameters, $described);
    }

    public function testWrongArgumentTypesAreTypeErrors(): void
    {
        $this->expectException(\TypeError::class);
        wu_runcloud_add_domain(['not', 'a', 'string']);
    }

    public function testPhpReShowsTheSignatures(): void
    {
        $output = self::runPhp(['--re', 'wu_runcloud']);

        $this->assertStringContainsString('Function [ <internal:wu_runcloud> function wu_runcloud_add_domain ]', $output);
        $this->assertStringContainsString('Parameter #0 [ <required> string $domain ]', $output);
        $this->assertStringContainsString('Parameter #1 [ <optional> bool $www = false ]', $output);
        $this->assertStringContainsString('Parameter #0 [ <optional> ?string $domain = null ]', $output);
        $this->assertStringContainsString('Parameter #1 [ <optional> ?array $options = null ]', $output);
        $this->assertStringContainsString('Parameter #1 [ <optional> ?int $id = null ]', $output);
        $this->assertStringContainsString('- Return [ bool ]', $output);
        foreach (self::EXCEPTION_CLASSES as $class) {
            $this->assertStringContainsString($class, $output);
        }
    }

    public function testExceptionsFormOneFamilyUnderRuntimeException(): void
    {
        $this->assertSame(RuntimeException::class, get_parent_class(RunCloudException::class));
        foreach (array_slice(self::EXCEPTION_CLASSES, 1) as $class) {
            $this->assertSame(RunCloudException::class, get_parent_class($class), $class);
            $this->assertTrue(is_subclass_of($class, RuntimeException::class), $class);
        }
        $this->assertTrue(method_exists(ApiException::class, 'isRetryable'));
        $this->assertTrue(method_exists(TransportException::class, 'getKind'));
        $this->assertTrue(method_exists(TransportException::class, 'isRetryable'));
    }

    public function testPhpCodeCannotInstantiateTheExceptions(): void
    {
        foreach (self::EXCEPTION_CLASSES as $class) {
            try {
                $instance = new $class('forged message', 401);
                $this->fail("$class was instantiated: " . get_class($instance));
            } catch (\Exception $refused) {
                $this->assertSame(\Exception::class, get_class($refused), $class);
                $this->assertSame('You cannot instantiate this class from PHP.', $refused->getMessage(), $class);
            }
        }
    }

    public function testPhpCodeCannotInstantiateASubclassEither(): void
    {
        $child = ChildPhp::run([], <<<'PHP'
            class ForgedApiException extends WuRunCloud\ApiException
            {
            }
            return new ForgedApiException('forged', 401);
            PHP);

        $thrown = $child->exception();
        $this->assertNotNull($thrown);
        $this->assertSame(\Exception::class, $thrown['class']);
        $this->assertSame('You cannot instantiate this class from PHP.', $thrown['message']);
    }

    public function testThrownExceptionsAreCatchableAsTheBaseClasses(): void
    {
        try {
            wu_runcloud_normalize_domain('not a domain');
            $this->fail('no exception');
        } catch (RunCloudException $caught) {
            $this->assertInstanceOf(InvalidDomainException::class, $caught);
            $this->assertInstanceOf(RuntimeException::class, $caught);
        }
    }

    public function testThrownExceptionsCarryTheCallersFileLineAndTrace(): void
    {
        $line = __LINE__ + 2;
        try {
            wu_runcloud_normalize_domain('not a domain');
            $this->fail('no exception');
        } catch (InvalidDomainException $caught) {
            $this->assertSame(__FILE__, $caught->getFile(), 'where PHP called the function');
            $this->assertSame($line, $caught->getLine());
            $this->assertSame('wu_runcloud_normalize_domain', $caught->getTrace()[0]['function'] ?? null);
        }
    }

    public function testIniSettingsHaveTheirDefaultsAndAreChangeableAtRunTime(): void
    {
        $this->assertSame('30', ini_get('wu_runcloud.timeout'));
        $this->assertSame('10', ini_get('wu_runcloud.connect_timeout'));
        $this->assertSame('3', ini_get('wu_runcloud.max_retries'));
        $this->assertSame('20', ini_get('wu_runcloud.max_retry_wait'));
        $this->assertSame('45', ini_get('wu_runcloud.deadline'));
        $this->assertSame('', ini_get('wu_runcloud.proxy'));

        ini_set('wu_runcloud.timeout', '7');
        ini_set('wu_runcloud.deadline', '12');
        ini_set('wu_runcloud.max_retries', '25');
        $config = wu_runcloud_config();

        $this->assertSame(7, $config['timeout']);
        $this->assertSame(12, $config['deadline']);
        $this->assertFalse(ini_set('wu_runcloud.deadline', 'soon'), 'a whole number of seconds');
        $this->assertSame(10, $config['max_retries'], 'capped at 10');
    }

    public function testIniRestoreBringsBackTheDefault(): void
    {
        ini_set('wu_runcloud.max_retries', '5');

        ini_restore('wu_runcloud.max_retries');

        $this->assertSame('3', ini_get('wu_runcloud.max_retries'));
    }

    public function testTheVersionConstantMatchesTheExtensionVersion(): void
    {
        $this->assertSame(phpversion('wu_runcloud'), WU_RUNCLOUD_VERSION);
        $this->assertMatchesRegularExpression('/^\d+\.\d+\.\d+/', WU_RUNCLOUD_VERSION);
    }

    /** @param list<string> $arguments */
    public static function runPhp(array $arguments): string
    {
        $process = proc_open(
            array_merge([PHP_BINARY], $arguments),
            [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
            $pipes
        );
        $output = stream_get_contents($pipes[1]);
        $errors = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        $status = proc_close($process);
        if ($status !== 0) {
            throw new RuntimeException("php failed ($status): $errors");
        }
        return $output . $errors;
    }
}
