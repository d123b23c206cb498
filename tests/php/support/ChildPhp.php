<?php

declare(strict_types=1);

namespace WuRunCloud\Tests;

use RuntimeException;

/**
 * Runs test code in a separate PHP process (see child-runner.php), for tests that need
 * WU_RUNCLOUD_* constants different from the suite's: constants cannot be redefined.
 *
 * The child inherits the environment, so PHP_INI_SCAN_DIR loads the extension there too.
 */
final class ChildPhp
{
    /** A child that runs longer than this is stuck: killed, and the test fails. */
    private const TIME_LIMIT_SECONDS = 60.0;

    /**
     * @param array<string, string|int> $constants WU_RUNCLOUD_* constants to define
     * @param string $code a function body evaluated in the child; its return value is reported
     * @param array<string, string|int> $ini php.ini settings applied with ini_set()
     * @param array<string, string|int> $startupIni php.ini settings given at start-up (-d), as
     *        php.ini would: for settings ini_set() may not change
     */
    public static function run(array $constants, string $code, array $ini = [], array $startupIni = []): ChildResult
    {
        $spec = json_encode(['constants' => $constants, 'ini' => $ini, 'code' => $code], JSON_THROW_ON_ERROR);
        $command = [PHP_BINARY];
        foreach ($startupIni as $name => $value) {
            $command[] = '-d';
            $command[] = $name . '=' . $value;
        }
        $command[] = __DIR__ . '/child-runner.php';
        $descriptors = [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']];
        $process = proc_open($command, $descriptors, $pipes);
        if (!is_resource($process)) {
            throw new RuntimeException('could not start a child PHP process');
        }
        fwrite($pipes[0], $spec);
        fclose($pipes[0]);
        [$stdout, $stderr] = self::collect($process, $pipes[1], $pipes[2]);
        $exitCode = proc_close($process);
        return new ChildResult($stdout, $stderr, $exitCode);
    }

    /**
     * Reads both pipes until the child closes them, so neither can fill up and block it.
     *
     * @param resource $process
     * @param resource $stdout
     * @param resource $stderr
     * @return array{string, string}
     */
    private static function collect($process, $stdout, $stderr): array
    {
        $collected = [(int) $stdout => '', (int) $stderr => ''];
        $open = [$stdout, $stderr];
        $deadline = microtime(true) + self::TIME_LIMIT_SECONDS;
        while ($open !== []) {
            if (microtime(true) > $deadline) {
                proc_terminate($process, 9);
                throw new RuntimeException('child PHP process ran past its time limit');
            }
            $read = $open;
            $write = $except = null;
            if (stream_select($read, $write, $except, 0, 200000) === 0) {
                continue;
            }
            foreach ($read as $stream) {
                $chunk = fread($stream, 65536);
                if ($chunk === '' || $chunk === false) {
                    fclose($stream);
                    $open = array_values(array_filter($open, static fn ($s) => $s !== $stream));
                    continue;
                }
                $collected[(int) $stream] .= $chunk;
            }
        }
        return [$collected[(int) $stdout], $collected[(int) $stderr]];
    }
}
