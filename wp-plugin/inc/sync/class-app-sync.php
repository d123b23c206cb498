<?php
/**
 * The sync machinery of one RunCloud web app.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync;

use WuRunCloud\Plugin\Extension\Connection_Tester;
use WuRunCloud\Plugin\Extension\Target;
use WuRunCloud\Plugin\Sync\Certificates\Blocking_Names;
use WuRunCloud\Plugin\Sync\Certificates\Certificate_Queue;
use WuRunCloud\Plugin\Sync\Certificates\Certificate_Step;
use WuRunCloud\Plugin\Sync\Certificates\Last_Redeploy;
use WuRunCloud\Plugin\Sync\Reconcile\Daily_Reconcile;
use WuRunCloud\Plugin\Sync\Reconcile\Last_Reconcile;
use WuRunCloud\Plugin\Sync\Reconcile\Reconcile_Walk;

defined('ABSPATH') || exit;

/**
 * Each web app a name goes to has all of its own: the view of its domains,
 * the record of the names this integration added to it, the queue of names
 * due for another try, its certificate step and queue, its reconcile walk and
 * its schedule. One app that fails (down, refusing, rate-limited) is retried
 * on its own; the others go on. What the apps share (the network, Let's
 * Encrypt's budgets, the account's rate limit) is shared by construction:
 * Plugin hands the same objects to every App_Sync it builds.
 */
final class App_Sync {

	/**
	 * @var Target
	 */
	public $target;

	/**
	 * @var App_Domains
	 */
	public $app;

	/**
	 * @var Managed_Domains
	 */
	public $managed;

	/**
	 * @var Name_Queue
	 */
	public $names;

	/**
	 * @var Desired_State
	 */
	public $desired;

	/**
	 * @var Converger
	 */
	public $converger;

	/**
	 * @var Certificate_Queue
	 */
	public $certificate_queue;

	/**
	 * @var Certificate_Step
	 */
	public $certificates;

	/**
	 * @var Blocking_Names
	 */
	public $blocking;

	/**
	 * @var Last_Redeploy
	 */
	public $last_redeploy;

	/**
	 * @var Reconcile_Walk
	 */
	public $walk;

	/**
	 * @var Last_Reconcile
	 */
	public $last_reconcile;

	/**
	 * @var Daily_Reconcile
	 */
	public $daily;

	/**
	 * @var Adoption
	 */
	public $adoption;

	/**
	 * @var Connection_Tester
	 */
	public $tester;

	/**
	 * @param array<string, object> $parts Every part above, by its name.
	 */
	public function __construct(array $parts) {
		foreach (get_object_vars($this) as $name => $unused) {
			if (! isset($parts[ $name ])) {
				throw new \InvalidArgumentException(sprintf('App_Sync needs its %s.', $name)); // phpcs:ignore WordPress.Security.EscapeOutput.ExceptionNotEscaped -- a programming error, never shown.
			}
			$this->$name = $parts[ $name ];
		}
	}
}
