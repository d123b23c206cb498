<?php
/**
 * The plugin's DNS client against a server that compresses its answers.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

use PHPUnit\Framework\TestCase;
use WuRunCloud\Plugin\Sync\Certificates\Dns_Resolver;

/**
 * A DNS server as the common ones answer (dnsmasq, BIND): names in the answer
 * section compressed to pointers (RFC 1035 4.1.4), a CNAME then its target's
 * A record. Played by a child PHP process answering on loopback UDP with a
 * message built here byte by byte.
 */
final class DnsResolverTest extends TestCase {

	/**
	 * Starts a DNS server giving one answer to every question (a few); returns
	 * [process, "127.0.0.1:port"].
	 *
	 * @param string $answer_hex The answer after the echoed id and question, hex.
	 * @param int    $rcode      Response code.
	 * @return array{0: resource, 1: string}
	 */
	private function server(string $answer_hex, int $rcode, int $answers): array {
		$script  = <<<'PHP'
$socket = stream_socket_server('udp://127.0.0.1:0', $errno, $errstr, STREAM_SERVER_BIND);
fwrite(STDOUT, stream_socket_get_name($socket, false) . "\n");
for ($i = 0; $i < 4; $i++) {
	$query  = stream_socket_recvfrom($socket, 512, 0, $peer);
	$length = strpos($query, "\0", 12) + 5;
	$reply  = substr($query, 0, 2) . pack('nnnnn', 0x8180 | (int) $argv[2], 1, (int) $argv[3], 0, 0) . substr($query, 12, $length - 12) . hex2bin($argv[1]);
	stream_socket_sendto($socket, $reply, 0, $peer);
}
PHP;
		$process = proc_open([PHP_BINARY, '-r', $script, '--', $answer_hex, (string) $rcode, (string) $answers], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
		$this->assertIsResource($process);
		$address = trim((string) fgets($pipes[1]));
		$this->assertMatchesRegularExpression('/^127\.0\.0\.1:\d+$/', $address);
		return [$process, $address];
	}

	/**
	 * Resolves shop.example.com through such a server.
	 *
	 * @param string $answer_hex The answer section, hex.
	 * @param int    $rcode      Response code.
	 * @param int    $answers    Records in it.
	 * @return array{addresses: list<string>, cnames: list<string>, error: string}
	 */
	private function resolve_through(string $answer_hex, int $rcode, int $answers): array {
		list($process, $address) = $this->server($answer_hex, $rcode, $answers);
		$filter = static function () use ($address) {
			return $address;
		};
		add_filter('wu_runcloud_dns_server', $filter);
		try {
			return (new Dns_Resolver())->resolve('shop.example.com');
		} finally {
			remove_filter('wu_runcloud_dns_server', $filter);
			proc_terminate($process);
		}
	}

	public function test_follows_a_compressed_cname_to_its_address(): void {
		// shop.example.com CNAME edge.network.test (written as "edge" + "network.test"), then its A.
		$answer  = 'c00c' . '0005' . '0001' . '0000012c' . '0013' . bin2hex("\x04edge\x07network\x04test\0");
		$answer .= 'c02e' . '0001' . '0001' . '0000012c' . '0004' . bin2hex(inet_pton('203.0.113.7'));
		$found = $this->resolve_through($answer, 0, 2);

		$this->assertSame('', $found['error']);
		$this->assertSame(['203.0.113.7'], $found['addresses']);
		$this->assertSame(['edge.network.test'], $found['cnames']);
	}

	public function test_a_server_failure_is_an_error_not_an_empty_answer(): void {
		$found = $this->resolve_through('', 2, 0);

		$this->assertSame([], $found['addresses']);
		$this->assertStringContainsString('failed (rcode 2)', $found['error']);
	}

	public function test_refuses_a_dns_server_that_is_not_an_address(): void {
		$filter = static function () {
			return 'dns.example.com:53';
		};
		add_filter('wu_runcloud_dns_server', $filter);
		$found = (new Dns_Resolver())->resolve('shop.example.com');
		remove_filter('wu_runcloud_dns_server', $filter);
		$this->assertSame([], $found['addresses']);
		$this->assertStringContainsString('must be an IP address', $found['error']);
	}

	public function test_a_truncated_answer_is_read_as_far_as_it_goes(): void {
		$found = $this->resolve_through('c00c0001', 0, 1);

		$this->assertSame(['addresses' => [], 'cnames' => [], 'error' => ''], $found);
	}
}
