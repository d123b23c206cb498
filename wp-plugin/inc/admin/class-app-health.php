<?php
/**
 * Site Health test of the web apps the names go to.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Admin;

use WuRunCloud\Plugin\Status\App_Status;
use WuRunCloud\Plugin\Status\Labels;
use WuRunCloud\Plugin\Status\Logger;

defined('ABSPATH') || exit;

/**
 * With several web apps (WU_RUNCLOUD_APPS): does each answer, and does each
 * hold the names? Read from what each app's queue and view keep: no request.
 */
class App_Health {

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
	 * Adds the test, on the network's main site, when there are several apps.
	 *
	 * @param array $tests Site Health tests.
	 * @return array
	 */
	public function register_tests($tests): array {
		return Site_Health::add_where_they_apply(
			$tests,
			function (array $tests): array {
				if ($this->apps->several() || '' !== $this->apps->problem()) {
					$tests['direct']['wu_runcloud_apps'] = [
						'label' => __('RunCloud web apps', 'wu-runcloud'),
						'test'  => [$this, 'test_apps'],
					];
				}
				return $tests;
			}
		);
	}

	/**
	 * Every app answers and is read whole: good; else which does not, and why.
	 *
	 * @return array
	 */
	public function test_apps(): array {
		$problem = $this->apps->problem();
		if ('' !== $problem) {
			return Health_Result::make('wu_runcloud_apps', 'critical', __('WU_RUNCLOUD_APPS cannot be read: only the primary web app gets the names', 'wu-runcloud'), '<p>' . esc_html($this->logger->redact($problem)) . '</p>');
		}
		$items   = '';
		$failing = 0;
		foreach ($this->apps->all() as $app) {
			$failing += 'yes' === $app['reachable'] ? 0 : 1;
			$items   .= '<li>' . esc_html(sprintf('%s: %s; %s; %d', $app['label'], $this->logger->redact(Labels::answers($app)), Labels::ssl_mode($app['ssl_mode']), $app['names'])) . '</li>';
		}
		if (0 === $failing) {
			return Health_Result::make('wu_runcloud_apps', 'good', __('Every RunCloud web app answers', 'wu-runcloud'), '<ul>' . $items . '</ul>');
		}
		$result            = Health_Result::make(
			'wu_runcloud_apps',
			'recommended',
			/* translators: %d: number of web apps */
			sprintf(_n('%d RunCloud web app does not answer or was not read whole yet', '%d RunCloud web apps do not answer or were not read whole yet', $failing, 'wu-runcloud'), $failing),
			'<p>' . esc_html__('Each name goes to every web app; one that fails is retried on its own, and the others go on. Names waiting for it are listed on the Domains tab.', 'wu-runcloud') . '</p><ul>' . $items . '</ul>'
		);
		$result['actions'] = '<a href="' . esc_url(Routes::url()) . '#wu-runcloud-apps">' . esc_html__('See the web apps', 'wu-runcloud') . '</a>';
		return $result;
	}
}
