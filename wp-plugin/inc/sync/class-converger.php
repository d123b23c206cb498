<?php
/**
 * Converges one name: RunCloud made to match what the network wants.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Sync;

use WuRunCloud\ConfigurationException;
use WuRunCloud\InvalidDomainException;
use WuRunCloud\Plugin\Extension\Extension_Gateway;
use WuRunCloud\Plugin\Extension\Extension_Missing_Exception;
use WuRunCloud\Plugin\Extension\Failure;
use WuRunCloud\Plugin\Extension\Target;
use WuRunCloud\Plugin\Status\Logger;
use WuRunCloud\Plugin\Storage\Lock;
use WuRunCloud\Plugin\Sync\Certificates\Certificate_Queue;
use WuRunCloud\Plugin\Ultimate_Multisite\Network;
use WuRunCloud\ProtectedDomainException;
use WuRunCloud\RunCloudException;

defined('ABSPATH') || exit;

/**
 * Level-triggered, not edge-triggered: an event, a retry or a dirty mark
 * only names a domain. converge() reads what the network wants for it
 * (Desired_State) and what RunCloud has (the id this integration kept when it
 * added the name, else RunCloud itself), makes RunCloud match, and records
 * the outcome: the name leaves the queue, or waits there with its error.
 * Nothing stale is ever replayed, and converging a settled name again costs
 * nothing: within one burst a name is converged once, whichever events
 * arrive for it.
 *
 * One process at a time per name (a name's Lock); a name asked for while another
 * process holds it is marked dirty and converged again when that one is done.
 * This is the one place where a name's RunCloud failures are caught.
 */
class Converger {

	/**
	 * Seconds during which a name converged by this process, whose desired
	 * state has not changed, needs no second look (one burst of events).
	 */
	const BURST = 30;

	/**
	 * How many times in a row a name marked dirty is converged again before
	 * it is left to the queue.
	 */
	const ROUNDS = 3;

	/**
	 * What was known of a name on the app before this integration added it.
	 */
	const ON_APP        = 'on_app';
	const IN_VIEW       = 'in_view';
	const ABSENT_BEFORE = 'absent';
	const UNKNOWN       = 'unknown';

	/**
	 * @var Extension_Gateway
	 */
	private $gateway;

	/**
	 * @var Logger
	 */
	private $logger;

	/**
	 * @var Network
	 */
	private $network;

	/**
	 * @var Desired_State
	 */
	private $desired;

	/**
	 * @var Wildcards
	 */
	private $wildcards;

	/**
	 * @var Managed_Domains
	 */
	private $managed;

	/**
	 * @var App_Domains
	 */
	private $app;

	/**
	 * @var Name_Queue
	 */
	private $queue;

	/**
	 * @var Certificate_Queue
	 */
	private $certificates;

	/**
	 * @var Lock
	 */
	private $lock;

	/**
	 * Names this process converged lately: name => [desired state, when].
	 *
	 * @var array<string, array{0: string, 1: int}>
	 */
	private $settled = [];

	/**
	 * The change being attempted on the name now, for failures.
	 *
	 * @var string
	 */
	private $action = 'converge';

	/**
	 * What a name's lock is scoped by: the app ('' for the primary one), so
	 * a name is converged on two apps at once, never twice on one.
	 *
	 * @var string
	 */
	private $lock_scope;

	/**
	 * @param Extension_Gateway $gateway      The extension.
	 * @param Logger            $logger       Logger.
	 * @param Network           $network      Network facts.
	 * @param Desired_State     $desired      What the network wants.
	 * @param Wildcards         $wildcards    The app's wildcard domains.
	 * @param Managed_Domains   $managed      Names this integration added.
	 * @param App_Domains       $app          The network's view of the app's domains.
	 * @param Name_Queue        $queue        Names due for another convergence.
	 * @param Certificate_Queue $certificates Names waiting for a certificate.
	 * @param Lock              $lock         One process a name and app.
	 * @param Target|null       $target       The web app converged; null for the primary one.
	 */
	public function __construct(Extension_Gateway $gateway, Logger $logger, Network $network, Desired_State $desired, Wildcards $wildcards, Managed_Domains $managed, App_Domains $app, Name_Queue $queue, Certificate_Queue $certificates, Lock $lock, ?Target $target = null) {
		$this->gateway      = $gateway;
		$this->logger       = $logger;
		$this->network      = $network;
		$this->desired      = $desired;
		$this->wildcards    = $wildcards;
		$this->managed      = $managed;
		$this->app          = $app;
		$this->queue        = $queue;
		$this->certificates = $certificates;
		$this->lock         = $lock;
		$this->lock_scope   = ($target ?? Target::primary())->storage_key();
	}

