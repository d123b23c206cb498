<?php
/**
 * Text from RunCloud (or from what the plugin stored of it) made safe to print.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Status;

defined('ABSPATH') || exit;

/**
 * Removes control characters (C0, DEL, C1) and the zero-width, formatting and
 * bidi characters that render as nothing, from text bound for an operator's
 * terminal or the admin: an escape sequence in a name or a domain's type must
 * not recolour, retitle or clear a terminal. The extension already refuses
 * such answers; this is the second line, for whatever was stored before.
 * Bytes that do not form UTF-8 are dropped.
 */
final class Printable {

	/** The characters removed, as UTF-8 byte sequences. */
	private const UNPRINTABLE = '/[\x00-\x1F\x7F]|\xC2[\x80-\x9F\xAD]|\xCD\x8F|\xD8\x9C|\xE1\xA0\x8E|\xE2\x80[\x8B-\x8F\xAA-\xAE]|\xE2\x81[\xA0-\xA9]|\xEF\xB8[\x80-\x8F]|\xEF\xBB\xBF/';

	/**
	 * The text without those characters.
	 *
	 * @param string $text Text.
	 */
	public static function text(string $text): string {
		if (1 !== preg_match('//u', $text)) {
			$text = wp_check_invalid_utf8($text, true); // Stray bytes: a lone 0x9B is a terminal's CSI.
		}
		return (string) preg_replace(self::UNPRINTABLE, '', $text);
	}

	/**
	 * A row (of a listing, a table) with every string in it cleaned, nested
	 * arrays included; other values kept as they are.
	 *
	 * @param array<string|int, mixed> $row The row.
	 * @return array<string|int, mixed>
	 */
	public static function row(array $row): array {
		foreach ($row as $key => $value) {
			if (is_string($value)) {
				$row[ $key ] = self::text($value);
			} elseif (is_array($value)) {
				$row[ $key ] = self::row($value);
			}
		}
		return $row;
	}
}
