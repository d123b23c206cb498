<?php
/**
 * Does a name's DNS point at the server?
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync\Certificates;

defined('ABSPATH') || exit;

/**
 * Let's Encrypt's http-01 validation succeeds only for a name that resolves
 * to the server, so no certificate is ordered for a name that does not. The
 * server's addresses come from, in order: the constant WU_RUNCLOUD_SERVER_IPS
 * (comma-separated), the filter wu_runcloud_server_addresses, and Ultimate
 * Multisite's network IP (Helper::get_network_public_ip(), the address it
 * tells customers to point at). RunCloud's API reference documents no address
 * field on the server record, so it is not relied on. With no address known,
 * nothing can be checked and every name passes (as before this check).
 *
 * Remembers which names pointed at the server once, so a failing name can be
 * told apart: new (its DNS may still be propagating) or moved away.
 */
class Dns_Check {

	const POINTED = 'wu_runcloud_dns_pointed';

	/**
	 * @var Dns_Resolver
	 */
	private $resolver;

	/**
	 * @param Dns_Resolver $resolver Resolves names.
	 */
	public function __construct(Dns_Resolver $resolver) {
		$this->resolver = $resolver;
	}

	/**
	 * The server's addresses, or [] when none is known.
	 *
	 * @return list<string>
	 */
	public function server_addresses(): array {
		$addresses = defined('WU_RUNCLOUD_SERVER_IPS') ? explode(',', (string) constant('WU_RUNCLOUD_SERVER_IPS')) : [];
		if ([] === array_filter(array_map('trim', $addresses)) && class_exists('\WP_Ultimo\Domain_Mapping\Helper') && method_exists('\WP_Ultimo\Domain_Mapping\Helper', 'get_network_public_ip')) {
			$addresses = [(string) \WP_Ultimo\Domain_Mapping\Helper::get_network_public_ip()];
		}

		/**
		 * The addresses a name must resolve to for a certificate to be ordered.
		 *
		 * @param list<string> $addresses Default: WU_RUNCLOUD_SERVER_IPS, else Ultimate Multisite's network IP.
		 */
		$addresses = (array) apply_filters('wu_runcloud_server_addresses', $addresses);
		$valid     = [];
		foreach ($addresses as $address) {
			$address = trim((string) $address);
			if (false !== filter_var($address, FILTER_VALIDATE_IP)) {
				$valid[] = inet_ntop((string) inet_pton($address));
			}
		}
		return array_values(array_unique($valid));
	}

	/**
	 * Whether names can be checked at all (an address is known).
	 */
	public function enabled(): bool {
		return [] !== $this->server_addresses();
	}

	/**
	 * The names among $names whose DNS does not point at the server, with
	 * why. Names that do are remembered as having pointed.
	 *
	 * @param list<string> $names Normalised names (wildcards are skipped: they need dns-01).
	 * @return array<string, string> Failing name => reason.
	 */
	public function failing(array $names): array {
		$servers = $this->server_addresses();
		if ([] === $servers) {
			return [];
		}
		$failing = [];
		$pointed = [];
		foreach (array_unique($names) as $name) {
			if ('' === $name || 0 === strpos($name, '*.')) {
				continue;
			}
			$result = $this->check($name, $servers);
			if ($result['ok']) {
				$pointed[] = $name;
			} else {
				$failing[ $name ] = $result['reason'];
			}
		}
		$this->remember($pointed);
		return $failing;
	}

	/**
	 * Whether $name pointed at the server at some earlier check: a failing
	 * name that did has moved away, one that never did is new.
	 *
	 * @param string $name Normalised name.
	 */
	public function pointed_before(string $name): bool {
		$pointed = get_network_option(null, self::POINTED, []);
		return is_array($pointed) && isset($pointed[ $name ]);
	}

	/**
	 * Forgets every name but $names (the app's names, all checked for a
	 * basic certificate): a name unmapped and mapped again is new again.
	 *
	 * @param list<string> $names Names.
	 */
	public function retain(array $names): void {
		$pointed = get_network_option(null, self::POINTED, []);
		$pointed = is_array($pointed) ? $pointed : [];
		$after   = array_intersect_key($pointed, array_flip($names));
		if (count($after) !== count($pointed)) {
			update_network_option(null, self::POINTED, $after);
		}
	}

	/**
	 * Checks one name, afresh each time: a long-lived queue runner must see a
	 * change of DNS at its next run.
	 *
	 * @param string       $name    Name.
	 * @param list<string> $servers The server's addresses.
	 * @return array{ok: bool, reason: string}
	 */
	private function check(string $name, array $servers): array {
		$found = $this->resolver->resolve($name);
		if ('' !== $found['error']) {
			$result = ['ok' => false, 'reason' => sprintf('DNS lookup failed: %s', $found['error'])];
		} elseif ([] === $found['addresses']) {
			$result = ['ok' => false, 'reason' => 'does not resolve'];
		} elseif ([] === array_intersect($this->canonical($found['addresses']), $servers)) {
			$result = ['ok' => false, 'reason' => sprintf('resolves to %s, not to this server (%s)', implode(', ', $found['addresses']), implode(', ', $servers))];
		} else {
			$result = ['ok' => true, 'reason' => ''];
		}
		return $result;
	}

	/**
	 * @param list<string> $addresses Addresses.
	 * @return list<string>
	 */
	private function canonical(array $addresses): array {
		$canonical = [];
		foreach ($addresses as $address) {
			$packed      = @inet_pton($address); // phpcs:ignore WordPress.PHP.NoSilencedErrors.Discouraged -- a malformed answer is skipped.
			$canonical[] = false === $packed ? $address : (string) inet_ntop($packed);
		}
		return $canonical;
	}

	/**
	 * Records names that pointed at the server now.
	 *
	 * @param list<string> $names Names.
	 */
	private function remember(array $names): void {
		if ([] === $names) {
			return;
		}
		$pointed = get_network_option(null, self::POINTED, []);
		$pointed = is_array($pointed) ? $pointed : [];
		$new     = array_diff_key(array_flip($names), $pointed);
		if ([] !== $new) {
			update_network_option(null, self::POINTED, $pointed + array_fill_keys(array_keys($new), time()));
		}
	}
}
