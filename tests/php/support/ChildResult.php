<?php

declare(strict_types=1);

namespace WuRunCloud\Tests;

use RuntimeException;

/** What a child PHP process printed and reported. */
final class ChildResult
{
    /** @var array{result: mixed, exception: array<string, mixed>|null, output: string}|null */
    private ?array $report;

    public function __construct(
        public readonly string $stdout,
        public readonly string $stderr,
        public readonly int $exitCode
    ) {
        $decoded = json_decode($stdout, true);
        $this->report = is_array($decoded) ? $decoded : null;
    }

    /** Everything the process wrote, for leak checks. */
    public function allText(): string
    {
        return $this->stdout . "\n" . $this->stderr;
    }

    /** The value the code returned; fails when it threw or the child broke. */
    public function result(): mixed
    {
        $report = $this->report();
        if ($report['exception'] !== null) {
            throw new RuntimeException('child code threw: ' . json_encode($report['exception']['message'])
                . ' (' . $report['exception']['class'] . ')');
        }
        return $report['result'];
    }

    /** @return array<string, mixed>|null what the code threw, see child-runner.php */
    public function exception(): ?array
    {
        return $this->report()['exception'];
    }

    /** What the code printed. */
    public function output(): string
    {
        return $this->report()['output'];
    }

    /** @return array{result: mixed, exception: array<string, mixed>|null, output: string} */
    private function report(): array
    {
        if ($this->report === null || $this->exitCode !== 0) {
            throw new RuntimeException(
                "child PHP process failed (exit {$this->exitCode}): {$this->stderr} {$this->stdout}"
            );
        }
        return $this->report;
    }
}
