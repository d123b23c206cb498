<?php
/**
 * Ultimate Multisite up to 2.4.x: the RunCloud host provider.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Ultimate_Multisite;

use WuRunCloud\Plugin\Extension\Credentials;
use WuRunCloud\Plugin\Plugin;

defined('ABSPATH') || exit;

/**
 * Takes the provider id "runcloud" in place of the built-in provider. Each
 * domain event delegates to the service; the connection test answers the
 * wizard's AJAX call, for network admins only, with RunCloud's own reason on
 * failure. Every constant it declares has a wizard field (the wizard writes
 * each declared constant into wp-config.php). Only loaded when Ultimate
 * Multisite's Base_Host_Provider exists.
 */
class Host_Provider extends \WP_Ultimo\Integrations\Host_Providers\Base_Host_Provider {

	use \WP_Ultimo\Traits\Singleton;

	/**
	 * @var string
	 */
	protected $id = 'runcloud';

	/**
	 * @var string
	 */
	protected $title = 'RunCloud';

	/**
	 * @var string
	 */
	protected $tutorial_link = Instructions::TUTORIAL_LINK;

	/**
	 * @var array
	 */
	protected $supports = ['autossl'];

	/**
	 * Either the token or the key (with its secret), plus the two ids.
	 *
	 * @var array
	 */
	protected $constants = [[Credentials::TOKEN, Credentials::KEY], Credentials::SERVER_ID, Credentials::APP_ID];

	/**
	 * The secret goes with the key. WU_RUNCLOUD_API_URL is not declared: it
	 * has no wizard field, and is only ever written by hand.
	 *
	 * @var array
	 */
	protected $optional_constants = [Credentials::SECRET];

	/**
	 * Hints that the site runs on a RunCloud server (the core provider's hint included).
	 */
	public function detect(): bool {
		return false !== strpos(ABSPATH, 'runcloud') || is_dir('/RunCloud/Packages');
	}

	/**
	 * Set up with the ids and either the token or the key and secret.
	 */
	public function is_setup(): bool {
		return Plugin::instance()->credentials()->is_complete();
	}

	/**
	 * The constants still missing.
	 *
	 * @return array
	 */
	public function get_missing_constants(): array {
		return Plugin::instance()->credentials()->missing();
	}

	/**
	 * The wizard's fields.
	 *
	 * @return array
	 */
	public function get_fields(): array {
		return Credential_Fields::all();
	}

	/**
	 * What enabling the integration will and will not do.
	 *
	 * @return array
	 */
	public function get_explainer_lines(): array {
		return Explainer::lines();
	}

	/**
	 * The wizard's Instructions step.
	 */
	public function get_instructions(): void {
		Instructions::render();
	}

	/**
	 * The logo for the wizard.
	 */
	public function get_logo(): string {
		return Instructions::logo_url();
	}

	/**
	 * Leaves out the notices only the core provider would raise: "V2 of the
	 * API discontinued" (key and secret are supported here), "not properly
	 * setup" while ours is set up, "not active" unless ours detects RunCloud
	 * and is disabled. Filter wu_admin_notices.
	 *
	 * @param mixed $notices Notices by key.
	 * @return mixed
	 */
	public function silence_core_notices($notices) {
		if (! is_array($notices)) {
			return $notices;
		}
		$raised_by_ours = [
			'should-enable-runcloudv3-integration' => false,
			'should-setup-runcloud-integration'    => $this->is_enabled() && ! $this->is_setup(),
			'should-enable-runcloud-integration'   => $this->detect() && ! $this->is_enabled(),
		];
		foreach ($raised_by_ours as $key => $ours) {
			if (! $ours) {
				unset($notices[ $key ]);
			}
		}
		return $notices;
	}

	/**
	 * A description for the integrations list.
	 */
	public function get_description(): string {
		return __('Adds mapped domains and new sites\' subdomains to your RunCloud web app and keeps its SSL certificate up to date, through the native wu_runcloud extension.', 'wu-runcloud');
	}

	/**
	 * @param string $domain  Domain.
	 * @param int    $site_id Site id.
	 */
	public function on_add_domain($domain, $site_id): void {
		Plugin::instance()->service()->add_domain((string) $domain, (int) $site_id);
	}

	/**
	 * @param string $domain  Domain.
	 * @param int    $site_id Site id.
	 */
	public function on_remove_domain($domain, $site_id): void {
		Plugin::instance()->service()->remove_domain((string) $domain, (int) $site_id);
	}

	/**
	 * @param string $subdomain Host.
	 * @param int    $site_id   Site id.
	 */
	public function on_add_subdomain($subdomain, $site_id): void {
		Plugin::instance()->service()->add_subdomain((string) $subdomain, (int) $site_id);
	}

	/**
	 * @param string $subdomain Host.
	 * @param int    $site_id   Site id.
	 */
	public function on_remove_subdomain($subdomain, $site_id): void {
		Plugin::instance()->service()->remove_subdomain((string) $subdomain, (int) $site_id);
	}

	/**
	 * Answers the wizard's "test connection" AJAX call, which Ultimate
	 * Multisite leaves open to any logged-in user: network admins only.
	 */
	public function test_connection(): void {
		$refusal = Wizard_Connection_Test::refusal();
		if (null !== $refusal) {
			wp_send_json_error(['message' => $refusal, 'reason' => 'forbidden'], 403);
			return;
		}
		$report = Plugin::instance()->service()->test_connection();
		if ($report->ok) {
			wp_send_json_success(['message' => $report->message] + $report->details);
		}
		wp_send_json_error(['message' => $report->message, 'reason' => $report->reason] + $report->details);
	}
}
