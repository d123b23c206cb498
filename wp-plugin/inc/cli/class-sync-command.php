<?php
/**
 * WP-CLI: `wp runcloud sync`.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\CLI;

use WuRunCloud\Plugin\Extension\Failure;
use WuRunCloud\Plugin\Status\Logger;
use WuRunCloud\Plugin\Sync\Domain_Sync_Service;
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
	 * @param Logger              $logger  Logger.
	 * @param Domain_Sync_Service $service The service.
	 */
	public function __construct(Logger $logger, Domain_Sync_Service $service) {
		parent::__construct($logger);
		$this->service = $service;
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
	 * @param list<string>         $args       Positional arguments.
	 * @param array<string, mixed> $assoc_args Options.
	 */
	public function __invoke(array $args = [], array $assoc_args = []): void {
		$walk = $this->service->reconcile_walk();
		if (! $walk->start('cli', ! empty($assoc_args['dry-run']), ! empty($assoc_args['prune']))) {
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
		if (null === $walk->last) {
			\WP_CLI::error($this->logger->redact(null === $walk->last_failure ? __('The reconcile did not finish; see the integration-runcloud log.', 'wu-runcloud') : Failure::explain((string) $walk->last_failure)));
			return;
		}
		$this->report($walk->last);
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
	 * What the run did, or would do (a dry run), and how it ended.
	 *
	 * @param array<string, mixed> $report The walk's report.
	 */
	private function report(array $report): void {
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
		$this->report_batch(
			$failures,
			/* translators: %d: number of failed names */
			sprintf(_n('%d name failed; the reason is above.', '%d names failed; the reasons are above.', count($failures), 'wu-runcloud'), count($failures)),
			$report['dry_run']
				? __('Dry run: nothing was changed.', 'wu-runcloud')
				/* translators: 1: names added, 2: names removed */
				: sprintf(__('Added %1$d, removed %2$d.', 'wu-runcloud'), count($report['added']), count($report['removed']))
		);
	}
}
