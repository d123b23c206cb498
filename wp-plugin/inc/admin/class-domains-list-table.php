<?php
/**
 * The Domains view's table.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Admin;

use WuRunCloud\Plugin\Extension\Failure;
use WuRunCloud\Plugin\Status\Domain_Status;
use WuRunCloud\Plugin\Status\Printable;

defined('ABSPATH') || exit;

if (! class_exists('WP_List_Table')) {
	require_once ABSPATH . 'wp-admin/includes/class-wp-list-table.php';
}

/**
 * One row per name, as WordPress lists things: views per state with
 * counts, a search box, paging with a per-page screen option and a
 * "Sync now" row action.
 */
class Domains_List_Table extends \WP_List_Table {

	const PER_PAGE_OPTION = 'wu_runcloud_domains_per_page';

	/**
	 * @var Domain_Status
	 */
	private $status;

	/**
	 * @var array<string, int>
	 */
	private $counts = [];

	/**
	 * @param Domain_Status $status Every name's state.
	 */
	public function __construct(Domain_Status $status) {
		parent::__construct(
			[
				'singular' => 'wu-runcloud-domain',
				'plural'   => 'wu-runcloud-domains',
				'ajax'     => false,
				'screen'   => 'settings_page_' . Routes::SLUG . '-network',
			]
		);
		$this->status = $status;
	}

	/**
	 * The columns.
	 *
	 * @return array<string, string>
	 */
	public function get_columns() {
		return [
			'name'        => __('Name', 'wu-runcloud'),
			'source'      => __('Source', 'wu-runcloud'),
			'runcloud'    => __('On RunCloud', 'wu-runcloud'),
			'www'         => __('www', 'wu-runcloud'),
			'certificate' => __('Certificate', 'wu-runcloud'),
			'next'        => __('Pending', 'wu-runcloud'),
			'error'       => __('Last error', 'wu-runcloud'),
		];
	}

	/**
	 * Reads the rows of this page.
	 */
	public function prepare_items() {
		$per_page = $this->get_items_per_page(self::PER_PAGE_OPTION, 50);
		$result   = $this->status->query(self::search(), self::state(), ($this->get_pagenum() - 1) * $per_page, $per_page);
		$this->items           = $result['rows'];
		$this->counts          = $result['counts'];
		$this->_column_headers = [$this->get_columns(), [], []];
		$this->set_pagination_args(['total_items' => $result['total'], 'per_page' => $per_page]);
	}

	/**
	 * The state filter from the address.
	 */
	public static function state(): string {
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only filters a view.
		$state = isset($_GET['state']) ? sanitize_key(wp_unslash($_GET['state'])) : '';
		return in_array($state, Domain_Status::STATES, true) ? $state : '';
	}

	/**
	 * The search from the address.
	 */
	public static function search(): string {
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only filters a view.
		return isset($_GET['s']) ? sanitize_text_field(wp_unslash($_GET['s'])) : '';
	}

	/**
	 * Views per state with their counts.
	 *
	 * @return array<string, string>
	 */
	protected function get_views() {
		$labels = [
			''        => __('All', 'wu-runcloud'),
			'live'    => __('Live', 'wu-runcloud'),
			'missing' => __('Missing', 'wu-runcloud'),
			'waiting' => __('Waiting', 'wu-runcloud'),
			'extra'   => __('Extra', 'wu-runcloud'),
			'covered' => __('Wildcard-covered', 'wu-runcloud'),
		];
		$current = self::state();
		$base    = Routes::url('domains');
		$views   = [];
		foreach ($labels as $state => $label) {
			$count           = $this->counts['' === $state ? 'all' : $state] ?? 0;
			$views[ '' === $state ? 'all' : $state ] = sprintf(
				'<a href="%s"%s>%s <span class="count">(%s)</span></a>',
				esc_url('' === $state ? $base : add_query_arg('state', $state, $base)),
				$state === $current ? ' class="current" aria-current="page"' : '',
				esc_html($label),
				esc_html(number_format_i18n($count))
			);
		}
		return $views;
	}

	/**
	 * When nothing matches.
	 */
	public function no_items() {
		esc_html_e('No name matches.', 'wu-runcloud');
	}

	/**
	 * A row, with its state as a class for styling and tests.
	 *
	 * @param array<string, mixed> $item The row.
	 */
	public function single_row($item) {
		$item = Printable::row($item);
		printf('<tr class="wu-runcloud-state-%s" data-name="%s">', esc_attr($item['state']), esc_attr($item['name']));
		$this->single_row_columns($item);
		echo '</tr>';
	}

	/**
	 * The name in Unicode, punycode on hover and below; "Sync now".
	 *
	 * @param array<string, mixed> $item The row.
	 */
	protected function column_name($item) {
		$html = '<strong title="' . esc_attr($item['name']) . '">' . esc_html($item['unicode']) . '</strong>';
		if ($item['unicode'] !== $item['name']) {
			$html .= '<br><code class="wu-runcloud-punycode">' . esc_html($item['name']) . '</code>';
		}
		return $html;
	}

	/**
	 * "Sync now" under the name.
	 *
	 * @param array<string, mixed> $item        The row.
	 * @param string               $column_name The column.
	 * @param string               $primary     The primary column.
	 */
	protected function handle_row_actions($item, $column_name, $primary) {
		if ($column_name !== $primary) {
			return '';
		}
		return $this->row_actions(
			[
				'sync' => sprintf('<a href="%s">%s</a>', esc_url(Routes::sync_url($item['name'], (int) $item['site_id'])), esc_html__('Sync now', 'wu-runcloud')),
			]
		);
	}

