<?php
/**
 * WP-CLI: `wp runcloud names`.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\CLI;

use WuRunCloud\Plugin\Status\Domain_Status;
use WuRunCloud\Plugin\Status\Logger;

defined('ABSPATH') || exit;

/**
 * Every name the network wants or the app holds, with its state: the rows
 * of the settings page's Domains tab.
 */
final class Names_Command extends Command {

	/**
	 * The columns of the listing.
	 */
	const FIELDS = ['name', 'unicode', 'state', 'source', 'site', 'id', 'www', 'certificate', 'next_attempt', 'error'];

	/**
	 * @var Domain_Status
	 */
	private $status;

	/**
	 * @param Logger        $logger Logger.
	 * @param Domain_Status $status The state of every name.
	 */
	public function __construct(Logger $logger, Domain_Status $status) {
		parent::__construct($logger);
		$this->status = $status;
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
	 * [--field=<field>]
	 * : Prints the value of a single column for each name.
	 *
	 * [--fields=<fields>]
	 * : Comma-separated list of the columns to show.
	 *
	 * [--format=<format>]
	 * : Render output in a particular format; ids prints the names, one
	 * space apart.
	 * ---
	 * default: table
	 * options:
	 *   - table
	 *   - csv
	 *   - json
	 *   - yaml
	 *   - count
	 *   - ids
	 * ---
	 *
	 * ## AVAILABLE FIELDS
	 *
	 * * name: as RunCloud holds it (internationalised names in punycode)
	 * * unicode: the name as people read it
	 * * state: live, missing, waiting, extra or covered
	 * * source: domain (a mapped domain) or subdomain (a name under the network's domain)
	 * * site: the site that wants it
	 * * id: RunCloud's id, when the app holds it
	 * * www: whether www. is served too
	 * * certificate: the state of the name's certificate
	 * * next_attempt: when a name waiting for a retry goes next
	 * * error: why its last attempt failed
	 *
	 * ## EXAMPLES
	 *
	 *     wp runcloud names --state=missing
	 *     wp runcloud names --format=json
	 *     wp runcloud names --state=waiting --fields=name,next_attempt,error
	 *
	 * @param list<string>         $args       Positional arguments.
	 * @param array<string, mixed> $assoc_args Options.
	 */
	public function __invoke(array $args = [], array $assoc_args = []): void {
		$state = (string) ($assoc_args['state'] ?? '');
		if ('' !== $state && ! in_array($state, Domain_Status::STATES, true)) {
			/* translators: 1: the state given, 2: the states there are */
			\WP_CLI::error(sprintf(__('Unknown state "%1$s": use one of %2$s.', 'wu-runcloud'), $state, implode(', ', Domain_Status::STATES)));
			return;
		}
		$for_people = self::for_people($assoc_args['format'] ?? 'table');
		$rows       = [];
		foreach ($this->status->all() as $row) {
			if ('' === $state || $row['state'] === $state) {
				$rows[] = self::listed($row, $for_people);
			}
		}
		$this->display($assoc_args, $rows, self::FIELDS, 'name');
	}

	/**
	 * A name's row as the listing shows it.
	 *
	 * @param array<string, mixed> $row        The name's row in the status.
	 * @param bool                 $for_people Whether people read it (the next attempt as a date, not a timestamp).
	 * @return array<string, mixed>
	 */
	private static function listed(array $row, bool $for_people): array {
		$pending = $row['pending'];
		return [
			'name'         => $row['name'],
			'unicode'      => $row['unicode'],
			'state'        => $row['state'],
			'source'       => $row['source'],
			'site'         => $row['site_id'] > 0 ? $row['site_id'] : null,
			'id'           => $row['on_app'] ? $row['id'] : null,
			'www'          => $row['www'],
			'certificate'  => $row['certificate']['state'],
			'next_attempt' => null === $pending ? null : self::next_attempt($pending, $for_people),
			'error'        => null === $pending ? '' : (string) $pending['error'],
		];
	}

	/**
	 * When a waiting name goes next: a timestamp for machines, a date for people.
	 *
	 * @param array{next_at: int, overdue: bool} $pending The name's place in the retry queue.
	 * @param bool                               $for_people Whether people read it.
	 * @return int|string
	 */
	private static function next_attempt(array $pending, bool $for_people) {
		if (! $for_people) {
			return $pending['next_at'];
		}
		return gmdate('Y-m-d H:i:s', $pending['next_at']) . ' UTC' . ($pending['overdue'] ? ' ' . __('(overdue)', 'wu-runcloud') : '');
	}
}
