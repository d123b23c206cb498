<?php
/**
 * The certificate the server presents for a name, and Ultimate Multisite's record of it.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync\Certificates;

use WuRunCloud\Plugin\Sync\Wildcards;

defined('ABSPATH') || exit;

/**
 * After a redeploy, RunCloud's answer says the order went through; what
 * counts is the certificate the server now presents. A TLS handshake with
 * the name as SNI to each of the server's addresses shows it: it covers the
 * name (a subjectAltName equal to it, or a wildcard one label above) and is
 * in date. The chain is not verified here (stream_socket_client() would
 * refuse an untrusted one before showing it), only what it names: nginx's
 * fallback certificate for an unknown name never names it.
 *
 * Once it is served, Ultimate Multisite's domain record waiting in its
 * checking-ssl-cert stage (or given up as ssl-failed) is marked done and secure,
 * as its own check would after up to five tries.
 */
class Served_Certificate {

	/**
	 * @var Dns_Check
	 */
	private $dns;

	/**
	 * @param Dns_Check $dns Knows the server's addresses.
	 */
	public function __construct(Dns_Check $dns) {
		$this->dns = $dns;
	}

	/**
	 * Checks each name and tells Ultimate Multisite about those served.
	 *
	 * @param list<string> $names Normalised names.
	 * @return array<string, bool> Name => whether its certificate is served.
	 */
	public function confirm(array $names): array {
		$served = [];
		foreach (array_filter($names) as $name) {
			$served[ $name ] = $this->covers($name);
			if ($served[ $name ]) {
				$this->mark_done($name);
			}
		}
		return $served;
	}

	/**
	 * Whether the server presents, for $name, a certificate that covers it.
	 * False when no server address is known or the handshake fails.
	 *
	 * @param string $name Normalised name.
	 */
	public function covers(string $name): bool {
		foreach ($this->dns->server_addresses() as $address) {
			$certificate = $this->presented($address, $name);
			if (null !== $certificate && $this->names_it($certificate, $name)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The certificate $address presents for $name, parsed, or null.
	 *
	 * @param string $address IP address.
	 * @param string $name    SNI name.
	 * @return array<string, mixed>|null
	 */
	private function presented(string $address, string $name): ?array {
		/**
		 * The port the web app serves HTTPS on (for the served-certificate check).
		 *
		 * @param int $port Default 443.
		 */
		$port    = (int) apply_filters('wu_runcloud_tls_port', 443);
		$host    = false !== strpos($address, ':') ? '[' . $address . ']' : $address;
		$context = stream_context_create(
			[
				'ssl' => [
					'SNI_enabled'       => true,
					'peer_name'         => $name,
					'capture_peer_cert' => true,
					// Read, not trusted: the names it carries are what is checked.
					'verify_peer'       => false,
					'verify_peer_name'  => false,
				],
			]
		);
		$socket = @stream_socket_client(sprintf('ssl://%s:%d', $host, $port), $errno, $errstr, 5, STREAM_CLIENT_CONNECT, $context); // phpcs:ignore WordPress.PHP.NoSilencedErrors.Discouraged -- a failed handshake is "not served".
		if (false === $socket) {
			return null;
		}
		$params = stream_context_get_params($socket);
		fclose($socket); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fclose
		$certificate = $params['options']['ssl']['peer_certificate'] ?? null;
		if (null === $certificate) {
			return null;
		}
		$parsed = openssl_x509_parse($certificate);
		return is_array($parsed) ? $parsed : null;
	}

	/**
	 * Whether a parsed certificate covers $name and is in date.
	 *
	 * @param array<string, mixed> $certificate openssl_x509_parse()'s answer.
	 * @param string               $name        Normalised name.
	 */
	private function names_it(array $certificate, string $name): bool {
		if (time() < (int) ($certificate['validFrom_time_t'] ?? 0) || time() > (int) ($certificate['validTo_time_t'] ?? 0)) {
			return false;
		}
		$alt = (string) ($certificate['extensions']['subjectAltName'] ?? '');
		foreach (explode(',', $alt) as $entry) {
			$entry = strtolower(trim($entry));
			if (0 !== strpos($entry, 'dns:')) {
				continue;
			}
			$covered = substr($entry, 4);
			if ($covered === $name) {
				return true;
			}
			if (0 === strpos($covered, '*.') && substr($covered, 2) === Wildcards::parent_of($name)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Marks Ultimate Multisite's records of $name done and secure when they
	 * wait for a certificate (checking-ssl-cert) or gave up on it (ssl-failed).
	 *
	 * @param string $name Normalised name.
	 */
	private function mark_done(string $name): void {
		if (! function_exists('wu_get_domains')) {
			return;
		}
		foreach ((array) wu_get_domains(['domain' => $name, 'number' => 100]) as $domain) {
			if (! is_object($domain) || ! method_exists($domain, 'get_domain') || ! method_exists($domain, 'set_stage')
				|| strtolower((string) $domain->get_domain()) !== $name
				|| ! in_array((string) $domain->get_stage(), ['checking-ssl-cert', 'ssl-failed'], true)) {
				continue;
			}
			$domain->set_stage('done');
			if (method_exists($domain, 'set_secure')) {
				$domain->set_secure(true);
			}
			$domain->save();
			if (function_exists('wu_log_add')) {
				wu_log_add("domain-{$name}", 'RunCloud serves a valid certificate for this domain. Marking domain as done.');
			}
		}
	}
}
