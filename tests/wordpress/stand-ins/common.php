<?php
/**
 * TEST STAND-IN, written for this project's tests: the parts of Ultimate
 * Multisite that both architectures share, each following the file of
 * Ultimate Multisite (2.4.10 and the 2.5 line) it names. Not Ultimate
 * Multisite's code: the same behaviour, in a few lines, with storage in
 * options instead of Ultimate Multisite's own tables.
 *
 * @package WuRunCloud\Tests
 */

namespace WP_Ultimo\Traits {

	/**
	 * Follows inc/traits/trait-singleton.php (2.4.10, 2.5): one instance per
	 * class that uses the trait, kept in a public static property, init()
	 * called once on creation.
	 */
	trait Singleton {

		/**
		 * @var object
		 */
		public static $instance;

		/**
		 * @return static
		 */
		public static function get_instance() {
			if (! isset(static::$instance) || ! static::$instance instanceof static) {
				static::$instance = new static();
				static::$instance->init();
			}
			return static::$instance;
		}

		/**
		 * Runs the parent's init() when there is one.
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
	 * Action Scheduler's async queue as wu_enqueue_async_action() uses it
	 * (inc/functions/scheduler.php: on the main site, via
	 * wu_switch_blog_and_run()). Kept in memory here; run() runs the actions
	 * the way a queue runner does, arguments passed positionally.
	 */
	final class Async_Queue {

		/**
		 * The four domain events, which run() counts.
		 */
		const DOMAIN_EVENTS = ['wu_add_domain', 'wu_remove_domain', 'wu_add_subdomain', 'wu_remove_subdomain'];

		/**
		 * @var list<array{hook: string, args: array, group: string, blog_id: int}>
		 */
		public static $actions = [];

		/**
		 * Runs every queued action, oldest first, including those queued meanwhile.
		 *
		 * @return int How many domain events (of the four) ran.
		 */
		public static function run(): int {
			$ran = 0;
			while ([] !== self::$actions) {
				$action = array_shift(self::$actions);
				do_action_ref_array($action['hook'], array_values($action['args']));
				$ran += in_array($action['hook'], self::DOMAIN_EVENTS, true) ? 1 : 0;
			}
			return $ran;
		}

		/**
		 * The hooks queued so far, in order.
		 *
		 * @return list<string>
		 */
		public static function hooks(): array {
			return array_column(self::$actions, 'hook');
		}

		/**
		 * Actions scheduled for later (wu_schedule_single_action()).
		 *
		 * @var list<array{hook: string, args: array, group: string, timestamp: int}>
		 */
		public static $scheduled = [];

		/**
		 * Runs the scheduled actions due at $now (oldest first), then the async
		 * queue they filled, as a queue runner does when their time has come.
		 *
		 * @param int $now Unix time the runner sees.
		 * @return int How many scheduled actions ran.
		 */
		public static function run_scheduled(int $now): int {
			$ran = 0;
			usort(
				self::$scheduled,
				static function ($a, $b) {
					return $a['timestamp'] <=> $b['timestamp'];
				}
			);
			foreach (self::$scheduled as $key => $action) {
				if ($action['timestamp'] > $now) {
					continue;
				}
				unset(self::$scheduled[ $key ]);
				do_action_ref_array($action['hook'], array_values($action['args']));
				++$ran;
			}
			self::$scheduled = array_values(self::$scheduled);
			self::run();
			return $ran;
		}

		/**
		 * Forgets everything queued.
		 */
		public static function clear(): void {
			self::$actions   = [];
			self::$scheduled = [];
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

	/**
	 * Follows WP_Ultimo in inc/class-wp-ultimo.php: the object WP_Ultimo()
	 * returns, with its notices layer.
	 */
	final class Main {

		/**
		 * @var \WP_Ultimo\Admin_Notices
		 */
		public $notices;

		/**
		 * @var Main|null
		 */
		private static $main;

		/**
		 * @return Main
		 */
		public static function get(): Main {
			if (null === self::$main) {
				self::$main          = new self();
				self::$main->notices = \WP_Ultimo\Admin_Notices::get_instance();
			}
			return self::$main;
		}

		/**
		 * Loaded (its requirements are met) in the test network.
		 */
		public function is_loaded(): bool {
			return true;
		}
	}

	/**
	 * The settings fields registered through wu_register_settings_field().
	 */
	final class Settings {

		/**
		 * @var array<string, array<string, array>>
		 */
		public static $fields = [];
	}
}

namespace WP_Ultimo {

	/**
	 * Follows inc/class-admin-notices.php (2.4.10, 2.5): notices kept per
	 * panel by id (the dismissible key), read through the wu_admin_notices filter.
	 */
	class Admin_Notices {

		use \WP_Ultimo\Traits\Singleton;

		/**
		 * @var array<string, array<string, array>>
		 */
		protected $notices = [
			'admin'         => [],
			'network-admin' => [],
			'user'          => [],
		];

