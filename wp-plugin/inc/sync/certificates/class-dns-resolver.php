<?php
/**
 * Resolves a name's addresses, through CNAMEs.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync\Certificates;

defined('ABSPATH') || exit;

/**
 * Which addresses a name resolves to (A and AAAA, CNAMEs followed).
 *
 * Why two ways: PHP's own dns_get_record() asks the system resolver
 * (/etc/resolv.conf) and cannot be pointed at another server. That is the
 * right default in production: it is what the server itself sees, with no
 * dependency. But a check must also be able to ask a chosen server: a public
 * resolver when the server's own resolver answers from a local zone or a
 * hosts file, and a loopback DNS server of the tests' own. So when a DNS
 * server is named (the constant WU_RUNCLOUD_DNS_SERVER, "ip" or "ip:port",
 * or the filter wu_runcloud_dns_server), the question is sent to it over UDP
 * by the small client below (RFC 1035: one question, recursion desired,
 * answers read with name compression); otherwise dns_get_record() answers.
 */
class Dns_Resolver {

	const TYPE_A     = 1;
	const TYPE_CNAME = 5;
	const TYPE_AAAA  = 28;

	/**
	 * CNAME chains longer than this are a loop.
	 */
	const MAX_HOPS = 8;

	/**
	 * The DNS server to ask, "host:port", or '' for the system resolver.
	 */
	public function server(): string {
		$server = defined('WU_RUNCLOUD_DNS_SERVER') ? (string) constant('WU_RUNCLOUD_DNS_SERVER') : '';

		/**
		 * The DNS server the certificate step asks ("ip" or "ip:port"); '' for the
		 * system resolver (dns_get_record()).
		 *
		 * @param string $server Default: the constant WU_RUNCLOUD_DNS_SERVER, else ''.
		 */
		$server = trim((string) apply_filters('wu_runcloud_dns_server', $server));
		if ('' === $server) {
			return '';
		}
		// "ip", "ip:port", "[ipv6]:port" or a bare IPv6 address.
		$port = 53;
		$host = $server;
		if (preg_match('/^\[([^\]]+)\](?::(\d{1,5}))?$/', $server, $match)) {
			$host = $match[1];
			$port = isset($match[2]) ? (int) $match[2] : 53;
		} elseif (1 === substr_count($server, ':')) {
			list($host, $port) = explode(':', $server);
			$port              = ctype_digit($port) ? (int) $port : 0;
		}
		if (false !== filter_var($host, FILTER_VALIDATE_IP) && $port > 0 && $port < 65536) {
			return (false !== strpos($host, ':') ? '[' . $host . ']' : $host) . ':' . $port;
		}
		throw new \InvalidArgumentException(sprintf('the DNS server must be an IP address with an optional port, not "%s"', $server));
	}

	/**
	 * Resolves $name.
	 *
	 * @param string $name Normalised name.
	 * @return array{addresses: list<string>, cnames: list<string>, error: string}
	 *         error: '' when the lookup was answered (an empty list then means
	 *         no address), else why it could not be.
	 */
	public function resolve(string $name): array {
		try {
			$server = $this->server();
		} catch (\InvalidArgumentException $e) {
			return ['addresses' => [], 'cnames' => [], 'error' => $e->getMessage()];
		}
		return '' === $server ? $this->system($name) : $this->ask($server, $name);
	}

	/**
	 * The system resolver.
	 *
	 * @param string $name Name.
	 * @return array{addresses: list<string>, cnames: list<string>, error: string}
	 */
	private function system(string $name): array {
		$result  = ['addresses' => [], 'cnames' => [], 'error' => ''];
		$records = @dns_get_record($name, DNS_A | DNS_AAAA | DNS_CNAME); // phpcs:ignore WordPress.PHP.NoSilencedErrors.Discouraged -- a failed lookup is reported as its error.
		if (false === $records) {
			$result['error'] = 'the system resolver gave no answer';
			return $result;
		}
		foreach ($records as $record) {
			if (isset($record['ip'])) {
				$result['addresses'][] = (string) $record['ip'];
			} elseif (isset($record['ipv6'])) {
				$result['addresses'][] = (string) $record['ipv6'];
			} elseif (isset($record['target'])) {
				$result['cnames'][] = strtolower((string) $record['target']);
			}
		}
		return $result;
	}

