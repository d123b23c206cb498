<?php
/**
 * TEST STAND-IN, written for this project's tests: Ultimate Multisite
 * 2.4.10's core RunCloud host provider and its hosting-integration wizard
 * page, over the base class in host-provider-base.php. Not Ultimate
 * Multisite's code.
 *
 * @package WuRunCloud\Tests
 */

namespace WP_Ultimo\Integrations\Host_Providers {

	/**
	 * Follows inc/integrations/host-providers/class-runcloud-host-provider.php
	 * (2.4.10): id, constants, fields, detection and the notices of its
	 * init(). Its domain handlers record the calls they get (the real ones
	 * call RunCloud), so tests see whether it still receives the events.
	 */
	class Runcloud_Host_Provider extends Base_Host_Provider {

		use \WP_Ultimo\Traits\Singleton;

		/**
		 * @var list<array{0: string, 1: string, 2: int}>
		 */
		public static $calls = [];

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
		protected $tutorial_link = 'https://github.com/superdav42/wp-multisite-waas/wiki/Runcloud-Integration';

		/**
		 * @var array
		 */
		protected $supports = ['autossl'];

		/**
		 * @var array
		 */
		protected $constants = ['WU_RUNCLOUD_API_TOKEN', 'WU_RUNCLOUD_SERVER_ID', 'WU_RUNCLOUD_APP_ID'];

		/**
		 * As init(): the base's, then the "V2 discontinued" notice when a secret
		 * is defined and no token.
		 */
		public function init(): void {
			parent::init();
			if (! defined('WU_RUNCLOUD_API_SECRET') || defined('WU_RUNCLOUD_API_TOKEN')) {
				return;
			}
			$message = 'It looks like you are using V2 of the Runcloud API which has been discontinued. You must setup a API token to use V3 of the API for the Runcloud integration to work.';
			WP_Ultimo()->notices->add($message, 'info', 'network-admin', 'should-enable-runcloudv3-integration', []);
		}

		/**
		 * As detect().
		 */
		public function detect(): bool {
			return strpos(ABSPATH, 'runcloud') !== false;
		}

		/**
		 * As get_fields(): the token, server and app ids (none a password field).
		 */
		public function get_fields() {
			return [
				'WU_RUNCLOUD_API_TOKEN' => ['title' => 'RunCloud API Token', 'desc' => 'The API Token generated in RunCloud.', 'placeholder' => 'e.g. your-api-token-here'],
				'WU_RUNCLOUD_SERVER_ID' => ['title' => 'RunCloud Server ID', 'desc' => 'The Server ID retrieved in the previous step.', 'placeholder' => 'e.g. 11667'],
				'WU_RUNCLOUD_APP_ID'    => ['title' => 'RunCloud App ID', 'desc' => 'The App ID retrieved in the previous step.', 'placeholder' => 'e.g. 940288'],
			];
		}

		/**
		 * As get_instructions() (the template is not imitated).
		 */
		public function get_instructions() {
			echo '<p>core RunCloud instructions</p>';
		}

		/**
		 * As get_description().
		 */
		public function get_description() {
			return 'With RunCloud, you don\'t need to be a Linux expert to build a website.';
		}

		/**
		 * As get_logo() (wu_get_asset('runcloud.svg', 'img/hosts')).
		 */
		public function get_logo() {
			return 'https://network.test/wp-content/plugins/ultimate-multisite/assets/img/hosts/runcloud.svg';
		}

		/**
		 * @param string $domain  Domain.
		 * @param int    $site_id Site id.
		 */
		public function on_add_domain($domain, $site_id) {
			self::$calls[] = ['add_domain', $domain, (int) $site_id];
		}

		/**
		 * @param string $domain  Domain.
		 * @param int    $site_id Site id.
		 */
		public function on_remove_domain($domain, $site_id) {
			self::$calls[] = ['remove_domain', $domain, (int) $site_id];
		}

		/**
		 * @param string $subdomain Host.
		 * @param int    $site_id   Site id.
		 */
		public function on_add_subdomain($subdomain, $site_id) {
			self::$calls[] = ['add_subdomain', $subdomain, (int) $site_id];
		}

		/**
		 * @param string $subdomain Host.
		 * @param int    $site_id   Site id.
		 */
		public function on_remove_subdomain($subdomain, $site_id) {
			self::$calls[] = ['remove_subdomain', $subdomain, (int) $site_id];
		}

