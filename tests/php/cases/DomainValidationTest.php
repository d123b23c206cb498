<?php

declare(strict_types=1);

namespace WuRunCloud\Tests;

use WuRunCloud\InvalidDomainException;

/**
 * Names are validated and normalised before any request: a rejected name never reaches
 * RunCloud, whichever function it was given to.
 */
final class DomainValidationTest extends SimulatorTestCase
{
    /** @return array<string, array{string, string}> input and normalised form */
    public static function validNames(): array
    {
        return [
            'plain' => ['shop.example.com', 'shop.example.com'],
            'case and spaces' => ["  Shop.Example.COM \n", 'shop.example.com'],
            'trailing dot' => ['example.com.', 'example.com'],
            'IDN' => ['bücher.de', 'xn--bcher-kva.de'],
            'IDN uppercase with dot' => ['MÜNCHEN.de.', 'xn--mnchen-3ya.de'],
            'IDN in Japanese' => ['例え.jp', 'xn--r8jz45g.jp'],
            'punycode kept' => ['xn--bcher-kva.de', 'xn--bcher-kva.de'],
            'label of 63' => [str_repeat('a', 63) . '.com', str_repeat('a', 63) . '.com'],
            'hyphen inside' => ['my-shop.example.com', 'my-shop.example.com'],
        ];
    }

    /** @return array<string, array{string}> */
    public static function invalidNames(): array
    {
        return [
            'empty' => [''],
            'blank' => ["  \t "],
            'path' => ['example.com/wp-admin'],
            'query' => ['example.com?x=1'],
            'fragment' => ['example.com#top'],
            'URL' => ['https://example.com'],
            'port' => ['example.com:8080'],
            'user info' => ['user@example.com'],
            'percent escape' => ['ex%61mple.com'],
            'backslash' => ['exa\\mple.com'],
            'inner space' => ['exa mple.com'],
            'CRLF' => ["example.com\r\nX-Injected: 1"],
            'NUL' => ["exam\0ple.com"],
            'zero-width space' => ["exa\u{200B}mple.com"],
            'right-to-left override' => ["exa\u{202E}mple.com"],
            'Cyrillic a in Latin label' => ["p\u{0430}ypal.com"],
            'Cyrillic a in Latin label, in punycode' => ['xn--pypal-4ve.com'],
            'Greek omicron in Latin label' => ["g\u{03BF}ogle.com"],
            'label over 63' => [str_repeat('a', 64) . '.com'],
            'name over 253' => [str_repeat('abcdefghi.', 26) . 'com'],
            'empty label' => ['a..com'],
            'leading hyphen' => ['-shop.example.com'],
            'underscore' => ['under_score.com'],
            'IPv4' => ['192.168.1.1'],
            'IPv4 with dot' => ['127.0.0.1.'],
            'IPv6' => ['::1'],
            'IPv6 bracketed' => ['[::1]'],
            'numeric top level' => ['example.123'],
            'wildcard' => ['*.example.com'],
            'single label' => ['localhost'],
        ];
    }

    /** @dataProvider validNames */
    #[\PHPUnit\Framework\Attributes\DataProvider('validNames')]
    public function testNormalisesValidNamesWithoutARequest(string $input, string $expected): void
    {
        $this->assertSame($expected, wu_runcloud_normalize_domain($input));
        $this->assertNoRequestsMade();
    }

    /** @dataProvider invalidNames */
    #[\PHPUnit\Framework\Attributes\DataProvider('invalidNames')]
    public function testNormalizeRejectsInvalidNames(string $input): void
    {
        $thrown = $this->catchThrown(InvalidDomainException::class, static fn () => wu_runcloud_normalize_domain($input));

        $this->assertInvalidDomainMessage($thrown);
        $this->assertNoRequestsMade();
    }

