<?php

declare(strict_types=1);

namespace WuRunCloud\Tests;

use WuRunCloud\ApiException;
use WuRunCloud\ConfigurationException;

/**
 * Any web app of the account, named by a last `$app` argument ("SERVER:APP"): every call without
 * one still addresses the primary app of WU_RUNCLOUD_SERVER_ID and WU_RUNCLOUD_APP_ID; an app given
 * is addressed instead; an app that is not SERVER:APP is refused with nothing sent; and
 * wu_runcloud_apps() lists the primary app and those of WU_RUNCLOUD_APPS.
 *
 * The suite's simulator serves one web app, 1:1. The cases of the group `multi-app-simulator` need
 * a simulator serving several apps in one instance (`runcloud-sim --app SERVER:APP`); they are
 * skipped, saying so, while the simulator built has no such option.
 */
final class AppTargetTest extends SimulatorTestCase
{
    /** An app of the account that the suite's simulator does not serve. */
    private const OTHER_APP = '2:5';

    /**
     * Each function that addresses a web app, called with `...$app`: `[]` is the call as written
     * before apps existed, `['2:5']` the same call for app 2:5.
     *
     * @return array<string, array{callable(list<string>): mixed}>
     */
    public static function callsOfAnApp(): array
    {
        return [
            'test_connection' => [static fn (array $app) => wu_runcloud_test_connection(...$app)],
            'list_domains' => [static fn (array $app) => wu_runcloud_list_domains(...$app)],
            'list_domains_page' => [static fn (array $app) => wu_runcloud_list_domains_page(1, null, ...$app)],
            'add_domain' => [static fn (array $app) => wu_runcloud_add_domain('shop.example.com', false, ...$app)],
            'remove_domain' => [static fn (array $app) => wu_runcloud_remove_domain('gone.example.com', null, ...$app)],
            'redeploy_ssl' => [static fn (array $app) => wu_runcloud_redeploy_ssl(null, ...$app)],
            'set_ssl_mode' => [static fn (array $app) => wu_runcloud_set_ssl_mode(true, false, ...$app)],
            'sync' => [
                static fn (array $app) => wu_runcloud_sync(['shop.example.com'], ['dry_run' => false], ...$app),
            ],
        ];
    }

    /** @return list<string> the path of every logged request but the account's ping */
    private function appRequestPaths(): array
    {
        $paths = array_column($this->sim()->requests(), 'path');
        return array_values(array_filter($paths, static fn (string $path) => !str_ends_with($path, '/ping')));
    }

    /**
     * @dataProvider callsOfAnApp
     * @param callable(list<string>): mixed $call
     */
    #[\PHPUnit\Framework\Attributes\DataProvider('callsOfAnApp')]
    public function testACallWithoutAnAppAddressesThePrimaryApp(callable $call): void
    {
        $call([]);

        $paths = $this->appRequestPaths();
        $this->assertNotEmpty($paths);
        foreach ($paths as $path) {
            $this->assertStringStartsWith($this->appPath(), $path);
        }
        $withoutApp = $this->requestLines();

        $this->sim()->reset();
        $call([sprintf('%d:%d', TestEnvironment::SERVER_ID, TestEnvironment::APP_ID)]);

        $this->assertSame($withoutApp, $this->requestLines(), 'naming the primary app changes nothing');
    }

    /**
     * @dataProvider callsOfAnApp
     * @param callable(list<string>): mixed $call
     */
    #[\PHPUnit\Framework\Attributes\DataProvider('callsOfAnApp')]
    public function testAnAppGivenIsAddressedInsteadOfThePrimary(callable $call): void
    {
        $thrown = $this->catchThrown(ApiException::class, static fn () => $call([self::OTHER_APP]));

        // This simulator serves 1:1 only, so RunCloud's answer for server 2 is a 404.
        $this->assertSame(404, $thrown->getCode());
        $expected = sprintf('/api/%s/servers/2/webapps/5', $this->auth());
        $paths = $this->appRequestPaths();
        $this->assertNotEmpty($paths);
        foreach ($paths as $path) {
            $this->assertStringStartsWith($expected, $path);
        }
        $this->assertSame(['network.test'], $this->sim()->domainNames(), 'the primary app is untouched');
        $this->assertFalse($this->sim()->state()['ssl']['advancedSSL'], 'the primary app is untouched');
    }

