<?php
/**
 * Ultimate Multisite's hosting-integration wizard, step by step.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

/**
 * A network admin enables RunCloud through the wizard's own step handlers
 * (stand-in pages following 2.4.10 and 2.5): activation, instructions,
 * configuration with the token or the key and secret, testing, done. 2.4.10
 * writes the constants (here into a file standing in for wp-config.php,
 * which the next process loads); 2.5 stores them. The next request then has
 * a working connection test, no notice from the core provider, and a
 * mapped domain reaches RunCloud. The same holds with constants written by
 * hand.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class WizardTest extends Integration_Test_Case {

	/**
	 * The credential constants, none defined: the wizard provides them.
	 */
	const NO_CREDENTIALS = ['WU_RUNCLOUD_API_TOKEN' => null, 'WU_RUNCLOUD_API_KEY' => null, 'WU_RUNCLOUD_API_SECRET' => null, 'WU_RUNCLOUD_SERVER_ID' => null, 'WU_RUNCLOUD_APP_ID' => null];

	/**
	 * Runs the wizard in a process; step($section, $post, $get) loads the
	 * page, runs its handler when posting, and renders the section's view.
	 */
	const WIZARD = <<<'PHP'
		wp_set_current_user(1);
		$redirects = [];
		add_filter('wp_redirect', function ($location) use (&$redirects) { $redirects[] = $location; return $location; });
		\WP_Ultimo\Helpers\WP_Config::$path = getenv('WU_TEST_WIZARD_FILE') ?: null;
		$step = function (string $section, ?array $post = null, array $get = []) use (&$redirects) {
			$redirects = [];
			$_GET      = ['page' => 'wp-ultimo-hosting-integration-wizard', 'integration' => 'runcloud', 'step' => $section] + $get;
			$_POST     = (array) $post;
			$_REQUEST  = array_merge($_GET, $_POST);
			if (null !== $post) {
				$_REQUEST["saving_$section"] = '1';
				$_REQUEST['_wpultimo_nonce'] = wp_create_nonce("saving_$section");
				$_REQUEST['saving_config']   = 'config' === $section ? wp_create_nonce('saving_config') : null;
			}
			$page = new \WP_Ultimo\Admin_Pages\Hosting_Integration_Wizard_Admin_Page();
			ob_start();
			try {
				$page->page_loaded();
				$sections = $page->get_sections();
				call_user_func($sections[ $section ]['view']);
			} catch (\WP_Ultimo\Admin_Pages\Wizard_Redirect $e) {
				unset($e);
			} catch (\Throwable $e) {
				echo 'ERROR ' . get_class($e) . ': ' . $e->getMessage();
			}
			return ['html' => ob_get_clean(), 'sections' => array_keys($page->get_sections()), 'redirect' => end($redirects) ?: null];
		};
