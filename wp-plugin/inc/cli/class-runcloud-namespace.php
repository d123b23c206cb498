<?php
/**
 * WP-CLI: `wp runcloud`, the namespace of the subcommands.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\CLI;

defined('ABSPATH') || exit;

/**
 * Inspects and drives the RunCloud integration.
 *
 * ## EXAMPLES
 *
 *     wp runcloud status
 *     wp runcloud test
 *     wp runcloud domains --format=json
 *     wp runcloud names --state=missing --fields=name,site,error
 *     wp runcloud redeploy-ssl
 *     wp runcloud sync --dry-run
 *     wp runcloud adopt
 *     wp runcloud ssl-mode advanced --dry-run
 */
final class RunCloud_Namespace extends \WP_CLI\Dispatcher\CommandNamespace {
}