		/**
		 * As test_connection(): the real one asks RunCloud for the domain list
		 * and answers with RunCloud's body.
		 */
		public function test_connection(): void {
			self::$calls[] = ['test_connection', '', 0];
			wp_send_json_success(['message' => 'core provider']);
		}
	}
}

namespace WP_Ultimo\Admin_Pages {

	/**
	 * Follows inc/admin-pages/class-hosting-integration-wizard-admin-page.php
	 * (2.4.10): the provider from Domain_Manager by ?integration=; sections
	 * activation, instructions (unless the provider supports
	 * no-instructions), config (unless no-config), testing, done; the
	 * configuration handler writes the posted fields with setup_constants()
	 * (submit=1) or shows get_constants_string() for manual insertion
	 * (submit=0). Templates are not imitated: views print what they pass on.
	 */
	class Hosting_Integration_Wizard_Admin_Page extends Wizard_Admin_Page {

		use Host_Integration_Wizard_Steps;

		/**
		 * @var \WP_Ultimo\Integrations\Host_Providers\Base_Host_Provider|false|null
		 */
		protected $integration;

		/**
		 * As page_loaded().
		 */
		public function page_loaded(): void {
			if (isset($_GET['integration'])) { // phpcs:ignore WordPress.Security.NonceVerification.Recommended
				$this->integration = \WP_Ultimo\Managers\Domain_Manager::get_instance()->get_integration_instance(sanitize_text_field(wp_unslash($_GET['integration']))); // phpcs:ignore WordPress.Security.NonceVerification.Recommended
			}
			if (! $this->integration) {
				wp_safe_redirect(network_admin_url('admin.php?page=wp-ultimo-settings'));
				throw new Wizard_Redirect('exit');
			}
			parent::page_loaded();
		}

		/**
		 * The provider the page works on.
		 *
		 * @return object
		 */
		public function integration() {
			return $this->integration;
		}

		/**
		 * As get_sections().
		 */
		public function get_sections() {
			$sections = [
				'activation'   => ['view' => [$this, 'section_activation'], 'handler' => [$this, 'handle_activation']],
				'instructions' => ['view' => [$this, 'section_instructions']],
				'config'       => ['view' => [$this, 'section_configuration'], 'handler' => [$this, 'handle_configuration']],
				'testing'      => ['view' => [$this, 'section_test']],
				'done'         => ['view' => [$this, 'section_ready']],
			];
			if ($this->integration->supports('no-instructions')) {
				unset($sections['instructions']);
			}
			if ($this->integration->supports('no-config')) {
				unset($sections['config']);
			}
			return $sections;
		}

		/**
		 * As section_instructions().
		 */
		public function section_instructions(): void {
			call_user_func([$this->integration, 'get_instructions']);
			$this->render_submit_box();
		}

		/**
		 * As section_configuration(): each field's value is the constant's,
		 * when defined; with ?manual=1 the snippet from get_constants_string().
		 */
		public function section_configuration(): void {
			$fields = $this->integration->get_fields();
			foreach ($fields as $field_constant => &$field) {
				$field['value'] = defined($field_constant) && constant($field_constant) ? constant($field_constant) : '';
			}
			unset($field);
			if (wu_request('manual')) {
				$post = json_decode(wp_unslash((string) wu_request('post')), true);
				echo '<pre>' . esc_html($this->integration->get_constants_string(is_array($post) ? $post : [])) . '</pre>';
				return;
			}
			$this->render_fields($fields);
		}

		/**
		 * As handle_configuration(): only the provider's own fields are taken
		 * from the post; submit=0 shows the manual snippet, submit=1 writes
		 * them with setup_constants().
		 */
		public function handle_configuration(): void {
			check_admin_referer('saving_config', 'saving_config');
			$filtered_data = [];
			foreach (array_keys($this->integration->get_fields()) as $field) {
				if (isset($_POST[ $field ])) {
					$filtered_data[ $field ] = sanitize_text_field(wp_unslash($_POST[ $field ]));
				}
			}
			if ((int) wu_request('submit') === 0) {
				wp_safe_redirect(add_query_arg(['manual' => '1', 'post' => wp_json_encode($filtered_data)]));
				throw new Wizard_Redirect('exit');
			}
			if ((int) wu_request('submit') === 1) {
				$this->integration->setup_constants($filtered_data);
			}
			wp_safe_redirect(remove_query_arg(['post', 'manual'], $this->get_next_section_link()));
			throw new Wizard_Redirect('exit');
		}
	}
}
