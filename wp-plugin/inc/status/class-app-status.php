<?php
/**
 * Each web app the names go to, as the operator sees it.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Status;

use WuRunCloud\Plugin\Extension\Failure;
use WuRunCloud\Plugin\Sync\App_Sync;
use WuRunCloud\Plugin\Sync\Fleet;

defined('ABSPATH') || exit;

/**
 * The read model of the web apps that the Status tab, Site Health and
 * `wp runcloud status` list: for each, whether it answers (from what its own
 * queue holds: a name waiting there with an error means its last answer was
 * one), its SSL mode as last seen, how many names the plugin's view of it
 * holds, and how far the walk that fills a new app got. Read from what the
 * plugin keeps: no request.
 */
class App_Status {

	/**
	 * @var Fleet
	 */
	private $fleet;

	/**
	 * @param Fleet $fleet Every web app's machinery.
	 */
	public function __construct(Fleet $fleet) {
		$this->fleet = $fleet;
	}

	/**
	 * Whether the names go to more than the primary app.
	 */
	public function several(): bool {
		return $this->fleet->several();
	}

	/**
	 * Why the apps of WU_RUNCLOUD_APPS are not served, in words, or ''.
	 */
	public function problem(): string {
		$problem = $this->fleet->problem();
		return null === $problem ? '' : Failure::explain($problem);
	}

	/**
	 * Every app, the primary one first.
	 *
	 * @return list<array{app: string, label: string, primary: bool, reachable: string, problem: string, ssl_mode: string, names: int, view_whole: bool, waiting: int, progress: string}>
	 *         reachable: yes, no (its last answer was a failure) or unknown (never read whole).
	 */
	public function all(): array {
		return array_map([$this, 'describe'], $this->fleet->all());
	}

	/**
	 * One app.
	 *
	 * @param App_Sync $sync Its machinery.
	 * @return array{app: string, label: string, primary: bool, reachable: string, problem: string, ssl_mode: string, names: int, view_whole: bool, waiting: int, progress: string}
	 */
	private function describe(App_Sync $sync): array {
		$queued   = $sync->names->all();
		$problem  = self::latest_problem($queued);
		$whole    = null !== $sync->app->refreshed_at();
		$progress = $sync->walk->progress();
		return [
			'app'        => $sync->target->key(),
			'label'      => $sync->target->label(),
			'primary'    => $sync->target->is_primary(),
			'reachable'  => '' !== $problem ? 'no' : ($whole ? 'yes' : 'unknown'),
			'problem'    => $problem,
			'ssl_mode'   => $sync->certificates->known_mode(),
			'names'      => $sync->app->count(),
			'view_whole' => $whole,
			'waiting'    => count($queued),
			'progress'   => null === $progress ? '' : Labels::progress($progress),
		];
	}

	/**
	 * The most recent failure among an app's waiting names, in words, or ''.
	 *
	 * @param array<string, array<string, mixed>> $queued The app's queue.
	 */
	private static function latest_problem(array $queued): string {
		$latest = null;
		foreach ($queued as $entry) {
			if ('' !== (string) $entry['error'] && (null === $latest || (int) $entry['next_at'] > (int) $latest['next_at'])) {
				$latest = $entry;
			}
		}
		return null === $latest ? '' : Failure::explain((string) $latest['error'], (int) $latest['next_at']);
	}
}
