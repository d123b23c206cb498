<?php

declare(strict_types=1);

namespace WuRunCloud\Tests;

final class SyncTest extends SimulatorTestCase
{
    private const REPORT_KEYS = ['dry_run', 'to_add', 'to_remove', 'unchanged', 'added', 'removed', 'errors', 'ssl'];

    public function testIsADryRunByDefault(): void
    {
        $this->sim()->seedDomains([['name' => 'kept.example.com']]);

        $report = wu_runcloud_sync(['kept.example.com', 'New.Example.com', 'bücher.de']);

        $this->assertSame(self::REPORT_KEYS, array_keys($report));
        $this->assertTrue($report['dry_run']);
        $this->assertSame(['new.example.com', 'xn--bcher-kva.de'], $report['to_add']);
        $this->assertSame(['kept.example.com'], $report['unchanged']);
        $this->assertSame([], $report['to_remove']);
        $this->assertSame([], $report['added']);
        $this->assertSame([], $report['removed']);
        $this->assertSame([], $report['errors']);
        $this->assertSame([], $report['ssl']);
        $this->assertSame(['network.test', 'kept.example.com'], $this->sim()->domainNames());
        $this->assertNoChangingRequests();
    }

    public function testAppliesAddsAndRedeploysTheCertificateOnce(): void
    {
        // 90 seeded names keep the basic certificate within Let's Encrypt's 100 names
        // once the two new ones (one with www) are added, and still fill three pages.
        $this->sim()->seedNumberedDomains(90);

        $report = wu_runcloud_sync(
            ['site-00090.example.test', 'one.example.com', 'two.example.com'],
            ['dry_run' => false, 'www' => ['two.example.com']]
        );

        $this->assertFalse($report['dry_run']);
        $this->assertSame(['one.example.com', 'two.example.com'], $report['added']);
        $this->assertSame(['site-00090.example.test'], $report['unchanged'], 'found on page 3');
        $this->assertSame([], $report['errors']);
        $this->assertCount(1, $report['ssl']);
        $this->assertSame('redeployed', $report['ssl'][0]['action']);
        $this->assertSame(1, $this->sim()->domain('two.example.com')['www']);
        $this->assertSame(0, $this->sim()->domain('one.example.com')['www']);
        $covers = $this->sim()->state()['ssl']['basic']['covers'];
        $this->assertContains('one.example.com', $covers);
        $this->assertContains('www.two.example.com', $covers);
        $this->assertCount(1, $this->loggedRequests('PUT'));
    }

    public function testPruneRemovesOnlyManagedUnwantedNames(): void
    {
        $this->sim()->seedDomains([
            ['name' => 'managed-old.example.com'],
            ['name' => 'someone-elses.example.com'],
            ['name' => 'keep.example.com'],
        ]);

        $report = wu_runcloud_sync(
            ['keep.example.com'],
            [
                'dry_run' => false,
                'prune' => true,
                'managed' => ['managed-old.example.com', 'keep.example.com', 'network.test'],
            ]
        );

        $this->assertSame(['managed-old.example.com'], $report['to_remove']);
        $this->assertSame(['managed-old.example.com'], $report['removed']);
        $this->assertSame([], $report['ssl'], 'nothing added, nothing to redeploy');
        $this->assertSame(
            ['network.test', 'someone-elses.example.com', 'keep.example.com'],
            $this->sim()->domainNames()
        );
    }
}
