<?php
/**
 * The only place that calls the wu_runcloud extension.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Extension;

defined('ABSPATH') || exit;

/**
 * Wraps the wu_runcloud_* functions so that "the extension is missing" is one
 * check, and so that credentials kept by Ultimate Multisite are turned into the
 * constants the extension reads before any call.
 *
 * A gateway addresses the primary web app; on() gives one that addresses
 * another app of the account.
 *
 * Every method except is_available(), version() and config() throws
 * \WuRunCloud\RunCloudException (or a subclass) exactly as the extension does.
 */
class Extension_Gateway {

	/**
	 * The extension's name, as extension_loaded() knows it.
	 */
	const EXTENSION = 'wu_runcloud';

	/**
	 * Where credentials come from when wp-config.php does not define them.
	 *
	 * @var Credentials
	 */
	private $credentials;

	/**
	 * The web app addressed: null for the primary one (the constants decide),
	 * "SERVER:APP" for another app of the account.
	 *
	 * @var string|null
	 */
	private $app;

	/**
	 * @param Credentials $credentials The credential source.
	 */
	public function __construct(Credentials $credentials) {
		$this->credentials = $credentials;
	}

	/**
	 * The same gateway, addressing one web app.
	 *
	 * @param Target $target The app.
	 */
	public function on(Target $target): self {
		$gateway      = clone $this;
		$gateway->app = $target->app_argument();
		return $gateway;
	}

	/**
	 * The web apps the extension serves ("SERVER:APP"): the primary one
	 * first, then those of $list (by default the WU_RUNCLOUD_APPS constant).
	 *
	 * @param string|null $list "SERVER:APP, ..."; null for the constant.
	 * @return list<string>
	 */
	public function apps(?string $list = null): array {
		$this->prepare();
		return array_values(null === $list ? \wu_runcloud_apps() : \wu_runcloud_apps($list));
	}

	/**
	 * Whether the extension is loaded in this PHP process.
	 */
	public function is_available(): bool {
		return (bool) apply_filters('wu_runcloud_extension_available', extension_loaded(self::EXTENSION) && function_exists('wu_runcloud_add_domain'));
	}

	/**
	 * The extension's version, or null when it is not loaded.
	 */
	public function version(): ?string {
		if (! $this->is_available()) {
			return null;
		}
		if (defined('WU_RUNCLOUD_VERSION')) {
			return (string) constant('WU_RUNCLOUD_VERSION');
		}
		$version = phpversion(self::EXTENSION);
		return false === $version ? null : $version;
	}

	/**
	 * The extension's diagnostics (names of defined constants, never values),
	 * or an empty array when it is not loaded.
	 *
	 * @return array<string, mixed>
	 */
	public function config(): array {
		if (! $this->is_available()) {
			return [];
		}
		$this->credentials->define_missing();
		return \wu_runcloud_config();
	}

	/**
	 * Pings RunCloud and reads the web app.
	 *
	 * @return array{api_version: string, webapp_name: string, domain_count: int, ssl_mode: string, auto_ssl: bool}
	 */
	public function test_connection(): array {
		$this->prepare();
		return \wu_runcloud_test_connection(...$this->app_args());
	}

	/**
	 * Every domain of the web app, across all pages.
	 *
	 * @return list<array{id: int, name: string, type: string, www: bool, redirection: string, wildcard: bool}>
	 */
	public function list_domains(): array {
		$this->prepare();
		return \wu_runcloud_list_domains(...$this->app_args());
	}

	/**
	 * One page of the web app's domains (40 a page, from 1), with the page
	 * count and the rate limit RunCloud reported.
	 *
	 * @param int         $page   Page number, 1 or more.
	 * @param string|null $search Only names containing this domain name, where
	 *                            RunCloud's search filters (a shortcut: a page
	 *                            that is not the only one proves no absence).
	 * @return array{domains: list<array<string, mixed>>, page: int, total_pages: int, total: int, rate_limit: ?int, rate_remaining: ?int}
	 */
	public function list_domains_page(int $page, ?string $search = null): array {
		$this->prepare();
		return null === $search && null === $this->app ? \wu_runcloud_list_domains_page($page) : \wu_runcloud_list_domains_page($page, $search, ...$this->app_args());
	}

