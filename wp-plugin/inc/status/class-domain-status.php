<?php
/**
 * The state of every name, as the operator sees it.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Status;

use WuRunCloud\Plugin\Extension\Extension_Gateway;
use WuRunCloud\Plugin\Extension\Failure;
use WuRunCloud\Plugin\Sync\App_Domains;
use WuRunCloud\Plugin\Sync\Certificates\Blocking_Names;
use WuRunCloud\Plugin\Sync\Certificates\Certificate_Queue;
use WuRunCloud\Plugin\Sync\Certificates\Last_Redeploy;
use WuRunCloud\Plugin\Sync\Desired_State;
use WuRunCloud\Plugin\Sync\Fleet;
use WuRunCloud\Plugin\Sync\Name_Queue;
use WuRunCloud\Plugin\Sync\Wildcards;
use WuRunCloud\Plugin\Ultimate_Multisite\Network;
use WuRunCloud\RunCloudException;

defined('ABSPATH') || exit;

/**
 * The per-name read model that the Domains tab, `wp runcloud names` and Site
 * Health all read: for every name the network wants or the web app holds,
 * what an operator asks about it: where it comes from, whether RunCloud
 * has it, its certificate, what waits and what went wrong. Everything is read
 * from what the plugin keeps (the view of the app's domains, the queues, the
 * last redeploy), never from RunCloud, so a page view costs no API call.
 */
class Domain_Status {

	/**
	 * The states a row can be filtered by.
	 */
	const STATES = ['live', 'missing', 'waiting', 'extra', 'covered'];

	/**
	 * @var Desired_State
	 */
	private $desired;

	/**
	 * @var App_Domains
	 */
	private $app;

	/**
	 * @var Name_Queue
	 */
	private $names;

	/**
	 * @var Certificate_Queue
	 */
	private $certificates;

	/**
	 * @var Blocking_Names
	 */
	private $blocking;

	/**
	 * @var Last_Redeploy
	 */
	private $redeploys;

	/**
	 * @var Network
	 */
	private $network;

	/**
	 * @var Fleet
	 */
	private $fleet;

	/**
	 * Each web app's names and queued names, once a build (several apps only).
	 *
	 * @var list<array{label: string, held: array<string, mixed>, queued: array<string, mixed>}>|null
	 */
	private $apps;

	/**
	 * @var array<string, mixed>|null What certificate_state() reads, once a build.
	 */
	private $certificate_facts;

	/**
	 * @param Desired_State     $desired      What the network wants.
	 * @param App_Domains       $app          The network's view of the web app's domains.
	 * @param Name_Queue        $names        Names waiting for a retry.
	 * @param Certificate_Queue $certificates Names waiting for a redeploy.
	 * @param Blocking_Names    $blocking     The names whose DNS holds a certificate back.
	 * @param Last_Redeploy     $redeploys    The last redeploy that went through.
	 * @param Network           $network      The network.
	 * @param Fleet             $fleet        Every web app the names go to.
	 */
	public function __construct(Desired_State $desired, App_Domains $app, Name_Queue $names, Certificate_Queue $certificates, Blocking_Names $blocking, Last_Redeploy $redeploys, Network $network, Fleet $fleet) {
		$this->fleet        = $fleet;
		$this->desired      = $desired;
		$this->app          = $app;
		$this->names        = $names;
		$this->certificates = $certificates;
		$this->blocking     = $blocking;
		$this->redeploys    = $redeploys;
		$this->network      = $network;
	}

	/**
	 * Every row, sorted by name.
	 *
	 * @return array<string, array<string, mixed>> By normalised name.
	 */
	public function all(): array {
		$rows = [];
		foreach ($this->classify() as $name => $entry) {
			$rows[ $name ] = $this->row($entry);
		}
		return $rows;
	}

