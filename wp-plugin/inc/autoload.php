<?php
/**
 * Class autoloader: WuRunCloud\Plugin\Foo_Bar lives in inc/class-foo-bar.php,
 * WuRunCloud\Plugin\Adapters\Foo_Bar in inc/adapters/class-foo-bar.php and
 * WuRunCloud\Plugin\Sync\Foo_Bar (the sync machinery) in inc/sync/class-foo-bar.php.
 *
 * The adapter classes extend Ultimate Multisite's own classes, so they are only
 * ever referenced once those are known to exist.
 *
 * @package WuRunCloud\Plugin
 */

defined('ABSPATH') || exit;

spl_autoload_register(
	static function (string $class): void {
		$prefix = 'WuRunCloud\\Plugin\\';
		if (strncmp($class, $prefix, strlen($prefix)) !== 0) {
			return;
		}
		$parts = explode('\\', substr($class, strlen($prefix)));
		$name  = array_pop($parts);
		$dir   = __DIR__ . '/' . implode('/', array_map('strtolower', $parts));
		$file  = rtrim($dir, '/') . '/class-' . strtolower(str_replace('_', '-', $name)) . '.php';
		if (is_file($file)) {
			require_once $file;
		}
	}
);
