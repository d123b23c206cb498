<?php
/**
 * TEST STAND-IN, written for this project's tests: the parts of Ultimate
 * Multisite's documented API that both architectures share. It imitates the
 * documented behaviour only (see the hooks table in the project's reference
 * notes); it is not Ultimate Multisite's code.
 *
 * @package WuRunCloud\Tests
 */

namespace WP_Ultimo\Traits {

	/**
	 * Stand-in: one instance per class, init() called on creation.
	 */
	trait Singleton {

		/**
		 * @var static|null
		 */
		protected static $stand_in_instance;

		/**
		 * @return static
		 */
		public static function get_instance() {
			if (! isset(static::$stand_in_instance) || ! static::$stand_in_instance instanceof static) {
				static::$stand_in_instance = new static();
				static::$stand_in_instance->init();
			}
			return static::$stand_in_instance;
		}

		/**
		 * Stand-in: runs the parent's init() when there is one.
		 */
		public function init(): void {
			$parent = get_parent_class($this);
			if ($parent && method_exists($parent, 'init')) {
				parent::init();
			}
		}
	}
}

namespace WP_Ultimo\Test {

	/**
	 * Stand-in for Action Scheduler's async queue as Domain_Manager uses it
	 * (wu_enqueue_async_action): actions are stored, and run() runs them the
	 * way a queue runner does, arguments passed positionally.
	 */
	final class Async_Queue {

		/**
		 * @var list<array{hook: string, args: array, group: string}>
		 */
		public static $actions = [];

		/**
		 * Runs every queued action, oldest first, including those queued meanwhile.
		 *
		 * @return int How many ran.
		 */
		public static function run(): int {
			$ran = 0;
			while ([] !== self::$actions) {
				$action = array_shift(self::$actions);
				do_action_ref_array($action['hook'], array_values($action['args']));
				++$ran;
			}
			return $ran;
		}

		/**
		 * Forgets everything queued.
		 */
		public static function clear(): void {
			self::$actions = [];
		}
	}

	/**
	 * What the stand-in log channel received.
	 */
	final class Log {

		/**
		 * @var list<array{handle: string, message: string, level: string}>
		 */
		public static $lines = [];
	}
}

namespace {

	if (! function_exists('wu_enqueue_async_action')) {
		/**
		 * Stand-in: queues an async action (Action Scheduler in Ultimate Multisite).
		 *
		 * @param string $hook  Action.
		 * @param array  $args  Arguments (named; passed positionally when run).
		 * @param string $group Group.
		 */
		function wu_enqueue_async_action($hook, $args = [], $group = '') {
			\WP_Ultimo\Test\Async_Queue::$actions[] = ['hook' => $hook, 'args' => (array) $args, 'group' => $group];
			return count(\WP_Ultimo\Test\Async_Queue::$actions);
		}
	}

	if (! function_exists('wu_log_add')) {
		/**
		 * Stand-in: Ultimate Multisite's logger (writes wu-logs/{handle}.log).
		 *
		 * @param string $handle  Channel.
		 * @param mixed  $message Message.
		 * @param string $level   PSR-3 level.
		 */
		function wu_log_add($handle, $message, $level = 'info') {
			\WP_Ultimo\Test\Log::$lines[] = ['handle' => (string) $handle, 'message' => (string) $message, 'level' => (string) $level];
			$dir = WP_CONTENT_DIR . '/uploads/wu-logs';
			if (wp_mkdir_p($dir)) {
				file_put_contents($dir . '/' . $handle . '.log', gmdate('Y-m-d H:i:s') . ' - ' . strtoupper((string) $level) . ' - ' . $message . PHP_EOL, FILE_APPEND);
			}
		}
	}

	if (! function_exists('wu_get_domains')) {
		/**
		 * Stand-in: queries mapped domains (kept in the network option
		 * wu_test_domains, name => site id, by the stand-in Domain_Manager).
		 * Understands number and offset; every stored mapping is active.
		 *
		 * @param array $query Query arguments.
		 * @return list<\WP_Ultimo\Models\Domain>
		 */
		function wu_get_domains($query = []) {
			$domains = [];
			foreach ((array) get_network_option(null, 'wu_test_domains', []) as $name => $site_id) {
				$domains[] = new \WP_Ultimo\Models\Domain((string) $name, (int) $site_id);
			}
			$number = isset($query['number']) ? (int) $query['number'] : 100;
			return array_slice($domains, isset($query['offset']) ? (int) $query['offset'] : 0, $number > 0 ? $number : null);
		}
	}

