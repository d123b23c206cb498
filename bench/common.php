<?php
/**
 * Shared by the measurement scripts: the simulator's control API, the
 * extension's constants, clocks, memory readings and JSON output.
 */

declare(strict_types=1);

/** The RunCloud server and web app every benchmark works on. */
const BENCH_TOKEN     = 'test-token';
const BENCH_SERVER_ID = 1;
const BENCH_APP_ID    = 1;

/** The latency the simulator adds before every API answer. */
const BENCH_LATENCY_MS = 20;

/**
 * The simulator's control API (under /__sim/, not counted in its request log).
 * Uses its own curl handle so the baseline's handle only ever carries API calls.
 */
final class Simulator {
	/** @var \CurlHandle */
	private $curl;

	public function __construct(private string $url) {
		$this->curl = curl_init();
	}

	public function url(): string {
		return $this->url;
	}

	/** Back to the seeded start; this also clears latency, faults and the log. */
	public function reset(): void {
		$this->control('POST', 'reset');
	}

	public function latency(int $ms): void {
		$this->control('POST', 'latency', ['ms' => $ms]);
	}

	/** A new limit with a fresh window, so earlier runs do not eat into it. */
	public function rate_limit(int $per_minute, float $window_secs = 60.0): void {
		$this->control('POST', 'rate-limit', ['per_minute' => $per_minute, 'window_secs' => $window_secs]);
	}

	/**
	 * @param array{advancedSSL?: bool, autoSSL?: bool, certificate?: bool} $ssl
	 * @param string $app Another web app of the account ("SERVER:APP"); '' for the primary one.
	 */
	public function ssl(array $ssl, string $app = ''): void {
		$this->control('POST', 'ssl', $ssl + self::aimed($app));
	}

	/**
	 * Puts domains on a web app, as if added in RunCloud's panel.
	 *
	 * @param list<string> $names
	 * @param string       $app   "SERVER:APP"; '' for the primary one.
	 */
	public function seed_domains(array $names, string $app = ''): void {
		$domains = array_map(static fn (string $name): array => ['name' => $name], $names);
		$this->control('POST', 'domains', ['domains' => $domains] + self::aimed($app));
	}

	/** Moves the clock Let's Encrypt's windows read forward; returns its offset in seconds. */
	public function advance_clock(int $seconds): int {
		return (int) ($this->control('POST', 'clock', ['advance_secs' => $seconds])['offset_secs'] ?? 0);
	}

	public function clear_log(): void {
		$this->control('DELETE', 'requests');
	}

	/**
	 * @param string $app Only those to one web app ("SERVER:APP"); '' for every one.
	 * @return list<array<string, mixed>> the API requests since the last clear
	 */
	public function requests(string $app = ''): array {
		return $this->control('GET', 'requests' . self::query($app));
	}

	/**
	 * @param string $app Another web app of the account ("SERVER:APP"); '' for the primary one.
	 * @return array<string, mixed>
	 */
	public function state(string $app = ''): array {
		return $this->control('GET', 'state' . self::query($app));
	}

	/** The body field aiming a control request at one web app (none for the primary one). */
	private static function aimed(string $app): array {
		return '' === $app ? [] : ['app' => $app];
	}

	/** The query aiming a control request at one web app (none for the primary one). */
	private static function query(string $app): string {
		return '' === $app ? '' : '?app=' . rawurlencode($app);
	}

	/** @return array<mixed> */
	private function control(string $method, string $path, ?array $body = null): array {
		curl_reset($this->curl);
		curl_setopt_array($this->curl, [
			CURLOPT_URL            => $this->url . '/__sim/' . $path,
			CURLOPT_CUSTOMREQUEST  => $method,
			CURLOPT_RETURNTRANSFER => true,
			CURLOPT_TIMEOUT        => 30,
			CURLOPT_HTTPHEADER     => ['Content-Type: application/json'],
		]);
		if (null !== $body) {
			curl_setopt($this->curl, CURLOPT_POSTFIELDS, json_encode($body));
		}
		$text   = curl_exec($this->curl);
		$status = curl_getinfo($this->curl, CURLINFO_RESPONSE_CODE);
		if (false === $text || 200 !== $status) {
			throw new RuntimeException("simulator control $method $path failed: HTTP $status " . curl_error($this->curl));
		}
		return json_decode($text, true, 512, JSON_THROW_ON_ERROR);
	}
}

