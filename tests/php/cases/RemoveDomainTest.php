<?php

declare(strict_types=1);

namespace WuRunCloud\Tests;

use WuRunCloud\ProtectedDomainException;

final class RemoveDomainTest extends SimulatorTestCase
{
    public function testRemovesADomainOnTheThirdPage(): void
    {
        $this->sim()->seedNumberedDomains(100);
        $id = $this->sim()->domain('site-00095.example.test')['id'];

        $this->assertTrue(wu_runcloud_remove_domain('site-00095.example.test'));

        $this->assertNull($this->sim()->domain('site-00095.example.test'));
        $this->assertCount(100, $this->sim()->domainNames());
        $deletes = $this->loggedRequests('DELETE');
        $this->assertCount(1, $deletes);
        $this->assertSame($this->appPath("/domains/$id"), $deletes[0]['path']);
        $this->assertContains('GET ' . $this->appPath('/domains') . '?page=3&perPage=40 -> 200', $this->requestLines());
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
}
