<?php
/**
 * WP-CLI: wp runcloud ...
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin;

use WuRunCloud\RunCloudException;

defined('ABSPATH') || exit;

/**
 * Inspects and drives the RunCloud integration.
 *
 * ## EXAMPLES
 *
 *     wp runcloud status
 *     wp runcloud test
 *     wp runcloud domains --format=json
 *     wp runcloud redeploy-ssl
 *     wp runcloud sync --dry-run
 */
class CLI_Command {

	/**
	 * @var Extension_Gateway
	 */
	private $gateway;

	/**
	 * @var Credentials
	 */
	private $credentials;

	/**
	 * @var Domain_Sync_Service
	 */
	private $service;

	/**
	 * @var Managed_Domains
	 */
	private $managed;

	/**
	 * @var Sync\Certificate_Queue
	 */
	private $ssl;

	/**
	 * @var Sync\Name_Queue
	 */
	private $retries;

	/**
	 * @param Extension_Gateway   $gateway     The extension.
	 * @param Credentials         $credentials Credentials.
	 * @param Domain_Sync_Service $service     The service.
	 * @param Managed_Domains     $managed     Names this integration added.
	 * @param Sync\Certificate_Queue $ssl         Pending redeploy.
	 * @param Sync\Name_Queue $retries     Retries.
	 */
	public function __construct(Extension_Gateway $gateway, Credentials $credentials, Domain_Sync_Service $service, Managed_Domains $managed, Sync\Certificate_Queue $ssl, Sync\Name_Queue $retries) {
		$this->gateway     = $gateway;
		$this->credentials = $credentials;
		$this->service     = $service;
		$this->managed     = $managed;
		$this->ssl         = $ssl;
		$this->retries     = $retries;
	}

	/**
	 * Shows the extension, the configuration (names only), the architecture and what is pending.
	 *
	 * ## EXAMPLES
	 *
	 *     wp runcloud status
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Options.
	 */
	public function status($args = [], $assoc_args = []): void {
		$version = $this->gateway->version();
		$config  = $this->gateway->config();
		$rows    = [
			[__('Extension', 'wu-runcloud'), null === $version ? __('not loaded', 'wu-runcloud') : $version],
			[__('Ultimate Multisite', 'wu-runcloud'), $this->architecture_label()],
			[__('Integration', 'wu-runcloud'), Plugin::instance()->took_over() ? __('ours (replaces the built-in one)', 'wu-runcloud') : __('not taken over', 'wu-runcloud')],
			[__('API', 'wu-runcloud'), $this->credentials->api_version() ?? __('not configured', 'wu-runcloud')],
			[__('Base URL', 'wu-runcloud'), $config['base_url'] ?? '-'],
			[__('Constants set', 'wu-runcloud'), implode(', ', array_filter(Credentials::all(), [$this->credentials, 'has'])) ?: '-'],
			[__('Missing', 'wu-runcloud'), implode(', ', $this->credentials->missing()) ?: '-'],
			[__('Domains added by this integration', 'wu-runcloud'), (string) count($this->managed->all())],
			[__('Waiting for a certificate redeploy', 'wu-runcloud'), implode(', ', $this->ssl->pending()) ?: '-'],
			[__('Next redeploy', 'wu-runcloud'), $this->when($this->ssl->next_run())],
			[__('Waiting for a retry', 'wu-runcloud'), (string) count($this->retries->all())],
			[__('Next retry', 'wu-runcloud'), $this->when($this->retries->next_run())],
			[__('Domains on the app (as last seen)', 'wu-runcloud'), $this->app_view()],
			[__('Reconcile under way', 'wu-runcloud'), $this->reconcile_progress()],
		];
		foreach ($rows as $row) {
			\WP_CLI::line(sprintf('%-36s %s', $row[0] . ':', $row[1]));
		}
	}

	/**
	 * Tests the connection: credentials, server and web app ids.
	 *
	 * ## EXAMPLES
	 *
	 *     wp runcloud test
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Options.
	 */
	public function test($args = [], $assoc_args = []): void {
		$report = $this->service->test_connection();
		if ($report->ok) {
			\WP_CLI::success($report->message);
			return;
		}
		\WP_CLI::error($report->message);
	}

