<?php
/**
 * Class autoloader: a namespace is a folder, a class a file.
 * WuRunCloud\Plugin\Sync\Certificates\Order_Ledger lives in
 * inc/sync/certificates/class-order-ledger.php; WuRunCloud\Plugin\Plugin (the
 * wiring) in inc/class-plugin.php.
 *
 * The classes in ultimate-multisite/ extend Ultimate Multisite's own classes,
 * so they are only ever referenced once those are known to exist.
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
		$dir   = __DIR__ . '/' . implode('/', array_map(static fn (string $part): string => strtolower(str_replace('_', '-', $part)), $parts));
		$file  = rtrim($dir, '/') . '/class-' . strtolower(str_replace('_', '-', $name)) . '.php';
		if (is_file($file)) {
			require_once $file;
		}
	}
);