	/**
	 * The id of a name's lock: the name, with the app in front for any app
	 * but the primary one.
	 *
	 * @param string $name Normalised name.
	 */
	private function lock_id(string $name): string {
		return '' === $this->lock_scope ? $name : $this->lock_scope . ' ' . $name;
	}

	/**
	 * Makes RunCloud hold $given exactly when the network wants it.
	 *
	 * @param string $given    The name as it came.
	 * @param int    $site_id  The site it came with, for logs.
	 * @param string $trigger  What asked (an event's name, a retry), for logs.
	 * @param bool   $released The network let go of the name (a removal event):
	 *                         the main domain is then refused loudly. What
	 *                         is removed follows the record of added names
	 *                         alone, whatever the event.
	 * @param string $lease    The queue worker's lease, '' for an event.
	 * @return bool Whether the name is settled.
	 */
	public function converge(string $given, int $site_id, string $trigger, bool $released = false, string $lease = ''): bool {
		try {
			if (! $this->gateway->is_available()) {
				throw new Extension_Missing_Exception('the wu_runcloud PHP extension is not loaded');
			}
			$name = $this->gateway->normalize($given);
		} catch (InvalidDomainException $e) {
			$this->logger->error(sprintf('%s %s (site %d): not a valid domain name: %s', $trigger, $given, $site_id, $e->getMessage()));
			$this->queue->forget($given);
			return false;
		} catch (Extension_Missing_Exception $e) {
			$this->logger->error(sprintf('%s %s (site %d): not done, %s', $trigger, $given, $site_id, $e->getMessage()));
			return false;
		}
		// The network's main domain is never this integration's to change; its
		// www variant may be mapped like any name, but is never removed.
		if (in_array($name, $this->network->main_domains(), true) || ($released && $this->network->is_main_domain($name))) {
			$this->logger->log($released ? Logger::WARNING : Logger::INFO, sprintf('%s %s (site %d): %s, it is the network\'s main domain', $trigger, $name, $site_id, $released ? 'refused' : 'skipped'));
			$this->queue->forget($name);
			return true;
		}
		if ('' === $lease && $this->settled_in_this_burst($name, $site_id, $trigger, $released)) {
			return true;
		}
		if (! $this->lock->acquire(Lock::NAME, $this->lock_id($name))) {
			$this->queue->request($name, $site_id, $released);
			$this->logger->info(sprintf('%s %s (site %d): another process is converging it; converged again once that is done', $trigger, $name, $site_id));
			return false;
		}
		try {
			if ('' === $lease) {
				// An event: the name is held in the queue while it converges,
				// so a process dying halfway leaves it there for a retry.
				$lease = wp_generate_uuid4();
				$this->queue->hold($name, $site_id, $released, $trigger, $lease);
			}
			return $this->converge_locked($name, $site_id, $trigger, $released, $lease);
		} finally {
			$this->lock->release(Lock::NAME, $this->lock_id($name));
		}
	}