		/**
		 * As add(): a later notice with the same key replaces the earlier one.
		 *
		 * @param string       $notice          Message.
		 * @param string       $type            success, info, warning, error.
		 * @param string       $panel           admin, network-admin, user.
		 * @param string|false $dismissible_key Key.
		 * @param array        $actions         Buttons.
		 */
		public function add($notice, $type = 'success', $panel = 'admin', $dismissible_key = false, $actions = []): void {
			$id                             = $dismissible_key ? $dismissible_key : md5($notice);
			$this->notices[ $panel ][ $id ] = [
				'type'            => $type,
				'message'         => $notice,
				'dismissible_key' => is_string($dismissible_key) ? $dismissible_key : false,
				'actions'         => $actions,
			];
		}

		/**
		 * As get_notices() (dismissals are not imitated).
		 *
		 * @param string $panel  Panel.
		 * @param bool   $filter Whether to leave out dismissed ones.
		 * @return array<string, array>
		 */
		public function get_notices($panel = 'admin', $filter = true) {
			$notices = $this->notices[ $panel ] ?? [];
			return apply_filters('wu_admin_notices', $notices, $this->notices, $panel, $filter, []);
		}

		/**
		 * Test helper: forgets every notice (a new request).
		 */
		public function clear(): void {
			$this->notices = ['admin' => [], 'network-admin' => [], 'user' => []];
		}
	}

	/**
	 * Follows inc/class-domain-mapping.php (2.4.10, 2.5): loaded at sunrise,
	 * so its wp_delete_site callback runs before Domain_Manager's: it deletes
	 * every domain record of the site (each deletion queues wu_remove_domain).
	 */
	class Domain_Mapping {

		use \WP_Ultimo\Traits\Singleton;

		/**
		 * As startup(): the hook this project's tests need.
		 */
		public function init(): void {
			add_action('wp_delete_site', [$this, 'clear_mappings_on_delete']);
		}

		/**
		 * As clear_mappings_on_delete().
		 *
		 * @param \WP_Site $site Site.
		 */
		public function clear_mappings_on_delete($site): void {
			foreach (\WP_Ultimo\Models\Domain::get_by_site((int) $site->blog_id) as $mapping) {
				$mapping->delete();
			}
		}
	}
}

namespace WP_Ultimo\Helpers {

	/**
	 * Follows inc/helpers/class-wp-config.php (2.4.10): writes
	 * "define( 'NAME', 'value' );" lines into wp-config.php, replacing an
	 * existing define of the constant. Here the file is the one a test names
	 * in WP_Config::$path (never the test network's wp-config.php).
	 */
	class WP_Config {

		use \WP_Ultimo\Traits\Singleton;

		/**
		 * The file standing in for wp-config.php.
		 *
		 * @var string|null
		 */
		public static $path;

		/**
		 * As inject_wp_config_constant().
		 *
		 * @param string $constant Name.
		 * @param mixed  $value    Value, written as a string.
		 * @return int|false|\WP_Error
		 */
		public function inject_wp_config_constant($constant, $value) {
			if (null === self::$path || ! is_writable(self::$path)) {
				return new \WP_Error('not-writeable', 'The file standing in for wp-config.php is not writable');
			}
			$config  = file(self::$path);
			$content = str_pad(sprintf("define( '%s', '%s' );", $constant, $value), 50) . '// Automatically injected by Ultimate Multisite;' . PHP_EOL;
			foreach ($config as $index => $line) {
				if (preg_match("/^define\(\s*['|\"]" . preg_quote((string) $constant, '/') . "['|\"],/", $line)) {
					$config[ $index ] = $content;
					return file_put_contents(self::$path, implode('', $config), LOCK_EX);
				}
			}
			// After the opening tag (the real one prefers the $table_prefix line).
			array_splice($config, 1, 0, [PHP_EOL . $content]);
			return file_put_contents(self::$path, implode('', $config), LOCK_EX);
		}
	}
}

namespace WP_Ultimo\Admin_Pages {

	/**
	 * Thrown where a wizard handler redirects and exits, so a test gets control back.
	 */
	final class Wizard_Redirect extends \RuntimeException {
	}

	/**
	 * The steps of inc/admin-pages/class-hosting-integration-wizard-admin-page.php
	 * that read the same in 2.4.10 and 2.5: the activation, testing and
	 * ready views (templates not imitated: they print what they pass on)
	 * and the activation handler.
	 */
	trait Host_Integration_Wizard_Steps {

		/**
		 * As section_activation(): title, description, logo, explainer lines.
		 */
		public function section_activation(): void {
			$lines = $this->integration->get_explainer_lines();
			printf('<h1>%s</h1><p>%s</p><img src="%s">', esc_html($this->integration->get_title()), wp_kses_post($this->integration->get_description()), esc_url($this->integration->get_logo()));
			foreach (array_merge($lines['will'], $lines['will_not']) as $line) {
				printf('<li>%s</li>', esc_html($line));
			}
		}

		/**
		 * As section_test() (the script then calls wu_test_hosting_integration).
		 */
		public function section_test(): void {
			printf('<div id="integration-test" data-integration="%s"></div>', esc_attr($this->integration->get_id()));
		}