    public function testAnAppGivenReachesThatAppWhileTheConstantsStillNameThePrimary(): void
    {
        // A simulator whose web app is 2:5; the constants keep 1:1 as the primary app.
        $other = Simulator::start(['--server-id', '2', '--app-id', '5']);
        try {
            $child = ChildPhp::run(TestEnvironment::constants([], $other->url()), <<<'PHP'
                $added = wu_runcloud_add_domain('shop.example.com', true, '2:5');
                $names = array_column(wu_runcloud_list_domains('2:5'), 'name');
                $ssl = wu_runcloud_redeploy_ssl(null, '2:5');
                try {
                    wu_runcloud_add_domain('primary.example.com');
                    $primary = 'added';
                } catch (WuRunCloud\ApiException $refused) {
                    $primary = $refused->getCode();
                }
                $removed = wu_runcloud_remove_domain('shop.example.com', $added['id'], '2:5');
                return [$added['created'], $names, $ssl['action'], $primary, $removed];
                PHP);
            [$created, $names, $ssl, $primary, $removed] = $child->result();
            $state = $other->state();
        } finally {
            $other->stop();
        }

        $this->assertTrue($created);
        $this->assertSame(['network.test', 'shop.example.com'], $names);
        $this->assertSame('redeployed', $ssl);
        $this->assertSame(404, $primary, 'without $app the call goes to 1:1, which that simulator lacks');
        $this->assertTrue($removed);
        $this->assertSame(['network.test'], array_column($state['domains'], 'name'));
        $this->assertNoRequestsMade();
    }

    /** @return array<string, array{string}> */
    public static function unusableApps(): array
    {
        $apps = [
            '', ' ', '2', '2:', ':5', '0:5', '2:0', '2:5:7', 'a:b', '2 : 5', '-2:5', '+', '2.0:5',
            '2:5, 3:7', "2:5\x00", "2:\u{0665}", '99999999999999999999:1', '2/5', 'servers/2/webapps/5',
        ];
        return array_combine(array_map('json_encode', $apps), array_map(static fn ($app) => [$app], $apps));
    }

    /**
     * @dataProvider unusableApps
     */
    #[\PHPUnit\Framework\Attributes\DataProvider('unusableApps')]
    public function testAnAppThatIsNotServerColonAppIsRefusedWithNothingSent(string $app): void
    {
        foreach (self::callsOfAnApp() as $function => [$call]) {
            $thrown = $this->catchThrown(ConfigurationException::class, static fn () => $call([$app]));
            $this->assertStringContainsString('is not SERVER:APP', $thrown->getMessage(), $function);
        }
        $this->assertNoRequestsMade();
    }

    public function testAMessageAboutAnAppNeverCarriesACredential(): void
    {
        $credentials = array_values(TestEnvironment::credentials($this->auth()));
        foreach ($credentials as $credential) {
            foreach ([$credential, "1:$credential", "$credential:1", "1:1, $credential"] as $app) {
                $thrown = $this->catchThrown(
                    ConfigurationException::class,
                    static fn () => wu_runcloud_add_domain('shop.example.com', false, $app)
                );
                $this->assertStringNotContainsString($credential, $thrown->getMessage());
                $this->assertStringContainsString('[redacted]', $thrown->getMessage());

                $listed = $this->catchThrown(ConfigurationException::class, static fn () => wu_runcloud_apps($app));
                $this->assertStringNotContainsString($credential, $listed->getMessage());
            }
        }
        $this->assertNoRequestsMade();
    }

    public function testTheAppsAreThePrimaryAloneWithoutWuRunCloudApps(): void
    {
        $this->assertSame(['1:1'], wu_runcloud_apps());
        $this->assertSame(['1:1'], wu_runcloud_apps(''));
        $this->assertNoRequestsMade();
    }

    public function testAListGivenFollowsThePrimaryEachAppOnce(): void
    {
        $this->assertSame(
            ['1:1', '12346:67891', '7:8'],
            wu_runcloud_apps(" 12346:67891,1:1\n12346:67891  7:8, ")
        );
        $this->assertNoRequestsMade();
    }