	if (! function_exists('wu_get_setting')) {
		/**
		 * Stand-in: reads a setting (network option wu_test_settings here).
		 *
		 * @param string $setting Name.
		 * @param mixed  $default Default.
		 */
		function wu_get_setting($setting, $default = false) {
			$settings = get_network_option(null, 'wu_test_settings', []);
			return is_array($settings) && array_key_exists($setting, $settings) ? $settings[ $setting ] : $default;
		}
	}

	if (! function_exists('wu_get_isset')) {
		/**
		 * Stand-in: array lookup with a default.
		 *
		 * @param array  $array   Array.
		 * @param string $key     Key.
		 * @param mixed  $default Default.
		 */
		function wu_get_isset($array, $key, $default = false) {
			return is_array($array) && isset($array[ $key ]) ? $array[ $key ] : $default;
		}
	}
}

namespace WP_Ultimo\Models {

	/**
	 * Stand-in for a mapped domain record: its name and site.
	 */
	class Domain {

		/**
		 * @var string
		 */
		private $domain;

		/**
		 * @var int
		 */
		private $site_id;

		/**
		 * @param string $domain  Name.
		 * @param int    $site_id Site id.
		 */
		public function __construct(string $domain, int $site_id) {
			$this->domain  = $domain;
			$this->site_id = $site_id;
		}

		/**
		 * @return string
		 */
		public function get_domain() {
			return $this->domain;
		}

		/**
		 * @return int
		 */
		public function get_site_id() {
			return $this->site_id;
		}

		/**
		 * @return bool
		 */
		public function is_active() {
			return true;
		}
	}
}

namespace WP_Ultimo\Managers {

	/**
	 * Stand-in for Domain_Manager: queues the four domain actions as the
	 * documentation describes (async, group "domain"), answers the www setting,
	 * and (architecture A) loads the host providers on plugins_loaded.
	 */
	class Domain_Manager {

		use \WP_Ultimo\Traits\Singleton;

		/**
		 * Stand-in: hooks site creation and deletion; loads providers (A).
		 */
		public function init(): void {
			add_action('wp_insert_site', [$this, 'handle_site_created']);
			add_action('wp_delete_site', [$this, 'handle_site_deleted']);
			if (class_exists('\WP_Ultimo\Integrations\Host_Providers\Base_Host_Provider')) {
				add_action('plugins_loaded', [$this, 'load_integrations']);
			}
			add_action('wp_ajax_wu_test_hosting_integration', [$this, 'test_integration']);
		}

		/**
		 * A site was inserted: queue wu_add_subdomain when its host differs from
		 * the network's (subdomain installs).
		 *
		 * @param \WP_Site $site Site.
		 */
		public function handle_site_created($site): void {
			if (! $this->is_subdomain_of_network($site->domain)) {
				return;
			}
			wu_enqueue_async_action('wu_add_subdomain', ['subdomain' => $site->domain, 'site_id' => $site->blog_id], 'domain');
			if (class_exists('\WP_Ultimo\Integrations\Integration_Registry')) {
				// 2.5+ also records the new site's host as a domain of the site;
				// creating that record fires wu_add_domain for the host as well.
				$this->map_domain($site->domain, (int) $site->blog_id);
			}
		}

		/**
		 * A site was deleted: queue wu_remove_subdomain likewise.
		 *
		 * @param \WP_Site $site Site.
		 */
		public function handle_site_deleted($site): void {
			if (! $this->is_subdomain_of_network($site->domain)) {
				return;
			}
			wu_enqueue_async_action('wu_remove_subdomain', ['subdomain' => $site->domain, 'site_id' => $site->blog_id], 'domain');
			$mapped = get_network_option(null, 'wu_test_domains', []);
			unset($mapped[ $site->domain ]);
			update_network_option(null, 'wu_test_domains', $mapped);
		}

