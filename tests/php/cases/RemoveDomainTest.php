<?php

declare(strict_types=1);

namespace WuRunCloud\Tests;

use WuRunCloud\ProtectedDomainException;

final class RemoveDomainTest extends SimulatorTestCase
{
    public function testRemovesADomainOnTheThirdPageWithOneSearch(): void
    {
        $this->sim()->seedNumberedDomains(100);
        $id = $this->sim()->domain('site-00095.example.test')['id'];

        $this->assertTrue(wu_runcloud_remove_domain('site-00095.example.test'));

        $this->assertNull($this->sim()->domain('site-00095.example.test'));
        $this->assertSame([
            'GET ' . $this->appPath('/domains') . '?page=1&perPage=40&search=site-00095.example.test -> 200',
            'DELETE ' . $this->appPath("/domains/$id") . ' -> 200',
        ], $this->requestLines());
    }

    public function testRemovesADomainOnTheThirdPageWhereTheSearchDoesNotFilter(): void
    {
        $this->sim()->searchFilters(false);
        $this->sim()->seedNumberedDomains(100);
        $id = $this->sim()->domain('site-00095.example.test')['id'];

        $this->assertTrue(wu_runcloud_remove_domain('site-00095.example.test'));

        $this->assertNull($this->sim()->domain('site-00095.example.test'));
        $this->assertCount(100, $this->sim()->domainNames());
        $deletes = $this->loggedRequests('DELETE');
        $this->assertCount(1, $deletes);
        $this->assertSame($this->appPath("/domains/$id"), $deletes[0]['path']);
        $this->assertContains('GET ' . $this->appPath('/domains') . '?page=3&perPage=40&search=site-00095.example.test -> 200', $this->requestLines());
    }

    public function testRemovesAnInternationalNameGivenInUnicode(): void
    {
        wu_runcloud_add_domain('bücher.de');

        $this->assertTrue(wu_runcloud_remove_domain('Bücher.DE'));
        $this->assertNull($this->sim()->domain('xn--bcher-kva.de'));
    }

    public function testAnAbsentDomainIsFalseAndNothingIsDeleted(): void
    {
        $this->sim()->seedNumberedDomains(50);

        $this->assertFalse(wu_runcloud_remove_domain('absent.example.com'));

        $this->assertCount(51, $this->sim()->domainNames());
        $this->assertNoChangingRequests();
    }

    public function testARepeatedRemoveIsFalse(): void
    {
        wu_runcloud_add_domain('shop.example.com');

        $this->assertTrue(wu_runcloud_remove_domain('shop.example.com'));
        $this->assertFalse(wu_runcloud_remove_domain('shop.example.com'));
        $this->assertCount(1, $this->loggedRequests('DELETE'));
    }

    public function testThePrimaryDomainIsRefused(): void
    {
        $thrown = $this->catchThrown(
            ProtectedDomainException::class,
            static fn () => wu_runcloud_remove_domain('network.test')
        );

        $this->assertSame('network.test is the web app\'s primary domain and is never removed', $thrown->getMessage());
        $this->assertSame(0, $thrown->getCode());
        $this->assertNotNull($this->sim()->domain('network.test'));
        $this->assertNoChangingRequests();
    }

    public function testTheIdFromTheAddSavesWalkingTheList(): void
    {
        $this->sim()->seedNumberedDomains(100);
        $added = wu_runcloud_add_domain('shop.example.com');
        $this->sim()->clearRequests();

        $this->assertTrue(wu_runcloud_remove_domain('shop.example.com', $added['id']));

        $this->assertNull($this->sim()->domain('shop.example.com'));
        $this->assertSame(
            [
                'GET ' . $this->appPath("/domains/{$added['id']}") . ' -> 200',
                'DELETE ' . $this->appPath("/domains/{$added['id']}") . ' -> 200',
            ],
            $this->requestLines()
        );
    }

    public function testAnIdOfAnotherDomainIsNotTrusted(): void
    {
        [$otherId] = $this->sim()->seedDomains([['name' => 'other.example.com']]);
        wu_runcloud_add_domain('shop.example.com');

        $this->assertTrue(wu_runcloud_remove_domain('shop.example.com', $otherId));

        $this->assertNull($this->sim()->domain('shop.example.com'));
        $this->assertNotNull($this->sim()->domain('other.example.com'), 'the domain the id names is left alone');
    }

    public function testAnIdOfThePrimaryDomainDoesNotRemoveIt(): void
    {
        wu_runcloud_add_domain('shop.example.com');

        $this->assertTrue(wu_runcloud_remove_domain('shop.example.com', 1));

        $this->assertSame(['network.test'], $this->sim()->domainNames());
    }

    public function testAStaleIdFallsBackToTheNameOrFalse(): void
    {
        $first = wu_runcloud_add_domain('shop.example.com');
        wu_runcloud_remove_domain('shop.example.com');
        $second = wu_runcloud_add_domain('shop.example.com');
        $this->assertNotSame($first['id'], $second['id'], 'harness: the re-added domain has a new id');

        $this->assertTrue(wu_runcloud_remove_domain('shop.example.com', $first['id']));
        $this->assertNull($this->sim()->domain('shop.example.com'));
        $this->assertFalse(wu_runcloud_remove_domain('shop.example.com', $second['id']));
    }

    public function testTheIdCannotMakeThePrimaryDomainRemovable(): void
    {
        $this->catchThrown(ProtectedDomainException::class, static fn () => wu_runcloud_remove_domain('network.test', 1));

        $this->assertSame(['network.test'], $this->sim()->domainNames());
        $this->assertNoChangingRequests();
    }

    /** @return array<string, array{int}> */
    public static function unusableIds(): array
    {
        return ['zero' => [0], 'negative' => [-5], 'absent' => [987654]];
    }

    /** @dataProvider unusableIds */
    #[\PHPUnit\Framework\Attributes\DataProvider('unusableIds')]
    public function testAnUnusableIdIsIgnored(int $id): void
    {
        wu_runcloud_add_domain('shop.example.com');

        $this->assertTrue(wu_runcloud_remove_domain('shop.example.com', $id));
        $this->assertNull($this->sim()->domain('shop.example.com'));
    }
}
