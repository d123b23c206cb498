<?php

declare(strict_types=1);

namespace WuRunCloud\Tests;

use TypeError;
use WuRunCloud\InvalidDomainException;

/**
 * Arguments a caller should not pass still end in a PHP exception or a safe default, never
 * in a crash of the PHP process (no input found here reaches a Rust panic).
 */
final class HostileInputTest extends SimulatorTestCase
{
    public function testSyncRefusesAListOfNonStrings(): void
    {
        $this->expectException(TypeError::class);
        wu_runcloud_sync([1, null, []]);
    }

    public function testSyncOptionsOfTheWrongTypeKeepTheSafeDefaults(): void
    {
        $report = wu_runcloud_sync(
            ['new.example.com'],
            ['dry_run' => 'no', 'prune' => 'yes', 'managed' => 'network.test', 'www' => [1, [2]]]
        );

        $this->assertTrue($report['dry_run'], 'only a real false turns the dry run off');
        $this->assertSame(['new.example.com'], $report['to_add']);
        $this->assertSame([], $report['to_remove']);
        $this->assertNoChangingRequests();
    }

    public function testAHugeNameIsRejectedWithABoundedMessage(): void
    {
        $thrown = $this->catchThrown(
            InvalidDomainException::class,
            static fn () => wu_runcloud_add_domain(str_repeat('ü', 1000000) . '.de')
        );

        $this->assertLessThan(400, strlen($thrown->getMessage()));
        $this->assertNoRequestsMade();
    }

    public function testAnExtremeIdIsIgnored(): void
    {
        wu_runcloud_add_domain('shop.example.com');

        $this->assertTrue(wu_runcloud_remove_domain('shop.example.com', PHP_INT_MIN));
        $this->assertFalse(wu_runcloud_remove_domain('shop.example.com', PHP_INT_MAX));
    }

    public function testTheProcessSurvivesAFailedCallAndWorksOn(): void
    {
        $this->sim()->injectFault(['kind' => 'malformed_json', 'count' => 4]);
        try {
            wu_runcloud_list_domains();
            $this->fail('the malformed answer must throw');
        } catch (\WuRunCloud\TransportException $expected) {
            $this->assertSame('response', $expected->getKind());
        }

        $this->assertSame(['network.test'], array_column(wu_runcloud_list_domains(), 'name'));
    }
}
