<?php

declare(strict_types=1);

namespace WuRunCloud\Tests;

use WuRunCloud\TransportException;

/**
 * Answers are bounded: a page or a record RunCloud cannot have sent (a broken endpoint, a
 * misconfigured proxy, a man in the middle) is a `response` TransportException, and none
 * of it reaches PHP.
 */
final class BoundedAnswersTest extends SimulatorTestCase
{
    /** @return array<string, mixed> */
    private static function domain(mixed $id, string $name): array
    {
        return ['id' => $id, 'name' => $name, 'type' => 'alias', 'www' => 0, 'redirection' => 'none', 'wildcard' => 0];
    }

    /**
     * @param list<array<string, mixed>> $data
     * @return array<string, mixed>
     */
    private static function page(array $data, int $total): array
    {
        return [
            'data' => $data,
            'meta' => ['pagination' => [
                'total' => $total, 'count' => count($data), 'per_page' => 40, 'current_page' => 1,
                'total_pages' => max(1, (int) ceil($total / 40)), 'links' => new \stdClass(),
            ]],
        ];
    }

    /** @return list<array<string, mixed>> */
    private static function numbered(int $count): array
    {
        return array_map(static fn (int $n): array => self::domain($n, "site-$n.example"), range(1, $count));
    }

    /** @return array<string, array{array<string, mixed>, string}> */
    public static function answers(): array
    {
        $escape = "alias\e]0;owned\x07\e[2J";
        return [
            'more domains than the page holds' => [self::page(self::numbered(41), 41), "RunCloud's answer lists 41 domains on a page of 40"],
            'a total beyond the cap' => [self::page(self::numbered(40), 250000), "RunCloud reports 250000 domains; more than 100000 are not listed"],
            'a total short of the page' => [self::page(self::numbered(40), 3), 'RunCloud reports 3 domains but its page 1 reaches domain 40'],
            'a name over 253 characters' => [self::page([self::domain(7, str_repeat('a', 250) . '.example')], 1), 'a domain name of 258 characters'],
            'a non-ASCII name' => [self::page([self::domain(7, "b\u{e4}d.example")], 1), 'printable ASCII'],
            'a name with an escape sequence' => [self::page([self::domain(7, "evil\e[31m.example")], 1), 'printable ASCII'],
            'an id of zero' => [self::page([self::domain(0, 'a.example')], 1), 'a domain id that is not a positive integer'],
            'a negative id' => [self::page([self::domain(-3, 'a.example')], 1), 'wrong shape'],
            'an escape sequence in type' => [self::page([array_merge(self::domain(7, 'a.example'), ['type' => $escape])], 1), 'a domain type that is not'],
            'an escape sequence in redirection' => [self::page([array_merge(self::domain(7, 'a.example'), ['redirection' => $escape])], 1), 'a domain redirection that is not'],
        ];
    }

    /**
     * @dataProvider answers
     * @param array<string, mixed> $body
     */
    #[\PHPUnit\Framework\Attributes\DataProvider('answers')]
    public function testAnAnswerRunCloudCannotHaveSentIsAResponseError(array $body, string $expected): void
    {
        $this->sim()->injectFault(['kind' => 'status', 'status' => 200, 'body' => $body, 'method' => 'GET', 'count' => 50]);

        foreach ([
            static fn () => wu_runcloud_list_domains(),
            static fn () => wu_runcloud_list_domains_page(1),
            static fn () => wu_runcloud_list_domains_page(1, 'a.example'),
            static fn () => wu_runcloud_remove_domain('a.example'),
        ] as $call) {
            $thrown = $this->catchThrown(TransportException::class, $call);
            $this->assertSame('response', $thrown->getKind());
            $this->assertStringContainsString($expected, $thrown->getMessage());
            $this->assertDoesNotMatchRegularExpression('/[\x00-\x1f\x7f]/', $thrown->getMessage());
        }
        $this->assertNoChangingRequests();
    }

    public function testAnIdBeyondPhpIntMaxIsRefused(): void
    {
        // PHP_INT_MAX + 1 written out: PHP itself cannot hold it.
        $raw = '{"data":[{"id":9223372036854775808,"name":"a.example","type":"alias","www":0}],'
            . '"meta":{"pagination":{"total":1,"count":1,"per_page":40,"current_page":1,"total_pages":1}}}';
        $this->sim()->injectFault(['kind' => 'status', 'status' => 200, 'raw_body' => $raw, 'method' => 'GET']);

        $thrown = $this->catchThrown(TransportException::class, static fn () => wu_runcloud_list_domains_page(1));

        $this->assertSame('response', $thrown->getKind());
        $this->assertStringContainsString('a domain id that is not a positive integer (9223372036854775808)', $thrown->getMessage());
    }

    public function testAHugeDeadlineIsClampedNotAPanic(): void
    {
        ini_set('wu_runcloud.deadline', '18446744073709551615');
        ini_set('wu_runcloud.max_retry_wait', '18446744073709551615');
        ini_set('wu_runcloud.timeout', '18446744073709551615');

        $this->assertSame(['network.test'], array_column(wu_runcloud_list_domains(), 'name'));
        $config = wu_runcloud_config();
        $this->assertSame(86400, $config['deadline']);
        $this->assertSame(86400, $config['max_retry_wait']);
        $this->assertSame(86400, $config['timeout']);
    }
}
