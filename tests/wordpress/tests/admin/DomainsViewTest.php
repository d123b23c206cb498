<?php
/**
 * Network Admin > Settings > RunCloud > Domains: one row per name.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

use WuRunCloud\Plugin\Plugin;
use WuRunCloud\Plugin\Status\Domain_Status;

/**
 * Each name the network wants or the app holds shows its state (live,
 * missing, waiting, extra), its certificate, what waits and why, in Unicode
 * with the punycode below; search, state filters and paging work on the
 * plugin's view of the app without a listing per page view; "Sync now"
 * converges one name after the capability and nonce checks.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class DomainsViewTest extends Integration_Test_Case {

	protected function setUp(): void {
		parent::setUp();
		require_once ABSPATH . 'wp-admin/includes/admin.php';
		set_current_screen('settings_page_wu-runcloud-network');
		add_filter('wp_redirect', [$this, 'stop_redirect']);
		add_filter('wp_die_handler', [$this, 'die_handler']);
	}

	protected function tearDown(): void {
		remove_filter('wp_redirect', [$this, 'stop_redirect']);
		remove_filter('wp_die_handler', [$this, 'die_handler']);
		$_GET                      = [];
		$_REQUEST                  = [];
		$GLOBALS['current_screen'] = null;
		wp_set_current_user(0);
		parent::tearDown();
	}

	/**
	 * @param string $location Where the handler sends the admin.
	 */
	public function stop_redirect($location) {
		throw new Page_Redirected((string) $location);
	}

	/**
	 * @return callable
	 */
	public function die_handler() {
		return static function ($message) {
			throw new Page_Died(is_string($message) ? $message : 'died');
		};
	}

	/**
	 * @param array<string, string> $get The address's query.
	 */
	private function render_tab(array $get = []): string {
		$_GET     = ['page' => 'wu-runcloud', 'tab' => 'domains'] + $get;
		$_REQUEST = $_GET;
		ob_start();
		Plugin::instance()->settings_page()->render();
		return (string) ob_get_clean();
	}

	/**
	 * The row of a name, as HTML.
	 *
	 * @param string $page The page.
	 * @param string $name Normalised name.
	 */
	private function row(string $page, string $name): string {
		$this->assertSame(1, preg_match('#<tr class="wu-runcloud-state-(\w+)" data-name="' . preg_quote($name, '#') . '">(.*?)</tr>#s', $page, $m), "a row for $name");
		return $m[1] . ' ' . $m[2];
	}

	/**
	 * A name in each state: live (added.example.com), waiting for its
	 * certificate (the IDN bücher.example), waiting for a retry
	 * (waiting.example.com), missing (missing.example.com) and extra
	 * (foreign.example.com); the kept view of the app read afresh.
	 */
	private function names_in_every_state(): void {
		$this->sim->seed([['name' => 'foreign.example.com']]);
		$this->map_domain('added.example.com', 2);
		$this->run_domain_events();
		$this->run_scheduled_after(31);
		$this->map_domain('bücher.example', 2);
		$this->run_domain_events();
		$this->sim->fault(['kind' => 'status', 'status' => 503, 'method' => 'POST', 'message' => 'Service Unavailable']);
		$this->map_domain('waiting.example.com', 2);
		$this->run_domain_events();
		$this->map_domain('missing.example.com', 2);
		\WP_Ultimo\Test\Async_Queue::clear();
		Plugin::instance()->service()->list_domains();
	}

	public function test_each_name_shows_its_state_in_words(): void {
		$this->names_in_every_state();
		$this->sim->reset_requests();
		wp_set_current_user(1);

		$page = $this->render_tab();

		$this->assertSame([], $this->sim->request_lines(), 'a page view reads the kept view, not RunCloud');
		$this->assertStringContainsString('id="wu-runcloud-tab-domains">Domains</a>', $page);
		$added = $this->row($page, 'added.example.com');
		$this->assertMatchesRegularExpression('#^live .*mapped domain of .*yes \(id \d+\).*covered by the last redeploy#s', $added);
		$this->assertStringContainsString('Sync now', $added);
		$idn = $this->row($page, 'xn--bcher-kva.example');
		$this->assertStringContainsString('<strong title="xn--bcher-kva.example">bücher.example</strong><br><code class="wu-runcloud-punycode">xn--bcher-kva.example</code>', $idn);
		$this->assertMatchesRegularExpression('#^waiting .*waiting for a redeploy#s', $idn, 'just added: its certificate waits');
		$waiting = $this->row($page, 'waiting.example.com');
		$this->assertMatchesRegularExpression('#^waiting .*missing.*next attempt .*\(1 attempt so far\).*RunCloud answered HTTP 503, &quot;Service Unavailable&quot;: RunCloud had trouble on its side; it usually passes by itself\. Nothing to do: it is retried at #s', $waiting);
		$missing = $this->row($page, 'missing.example.com');
		$this->assertMatchesRegularExpression('#^missing .*<strong>missing</strong>.*Not on RunCloud and nothing waits: press &quot;Sync now&quot; or &quot;Reconcile now&quot;\.#s', $missing);
		$extra = $this->row($page, 'foreign.example.com');
		$this->assertMatchesRegularExpression('#^extra .*nothing on the network wants it.*extra \(id \d+\)#s', $extra);
		$this->assertMatchesRegularExpression('#>Missing <span class="count">\(1\)</span>#', $page);
		$this->assertMatchesRegularExpression('#>Waiting <span class="count">\(2\)</span>#', $page);
		$this->assertStringNotContainsString('Exception', $page);

		$filtered = $this->render_tab(['state' => 'missing']);
		$this->assertStringContainsString('data-name="missing.example.com"', $filtered);
		$this->assertStringNotContainsString('data-name="added.example.com"', $filtered);
		$searched = $this->render_tab(['s' => 'bücher']);
		$this->assertStringContainsString('data-name="xn--bcher-kva.example"', $searched, 'a Unicode search finds the IDN');
		$this->assertStringNotContainsString('data-name="added.example.com"', $searched);
	}

	public function test_a_page_is_built_from_the_rows_every_name_has(): void {
		$this->names_in_every_state();
		$builder = Plugin::instance()->domain_status();

		$all    = array_values($builder->all());
		$counts = array_count_values(array_column($all, 'state'));
		$states = array_column($all, 'state', 'name');
		$this->assertSame('live', $states['added.example.com']);
		$this->assertSame('waiting', $states['xn--bcher-kva.example'], 'its certificate waits');
		$this->assertSame('waiting', $states['waiting.example.com'], 'its add waits');
		$this->assertSame('missing', $states['missing.example.com']);
		$this->assertSame('extra', $states['foreign.example.com']);
		for ($offset = 0; $offset < count($all); $offset += 2) {
			$page = $builder->query('', '', $offset, 2);
			$this->assertSame(array_slice($all, $offset, 2), $page['rows'], "the page at $offset holds the full rows");
			$this->assertSame(count($all), $page['total']);
			$this->assertSame(count($all), $page['counts']['all']);
			foreach (Domain_Status::STATES as $state) {
				$this->assertSame($counts[ $state ] ?? 0, $page['counts'][ $state ], "the count of $state");
			}
		}
		$waiting = $builder->query('', 'waiting', 0, 50);
		$this->assertSame(array_values(array_filter($all, static fn ($row) => 'waiting' === $row['state'])), $waiting['rows']);
		$this->assertSame(['xn--bcher-kva.example'], array_column($builder->query('BüCH', '', 0, 50)['rows'], 'name'), 'a Unicode search, whatever the ASCII case, finds the IDN');
		$this->assertSame(['xn--bcher-kva.example'], array_column($builder->query('BÜCHER', '', 0, 50)['rows'], 'name'), 'and whatever the case of its Unicode letters');
		$this->assertSame(['xn--bcher-kva.example'], array_column($builder->query('xn--bc', '', 0, 50)['rows'], 'name'), 'so does its punycode');
		$this->assertSame(['waiting.example.com'], array_column($builder->query('waiting.ex', 'waiting', 0, 50)['rows'], 'name'));
		$this->assertSame([], $builder->query('waiting.ex', 'live', 0, 50)['rows']);
	}

	public function test_ten_thousand_names_page_without_a_listing(): void {
		$app     = Plugin::instance()->fleet()->primary()->app;
		$domains = [];
		for ($i = 0; $i < 10000; $i++) {
			$domains[] = ['id' => $i + 1, 'name' => sprintf('n%05d.example.com', $i), 'www' => false, 'wildcard' => false];
		}
		$app->replace($domains);
		$this->sim->reset_requests();
		wp_set_current_user(1);

		$page = $this->render_tab(['paged' => '3']);

		$this->assertSame([], $this->sim->request_lines());
		$this->assertSame(50, substr_count($page, '<tr class="wu-runcloud-state-'), 'one page of 50');
		$this->assertStringContainsString('data-name="n00100.example.com"', $page, 'page 3 starts at the 101st');
		$this->assertMatchesRegularExpression('#All <span class="count">\(10,00\d\)</span>#', $page);
	}

	public function test_sync_now_converges_one_name_after_the_checks(): void {
		$this->map_domain('later.example.com', 2);
		\WP_Ultimo\Test\Async_Queue::clear();
		$url = '';
		wp_set_current_user(1);
		parse_str((string) wp_parse_url(html_entity_decode(\WuRunCloud\Plugin\Admin\Routes::sync_url('later.example.com', 2)), PHP_URL_QUERY), $query);

		$_GET     = ['name' => $query['name'], 'site' => '2', '_wpnonce' => 'forged'];
		$_REQUEST = $_GET;
		try {
			do_action('admin_post_wu_runcloud_sync_name');
			$this->fail('a forged nonce must refuse');
		} catch (Page_Died $e) {
			$this->assertNull($this->sim->domain('later.example.com'));
		}

		$_GET     = ['name' => $query['name'], 'site' => '2', '_wpnonce' => $query['_wpnonce']];
		$_REQUEST = $_GET;
		try {
			do_action('admin_post_wu_runcloud_sync_name');
		} catch (Page_Redirected $back) {
			$url = $back->getMessage();
		}
		$this->assertStringContainsString('wu_runcloud_done=synced', $url);
		$this->assertNotNull($this->sim->domain('later.example.com'), 'the name is on RunCloud now');
	}

	public function test_names_read_in_unicode(): void {
		$this->assertSame('bücher.example', Domain_Status::unicode('xn--bcher-kva.example'));
		$this->assertSame('中国.cn', Domain_Status::unicode('xn--fiqs8s.cn'));
		$this->assertSame('plain.example.com', Domain_Status::unicode('plain.example.com'));
		$this->assertSame('xn--broken-.example', Domain_Status::unicode('xn--broken-.example'), 'invalid punycode stays as it is');
	}
}
