<?php
/**
 * The end of an admin handler, caught by a test.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

/**
 * Thrown from the wp_redirect filter, before any header is sent: the handler
 * finished and sends the admin back to the page.
 */
final class Page_Redirected extends \RuntimeException {
}