	/**
	 * Runs the names of the queue that are due. Nothing is taken off the
	 * queue by a process that cannot run it: without the extension (a PHP
	 * for the command line may lack it), the names stay and the run is
	 * scheduled again for a process that has it.
	 */
	public function converge_due(): void {
		if (! $this->gateway->is_available()) {
			$waiting = count($this->queue->all());
			if ($waiting > 0) {
				$this->logger->warning(sprintf('retry: the wu_runcloud PHP extension is not loaded in this PHP process; %d name(s) stay queued for one that has it', $waiting));
				$this->queue->reschedule(time() + 60);
			}
			return;
		}
		$lease = wp_generate_uuid4();
		$due   = $this->queue->lease_due($lease);
		if ([] !== $due) {
			// A queue runner lives long: what the network wants is read afresh.
			$this->desired->refresh();
		}
		foreach ($due as $entry) {
			$name = (string) $entry['domain'];
			if ($entry['abandoned']) {
				$reason = sprintf('failed after %d attempts, the last ones never finished: %s', $entry['attempts'], $entry['error']);
				$this->logger->error(sprintf('%s %s (site %d): %s', $entry['operation'], $name, $entry['site_id'], $reason));
				$this->report_given_up((string) $entry['operation'], $name, (int) $entry['site_id'], null, (string) $entry['error']);
				continue;
			}
			$this->converge($name, (int) $entry['site_id'], (string) $entry['operation'], (bool) $entry['released'], $lease);
			$this->queue->settle($name, $lease);
		}
	}

	/**
	 * Forgets what this process converged lately and what it read from
	 * RunCloud, so the next convergence looks afresh.
	 */
	public function forget_cached(): void {
		$this->settled = [];
		$this->wildcards->forget();
	}

	/**
	 * Converges a name whose lock this process holds, again while it was
	 * asked for meanwhile, and records the outcome.
	 *
	 * @param string $name     Normalised name.
	 * @param int    $site_id  Site id.
	 * @param string $trigger  What asked.
	 * @param bool   $released The network let go of the name.
	 * @param string $lease    The lease the name is converged under.
	 */
	private function converge_locked(string $name, int $site_id, string $trigger, bool $released, string $lease): bool {
		$this->action = 'converge';
		try {
			for ($round = 1; ; $round++) {
				$this->apply($name, $site_id, $trigger, $released);
				$again = $this->queue->succeeded($name, $round < self::ROUNDS);
				if (null === $again) {
					return true;
				}
				// Another process asked for the name meanwhile: what it
				// changed is read afresh, and its view of the name counts.
				$released = (bool) $again['released'];
				$this->desired->refresh();
			}
		} catch (ProtectedDomainException $e) {
			$this->logger->warning(sprintf('%s %s (site %d): refused, %s', $trigger, $name, $site_id, $e->getMessage()));
			$this->queue->forget($name);
		} catch (InvalidDomainException $e) {
			$this->logger->error(sprintf('%s %s (site %d): not a valid domain name: %s', $trigger, $name, $site_id, $e->getMessage()));
			$this->queue->forget($name);
		} catch (ConfigurationException $e) {
			$this->logger->error(sprintf('%s %s (site %d): not done, RunCloud is not configured: %s', $trigger, $name, $site_id, $e->getMessage()));
			$this->queue->forget($name);
		} catch (RunCloudException $e) {
			$this->failed($name, $site_id, $trigger, $released, $lease, $e);
		} catch (Extension_Missing_Exception $e) {
			// Left in the queue, for a process that has the extension.
			$this->logger->error(sprintf('%s %s (site %d): not done, %s', $trigger, $name, $site_id, $e->getMessage()));
		}
		unset($this->settled[ $name ]);
		return false;
	}

	/**
	 * Whether this process converged the name moments ago and the network
	 * still wants the same for it: the second event of a burst (a new site
	 * brings wu_add_subdomain and wu_add_domain for one host) costs nothing.
	 *
	 * @param string $name     Normalised name.
	 * @param int    $site_id  Site id.
	 * @param string $trigger  What asked.
	 * @param bool   $released The network let go of the name.
	 */
	private function settled_in_this_burst(string $name, int $site_id, string $trigger, bool $released): bool {
		if (! isset($this->settled[ $name ]) || time() - $this->settled[ $name ][1] > self::BURST) {
			return false;
		}
		try {
			$same = $this->settled[ $name ][0] === $this->fingerprint($name, $this->desired->of($name), $released);
		} catch (RunCloudException $e) {
			return false;
		}
		if ($same) {
			$this->logger->info(sprintf('%s %s (site %d): converged moments ago, nothing changed since', $trigger, $name, $site_id));
		}
		return $same;
	}

