<?php
/**
 * Ultimate Multisite 2.5+: who the RunCloud integration is and how it connects.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Ultimate_Multisite;

use WuRunCloud\Plugin\Extension\Credentials;
use WuRunCloud\Plugin\Sync\Domain_Sync_Service;

defined('ABSPATH') || exit;

/**
 * Takes the id "runcloud" in Ultimate Multisite's integration registry, in
 * place of the core integration. It is set up with either the API token or the
 * API key and secret (the setup in Ultimate Multisite's RunCloud documentation),
 * and its connection test answers with RunCloud's own reason on failure.
 * Only loaded when Ultimate Multisite's Integration class exists.
 */
class RunCloud_Integration extends \WP_Ultimo\Integrations\Integration {

	const ID = 'runcloud';

	/**
	 * @var Domain_Sync_Service
	 */
	private $service;

	/**
	 * @var Credentials
	 */
	private $credentials;

	/**
	 * @param Domain_Sync_Service $service     The service.
	 * @param Credentials         $credentials Credentials.
	 */
	public function __construct(Domain_Sync_Service $service, Credentials $credentials) {
		parent::__construct(self::ID, 'RunCloud');
		$this->service     = $service;
		$this->credentials = $credentials;

		// Nothing is translated here: this runs at plugins_loaded, before translations load.
		// An array entry means "any one of these", as in the setup documented for RunCloud.
		$this->call_if_exists('set_constants', [[Credentials::TOKEN, Credentials::KEY], Credentials::SERVER_ID, Credentials::APP_ID]);
		// WU_RUNCLOUD_API_URL has no wizard field: it is only ever written by hand.
		$this->call_if_exists('set_optional_constants', [Credentials::SECRET]);
		$this->call_if_exists('set_supports', ['autossl', 'domain-mapping']);
		$this->call_if_exists('set_logo', Instructions::logo_url());
		$this->call_if_exists('set_tutorial_link', Instructions::TUTORIAL_LINK);
	}

	/**
	 * The description, translated when asked for (after init).
	 */
	public function get_description(): string {
		return __('Adds mapped domains and new sites\' subdomains to your RunCloud web app and keeps its SSL certificate up to date, through the native wu_runcloud extension.', 'wu-runcloud');
	}

	/**
	 * The wizard's Instructions step.
	 */
	public function get_instructions(): void {
		Instructions::render();
	}

	/**
	 * Set up with the server and app ids and either the token or the key and secret.
	 */
	public function is_setup(): bool {
		return $this->credentials->is_complete();
	}

	/**
	 * The constants still missing.
	 *
	 * @return list<string>
	 */
	public function get_missing_constants(): array {
		return $this->credentials->missing();
	}

	/**
	 * The wizard's credential fields.
	 *
	 * @return array<string, array<string, mixed>>
	 */
	public function get_fields(): array {
		return Credential_Fields::all();
	}

	/**
	 * Hints that the site runs on a RunCloud server (the core integration's hint included).
	 */
	public function detect(): bool {
		return false !== strpos(ABSPATH, 'runcloud') || is_dir('/RunCloud/Packages');
	}

	/**
	 * Asks RunCloud; true, or a WP_Error carrying RunCloud's reason. The
	 * wizard's AJAX call is open to any logged-in user: network admins only.
	 *
	 * @return true|\WP_Error
	 */
	public function test_connection() {
		return Wizard_Connection_Test::result($this->service);
	}

	/**
	 * A credential as Ultimate Multisite stores it ('' when it has none): the
	 * credential store read by the plugin to define missing constants.
	 *
	 * @param string $constant Constant name.
	 */
	public function stored_credential(string $constant): string {
		if (! method_exists(get_parent_class($this), 'get_credential')) {
			return '';
		}
		$value = parent::get_credential($constant);
		return is_scalar($value) ? (string) $value : '';
	}

	/**
	 * Calls a setter of the parent class when this version of it has one.
	 *
	 * @param string $method Method name.
	 * @param mixed  $value  Value.
	 */
	private function call_if_exists(string $method, $value): void {
		if (method_exists(get_parent_class($this), $method)) {
			$this->{$method}($value);
		}
	}
}
