<?php
/**
 * Network Admin > Settings > RunCloud, its two handlers and the notice.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

use WuRunCloud\Plugin\Plugin;

/**
 * The handlers refuse without the capability or without a valid nonce (and
 * then nothing reaches RunCloud); with both, a preview changes nothing and a
 * reconcile adds what is missing (and, asked to, removes only an unwanted
 * name this integration added). The page shows the state, never a secret;
 * the notice says what waits or was given up on, until dismissed.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class SettingsPageTest extends Integration_Test_Case {

	/**
	 * @var int
	 */
	private $subscriber = 0;

	protected function setUp(): void {
		parent::setUp();
		add_filter('wp_die_handler', [$this, 'die_handler']);
		add_filter('wp_redirect', [$this, 'stop_redirect']);
	}

	protected function tearDown(): void {
		remove_filter('wp_die_handler', [$this, 'die_handler']);
		remove_filter('wp_redirect', [$this, 'stop_redirect']);
		$_POST    = [];
		$_GET     = [];
		$_REQUEST = [];
		wp_set_current_user(0);
		if ($this->subscriber) {
			wpmu_delete_user($this->subscriber);
		}
		parent::tearDown();
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
	 * @param string $location Where the handler sends the admin.
	 */
	public function stop_redirect($location) {
		throw new Page_Redirected((string) $location);
	}

	/**
	 * Posts the form to an admin-post.php action as the current user and
	 * returns where the handler redirected to.
	 *
	 * @param string               $action admin-post action.
	 * @param array<string, mixed> $fields Form fields.
	 */
	private function post(string $action, array $fields): string {
		$_POST    = ['action' => $action] + $fields;
		$_REQUEST = $_POST;
		try {
			do_action('admin_post_' . $action);
		} catch (Page_Redirected $redirect) {
			return $redirect->getMessage();
		}
		$this->fail('the handler neither refused nor redirected');
	}

	/**
	 * @param array<string, mixed> $fields Form fields.
	 */
	private function reconcile(array $fields): string {
		return $this->post('wu_runcloud_reconcile', $fields + ['_wpnonce' => wp_create_nonce('wu_runcloud_reconcile')]);
	}

	private function as_subscriber(): void {
		$this->subscriber = (int) wp_insert_user(['user_login' => 'subscriber', 'user_pass' => wp_generate_password(), 'user_email' => 'subscriber@network.test', 'role' => 'subscriber']);
		wp_set_current_user($this->subscriber);
		$this->assertFalse(current_user_can('manage_network_options'));
	}

	/**
	 * @return string The page as the current user sees it.
	 */
	private function render_page(): string {
		ob_start();
		Plugin::instance()->settings_page()->render();
		return (string) ob_get_clean();
	}

	/**
	 * @return string The network-admin notices.
	 */
	private function notices(): string {
		ob_start();
		do_action('network_admin_notices');
		return (string) ob_get_clean();
	}

	public function test_the_page_is_under_network_settings_for_network_admins(): void {
		global $submenu;
		wp_set_current_user(1);
		do_action('network_admin_menu');
		$this->assertContains(['RunCloud', 'manage_network_options', 'wu-runcloud', 'RunCloud'], $submenu['settings.php']);
	}

	public function test_without_the_capability_nothing_is_done(): void {
		$this->network_out_of_step();
		$this->as_subscriber();

		foreach ([['wu_runcloud_reconcile', 'apply'], ['wu_runcloud_dismiss_failures', '']] as [$action, $mode]) {
			try {
				$this->post($action, ['mode' => $mode, '_wpnonce' => wp_create_nonce($action)]);
				$this->fail("$action must refuse");
			} catch (Page_Died $e) {
				$this->assertSame('Sorry, you are not allowed to manage RunCloud for this network.', $e->getMessage());
			}
		}
		$this->assertSame([], $this->sim->request_lines(), 'no request reached RunCloud');
		$this->assertSame('', $this->render_page(), 'nor is the page shown');
	}

	public function test_without_a_valid_nonce_nothing_is_done(): void {
		$this->network_out_of_step();
		wp_set_current_user(1);

		foreach ([[], ['_wpnonce' => 'forged'], ['_wpnonce' => wp_create_nonce('wu_runcloud_dismiss_failures')]] as $nonce) {
			try {
				$this->post('wu_runcloud_reconcile', ['mode' => 'apply'] + $nonce);
				$this->fail('the reconcile must refuse');
			} catch (Page_Died $e) {
				$this->assertSame('The link you followed has expired.', $e->getMessage());
			}
		}
		$this->assertSame([], $this->sim->request_lines(), 'no request reached RunCloud');
		$this->assertFalse(get_network_option(null, 'wu_runcloud_last_reconcile'));
	}

	public function test_preview_changes_nothing_and_reconcile_adds_then_prunes_only_a_managed_name(): void {
		$this->network_out_of_step();
		wp_set_current_user(1);

		$back = $this->reconcile(['mode' => 'preview', 'prune' => '1']);
		$this->assertSame(network_admin_url('settings.php?page=wu-runcloud&wu_runcloud_done=previewed&prune=1'), $back, 'the prune choice goes back with the preview');
		$this->assertSame([], preg_grep('/^(POST|DELETE|PUT|PATCH) /', $this->sim->request_lines()), 'a preview changes nothing');
		$last = get_network_option(null, 'wu_runcloud_last_reconcile');
		$this->assertSame(['admin', true, ['missing.example.com'], ['stale.example.com'], []], [$last['trigger'], $last['dry_run'], $last['to_add'], $last['to_remove'], $last['added']]);
		$_GET = ['wu_runcloud_done' => 'previewed', 'prune' => '1'];
		$page = $this->render_page();
		$this->assertStringContainsString('Preview done: nothing was changed.', $page);
		$this->assertStringContainsString('<td>To add</td><td>missing.example.com</td>', $page);
		$this->assertStringContainsString('<input type="checkbox" name="prune" value="1" checked=\'checked\'>', $page, 'the box stays as previewed');
		$this->assertStringNotContainsString('<td>Added</td>', $page, 'a preview adds nothing: no empty row says so');
		$this->assertStringNotContainsString('<td>Removed</td>', $page);

		$this->assertSame(network_admin_url('settings.php?page=wu-runcloud&wu_runcloud_done=reconciled'), $this->reconcile(['mode' => 'apply']));
		$this->assertSame(['foreign.example.com', 'missing.example.com', 'network.test', 'stale.example.com'], $this->sim->domain_names(), 'added, nothing removed');

		$this->reconcile(['mode' => 'apply', 'prune' => '1']);
		$this->assertSame(['foreign.example.com', 'missing.example.com', 'network.test'], $this->sim->domain_names(), 'only the unwanted name this integration added went');
		$last = get_network_option(null, 'wu_runcloud_last_reconcile');
		$this->assertSame([false, true, [], ['stale.example.com']], [$last['dry_run'], $last['prune'], $last['added'], $last['removed']]);
	}

	public function test_on_a_large_rate_limited_app_reconcile_now_starts_the_walk_and_the_page_shows_how_far_it_got(): void {
		// 301 domains (8 pages), 5 requests a 2 s window: this page load reads 4 pages.
		$this->sim->seed_numbered(300);
		$this->sim->rate_limit(5, 2);
		$window = static function () {
			return 2;
		};
		add_filter('wu_runcloud_rate_window', $window);
		wp_set_current_user(1);
		try {
			$this->assertSame(network_admin_url('settings.php?page=wu-runcloud&wu_runcloud_done=started'), $this->reconcile(['mode' => 'apply']));
			$this->assertNotNull(Queue_Runner::next(\WuRunCloud\Plugin\Sync\Reconcile\Daily_Reconcile::STEP_HOOK), 'the rest follows in queue runs');
			$_GET = ['wu_runcloud_done' => 'started'];
			$page = $this->render_page();
			$this->assertStringContainsString('The reconcile is under way', $page);
			$this->assertMatchesRegularExpression('#A reconcile \(admin\) is under way since [^:]+:\d\d:\d\d UTC: 4 of 8 pages of the web app&\#039;s domains read, in 1 runs\.#', $page);
		} finally {
			remove_filter('wu_runcloud_rate_window', $window);
		}
	}

	public function test_a_reconcile_runcloud_refuses_says_why(): void {
		$this->map_domain('missing.example.com', 4);
		\WP_Ultimo\Test\Async_Queue::clear();
		$this->sim->fault(['kind' => 'status', 'status' => 401, 'message' => 'Unauthenticated: bearer test-token rejected', 'count' => 10]);
		wp_set_current_user(1);

		$this->assertStringEndsWith('wu_runcloud_done=failed', $this->reconcile(['mode' => 'apply']));

		$_GET = ['wu_runcloud_done' => 'failed'];
		$page = $this->render_page();
		$this->assertStringContainsString('The reconcile could not run.', $page);
		$this->assertStringContainsString('It could not run: RunCloud answered HTTP 401, &quot;Unauthenticated: bearer [redacted] rejected&quot;: RunCloud did not accept the API credentials; check WU_RUNCLOUD_API_TOKEN (or WU_RUNCLOUD_API_KEY and WU_RUNCLOUD_API_SECRET) in wp-config.php, then Tools &gt; Site Health.', $page);
		$this->assertStringNotContainsString('Exception', $page, 'no PHP class name reaches the operator');
		$this->assertStringNotContainsString('test-token', $page);
	}

	public function test_the_page_shows_the_state_and_no_secret(): void {
		$this->sim->fault(['kind' => 'status', 'status' => 503, 'method' => 'POST', 'message' => 'Down for test-token']);
		$this->map_domain('waiting.example.com', 2);
		$this->run_domain_events();
		$this->sim->fault(['kind' => 'status', 'status' => 422, 'method' => 'POST', 'message' => 'Rejected test-token']);
		$this->map_domain('refused.example.com', 3);
		$this->run_domain_events();
		$this->certificate_queue()->request('cert.example.com');
		Plugin::instance()->daily_reconcile()->keep_scheduled();
		wp_set_current_user(1);

		$page = $this->render_page();

		$this->assertStringContainsString('The wu_runcloud PHP extension 0.1.0 is loaded.', $page);
		$this->assertStringContainsString('<code>WU_RUNCLOUD_API_TOKEN</code></td><td>set</td>', $page);
		$this->assertStringContainsString('<code>WU_RUNCLOUD_API_KEY</code></td><td>not set</td>', $page);
		$this->assertMatchesRegularExpression('#<td>Add the domain</td><td>waiting\.example\.com</td><td>1</td><td>[^<]+</td><td>RunCloud answered HTTP 503, &quot;Down for \[redacted\]&quot;: RunCloud had trouble on its side; it usually passes by itself\. Nothing to do: it is retried at [^<]+\.</td>#', $page);
		$this->assertMatchesRegularExpression('#<td>Add the domain</td><td>refused\.example\.com</td><td>site 3 \(deleted\)</td><td>RunCloud answered HTTP 422, &quot;Rejected \[redacted\]&quot;: RunCloud refused the name[^<]*</td>#', $page);
		$this->assertStringNotContainsString('Exception', $page, 'no PHP class name reaches the operator');
		$this->assertStringContainsString('Waiting for a certificate redeploy: cert.example.com.', $page);
		$this->assertMatchesRegularExpression('#Next daily reconcile: [^<]+\. It adds missing domains and removes nothing\.#', $page);
		$this->assertStringContainsString('No reconcile has run yet.', $page);
		$this->assertStringContainsString('name="_wpnonce"', $page);
		$this->assertStringContainsString('value="wu_runcloud_reconcile"', $page);
		$this->assertStringContainsString('<input type="checkbox" name="prune" value="1">', $page);
		$this->assertStringContainsString('>Preview reconcile</button>', $page);
		$this->assertStringContainsString('>Reconcile now</button>', $page);
		foreach (['test-token', 'test-key', 'test-secret', '-----BEGIN'] as $canary) {
			$this->assertStringNotContainsString($canary, $page);
		}
	}

	public function test_the_notice_shows_retries_and_given_up_operations_until_dismissed(): void {
		wp_set_current_user(1);
		$this->assertStringNotContainsString('wu-runcloud', $this->notices(), 'nothing to say');

		$this->sim->fault(['kind' => 'status', 'status' => 503, 'method' => 'POST']);
		$this->map_domain('waiting.example.com', 2);
		$this->run_domain_events();
		$notice = $this->notices();
		$this->assertStringContainsString('1 operation is waiting for a retry.', $notice);
		$this->assertStringContainsString('href="' . esc_url(network_admin_url('settings.php?page=wu-runcloud')) . '"', $notice);
		$this->assertStringNotContainsString('given up', $notice);

		$this->sim->fault(['kind' => 'status', 'status' => 422, 'method' => 'POST']);
		$this->map_domain('refused.example.com', 3);
		$this->run_domain_events();
		$notice = $this->notices();
		$this->assertStringContainsString('1 operation is waiting for a retry. 1 operation failed for good and was given up.', $notice);
		$this->assertStringContainsString('notice-warning wu-runcloud-notice is-dismissible', $notice);
		$this->assertMatchesRegularExpression('#href="[^"]*admin-post\.php\?action=wu_runcloud_dismiss_failures&\#038;_wpnonce=[0-9a-f]{10}"#', $notice);

		try {
			$this->post('wu_runcloud_dismiss_failures', ['_wpnonce' => 'forged']);
			$this->fail('dismissing without a valid nonce must refuse');
		} catch (Page_Died $e) {
			$this->assertCount(1, get_network_option(null, 'wu_runcloud_given_up'));
		}
		$_SERVER['HTTP_REFERER'] = network_admin_url('index.php');
		$back                    = $this->post('wu_runcloud_dismiss_failures', ['_wpnonce' => wp_create_nonce('wu_runcloud_dismiss_failures')]);
		unset($_SERVER['HTTP_REFERER']);
		$this->assertSame(network_admin_url('index.php?wu_runcloud_done=dismissed'), $back, 'dismissed from the dashboard, back on the dashboard');
		$this->assertFalse(get_network_option(null, 'wu_runcloud_given_up'));
		$notice = $this->notices();
		$this->assertStringContainsString('1 operation is waiting for a retry.', $notice);
		$this->assertStringNotContainsString('given up', $notice);

		wp_set_current_user(0);
		$this->assertStringNotContainsString('wu-runcloud', $this->notices(), 'only network admins see it');
	}

	public function test_overdue_work_is_flagged_with_what_to_do(): void {
		$this->sim->fault(['kind' => 'status', 'status' => 429, 'method' => 'POST', 'message' => 'Too Many Attempts.']);
		$this->map_domain('late.example.com', 2);
		$this->run_domain_events();
		$this->assertArrayHasKey('late.example.com', $this->queued());
		\WuRunCloud\Plugin\Sync\Name_Queue::table()->query('UPDATE {table} SET next_at = %d WHERE network_id = {network} AND name = %s', [time() - 600, 'late.example.com']);
		wp_set_current_user(1);

		$page = $this->render_page();
		$this->assertMatchesRegularExpression('#<td>[^<]+ \(overdue\)</td>#', $page);
		$this->assertStringContainsString('RunCloud answered HTTP 429, &quot;Too Many Attempts.&quot;: RunCloud&#039;s rate limit was reached', $page);
		$this->assertStringContainsString('has not run: nothing runs the queue. Check that WP-Cron runs (with DISABLE_WP_CRON set', $page);
		$this->assertStringContainsString('has not run: nothing runs the queue.', $this->notices());
	}
}
