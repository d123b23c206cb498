<?php
/**
 * Words and times the operator reads, the same on every surface.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Status;

defined('ABSPATH') || exit;

/**
 * The admin pages, Site Health and `wp runcloud` name an operation, a time
 * and a reconcile under way in the same words: they are written once, here.
 */
final class Labels {

	/**
	 * An operation's name for people.
	 *
	 * @param string $operation add_domain, remove_domain, redeploy_ssl...
	 */
	public static function operation(string $operation): string {
		$labels = [
			'add_domain'    => __('Add the domain', 'wu-runcloud'),
			'remove_domain' => __('Remove the domain', 'wu-runcloud'),
			'redeploy_ssl'  => __('Redeploy the certificate', 'wu-runcloud'),
			'converge'      => __('Bring in line', 'wu-runcloud'),
			'sync_now'      => __('Sync now', 'wu-runcloud'),
		];
		return $labels[ $operation ] ?? $operation;
	}

	/**
	 * A name, or what an operation on the web app's certificate is about.
	 *
	 * @param string $domain A name, or '' for the web app's certificate.
	 */
	public static function domain(string $domain): string {
		return '' === $domain ? __('(web app)', 'wu-runcloud') : $domain;
	}

	/**
	 * A time in the site's format and time zone.
	 *
	 * @param int $timestamp Unix time.
	 */
	public static function when(int $timestamp): string {
		return (string) wp_date(get_option('date_format') . ' ' . get_option('time_format'), $timestamp);
	}

	/**
	 * One line on a reconcile under way: how far it got.
	 *
	 * @param array<string, mixed> $progress Reconcile_Walk::progress().
	 */
	public static function progress(array $progress): string {
		$since = gmdate('Y-m-d H:i:s', (int) $progress['started_at']) . ' UTC';
		if ('listing' === $progress['phase']) {
			return null === $progress['total_pages']
				/* translators: 1: what started it, 2: date and time */
				? sprintf(__('A reconcile (%1$s) is under way since %2$s: reading the first page of the web app\'s domains.', 'wu-runcloud'), $progress['trigger'], $since)
				/* translators: 1: what started it, 2: date and time, 3: pages read, 4: pages in all, 5: queue runs so far */
				: sprintf(__('A reconcile (%1$s) is under way since %2$s: %3$d of %4$d pages of the web app\'s domains read, in %5$d runs.', 'wu-runcloud'), $progress['trigger'], $since, $progress['pages_read'], $progress['total_pages'], $progress['runs']);
		}
		/* translators: 1: what started it, 2: date and time, 3: names done, 4: names left */
		return sprintf(__('A reconcile (%1$s) is under way since %2$s: every page read; %3$d names converged, %4$d left.', 'wu-runcloud'), $progress['trigger'], $since, $progress['converged'], $progress['pending']);
	}

	/**
	 * Whether an app answers, in words.
	 *
	 * @param array{reachable: string, problem: string} $app The app.
	 */
	public static function answers(array $app): string {
		if ('no' === $app['reachable']) {
			/* translators: %s: the last failure */
			return sprintf(__('no: %s', 'wu-runcloud'), $app['problem']);
		}
		return 'yes' === $app['reachable'] ? __('yes', 'wu-runcloud') : __('not known yet', 'wu-runcloud');
	}

	/**
	 * An SSL mode as last seen, in words.
	 *
	 * @param string $mode basic, advanced, auto or ''.
	 */
	public static function ssl_mode(string $mode): string {
		$modes = [
			'basic'    => __('basic SSL', 'wu-runcloud'),
			'advanced' => __('advanced SSL', 'wu-runcloud'),
			'auto'     => __('advanced SSL with AutoSSL', 'wu-runcloud'),
		];
		return $modes[ $mode ] ?? __('not seen yet', 'wu-runcloud');
	}
}