	/**
	 * Lists the web app's domains, on every page.
	 *
	 * ## OPTIONS
	 *
	 * [--format=<format>]
	 * : table, csv, json, yaml or count.
	 * ---
	 * default: table
	 * ---
	 *
	 * ## EXAMPLES
	 *
	 *     wp runcloud domains --format=csv
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Options.
	 */
	public function domains($args = [], $assoc_args = []): void {
		try {
			$domains = $this->service->list_domains();
		} catch (RunCloudException | Extension_Missing_Exception $e) {
			\WP_CLI::error($e->getMessage());
			return;
		}
		$managed = $this->managed->all();
		$rows    = [];
		foreach ($domains as $domain) {
			$rows[] = [
				'name'        => $domain['name'],
				'type'        => $domain['type'],
				'www'         => $domain['www'] ? 'yes' : 'no',
				'redirection' => $domain['redirection'],
				'wildcard'    => $domain['wildcard'] ? 'yes' : 'no',
				'managed'     => isset($managed[ $domain['name'] ]) ? 'yes' : 'no',
				'site'        => isset($managed[ $domain['name'] ]) ? $managed[ $domain['name'] ]['site_id'] : '',
			];
		}
		\WP_CLI\Utils\format_items($assoc_args['format'] ?? 'table', $rows, ['name', 'type', 'www', 'redirection', 'wildcard', 'managed', 'site']);
	}

	/**
	 * Redeploys the SSL certificate now: the pending batch, the given domains, or the web app's.
	 *
	 * ## OPTIONS
	 *
	 * [<domain>...]
	 * : Domains (advanced SSL: one certificate each). Default: those waiting, else the web app.
	 *
	 * ## EXAMPLES
	 *
	 *     wp runcloud redeploy-ssl
	 *     wp runcloud redeploy-ssl shop.example.com
	 *
	 * @subcommand redeploy-ssl
	 *
	 * @param array $args       Domains.
	 * @param array $assoc_args Options.
	 */
	public function redeploy_ssl($args = [], $assoc_args = []): void {
		if (! $this->gateway->is_available()) {
			\WP_CLI::error(__('The wu_runcloud PHP extension is not loaded.', 'wu-runcloud'));
			return;
		}
		if ([] !== $args) {
			$results = $this->service->redeploy(array_values($args));
		} elseif ([] === $this->ssl->pending()) {
			// Nothing waits: the web app's own certificate.
			$results = $this->service->redeploy();
		} else {
			$results = $this->service->redeploy_batch();
		}
		if ([] === $results) {
			\WP_CLI::error(__('The redeploy failed; see the integration-runcloud log.', 'wu-runcloud'));
			return;
		}
		foreach ($results as $result) {
			\WP_CLI::success(
				sprintf(
					/* translators: 1: SSL mode, 2: action, 3: RunCloud's message */
					__('%1$s SSL: %2$s (%3$s)', 'wu-runcloud'),
					$result['mode'],
					$result['action'],
					$result['message']
				)
			);
		}
	}