	/**
	 * Rows matching a search and a state, a page of them, and the counts per state.
	 * Every name is classified (its state, and its Unicode form only where
	 * the search could match it there); only the page's rows are built.
	 *
	 * @param string $search Part of a name (Unicode or punycode), '' for all.
	 * @param string $state  One of STATES, '' for all.
	 * @param int    $offset From 0.
	 * @param int    $limit  1 or more.
	 * @return array{total: int, rows: list<array<string, mixed>>, counts: array<string, int>}
	 */
	public function query(string $search, string $state, int $offset, int $limit): array {
		$entries = $this->classify();
		$counts  = array_fill_keys(array_merge(['all'], self::STATES), 0);
		$search  = self::fold(trim($search));
		$match   = [];
		foreach ($entries as $name => $entry) {
			++$counts['all'];
			++$counts[ $entry['state'] ];
			if ('' !== $state && $entry['state'] !== $state) {
				continue;
			}
			// Only a name with a punycode label reads differently in Unicode.
			if ('' !== $search && false === strpos((string) $name, $search)
				&& (false === strpos((string) $name, 'xn--') || false === strpos(self::fold(self::unicode((string) $name)), $search))) {
				continue;
			}
			$match[] = $entry;
		}
		$rows = [];
		foreach (array_slice($match, max(0, $offset), max(1, $limit)) as $entry) {
			$rows[] = $this->row($entry);
		}
		return ['total' => count($match), 'rows' => $rows, 'counts' => $counts];
	}

	/**
	 * Lower case for matching, Unicode letters included ("BÜCH" finds
	 * bücher.example); ASCII only where PHP has no mbstring.
	 */
	private static function fold(string $text): string {
		return function_exists('mb_strtolower') ? mb_strtolower($text, 'UTF-8') : strtolower($text);
	}

	/**
	 * Every name with what its row is built from and its state, sorted by
	 * name: cheap (no sentence, date or Unicode form), so the counts and
	 * the filters can look at all of them.
	 *
	 * @return array<string, array{name: string, want: array<string, mixed>|null, domain: array<string, mixed>|null, queued: array<string, mixed>|null, state: string}> By normalised name.
	 */
	private function classify(): array {
		$this->certificate_facts = null;
		$this->apps              = null;
		$held                    = $this->app->all();
		try {
			$wanted = $this->desired->all();
		} catch (RunCloudException $e) {
			$wanted = [];
		}
		$queue   = $this->names->all();
		$entries = [];
		foreach ($wanted as $name => $want) {
			$entries[ $name ] = $this->entry((string) $name, $want, $held[ $name ] ?? null, $queue[ $name ] ?? null);
		}
		foreach ($this->covered_hosts($this->app->wildcards(), $wanted) as $name => $site_id) {
			$entries[ $name ] = $this->entry($name, ['site_id' => $site_id, 'source' => 'covered', 'www' => false], $held[ $name ] ?? null, $queue[ $name ] ?? null);
		}
		// The network's own domain (and its www variant) is the network's, never an extra.
		$mains = [];
		foreach ($this->network->main_domains() as $main) {
			$mains[ $main ]          = true;
			$mains[ 'www.' . $main ] = true;
		}
		foreach ($held as $name => $domain) {
			if (! isset($entries[ $name ]) && ! $domain['wildcard']) {
				$main             = isset($mains[ $name ]) ? ['site_id' => (int) get_main_site_id(), 'source' => 'main', 'www' => (bool) $domain['www']] : null;
				$entries[ $name ] = $this->entry((string) $name, $main, $domain, $queue[ $name ] ?? null);
			}
		}
		foreach ($queue as $name => $entry) {
			if (! isset($entries[ $name ])) {
				$entries[ $name ] = $this->entry((string) $name, null, null, $entry);
			}
		}
		ksort($entries, SORT_STRING);
		return $entries;
	}

