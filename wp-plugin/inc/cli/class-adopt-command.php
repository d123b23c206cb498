<?php
/**
 * WP-CLI: `wp runcloud adopt`.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\CLI;

use WuRunCloud\Plugin\Status\Logger;
use WuRunCloud\Plugin\Sync\Adoption;

defined('ABSPATH') || exit;

/**
 * Names on the web app that this integration did not add, recorded as its
 * own by the operator's choice.
 */
final class Adopt_Command extends Command {

	/**
	 * The columns of the listing.
	 */
	const FIELDS = ['name', 'source', 'site', 'id'];

	/**
	 * @var Adoption
	 */
	private $adoption;

	/**
	 * @param Logger   $logger   Logger.
	 * @param Adoption $adoption Adoption of names this integration did not add.
	 */
	public function __construct(Logger $logger, Adoption $adoption) {
		parent::__construct($logger);
		$this->adoption = $adoption;
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
	 * [--field=<field>]
	 * : Prints the value of a single column for each name listed.
	 *
	 * [--fields=<fields>]
	 * : Comma-separated list of the columns to show (name, source, site, id).
	 *
	 * [--format=<format>]
	 * : Render output in a particular format.
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
	 *     wp runcloud adopt
	 *     wp runcloud adopt --yes
	 *
	 * @param list<string>         $args       Positional arguments.
	 * @param array<string, mixed> $assoc_args Options.
	 */
	public function __invoke(array $args = [], array $assoc_args = []): void {
		$candidates = $this->adoption->candidates();
		if (! $this->adoption->view_is_whole()) {
			\WP_CLI::warning(__('The web app has not been read whole yet (its first reading runs in the background): names not seen yet are not listed.', 'wu-runcloud'));
		}
		if ([] === $candidates) {
			\WP_CLI::success(__('Every name Ultimate Multisite maps that is on the web app is on record already: nothing to adopt.', 'wu-runcloud'));
			return;
		}
		if (empty($assoc_args['yes'])) {
			$this->preview($candidates, $assoc_args);
			return;
		}
		$adopted = $this->adoption->adopt(array_keys($candidates), 'WP-CLI');
		/* translators: %d: number of names */
		\WP_CLI::success(sprintf(_n('Adopted %d name: unmapping it now removes it from RunCloud.', 'Adopted %d names: unmapping them now removes them from RunCloud.', count($adopted), 'wu-runcloud'), count($adopted)));
	}

	/**
	 * Lists the names that --yes would adopt; a table says how.
	 *
	 * @param array<string, array{site_id: int, source: string, id: int}> $candidates The names, as Adoption lists them.
	 * @param array<string, mixed>                                        $assoc_args Options.
	 */
	private function preview(array $candidates, array $assoc_args): void {
		$rows = [];
		foreach ($candidates as $name => $entry) {
			$rows[] = ['name' => $name, 'source' => $entry['source'], 'site' => $entry['site_id'], 'id' => $entry['id']];
		}
		$this->display($assoc_args, $rows, self::FIELDS);
		// A hint after JSON or CSV would spoil it for the program reading it.
		if ('table' === ($assoc_args['format'] ?? 'table') && ! isset($assoc_args['field'])) {
			/* translators: %d: number of names */
			\WP_CLI::line(sprintf(_n('%d name can be adopted; run again with --yes to adopt it.', '%d names can be adopted; run again with --yes to adopt them.', count($rows), 'wu-runcloud'), count($rows)));
		}
	}
}
