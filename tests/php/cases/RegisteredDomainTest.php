<?php

declare(strict_types=1);

namespace WuRunCloud\Tests;

use ReflectionFunction;
use WuRunCloud\InvalidDomainException;

/**
 * The registered domain (the name under its public suffix, by the Public Suffix List built
 * into the extension): what Let's Encrypt counts new certificates against. No request.
 */
final class RegisteredDomainTest extends SimulatorTestCase
{
    /** @return array<string, array{string, string}> input and registered domain */
    public static function names(): array
    {
        return [
            'subdomain' => ['www.example.com', 'example.com'],
            'registered itself' => ['example.com', 'example.com'],
            'two-label suffix' => ['new.blog.example.co.uk', 'example.co.uk'],
            'normalised first' => ["  Shop.Example.CO.UK. \n", 'example.co.uk'],
            'private suffix' => ['a.someone.github.io', 'someone.github.io'],
            'IDN as punycode' => ['www.bücher.de', 'xn--bcher-kva.de'],
            'IDN suffix' => ['shop.example.公司.cn', 'example.xn--55qx5d.cn'],
            'suffix the list does not know' => ['site-00001.example.test', 'example.test'],
            'a public suffix is its own' => ['co.uk', 'co.uk'],
        ];
    }

    /** @dataProvider names */
    #[\PHPUnit\Framework\Attributes\DataProvider('names')]
    public function testGivesTheRegisteredDomainWithoutARequest(string $input, string $expected): void
    {
        $this->assertSame($expected, wu_runcloud_registered_domain($input));
        $this->assertNoRequestsMade();
    }

    /** @return array<string, array{string}> */
    public static function invalidNames(): array
    {
        return [
            'empty' => [''],
            'URL' => ['https://example.com'],
            'wildcard' => ['*.example.com'],
            'single label' => ['com'],
            'IPv4' => ['192.168.1.1'],
            'CRLF' => ["example.com\r\nX-Injected: 1"],
            'Cyrillic a in Latin label' => ["p\u{0430}ypal.com"],
        ];
    }

    /** @dataProvider invalidNames */
    #[\PHPUnit\Framework\Attributes\DataProvider('invalidNames')]
    public function testRejectsInvalidNames(string $input): void
    {
        $thrown = $this->catchThrown(InvalidDomainException::class, static fn () => wu_runcloud_registered_domain($input));

        $this->assertStringStartsWith('invalid domain name "', $thrown->getMessage());
        $this->assertNoRequestsMade();
    }

    public function testHasATypedSignature(): void
    {
        $reflection = new ReflectionFunction('wu_runcloud_registered_domain');

        $this->assertSame('wu_runcloud', $reflection->getExtensionName());
        $this->assertSame('string', (string) $reflection->getReturnType());
        $this->assertCount(1, $reflection->getParameters());
        $this->assertSame('string', (string) $reflection->getParameters()[0]->getType());
        $this->assertSame('domain', $reflection->getParameters()[0]->getName());
    }
}