		/**
		 * As section_ready().
		 */
		public function section_ready(): void {
			printf('<p>The integration with %s was correctly setup and is now ready!</p>', esc_html($this->integration->get_title()));
		}

		/**
		 * As handle_activation(): toggles; enabling goes on to the next section.
		 */
		public function handle_activation(): void {
			if ($this->integration->is_enabled()) {
				$this->integration->disable();
				return;
			}
			$this->integration->enable();
			wp_safe_redirect($this->get_next_section_link());
			throw new Wizard_Redirect('exit');
		}
	}

	/**
	 * Follows inc/admin-pages/class-wizard-admin-page.php (2.4.10, 2.5): the
	 * sections of a wizard, the current one from ?step=, and process_save()
	 * calling the section's handler after the nonce check.
	 */
	abstract class Wizard_Admin_Page {

		/**
		 * @var string
		 */
		protected $section_slug = 'step';

		/**
		 * @var array
		 */
		protected $current_section;

		/**
		 * As page_loaded().
		 */
		public function page_loaded() {
			$sections              = $this->get_sections();
			$this->current_section = $sections[ $this->get_current_section() ];
			$this->process_save();
		}

		/**
		 * As process_save().
		 */
		final public function process_save() {
			$saving_tag = sprintf('saving_%s', $this->get_current_section());
			if (isset($_REQUEST[ $saving_tag ])) { // phpcs:ignore WordPress.Security.NonceVerification.Recommended
				check_admin_referer($saving_tag, '_wpultimo_nonce');
				$handler = $this->current_section['handler'] ?? [$this, 'default_handler'];
				call_user_func($handler);
			}
		}

		/**
		 * As get_current_section().
		 */
		public function get_current_section() {
			$sections = $this->get_sections();
			return isset($_GET[ $this->section_slug ]) ? sanitize_key(wp_unslash($_GET[ $this->section_slug ])) : current(array_keys($sections)); // phpcs:ignore WordPress.Security.NonceVerification.Recommended
		}

		/**
		 * As get_next_section_link().
		 */
		public function get_next_section_link() {
			$keys = array_keys($this->get_sections());
			return add_query_arg($this->section_slug, $keys[ array_search($this->get_current_section(), $keys, true) + 1 ]);
		}

		/**
		 * As default_handler().
		 */
		public function default_handler() {
			wp_safe_redirect($this->get_next_section_link());
			throw new Wizard_Redirect('exit');
		}

		/**
		 * As render_submit_box() (the markup is not imitated).
		 */
		public function render_submit_box(): void {
			echo '<button type="submit">Continue</button>';
		}

		/**
		 * Renders a form's fields the way the views under views/admin-pages/fields
		 * do for text and password fields: one input each, its value filled in.
		 *
		 * @param array $fields Fields by name.
		 */
		protected function render_fields(array $fields): void {
			foreach ($fields as $name => $field) {
				$attributes = '';
				foreach ((array) ($field['html_attr'] ?? []) as $attribute => $value) {
					$attributes .= sprintf(' %s="%s"', esc_attr($attribute), esc_attr($value));
				}
				printf('<input type="%s" name="%s" value="%s"%s>', esc_attr($field['type'] ?? 'text'), esc_attr($name), esc_attr((string) ($field['value'] ?? '')), $attributes); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
			}
		}

		/**
		 * @return array
		 */
		abstract public function get_sections();
	}
}

namespace {

	if (! function_exists('WP_Ultimo')) {
		/**
		 * Follows WP_Ultimo() in wp-ultimo.php / ultimate-multisite.php.
		 *
		 * @return \WP_Ultimo\Test\Main
		 */
		function WP_Ultimo() { // phpcs:ignore WordPress.NamingConventions.ValidFunctionName.FunctionNameInvalid
			return \WP_Ultimo\Test\Main::get();
		}
	}

	if (! function_exists('wu_get_main_site_id')) {
		/**
		 * Follows wu_get_main_site_id() (inc/functions/site.php).
		 *
		 * @param int|null $network_id Network.
		 */
		function wu_get_main_site_id($network_id = null) {
			return get_main_site_id($network_id);
		}
	}

	if (! function_exists('wu_switch_blog_and_run')) {
		/**
		 * Follows wu_switch_blog_and_run() (inc/functions/site-context.php):
		 * runs $callback on $site_id, the main site by default.
		 *
		 * @param callable  $callback Callback.
		 * @param int|false $site_id  Site.
		 */
		function wu_switch_blog_and_run($callback, $site_id = false) {
			if (! $site_id) {
				$site_id = wu_get_main_site_id();
			}
			is_multisite() && switch_to_blog($site_id);
			$result = call_user_func($callback);
			is_multisite() && restore_current_blog();
			return $result;
		}
	}

	if (! function_exists('wu_enqueue_async_action')) {
		/**
		 * Follows wu_enqueue_async_action() (inc/functions/scheduler.php):
		 * as_enqueue_async_action() on the main site (the queue above here).
		 *
		 * @param string $hook  Action.
		 * @param array  $args  Arguments (named; passed positionally when run).
		 * @param string $group Group.
		 */
		function wu_enqueue_async_action($hook, $args = [], $group = '') {
			return wu_switch_blog_and_run(
				static function () use ($hook, $args, $group) {
					\WP_Ultimo\Test\Async_Queue::$actions[] = ['hook' => $hook, 'args' => (array) $args, 'group' => $group, 'blog_id' => get_current_blog_id()];
					return count(\WP_Ultimo\Test\Async_Queue::$actions);
				}
			);
		}
	}

