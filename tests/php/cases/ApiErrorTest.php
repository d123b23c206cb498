<?php

declare(strict_types=1);

namespace WuRunCloud\Tests;

use WuRunCloud\ApiException;
use WuRunCloud\TransportException;

/**
 * Error statuses from RunCloud: ApiException with the HTTP status as code and RunCloud's
 * own message; retries within a call only for 429 and gateway errors.
 */
final class ApiErrorTest extends SimulatorTestCase
{
    public function testForbiddenCarriesRunCloudsMessageAndIsNotRetried(): void
    {
        $this->sim()->injectFault(['kind' => 'status', 'status' => 403, 'message' => 'This token may not manage web apps.']);

        $thrown = $this->catchThrown(ApiException::class, static fn () => wu_runcloud_list_domains());

        $this->assertSame(403, $thrown->getCode());
        $this->assertSame('RunCloud API error 403: This token may not manage web apps.', $thrown->getMessage());
        $this->assertFalse($thrown->isRetryable());
        $this->assertCount(1, $this->sim()->requests(), 'a 403 is never retried');
    }

    public function testUnprocessableCarriesRunCloudsMessage(): void
    {
        $this->sim()->injectFault([
            'kind' => 'status',
            'status' => 422,
            'message' => 'The name format is invalid.',
            'method' => 'POST',
        ]);

        $thrown = $this->catchThrown(ApiException::class, static fn () => wu_runcloud_add_domain('shop.example.com'));

        $this->assertSame(422, $thrown->getCode());
        $this->assertSame('RunCloud API error 422: The name format is invalid.', $thrown->getMessage());
        $this->assertFalse($thrown->isRetryable());
        $this->assertNull($this->sim()->domain('shop.example.com'));
        $this->assertCount(1, $this->loggedRequests('POST'), 'a 422 is never retried');
    }

    public function testServiceUnavailableIsRetriedUntilItSucceeds(): void
    {
        $this->sim()->injectFault(['kind' => 'status', 'status' => 503, 'count' => 2, 'method' => 'POST']);

        $added = wu_runcloud_add_domain('shop.example.com');

        $this->assertTrue($added['created']);
        $this->assertSame([503, 503, 200], array_column($this->loggedRequests('POST'), 'status'));
        $this->assertSame([], $this->sim()->pendingFaults());
        $this->assertNotNull($this->sim()->domain('shop.example.com'));
    }

    public function testRateLimitIsRetriedAfterRetryAfter(): void
    {
        $this->sim()->injectFault(['kind' => 'status', 'status' => 429, 'retry_after' => 1, 'message' => 'Too Many Attempts.']);

        $started = microtime(true);
        $domains = wu_runcloud_list_domains();
        $elapsed = microtime(true) - $started;

        $this->assertSame(['network.test'], array_column($domains, 'name'));
        $this->assertSame([429, 200], array_column($this->sim()->requests(), 'status'));
        $this->assertGreaterThanOrEqual(0.9, $elapsed, 'Retry-After is honoured');
    }

    public function testARateLimitWaitsForTheNextWindowOnlyWhenPacingAcrossWindows(): void
    {
        $this->assertSame('0', ini_get('wu_runcloud.pace_across_windows'), 'off by default');
        ini_set('wu_runcloud.max_retry_wait', '1');
        $rateLimited = ['kind' => 'status', 'status' => 429, 'retry_after' => 2, 'message' => 'Too Many Attempts.'];
        $this->sim()->injectFault($rateLimited);

        $thrown = $this->catchThrown(ApiException::class, static fn () => wu_runcloud_list_domains());
        $this->assertSame(429, $thrown->getCode(), 'a Retry-After past max_retry_wait ends the call');
        $this->assertSame([429], array_column($this->sim()->requests(), 'status'));

        $this->sim()->clearRequests();
        $this->sim()->injectFault($rateLimited);
        ini_set('wu_runcloud.pace_across_windows', '1');
        $started = microtime(true);
        $domains = wu_runcloud_list_domains();

        $this->assertSame(['network.test'], array_column($domains, 'name'));
        $this->assertSame([429, 200], array_column($this->sim()->requests(), 'status'));
        $this->assertGreaterThanOrEqual(1.9, microtime(true) - $started, 'it waited for the window');
        $this->assertFalse(ini_set('wu_runcloud.pace_across_windows', 'yes'), 'a number, as every setting');
    }

