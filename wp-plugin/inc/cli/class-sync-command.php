<?php
/**
 * WP-CLI: `wp runcloud sync`.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\CLI;

use WuRunCloud\Plugin\Extension\Failure;
use WuRunCloud\Plugin\Status\Logger;
use WuRunCloud\Plugin\Status\Printable;
use WuRunCloud\Plugin\Sync\App_Sync;
use WuRunCloud\Plugin\Sync\Domain_Sync_Service;
use WuRunCloud\Plugin\Sync\Fleet;
use WuRunCloud\Plugin\Sync\Reconcile\Reconcile_Walk;

defined('ABSPATH') || exit;

/**
 * The reconcile in one go: the walk the daily run takes in short runs,
 * taken here to its end with room to wait out RunCloud's rate limit.
 */
final class Sync_Command extends Command {

	/**
	 * @var Domain_Sync_Service
	 */
	private $service;

	/**
	 * @var Fleet
	 */
	private $fleet;

	/**
	 * @param Logger              $logger  Logger.
	 * @param Domain_Sync_Service $service Runs long work patiently.
	 * @param Fleet               $fleet   Every web app's machinery.
	 */
	public function __construct(Logger $logger, Domain_Sync_Service $service, Fleet $fleet) {
		parent::__construct($logger);
		$this->service = $service;
		$this->fleet   = $fleet;
	}

	/**
	 * Brings the web apps in line with the network.
	 *
	 * Adds every mapped domain and every site host (subdomain networks) that
	 * is missing, with a progress bar over the pages read and the names
	 * converged: on every web app the names go to, one after the other, or
	 * on the one --app names.
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
	 * [--app=<app>]
	 * : Only this web app, as SERVER:APP (one of WU_RUNCLOUD_SERVER_ID:WU_RUNCLOUD_APP_ID and
	 * WU_RUNCLOUD_APPS).
	 *
	 * ## EXAMPLES
	 *
	 *     wp runcloud sync --dry-run
	 *     wp runcloud sync --prune
	 *     wp runcloud sync --app=12346:67891
	 *
	 * @param list<string>         $args       Positional arguments.
	 * @param array<string, mixed> $assoc_args Options.
	 */
	public function __invoke(array $args = [], array $assoc_args = []): void {
		$apps     = $this->apps($assoc_args);
		$dry_run  = ! empty($assoc_args['dry-run']);
		$failures = [];
		$totals   = ['added' => 0, 'removed' => 0];
		foreach ($apps as $sync) {
			if (count($apps) > 1) {
				/* translators: %s: the web app */
				\WP_CLI::line(sprintf(__('Web app %s:', 'wu-runcloud'), $sync->target->label()));
			}
			$report = $this->walk($sync->walk, $dry_run, ! empty($assoc_args['prune']));
			if (null === $report) {
				$failure = null === $sync->walk->last_failure ? __('The reconcile did not finish; see the integration-runcloud log.', 'wu-runcloud') : Failure::explain((string) $sync->walk->last_failure);
				if (1 === count($apps)) {
					\WP_CLI::error($this->logger->redact($failure));
				}
				$failures[] = sprintf('%s: %s', $sync->target->label(), $failure);
				continue;
			}
			$failures = array_merge($failures, $this->print_report($report));
			$totals['added']   += count($report['added']);
			$totals['removed'] += count($report['removed']);
		}
		$this->report_batch(
			$failures,
			/* translators: %d: number of failed names */
			sprintf(_n('%d name failed; the reason is above.', '%d names failed; the reasons are above.', count($failures), 'wu-runcloud'), count($failures)),
			$dry_run
				? __('Dry run: nothing was changed.', 'wu-runcloud')
				/* translators: 1: names added, 2: names removed */
				: sprintf(__('Added %1$d, removed %2$d.', 'wu-runcloud'), $totals['added'], $totals['removed'])
		);
	}

	/**
	 * The web apps to work on: the one --app names, or all of them.
	 *
	 * @param array<string, mixed> $assoc_args Options.
	 * @return list<App_Sync>
	 */
	private function apps(array $assoc_args): array {
		if (! isset($assoc_args['app'])) {
			return $this->fleet->all();
		}
		$sync = $this->fleet->find((string) $assoc_args['app']);
		if (null === $sync) {
			$keys = array_map(
				static function (App_Sync $sync): string {
					return $sync->target->key();
				},
				$this->fleet->all()
			);
			/* translators: 1: what was asked for, 2: the web apps */
			\WP_CLI::error(sprintf(__('"%1$s" is not one of the web apps: %2$s.', 'wu-runcloud'), Printable::text((string) $assoc_args['app']), implode(', ', $keys)));
		}
		return [$sync];
	}

	/**
	 * Walks one app to the end; its report, or null when it could not run.
	 *
	 * @param Reconcile_Walk $walk    The app's walk.
	 * @param bool           $dry_run Only plan.
	 * @param bool           $prune   Also remove unwanted names this integration added.
	 * @return array<string, mixed>|null
	 */
	private function walk(Reconcile_Walk $walk, bool $dry_run, bool $prune): ?array {
		if (! $walk->start('cli', $dry_run, $prune)) {
			$under_way = (array) $walk->progress();
			/* translators: %s: what started the reconcile (daily, admin, cli) */
			\WP_CLI::warning(sprintf(__('A reconcile started by "%s" is under way: going on with it to its end.', 'wu-runcloud'), $under_way['trigger'] ?? '-'));
		}
		$progress = new Walk_Progress();
		$this->service->patiently(
			function () use ($walk, $progress): void {
				$this->walk_to_the_end($walk, $progress);
			}
		);
		$progress->finish();
		return $walk->last;
	}

	/**
	 * Steps the walk until it ends, sleeping through RunCloud's rate-limit
	 * windows rather than ending the run as a queue run does.
	 *
	 * @param Reconcile_Walk $walk     The walk.
	 * @param Walk_Progress  $progress Its bars.
	 */
	private function walk_to_the_end(Reconcile_Walk $walk, Walk_Progress $progress): void {
		while (null !== ($next = $walk->step(PHP_INT_MAX))) {
			$progress->show((array) $walk->progress());
			$wait = $next - microtime(true);
			if ($wait > 0) {
				usleep((int) ($wait * 1000000));
			}
		}
	}

	/**
	 * What one app's run did, or would do (a dry run); its failed names.
	 *
	 * @param array<string, mixed> $report The walk's report.
	 * @return list<string>
	 */
	private function print_report(array $report): array {
		$lists = $report['dry_run']
			? [__('To add', 'wu-runcloud') => $report['to_add'], __('To remove', 'wu-runcloud') => $report['to_remove']]
			: [__('Added', 'wu-runcloud') => $report['added'], __('Removed', 'wu-runcloud') => $report['removed']];
		foreach ($lists as $label => $listed) {
			\WP_CLI::line(sprintf('%-12s %s', $label . ':', implode(', ', $listed) ?: '-'));
		}
		\WP_CLI::line(sprintf('%-12s %d', __('Unchanged', 'wu-runcloud') . ':', is_array($report['unchanged']) ? count($report['unchanged']) : (int) $report['unchanged']));
		$failures = [];
		foreach ($report['errors'] as $name => $message) {
			$failures[] = sprintf('%s: %s', $name, Failure::explain((string) $message));
		}
		return $failures;
	}
}