		/**
		 * Stand-in for a mapped domain being created or renamed.
		 *
		 * @param string $domain  Domain.
		 * @param int    $site_id Site id.
		 */
		public function map_domain(string $domain, int $site_id): void {
			$mapped            = get_network_option(null, 'wu_test_domains', []);
			$mapped[ $domain ] = $site_id;
			update_network_option(null, 'wu_test_domains', $mapped);
			wu_enqueue_async_action('wu_add_domain', ['domain' => $domain, 'site_id' => $site_id], 'domain');
		}

		/**
		 * Stand-in for a mapped domain being deleted.
		 *
		 * @param string $domain  Domain.
		 * @param int    $site_id Site id.
		 */
		public function unmap_domain(string $domain, int $site_id): void {
			$mapped = get_network_option(null, 'wu_test_domains', []);
			unset($mapped[ $domain ]);
			update_network_option(null, 'wu_test_domains', $mapped);
			wu_enqueue_async_action('wu_remove_domain', ['domain' => $domain, 'site_id' => $site_id], 'domain');
		}

		/**
		 * Stand-in: the "Create www subdomain" setting for one domain.
		 *
		 * @param string $domain Domain.
		 */
		public function should_create_www_subdomain($domain) {
			$domain = strtolower(trim((string) $domain));
			if (0 === strpos($domain, 'www.')) {
				return false;
			}
			$setting = wu_get_setting('auto_create_www_subdomain', 'always');
			if ('never' === $setting) {
				return false;
			}
			if ('main_only' === $setting) {
				return substr_count($domain, '.') === 1;
			}
			return true;
		}

		/**
		 * Stand-in: instantiates the built-in providers (A), then lets others load (A and B).
		 */
		public function load_integrations(): void {
			if (class_exists('\WP_Ultimo\Integrations\Host_Providers\Runcloud_Host_Provider')) {
				\WP_Ultimo\Integrations\Host_Providers\Runcloud_Host_Provider::get_instance();
			}
			// 2.5+ still fires it, for third-party providers of the old kind.
			do_action('wp_ultimo_host_providers_load');
		}

		/**
		 * Stand-in (A): id => class name of every provider.
		 */
		public function get_integrations(): array {
			return apply_filters('wu_domain_manager_get_integrations', [], $this);
		}

		/**
		 * Stand-in (A): the provider registered under an id.
		 *
		 * @param string $id Provider id.
		 */
		public function get_integration_instance($id) {
			$integrations = $this->get_integrations();
			if (! isset($integrations[ $id ])) {
				return false;
			}
			$class = $integrations[ $id ];
			return $class::get_instance();
		}

		/**
		 * Stand-in (A): the wizard's AJAX "test connection".
		 */
		public function test_integration(): void {
			$id = isset($_REQUEST['integration']) ? sanitize_key(wp_unslash($_REQUEST['integration'])) : 'none'; // phpcs:ignore WordPress.Security.NonceVerification.Recommended
			if (class_exists('\WP_Ultimo\Integrations\Integration_Registry')) {
				$this->test_registry_integration($id);
				return;
			}
			$integration = $this->get_integration_instance($id);
			if (! $integration) {
				wp_send_json_error(['message' => 'Invalid Integration ID']);
			}
			if (! $integration->is_setup()) {
				wp_send_json_error(['message' => 'Missing constants: ' . implode(', ', $integration->get_missing_constants())]);
			}
			$integration->test_connection();
		}

		/**
		 * Stand-in (B): the wizard's AJAX "test connection" through the registry:
		 * test_connection() answers true or a WP_Error.
		 *
		 * @param string $id Integration id.
		 */
		private function test_registry_integration(string $id): void {
			$integration = \WP_Ultimo\Integrations\Integration_Registry::get_instance()->get($id);
			if (! $integration) {
				wp_send_json_error(['message' => 'Invalid Integration ID']);
			}
			if (! $integration->is_setup()) {
				wp_send_json_error(['message' => 'Missing constants: ' . implode(', ', $integration->get_missing_constants())]);
			}
			$result = $integration->test_connection();
			if (is_wp_error($result)) {
				wp_send_json_error(['message' => $result->get_error_message()]);
			}
			wp_send_json_success(['message' => 'Connection successful']);
		}

		/**
		 * Whether a host is below the network's own (not the network itself).
		 *
		 * @param string $host Host.
		 */
		private function is_subdomain_of_network(string $host): bool {
			$network = get_network();
			return $network && '' !== str_replace($network->domain, '', $host);
		}
	}
}