	/**
	 * What a convergence saw: the desired state, whether the network let go,
	 * and this integration's record of the name, which every change it makes
	 * on RunCloud (here, in another process, in a reconcile) updates.
	 *
	 * @param string               $name     Normalised name.
	 * @param array<string, mixed> $desired  The desired state.
	 * @param bool                 $released The network let go of the name.
	 */
	private function fingerprint(string $name, array $desired, bool $released): string {
		return (string) wp_json_encode([$desired, $released, $this->managed->get($name)]);
	}

	/**
	 * One convergence: reads the desired state and acts on the difference.
	 *
	 * @param string $name     Normalised name.
	 * @param int    $site_id  Site id.
	 * @param string $trigger  What asked.
	 * @param bool   $released The network let go of the name.
	 * @throws RunCloudException On RunCloud's failures.
	 */
	private function apply(string $name, int $site_id, string $trigger, bool $released): void {
		$desired = $this->desired->of($name);
		switch ($desired['state']) {
			case Desired_State::PRESENT:
				$this->make_present($name, $site_id, $trigger, $desired);
				break;
			case Desired_State::COVERED:
				$this->logger->info(sprintf('%s %s (site %d): skipped, the wildcard domain *.%s on RunCloud already serves it', $trigger, $name, $site_id, $desired['wildcard']));
				break;
			default:
				$this->make_absent($name, $site_id, $trigger);
		}
		$this->settled[ $name ] = [$this->fingerprint($name, $desired, $released), time()];
	}

	/**
	 * Whether a name this integration added is gone from the app: its view,
	 * read whole since, lacks it (someone removed it in RunCloud). The record
	 * alone would call it there; the add that follows is idempotent, so a
	 * view that is wrong costs one request, never a duplicate.
	 *
	 * @param string $name Normalised name.
	 */
	private function removed_by_hand(string $name): bool {
		return $this->app->is_whole() && ! $this->app->has($name);
	}

	/**
	 * The network wants the name: adds it unless this integration added it
	 * already, then asks for a certificate.
	 *
	 * Whether the name becomes this integration's (and so may be removed
	 * when the network lets go of it) is decided here, once: only when this
	 * integration's own add made it. RunCloud confirming the add says so;
	 * "already there" and "found after a lost answer" say so only when the
	 * name was known to be absent before this integration's first add of it
	 * (the "adding" mark is set only then). A name that was on the web app
	 * before, added by the operator or by an earlier provider, never becomes
	 * this integration's through a customer's mapping; the operator may adopt
	 * it (Adoption).
	 *
	 * @param string                                                  $name    Normalised name.
	 * @param int                                                     $site_id Site id.
	 * @param string                                                  $trigger What asked.
	 * @param array{site_id: int, source: string, www: bool}          $desired The desired state.
	 * @throws RunCloudException On RunCloud's failures.
	 */
	private function make_present(string $name, int $site_id, string $trigger, array $desired): void {
		// One read of the record: confirmed, or an add whose answer was lost.
		$record = $this->managed->get($name);
		if (null !== $record && empty($record['adding']) && ! $this->removed_by_hand($name)) {
			$this->logger->info(sprintf('%s %s (site %d): already on RunCloud (domain id %d, added by this integration), nothing to add', $trigger, $name, $site_id, (int) $record['id']));
			return;
		}
		$this->action = 'add_domain';
		$earlier      = null !== $record;
		$before       = $earlier ? self::ABSENT_BEFORE : $this->presence_before($name);
		if (self::ON_APP === $before) {
			$this->logger->info(sprintf('%s %s (site %d): already on RunCloud (domain id %d), nothing to add', $trigger, $name, $site_id, (int) $this->app->id_of($name)));
			$this->certificates->request($name);
			return;
		}
		if (self::ABSENT_BEFORE === $before) {
			$this->managed->mark_adding($name, $desired['site_id'], $desired['www'], $desired['source']);
		}
		try {
			$record = $this->gateway->add_domain($name, $desired['www']);
		} catch (RunCloudException $e) {
			if (! $earlier && ! Failure::outcome_unknown($e)) {
				$this->managed->forget($name);
			}
			throw $e;
		}
		$id = isset($record['id']) ? (int) $record['id'] : null;
		$this->app->record($record);
		$how = $this->how_added($record, $earlier, $before);
		if (null !== $how) {
			$this->managed->remember($name, $desired['site_id'], $desired['www'], $desired['source'], $id);
		} else {
			$this->managed->forget($name);
		}
		$www = $desired['www'] ? 'yes' : 'no';
		$this->logger->info(
			sprintf(
				[
					'created'  => '%1$s %2$s (site %3$d): added to RunCloud as %6$s (domain id %4$d, www %5$s)',
					'found'    => '%1$s %2$s (site %3$d): added to RunCloud (domain id %4$d, www %5$s); the answer was lost, the name was found afterwards',
					'earlier'  => '%1$s %2$s (site %3$d): already on RunCloud (domain id %4$d), added by an earlier attempt whose answer was lost',
					'unknown'  => '%1$s %2$s (site %3$d): already on RunCloud (domain id %4$d), nothing to add; whether it was there before could not be told, so it is not recorded as added by this integration (the operator may adopt it)',
					'theirs'   => '%1$s %2$s (site %3$d): already on RunCloud (domain id %4$d), nothing to add',
				][ $how ?? (self::UNKNOWN === $before ? 'unknown' : 'theirs') ],
				$trigger,
				$name,
				$site_id,
				(int) $id,
				$www,
				(string) ($record['type'] ?? 'alias')
			)
		);
		$this->certificates->request($name);
	}