	/**
	 * A name's state, with what its row is built from.
	 *
	 * @param string                    $name   Normalised name.
	 * @param array<string, mixed>|null $want   What the network wants, null when nothing.
	 * @param array<string, mixed>|null $domain The app's domain, null when it lacks it.
	 * @param array<string, mixed>|null $queued The name's queue entry.
	 * @return array{name: string, want: array<string, mixed>|null, domain: array<string, mixed>|null, queued: array<string, mixed>|null, state: string}
	 */
	private function entry(string $name, ?array $want, ?array $domain, ?array $queued): array {
		$on_app = null !== $domain;
		if (null !== $want && 'covered' === $want['source']) {
			$state = 'covered';
		} elseif (null === $want) {
			$state = $on_app ? 'extra' : (null !== $queued ? 'waiting' : 'missing');
		} elseif (null !== $queued) {
			$state = 'waiting';
		} elseif (! $on_app) {
			$state = 'missing';
		} elseif ('waiting' === $this->certificate_kind($name, true)) {
			$state = 'waiting';
		} else {
			$state = $this->elsewhere($name) ?? 'live';
		}
		return ['name' => $name, 'want' => $want, 'domain' => $domain, 'queued' => $queued, 'state' => $state];
	}

	/**
	 * The certificate of a name: 'autossl' (RunCloud issues it), 'waiting'
	 * (a redeploy is due), 'covered' (the last redeploy covered the name),
	 * 'none' (the web app has no certificate), 'not_on_app' or 'unknown',
	 * with a sentence. The one place the view decides this, so other reasons
	 * a name waits (its DNS, say) plug in here.
	 *
	 * @param string $name   Normalised name.
	 * @param bool   $on_app Whether the web app holds it.
	 * @return array{state: string, text: string}
	 */
	public function certificate_state(string $name, bool $on_app): array {
		// The object lives as long as the process: read the facts afresh.
		$this->certificate_facts = null;
		return $this->certificate($name, $on_app);
	}

	/**
	 * certificate_state() within a build, from the facts it read once.
	 *
	 * @param string $name   Normalised name.
	 * @param bool   $on_app Whether the web app holds it.
	 * @return array{state: string, text: string}
	 */
	private function certificate(string $name, bool $on_app): array {
		$kind  = $this->certificate_kind($name, $on_app);
		$facts = $this->certificate_facts();
		switch ($kind) {
			case 'not_on_app':
				return ['state' => $kind, 'text' => __('none until the name is on RunCloud', 'wu-runcloud')];
			case 'autossl':
				return ['state' => $kind, 'text' => __('AutoSSL: RunCloud issues and renews it', 'wu-runcloud')];
			case 'waiting':
				if (isset($facts['blocking'][ $name ]) || isset($facts['held'][ $name ])) {
					return ['state' => $kind, 'text' => self::dns_hold_text($facts['blocking'][ $name ] ?? null, $facts['held'][ $name ] ?? null)];
				}
				$text = null === $facts['next']
					? __('waiting for a redeploy', 'wu-runcloud')
					/* translators: %s: date and time */
					: sprintf(__('waiting for a redeploy at %s', 'wu-runcloud'), Labels::when((int) $facts['next']));
				if ($facts['failure']['attempts'] > 0) {
					$text .= ' ' . Failure::explain((string) $facts['failure']['error'], (int) $facts['next']);
				} elseif (null !== $facts['next'] && Failure::is_overdue((int) $facts['next'])) {
					$text .= ' ' . Failure::retry_sentence((int) $facts['next']);
				}
				return ['state' => $kind, 'text' => $text];
			case 'none':
				return ['state' => $kind, 'text' => __('no certificate is installed on the web app', 'wu-runcloud')];
			case 'unknown':
				return null === $facts['last']
					? ['state' => $kind, 'text' => __('unknown: no redeploy recorded yet', 'wu-runcloud')]
					: ['state' => $kind, 'text' => __('unknown: advanced SSL, not redeployed by this plugin', 'wu-runcloud')];
		}
		/* translators: %s: date and time */
		return ['state' => 'covered', 'text' => sprintf(__('covered by the last redeploy (%s)', 'wu-runcloud'), Labels::when((int) $facts['last']['time']))];
	}