    public function testTheAppsConstantFollowsThePrimaryAndNeedsNoCredentials(): void
    {
        $constants = [
            'WU_RUNCLOUD_SERVER_ID' => 12345,
            'WU_RUNCLOUD_APP_ID' => '67890',
            'WU_RUNCLOUD_APPS' => '12346:67891, 12345:67890, 12347:67892',
        ];

        $child = ChildPhp::run($constants, 'return [wu_runcloud_apps(), wu_runcloud_config()["constants"]];');
        [$apps, $defined] = $child->result();

        $this->assertSame(['12345:67890', '12346:67891', '12347:67892'], $apps);
        $this->assertTrue($defined['WU_RUNCLOUD_APPS']);
        $this->assertFalse($defined['WU_RUNCLOUD_API_TOKEN']);
    }

    public function testAnUnusableAppsConstantIsAConfigurationErrorThatNamesIt(): void
    {
        $constants = TestEnvironment::constants(['WU_RUNCLOUD_APPS' => '12346:67891, 12346']);

        $thrown = ChildPhp::run($constants, 'return wu_runcloud_apps();')->exception();

        $this->assertNotNull($thrown);
        $this->assertSame(ConfigurationException::class, $thrown['class']);
        $this->assertStringContainsString('WU_RUNCLOUD_APPS', $thrown['message']);
        $this->assertStringContainsString('"12346"', $thrown['message']);
        $this->assertNoRequestsMade();
    }

    public function testTheAppsNeedThePrimaryApp(): void
    {
        $thrown = ChildPhp::run(['WU_RUNCLOUD_APPS' => '2:5'], 'return wu_runcloud_apps();')->exception();

        $this->assertNotNull($thrown);
        $this->assertSame(ConfigurationException::class, $thrown['class']);
        $this->assertStringContainsString('WU_RUNCLOUD_SERVER_ID, WU_RUNCLOUD_APP_ID', $thrown['message']);
    }

    /**
     * Runs `$code` in a child whose constants name the primary app 1:1 and WU_RUNCLOUD_APPS
     * '2:5, 3:7', against a simulator serving all three; returns what it returned and the
     * simulator's view of each app.
     *
     * @return array{mixed, array<string, list<string>>}
     */
    private function onThreeApps(string $code): array
    {
        if (!Simulator::servesSeveralApps()) {
            $this->markTestSkipped('the simulator built serves one web app (no --app SERVER:APP yet)');
        }
        $sim = Simulator::startWithApps(['2:5', '3:7']);
        try {
            $constants = TestEnvironment::constants(['WU_RUNCLOUD_APPS' => '2:5, 3:7'], $sim->url());
            $result = ChildPhp::run($constants, $code)->result();
            $names = [];
            foreach (['1:1', '2:5', '3:7'] as $app) {
                $names[$app] = $sim->domainNames($app);
            }
        } finally {
            $sim->stop();
        }
        return [$result, $names];
    }

    /**
     * @group multi-app-simulator
     */
    #[\PHPUnit\Framework\Attributes\Group('multi-app-simulator')]
    public function testAMappingAddedToEachAppReachesEveryApp(): void
    {
        [$created, $names] = $this->onThreeApps(<<<'PHP'
            $created = [];
            foreach (wu_runcloud_apps() as $app) {
                $created[$app] = wu_runcloud_add_domain('shop.example.com', false, $app)['created'];
                wu_runcloud_redeploy_ssl(null, $app);
            }
            return $created;
            PHP);

        $this->assertSame(['1:1' => true, '2:5' => true, '3:7' => true], $created);
        foreach ($names as $app => $onApp) {
            $this->assertSame(1, count(array_keys($onApp, 'shop.example.com', true)), $app);
        }
    }

    /**
     * @group multi-app-simulator
     */
    #[\PHPUnit\Framework\Attributes\Group('multi-app-simulator')]
    public function testEachCallChangesOnlyTheAppItAddresses(): void
    {
        [$removed, $names] = $this->onThreeApps(<<<'PHP'
            wu_runcloud_add_domain('primary-only.example.com');
            wu_runcloud_add_domain('two-apps.example.com', false, '2:5');
            wu_runcloud_add_domain('two-apps.example.com', false, '3:7');
            return wu_runcloud_remove_domain('two-apps.example.com', null, '3:7');
            PHP);

        $this->assertTrue($removed);
        $this->assertContains('primary-only.example.com', $names['1:1']);
        $this->assertNotContains('primary-only.example.com', $names['2:5']);
        $this->assertNotContains('primary-only.example.com', $names['3:7']);
        $this->assertContains('two-apps.example.com', $names['2:5']);
        $this->assertNotContains('two-apps.example.com', $names['3:7']);
        $this->assertNotContains('two-apps.example.com', $names['1:1']);
    }
}
