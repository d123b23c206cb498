<?php

declare(strict_types=1);

namespace WuRunCloud\Tests;

final class AddDomainTest extends SimulatorTestCase
{
    public function testCreatesAnAliasAndReturnsItsRecord(): void
    {
        $added = wu_runcloud_add_domain('shop.example.com');

        $this->assertSame(
            ['id', 'name', 'type', 'www', 'redirection', 'wildcard', 'created', 'outcome'],
            array_keys($added)
        );
        $this->assertIsInt($added['id']);
        $this->assertSame('shop.example.com', $added['name']);
        $this->assertSame('alias', $added['type']);
        $this->assertFalse($added['www']);
        $this->assertSame('none', $added['redirection']);
        $this->assertFalse($added['wildcard']);
        $this->assertTrue($added['created']);

        $record = $this->sim()->domain('shop.example.com');
        $this->assertNotNull($record, 'the simulator has the domain');
        $this->assertSame($added['id'], $record['id']);
        $this->assertSame('alias', $record['type']);
        $this->assertCount(1, $this->loggedRequests('POST'));
    }

    public function testARepeatedAddIsSuccessWithCreatedFalse(): void
    {
        $first = wu_runcloud_add_domain('shop.example.com');
        $second = wu_runcloud_add_domain('shop.example.com');

        $this->assertTrue($first['created']);
        $this->assertFalse($second['created']);
        $this->assertSame(['created', 'already_there'], [$first['outcome'], $second['outcome']]);
        $this->assertSame($first['id'], $second['id']);
        $this->assertSame('shop.example.com', $second['name']);
        $this->assertSame(1, count(array_keys($this->sim()->domainNames(), 'shop.example.com')));
        $this->assertSame([200, 422], array_column($this->loggedRequests('POST'), 'status'));
    }

    /** @return array<string, array{array<string, mixed>}> */
    public static function lostAnswers(): array
    {
        return [
            '502 after the change' => [['kind' => 'status', 'status' => 502, 'applied' => true]],
            '504 after the change' => [['kind' => 'status', 'status' => 504, 'applied' => true]],
            'connection cut after the change' => [['kind' => 'drop', 'applied' => true]],
            'truncated answer' => [['kind' => 'truncated']],
        ];
    }

    /**
     * @dataProvider lostAnswers
     * @param array<string, mixed> $fault
     */
    #[\PHPUnit\Framework\Attributes\DataProvider('lostAnswers')]
    public function testAnAddWhoseAnswerIsLostIsFoundNotRepeated(array $fault): void
    {
        $this->sim()->injectFault($fault + ['method' => 'POST']);

        $added = wu_runcloud_add_domain('shop.example.com');

        $this->assertFalse($added['created'], 'not confirmed by RunCloud');
        $this->assertSame('found_after_lost_answer', $added['outcome']);
        $this->assertSame($this->sim()->domain('shop.example.com')['id'], $added['id']);
        $this->assertCount(1, $this->loggedRequests('POST'), 'the POST is never sent twice');
        $this->assertSame(1, count(array_keys($this->sim()->domainNames(), 'shop.example.com')));
    }

    public function testAnAddFailingBeforeRunCloudActsIsSentAgainAfterLooking(): void
    {
        $this->sim()->injectFault(['kind' => 'status', 'status' => 502, 'method' => 'POST']);

        $added = wu_runcloud_add_domain('shop.example.com');

        $this->assertTrue($added['created']);
        $this->assertSame('created', $added['outcome']);
        $this->assertSame([502, 200], array_column($this->loggedRequests('POST'), 'status'));
    }

    public function testARepeatedAddFindsADomainOnTheThirdPage(): void
    {
        $this->sim()->seedNumberedDomains(100);

        $again = wu_runcloud_add_domain('site-00090.example.test');

        $this->assertFalse($again['created']);
        $this->assertSame('site-00090.example.test', $again['name']);
        $this->assertSame($this->sim()->domain('site-00090.example.test')['id'], $again['id']);
        $this->assertCount(101, $this->sim()->domainNames());
    }

    public function testAnInternationalNameIsSentAsPunycode(): void
    {
        $added = wu_runcloud_add_domain('bücher.de');
        $again = wu_runcloud_add_domain('BÜCHER.de.');

        $this->assertSame('xn--bcher-kva.de', $added['name']);
        $this->assertTrue($added['created']);
        $this->assertSame('xn--bcher-kva.de', $again['name']);
        $this->assertFalse($again['created']);
        $this->assertNotNull($this->sim()->domain('xn--bcher-kva.de'));
        $this->assertSame('xn--bcher-kva.de', $this->loggedRequests('POST')[0]['body']['name']);
    }

    public function testWwwAddsTheVariantRedirectingToTheBareName(): void
    {
        $added = wu_runcloud_add_domain('shop.example.com', true);

        $this->assertTrue($added['www']);
        $this->assertSame('non-www', $added['redirection']);
        $record = $this->sim()->domain('shop.example.com');
        $this->assertSame(1, $record['www']);
        $this->assertSame('non-www', $record['redirection']);
        $this->assertSame(
            ['name' => 'shop.example.com', 'redirection' => 'non-www', 'type' => 'alias', 'www' => true],
            $this->loggedRequests('POST')[0]['body']
        );
    }

    public function testTheNameIsTrimmedAndLowercased(): void
    {
        $added = wu_runcloud_add_domain("  Shop.Example.COM.\t");

        $this->assertSame('shop.example.com', $added['name']);
        $this->assertNotNull($this->sim()->domain('shop.example.com'));
    }
}