	/**
	 * A name's Unicode form ("bücher.example" for "xn--bcher-kva.example"),
	 * for display and for finding it where it is kept as entered: a look-alike
	 * or undecodable label stays in punycode, a control or invisible character
	 * shows as U+FFFD. Without the extension, the name itself. Static: it
	 * needs neither credentials nor a web app.
	 *
	 * @param string $domain Domain name (punycode).
	 */
	public static function to_unicode(string $domain): string {
		return function_exists('wu_runcloud_domain_to_unicode') ? \wu_runcloud_domain_to_unicode($domain) : $domain;
	}

	/**
	 * Switches the web app's SSL mode; returns the mode RunCloud reports after.
	 *
	 * @param bool $advanced A certificate per domain.
	 * @param bool $auto_ssl RunCloud issues them itself (advanced only).
	 * @return array{ssl_mode: string, auto_ssl: bool}
	 */
	public function set_ssl_mode(bool $advanced, bool $auto_ssl): array {
		$this->prepare();
		return \wu_runcloud_set_ssl_mode($advanced, $auto_ssl, ...$this->app_args());
	}

	/**
	 * The registered domain of a name (the name under its public suffix, by
	 * the Public Suffix List), which Let's Encrypt counts certificates by.
	 *
	 * @param string $domain Domain name.
	 */
	public function registered_domain(string $domain): string {
		$this->prepare();
		return \wu_runcloud_registered_domain($domain);
	}

	/**
	 * Adds a domain (idempotent: 'created' is false when it was there already).
	 *
	 * @param string $domain Domain name.
	 * @param bool   $www    Also serve the www variant.
	 * @return array<string, mixed>
	 */
	public function add_domain(string $domain, bool $www): array {
		$this->prepare();
		return \wu_runcloud_add_domain($domain, $www, ...$this->app_args());
	}

	/**
	 * Removes a domain; false when it was not there.
	 *
	 * @param string   $domain Domain name.
	 * @param int|null $id     RunCloud's id from when it was added, if known.
	 */
	public function remove_domain(string $domain, ?int $id = null): bool {
		$this->prepare();
		return \wu_runcloud_remove_domain($domain, $id, ...$this->app_args());
	}

	/**
	 * Brings the certificate(s) up to date.
	 *
	 * @param string|null $domain The domain, for advanced SSL.
	 * @return array{mode: string, action: string, certificate_id: ?int, domain: ?string, message: string}
	 */
	public function redeploy_ssl(?string $domain = null): array {
		$this->prepare();
		return \wu_runcloud_redeploy_ssl($domain, ...$this->app_args());
	}

	/**
	 * Validates and normalises a domain name (no request).
	 *
	 * @param string $domain Domain name.
	 */
	public function normalize(string $domain): string {
		$this->prepare();
		return \wu_runcloud_normalize_domain($domain);
	}

	/**
	 * The app argument of the extension's functions: none for the primary app,
	 * so its calls are exactly those of a network with one app.
	 *
	 * @return list<string>
	 */
	private function app_args(): array {
		return null === $this->app ? [] : [$this->app];
	}

	/**
	 * Fails early, with a plain exception, when the extension is missing.
	 *
	 * @throws Extension_Missing_Exception When the extension is not loaded.
	 */
	private function prepare(): void {
		if (! $this->is_available()) {
			throw new Extension_Missing_Exception(
				__('The wu_runcloud PHP extension is not loaded.', 'wu-runcloud')
			);
		}
		$this->credentials->define_missing();
	}
}
