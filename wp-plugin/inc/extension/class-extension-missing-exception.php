<?php
/**
 * Thrown by the gateway when the extension is not loaded.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Extension;

defined('ABSPATH') || exit;

/**
 * The wu_runcloud extension is not loaded in this PHP process. The extension's
 * own exceptions cannot be instantiated from PHP, so this one is ours.
 */
class Extension_Missing_Exception extends \RuntimeException {
}
