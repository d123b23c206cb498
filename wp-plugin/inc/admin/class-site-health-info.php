<?php
/**
 * Tools > Site Health > Info: the RunCloud section.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Admin;

use WuRunCloud\Plugin\Extension\Credentials;
use WuRunCloud\Plugin\Extension\Extension_Gateway;
use WuRunCloud\Plugin\Extension\Failure;
use WuRunCloud\Plugin\Status\App_Status;
use WuRunCloud\Plugin\Status\Domain_Status;
use WuRunCloud\Plugin\Status\Failure_Log;
use WuRunCloud\Plugin\Status\Labels;
use WuRunCloud\Plugin\Sync\App_Domains;
use WuRunCloud\Plugin\Sync\Certificates\Certificate_Queue;
use WuRunCloud\Plugin\Sync\Certificates\Last_Redeploy;
use WuRunCloud\Plugin\Sync\Name_Queue;

defined('ABSPATH') || exit;

/**
 * The integration's state in figures, read from what the plugin keeps.
 */
class Site_Health_Info {

	/**
	 * @var Extension_Gateway
	 */
	private $gateway;

	/**
	 * @var Credentials
	 */
	private $credentials;

	/**
	 * @var Domain_Status
	 */
	private $status;

	/**
	 * @var App_Domains
	 */
	private $app;

	/**
	 * @var Name_Queue
	 */
	private $retries;

	/**
	 * @var Certificate_Queue
	 */
	private $ssl;

	/**
	 * @var Last_Redeploy
	 */
	private $redeploys;

	/**
	 * @var Failure_Log
	 */
	private $failures;

	/**
	 * @var App_Status
	 */
	private $apps;

	/**
	 * @param Extension_Gateway $gateway     The extension.
	 * @param Credentials       $credentials Which constants are set.
	 * @param Domain_Status     $status      Every name's state.
	 * @param App_Domains       $app         The network's view of the web app's domains.
	 * @param Name_Queue        $retries     Names waiting for a retry.
	 * @param Certificate_Queue $ssl         Names waiting for a certificate.
	 * @param Last_Redeploy   $redeploys   The last redeploy.
	 * @param Failure_Log       $failures    Operations given up on.
	 * @param App_Status        $apps        Each web app's state.
	 */
	public function __construct(Extension_Gateway $gateway, Credentials $credentials, Domain_Status $status, App_Domains $app, Name_Queue $retries, Certificate_Queue $ssl, Last_Redeploy $redeploys, Failure_Log $failures, App_Status $apps) {
		$this->apps        = $apps;
		$this->gateway     = $gateway;
		$this->credentials = $credentials;
		$this->status      = $status;
		$this->app         = $app;
		$this->retries     = $retries;
		$this->ssl         = $ssl;
		$this->redeploys   = $redeploys;
		$this->failures    = $failures;
	}

	/**
	 * Tools > Site Health > Info: a RunCloud section, which "Copy site info
	 * to clipboard" carries into a support request. Names of constants only,
	 * never their values; no request to RunCloud.
	 *
	 * @param array $info Sections.
	 * @return array
	 */
	public function debug_information($info): array {
		$info   = is_array($info) ? $info : [];
		$config = $this->gateway->config();
		$set    = [];
		foreach ((array) ($config['constants'] ?? []) as $name => $is_set) {
			if ($is_set) {
				$set[] = (string) $name;
			}
		}
		if ([] === $set && [] === $config) {
			foreach (Credentials::all() as $name) {
				if ($this->credentials->has($name)) {
					$set[] = $name;
				}
			}
		}
		$counts = array_fill_keys(Domain_Status::STATES, 0);
		foreach ($this->status->all() as $row) {
			++$counts[ $row['state'] ];
		}
		$last     = $this->redeploys->last();
		$given_up = count($this->failures->all());
		$queued   = $this->retries->all();
		$overdue  = count(
			array_filter(
				$queued,
				static function ($entry) {
					return Failure::is_overdue((int) $entry['next_at']);
				}
			)
		);
		$fields   = [
			'extension'   => ['label' => __('Extension version', 'wu-runcloud'), 'value' => $this->gateway->version() ?? __('not loaded', 'wu-runcloud')],
			'api_version' => ['label' => __('RunCloud API version', 'wu-runcloud'), 'value' => (string) ($config['api_version'] ?? '-')],
			'constants'   => ['label' => __('Constants set (names only)', 'wu-runcloud'), 'value' => [] === $set ? __('none', 'wu-runcloud') : implode(', ', $set)],
			'app'         => ['label' => __('Web app', 'wu-runcloud'), 'value' => sprintf('server %s, app %s', defined(Credentials::SERVER_ID) ? (string) constant(Credentials::SERVER_ID) : '-', defined(Credentials::APP_ID) ? (string) constant(Credentials::APP_ID) : '-')],
			'ssl_mode'    => ['label' => __('SSL mode (last redeploy)', 'wu-runcloud'), 'value' => null === $last ? __('unknown', 'wu-runcloud') : $last['mode'] . ', ' . $last['action']],
			'app_view'    => ['label' => __('Domains on RunCloud (kept view)', 'wu-runcloud'), 'value' => (string) $this->app->count(), 'debug' => $this->app->count()],
		];
		foreach ($counts as $state => $count) {
			/* translators: %s: a state (live, missing, waiting, extra, covered) */
			$fields[ 'names_' . $state ] = ['label' => sprintf(__('Names: %s', 'wu-runcloud'), $state), 'value' => (string) $count, 'debug' => $count];
		}
		$fields['pending']     = ['label' => __('Waiting for a retry', 'wu-runcloud'), 'value' => (string) count($queued), 'debug' => count($queued)];
		$fields['overdue']     = ['label' => __('Overdue', 'wu-runcloud'), 'value' => (string) $overdue, 'debug' => $overdue];
		$fields['certificate'] = ['label' => __('Waiting for a certificate redeploy', 'wu-runcloud'), 'value' => (string) count($this->ssl->pending()), 'debug' => count($this->ssl->pending())];
		$fields['given_up']    = ['label' => __('Given up', 'wu-runcloud'), 'value' => (string) $given_up, 'debug' => $given_up];
		foreach ($this->apps->several() ? $this->apps->all() : [] as $app) {
			$fields[ 'app_' . str_replace(':', '_', $app['app']) ] = [
				/* translators: %s: the web app */
				'label' => sprintf(__('Web app %s', 'wu-runcloud'), $app['label']),
				/* translators: 1: whether it answers, 2: SSL mode, 3: number of names */
				'value' => sprintf(__('answers: %1$s; %2$s; %3$d names', 'wu-runcloud'), Labels::answers(['reachable' => $app['reachable'], 'problem' => '' === $app['problem'] ? '' : __('see the Status tab', 'wu-runcloud')]), Labels::ssl_mode($app['ssl_mode']), $app['names']),
			];
		}
		$info['wu-runcloud'] = [
			'label'       => __('RunCloud for Ultimate Multisite', 'wu-runcloud'),
			'description' => __('The RunCloud integration\'s state. Constant names only, never their values.', 'wu-runcloud'),
			'fields'      => $fields,
		];
		return $info;
	}
}
