<?php

declare(strict_types=1);

namespace WuRunCloud\Tests;

use WuRunCloud\InvalidDomainException;

final class RedeploySslTest extends SimulatorTestCase
{
    /** @return list<string> the names the web app's basic certificate covers now */
    private function basicCertificateCovers(): array
    {
        return $this->sim()->state()['ssl']['basic']['covers'];
    }

    public function testBasicModeRedeploysSoTheNewDomainIsCovered(): void
    {
        $certificateId = $this->sim()->state()['ssl']['basic']['id'];
        wu_runcloud_add_domain('shop.example.com');
        $this->assertNotContains('shop.example.com', $this->basicCertificateCovers(), 'not covered before the redeploy');

        $outcome = wu_runcloud_redeploy_ssl();

        $this->assertSame(
            [
                'mode' => 'basic',
                'action' => 'redeployed',
                'certificate_id' => $certificateId,
                'domain' => null,
                'message' => "redeployed the web app's certificate $certificateId",
            ],
            $outcome
        );
        $this->assertContains('shop.example.com', $this->basicCertificateCovers());
        $this->assertSame(1, $this->sim()->state()['ssl']['basic']['redeploys']);
        $puts = $this->loggedRequests('PUT');
        $this->assertCount(1, $puts);
        $this->assertSame($this->appPath("/ssl/$certificateId"), $puts[0]['path']);
    }

    public function testBasicModeWithoutACertificateDoesNothing(): void
    {
        $this->sim()->changeSsl(['certificate' => false]);

        $outcome = wu_runcloud_redeploy_ssl();

        $this->assertSame('basic', $outcome['mode']);
        $this->assertSame('none', $outcome['action']);
        $this->assertNull($outcome['certificate_id']);
        $this->assertNull($outcome['domain']);
        $this->assertIsString($outcome['message']);
        $this->assertNoChangingRequests();
    }

    public function testAdvancedModeInstallsThenRedeploysTheDomainsCertificate(): void
    {
        $this->sim()->changeSsl(['advancedSSL' => true]);
        wu_runcloud_add_domain('shop.example.com');

        $installed = wu_runcloud_redeploy_ssl('Shop.Example.com');
        $certificates = $this->sim()->state()['ssl']['domains'];

        $this->assertSame('advanced', $installed['mode']);
        $this->assertSame('installed', $installed['action']);
        $this->assertSame('shop.example.com', $installed['domain']);
        $this->assertCount(1, $certificates);
        $this->assertSame($certificates[0]['id'], $installed['certificate_id']);
        $this->assertSame(['shop.example.com'], $certificates[0]['covers']);
        $this->assertSame(0, $certificates[0]['redeploys']);

        $redeployed = wu_runcloud_redeploy_ssl('shop.example.com');

        $this->assertSame('redeployed', $redeployed['action']);
        $this->assertSame($installed['certificate_id'], $redeployed['certificate_id']);
        $this->assertSame(1, $this->sim()->state()['ssl']['domains'][0]['redeploys']);
    }

    public function testAnInstallAnsweredWithAnEmptySuccessIsInstalled(): void
    {
        $this->sim()->changeSsl(['advancedSSL' => true]);
        wu_runcloud_add_domain('shop.example.com');
        $this->sim()->injectFault(['kind' => 'status', 'status' => 200, 'body' => new \stdClass(), 'applied' => true, 'method' => 'POST', 'path_contains' => '/ssl']);

        $installed = wu_runcloud_redeploy_ssl('shop.example.com');
        $certificates = $this->sim()->state()['ssl']['domains'];

        $this->assertSame('installed', $installed['action']);
        $this->assertCount(1, $certificates);
        $this->assertSame($certificates[0]['id'], $installed['certificate_id'], 'the id read back');
        $this->assertCount(1, array_filter($this->loggedRequests('POST'), static fn (array $r): bool => str_ends_with($r['path'], '/ssl')));
    }

    public function testAnInstallWhoseAnswerIsLostIsNotOrderedAgain(): void
    {
        $this->sim()->changeSsl(['advancedSSL' => true]);
        wu_runcloud_add_domain('shop.example.com');
        $this->sim()->injectFault(['kind' => 'status', 'status' => 504, 'applied' => true, 'method' => 'POST', 'path_contains' => '/ssl']);

        $installed = wu_runcloud_redeploy_ssl('shop.example.com');

        $this->assertSame('installed', $installed['action']);
        $this->assertSame(1, $this->sim()->state()['counters']['certificates_issued']);
        $this->assertSame('redeployed', wu_runcloud_redeploy_ssl('shop.example.com')['action']);
        $this->assertSame(1, $this->sim()->state()['counters']['certificates_issued']);
    }

    public function testAdvancedModeOnADomainOnTheThirdPage(): void
    {
        $this->sim()->changeSsl(['advancedSSL' => true]);
        $this->sim()->seedNumberedDomains(100);

        $outcome = wu_runcloud_redeploy_ssl('site-00099.example.test');

        $this->assertSame('installed', $outcome['action']);
        $this->assertSame('site-00099.example.test', $outcome['domain']);
        $domainId = $this->sim()->domain('site-00099.example.test')['id'];
        $this->assertSame($domainId, $this->sim()->state()['ssl']['domains'][0]['domain_id']);
    }

    public function testAdvancedModeNeedsADomainName(): void
    {
        $this->sim()->changeSsl(['advancedSSL' => true]);

        $thrown = $this->catchThrown(InvalidDomainException::class, static fn () => wu_runcloud_redeploy_ssl());

        $this->assertStringContainsString('advanced SSL', $thrown->getMessage());
        $this->assertNoChangingRequests();
    }

    public function testAdvancedModeRefusesADomainTheAppDoesNotHave(): void
    {
        $this->sim()->changeSsl(['advancedSSL' => true]);

        $thrown = $this->catchThrown(
            InvalidDomainException::class,
            static fn () => wu_runcloud_redeploy_ssl('absent.example.com')
        );

        $this->assertStringContainsString('absent.example.com', $thrown->getMessage());
        $this->assertSame([], $this->sim()->state()['ssl']['domains']);
        $this->assertNoChangingRequests();
    }

    public function testAutoSslLeavesCertificatesToRunCloud(): void
    {
        $this->sim()->changeSsl(['advancedSSL' => true, 'autoSSL' => true]);
        wu_runcloud_add_domain('shop.example.com');
        $this->sim()->clearRequests();

        $outcome = wu_runcloud_redeploy_ssl('shop.example.com');

        $this->assertSame('advanced', $outcome['mode']);
        $this->assertSame('auto', $outcome['action']);
        $this->assertNull($outcome['certificate_id']);
        $this->assertSame('shop.example.com', $outcome['domain']);
        $this->assertNoChangingRequests();
    }

    public function testTheSslModeIsSwitchedAndReadBack(): void
    {
        $this->assertSame(['ssl_mode' => 'advanced', 'auto_ssl' => true], wu_runcloud_set_ssl_mode(true, true));
        $this->assertSame(
            ['POST ' . $this->appPath('/ssl/advanced') . ' -> 200', 'GET ' . $this->appPath('/ssl/advanced') . ' -> 200'],
            $this->requestLines()
        );
        $this->assertSame(['ssl_mode' => 'basic', 'auto_ssl' => false], wu_runcloud_set_ssl_mode(false));
    }

    public function testAutoSslWithoutAdvancedSslIsRefusedWithoutARequest(): void
    {
        $this->catchThrown(\ValueError::class, static fn () => wu_runcloud_set_ssl_mode(false, true));
        $this->assertNoRequestsMade();
    }
}