    public function testPacingAcrossWindowsNeverWaitsPastTheDeadline(): void
    {
        ini_set('wu_runcloud.max_retry_wait', '0');
        ini_set('wu_runcloud.pace_across_windows', '1');
        ini_set('wu_runcloud.deadline', '2');
        $this->sim()->injectFault(['kind' => 'status', 'status' => 429, 'retry_after' => 5, 'message' => 'Too Many Attempts.']);
        $started = microtime(true);

        $thrown = $this->catchThrown(TransportException::class, static fn () => wu_runcloud_list_domains());

        $this->assertSame('deadline', $thrown->getKind());
        $this->assertTrue($thrown->isRetryable());
        $this->assertStringContainsString('429', $thrown->getMessage(), 'names the last failure');
        $this->assertLessThan(1.0, microtime(true) - $started, 'ends at once instead of waiting');
        $this->assertSame([429], array_column($this->sim()->requests(), 'status'));
    }

    public function testPacingAcrossWindowsLeavesOtherFailuresBoundedByTheWait(): void
    {
        ini_set('wu_runcloud.max_retry_wait', '0');
        ini_set('wu_runcloud.pace_across_windows', '1');
        $this->sim()->injectFault(['kind' => 'status', 'status' => 503, 'count' => 5, 'message' => 'Service Unavailable']);

        $thrown = $this->catchThrown(ApiException::class, static fn () => wu_runcloud_list_domains());

        $this->assertSame(503, $thrown->getCode());
        $this->assertCount(1, $this->sim()->requests(), 'no wait allowed: not retried');
    }

    public function testRetriesAreBoundedByMaxRetries(): void
    {
        ini_set('wu_runcloud.max_retries', '2');
        $this->sim()->injectFault(['kind' => 'status', 'status' => 502, 'count' => 10, 'message' => 'Bad Gateway']);

        $thrown = $this->catchThrown(ApiException::class, static fn () => wu_runcloud_list_domains());

        $this->assertSame(502, $thrown->getCode());
        $this->assertSame('RunCloud API error 502: Bad Gateway', $thrown->getMessage());
        $this->assertTrue($thrown->isRetryable());
        $this->assertCount(3, $this->sim()->requests(), 'the first try and two retries');
    }

    public function testAServerErrorIsRetryableLaterButNotRetriedNow(): void
    {
        $this->sim()->injectFault(['kind' => 'status', 'status' => 500, 'message' => 'Server Error']);

        $thrown = $this->catchThrown(ApiException::class, static fn () => wu_runcloud_test_connection());

        $this->assertSame(500, $thrown->getCode());
        $this->assertTrue($thrown->isRetryable());
        $this->assertCount(1, $this->sim()->requests());
    }

    public function testAFailureOnTheThirdPageFailsTheWholeListing(): void
    {
        $this->sim()->seedNumberedDomains(100);
        $this->sim()->injectFault([
            'kind' => 'status',
            'status' => 404,
            'message' => 'Page gone.',
            'path_contains' => 'page=3&',
        ]);

        $thrown = $this->catchThrown(ApiException::class, static fn () => wu_runcloud_list_domains());

        $this->assertSame(404, $thrown->getCode());
        $this->assertSame('RunCloud API error 404: Page gone.', $thrown->getMessage());
    }

    public function testRemoveAfterTheDomainVanishedIsFalse(): void
    {
        wu_runcloud_add_domain('shop.example.com');
        $this->sim()->injectFault(['kind' => 'status', 'status' => 404, 'method' => 'DELETE', 'message' => 'Domain not found.']);

        $this->assertFalse(wu_runcloud_remove_domain('shop.example.com'));
    }
}