	/**
	 * The state certificate_state() gives a name, without its sentence:
	 * what the Domains view's 'waiting' state and its counts look at.
	 *
	 * @param string $name   Normalised name.
	 * @param bool   $on_app Whether the web app holds it.
	 */
	private function certificate_kind(string $name, bool $on_app): string {
		$facts = $this->certificate_facts();
		if (! $on_app) {
			return 'not_on_app';
		}
		$last = $facts['last'];
		if (null !== $last && 'auto' === $last['action']) {
			return 'autossl';
		}
		if (isset($facts['blocking'][ $name ]) || isset($facts['held'][ $name ]) || isset($facts['pending'][ $name ])) {
			return 'waiting';
		}
		if (null === $last) {
			return 'unknown';
		}
		if ('none' === $last['action']) {
			return 'none';
		}
		if ('advanced' === $last['mode'] && ! isset($facts['redeployed'][ $name ])) {
			return 'unknown';
		}
		return 'covered';
	}

	/**
	 * What certificate_state() reads, read once a build.
	 *
	 * @return array<string, mixed>
	 */
	private function certificate_facts(): array {
		if (null === $this->certificate_facts) {
			$last                    = $this->redeploys->last();
			$this->certificate_facts = [
				'pending'    => array_flip($this->certificates->pending()),
				'blocking'   => $this->blocking->all(),
				'held'       => $this->certificates->held(),
				'failure'    => $this->certificates->failure(),
				'next'       => $this->certificates->next_run(),
				'last'       => $last,
				'redeployed' => null === $last ? [] : array_flip($last['domains']),
			];
		}
		return $this->certificate_facts;
	}

	/**
	 * Why a name's certificate waits for DNS or for Let's Encrypt's limits,
	 * and what to do (Certificate_Queue::blocking() and held()).
	 *
	 * @param array{since: int, reason: string, moved: bool}|null $blocking The name holds a certificate back.
	 * @param array{until: int, reason: string}|null              $held     The name waits.
	 */
	private static function dns_hold_text(?array $blocking, ?array $held): string {
		if (null !== $blocking && $blocking['moved']) {
			/* translators: 1: date and time, 2: the reason found */
			return sprintf(__('held back: its DNS no longer points at the server (since %1$s: %2$s). Unmap the domain, or switch the web app to advanced SSL.', 'wu-runcloud'), Labels::when($blocking['since']), $blocking['reason']);
		}
		if (null !== $blocking && time() - $blocking['since'] >= Blocking_Names::overdue_after()) {
			/* translators: 1: date and time, 2: the reason found */
			return sprintf(__('held back: its DNS has never pointed at the server (since %1$s: %2$s). Ask the customer to point it here, unmap the domain, or switch the web app to advanced SSL.', 'wu-runcloud'), Labels::when($blocking['since']), $blocking['reason']);
		}
		if (null !== $blocking) {
			/* translators: 1: date and time, 2: the reason found */
			return sprintf(__('waiting for its DNS to point at the server (since %1$s: %2$s); nothing is ordered until it does.', 'wu-runcloud'), Labels::when($blocking['since']), $blocking['reason']);
		}
		/* translators: 1: the reason, 2: date and time */
		return sprintf(__('waiting: %1$s; checked again at %2$s.', 'wu-runcloud'), (string) $held['reason'], Labels::when((int) $held['until']));
	}

	/**
	 * A name in Unicode, for display (Extension_Gateway::to_unicode()). The
	 * extension's answer holds no control or invisible character; without the
	 * extension the name comes back as stored, and a name stored by an older
	 * version may hold some: they are removed.
	 *
	 * @param string $name ASCII name.
	 */
	public static function unicode(string $name): string {
		return Printable::text(Extension_Gateway::to_unicode($name));
	}

