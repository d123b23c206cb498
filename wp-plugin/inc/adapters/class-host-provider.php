<?php
/**
 * Ultimate Multisite up to 2.4.x: the RunCloud host provider.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Adapters;

use WuRunCloud\Plugin\Credentials;
use WuRunCloud\Plugin\Plugin;

defined('ABSPATH') || exit;

/**
 * Takes the provider id "runcloud" in place of the built-in provider. Each
 * domain event delegates to the service; the connection test answers the
 * wizard's AJAX call with RunCloud's own reason on failure.
 * Only loaded when Ultimate Multisite's Base_Host_Provider exists.
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
	 * @var array
	 */
	protected $optional_constants = [Credentials::SECRET, Credentials::API_URL];

	/**
	 * Hints that the site runs on a RunCloud server.
	 */
	public function detect(): bool {
		return false !== strpos(ABSPATH, '/home/runcloud/') || is_dir('/RunCloud/Packages');
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
	 * Answers the wizard's "test connection" AJAX call.
	 */
	public function test_connection(): void {
		$report = Plugin::instance()->service()->test_connection();
		if ($report->ok) {
			wp_send_json_success(['message' => $report->message] + $report->details);
		}
		wp_send_json_error(['message' => $report->message, 'reason' => $report->reason] + $report->details);
	}
}