	/**
	 * Asks $server for A and AAAA, following CNAMEs.
	 *
	 * @param string $server "host:port".
	 * @param string $name   Name.
	 * @return array{addresses: list<string>, cnames: list<string>, error: string}
	 */
	private function ask(string $server, string $name): array {
		$result = ['addresses' => [], 'cnames' => [], 'error' => ''];
		foreach ([self::TYPE_A, self::TYPE_AAAA] as $type) {
			$current = $name;
			for ($hop = 0; $hop <= self::MAX_HOPS; $hop++) {
				$answer = $this->query($server, $current, $type);
				if ('' !== $answer['error']) {
					// A server that answers A but fumbles AAAA still answered.
					if (self::TYPE_AAAA === $type && [] !== $result['addresses']) {
						break;
					}
					$result['error'] = $answer['error'];
					return $result;
				}
				$result['addresses'] = array_merge($result['addresses'], $answer['addresses']);
				$result['cnames']    = array_merge($result['cnames'], $answer['cnames']);
				// A server that answers the CNAME without its target's records: ask for the target.
				if ([] !== $answer['addresses'] || [] === $answer['cnames']) {
					break;
				}
				$current = (string) end($answer['cnames']);
			}
		}
		$result['addresses'] = array_values(array_unique($result['addresses']));
		$result['cnames']    = array_values(array_unique($result['cnames']));
		return $result;
	}

	/**
	 * One question, one answer.
	 *
	 * @param string $server "host:port".
	 * @param string $name   Name.
	 * @param int    $type   TYPE_A or TYPE_AAAA.
	 * @return array{addresses: list<string>, cnames: list<string>, error: string}
	 */
	private function query(string $server, string $name, int $type): array {
		$none   = ['addresses' => [], 'cnames' => [], 'error' => ''];
		$id     = random_int(0, 0xffff);
		$packet = pack('nnnnnn', $id, 0x0100, 1, 0, 0, 0) . $this->encode($name) . pack('nn', $type, 1);
		$socket = @stream_socket_client('udp://' . $server, $errno, $errstr, 2); // phpcs:ignore WordPress.PHP.NoSilencedErrors.Discouraged -- reported below.
		if (false === $socket) {
			return ['error' => sprintf('DNS server %s unreachable: %s', $server, $errstr)] + $none;
		}
		stream_set_timeout($socket, 2);
		$reply = '';
		for ($try = 0; $try < 2 && strlen($reply) < 12; $try++) {
			fwrite($socket, $packet); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fwrite
			$reply = (string) fread($socket, 4096); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fread
		}
		fclose($socket); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fclose
		if (strlen($reply) < 12) {
			return ['error' => sprintf('DNS server %s did not answer', $server)] + $none;
		}
		$header = unpack('nid/nflags/nqd/nan', substr($reply, 0, 8));
		if ($header['id'] !== $id) {
			return ['error' => sprintf('DNS server %s answered another question', $server)] + $none;
		}
		$rcode = $header['flags'] & 0x0f;
		if (3 === $rcode) {
			return $none; // NXDOMAIN: answered, no address.
		}
		if (0 !== $rcode) {
			return ['error' => sprintf('DNS server %s failed (rcode %d)', $server, $rcode)] + $none;
		}
		$at = 12;
		for ($i = 0; $i < $header['qd']; $i++) {
			$this->read_name($reply, $at);
			$at += 4;
		}
		$found = $none;
		for ($i = 0; $i < $header['an'] && $at < strlen($reply); $i++) {
			$this->read_name($reply, $at);
			if ($at + 10 > strlen($reply)) {
				break; // Truncated: what was read so far stands.
			}
			$fields = unpack('ntype/nclass/Nttl/nlength', substr($reply, $at, 10));
			$at    += 10;
			$data   = substr($reply, $at, $fields['length']);
			if (self::TYPE_A === $fields['type'] && 4 === strlen($data)) {
				$found['addresses'][] = (string) inet_ntop($data);
			} elseif (self::TYPE_AAAA === $fields['type'] && 16 === strlen($data)) {
				$found['addresses'][] = (string) inet_ntop($data);
			} elseif (self::TYPE_CNAME === $fields['type']) {
				$offset             = $at;
				$found['cnames'][] = $this->read_name($reply, $offset);
			}
			$at += $fields['length'];
		}
		return $found;
	}

	/**
	 * A name in DNS wire format.
	 *
	 * @param string $name Name.
	 */
	private function encode(string $name): string {
		$wire = '';
		foreach (explode('.', trim($name, '.')) as $label) {
			$wire .= chr(min(63, strlen($label))) . substr($label, 0, 63);
		}
		return $wire . "\0";
	}

	/**
	 * Reads a (possibly compressed) name at $at, moving $at past it.
	 *
	 * @param string $packet The message.
	 * @param int    $at     Offset.
	 */
	private function read_name(string $packet, int &$at): string {
		$labels = [];
		$jumped = false;
		$pos    = $at;
		for ($guard = 0; $guard < 128 && $pos < strlen($packet); $guard++) {
			$length = ord($packet[ $pos ]);
			if (0 === $length) {
				$pos++;
				break;
			}
			if (0xc0 === ($length & 0xc0)) {
				if (! $jumped) {
					$at = $pos + 2;
				}
				$jumped = true;
				$pos    = (($length & 0x3f) << 8) | ord($packet[ $pos + 1 ] ?? "\0");
				continue;
			}
			$labels[] = substr($packet, $pos + 1, $length);
			$pos     += 1 + $length;
		}
		if (! $jumped) {
			$at = $pos;
		}
		return strtolower(implode('.', $labels));
	}
}