    /** @dataProvider invalidNames */
    #[\PHPUnit\Framework\Attributes\DataProvider('invalidNames')]
    public function testEveryFunctionRejectsInvalidNamesBeforeAnyRequest(string $input): void
    {
        $calls = [
            'add' => static fn () => wu_runcloud_add_domain($input),
            'add with www' => static fn () => wu_runcloud_add_domain($input, true),
            'remove' => static fn () => wu_runcloud_remove_domain($input),
            'redeploy' => static fn () => wu_runcloud_redeploy_ssl($input),
        ];
        foreach ($calls as $label => $call) {
            $thrown = $this->catchThrown(InvalidDomainException::class, $call);
            $this->assertInvalidDomainMessage($thrown, $label);
        }
        $this->assertNoRequestsMade();
        $this->assertSame(['network.test'], $this->sim()->domainNames());
    }

    public function testSyncReportsInvalidNamesAndSendsNone(): void
    {
        $report = wu_runcloud_sync(["evil.com\r\nX: 1", 'example.com/x', 'good.example.com'], ['dry_run' => false]);

        $this->assertSame(['good.example.com'], $report['added']);
        $this->assertSame(["evil.com\r\nX: 1", 'example.com/x'], array_keys($report['errors']));
        foreach ($this->loggedRequests('POST') as $request) {
            if ($request['path'] === $this->appPath('/domains')) {
                $this->assertSame('good.example.com', $request['body']['name']);
            }
        }
        $this->assertSame(['network.test', 'good.example.com'], $this->sim()->domainNames());
    }

    /** @return array<string, array{string, string}> */
    public static function displayNames(): array
    {
        $crafted = 'xn--' . str_repeat('9', 40) . 'a.example';
        return [
            'plain' => ['shop.example.com', 'shop.example.com'],
            'punycode' => ['xn--bcher-kva.de', "b\u{fc}cher.de"],
            'punycode in capitals' => ['XN--BCHER-KVA.de', "b\u{fc}cher.de"],
            'every label' => ['xn--e1afmkfd.xn--p1ai', "\u{43f}\u{440}\u{438}\u{43c}\u{435}\u{440}.\u{440}\u{444}"],
            'a look-alike stays in punycode' => ['xn--pypal-4ve.com', 'xn--pypal-4ve.com'],
            'a label that overflows when decoded' => [$crafted, $crafted],
            'an empty encoded label' => ['xn--.example', 'xn--.example'],
            'punycode of plain ASCII' => ['xn--abc-.example', 'xn--abc-.example'],
            'control characters' => ["a\e[31m.b\r\nc", "a\u{fffd}[31m.b\u{fffd}\u{fffd}c"],
            'invisible characters' => ["a\u{200b}b.c\u{202e}d", "a\u{fffd}b.c\u{fffd}d"],
            'empty' => ['', ''],
        ];
    }

    /** @dataProvider displayNames */
    #[\PHPUnit\Framework\Attributes\DataProvider('displayNames')]
    public function testDomainToUnicodeShowsANameForDisplayWithoutARequest(string $input, string $expected): void
    {
        $this->assertSame($expected, wu_runcloud_domain_to_unicode($input));
        $this->assertNoRequestsMade();
    }

    public function testDomainToUnicodeNeverThrows(): void
    {
        for ($i = 0; $i < 2000; $i++) {
            $input = random_bytes(random_int(1, 80));
            if ($i % 2 === 0) {
                $input = 'xn--' . strtr(bin2hex($input), '0123456789', 'abcdefghij');
            }
            $shown = wu_runcloud_domain_to_unicode($input);
            $this->assertDoesNotMatchRegularExpression('/[\x00-\x1f\x7f]/', $shown);
        }
        $this->assertNoRequestsMade();
    }

    private function assertInvalidDomainMessage(\Throwable $thrown, string $label = ''): void
    {
        $message = $thrown->getMessage();
        $this->assertStringStartsWith('invalid domain name "', $message, $label);
        $this->assertSame(0, $thrown->getCode(), $label);
        // Untrusted input is echoed escaped: no raw control characters reach a log line.
        $this->assertDoesNotMatchRegularExpression('/[\x00-\x1f\x7f]/', $message, $label);
        $this->assertLessThan(200, strlen($message), $label . ': the echoed input is bounded');
    }
}
