<?php
/**
 * The progress bars of `wp runcloud sync`.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\CLI;

defined('ABSPATH') || exit;

/**
 * Two bars over a reconcile walk: the pages of the web app's domains read
 * (those read before the command started too), then the names brought in
 * line once every page is read.
 */
final class Walk_Progress {

	/**
	 * @var \cli\progress\Bar|\WP_CLI\NoOp|null
	 */
	private $pages_bar;

	/**
	 * @var \cli\progress\Bar|\WP_CLI\NoOp|null
	 */
	private $names_bar;

	/**
	 * Pages read and pages in all, as last shown.
	 *
	 * @var array{0: int, 1: int}
	 */
	private $pages = [0, 0];

	/**
	 * Names converged, as last shown.
	 *
	 * @var int
	 */
	private $converged = 0;

	/**
	 * Moves the bars to where the walk is.
	 *
	 * @param array<string, mixed> $progress The walk's progress.
	 */
	public function show(array $progress): void {
		$this->show_pages($progress);
		if ('listing' !== ($progress['phase'] ?? 'listing')) {
			$this->show_names($progress);
		}
	}

	/**
	 * Fills the bars: the walk is over.
	 */
	public function finish(): void {
		if (null !== $this->pages_bar) {
			$this->pages_bar->tick($this->pages[1] - $this->pages[0]);
			$this->pages_bar->finish();
		}
		if (null !== $this->names_bar) {
			$this->names_bar->finish();
		}
	}

	/**
	 * The pages read, once the first page told how many there are.
	 *
	 * @param array<string, mixed> $progress The walk's progress.
	 */
	private function show_pages(array $progress): void {
		if (null === $this->pages_bar && null !== $progress['total_pages']) {
			$this->pages_bar = \WP_CLI\Utils\make_progress_bar(__('Reading the web app\'s domains', 'wu-runcloud'), (int) $progress['total_pages']);
		}
		if (null !== $this->pages_bar) {
			$this->pages_bar->tick($progress['pages_read'] - $this->pages[0]);
			$this->pages = [$progress['pages_read'], (int) $progress['total_pages']];
		}
	}

	/**
	 * The names brought in line, once there are any to bring.
	 *
	 * @param array<string, mixed> $progress The walk's progress.
	 */
	private function show_names(array $progress): void {
		$converged = (int) ($progress['converged'] ?? 0);
		$total     = $converged + (int) ($progress['pending'] ?? 0);
		if (null === $this->names_bar && $total > 0) {
			$this->names_bar = \WP_CLI\Utils\make_progress_bar(__('Bringing names in line', 'wu-runcloud'), $total);
		}
		if (null !== $this->names_bar) {
			$this->names_bar->tick($converged - $this->converged);
			$this->converged = $converged;
		}
	}
}
