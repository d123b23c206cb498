<?php
/**
 * WP-CLI: `wp runcloud status`.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\CLI;

use WuRunCloud\Plugin\Extension\Credentials;
use WuRunCloud\Plugin\Extension\Extension_Gateway;
use WuRunCloud\Plugin\Extension\Failure;
use WuRunCloud\Plugin\Status\App_Status;
use WuRunCloud\Plugin\Status\Labels;
use WuRunCloud\Plugin\Status\Logger;
use WuRunCloud\Plugin\Status\Printable;
use WuRunCloud\Plugin\Sync\App_Sync;
use WuRunCloud\Plugin\Sync\Domain_Sync_Service;

defined('ABSPATH') || exit;

/**
 * The integration at a glance: its setup, what waits, and the app as last seen.
 */
final class Status_Command extends Command {

	/**
	 * The columns of the listing.
	 */
	const FIELDS = ['field', 'label', 'value'];

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
	 * @var App_Status
	 */
	private $apps;

	/**
	 * @var App_Sync
	 */
	private $primary;

	/**
	 * @var callable(): array{installed: string|null, took_over: string|null}
	 */
	private $integration;

	/**
	 * @param Logger              $logger      Logger.
	 * @param Extension_Gateway   $gateway     The extension.
	 * @param Credentials         $credentials Credentials.
	 * @param Domain_Sync_Service $service     The certificate step's figures.
	 * @param App_Sync            $primary     The primary web app's record, queues, view and walk.
	 * @param callable            $integration Which Ultimate Multisite architecture is installed and which took our
	 *                                         integration over ('registry', 'host-providers' or null each), asked
	 *                                         when the command runs: Ultimate Multisite may load after this plugin.
	 * @param App_Status          $apps        Each web app's state.
	 */
	public function __construct(Logger $logger, Extension_Gateway $gateway, Credentials $credentials, Domain_Sync_Service $service, App_Sync $primary, callable $integration, App_Status $apps) {
		parent::__construct($logger);
		$this->gateway     = $gateway;
		$this->credentials = $credentials;
		$this->service     = $service;
		$this->primary     = $primary;
		$this->integration = $integration;
		$this->apps        = $apps;
	}

	/**
	 * Shows the extension, the configuration (names only), the architecture and what is pending.
	 *
	 * ## OPTIONS
	 *
	 * [--field=<field>]
	 * : Prints the value of a single column for each line.
	 *
	 * [--fields=<fields>]
	 * : Comma-separated list of the columns to show (field, label, value).
	 *
	 * [--format=<format>]
	 * : Render output in a particular format. The table is one "Label: value"
	 * line each, unless --fields or --field ask for columns.
	 * ---
	 * default: table
	 * options:
	 *   - table
	 *   - csv
	 *   - json
	 *   - yaml
	 *   - count
	 * ---
	 *
	 * ## EXAMPLES
	 *
	 *     wp runcloud status
	 *     wp runcloud status --format=json
	 *     wp runcloud status --fields=field,value --format=csv
	 *
	 * @param list<string>         $args       Positional arguments.
	 * @param array<string, mixed> $assoc_args Options.
	 */
	public function __invoke(array $args = [], array $assoc_args = []): void {
		$rows = array_merge($this->setup(), $this->waiting(), $this->app(), $this->apps());
		if ('table' === ($assoc_args['format'] ?? 'table') && ! isset($assoc_args['fields']) && ! isset($assoc_args['field'])) {
			foreach ($rows as $row) {
				\WP_CLI::line(sprintf('%-36s %s', $row['label'] . ':', Printable::text((string) $row['value'])));
			}
			return;
		}
		$this->display($assoc_args, $rows, self::FIELDS);
	}

	/**
	 * The extension, Ultimate Multisite and the configuration.
	 *
	 * @return list<array{field: string, label: string, value: string}>
	 */
	private function setup(): array {
		$version     = $this->gateway->version();
		$config      = $this->gateway->config();
		$integration = ($this->integration)();
		return [
			self::row('extension', __('Extension', 'wu-runcloud'), null === $version ? __('not loaded', 'wu-runcloud') : $version),
			self::row('ultimate_multisite', __('Ultimate Multisite', 'wu-runcloud'), self::architecture($integration['installed'])),
			self::row('integration', __('Integration', 'wu-runcloud'), null !== $integration['took_over'] ? __('ours (replaces the built-in one)', 'wu-runcloud') : __('not taken over', 'wu-runcloud')),
			self::row('api', __('API', 'wu-runcloud'), $this->credentials->api_version() ?? __('not configured', 'wu-runcloud')),
			self::row('base_url', __('Base URL', 'wu-runcloud'), $config['base_url'] ?? '-'),
			self::row('constants_set', __('Constants set', 'wu-runcloud'), implode(', ', array_filter(Credentials::all(), [$this->credentials, 'has'])) ?: '-'),
			self::row('missing', __('Missing', 'wu-runcloud'), implode(', ', $this->credentials->missing()) ?: '-'),
		];
	}