/** Points the extension at the simulator: it reads these constants at call time. */
function bench_define_credentials(string $url): void {
	define('WU_RUNCLOUD_API_URL', $url);
	define('WU_RUNCLOUD_API_TOKEN', BENCH_TOKEN);
	define('WU_RUNCLOUD_SERVER_ID', (string) BENCH_SERVER_ID);
	define('WU_RUNCLOUD_APP_ID', (string) BENCH_APP_ID);
}

/**
 * Runs $work once and returns its wall time in milliseconds and its result.
 *
 * @return array{0: float, 1: mixed}
 */
function bench_time(callable $work): array {
	$start  = hrtime(true);
	$result = $work();
	return [(hrtime(true) - $start) / 1e6, $result];
}

/**
 * CPU time the whole process (every thread) has used so far, in microseconds:
 * what a call costs the machine, apart from the time it waits for answers.
 */
function bench_cpu_us(): float {
	$usage = getrusage();
	return ($usage['ru_utime.tv_sec'] + $usage['ru_stime.tv_sec']) * 1e6
		+ $usage['ru_utime.tv_usec'] + $usage['ru_stime.tv_usec'];
}

/** @param list<int|float> $values */
function bench_median(array $values): float {
	sort($values);
	$count  = count($values);
	$middle = intdiv($count, 2);
	return $count % 2 ? (float) $values[$middle] : ($values[$middle - 1] + $values[$middle]) / 2;
}

/** A field of /proc/self/status in KiB, e.g. VmHWM (peak RSS) or VmRSS. */
function bench_proc_status_kib(string $field): int {
	$status = file_get_contents('/proc/self/status');
	if (! preg_match('/^' . preg_quote($field, '/') . ':\s+(\d+) kB$/m', (string) $status, $match)) {
		throw new RuntimeException("no $field in /proc/self/status");
	}
	return (int) $match[1];
}

/** Writes one JSON document to stdout. */
function bench_emit(array $document): void {
	echo json_encode($document, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR), "\n";
}

/**
 * The PHP way: one page after another on a reused curl handle.
 *
 * @return list<array<string, mixed>>
 */
function sequential_list(string $url, int $page_size = 40): array {
	$curl    = curl_init();
	$domains = [];
	$page    = 1;
	do {
		curl_reset($curl);
		curl_setopt_array($curl, [
			CURLOPT_URL            => sprintf('%s/api/v3/servers/%d/webapps/%d/domains?page=%d&perPage=%d', $url, BENCH_SERVER_ID, BENCH_APP_ID, $page, $page_size),
			CURLOPT_RETURNTRANSFER => true,
			CURLOPT_TIMEOUT        => 30,
			CURLOPT_HTTPHEADER     => ['Authorization: Bearer ' . BENCH_TOKEN, 'Accept: application/json'],
		]);
		$text   = curl_exec($curl);
		$status = curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
		if (false === $text || 200 !== $status) {
			throw new RuntimeException("HTTP $status on page $page");
		}
		$body = json_decode($text, true, 512, JSON_THROW_ON_ERROR);
		array_push($domains, ...$body['data']);
		$last = $body['meta']['pagination']['total_pages'];
	} while ($page++ < $last);
	return $domains;
}

/**
 * Writes $body into the markdown $file between its $begin and $end markers,
 * leaving the rest alone (before "## Notes" when the markers are not there
 * yet); bench/report.php (make bench) keeps such blocks when it regenerates
 * the file.
 */
function bench_write_section(string $file, string $begin, string $end, string $body): void {
	$block    = $begin . "\n" . $body . $end . "\n";
	$markdown = is_file($file) ? (string) file_get_contents($file) : "# Benchmarks\n\n";
	$from     = strpos($markdown, $begin);
	$to       = strpos($markdown, $end);
	if (false !== $from && false !== $to) {
		$markdown = substr($markdown, 0, $from) . $block . substr($markdown, $to + strlen($end) + 1);
	} elseif (false !== ($notes = strpos($markdown, "## Notes\n"))) {
		$markdown = substr($markdown, 0, $notes) . $block . "\n" . substr($markdown, $notes);
	} else {
		$markdown .= "\n" . $block;
	}
	file_put_contents($file, $markdown);
}