	/**
	 * What was known of the name on the app before this add, as cheaply as
	 * it can be known: the view, once it has held the whole app (it may be
	 * out of date, so the add still goes to RunCloud); else one search of
	 * RunCloud's list, never a walk through it inside an event.
	 *
	 * @param string $name Normalised name.
	 * @return string ON_APP (RunCloud shows it now), IN_VIEW, ABSENT_BEFORE or UNKNOWN.
	 * @throws RunCloudException When RunCloud cannot be read.
	 */
	private function presence_before(string $name): string {
		if ($this->app->is_whole()) {
			return $this->app->has($name) ? self::IN_VIEW : self::ABSENT_BEFORE;
		}
		$page = $this->gateway->list_domains_page(1, $name);
		foreach ($page['domains'] as $domain) {
			if ($name === $domain['name']) {
				$this->app->record($domain);
				return self::ON_APP;
			}
		}
		// A search RunCloud may have ignored proves absence only on a lone page.
		return (int) $page['total_pages'] <= 1 ? self::ABSENT_BEFORE : self::UNKNOWN;
	}

	/**
	 * How this integration's add made the name ('created', 'found' after a
	 * lost answer, or by an 'earlier' unanswered add), or null when it did not.
	 *
	 * @param array<string, mixed> $record  The add's answer.
	 * @param bool                 $earlier An earlier add of this integration's was unanswered.
	 * @param string               $before  What was known before this add.
	 */
	private function how_added(array $record, bool $earlier, string $before): ?string {
		// Extensions that report it say how the name got there; older ones
		// only say `created`.
		$outcome = isset($record['outcome']) && is_string($record['outcome']) ? $record['outcome'] : (empty($record['created']) ? 'already_there' : 'created');
		if ('created' === $outcome) {
			return 'created';
		}
		if ('found_after_lost_answer' === $outcome && self::ABSENT_BEFORE === $before) {
			return 'found';
		}
		// `already_there` says only that the name was there before this
		// call's request; an earlier add of this integration's, made when the
		// name was known absent, ended without knowing it made it.
		return $earlier ? 'earlier' : null;
	}

