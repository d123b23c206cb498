<?php
/**
 * The operator's adoption of names this integration did not add.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync;

use WuRunCloud\Plugin\Status\Logger;
use WuRunCloud\Plugin\Ultimate_Multisite\Network;

defined('ABSPATH') || exit;

/**
 * A name is removed from RunCloud only when the record of names this
 * integration added holds it, so a customer's unmapping never deletes what
 * the network did not add. A network that ran Ultimate Multisite's own
 * RunCloud provider before has customer names on the web app that no record
 * holds: their unmappings would leave them there for good. The operator,
 * who knows where those names came from, adopts them by choice: the names
 * Ultimate Multisite maps (and the sites' hosts it serves) at that moment,
 * that the network's view shows on the web app and no record holds, are
 * listed first, then recorded as this integration's. Nothing is asked of
 * RunCloud: the view says what is there.
 */
class Adoption {

	/**
	 * @var Desired_State
	 */
	private $desired;

	/**
	 * @var App_Domains
	 */
	private $app;

	/**
	 * @var Managed_Domains
	 */
	private $managed;

	/**
	 * @var Network
	 */
	private $network;

	/**
	 * @var Logger
	 */
	private $logger;

	/**
	 * @param Desired_State   $desired What the network wants.
	 * @param App_Domains     $app     The network's view of the app.
	 * @param Managed_Domains $managed Names this integration added.
	 * @param Network         $network Network facts.
	 * @param Logger          $logger  Logger.
	 */
	public function __construct(Desired_State $desired, App_Domains $app, Managed_Domains $managed, Network $network, Logger $logger) {
		$this->desired = $desired;
		$this->app     = $app;
		$this->managed = $managed;
		$this->network = $network;
		$this->logger  = $logger;
	}

	/**
	 * The names that may be adopted now: wanted by the network, on the web
	 * app as the view shows it, on no record, never the main domain nor a
	 * wildcard domain. Sorted by name.
	 *
	 * @return array<string, array{site_id: int, source: string, www: bool, id: int}>
	 */
	public function candidates(): array {
		$candidates = [];
		foreach ($this->desired->all() as $name => $wanted) {
			$name = (string) $name;
			$seen = $this->app->get($name);
			if (null === $seen || $seen['wildcard'] || $this->network->is_main_domain($name) || $this->managed->has($name)) {
				continue;
			}
			$candidates[ $name ] = [
				'site_id' => (int) $wanted['site_id'],
				'source'  => (string) $wanted['source'],
				'www'     => (bool) $wanted['www'],
				'id'      => (int) $seen['id'],
			];
		}
		return $candidates;
	}

	/**
	 * Whether the view has held the whole app: until then, names not seen
	 * yet are not offered.
	 */
	public function view_is_whole(): bool {
		return $this->app->is_whole();
	}

	/**
	 * Records the given names as this integration's, those that are still
	 * candidates (a name unmapped or recorded since the preview is skipped).
	 *
	 * @param list<string> $names Names from candidates().
	 * @param string       $who   Who adopted them, for the log ("user 1", "WP-CLI").
	 * @return list<string> The names adopted.
	 */
	public function adopt(array $names, string $who): array {
		$candidates = $this->candidates();
		$adopted    = [];
		foreach ($names as $name) {
			$name = (string) $name;
			if (! isset($candidates[ $name ])) {
				continue;
			}
			$entry = $candidates[ $name ];
			$this->managed->remember($name, $entry['site_id'], $entry['www'], $entry['source'], $entry['id'] > 0 ? $entry['id'] : null);
			$adopted[] = $name;
		}
		if ([] !== $adopted) {
			$this->logger->info(sprintf('adopt (%s): %d name(s) recorded as added by this integration, removed from RunCloud when the network lets go of them: %s', $who, count($adopted), implode(', ', $adopted)));
		}
		return $adopted;
	}
}
