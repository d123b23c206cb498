<?php
/**
 * The plugin's translations.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

/**
 * With the site's language set to Turkish, the plugin's text domain loads
 * from wp-plugin/languages and its messages come out in Turkish.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class TranslationTest extends Integration_Test_Case {

	public function test_messages_come_out_in_turkish(): void {
		$run = WordPress_Process::run(
			<<<'PHP'
			$report = \WuRunCloud\Plugin\Plugin::instance()->service()->test_connection();
			echo json_encode([
				'locale'  => determine_locale(),
				'label'   => __('RunCloud connection', 'wu-runcloud'),
				'notice'  => sprintf(_n('%d operation is waiting for a retry.', '%d operations are waiting for a retry.', 2, 'wu-runcloud'), 2),
				'message' => $report->message,
			]), "\n";
PHP
			,
			['WU_RUNCLOUD_APP_ID' => null, 'WU_TEST_LOCALE' => 'tr_TR']
		);

		$this->assertSame(0, $run['status'], $run['output'] . $run['errors']);
		$this->assertSame('tr_TR', $run['result']['locale']);
		$this->assertSame('RunCloud bağlantısı', $run['result']['label']);
		$this->assertSame('2 işlem yeniden denenmeyi bekliyor.', $run['result']['notice']);
		$this->assertSame('RunCloud yapılandırılmamış: wp-config.php içinde WU_RUNCLOUD_APP_ID tanımlayın.', $run['result']['message']);
	}
}