	/**
	 * The network does not want the name: removes it when this integration
	 * added it (the record of added names holds it); leaves any other name
	 * alone, whatever asked: a customer's unmapping never removes a name the
	 * network did not add.
	 *
	 * @param string $name     Normalised name.
	 * @param int    $site_id  Site id.
	 * @param string $trigger  What asked.
	 * @throws RunCloudException On RunCloud's failures.
	 */
	private function make_absent(string $name, int $site_id, string $trigger): void {
		if ($this->network->is_main_domain($name)) {
			$this->logger->warning(sprintf('%s %s (site %d): refused, it is the network\'s main domain', $trigger, $name, $site_id));
			return;
		}
		// A name marked "adding" counts: it was absent before this
		// integration's add, whose answer was lost.
		if (! $this->managed->has($name)) {
			$this->logger->info(sprintf('%s %s (site %d): not wanted by the network and not added by this integration: left as it is on RunCloud', $trigger, $name, $site_id));
			return;
		}
		$this->action = 'remove_domain';
		// The id saves RunCloud a walk through the list: this integration's
		// own record first, else the network's view of the app.
		$removed      = $this->gateway->remove_domain($name, $this->managed->id_of($name) ?? $this->app->id_of($name));
		$this->managed->forget($name);
		$this->app->forget($name);
		$this->certificates->drop([$name]);
		$this->logger->info(
			$removed
				? sprintf('%s %s (site %d): removed from RunCloud', $trigger, $name, $site_id)
				: sprintf('%s %s (site %d): was not on RunCloud, nothing to remove', $trigger, $name, $site_id)
		);
	}

	/**
	 * A RunCloud failure: the name waits for another convergence when it may
	 * pass and attempts are left, else the failure is reported for good.
	 *
	 * @param string            $name     Normalised name.
	 * @param int               $site_id  Site id.
	 * @param string            $trigger  What asked.
	 * @param bool              $released The network let go of the name.
	 * @param string            $lease    The lease the name was converged under.
	 * @param RunCloudException $e        The failure.
	 */
	private function failed(string $name, int $site_id, string $trigger, bool $released, string $lease, RunCloudException $e): void {
		$reason = $this->logger->redact(Failure::describe($e));

		/**
		 * Whether a failed change is tried again later.
		 *
		 * @param bool              $retryable Whether it may pass.
		 * @param string            $operation The change attempted (add_domain, remove_domain, converge).
		 * @param string            $name      Domain name.
		 * @param RunCloudException $e         The failure.
		 */
		$retryable = (bool) apply_filters('wu_runcloud_should_retry', Failure::may_pass($e), $this->action, $name, $e);
		if ($retryable) {
			$attempts = $this->queue->failed($name, $site_id, $released, $this->action, $reason, $lease);
			if ($attempts > 0) {
				$this->logger->warning(sprintf('%s %s (site %d): attempt %d failed, will retry: %s', $trigger, $name, $site_id, $attempts, $reason));
				return;
			}
			$this->logger->error(sprintf('%s %s (site %d): failed after %d attempts: %s', $trigger, $name, $site_id, $this->queue->max_attempts(), $reason));
		} else {
			$this->queue->forget($name);
			$this->logger->error(sprintf('%s %s (site %d): failed: %s', $trigger, $name, $site_id, $reason));
		}
		$this->report_given_up($this->action, $name, $site_id, $e, $reason);
	}

	/**
	 * Fires wu_runcloud_operation_failed: a change failed for good.
	 *
	 * @param string                 $operation The change attempted.
	 * @param string                 $name      Domain name.
	 * @param int                    $site_id   Site id.
	 * @param RunCloudException|null $e         The failure, when this process saw it.
	 * @param string                 $reason    Why, redacted.
	 */
	private function report_given_up(string $operation, string $name, int $site_id, ?RunCloudException $e, string $reason): void {
		/**
		 * Fires when a change on RunCloud failed for good.
		 *
		 * @param string                 $operation The change (add_domain, remove_domain, redeploy_ssl).
		 * @param string                 $name      Domain name.
		 * @param int                    $site_id   Site id.
		 * @param RunCloudException|null $e         The failure; null when the attempts never finished.
		 * @param string                 $reason    Why, redacted.
		 */
		do_action('wu_runcloud_operation_failed', $operation, $name, $site_id, $e, $reason);
	}
}