	if (! function_exists('wu_schedule_single_action')) {
		/**
		 * Follows wu_schedule_single_action() (inc/functions/scheduler.php):
		 * as_schedule_single_action() on the main site (kept with the queue above).
		 *
		 * @param int    $timestamp When.
		 * @param string $hook      Action.
		 * @param array  $args      Arguments (named; passed positionally when run).
		 * @param string $group     Group.
		 */
		function wu_schedule_single_action($timestamp, $hook, $args = [], $group = '') {
			return wu_switch_blog_and_run(
				static function () use ($timestamp, $hook, $args, $group) {
					\WP_Ultimo\Test\Async_Queue::$scheduled[] = ['hook' => $hook, 'args' => (array) $args, 'group' => $group, 'timestamp' => (int) $timestamp];
					return count(\WP_Ultimo\Test\Async_Queue::$scheduled);
				}
			);
		}
	}

	if (! function_exists('wu_log_add')) {
		/**
		 * Follows wu_log_add() (inc/functions/helper.php): writes wu-logs/{handle}.log.
		 *
		 * @param string $handle  Channel.
		 * @param mixed  $message Message.
		 * @param string $level   PSR-3 level.
		 */
		function wu_log_add($handle, $message, $level = 'info') {
			\WP_Ultimo\Test\Log::$lines[] = ['handle' => (string) $handle, 'message' => (string) $message, 'level' => (string) $level];
			$dir                          = WP_CONTENT_DIR . '/uploads/wu-logs';
			if (wp_mkdir_p($dir)) {
				file_put_contents($dir . '/' . $handle . '.log', gmdate('Y-m-d H:i:s') . ' - ' . strtoupper((string) $level) . ' - ' . $message . PHP_EOL, FILE_APPEND);
			}
		}
	}

	if (! function_exists('wu_get_domains')) {
		/**
		 * Follows wu_get_domains() (inc/functions/domain.php) over the stand-in
		 * domain table: understands blog_id, active, stage, domain, number and offset.
		 *
		 * @param array $query Query arguments.
		 * @return list<\WP_Ultimo\Models\Domain>
		 */
		function wu_get_domains($query = []) {
			$domains = [];
			foreach (\WP_Ultimo\Models\Domain::table() as $row) {
				if (isset($query['blog_id']) && (int) $query['blog_id'] !== (int) $row['blog_id']) {
					continue;
				}
				if (isset($query['active']) && (bool) $query['active'] !== (bool) $row['active']) {
					continue;
				}
				// Columns of the domain table, as the real query class filters any.
				if (isset($query['stage']) && (string) $query['stage'] !== (string) ($row['stage'] ?? 'checking-dns')) {
					continue;
				}
				// The column's collation compares without regard to case.
				if (isset($query['domain']) && strtolower((string) $query['domain']) !== strtolower((string) $row['domain'])) {
					continue;
				}
				$domains[] = new \WP_Ultimo\Models\Domain($row);
			}
			$number = isset($query['number']) ? (int) $query['number'] : 100;
			return array_slice($domains, isset($query['offset']) ? (int) $query['offset'] : 0, $number > 0 ? $number : null);
		}
	}

	if (! function_exists('wu_get_domain')) {
		/**
		 * Follows wu_get_domain() (inc/functions/domain.php).
		 *
		 * @param int $id Record id.
		 * @return \WP_Ultimo\Models\Domain|false
		 */
		function wu_get_domain($id) {
			$table = \WP_Ultimo\Models\Domain::table();
			return isset($table[ (int) $id ]) ? new \WP_Ultimo\Models\Domain($table[ (int) $id ]) : false;
		}
	}