PHP;

	/**
	 * The next request: notices, the connection test as the wizard's
	 * testing step runs it, the done step, and a mapped domain.
	 */
	const AFTERWARDS = <<<'PHP'
		wp_set_current_user(1);
		$notices = array_keys(WP_Ultimo()->notices->get_notices('network-admin'));
		$_REQUEST['integration'] = 'runcloud';
		add_filter('wp_die_ajax_handler', function () { return function () { throw new \RuntimeException('died'); }; });
		add_filter('wp_doing_ajax', '__return_true');
		ob_start();
		try {
			do_action('wp_ajax_wu_test_hosting_integration');
		} catch (\RuntimeException $e) {
			unset($e);
		}
		$test = json_decode((string) ob_get_clean(), true);
		remove_all_filters('wp_doing_ajax');
		\WP_Ultimo\Managers\Domain_Manager::get_instance()->map_domain('wizard.example.com', 1);
		\WP_Ultimo\Test\Async_Queue::run();
		$core = class_exists('\WP_Ultimo\Integrations\Host_Providers\Runcloud_Host_Provider', false)
			? \WP_Ultimo\Integrations\Host_Providers\Runcloud_Host_Provider::$calls
			: \WP_Ultimo\Integrations\Providers\RunCloud\RunCloud_Domain_Mapping::$calls;
		// Every callback of the core provider's objects still hooked anywhere.
		$core_hooks = [];
		foreach ($GLOBALS['wp_filter'] as $hook => $filter) {
			foreach ($filter->callbacks as $callbacks) {
				foreach ($callbacks as $callback) {
					if (is_array($callback['function']) && is_object($callback['function'][0]) && 0 === strpos(get_class($callback['function'][0]), 'WP_Ultimo\\Integrations\\') && false !== stripos(get_class($callback['function'][0]), 'runcloud')) {
						$core_hooks[] = $hook . ' ' . $callback['function'][1];
					}
				}
			}
		}
		echo json_encode([
			'notices'      => $notices,
			'test'         => $test,
			'core_calls'   => $core,
			'constants'    => array_filter(['WU_RUNCLOUD_API_TOKEN', 'WU_RUNCLOUD_API_KEY', 'WU_RUNCLOUD_API_SECRET', 'WU_RUNCLOUD_SERVER_ID', 'WU_RUNCLOUD_APP_ID', 'WU_RUNCLOUD_API_URL'], 'defined'),
			'api_url'      => defined('WU_RUNCLOUD_API_URL') ? WU_RUNCLOUD_API_URL : null,
			'early'        => $GLOBALS['wu_test_translated_before_init'],
			'took_over'    => \WuRunCloud\Plugin\Plugin::instance()->took_over(),
			'core_hooks'   => $core_hooks,
		]), "\n";
