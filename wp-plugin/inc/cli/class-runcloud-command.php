<?php
/**
 * WP-CLI: wp runcloud ...
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\CLI;

use WuRunCloud\Plugin\Extension\Credentials;
use WuRunCloud\Plugin\Extension\Extension_Gateway;
use WuRunCloud\Plugin\Extension\Extension_Missing_Exception;
use WuRunCloud\Plugin\Extension\Failure;
use WuRunCloud\Plugin\Plugin;
use WuRunCloud\Plugin\Status\Domain_Status;
use WuRunCloud\Plugin\Status\Labels;
use WuRunCloud\Plugin\Status\Printable;
use WuRunCloud\Plugin\Sync\Adoption;
use WuRunCloud\Plugin\Sync\Certificates\Certificate_Queue;
use WuRunCloud\Plugin\Sync\Domain_Sync_Service;
use WuRunCloud\Plugin\Sync\Managed_Domains;
use WuRunCloud\Plugin\Sync\Name_Queue;
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
 *     wp runcloud names --state=missing
 *     wp runcloud redeploy-ssl
 *     wp runcloud sync --dry-run
 *     wp runcloud adopt
 *     wp runcloud ssl-mode advanced --dry-run
 */
class RunCloud_Command {

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
	 * @var Sync\Adoption
	 */
	private $adoption;

	/**
	 * @param Extension_Gateway   $gateway     The extension.
	 * @param Credentials         $credentials Credentials.
	 * @param Domain_Sync_Service $service     The service.
	 * @param Managed_Domains     $managed     Names this integration added.
	 * @param Sync\Certificate_Queue $ssl         Pending redeploy.
	 * @param Sync\Name_Queue $retries     Retries.
	 * @param Sync\Adoption   $adoption    Adoption of names this integration did not add.
	 */
	public function __construct(Extension_Gateway $gateway, Credentials $credentials, Domain_Sync_Service $service, Managed_Domains $managed, Certificate_Queue $ssl, Name_Queue $retries, Adoption $adoption) {
		$this->gateway     = $gateway;
		$this->credentials = $credentials;
		$this->service     = $service;
		$this->managed     = $managed;
		$this->ssl         = $ssl;
		$this->retries     = $retries;
		$this->adoption    = $adoption;
	}