	/**
	 * Where the name comes from.
	 *
	 * @param array<string, mixed> $item The row.
	 */
	protected function column_source($item) {
		$site = Routes::site_link((int) $item['site_id']);
		switch ($item['source']) {
			case 'domain':
				/* translators: %s: link to the site */
				return sprintf(esc_html__('mapped domain of %s', 'wu-runcloud'), $site);
			case 'subdomain':
				/* translators: %s: link to the site */
				return sprintf(esc_html__('host of site %s', 'wu-runcloud'), $site);
			case 'main':
				return esc_html__('the network\'s main domain', 'wu-runcloud');
			case 'covered':
				/* translators: %s: link to the site */
				return sprintf(esc_html__('host of site %s, served by a wildcard', 'wu-runcloud'), $site);
		}
		return esc_html__('nothing on the network wants it', 'wu-runcloud');
	}

	/**
	 * Whether RunCloud has it.
	 *
	 * @param array<string, mixed> $item The row.
	 */
	protected function column_runcloud($item) {
		return $this->on_primary_app($item) . self::on_each_app((array) $item['apps']);
	}

	/**
	 * Whether the primary web app has it.
	 *
	 * @param array<string, mixed> $item The row.
	 */
	private function on_primary_app(array $item): string {
		if ($item['on_app'] && ! $item['wanted'] && 'covered' !== $item['state']) {
			/* translators: %d: RunCloud's domain id */
			return esc_html(sprintf(__('extra (id %d)', 'wu-runcloud'), $item['id']));
		}
		if ($item['on_app']) {
			/* translators: %d: RunCloud's domain id */
			return esc_html(sprintf(__('yes (id %d)', 'wu-runcloud'), $item['id']));
		}
		return 'covered' === $item['state'] ? esc_html__('through the wildcard', 'wu-runcloud') : '<strong>' . esc_html__('missing', 'wu-runcloud') . '</strong>';
	}

	/**
	 * With several web apps: on how many the name is, and each app's word a
	 * click away.
	 *
	 * @param list<array{app: string, label: string, state: string}> $apps Where it stands on each app.
	 */
	private static function on_each_app(array $apps): string {
		if ([] === $apps) {
			return '';
		}
		$words = [
			'live'    => __('live', 'wu-runcloud'),
			'waiting' => __('waiting for a retry', 'wu-runcloud'),
			'missing' => __('missing', 'wu-runcloud'),
			'extra'   => __('extra', 'wu-runcloud'),
			'absent'  => __('not there', 'wu-runcloud'),
		];
		$on    = count(
			array_filter(
				$apps,
				static function (array $app): bool {
					return in_array($app['state'], ['live', 'extra'], true);
				}
			)
		);
		$items = '';
		foreach ($apps as $app) {
			$items .= sprintf('<li data-app="%s">%s: %s</li>', esc_attr($app['app']), esc_html($app['label']), esc_html($words[ $app['state'] ] ?? $app['state']));
		}
		/* translators: 1: number of web apps that have the name, 2: number of web apps */
		$summary = sprintf(__('on %1$d of %2$d apps', 'wu-runcloud'), $on, count($apps));
		return sprintf('<details class="wu-runcloud-apps"><summary>%s</summary><ul>%s</ul></details>', esc_html($summary), $items);
	}

	/**
	 * Whether www is served too.
	 *
	 * @param array<string, mixed> $item The row.
	 */
	protected function column_www($item) {
		return $item['www'] ? esc_html__('yes', 'wu-runcloud') : esc_html__('no', 'wu-runcloud');
	}

	/**
	 * The certificate.
	 *
	 * @param array<string, mixed> $item The row.
	 */
	protected function column_certificate($item) {
		return '<span class="wu-runcloud-certificate-' . esc_attr($item['certificate']['state']) . '">' . esc_html($item['certificate']['text']) . '</span>';
	}

	/**
	 * What waits for the name.
	 *
	 * @param array<string, mixed> $item The row.
	 */
	protected function column_next($item) {
		$pending = $item['pending'];
		if (null === $pending) {
			return '-';
		}
		$when = (string) wp_date(get_option('date_format') . ' ' . get_option('time_format'), $pending['next_at']);
		if ($pending['overdue']) {
			/* translators: %s: date and time */
			return '<strong class="wu-runcloud-overdue">' . esc_html(sprintf(__('overdue since %s', 'wu-runcloud'), $when)) . '</strong>';
		}
		/* translators: 1: date and time, 2: attempts so far */
		return esc_html(sprintf(_n('next attempt %1$s (%2$d attempt so far)', 'next attempt %1$s (%2$d attempts so far)', $pending['attempts'], 'wu-runcloud'), $when, $pending['attempts']));
	}

	/**
	 * The last error, in words, with what to do.
	 *
	 * @param array<string, mixed> $item The row.
	 */
	protected function column_error($item) {
		if (null !== $item['pending'] && '' !== $item['pending']['error']) {
			return esc_html($item['pending']['error']);
		}
		if (null !== $item['pending'] && $item['pending']['overdue']) {
			return esc_html(Failure::retry_sentence($item['pending']['next_at']));
		}
		if ('missing' === $item['state'] && $item['wanted']) {
			return esc_html__('Not on RunCloud and nothing waits: press "Sync now" or "Reconcile now".', 'wu-runcloud');
		}
		return '-';
	}
}