	/**
	 * Brings the web app in line with the network: adds every mapped domain
	 * and every site host (subdomain networks) that is missing.
	 *
	 * ## OPTIONS
	 *
	 * [--dry-run]
	 * : Only show what would change.
	 *
	 * [--prune]
	 * : Also remove the names this integration added that nothing wants any
	 * more. Other names, the network's main domain and the web app's primary
	 * domain are never removed.
	 *
	 * ## EXAMPLES
	 *
	 *     wp runcloud sync --dry-run
	 *     wp runcloud sync --prune
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Options.
	 */
	public function sync($args = [], $assoc_args = []): void {
		$dry_run = ! empty($assoc_args['dry-run']);
		$prune   = ! empty($assoc_args['prune']);
		$walk    = $this->service->reconcile_walk();
		if (! $walk->start('cli', $dry_run, $prune)) {
			$under_way = (array) $walk->progress();
			/* translators: %s: what started the reconcile (daily, admin, cli) */
			\WP_CLI::warning(sprintf(__('A reconcile started by "%s" is under way: going on with it to its end.', 'wu-runcloud'), $under_way['trigger'] ?? '-'));
		}
		$bar   = null;
		$pages = [0, 0];
		$this->service->patiently(
			function () use ($walk, &$bar, &$pages) {
				while (null !== ($next = $walk->step(PHP_INT_MAX))) {
					$progress = (array) $walk->progress();
					if (null === $bar && null !== $progress['total_pages']) {
						$bar = \WP_CLI\Utils\make_progress_bar(__('Reading the web app\'s domains', 'wu-runcloud'), (int) $progress['total_pages']);
					}
					if (null !== $bar) {
						$bar->tick($progress['pages_read'] - $pages[0]);
						$pages = [$progress['pages_read'], (int) $progress['total_pages']];
					}
					// Waiting for RunCloud's next rate-limit window.
					$wait = $next - microtime(true);
					if ($wait > 0) {
						usleep((int) ($wait * 1000000));
					}
				}
			}
		);
		if (null !== $bar) {
			$bar->tick($pages[1] - $pages[0]);
			$bar->finish();
		}
		$report = $walk->last;
		if (null === $report) {
			\WP_CLI::error(Plugin::instance()->logger()->redact($walk->last_failure ?? __('The reconcile did not finish; see the integration-runcloud log.', 'wu-runcloud')));
			return;
		}
		$lists = [
			__('To add', 'wu-runcloud')    => $report['to_add'],
			__('To remove', 'wu-runcloud') => $report['to_remove'],
			__('Unchanged', 'wu-runcloud') => $report['unchanged'],
		];
		foreach ($lists as $label => $names) {
			\WP_CLI::line(sprintf('%-12s %s', $label . ':', implode(', ', $names) ?: '-'));
		}
		foreach ($report['errors'] as $name => $message) {
			\WP_CLI::warning(Plugin::instance()->logger()->redact(sprintf('%s: %s', $name, $message)));
		}
		if ([] !== $report['errors']) {
			/* translators: %d: number of failed names */
			\WP_CLI::error(sprintf(_n('%d name failed; see the integration-runcloud log.', '%d names failed; see the integration-runcloud log.', count($report['errors']), 'wu-runcloud'), count($report['errors'])));
			return;
		}
		if ($report['dry_run']) {
			\WP_CLI::success(__('Dry run: nothing was changed.', 'wu-runcloud'));
			return;
		}
		/* translators: 1: names added, 2: names removed */
		\WP_CLI::success(sprintf(__('Added %1$d, removed %2$d.', 'wu-runcloud'), count($report['added']), count($report['removed'])));
	}

	/**
	 * The network's view of the app, for status.
	 */
	private function app_view(): string {
		$app       = $this->service->app_domains();
		$refreshed = $app->refreshed_at();
		/* translators: 1: number of domains, 2: when the whole list was last read */
		return sprintf(__('%1$d, whole list last read %2$s', 'wu-runcloud'), $app->count(), null === $refreshed ? __('never', 'wu-runcloud') : gmdate('Y-m-d H:i:s', $refreshed) . ' UTC');
	}

	/**
	 * The reconcile under way, for status.
	 */
	private function reconcile_progress(): string {
		$progress = $this->service->reconcile_walk()->progress();
		if (null === $progress) {
			return '-';
		}
		return Reconcile_Page::describe_progress($progress);
	}

	/**
	 * @param int|null $timestamp Unix time.
	 */
	private function when(?int $timestamp): string {
		if (null === $timestamp) {
			return '-';
		}
		$delta = $timestamp - time();
		/* translators: %d: seconds */
		return gmdate('Y-m-d H:i:s', $timestamp) . ' UTC (' . sprintf(__('in %d s', 'wu-runcloud'), max(0, $delta)) . ')';
	}

	/**
	 * The architecture, for humans.
	 */
	private function architecture_label(): string {
		switch (Plugin::architecture()) {
			case 'registry':
				return __('2.5+ (integration registry)', 'wu-runcloud');
			case 'host-providers':
				return __('up to 2.4 (host providers)', 'wu-runcloud');
			default:
				return __('not installed', 'wu-runcloud');
		}
	}
}