	/**
	 * The names on record and those waiting, with when they go.
	 *
	 * @return list<array{field: string, label: string, value: string}>
	 */
	private function waiting(): array {
		return [
			self::row('managed', __('Domains added by this integration', 'wu-runcloud'), (string) count($this->primary->managed->all())),
			self::row('certificate_waiting', __('Waiting for a certificate redeploy', 'wu-runcloud'), implode(', ', $this->primary->certificate_queue->pending()) ?: '-'),
			self::row('next_redeploy', __('Next redeploy', 'wu-runcloud'), self::when($this->primary->certificate_queue->next_run())),
			self::row('retry_waiting', __('Waiting for a retry', 'wu-runcloud'), (string) count($this->primary->names->all())),
			self::row('next_retry', __('Next retry', 'wu-runcloud'), self::when($this->primary->names->next_run())),
		];
	}

	/**
	 * The app as last seen: its names, its certificate, the reconcile.
	 *
	 * @return list<array{field: string, label: string, value: string}>
	 */
	private function app(): array {
		return [
			self::row('app_view', __('Domains on the app (as last seen)', 'wu-runcloud'), $this->app_view()),
			self::row('basic_certificate', __('Basic SSL certificate', 'wu-runcloud'), self::basic_ceiling($this->service->basic_ceiling())),
			self::row('certificate_budgets', __('Waiting for Let\'s Encrypt\'s budgets', 'wu-runcloud'), $this->budget_waits()),
			self::row('reconcile', __('Reconcile under way', 'wu-runcloud'), $this->reconcile_progress()),
		];
	}

	/**
	 * With several web apps, a line each: whether it answers, its SSL mode,
	 * its names and what waits for it (`wp runcloud apps` has the columns).
	 *
	 * @return list<array{field: string, label: string, value: string}>
	 */
	private function apps(): array {
		if (! $this->apps->several()) {
			return [];
		}
		$rows = [];
		foreach ($this->apps->all() as $app) {
			$rows[] = self::row(
				'app_' . str_replace(':', '_', $app['app']),
				/* translators: %s: the web app */
				sprintf(__('Web app %s', 'wu-runcloud'), $app['label']),
				trim(
					sprintf(
						/* translators: 1: whether it answers, 2: SSL mode, 3: number of names, 4: names waiting for a retry */
						__('answers: %1$s; %2$s; %3$d names; %4$d waiting for a retry', 'wu-runcloud'),
						$this->logger->redact(Labels::answers($app)),
						Labels::ssl_mode($app['ssl_mode']),
						$app['names'],
						$app['waiting']
					) . ' ' . $app['progress']
				)
			);
		}
		return $rows;
	}

	/**
	 * One line of the status.
	 *
	 * @param string $field Its key, for machines.
	 * @param string $label Its label, for people.
	 * @param string $value Its value.
	 * @return array{field: string, label: string, value: string}
	 */
	private static function row(string $field, string $label, string $value): array {
		return ['field' => $field, 'label' => $label, 'value' => $value];
	}

	/**
	 * The network's view of the app.
	 */
	private function app_view(): string {
		$app       = $this->primary->app;
		$refreshed = $app->refreshed_at();
		/* translators: 1: number of domains, 2: when the whole list was last read */
		return sprintf(__('%1$d, whole list last read %2$s', 'wu-runcloud'), $app->count(), null === $refreshed ? __('never', 'wu-runcloud') : gmdate('Y-m-d H:i:s', $refreshed) . ' UTC');
	}

	/**
	 * The names waiting for Let's Encrypt's budgets, and when the next goes.
	 */
	private function budget_waits(): string {
		$waiting = $this->service->certificate_budgets()['waiting'];
		if ([] === $waiting) {
			return '-';
		}
		/* translators: 1: number of names, 2: date and time */
		return sprintf(_n('%1$d name; the next goes after %2$s', '%1$d names; the next goes after %2$s', count($waiting), 'wu-runcloud'), count($waiting), gmdate('Y-m-d H:i', (int) reset($waiting)) . ' UTC');
	}

	/**
	 * The reconcile under way, as the settings page words it.
	 */
	private function reconcile_progress(): string {
		$progress = $this->primary->walk->progress();
		return null === $progress ? '-' : Labels::progress($progress);
	}

	/**
	 * When a queue runs next, and whether it is late.
	 *
	 * @param int|null $timestamp Unix time.
	 */
	private static function when(?int $timestamp): string {
		if (null === $timestamp) {
			return '-';
		}
		if (Failure::is_overdue($timestamp)) {
			return gmdate('Y-m-d H:i:s', $timestamp) . ' UTC (' . Failure::retry_sentence($timestamp) . ')';
		}
		$delta = $timestamp - time();
		/* translators: %d: seconds */
		return gmdate('Y-m-d H:i:s', $timestamp) . ' UTC (' . sprintf(__('in %d s', 'wu-runcloud'), max(0, $delta)) . ')';
	}

	/**
	 * The architecture, for people.
	 *
	 * @param string|null $architecture 'registry', 'host-providers' or null.
	 */
	private static function architecture(?string $architecture): string {
		switch ($architecture) {
			case 'registry':
				return __('2.5+ (integration registry)', 'wu-runcloud');
			case 'host-providers':
				return __('up to 2.4 (host providers)', 'wu-runcloud');
			default:
				return __('not installed', 'wu-runcloud');
		}
	}
}
