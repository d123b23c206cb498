//! Text that came from RunCloud (or a proxy in front of it), made safe to show:
//! credentials removed from the decoded text, control characters dropped,
//! length bounded.

/// Longest RunCloud message passed on, in characters.
pub const MAX_MESSAGE_CHARS: usize = 300;

/// What stands in for a credential.
pub const REDACTED: &str = "[redacted]";

/// Replaces each non-empty value of `secrets` in `text`.
pub fn scrub(text: &str, secrets: &[&str]) -> String {
    secrets
        .iter()
        .filter(|secret| !secret.is_empty())
        .fold(text.to_string(), |acc, secret| {
            acc.replace(secret, REDACTED)
        })
}

/// A message for an exception or a log line: credentials redacted after
/// decoding (so `\/` or `\u00xx` escapes in the JSON cannot hide one), control
/// characters (line breaks, escapes, bidi overrides) replaced by spaces, runs of
/// spaces collapsed, at most [`MAX_MESSAGE_CHARS`] characters.
pub fn clean_message(text: &str, secrets: &[&str]) -> String {
    let scrubbed = scrub(text, secrets);
    let mut out = String::with_capacity(scrubbed.len().min(MAX_MESSAGE_CHARS + 3));
    let mut count = 0;
    let mut last_space = true;
    for c in scrubbed.chars() {
        let c = if c.is_control() || is_invisible(c) {
            ' '
        } else {
            c
        };
        if c == ' ' && last_space {
            continue;
        }
        if count == MAX_MESSAGE_CHARS {
            out.push('…');
            break;
        }
        last_space = c == ' ';
        out.push(c);
        count += 1;
    }
    out.trim_end().to_string()
}

/// Zero-width, formatting and bidi characters: they render as nothing but
/// change what is shown (or, in a domain name, IDNA drops them without a
/// trace). The one definition for domain names and messages alike.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_control_characters_and_length() {
        let text = "bad\r\ntoken tok-123456 here\u{1b}[31m\u{202E}x";
        assert_eq!(
            clean_message(text, &["tok-123456"]),
            "bad token [redacted] here [31m x"
        );
        let long = "word ".repeat(200);
        let cleaned = clean_message(&long, &[]);
        assert_eq!(cleaned.chars().count(), MAX_MESSAGE_CHARS + 1);
        assert!(cleaned.ends_with('…'));
    }
}
