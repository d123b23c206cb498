<?php

declare(strict_types=1);

namespace WuRunCloud\Tests;

use RuntimeException;

/**
 * The suite's one shared simulator and the credentials the run uses (WU_TEST_AUTH=v3 uses a
 * token, v2 a key and secret), set up once by bootstrap.php.
 */
final class TestEnvironment
{
    public const SERVER_ID = 1;
    public const APP_ID = 1;
    public const PRIMARY_DOMAIN = 'network.test';
    public const TOKEN = 'test-token';
    public const API_KEY = 'test-key';
    public const API_SECRET = 'test-secret';

    private static ?Simulator $simulator = null;
    private static string $auth = 'v3';

    public static function boot(string $auth): void
    {
        if (!in_array($auth, ['v3', 'v2'], true)) {
            throw new RuntimeException("WU_TEST_AUTH must be v3 or v2, not '$auth'");
        }
        self::$auth = $auth;
        self::$simulator = Simulator::start();
        register_shutdown_function([self::class, 'shutdown']);
    }

    public static function shutdown(): void
    {
        self::$simulator?->stop();
        self::$simulator = null;
    }

    public static function simulator(): Simulator
    {
        if (self::$simulator === null) {
            throw new RuntimeException('the simulator is not running; bootstrap.php starts it');
        }
        return self::$simulator;
    }

    /** "v3" or "v2": the API version this run's credentials select. */
    public static function auth(): string
    {
        return self::$auth;
    }

    /**
     * The constants a correctly configured site defines, for this run's API version.
     *
     * @param array<string, string|int> $overrides replaced or added constants
     * @return array<string, string|int>
     */
    public static function constants(array $overrides = [], ?string $url = null): array
    {
        return array_merge(
            self::credentials(self::$auth),
            [
                'WU_RUNCLOUD_SERVER_ID' => self::SERVER_ID,
                'WU_RUNCLOUD_APP_ID' => self::APP_ID,
                'WU_RUNCLOUD_API_URL' => $url ?? self::simulator()->url(),
            ],
            $overrides
        );
    }

    /** @return array<string, string> */
    public static function credentials(string $auth): array
    {
        return $auth === 'v3'
            ? ['WU_RUNCLOUD_API_TOKEN' => self::TOKEN]
            : ['WU_RUNCLOUD_API_KEY' => self::API_KEY, 'WU_RUNCLOUD_API_SECRET' => self::API_SECRET];
    }
}