	/**
	 * One row: everything the table and `wp runcloud names` show.
	 *
	 * @param array{name: string, want: array<string, mixed>|null, domain: array<string, mixed>|null, queued: array<string, mixed>|null, state: string} $entry The name, classified.
	 * @return array<string, mixed>
	 */
	private function row(array $entry): array {
		$name    = $entry['name'];
		$want    = $entry['want'];
		$domain  = $entry['domain'];
		$queued  = $entry['queued'];
		$on_app  = null !== $domain;
		$pending = null;
		if (null !== $queued) {
			$next    = (int) $queued['next_at'];
			$pending = [
				'next_at'  => $next,
				'attempts' => (int) $queued['attempts'],
				'overdue'  => Failure::is_overdue($next),
				'error'    => '' === (string) $queued['error'] ? '' : Failure::explain((string) $queued['error'], $next),
			];
		}
		return [
			'name'        => $name,
			'unicode'     => self::unicode($name),
			'source'      => null === $want ? '' : (string) $want['source'],
			'site_id'     => null === $want ? (int) ($queued['site_id'] ?? 0) : (int) $want['site_id'],
			'wanted'      => null !== $want,
			'on_app'      => $on_app,
			'id'          => $on_app ? (int) $domain['id'] : 0,
			'www'         => $on_app ? (bool) $domain['www'] : (null !== $want && (bool) $want['www']),
			'certificate' => $this->certificate($name, $on_app),
			'pending'     => $pending,
			'state'       => $entry['state'],
			'apps'        => $this->apps_of($name, null !== $want),
		];
	}

	/**
	 * Sites' hosts served by one of the app's wildcards, which the network
	 * does not add one by one.
	 *
	 * @param list<string>         $wildcards Wildcard bases ("network.tld").
	 * @param array<string, mixed> $wanted    The wanted names.
	 * @return array<string, int> Host => site id.
	 */
	private function covered_hosts(array $wildcards, array $wanted): array {
		if ([] === $wildcards) {
			return [];
		}
		$covered = [];
		foreach ($this->network->site_hosts() as $host => $site_id) {
			$host   = strtolower((string) $host);
			$parent = Wildcards::parent_of($host);
			if (! isset($wanted[ $host ]) && null !== $parent && in_array($parent, $wildcards, true)) {
				$covered[ $host ] = (int) $site_id;
			}
		}
		return $covered;
	}

	/**
	 * Where a name stands on each web app, when the names go to more than
	 * one: 'live' (the app has it), 'waiting' (queued for another try there),
	 * 'missing' (wanted, not there) or 'extra' (there, not wanted). Empty with
	 * one app: the row says it all.
	 *
	 * @param string $name   Normalised name.
	 * @param bool   $wanted Whether the network wants it.
	 * @return list<array{app: string, label: string, state: string}>
	 */
	private function apps_of(string $name, bool $wanted): array {
		$states = [];
		foreach ($this->apps() as $key => $app) {
			if (isset($app['queued'][ $name ])) {
				$state = 'waiting';
			} elseif (isset($app['held'][ $name ])) {
				$state = $wanted ? 'live' : 'extra';
			} else {
				$state = $wanted ? 'missing' : 'absent';
			}
			$states[] = ['app' => (string) $key, 'label' => $app['label'], 'state' => $state];
		}
		return $states;
	}

	/**
	 * Each web app's names and queued names, read once a build.
	 *
	 * @return array<string, array{label: string, held: array<string, mixed>, queued: array<string, mixed>}> By app key.
	 */
	private function apps(): array {
		if (null === $this->apps) {
			$this->apps = [];
			if ($this->fleet->several()) {
				foreach ($this->fleet->all() as $sync) {
					$this->apps[ $sync->target->key() ] = ['label' => $sync->target->label(), 'held' => $sync->app->all(), 'queued' => $sync->names->all()];
				}
			}
		}
		return $this->apps;
	}

	/**
	 * How a name live on the primary app stands on the others: 'waiting'
	 * when another app has it queued, 'missing' when another app lacks it,
	 * null when every app has it (or there is one app).
	 *
	 * @param string $name Normalised name.
	 */
	private function elsewhere(string $name): ?string {
		$state = null;
		foreach ($this->apps() as $app) {
			if (isset($app['queued'][ $name ])) {
				return 'waiting';
			}
			if (! isset($app['held'][ $name ])) {
				$state = 'missing';
			}
		}
		return $state;
	}
}
