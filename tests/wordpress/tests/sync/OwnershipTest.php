<?php
/**
 * A customer's reach: what a mapping may remove from RunCloud.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

use WuRunCloud\Plugin\Admin\Routes;
use WuRunCloud\Plugin\Plugin;

/**
 * RunCloud is asked to delete a name only when the record of names this
 * integration added holds it. A name that was on the web app before (added
 * by the operator in RunCloud's panel, or by Ultimate Multisite's own
 * provider) never becomes this integration's through a customer's mapping,
 * whichever path would remove it: the unmapping event, a site deletion, a
 * reconcile with removal, "Sync now", the retry queue. The operator adopts
 * such names by choice, after which unmapping removes them as before.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class OwnershipTest extends Integration_Test_Case {

	/**
	 * The operator's alias, on the web app before any customer mapped it.
	 */
	const FOREIGN = 'alias.operator.example';

	protected function setUp(): void {
		parent::setUp();
		\WP_CLI::$output = [];
		add_filter('wp_redirect', [$this, 'stop_redirect']);
	}

	protected function tearDown(): void {
		remove_filter('wp_redirect', [$this, 'stop_redirect']);
		parent::tearDown();
	}

	/**
	 * Stops a handler's redirect before any header is sent.
	 *
	 * @param string $location Where it would go.
	 * @throws Page_Redirected Always.
	 */
	public function stop_redirect($location): void {
		throw new Page_Redirected((string) $location);
	}

	/**
	 * The operator's alias on the app, the view whole, then a customer maps it.
	 */
	private function customer_maps_the_operators_alias(int $site_id = 2): void {
		$this->sim->seed([['name' => self::FOREIGN]]);
		$this->read_the_app();
		$this->map_domain(self::FOREIGN, $site_id);
		$this->run_domain_events();
		$this->assertNotNull($this->sim->domain(self::FOREIGN));
		$this->assertArrayNotHasKey(self::FOREIGN, $this->managed(), '"already there" does not make it ours');
		$this->sim->reset_requests();
	}

	/**
	 * DELETE requests RunCloud received since the log was cleared.
	 *
	 * @return list<string>
	 */
	private function deletes(): array {
		return array_values(preg_grep('/^DELETE /', $this->api_lines()));
	}

	public function test_an_unmapping_leaves_a_name_this_integration_did_not_add(): void {
		$this->customer_maps_the_operators_alias();

		$this->unmap_domain(self::FOREIGN, 2);
		$this->run_domain_events();

		$this->assertNotNull($this->sim->domain(self::FOREIGN), 'the operator\'s alias is still on RunCloud');
		$this->assertSame([], $this->deletes());
		$this->assertNotEmpty(preg_grep('/alias\.operator\.example \(site 2\): not wanted by the network and not added by this integration: left as it is/', $this->log_lines()));
	}

	public function test_a_site_deletion_leaves_a_host_that_was_there_before(): void {
		$this->sim->seed([['name' => 'kept.network.test']]);
		$this->read_the_app();
		$site_id = $this->create_site('kept');
		$this->run_domain_events();
		$this->assertArrayNotHasKey('kept.network.test', $this->managed());
		$this->sim->reset_requests();

		wp_delete_site($site_id);
		$this->run_domain_events();

		$this->assertNotNull($this->sim->domain('kept.network.test'));
		$this->assertSame([], $this->deletes());
	}

	public function test_no_reconcile_with_removal_removes_it(): void {
		$this->customer_maps_the_operators_alias();
		$this->unmap_domain(self::FOREIGN, 2);
		\WP_Ultimo\Test\Async_Queue::clear();
		add_filter('wu_runcloud_daily_reconcile_prune', '__return_true');
		try {
			// The daily run, "Reconcile now" with removal, and wp runcloud sync --prune.
			$this->reconcile_to_the_end();
			Plugin::instance()->daily_reconcile()->start_now('admin', false, true);
			$this->run_steps_until_done();
			Plugin::instance()->service()->patiently(
				function () {
					Plugin::instance()->cli_command('sync')([], ['prune' => true]);
				}
			);
		} finally {
			remove_filter('wu_runcloud_daily_reconcile_prune', '__return_true');
		}
		$this->assertNotNull($this->sim->domain(self::FOREIGN));
		$this->assertSame([], $this->deletes());
	}

	public function test_sync_now_leaves_it(): void {
		$this->customer_maps_the_operators_alias();
		$this->unmap_domain(self::FOREIGN, 2);
		\WP_Ultimo\Test\Async_Queue::clear();

		$this->assertTrue(Plugin::instance()->service()->converge_now(self::FOREIGN, 2), 'settled: there is nothing to do');

		$this->assertNotNull($this->sim->domain(self::FOREIGN));
		$this->assertSame([], $this->deletes());
	}

	public function test_a_queued_removal_leaves_it(): void {
		$this->customer_maps_the_operators_alias();
		$this->unmap_domain(self::FOREIGN, 2);
		\WP_Ultimo\Test\Async_Queue::clear();
		// As a removal event left in the queue by a process that died.
		Plugin::instance()->fleet()->primary()->app;
		$queue = new \WuRunCloud\Plugin\Sync\Name_Queue(new \WuRunCloud\Plugin\Sync\Scheduler(), Plugin::instance()->logger());
		$queue->request(self::FOREIGN, 2, true);

		Queue_Runner::fast_forward(3600);
		Queue_Runner::run_due();

		$this->assertNotNull($this->sim->domain(self::FOREIGN));
		$this->assertSame([], $this->deletes());
		$this->assertFalse($queue->has(self::FOREIGN), 'settled, not retried');
	}

	public function test_a_lost_answer_on_a_name_the_view_knew_does_not_make_it_ours(): void {
		$this->sim->seed([['name' => self::FOREIGN]]);
		$this->read_the_app();
		// The add is carried out (refused: the name is there) and its answer lost.
		$this->sim->fault(['kind' => 'status', 'status' => 504, 'method' => 'POST', 'applied' => true]);
		$this->assertSame([false, true], $this->mapped_then_unmapped(self::FOREIGN), 'not recorded, left on RunCloud');
	}

	public function test_a_lost_answer_on_a_name_known_absent_is_ours(): void {
		$this->sim->fault(['kind' => 'status', 'status' => 504, 'method' => 'POST', 'applied' => true]);
		$this->assertSame([true, false], $this->mapped_then_unmapped('new.customer.example'), 'this integration\'s add made it: recorded, then removed');
	}

	public function test_a_name_added_by_hand_after_the_view_was_read_is_not_ours(): void {
		// The operator adds it in RunCloud's panel; the view does not know yet.
		$this->sim->seed([['name' => self::FOREIGN]]);
		$this->assertSame([false, true], $this->mapped_then_unmapped(self::FOREIGN), 'not recorded, left on RunCloud');
	}

	/**
	 * A customer maps $name, then unmaps it.
	 *
	 * @param string $name Domain.
	 * @return array{0: bool, 1: bool} Whether it was recorded as added by this integration, and whether it is still on RunCloud.
	 */
	private function mapped_then_unmapped(string $name): array {
		$this->map_domain($name, 2);
		$this->run_domain_events();
		$recorded = isset($this->managed()[ $name ]);
		$this->unmap_domain($name, 2);
		$this->run_domain_events();
		return [$recorded, null !== $this->sim->domain($name)];
	}

	public function test_the_operator_adopts_names_with_wp_cli_then_unmapping_removes_them(): void {
		$this->customer_maps_the_operators_alias();
		$adopt = Plugin::instance()->cli_command('adopt');

		$adopt([], []);
		$this->assertSame([self::FOREIGN], array_column($this->printed('items'), 'name'), 'listed first');
		$this->assertContains('1 name can be adopted; run again with --yes to adopt it.', $this->printed('line'));
		$this->assertArrayNotHasKey(self::FOREIGN, $this->managed(), 'a preview adopts nothing');

		$adopt([], ['yes' => true]);
		$this->assertSame(['Adopted 1 name: unmapping it now removes it from RunCloud.'], $this->printed('success'));
		$this->assertArrayHasKey(self::FOREIGN, $this->managed());

		$this->unmap_domain(self::FOREIGN, 2);
		$this->run_domain_events();
		$this->assertNull($this->sim->domain(self::FOREIGN), 'adopted: the unmapping removed it');
	}

	public function test_the_operator_adopts_the_names_the_page_listed(): void {
		$this->customer_maps_the_operators_alias();
		wp_set_current_user(1);
		$page = Plugin::instance()->settings_page();
		ob_start();
		$page->render();
		$html = (string) ob_get_clean();
		$this->assertStringContainsString('<code>' . self::FOREIGN . '</code>', $html);
		$this->assertMatchesRegularExpression('/name="listed" value="([0-9a-f]{32})"/', $html);
		preg_match('/name="listed" value="([0-9a-f]{32})"/', $html, $listed);

		// A name mapped after the page was shown: the press adopts nothing.
		$this->sim->seed([['name' => 'second.operator.example']]);
		Plugin::instance()->fleet()->primary()->app->record(['name' => 'second.operator.example', 'id' => 900, 'www' => false, 'wildcard' => false]);
		$this->map_domain('second.operator.example', 3);
		\WP_Ultimo\Test\Async_Queue::clear();
		$this->assertSame('adopt_changed', $this->press_adopt($listed[1]));
		$this->assertArrayNotHasKey(self::FOREIGN, $this->managed());

		ob_start();
		$page->render();
		preg_match('/name="listed" value="([0-9a-f]{32})"/', (string) ob_get_clean(), $listed);
		$this->assertSame('adopted', $this->press_adopt($listed[1]));
		$this->assertArrayHasKey(self::FOREIGN, $this->managed());
		$this->assertArrayHasKey('second.operator.example', $this->managed());
	}

	/**
	 * Presses "Adopt these names" with the page's fingerprint; returns what the page then says.
	 *
	 * @param string $listed The form's fingerprint.
	 */
	private function press_adopt(string $listed): string {
		$_POST    = ['action' => Routes::ADOPT_ACTION, 'listed' => $listed, '_wpnonce' => wp_create_nonce(Routes::ADOPT_ACTION)];
		$_REQUEST = $_POST;
		try {
			do_action('admin_post_' . Routes::ADOPT_ACTION);
		} catch (Page_Redirected $back) {
			parse_str((string) wp_parse_url($back->getMessage(), PHP_URL_QUERY), $query);
			return (string) ($query['wu_runcloud_done'] ?? '');
		} finally {
			$_POST    = [];
			$_REQUEST = [];
		}
		$this->fail('the press did not go back to the page');
	}

	/**
	 * The recorded CLI output of one kind.
	 *
	 * @param string $kind line, success, warning, error, items.
	 * @return list<mixed>
	 */
	private function printed(string $kind): array {
		$texts = [];
		foreach (\WP_CLI::$output as $entry) {
			if ($entry[0] === $kind) {
				$texts[] = $entry[1];
			}
		}
		if ('items' !== $kind) {
			return $texts;
		}
		$items = [];
		foreach ($texts as $json) {
			$items = array_merge($items, (array) json_decode($json, true)['items']);
		}
		return $items;
	}
}