	if (! function_exists('wu_create_domain')) {
		/**
		 * Follows wu_create_domain() (inc/functions/domain.php): saves the record
		 * (whose new name queues wu_add_domain through Domain_Manager), then
		 * queues the DNS/SSL stage check.
		 *
		 * @param array $domain_data Fields.
		 * @return \WP_Ultimo\Models\Domain|\WP_Error
		 */
		function wu_create_domain($domain_data) {
			$domain_data = wp_parse_args(
				$domain_data,
				['blog_id' => false, 'domain' => false, 'active' => true, 'primary_domain' => false, 'secure' => false, 'stage' => 'checking-dns']
			);
			$domain = new \WP_Ultimo\Models\Domain($domain_data);
			$domain->save();
			wu_enqueue_async_action('wu_async_process_domain_stage', ['domain_id' => $domain->get_id()], 'domain');
			return $domain;
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
		 * Follows wu_get_isset() (inc/functions/helper.php).
		 *
		 * @param array  $array   Array.
		 * @param string $key     Key.
		 * @param mixed  $default Default.
		 */
		function wu_get_isset($array, $key, $default = false) {
			return is_array($array) && isset($array[ $key ]) ? $array[ $key ] : $default;
		}
	}

	if (! function_exists('wu_request')) {
		/**
		 * Follows wu_request() (inc/functions/http.php): $_REQUEST or a default.
		 *
		 * @param string $key     Key.
		 * @param mixed  $default Default.
		 */
		function wu_request($key, $default = false) {
			return $_REQUEST[ $key ] ?? $default; // phpcs:ignore WordPress.Security
		}
	}

	if (! function_exists('wu_network_admin_url')) {
		/**
		 * Follows wu_network_admin_url() (inc/functions/url.php).
		 *
		 * @param string $path  Page slug.
		 * @param array  $query Query arguments.
		 */
		function wu_network_admin_url($path, $query = []) {
			return add_query_arg($query, network_admin_url('admin.php?page=' . $path));
		}
	}

	if (! function_exists('wu_register_settings_field')) {
		/**
		 * Follows wu_register_settings_field() (inc/functions/settings.php): records the field.
		 *
		 * @param string $section Section.
		 * @param string $field   Field id.
		 * @param array  $atts    Field.
		 */
		function wu_register_settings_field($section, $field, $atts) {
			\WP_Ultimo\Test\Settings::$fields[ $section ][ $field ] = $atts;
		}
	}
}

namespace WP_Ultimo\Models {

	/**
	 * Follows inc/models/class-domain.php (2.4.10, 2.5) over a stand-in table
	 * (the network option wu_test_domains, id => row; the real table is
	 * network-wide too). Saving a new record or a new name fires
	 * wu_transition_domain_domain (BerlinDB's transition of the "domain"
	 * column), which Domain_Manager turns into wu_add_domain; deleting fires
	 * wu_domain_post_delete, which it turns into wu_remove_domain.
	 */
	class Domain {

		const TABLE = 'wu_test_domains';

		/**
		 * @var array{id: int, blog_id: int, domain: string, active: bool, primary_domain: bool, secure: bool, stage: string}
		 */
		private $row;

		/**
		 * @param array $row Fields.
		 */
		public function __construct(array $row) {
			$this->row = [
				'id'             => (int) ($row['id'] ?? 0),
				'blog_id'        => (int) ($row['blog_id'] ?? 0),
				'domain'         => strtolower((string) ($row['domain'] ?? '')),
				'active'         => (bool) ($row['active'] ?? true),
				'primary_domain' => (bool) ($row['primary_domain'] ?? false),
				'secure'         => (bool) ($row['secure'] ?? false),
				'stage'          => (string) ($row['stage'] ?? 'checking-dns'),
			];
		}

		/**
		 * Every stored row, by id.
		 *
		 * @return array<int, array>
		 */
		public static function table(): array {
			$table = get_network_option(null, self::TABLE, []);
			return is_array($table) ? $table : [];
		}

		/**
		 * As Domain::get_by_site().
		 *
		 * @param int $site_id Site.
		 * @return list<Domain>
		 */
		public static function get_by_site($site_id) {
			return wu_get_domains(['blog_id' => (int) $site_id, 'number' => 0]);
		}

		/**
		 * Saves; a new record or a changed name fires the transition.
		 *
		 * @return bool
		 */
		public function save() {
			$table = self::table();
			$old   = $this->row['id'] && isset($table[ $this->row['id'] ]) ? $table[ $this->row['id'] ]['domain'] : '';
			if (! $this->row['id']) {
				$this->row['id'] = (int) get_network_option(null, self::TABLE . '_last_id', 0) + 1;
				update_network_option(null, self::TABLE . '_last_id', $this->row['id']);
			}
			$table[ $this->row['id'] ] = $this->row;
			update_network_option(null, self::TABLE, $table);
			if ($old !== $this->row['domain']) {
				do_action('wu_transition_domain_domain', $old, $this->row['domain'], $this->row['id']);
			}
			return true;
		}

		/**
		 * Deletes the record, then fires wu_domain_post_delete.
		 *
		 * @return bool
		 */
		public function delete() {
			$table = self::table();
			unset($table[ $this->row['id'] ]);
			update_network_option(null, self::TABLE, $table);
			do_action('wu_domain_post_delete', true, $this);
			return true;
		}

		/**
		 * @return int
		 */
		public function get_id() {
			return $this->row['id'];
		}

		/**
		 * @return string
		 */
		public function get_domain() {
			return $this->row['domain'];
		}

		/**
		 * @return int
		 */
		public function get_site_id() {
			return $this->row['blog_id'];
		}

		/**
		 * @return bool
		 */
		public function is_active() {
			return $this->row['active'];
		}

		/**
		 * @return bool
		 */
		public function is_primary_domain() {
			return $this->row['primary_domain'];
		}

		/**
		 * @return string
		 */
		public function get_stage() {
			return $this->row['stage'];
		}

		/**
		 * @param string $stage One of Domain_Stage's values.
		 */
		public function set_stage($stage): void {
			$this->row['stage'] = (string) $stage;
		}

