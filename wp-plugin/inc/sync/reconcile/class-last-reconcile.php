<?php
/**
 * What the last reconcile did.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync\Reconcile;

use WuRunCloud\Plugin\Extension\Target;
use WuRunCloud\Plugin\Storage\Shared_Option;

defined('ABSPATH') || exit;

/**
 * A network option holding the outcome of the last reconcile (daily, from
 * the network-admin page or from WP-CLI), so the page can show it: when, how it was
 * started, what it found and changed, or why it could not run.
 */
class Last_Reconcile {

	const OPTION = 'wu_runcloud_last_reconcile';

	/**
	 * @var Shared_Option
	 */
	private $option;

	/**
	 * @param Target|null $target The web app; null for the primary one.
	 */
	public function __construct(?Target $target = null) {
		$this->option = new Shared_Option(self::OPTION . ($target ?? Target::primary())->suffix());
	}

	/**
	 * Records a reconcile that ran.
	 *
	 * @param string               $trigger 'daily', 'admin' or 'cli'.
	 * @param bool                 $prune   Whether pruning was asked for.
	 * @param array<string, mixed> $report  The extension's report.
	 */
	public function ran(string $trigger, bool $prune, array $report): void {
		$this->save(
			[
				'time'      => time(),
				'trigger'   => $trigger,
				'dry_run'   => (bool) $report['dry_run'],
				'prune'     => $prune,
				'to_add'    => array_values($report['to_add']),
				'to_remove' => array_values($report['to_remove']),
				'unchanged' => count($report['unchanged']),
				'added'     => array_values($report['added']),
				'removed'   => array_values($report['removed']),
				'errors'    => (array) $report['errors'],
				'failure'   => null,
			]
		);
	}

	/**
	 * Records a reconcile that could not run.
	 *
	 * @param string $trigger 'daily', 'admin' or 'cli'.
	 * @param bool   $dry_run Whether it was a dry run.
	 * @param bool   $prune   Whether pruning was asked for.
	 * @param string $reason  Why (no secrets).
	 */
	public function failed(string $trigger, bool $dry_run, bool $prune, string $reason): void {
		$this->save(
			[
				'time'      => time(),
				'trigger'   => $trigger,
				'dry_run'   => $dry_run,
				'prune'     => $prune,
				'to_add'    => [],
				'to_remove' => [],
				'unchanged' => 0,
				'added'     => [],
				'removed'   => [],
				'errors'    => [],
				'failure'   => $reason,
			]
		);
	}

	/**
	 * The last outcome, or null when no reconcile ran yet.
	 *
	 * @return array{time: int, trigger: string, dry_run: bool, prune: bool, to_add: list<string>, to_remove: list<string>, unchanged: int, added: list<string>, removed: list<string>, errors: array<string, string>, failure: ?string}|null
	 */
	public function last(): ?array {
		$last = $this->option->read();
		return isset($last['time']) ? $last : null;
	}

	/**
	 * @param array<string, mixed> $outcome The outcome.
	 */
	private function save(array $outcome): void {
		$this->option->locked(
			function () use ($outcome) {
				$this->option->write($outcome);
			}
		);
	}
}