	/**
	 * Shows the extension, the configuration (names only), the architecture and what is pending.
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
	 *     wp runcloud status
	 *     wp runcloud status --format=json
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Options.
	 */
	public function status($args = [], $assoc_args = []): void {
		$version = $this->gateway->version();
		$config  = $this->gateway->config();
		$rows    = [
			'extension'   => [__('Extension', 'wu-runcloud'), null === $version ? __('not loaded', 'wu-runcloud') : $version],
			'ultimate_multisite' => [__('Ultimate Multisite', 'wu-runcloud'), $this->architecture_label()],
			'integration' => [__('Integration', 'wu-runcloud'), Plugin::instance()->took_over() ? __('ours (replaces the built-in one)', 'wu-runcloud') : __('not taken over', 'wu-runcloud')],
			'api' => [__('API', 'wu-runcloud'), $this->credentials->api_version() ?? __('not configured', 'wu-runcloud')],
			'base_url' => [__('Base URL', 'wu-runcloud'), $config['base_url'] ?? '-'],
			'constants_set' => [__('Constants set', 'wu-runcloud'), implode(', ', array_filter(Credentials::all(), [$this->credentials, 'has'])) ?: '-'],
			'missing' => [__('Missing', 'wu-runcloud'), implode(', ', $this->credentials->missing()) ?: '-'],
			'managed' => [__('Domains added by this integration', 'wu-runcloud'), (string) count($this->managed->all())],
			'certificate_waiting' => [__('Waiting for a certificate redeploy', 'wu-runcloud'), implode(', ', $this->ssl->pending()) ?: '-'],
			'next_redeploy' => [__('Next redeploy', 'wu-runcloud'), $this->when($this->ssl->next_run())],
			'retry_waiting' => [__('Waiting for a retry', 'wu-runcloud'), (string) count($this->retries->all())],
			'next_retry' => [__('Next retry', 'wu-runcloud'), $this->when($this->retries->next_run())],
			'app_view' => [__('Domains on the app (as last seen)', 'wu-runcloud'), $this->app_view()],
			'basic_certificate' => [__('Basic SSL certificate', 'wu-runcloud'), $this->basic_ceiling()],
			'certificate_budgets' => [__('Waiting for Let\'s Encrypt\'s budgets', 'wu-runcloud'), $this->budget_waits()],
			'reconcile' => [__('Reconcile under way', 'wu-runcloud'), $this->reconcile_progress()],
		];
		$format = $assoc_args['format'] ?? 'table';
		if ('table' === $format) {
			foreach ($rows as $row) {
				\WP_CLI::line(sprintf('%-36s %s', $row[0] . ':', Printable::text((string) $row[1])));
			}
			return;
		}
		$items = [];
		foreach ($rows as $key => $row) {
			$items[] = ['field' => $key, 'label' => $row[0], 'value' => $row[1]];
		}
		\WP_CLI\Utils\format_items($format, array_map([Printable::class, 'row'], $items), ['field', 'label', 'value']);
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
	 * Shows or switches the web app's SSL mode, and what a switch means.
	 *
	 * Basic SSL is one certificate for every name of the web app (at most
	 * 100 names, Let's Encrypt's limit); advanced SSL a certificate per
	 * domain, ordered by this integration paced by Let's Encrypt's budgets,
	 * or by RunCloud itself with AutoSSL. Without --yes nothing changes: the
	 * plan is shown (orders needed, and how long the budgets make them take).
	 *
	 * ## OPTIONS
	 *
	 * [<mode>]
	 * : basic or advanced. Without it, the current mode is shown.
	 * ---
	 * options:
	 *   - basic
	 *   - advanced
	 * ---
	 *
	 * [--auto-ssl]
	 * : With advanced: RunCloud orders and renews each domain's certificate itself.
	 *
	 * [--dry-run]
	 * : Only show what the switch means (also the default without --yes).
	 *
	 * [--yes]
	 * : Switch through RunCloud's API.
	 *
	 * ## EXAMPLES
	 *
	 *     wp runcloud ssl-mode
	 *     wp runcloud ssl-mode advanced --dry-run
	 *     wp runcloud ssl-mode advanced --yes
	 *
	 * @subcommand ssl-mode
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Options.
	 */
	public function ssl_mode($args = [], $assoc_args = []): void {
		$current = $this->service->ssl_mode();
		\WP_CLI::line(sprintf('%-24s %s', __('Current SSL mode:', 'wu-runcloud'), $current ?? __('unknown (RunCloud could not be read)', 'wu-runcloud')));
		if ([] === $args) {
			\WP_CLI::line(sprintf('%-24s %s', __('Basic SSL certificate:', 'wu-runcloud'), $this->basic_ceiling()));
			return;
		}
		$auto = ! empty($assoc_args['auto-ssl']);
		if ('basic' === $args[0] && $auto) {
			\WP_CLI::error(__('AutoSSL needs advanced SSL (a certificate per domain).', 'wu-runcloud'));
			return;
		}
		$mode = 'basic' === $args[0] ? 'basic' : ($auto ? 'auto' : 'advanced');
		$plan = $this->service->plan_ssl_mode($mode);
		\WP_CLI::line(sprintf('%-24s %s', __('Switching to:', 'wu-runcloud'), $mode));
		\WP_CLI::line(sprintf('%-24s %s', __('What it means:', 'wu-runcloud'), Printable::text(ucfirst((string) $plan['message']) . '.')));
		if (! $plan['possible']) {
			\WP_CLI::error(__('Not switched: one basic certificate cannot cover the web app\'s names.', 'wu-runcloud'));
			return;
		}
		if ($mode === $current) {
			\WP_CLI::success(__('The web app is in this mode already: nothing to switch.', 'wu-runcloud'));
			return;
		}
		if (empty($assoc_args['yes'])) {
			\WP_CLI::line(__('Nothing changed; run again with --yes to switch.', 'wu-runcloud'));
			return;
		}
		try {
			$now = $this->service->switch_ssl_mode($mode);
		} catch (RunCloudException | Extension_Missing_Exception $e) {
			$this->stop($e);
			return;
		}
		/* translators: %s: basic, advanced or auto */
		\WP_CLI::success(sprintf(__('The web app is in %s SSL now.', 'wu-runcloud'), $now));
	}

	/**
	 * Ends the command with why a RunCloud call could not be made, in words
	 * and redacted.
	 *
	 * @param RunCloudException|Extension_Missing_Exception $e The failure.
	 */
	private function stop(\Exception $e): void {
		\WP_CLI::error(
			$e instanceof RunCloudException
				? Plugin::instance()->logger()->redact(Failure::explain(Failure::describe($e)))
				: __('The wu_runcloud PHP extension is not loaded.', 'wu-runcloud')
		);
	}

	/**
	 * How close the basic certificate is to its 100 names, in words.
	 */
	private function basic_ceiling(): string {
		$ceiling = $this->service->basic_ceiling();
		if (null === $ceiling) {
			return __('not in use (advanced SSL, AutoSSL, or the mode not seen yet)', 'wu-runcloud');
		}
		return ('good' === $ceiling['status'] ? '' : strtoupper($ceiling['status']) . ': ') . $ceiling['message'];
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
			$this->stop($e);
			return;
		}
		$managed = $this->managed->all();
		$format  = $assoc_args['format'] ?? 'table';
		// Booleans and ids keep their types for machines (json, yaml); a
		// table or CSV reads yes/no and an empty site.
		$typed = ! in_array($format, ['table', 'csv'], true);
		$yes   = static function (bool $value) use ($typed) {
			return $typed ? $value : ($value ? 'yes' : 'no');
		};
		$rows  = [];
		foreach ($domains as $domain) {
			$site   = isset($managed[ $domain['name'] ]) ? (int) $managed[ $domain['name'] ]['site_id'] : null;
			$rows[] = [
				'name'        => (string) $domain['name'],
				'id'          => (int) $domain['id'],
				'type'        => $domain['type'],
				'www'         => $yes((bool) $domain['www']),
				'redirection' => $domain['redirection'],
				'wildcard'    => $yes((bool) $domain['wildcard']),
				'managed'     => $yes(null !== $site),
				'site'        => $typed ? $site : (null === $site ? '' : (string) $site),
			];
		}
		\WP_CLI\Utils\format_items($format, array_map([Printable::class, 'row'], $rows), ['name', 'id', 'type', 'www', 'redirection', 'wildcard', 'managed', 'site']);
	}

