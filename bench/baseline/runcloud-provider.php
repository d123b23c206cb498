<?php
/**
 * The baseline: the calls Ultimate Multisite's bundled RunCloud provider makes
 * for each domain event, written here from its documented behaviour (it is not
 * a copy of its code). It runs on PHP's curl with one handle reused for every
 * request, so connections stay alive and no WordPress HTTP layer sits in
 * between: PHP at its best, making exactly the provider's calls.
 *
 * - add: POST domains with www true (whatever the www setting says), then
 *   GET ssl/advanced and PATCH ssl/advanced/{id}/redeploy, for every domain;
 *   any answer that is not a transport error counts as success.
 * - remove: one GET domains without paging parameters (RunCloud's default page
 *   of 20), then DELETE domains/{id}; a domain on a later page is "not found".
 * - subdomains: nothing at all.
 */

declare(strict_types=1);

final class Baseline_RunCloud_Provider {
	/** @var \CurlHandle */
	private $curl;

	/** @var list<string> What the provider would write to its log, one line a call. */
	public array $log = [];

	public function __construct(
		private string $api_url,
		private string $token,
		private int $server_id,
		private int $app_id
	) {
		$this->curl = curl_init();
	}

	public function on_add_domain(string $domain, int $site_id): void {
		$added = $this->request(
			'POST',
			'domains',
			['name' => $domain, 'www' => true, 'redirection' => 'non-www', 'type' => 'alias']
		);
		if (null === $added) {
			return;
		}
		$ssl = $this->request('GET', 'ssl/advanced');
		$this->request('PATCH', 'ssl/advanced/' . $this->certificate_id($ssl) . '/redeploy');
	}

	public function on_remove_domain(string $domain, int $site_id): void {
		$list = $this->request('GET', 'domains');
		foreach ($list['body']['data'] ?? [] as $item) {
			if (($item['name'] ?? null) === $domain) {
				$this->request('DELETE', 'domains/' . $item['id']);
				return;
			}
		}
		$this->log[] = "Domain not found: $domain";
	}

	public function on_add_subdomain(string $subdomain, int $site_id): void {
	}

	public function on_remove_subdomain(string $subdomain, int $site_id): void {
	}

	/**
	 * The id the redeploy path is built with: the one in the ssl/advanced
	 * answer, or the web app's id when that answer carries none (RunCloud's
	 * SSL-mode answer, like the simulator's, has no id). Either way the path
	 * is in no RunCloud route table, so the call cannot redeploy anything.
	 *
	 * @param array{status: int, body: mixed}|null $ssl
	 */
	private function certificate_id(?array $ssl): int {
		$body = is_array($ssl['body'] ?? null) ? $ssl['body'] : [];
		return (int) ($body['id'] ?? $body['data']['id'] ?? $this->app_id);
	}

	/**
	 * One API call on the reused handle. Null only for a transport failure,
	 * which is the only failure the provider recognises.
	 *
	 * @return array{status: int, body: mixed}|null
	 */
	private function request(string $method, string $path, ?array $body = null): ?array {
		// curl_reset clears the options but keeps the live connection.
		curl_reset($this->curl);
		curl_setopt_array($this->curl, [
			CURLOPT_URL            => "{$this->api_url}/api/v3/servers/{$this->server_id}/webapps/{$this->app_id}/{$path}",
			CURLOPT_CUSTOMREQUEST  => $method,
			CURLOPT_RETURNTRANSFER => true,
			CURLOPT_TIMEOUT        => 100,
			CURLOPT_HTTPHEADER     => [
				'Authorization: Bearer ' . $this->token,
				'Accept: application/json',
				'Content-Type: application/json',
			],
		]);
		if ('GET' !== $method) {
			curl_setopt($this->curl, CURLOPT_POSTFIELDS, json_encode($body ?? new stdClass()));
		}
		$text = curl_exec($this->curl);
		if (false === $text) {
			$this->log[] = "$method $path: " . curl_error($this->curl);
			return null;
		}
		$status      = curl_getinfo($this->curl, CURLINFO_RESPONSE_CODE);
		$this->log[] = "$method $path: HTTP $status";
		return ['status' => $status, 'body' => json_decode($text, true)];
	}
}
