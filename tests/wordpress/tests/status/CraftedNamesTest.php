<?php
/**
 * Names on the app that were crafted to break what shows them.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

use WuRunCloud\Plugin\Plugin;
use WuRunCloud\Plugin\Status\Domain_Status;
use WuRunCloud\Plugin\Status\Printable;


require_once WU_TEST_SUITE_DIR . '/stand-ins/wp-cli.php';

/**
 * A name whose punycode overflows a decoder, and text with terminal escape
 * sequences that reached the plugin's own records, break neither the Domains
 * tab, nor Site Health's Info section, nor `wp runcloud names`; what they show
 * holds no control character.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class CraftedNamesTest extends Integration_Test_Case {

	/** "xn--" and forty 9s and "a": its punycode digits overflow any integer. */
	private const OVERFLOWING = 'xn--9999999999999999999999999999999999999999a.example';

	protected function setUp(): void {
		parent::setUp();
		require_once ABSPATH . 'wp-admin/includes/admin.php';
		set_current_screen('settings_page_wu-runcloud-network');
		wp_set_current_user(1);
		\WP_CLI::$output = [];
	}

	protected function tearDown(): void {
		$_GET                      = [];
		$_REQUEST                  = [];
		$GLOBALS['current_screen'] = null;
		wp_set_current_user(0);
		parent::tearDown();
	}

	public function test_a_name_whose_punycode_overflows_breaks_nothing(): void {
		$this->assertSame(45, strlen(explode('.', self::OVERFLOWING)[0]));
		$this->sim->seed([['name' => self::OVERFLOWING]]);
		Plugin::instance()->service()->list_domains();

		$this->assertSame(self::OVERFLOWING, Domain_Status::unicode(self::OVERFLOWING), 'shown as it is');
		$this->assertStringContainsString('data-name="' . self::OVERFLOWING . '"', $this->render_domains_tab());
		$info = apply_filters('debug_information', []);
		$this->assertGreaterThanOrEqual(1, $info['wu-runcloud']['fields']['names_extra']['debug'], 'counted with the names on the app no site wants');
		Plugin::instance()->cli_command('names')([], ['format' => 'json']);
		$rows = array_column(json_decode($this->printed()[0], true), null, 'name');
		$this->assertSame(self::OVERFLOWING, $rows[ self::OVERFLOWING ]['unicode']);
		$this->assertSame('extra', $rows[ self::OVERFLOWING ]['state']);
	}

	public function test_a_look_alike_in_punycode_is_shown_in_punycode(): void {
		$this->assertSame('xn--pypal-4ve.com', Domain_Status::unicode('xn--pypal-4ve.com'));
		$this->assertSame('bücher.example', Domain_Status::unicode('xn--bcher-kva.example'));
	}

	public function test_escape_sequences_never_reach_a_terminal_or_the_page(): void {
		// Text the extension now refuses, as an older version may have stored it
		// (the table holds ASCII only, so C1 controls cannot be stored).
		$escape = "\e]0;owned\x07\e[2J";
		Plugin::instance()->service()->list_domains();
		Plugin::instance()->fleet()->primary()->app->record(['name' => "evil{$escape}.example", 'id' => 77, 'www' => false, 'wildcard' => false]);

		Plugin::instance()->cli_command('names')([], ['format' => 'csv']);
		Plugin::instance()->cli_command('names')([], ['format' => 'json']);
		$page = $this->render_domains_tab();

		$this->assertStringContainsString("evil]0;owned[2j.example,evil\u{fffd}]0;owned\u{fffd}\u{fffd}[2j.example,extra", implode("\n", $this->printed()), "stored lowercased; the Unicode form marks each control character");
		foreach (array_merge($this->printed(), [$page]) as $text) {
			$this->assertDoesNotMatchRegularExpression('/[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]|\xC2[\x80-\x9F]/', $text);
		}
		$this->assertSame("a b\u{fc}", Printable::text("a\u{200B} \u{202E}b\u{fc}\u{AD}\r\n"));
	}

	private function render_domains_tab(): string {
		$_GET     = ['page' => 'wu-runcloud', 'tab' => 'domains'];
		$_REQUEST = $_GET;
		ob_start();
		Plugin::instance()->settings_page()->render();
		return (string) ob_get_clean();
	}

	/** @return list<string> What the command printed to stdout. */
	private function printed(): array {
		$texts = [];
		foreach (\WP_CLI::$output as $entry) {
			if ('stdout' === $entry[0]) {
				$texts[] = $entry[1];
			}
		}
		return $texts;
	}
}
