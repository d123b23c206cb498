<?php
/**
 * WP-CLI: `wp runcloud domains`.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\CLI;

use WuRunCloud\Plugin\Extension\Extension_Missing_Exception;
use WuRunCloud\Plugin\Status\Logger;
use WuRunCloud\Plugin\Sync\Domain_Sync_Service;
use WuRunCloud\Plugin\Sync\Managed_Domains;
use WuRunCloud\RunCloudException;

defined('ABSPATH') || exit;

/**
 * The web app's domains as RunCloud lists them now, and which are ours.
 */
final class Domains_Command extends Command {

	/**
	 * The columns of the listing.
	 */
	const FIELDS = ['name', 'id', 'type', 'www', 'redirection', 'wildcard', 'managed', 'site'];

	/**
	 * @var Domain_Sync_Service
	 */
	private $service;

	/**
	 * @var Managed_Domains
	 */
	private $managed;

	/**
	 * @param Logger              $logger  Logger.
	 * @param Domain_Sync_Service $service The service.
	 * @param Managed_Domains     $managed Names this integration added.
	 */
	public function __construct(Logger $logger, Domain_Sync_Service $service, Managed_Domains $managed) {
		parent::__construct($logger);
		$this->service = $service;
		$this->managed = $managed;
	}

	/**
	 * Lists the web app's domains, on every page.
	 *
	 * ## OPTIONS
	 *
	 * [--field=<field>]
	 * : Prints the value of a single column for each domain.
	 *
	 * [--fields=<fields>]
	 * : Comma-separated list of the columns to show.
	 *
	 * [--format=<format>]
	 * : Render output in a particular format; ids prints RunCloud's domain ids.
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
	 * * name
	 * * id: RunCloud's id of the domain
	 * * type
	 * * www: whether www. is served too
	 * * redirection
	 * * wildcard
	 * * managed: whether this integration added it
	 * * site: the site it was added for
	 *
	 * ## EXAMPLES
	 *
	 *     wp runcloud domains --format=csv
	 *     wp runcloud domains --fields=name,managed,site
	 *
	 * @param list<string>         $args       Positional arguments.
	 * @param array<string, mixed> $assoc_args Options.
	 */
	public function __invoke(array $args = [], array $assoc_args = []): void {
		try {
			$domains = $this->service->list_domains();
		} catch (RunCloudException | Extension_Missing_Exception $e) {
			$this->stop($e);
			return;
		}
		$managed = $this->managed->all();
		$rows    = [];
		foreach ($domains as $domain) {
			$site   = isset($managed[ $domain['name'] ]) ? (int) $managed[ $domain['name'] ]['site_id'] : null;
			$rows[] = [
				'name'        => (string) $domain['name'],
				'id'          => (int) $domain['id'],
				'type'        => $domain['type'],
				'www'         => (bool) $domain['www'],
				'redirection' => $domain['redirection'],
				'wildcard'    => (bool) $domain['wildcard'],
				'managed'     => null !== $site,
				'site'        => $site,
			];
		}
		$this->display($assoc_args, $rows, self::FIELDS, 'id');
	}
}