		/**
		 * @return bool
		 */
		public function is_secure() {
			return $this->row['secure'];
		}

		/**
		 * @param bool $secure Whether it is served over HTTPS.
		 */
		public function set_secure($secure): void {
			$this->row['secure'] = (bool) $secure;
		}

		/**
		 * As has_correct_dns(): the name's A/CNAME records hold the network's
		 * domain or public IP, else the filter wu_domain_has_correct_dns
		 * decides. (The loopback request to the domain that 2.4.10 tries first
		 * is left out: the tests' domains do not reach the test WordPress.)
		 *
		 * @return bool
		 */
		public function has_correct_dns() {
			$network_ip      = \WP_Ultimo\Domain_Mapping\Helper::get_network_public_ip();
			$domains_and_ips = array_column(\WP_Ultimo\Managers\Domain_Manager::dns_get_record($this->get_domain()), 'data');
			if (in_array(get_network()->domain, $domains_and_ips, true) || in_array($network_ip, $domains_and_ips, true)) {
				return true;
			}
			return (bool) apply_filters('wu_domain_has_correct_dns', false, $this, $domains_and_ips);
		}

		/**
		 * As has_valid_ssl_certificate(): Helper::has_valid_ssl_certificate().
		 *
		 * @return bool
		 */
		public function has_valid_ssl_certificate() {
			return \WP_Ultimo\Domain_Mapping\Helper::has_valid_ssl_certificate($this->get_domain());
		}
	}
}

namespace WP_Ultimo\Domain_Mapping {

	/**
	 * Follows inc/domain-mapping/class-helper.php (2.4.10, 2.5).
	 */
	class Helper {

		/**
		 * As get_network_public_ip(): the address cached in the site transient
		 * wu_public_network_ip, through the filter wu_get_network_public_ip.
		 * (The real method asks public "what is my IP" services when nothing is
		 * cached; the tests set the transient instead.)
		 *
		 * @return string|false
		 */
		public static function get_network_public_ip() {
			return apply_filters('wu_get_network_public_ip', get_site_transient('wu_public_network_ip'), false);
		}

		/**
		 * As has_valid_ssl_certificate(): whether the certificate served for the
		 * domain covers it. The real method opens a TLS connection to the
		 * domain on port 443; here the certificates RunCloud (the simulator)
		 * serves are read from its state.
		 *
		 * @param string $domain Domain.
		 * @return bool
		 */
		public static function has_valid_ssl_certificate($domain = '') {
			$state = \WP_Ultimo\Managers\Domain_Manager::simulated_world('state');
			$ssl   = $state['ssl'] ?? [];
			$certs = array_merge(isset($ssl['basic']) && $ssl['basic'] ? [$ssl['basic']] : [], $ssl['domains'] ?? []);
			foreach ($certs as $certificate) {
				if (in_array(strtolower((string) $domain), (array) $certificate['covers'], true)) {
					return true;
				}
			}
			return false;
		}
	}
}

namespace WP_Ultimo\Managers {

	/**
	 * Follows inc/managers/class-domain-manager.php: 2.4.10 when the host
	 * provider architecture is loaded alone, the 2.5 line when the
	 * integration registry is there, including the DNS/SSL stage checks it
	 * queues (wu_async_process_domain_stage), which fire
	 * wu_domain_manager_dns_propagation_finished.
	 */
	class Domain_Manager {

		use \WP_Ultimo\Traits\Singleton;

		/**
		 * As init(): the hooks this project touches.
		 */
		public function init(): void {
			add_action('plugins_loaded', [$this, 'load_integrations']);
			add_action('wp_ajax_wu_test_hosting_integration', [$this, 'test_integration']);
			add_action('wu_transition_domain_domain', [$this, 'send_domain_to_host'], 10, 3);
			add_action('wu_domain_post_delete', [$this, 'handle_domain_deleted'], 10, 2);
			add_action('wp_insert_site', [$this, 'handle_site_created']);
			add_action('wp_delete_site', [$this, 'handle_site_deleted']);
			add_action('wu_async_process_domain_stage', [$this, 'async_process_domain_stage'], 10, 2);
		}

