<?php
/**
 * The Status tab's web apps.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Admin;

use WuRunCloud\Plugin\Status\App_Status;
use WuRunCloud\Plugin\Status\Labels;
use WuRunCloud\Plugin\Status\Logger;

defined('ABSPATH') || exit;

/**
 * Every web app the names go to (the primary one of the constants, and those
 * of WU_RUNCLOUD_APPS): whether it answers, its SSL mode, how many names it
 * holds, what waits for it, and how far the walk filling a new one got.
 */
class Apps_Section implements Section {

	/**
	 * @var App_Status
	 */
	private $apps;

	/**
	 * @var Logger
	 */
	private $logger;

	/**
	 * @param App_Status $apps   Each web app's state.
	 * @param Logger     $logger Redacts what RunCloud said.
	 */
	public function __construct(App_Status $apps, Logger $logger) {
		$this->apps   = $apps;
		$this->logger = $logger;
	}

	/**
	 * Nothing to say: the section has no action.
	 *
	 * @return array<string, array{0: string, 1: string}>
	 */
	public function messages(): array {
		return [];
	}

	/**
	 * Prints the section.
	 */
	public function render(): void {
		echo '<h2 id="wu-runcloud-apps">' . esc_html__('Web apps', 'wu-runcloud') . '</h2>';
		echo '<p>' . esc_html__('Every mapped name goes to each of these RunCloud web apps. More can be listed in WU_RUNCLOUD_APPS ("SERVER:APP, SERVER:APP"); an app taken out of the list is left as it is.', 'wu-runcloud') . '</p>';
		$problem = $this->apps->problem();
		if ('' !== $problem) {
			echo '<p class="wu-runcloud-failure">' . esc_html($this->logger->redact($problem)) . '</p>';
		}
		echo '<table class="widefat striped wu-runcloud-apps"><thead><tr><th>' . esc_html__('Web app', 'wu-runcloud') . '</th><th>' . esc_html__('Answers', 'wu-runcloud') . '</th><th>' . esc_html__('SSL mode', 'wu-runcloud') . '</th><th>' . esc_html__('Names', 'wu-runcloud') . '</th><th>' . esc_html__('Waiting for a retry', 'wu-runcloud') . '</th></tr></thead><tbody>';
		foreach ($this->apps->all() as $app) {
			echo Html::row( // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped when built.
				[
					$app['primary'] ? sprintf(/* translators: %s: the web app */ __('%s (primary)', 'wu-runcloud'), $app['label']) : $app['label'],
					$this->logger->redact(Labels::answers($app)),
					Labels::ssl_mode($app['ssl_mode']),
					$app['view_whole'] ? (string) $app['names'] : __('not read whole yet', 'wu-runcloud'),
					(string) $app['waiting'],
				]
			);
			if ('' !== $app['progress']) {
				echo '<tr><td colspan="5" class="wu-runcloud-app-progress">' . esc_html($app['progress']) . '</td></tr>';
			}
		}
		echo '</tbody></table>';
	}
}
