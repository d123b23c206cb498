<?php
/**
 * A refusal of an admin handler, caught by a test.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

/**
 * Thrown by the wp_die handler, so a test gets control back after a refusal.
 */
final class Page_Died extends \RuntimeException {
}