		/**
		 * As async_process_domain_stage() (2.4.10; the same in the 2.5 line):
		 * checking-dns moves to checking-ssl-cert once the DNS is right, queues
		 * the next check at once and fires
		 * wu_domain_manager_dns_propagation_finished; checking-ssl-cert moves to
		 * done (secure) once a valid certificate is served. Otherwise each
		 * stage is checked again every dns_check_interval seconds (10 to 300),
		 * up to 5 tries, then marked failed / ssl-failed.
		 *
		 * @param int $domain_id Record id.
		 * @param int $tries     Tries so far.
		 */
		public function async_process_domain_stage($domain_id, $tries = 0): void {
			$domain = wu_get_domain($domain_id);
			if (! $domain) {
				return;
			}
			$max_tries = apply_filters('wu_async_process_domain_stage_max_tries', 5, $domain);
			$interval  = max(10, min(300, (int) wu_get_setting('dns_check_interval', 300)));
			++$tries;
			$stage = $domain->get_stage();
			$name  = $domain->get_domain();
			wu_log_add("domain-{$name}", sprintf('Starting Check for %s', $name));
			if ('checking-dns' === $stage) {
				if ($domain->has_correct_dns()) {
					$domain->set_stage('checking-ssl-cert');
					$domain->save();
					wu_log_add("domain-{$name}", '- DNS propagation finished, advancing domain to next step...');
					wu_enqueue_async_action('wu_async_process_domain_stage', ['domain_id' => $domain_id, 'tries' => 0], 'domain');
					do_action('wu_domain_manager_dns_propagation_finished', $domain);
					return;
				}
				if ($tries > $max_tries) {
					$domain->set_stage('failed');
					$domain->save();
					wu_log_add("domain-{$name}", '- DNS propagation checks tried for the max amount of times. Marking as failed.');
					return;
				}
				wu_log_add("domain-{$name}", '- DNS propagation not finished, retrying later...');
				wu_schedule_single_action(time() + $interval, 'wu_async_process_domain_stage', ['domain_id' => $domain_id, 'tries' => $tries], 'domain');
			} elseif ('checking-ssl-cert' === $stage) {
				if ($domain->has_valid_ssl_certificate()) {
					$domain->set_stage('done');
					$domain->set_secure(true);
					$domain->save();
					wu_log_add("domain-{$name}", '- Valid SSL cert found. Marking domain as done.');
					return;
				}
				if ($tries > $max_tries) {
					$domain->set_stage('ssl-failed');
					$domain->save();
					wu_log_add("domain-{$name}", '- SSL checks tried for the max amount of times. Marking as ready without SSL.');
					return;
				}
				wu_log_add("domain-{$name}", '- SSL Cert not found, retrying later...');
				wu_schedule_single_action(time() + $interval, 'wu_async_process_domain_stage', ['domain_id' => $domain_id, 'tries' => $tries], 'domain');
			}
		}

		/**
		 * As dns_get_record(): the A and CNAME records public resolvers see
		 * for the domain ({type, data}). The real method asks Cloudflare's and
		 * Google's resolvers; here the world's DNS is the simulator's.
		 *
		 * @param string $domain Domain.
		 * @return list<array{type: string, data: string}>
		 */
		public static function dns_get_record($domain) {
			$names   = (array) (self::simulated_world('dns')['names'] ?? []);
			$records = [];
			$current = strtolower((string) $domain);
			for ($hop = 0; $hop < 8; $hop++) {
				$state = $names[ $current ] ?? 'server';
				if (0 === strpos($state, 'cname:')) {
					$current   = substr($state, 6);
					$records[] = ['type' => 'CNAME', 'data' => $current];
					continue;
				}
				if ('server' === $state) {
					$records[] = ['type' => 'A', 'data' => '127.0.0.1'];
				} elseif ('elsewhere' === $state) {
					$records[] = ['type' => 'A', 'data' => '192.0.2.1'];
				}
				break;
			}
			return $records;
		}

		/**
		 * Test plumbing: a control endpoint of the simulator (state, dns).
		 *
		 * @param string $route Route under /__sim/.
		 * @return array<string, mixed>
		 */
		public static function simulated_world(string $route): array {
			$url  = getenv('WU_TEST_SIM_URL');
			$body = $url ? @file_get_contents(rtrim($url, '/') . '/__sim/' . $route) : false; // phpcs:ignore
			$data = false === $body ? null : json_decode($body, true);
			return is_array($data) ? $data : [];
		}

		/**
		 * Whether this is the 2.5 line (integration registry).
		 */
		private static function is_2_5(): bool {
			return class_exists('\WP_Ultimo\Integrations\Integration_Registry');
		}

		/**
		 * As handle_site_created(): a site whose host is not the network's
		 * queues wu_add_subdomain, then gets a domain record of its own.
		 *
		 * @param \WP_Site $site Site.
		 */
		public function handle_site_created($site): void {
			$network = get_network();
			if (! str_replace($network->domain, '', $site->domain)) {
				return;
			}
			wu_enqueue_async_action('wu_add_subdomain', ['subdomain' => $site->domain, 'site_id' => $site->blog_id], 'domain');
			$this->create_domain_record_for_site($site);
		}

		/**
		 * As create_domain_record_for_site(): a primary, active record in stage
		 * checking-dns, unless the site has one already.
		 *
		 * @param \WP_Site $site Site.
		 * @return \WP_Ultimo\Models\Domain
		 */
		public function create_domain_record_for_site($site) {
			$existing = wu_get_domains(['blog_id' => $site->blog_id, 'number' => 1]);
			if (! empty($existing)) {
				return $existing[0];
			}
			$domain = wu_create_domain(
				[
					'blog_id'        => $site->blog_id,
					'domain'         => $site->domain,
					'active'         => true,
					'primary_domain' => true,
					'secure'         => false,
					'stage'          => 'checking-dns',
				]
			);
			if (is_wp_error($domain)) {
				return $domain;
			}
			wu_enqueue_async_action('wu_async_process_domain_stage', ['domain_id' => $domain->get_id()], 'domain');
			return $domain;
		}

