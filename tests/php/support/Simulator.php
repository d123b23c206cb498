<?php

declare(strict_types=1);

namespace WuRunCloud\Tests;

use RuntimeException;

/**
 * One running runcloud-sim process and a client for its control API under /__sim/.
 *
 * The control API is reached with PHP's curl extension, never with the extension under
 * test, so a bug in the extension cannot hide itself from the assertions.
 */
final class Simulator
{
    /** How long the simulator may take to print its address. */
    private const START_TIMEOUT_SECONDS = 10.0;

    /** @var resource|null */
    private $process;

    private string $url;

    /** @param resource $process */
    private function __construct($process, string $url)
    {
        $this->process = $process;
        $this->url = $url;
    }

    /**
     * Starts the simulator on a free loopback port with no rate limit.
     *
     * @param list<string> $extraArguments further command-line flags (see `runcloud-sim --help`)
     */
    public static function start(array $extraArguments = []): self
    {
        $binary = getenv('RUNCLOUD_SIM_BIN');
        if ($binary === false || !is_executable($binary)) {
            throw new RuntimeException('RUNCLOUD_SIM_BIN must name the built runcloud-sim binary');
        }
        $command = array_merge(
            [$binary, '--listen', '127.0.0.1:0', '--rate-limit', '0'],
            $extraArguments
        );
        // stderr goes nowhere: an unread pipe could fill up and stall the simulator.
        $descriptors = [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'w']];
        $process = proc_open($command, $descriptors, $pipes);
        if (!is_resource($process)) {
            throw new RuntimeException('could not start runcloud-sim');
        }
        $line = self::readFirstLine($pipes[1]);
        fclose($pipes[1]);
        if (!preg_match('~^listening on (https?://127\.0\.0\.1:\d+)$~', $line, $match)) {
            proc_terminate($process, 15);
            proc_close($process);
            throw new RuntimeException("runcloud-sim did not report its address: '$line'");
        }
        return new self($process, $match[1]);
    }

    /** @param resource $stdout */
    private static function readFirstLine($stdout): string
    {
        $deadline = microtime(true) + self::START_TIMEOUT_SECONDS;
        $line = '';
        while (!str_contains($line, "\n") && microtime(true) < $deadline) {
            $read = [$stdout];
            $write = $except = null;
            if (stream_select($read, $write, $except, 0, 100000) > 0) {
                $chunk = fread($stdout, 1024);
                if ($chunk === '' || $chunk === false) {
                    break;
                }
                $line .= $chunk;
            }
        }
        return trim(strtok($line, "\n") ?: '');
    }

    /**
     * Whether this build of the simulator serves several web apps in one instance
     * (`--app SERVER:APP`, repeatable, and `app=` on the control API): read from its usage text.
     */
    public static function servesSeveralApps(): bool
    {
        static $answer = null;
        if ($answer === null) {
            $binary = getenv('RUNCLOUD_SIM_BIN');
            $usage = is_string($binary) && is_executable($binary)
                ? (string) shell_exec(escapeshellarg($binary) . ' --help 2>&1')
                : '';
            $answer = preg_match('/^\s*--app\s/m', $usage) === 1;
        }
        return $answer;
    }

    /**
     * Starts a simulator serving, beside its primary web app, each of `$apps` ("SERVER:APP"),
     * for a simulator that serves several (see servesSeveralApps()).
     *
     * @param list<string> $apps
     * @param list<string> $extraArguments further command-line flags
     */
    public static function startWithApps(array $apps, array $extraArguments = []): self
    {
        $flags = [];
        foreach ($apps as $app) {
            $flags[] = '--app';
            $flags[] = $app;
        }
        return self::start(array_merge($flags, $extraArguments));
    }

    /** Stops the simulator with SIGTERM and waits for it; safe to call twice. */
    public function stop(): void
    {
        if ($this->process === null) {
            return;
        }
        proc_terminate($this->process, 15);
        proc_close($this->process);
        $this->process = null;
    }

    public function url(): string
    {
        return $this->url;
    }

    /** Back to the seeded start: domains, SSL, faults, limits, latency and request log. */
    public function reset(): void
    {
        $this->control('POST', 'reset');
    }

    /**
     * @param string|null $app "SERVER:APP" of one web app (a simulator serving several), or
     *        null for the primary one
     * @return array<string, mixed> the whole simulated world, as one web app sees it
     */
    public function state(?string $app = null): array
    {
        return $this->control('GET', $app === null ? 'state' : 'state?app=' . rawurlencode($app));
    }

    /** @return list<array<string, mixed>> every API request since the last reset */
    public function requests(): array
    {
        return $this->control('GET', 'requests');
    }

    public function clearRequests(): void
    {
        $this->control('DELETE', 'requests');
    }

    /**
     * Injects a failure for the next matching API requests.
     *
     * @param array<string, mixed> $fault e.g. ['kind' => 'status', 'status' => 503, 'count' => 2]
     */
    public function injectFault(array $fault): void
    {
        $this->control('POST', 'faults', $fault);
    }

    /** @return list<array<string, mixed>> */
    public function pendingFaults(): array
    {
        return $this->control('GET', 'faults');
    }

    /**
     * Changes the SSL mode or installs/removes certificates.
     *
     * @param array{advancedSSL?: bool, autoSSL?: bool, certificate?: bool} $change
     */
    public function changeSsl(array $change): void
    {
        $this->control('POST', 'ssl', $change);
    }

    /**
     * Whether the domain list's `search` parameter filters (RunCloud's is unconfirmed);
     * off, the list answers as if no search was given. A reset turns it back on.
     */
    public function searchFilters(bool $filters): void
    {
        $this->control('POST', 'search', ['filters' => $filters]);
    }

    /**
     * Seeds numbered alias domains (site-00001.example.test, ...).
     *
     * @return list<int> their ids
     */
    public function seedNumberedDomains(int $count): array
    {
        return $this->control('POST', 'domains', ['count' => $count])['ids'];
    }

    /**
     * Seeds explicit domain records.
     *
     * @param list<array{name: string, www?: bool, wildcard?: bool, type?: string}> $domains
     * @return list<int> their ids
     */
    public function seedDomains(array $domains): array
    {
        return $this->control('POST', 'domains', ['domains' => $domains])['ids'];
    }

    /** @return list<string> the names of the web app's domains, in the simulator's order */
    public function domainNames(?string $app = null): array
    {
        return array_column($this->state($app)['domains'], 'name');
    }

    /** @return array<string, mixed>|null the record of one domain */
    public function domain(string $name): ?array
    {
        foreach ($this->state()['domains'] as $domain) {
            if ($domain['name'] === $name) {
                return $domain;
            }
        }
        return null;
    }

    /**
     * Calls the control API and decodes its JSON answer; anything but a 200 is a harness failure.
     *
     * @param array<string, mixed>|null $body
     * @return mixed
     */
    private function control(string $method, string $route, ?array $body = null)
    {
        $handle = curl_init($this->url . '/__sim/' . $route);
        $options = [
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_TIMEOUT => 10,
            // The TLS simulator's certificate is self-signed; the control API carries no secret.
            CURLOPT_SSL_VERIFYPEER => false,
            CURLOPT_SSL_VERIFYHOST => 0,
            CURLOPT_HTTPHEADER => ['Content-Type: application/json'],
        ];
        if ($body !== null) {
            $options[CURLOPT_POSTFIELDS] = json_encode($body, JSON_THROW_ON_ERROR);
        } elseif ($method === 'POST') {
            $options[CURLOPT_POSTFIELDS] = '';
        }
        curl_setopt_array($handle, $options);
        $answer = curl_exec($handle);
        $status = curl_getinfo($handle, CURLINFO_RESPONSE_CODE);
        $error = curl_error($handle);
        unset($handle); // not curl_close(): a no-op since PHP 8.0, deprecated in 8.5
        if ($answer === false || $status !== 200) {
            throw new RuntimeException("control API $method /__sim/$route failed ($status $error): $answer");
        }
        return json_decode($answer, true, 512, JSON_THROW_ON_ERROR);
    }
}