	/**
	 * Lists every name the network wants or the app holds, with its state.
	 *
	 * The same rows as the Domains tab of Network Admin > Settings > RunCloud,
	 * read from what the plugin keeps (no request to RunCloud).
	 *
	 * ## OPTIONS
	 *
	 * [--state=<state>]
	 * : Only names in this state.
	 * ---
	 * options:
	 *   - live
	 *   - missing
	 *   - waiting
	 *   - extra
	 *   - covered
	 * ---
	 *
	 * [--format=<format>]
	 * : table, csv, json, yaml or count.
	 * ---
	 * default: table
	 * ---
	 *
	 * ## EXAMPLES
	 *
	 *     wp runcloud names --state=missing
	 *     wp runcloud names --format=json
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Options.
	 */
	public function names($args = [], $assoc_args = []): void {
		$state = (string) ($assoc_args['state'] ?? '');
		if ('' !== $state && ! in_array($state, Domain_Status::STATES, true)) {
			/* translators: 1: the state given, 2: the states there are */
			\WP_CLI::error(sprintf(__('Unknown state "%1$s": use one of %2$s.', 'wu-runcloud'), $state, implode(', ', Domain_Status::STATES)));
			return;
		}
		$format = $assoc_args['format'] ?? 'table';
		$typed  = ! in_array($format, ['table', 'csv'], true);
		$rows   = [];
		foreach (Plugin::instance()->domain_status()->all() as $row) {
			if ('' !== $state && $row['state'] !== $state) {
				continue;
			}
			$pending = $row['pending'];
			$rows[]  = [
				'name'         => $row['name'],
				'unicode'      => $row['unicode'],
				'state'        => $row['state'],
				'source'       => $row['source'],
				'site'         => $typed ? ($row['site_id'] > 0 ? $row['site_id'] : null) : ($row['site_id'] > 0 ? (string) $row['site_id'] : ''),
				'id'           => $typed ? ($row['on_app'] ? $row['id'] : null) : ($row['on_app'] ? (string) $row['id'] : ''),
				'www'          => $typed ? $row['www'] : ($row['www'] ? 'yes' : 'no'),
				'certificate'  => $row['certificate']['state'],
				'next_attempt' => null === $pending ? ($typed ? null : '') : ($typed ? $pending['next_at'] : gmdate('Y-m-d H:i:s', $pending['next_at']) . ' UTC' . ($pending['overdue'] ? ' ' . __('(overdue)', 'wu-runcloud') : '')),
				'error'        => null === $pending ? '' : (string) $pending['error'],
			];
		}
		\WP_CLI\Utils\format_items($format, array_map([Printable::class, 'row'], $rows), ['name', 'unicode', 'state', 'source', 'site', 'id', 'www', 'certificate', 'next_attempt', 'error']);
	}

