<?php

declare(strict_types=1);

namespace WuRunCloud\Tests;

final class ListDomainsTest extends SimulatorTestCase
{
    public function testListsEveryDomainAcrossAllPages(): void
    {
        $this->sim()->seedNumberedDomains(100);

        $domains = wu_runcloud_list_domains();

        $this->assertCount(101, $domains);
        $this->assertSame($this->sim()->domainNames(), array_column($domains, 'name'));
        $this->assertSame(range(0, 100), array_keys($domains), 'a plain list');
        // 40 per page: entries 81 to 101 are on page 3.
        $this->assertContains('site-00085.example.test', array_column($domains, 'name'));
        $this->assertContains('site-00100.example.test', array_column($domains, 'name'));
        $this->assertContains('GET ' . $this->appPath('/domains') . '?page=3&perPage=40 -> 200', $this->requestLines());
    }

    public function testReturnsTypedFieldsWithBooleanFlags(): void
    {
        $this->sim()->seedDomains([
            ['name' => 'shop.example.com', 'www' => true],
            ['name' => '*.wild.test', 'wildcard' => true],
            ['name' => 'old.example.com', 'type' => 'redirect'],
        ]);

        $byName = array_column(wu_runcloud_list_domains(), null, 'name');

        $this->assertSame(
            ['network.test', 'shop.example.com', 'wild.test', 'old.example.com'],
            array_keys($byName)
        );
        $primary = $byName['network.test'];
        $this->assertSame(['id', 'name', 'type', 'www', 'redirection', 'wildcard'], array_keys($primary));
        $this->assertSame(1, $primary['id']);
        $this->assertSame('primary', $primary['type']);
        $this->assertFalse($primary['www']);
        $this->assertFalse($primary['wildcard']);
        $this->assertSame('none', $primary['redirection']);
        $this->assertTrue($byName['shop.example.com']['www']);
        $this->assertSame('alias', $byName['shop.example.com']['type']);
        $this->assertTrue($byName['wild.test']['wildcard']);
        $this->assertSame('redirect', $byName['old.example.com']['type']);
        foreach ($byName as $domain) {
            $this->assertIsInt($domain['id']);
            $this->assertIsString($domain['type']);
            $this->assertIsBool($domain['www']);
            $this->assertIsBool($domain['wildcard']);
            $this->assertIsString($domain['redirection']);
        }
    }

    public function testOnlyTheFirstPageIsFetchedForASmallApp(): void
    {
        $domains = wu_runcloud_list_domains();

        $this->assertSame(['network.test'], array_column($domains, 'name'));
        $this->assertSame(['GET ' . $this->appPath('/domains') . '?page=1&perPage=40 -> 200'], $this->requestLines());
    }

    public function testOnePageAtATimeWithTheCountsAndTheRateLimit(): void
    {
        $this->sim()->seedNumberedDomains(100);

        $third = wu_runcloud_list_domains_page(3);

        $this->assertSame(['domains', 'page', 'total_pages', 'total', 'rate_limit', 'rate_remaining'], array_keys($third));
        $this->assertSame(3, $third['page']);
        $this->assertSame(3, $third['total_pages']);
        $this->assertSame(101, $third['total']);
        $this->assertSame(array_slice($this->sim()->domainNames(), 80), array_column($third['domains'], 'name'));
        $this->assertSame(['id', 'name', 'type', 'www', 'redirection', 'wildcard'], array_keys($third['domains'][0]));
        $this->assertSame(['GET ' . $this->appPath('/domains') . '?page=3&perPage=40 -> 200'], $this->requestLines());
        $this->assertTrue(null === $third['rate_limit'] || is_int($third['rate_limit']));
        $this->assertTrue(null === $third['rate_remaining'] || is_int($third['rate_remaining']));
        $this->assertSame([], wu_runcloud_list_domains_page(4)['domains'], 'past the last page');
    }

    public function testAPageSearchedForANameAsksRunCloudForIt(): void
    {
        $this->sim()->seedNumberedDomains(100);

        $found = wu_runcloud_list_domains_page(1, 'Site-00095.Example.Test.');

        $this->assertSame(['site-00095.example.test'], array_column($found['domains'], 'name'));
        $this->assertSame(1, $found['total_pages']);
        $this->assertSame(['GET ' . $this->appPath('/domains') . '?page=1&perPage=40&search=site-00095.example.test -> 200'], $this->requestLines());
    }

    public function testASearchRunCloudIgnoresIsAPageOfTheWholeList(): void
    {
        $this->sim()->searchFilters(false);
        $this->sim()->seedNumberedDomains(100);

        $page = wu_runcloud_list_domains_page(1, 'site-00095.example.test');

        $this->assertCount(40, $page['domains']);
        $this->assertSame(3, $page['total_pages'], 'not the only page: the name\'s absence from it proves nothing');
    }

    public function testAnInvalidSearchIsRefusedWithoutARequest(): void
    {
        foreach (['not a domain', '*.example.com', 'a/b', "x\u{200B}y.example"] as $search) {
            $this->catchThrown(\WuRunCloud\InvalidDomainException::class, static fn () => wu_runcloud_list_domains_page(1, $search));
        }
        $this->assertNoRequestsMade();
    }

    public function testAPageNumberBelowOneIsRefusedWithoutARequest(): void
    {
        foreach ([0, -1] as $page) {
            $this->catchThrown(\ValueError::class, static fn () => wu_runcloud_list_domains_page($page));
        }
        $this->assertNoRequestsMade();
    }
}
