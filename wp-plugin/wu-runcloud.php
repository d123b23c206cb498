<?php
/**
 * Plugin Name:       RunCloud for Ultimate Multisite (native)
 * Description:       Keeps a RunCloud web app's domains and certificates in step with Ultimate Multisite's domain mapping, through the wu_runcloud PHP extension.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      8.2
 * Network:           true
 * Author:            wu-runcloud contributors
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       wu-runcloud
 * Domain Path:       /languages
 *
 * @package WuRunCloud\Plugin
 */

defined('ABSPATH') || exit;

if (defined('WU_RUNCLOUD_PLUGIN_FILE')) {
	return;
}

define('WU_RUNCLOUD_PLUGIN_FILE', __FILE__);
define('WU_RUNCLOUD_PLUGIN_VERSION', '0.1.0');

require_once __DIR__ . '/inc/autoload.php';

\WuRunCloud\Plugin\Plugin::init();
