<?php
/**
 * The RunCloud simulator's control API, for assertions.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

/**
 * Talks to the simulator's /__sim/ control API over loopback (plain PHP
 * streams: WordPress's HTTP API is switched off in the test network).
 */
final class Simulator_Client {

	/**
	 * @var string
	 */
	private $url;

	/**
	 * @param string $url The simulator's base URL (WU_TEST_SIM_URL).
	 */
	public function __construct(string $url) {
		$this->url = rtrim($url, '/');
	}

	/**
	 * Back to the seeded start: domains, SSL, counters, faults, request log.
	 */
	public function reset(): void {
		$this->call('POST', 'reset');
	}

	/**
	 * The state dump.
	 *
	 * @return array<string, mixed>
	 */
	public function state(): array {
		return $this->call('GET', 'state');
	}

	/**
	 * The names of the web app's domains, sorted: the primary app's, or
	 * another app's of the account ("SERVER:APP").
	 *
	 * @param string $app '' for the primary app.
	 * @return list<string>
	 */
	public function domain_names(string $app = ''): array {
		$state = '' === $app ? $this->state() : $this->call('GET', 'state?app=' . rawurlencode($app));
		$names = array_column($state['domains'], 'name');
		sort($names);
		return $names;
	}

	/**
	 * "METHOD path" of each logged API request to one web app, oldest first.
	 *
	 * @param string $app "SERVER:APP".
	 * @return list<string>
	 */
	public function request_lines_of(string $app): array {
		return array_map(
			static function ($request) {
				return $request['method'] . ' ' . $request['path'];
			},
			$this->call('GET', 'requests?app=' . rawurlencode($app))
		);
	}

	/**
	 * Moves the simulator's clock forward (Let's Encrypt's windows, timed faults).
	 *
	 * @param int $seconds Seconds.
	 */
	public function advance_clock(int $seconds): void {
		$this->call('POST', 'clock', ['advance_secs' => $seconds]);
	}

	/**
	 * One domain record of the dump, or null.
	 *
	 * @param string $name Name.
	 * @return array<string, mixed>|null
	 */
	public function domain(string $name): ?array {
		foreach ($this->state()['domains'] as $domain) {
			if ($domain['name'] === $name) {
				return $domain;
			}
		}
		return null;
	}

	/**
	 * The counters of the dump.
	 *
	 * @return array<string, int>
	 */
	public function counters(): array {
		return $this->state()['counters'];
	}

	/**
	 * The API request log, oldest first.
	 *
	 * @return list<array<string, mixed>>
	 */
	public function requests(): array {
		return $this->call('GET', 'requests');
	}

	/**
	 * "METHOD path" of each logged API request, oldest first.
	 *
	 * @return list<string>
	 */
	public function request_lines(): array {
		return array_map(
			static function ($request) {
				return $request['method'] . ' ' . $request['path'];
			},
			$this->requests()
		);
	}

	/**
	 * Empties the request log.
	 */
	public function reset_requests(): void {
		$this->call('DELETE', 'requests');
	}

	/**
	 * Injects a fault (see the simulator's faults.rs for the fields).
	 *
	 * @param array<string, mixed> $fault Fault.
	 */
	public function fault(array $fault): void {
		$this->call('POST', 'faults', $fault);
	}

	/**
	 * Seeds explicit domains.
	 *
	 * @param list<array<string, mixed>> $domains Records: name, www, wildcard.
	 */
	public function seed(array $domains): void {
		$this->call('POST', 'domains', ['domains' => $domains]);
	}

	/**
	 * Adds domains to another web app of the account, as seed() does.
	 *
	 * @param string       $app   "SERVER:APP".
	 * @param list<string> $names The names.
	 */
	public function seed_on(string $app, array $names): void {
		$domains = array_map(
			static function (string $name): array {
				return ['name' => $name];
			},
			$names
		);
		$this->call('POST', 'domains', ['domains' => $domains, 'app' => $app]);
	}

	/**
	 * Seeds $count numbered domains (site-00001.example.test, ...).
	 *
	 * @param int $count How many.
	 */
	public function seed_numbered(int $count): void {
		$this->call('POST', 'domains', ['count' => $count]);
	}

	/**
	 * Sets the rate limit: $per_window API requests a window of $window_secs.
	 *
	 * @param int   $per_window  Requests a window, 0 for none.
	 * @param float $window_secs Seconds of a window.
	 */
	public function rate_limit(int $per_window, float $window_secs = 60): void {
		$this->call('POST', 'rate-limit', ['per_minute' => $per_window, 'window_secs' => $window_secs]);
	}

	/**
	 * Whether the domain list's search parameter filters (RunCloud's is unconfirmed).
	 *
	 * @param bool $filters Off: the list answers as if no search was given.
	 */
	public function search_filters(bool $filters): void {
		$this->call('POST', 'search', ['filters' => $filters]);
	}

	/**
	 * Sets names' DNS: name => server, elsewhere, missing or cname:TARGET.
	 *
	 * @param array<string, string> $names Names.
	 */
	public function dns(array $names): void {
		$this->call('POST', 'dns', ['names' => $names]);
	}

	/**
	 * The names' DNS and Let's Encrypt's failed validations and refused orders.
	 *
	 * @return array<string, mixed>
	 */
	public function dns_state(): array {
		return $this->call('GET', 'dns');
	}

	/**
	 * Sets the SSL mode and certificates.
	 *
	 * @param array<string, mixed> $ssl advancedSSL, autoSSL, certificate.
	 */
	public function ssl(array $ssl): void {
		$this->call('POST', 'ssl', $ssl);
	}

	/**
	 * @param string     $method Method.
	 * @param string     $route  Route under /__sim/.
	 * @param array|null $body   JSON body.
	 * @return array
	 */
	private function call(string $method, string $route, ?array $body = null): array {
		$context = stream_context_create(
			[
				'http' => [
					'method'        => $method,
					'header'        => "Content-Type: application/json\r\n",
					'content'       => null === $body ? '' : json_encode($body),
					'ignore_errors' => true,
					'timeout'       => 10,
				],
			]
		);
		$answer = file_get_contents($this->url . '/__sim/' . $route, false, $context);
		$status = isset($http_response_header[0]) ? (int) explode(' ', $http_response_header[0])[1] : 0;
		if (false === $answer || $status >= 400) {
			throw new \RuntimeException(sprintf('simulator %s %s: HTTP %d %s', $method, $route, $status, (string) $answer));
		}
		$decoded = json_decode($answer, true);
		return is_array($decoded) ? $decoded : [];
	}
}