		/**
		 * As handle_site_deleted(): queues wu_remove_subdomain.
		 *
		 * @param \WP_Site $site Site.
		 */
		public function handle_site_deleted($site): void {
			$network = get_network();
			if (! str_replace($network->domain, '', $site->domain)) {
				return;
			}
			wu_enqueue_async_action('wu_remove_subdomain', ['subdomain' => $site->domain, 'site_id' => $site->blog_id], 'domain');
		}

		/**
		 * As send_domain_to_host(): a new name queues wu_add_domain (2.5 also
		 * fires wu_domain_added).
		 *
		 * @param mixed $old_value Old name.
		 * @param mixed $new_value New name.
		 * @param int   $item_id   Record id.
		 */
		public function send_domain_to_host($old_value, $new_value, $item_id): void {
			if ($old_value === $new_value) {
				return;
			}
			$domain = wu_get_domain($item_id);
			wu_enqueue_async_action('wu_add_domain', ['domain' => $new_value, 'site_id' => $domain->get_site_id()], 'domain');
			if (self::is_2_5()) {
				do_action('wu_domain_added', $new_value, $domain->get_site_id());
			}
		}

		/**
		 * As handle_domain_deleted(): queues wu_remove_domain (2.5 also fires
		 * wu_domain_removed).
		 *
		 * @param bool                     $result Whether it was deleted.
		 * @param \WP_Ultimo\Models\Domain $domain Record.
		 */
		public function handle_domain_deleted($result, $domain): void {
			if (! $result) {
				return;
			}
			wu_enqueue_async_action('wu_remove_domain', ['domain' => $domain->get_domain(), 'site_id' => $domain->get_site_id()], 'domain');
			if (self::is_2_5()) {
				do_action('wu_domain_removed', $domain->get_domain(), $domain->get_site_id());
			}
		}

		/**
		 * Test helper: what adding a domain in the admin does (wu_create_domain()).
		 *
		 * @param string $domain  Domain.
		 * @param int    $site_id Site id.
		 */
		public function map_domain(string $domain, int $site_id): void {
			wu_create_domain(['blog_id' => $site_id, 'domain' => $domain]);
		}

		/**
		 * Test helper: what deleting a domain in the admin does ($domain->delete()).
		 *
		 * @param string $domain  Domain.
		 * @param int    $site_id Site id.
		 */
		public function unmap_domain(string $domain, int $site_id): void {
			$found = false;
			foreach (\WP_Ultimo\Models\Domain::get_by_site($site_id) as $record) {
				if ($record->get_domain() === strtolower($domain)) {
					$record->delete();
					$found = true;
				}
			}
			if (! $found) {
				// A record from before the test's own ones.
				(new \WP_Ultimo\Models\Domain(['blog_id' => $site_id, 'domain' => $domain]))->delete();
			}
		}

		/**
		 * As should_create_www_subdomain().
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
		 * As load_integrations(): 2.4.10 instantiates the core providers
		 * (RunCloud's here), then both versions fire wp_ultimo_host_providers_load.
		 */
		public function load_integrations(): void {
			if (! self::is_2_5() && class_exists('\WP_Ultimo\Integrations\Host_Providers\Runcloud_Host_Provider')) {
				\WP_Ultimo\Integrations\Host_Providers\Runcloud_Host_Provider::get_instance();
			}
			do_action('wp_ultimo_host_providers_load');
		}

		/**
		 * As get_integrations(): id => class name of every host provider.
		 */
		public function get_integrations() {
			return apply_filters('wu_domain_manager_get_integrations', [], $this);
		}

		/**
		 * As get_integration_instance().
		 *
		 * @param string $id Provider id.
		 */
		public function get_integration_instance($id) {
			$integrations = $this->get_integrations();
			if (isset($integrations[ $id ])) {
				$class_name = $integrations[ $id ];
				return $class_name::get_instance();
			}
			return false;
		}

		/**
		 * As test_integration(), the wizard's AJAX "test connection": no
		 * capability check; 2.5 asks the registry first, then host providers.
		 */
		public function test_integration() {
			$integration_id = wu_request('integration', 'none');
			if (self::is_2_5()) {
				$integration = \WP_Ultimo\Integrations\Integration_Registry::get_instance()->get($integration_id);
				if ($integration) {
					if (! $integration->is_setup()) {
						wp_send_json_error(['message' => 'The necessary constants were not found on your wp-config.php file: ' . implode(', ', $integration->get_missing_constants())]);
					}
					$result = $integration->test_connection();
					if (is_wp_error($result)) {
						wp_send_json_error(['message' => $result->get_error_message()]);
					}
					wp_send_json_success(['message' => 'Access Authorized']);
				}
			}
			$integration = $this->get_integration_instance($integration_id);
			if (! $integration) {
				wp_send_json_error(['message' => 'Invalid Integration ID']);
			}
			if (! $integration->is_setup()) {
				wp_send_json_error(['message' => 'The necessary constants were not found on your wp-config.php file: ' . implode(', ', $integration->get_missing_constants())]);
			}
			$integration->test_connection();
		}
	}
}