	/**
	 * Redeploys the SSL certificate now: the pending batch, the given domains, or the web app's.
	 *
	 * ## OPTIONS
	 *
	 * [<domain>...]
	 * : Domains (advanced SSL: one certificate each). Default: those waiting, else the web app.
	 *
	 * [--force]
	 * : Order even when a name the certificate would cover does not point at
	 * this server (Let's Encrypt then refuses the order, and allows 5 failed
	 * validations per name an hour). Without it, such names are listed and
	 * nothing is ordered; the waiting names are held, as the scheduled run
	 * holds them.
	 *
	 * ## EXAMPLES
	 *
	 *     wp runcloud redeploy-ssl
	 *     wp runcloud redeploy-ssl shop.example.com
	 *     wp runcloud redeploy-ssl shop.example.com --force
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
		$waiting = [] === $args && [] !== $this->ssl->pending();
		if (! $waiting && empty($assoc_args['force'])) {
			$blockers = $this->service->redeploy_blockers(array_values($args));
			if ([] !== $blockers) {
				$lines = [];
				foreach ($blockers as $name => $why) {
					$lines[] = sprintf('  %s: %s', $name, $why);
				}
				/* translators: 1: number of names, 2: one line per name with why */
				$refused = _n('Nothing ordered: Let\'s Encrypt would refuse the certificate, %1$d name it covers does not pass:%2$s', 'Nothing ordered: Let\'s Encrypt would refuse the certificate, %1$d names it covers do not pass:%2$s', count($lines), 'wu-runcloud');
				\WP_CLI::error(sprintf($refused, count($lines), "\n" . implode("\n", $lines) . "\n") . __('Wait for the DNS to point at this server, unmap the name, or switch the web app to advanced SSL (one certificate per domain); --force orders anyway.', 'wu-runcloud'));
				return;
			}
		}
		// The reasons of failures, as the Failure_Log hears them.
		$reasons = [];
		$hear    = static function ($operation, $name, $site_id, $e, $reason = null) use (&$reasons) {
			$reasons[] = ('' === (string) $name ? __('(web app)', 'wu-runcloud') : (string) $name) . ': ' . Failure::explain((string) $reason);
		};
		add_action('wu_runcloud_operation_failed', $hear, 5, 5);
		if ([] !== $args) {
			$results = $this->service->redeploy(array_values($args));
		} elseif (! $waiting) {
			// Nothing waits: the web app's own certificate.
			$results = $this->service->redeploy();
		} else {
			$results = $this->service->redeploy_batch(! empty($assoc_args['force']));
		}
		remove_action('wu_runcloud_operation_failed', $hear, 5);
		if ([] === $results && [] === $reasons && $waiting && [] !== $this->ssl->held()) {
			\WP_CLI::error($this->held_names(! empty($assoc_args['force'])));
			return;
		}
		foreach ($reasons as $reason) {
			\WP_CLI::warning(Plugin::instance()->logger()->redact($reason));
		}
		if ([] === $results) {
			// A batch that failed waits for a retry; its last failure says why.
			$last = $waiting ? (string) $this->ssl->failure()['error'] : '';
			\WP_CLI::error(
				[] === $reasons
					? ('' === $last
						? __('The redeploy did not go through and waits for a retry; wp runcloud status says when.', 'wu-runcloud')
						/* translators: %s: why the redeploy failed */
						: sprintf(__('The redeploy did not go through: %s It waits for a retry; wp runcloud status says when.', 'wu-runcloud'), Failure::explain($last)))
					/* translators: %d: number of failures */
					: sprintf(_n('The redeploy failed (%d reason above).', 'The redeploy failed (%d reasons above).', count($reasons), 'wu-runcloud'), count($reasons))
			);
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
	 * Why the waiting names are held (their DNS, or Let's Encrypt's refusal
	 * of a forced order), and what to do.
	 *
	 * @param bool $forced Whether the order was forced.
	 */
	private function held_names(bool $forced): string {
		$lines = [];
		foreach ($this->ssl->held() as $name => $entry) {
			$lines[] = sprintf('  %s: %s', $name, Plugin::instance()->logger()->redact((string) ($entry['reason'] ?? '')));
		}
		/* translators: 1: number of names, 2: one line per name with why */
		$held = _n('No certificate: %1$d waiting name is held:%2$s', 'No certificate: %1$d waiting names are held:%2$s', count($lines), 'wu-runcloud');
		return sprintf($held, count($lines), "\n" . implode("\n", $lines) . "\n")
			. ($forced ? __('They are checked again on their own.', 'wu-runcloud') : __('They are checked again on their own; --force orders anyway.', 'wu-runcloud'));
	}

	/**
	 * Adopts the names on the web app that this integration did not add.
	 *
	 * A name is removed from RunCloud only when this integration added it, so
	 * a customer's unmapping never deletes an alias the network did not add.
	 * Names added before this plugin (by Ultimate Multisite's own RunCloud
	 * provider, or by hand) are therefore never removed when unmapped. This
	 * lists the names Ultimate Multisite maps now (mapped domains and site
	 * hosts) that are on the web app without such a record; with --yes they
	 * are recorded as this integration's, so their later unmappings remove
	 * them from RunCloud. Nothing is asked of RunCloud.
	 *
	 * ## OPTIONS
	 *
	 * [--yes]
	 * : Adopt the names listed. Without it, the names are only listed.
	 *
	 * [--format=<format>]
	 * : table, csv, json, yaml or count.
	 * ---
	 * default: table
	 * ---
	 *
	 * ## EXAMPLES
	 *
	 *     wp runcloud adopt
	 *     wp runcloud adopt --yes
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Options.
	 */
	public function adopt($args = [], $assoc_args = []): void {
		$candidates = $this->adoption->candidates();
		if (! $this->adoption->view_is_whole()) {
			\WP_CLI::warning(__('The web app has not been read whole yet (its first reading runs in the background): names not seen yet are not listed.', 'wu-runcloud'));
		}
		if ([] === $candidates) {
			\WP_CLI::success(__('Every name Ultimate Multisite maps that is on the web app is on record already: nothing to adopt.', 'wu-runcloud'));
			return;
		}
		$rows = [];
		foreach ($candidates as $name => $entry) {
			$rows[] = ['name' => $name, 'source' => $entry['source'], 'site' => $entry['site_id'], 'id' => $entry['id']];
		}
		if (empty($assoc_args['yes'])) {
			\WP_CLI\Utils\format_items($assoc_args['format'] ?? 'table', array_map([Printable::class, 'row'], $rows), ['name', 'source', 'site', 'id']);
			/* translators: %d: number of names */
			\WP_CLI::line(sprintf(_n('%d name can be adopted; run again with --yes to adopt it.', '%d names can be adopted; run again with --yes to adopt them.', count($rows), 'wu-runcloud'), count($rows)));
			return;
		}
		$adopted = $this->adoption->adopt(array_keys($candidates), 'WP-CLI');
		/* translators: %d: number of names */
		\WP_CLI::success(sprintf(_n('Adopted %d name: unmapping it now removes it from RunCloud.', 'Adopted %d names: unmapping them now removes them from RunCloud.', count($adopted), 'wu-runcloud'), count($adopted)));
	}

	/**
	 * Brings the web app in line with the network.
	 *
	 * Adds every mapped domain and every site host (subdomain networks) that
	 * is missing, with a progress bar over the pages read and the names
	 * converged.
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
		$names = null;
		$done  = 0;
		$this->service->patiently(
			function () use ($walk, &$bar, &$pages, &$names, &$done) {
				while (null !== ($next = $walk->step(PHP_INT_MAX))) {
					$progress = (array) $walk->progress();
					if (null === $bar && null !== $progress['total_pages']) {
						$bar = \WP_CLI\Utils\make_progress_bar(__('Reading the web app\'s domains', 'wu-runcloud'), (int) $progress['total_pages']);
					}
					if (null !== $bar) {
						$bar->tick($progress['pages_read'] - $pages[0]);
						$pages = [$progress['pages_read'], (int) $progress['total_pages']];
					}
					// Every page read: a bar over the names to converge.
					if ('listing' !== ($progress['phase'] ?? 'listing')) {
						$converged = (int) ($progress['converged'] ?? 0);
						if (null === $names && $converged + (int) ($progress['pending'] ?? 0) > 0) {
							$names = \WP_CLI\Utils\make_progress_bar(__('Bringing names in line', 'wu-runcloud'), $converged + (int) $progress['pending']);
						}
						if (null !== $names) {
							$names->tick($converged - $done);
							$done = $converged;
						}
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
		if (null !== $names) {
			$names->finish();
		}
		$report = $walk->last;
		if (null === $report) {
			\WP_CLI::error(Plugin::instance()->logger()->redact(null === $walk->last_failure ? __('The reconcile did not finish; see the integration-runcloud log.', 'wu-runcloud') : Failure::explain((string) $walk->last_failure)));
			return;
		}
		// A dry run says what it would do; a real run what it did.
		$lists = $report['dry_run']
			? [__('To add', 'wu-runcloud') => $report['to_add'], __('To remove', 'wu-runcloud') => $report['to_remove']]
			: [__('Added', 'wu-runcloud') => $report['added'], __('Removed', 'wu-runcloud') => $report['removed']];
		foreach ($lists as $label => $listed) {
			\WP_CLI::line(sprintf('%-12s %s', $label . ':', implode(', ', $listed) ?: '-'));
		}
		\WP_CLI::line(sprintf('%-12s %d', __('Unchanged', 'wu-runcloud') . ':', is_array($report['unchanged']) ? count($report['unchanged']) : (int) $report['unchanged']));
		foreach ($report['errors'] as $name => $message) {
			\WP_CLI::warning(Plugin::instance()->logger()->redact(sprintf('%s: %s', $name, Failure::explain((string) $message))));
		}
		if ([] !== $report['errors']) {
			/* translators: %d: number of failed names */
			\WP_CLI::error(sprintf(_n('%d name failed; the reason is above.', '%d names failed; the reasons are above.', count($report['errors']), 'wu-runcloud'), count($report['errors'])));
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
		return Labels::progress($progress);
	}

	/**
	 * @param int|null $timestamp Unix time.
	 */
	private function when(?int $timestamp): string {
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