PHP;

	/**
	 * @var string|null
	 */
	private $file;

	protected function setUp(): void {
		parent::setUp();
		$this->set_enabled(false);
	}

	protected function tearDown(): void {
		$this->set_enabled(true);
		foreach (array_keys(self::NO_CREDENTIALS) as $constant) {
			delete_network_option(null, 'wu_hosting_credential_' . $constant);
		}
		if (null !== $this->file && is_file($this->file)) {
			unlink($this->file);
		}
		parent::tearDown();
	}

	/**
	 * @return array<string, array{0: array<string, string>, 1: string}>
	 */
	public static function credentials(): array {
		return [
			'token'          => [['WU_RUNCLOUD_API_TOKEN' => 'test-token', 'WU_RUNCLOUD_API_KEY' => '', 'WU_RUNCLOUD_API_SECRET' => '', 'WU_RUNCLOUD_SERVER_ID' => '1', 'WU_RUNCLOUD_APP_ID' => '1'], 'v3'],
			'key and secret' => [['WU_RUNCLOUD_API_TOKEN' => '', 'WU_RUNCLOUD_API_KEY' => 'test-key', 'WU_RUNCLOUD_API_SECRET' => 'test-secret', 'WU_RUNCLOUD_SERVER_ID' => '1', 'WU_RUNCLOUD_APP_ID' => '1'], 'v2'],
		];
	}

	/**
	 * @dataProvider credentials
	 *
	 * @param array<string, string> $posted  What the admin enters.
	 * @param string                $version API version they select.
	 */
	#[\PHPUnit\Framework\Attributes\DataProvider('credentials')]
	public function test_the_wizard_sets_runcloud_up(array $posted, string $version): void {
		$this->file = (string) tempnam(sys_get_temp_dir(), 'wu-wp-config-');
		file_put_contents($this->file, "<?php\n");
		$code = self::WIZARD . <<<'PHP'
			$first_view   = $step('activation');
			$activation   = $step('activation', []);
			$enabled      = ! empty(get_network_option(null, 'wu_host_integrations_enabled')['runcloud']);
			$instructions = $step('instructions');
			$config_view  = $step('config');
			$posted       = json_decode(getenv('WU_TEST_POSTED'), true);
			$manual       = null;
			if (getenv('WU_TEST_WIZARD_FILE')) {
				// 2.4.x: "I'll add them myself" shows the snippet to paste, then "Inject" writes them.
				// (The handler puts the posted fields as JSON in the redirect, whose
				// sanitising strips the quotes: the view is given them intact here.)
				$manual_post = $step('config', $posted + ['submit' => '0']);
				$manual      = $step('config', null, ['manual' => '1', 'post' => wp_slash(wp_json_encode($posted))])['html'];
			}
			$saved   = $step('config', $posted + ['submit' => '1']);
			$refill  = $step('config');
			$testing = $step('testing');
			$done    = $step('done');
			echo json_encode([
				'first_view'   => $first_view['html'],
				'activation'   => $activation,
				'enabled'      => $enabled,
				'instructions' => $instructions,
				'config_view'  => $config_view['html'],
				'manual'       => $manual,
				'manual_post'  => $manual_post['redirect'] ?? null,
				'saved'        => $saved['redirect'],
				'refill'       => $refill['html'],
				'testing'      => $testing['html'],
				'done'         => $done['html'],
				'early'        => $GLOBALS['wu_test_translated_before_init'],
			]), "\n";
PHP;
		$a   = 'a' === self::architecture();
		$env = self::NO_CREDENTIALS + ['WU_TEST_POSTED' => (string) wp_json_encode($posted), 'WU_TEST_WIZARD_FILE' => $a ? $this->file : ''];
		$run = WordPress_Process::run($code, $env);
		$this->assertSame(0, $run['status'], $run['output'] . $run['errors']);
		$wizard = $run['result'];

		// Activation.
		$this->assertTrue($wizard['enabled'], 'activation enables the integration');
		$this->assertStringContainsString('step=instructions', (string) $wizard['activation']['redirect']);
		$this->assertSame(['activation', 'instructions', 'config', 'testing', 'done'], $wizard['activation']['sections']);
		// Instructions: ours, not a TypeError.
		$this->assertStringNotContainsString('ERROR', $wizard['instructions']['html']);
		$this->assertStringContainsString('the number in its address is the server ID (WU_RUNCLOUD_SERVER_ID)', $wizard['instructions']['html']);
		$this->assertStringContainsString('https://ultimatemultisite.com/docs/user-guide/host-integrations/runcloud', $wizard['instructions']['html']);
		// Configuration: the secrets are password fields, also once stored values are filled back in.
		foreach (['WU_RUNCLOUD_API_TOKEN', 'WU_RUNCLOUD_API_KEY', 'WU_RUNCLOUD_API_SECRET'] as $secret) {
			$this->assertMatchesRegularExpression('/<input type="password" name="' . $secret . '" value="[^"]*" autocomplete="new-password">/', $wizard['config_view'], $secret);
			$this->assertMatchesRegularExpression('/<input type="password" name="' . $secret . '"/', $wizard['refill'], "$secret after saving");
		}
		$this->assertStringContainsString('<input type="text" name="WU_RUNCLOUD_SERVER_ID"', $wizard['config_view']);
		$this->assertStringContainsString('step=testing', (string) $wizard['saved'], 'saving goes on to the testing step');
		$this->assertStringContainsString('data-integration="runcloud"', $wizard['testing']);
		$this->assertStringContainsString('The integration with RunCloud was correctly setup', $wizard['done']);
		$this->assertSame([], $wizard['early']);

		if ($a) {
			$expected = [];
			foreach ($posted as $constant => $value) {
				$expected[] = "define( '$constant', '$value' );";
			}
			// The snippet and the file hold exactly the five fields, nothing filled with an index.
			$snippet = array_values(preg_grep('/^define/', explode("\n", html_entity_decode((string) $wizard['manual'], ENT_QUOTES))));
			sort($snippet);
			sort($expected);
			$this->assertSame($expected, $snippet, 'the manual snippet');
			$this->assertStringContainsString('manual=1', (string) $wizard['manual_post'], '"add them myself" shows the snippet');
			$written = array_map('trim', preg_replace('#\s*// Automatically injected by Ultimate Multisite;#', '', preg_grep('/^define/', (array) file($this->file))));
			sort($written);
			$this->assertSame($expected, $written, 'what the wizard wrote into wp-config.php');
		} else {
			foreach ($posted as $constant => $value) {
				$this->assertSame('' === $value ? false : $value, get_network_option(null, 'wu_hosting_credential_' . $constant), $constant);
			}
		}

		$this->assertStringContainsString('wu-runcloud/assets/logo.svg', $wizard['first_view'], 'our logo');
		$this->assertStringContainsString('Redeploy the SSL certificate once after a burst of changes', $wizard['first_view'], 'our explainer lines');

		// The next request.
		$env = self::NO_CREDENTIALS + ['WU_TEST_WIZARD_CONFIG' => $a ? $this->file : ''];
		$run = WordPress_Process::run(self::AFTERWARDS, $env);
		$this->assertSame(0, $run['status'], $run['output'] . $run['errors']);
		$after = $run['result'];
		$this->assertTrue($after['test']['success'], (string) wp_json_encode($after['test']));
		if ($a) {
			$this->assertStringContainsString('(API ' . $version . ')', $after['test']['data']['message']);
		}
		$this->assertSame((string) getenv('WU_TEST_SIM_URL'), $after['api_url'], 'WU_RUNCLOUD_API_URL is the hand-written one');
		$this->assertSame([], $after['notices'], 'no notice, from the core provider or ours');
		$this->assertSame([], $after['core_calls'], 'the core provider did nothing');
		$this->assertSame([], $after['core_hooks'], 'nothing of the core provider is hooked');
		$this->assertSame([], $after['early']);
		$this->assertNotNull($this->sim->domain('wizard.example.com'), 'the mapped domain reached RunCloud');
		$this->assertCount(1, preg_grep('#^POST .*/domains$#', $this->sim->request_lines()), 'one create');
	}

	/**
	 * @return array<string, array{0: array<string, string|null>}>
	 */
	public static function hand_written(): array {
		return [
			'token'          => [['WU_RUNCLOUD_API_TOKEN' => 'test-token']],
			'key and secret' => [['WU_RUNCLOUD_API_TOKEN' => null, 'WU_RUNCLOUD_API_KEY' => 'test-key', 'WU_RUNCLOUD_API_SECRET' => 'test-secret']],
		];
	}

	/**
	 * @dataProvider hand_written
	 *
	 * @param array<string, string|null> $constants Constants written into wp-config.php by hand.
	 */
	#[\PHPUnit\Framework\Attributes\DataProvider('hand_written')]
	public function test_hand_written_constants_leave_the_core_provider_silent(array $constants): void {
		$this->set_enabled(true);
		$run = WordPress_Process::run(self::AFTERWARDS, $constants);

		$this->assertSame(0, $run['status'], $run['output'] . $run['errors']);
		$after = $run['result'];
		$this->assertSame([], $after['notices'], 'neither "not properly setup" nor "V2 discontinued"');
		$this->assertTrue($after['test']['success'], (string) wp_json_encode($after['test']));
		$this->assertSame([], $after['core_calls']);
		$this->assertSame([], $after['early'], 'nothing translated before init');
		$this->assertSame([], $after['core_hooks'], 'nothing of the core provider is hooked');
		$this->assertNotNull($this->sim->domain('wizard.example.com'));
	}

	public function test_a_half_configured_integration_is_reported_by_ours_only(): void {
		$this->set_enabled(true);
		$run = WordPress_Process::run(self::AFTERWARDS, ['WU_RUNCLOUD_API_TOKEN' => null, 'WU_RUNCLOUD_API_KEY' => 'test-key']);

		$this->assertSame(0, $run['status'], $run['output'] . $run['errors']);
		$this->assertSame(['should-setup-runcloud-integration'], $run['result']['notices'], 'ours is not set up: that notice is ours to give');
		$this->assertFalse($run['result']['test']['success']);
	}

	/**
	 * Enables or disables RunCloud in Host Integrations.
	 *
	 * @param bool $enabled Enabled.
	 */
	private function set_enabled(bool $enabled): void {
		wp_cache_flush();
		update_network_option(null, 'wu_host_integrations_enabled', ['runcloud' => $enabled]);
	}
}
