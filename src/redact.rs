//! Text that came from RunCloud (or a proxy in front of it), made safe to show:
//! credentials removed from the decoded text, control characters dropped,
//! length bounded.

/// Longest RunCloud message passed on, in characters.
pub const MAX_MESSAGE_CHARS: usize = 300;

/// What stands in for a credential.
pub const REDACTED: &str = "[redacted]";

/// Shortest run of base64 characters taken to stand for (part of) a secret:
/// shorter ones would redact ordinary words.
const MIN_ENCODED_CHARS: usize = 8;

/// Replaces each non-empty value of `secrets` in `text`, in whatever form it
/// could be echoed: split by invisible characters (deleted first: they render
/// as nothing), in another case, percent-encoded (the text is also searched
/// decoded), and base64-encoded, standard or URL-safe, with or without
/// padding, alone or inside a longer encoded string (such as `key:secret` in
/// a Basic header).
pub fn scrub(text: &str, secrets: &[&str]) -> String {
    let secrets: Vec<&str> = secrets.iter().copied().filter(|s| !s.is_empty()).collect();
    let visible: String = text.chars().filter(|c| !is_invisible(*c)).collect();
    if secrets.is_empty() {
        return visible;
    }
    let forms: Vec<String> = secrets.iter().flat_map(|secret| forms_of(secret)).collect();
    let scrubbed = forms
        .iter()
        .fold(visible, |acc, form| replace_ignoring_case(&acc, form));
    if !scrubbed.contains('%') {
        return scrubbed;
    }
    let decoded = percent_decoded(&scrubbed);
    let redacted = forms
        .iter()
        .fold(decoded.clone(), |acc, form| {
            replace_ignoring_case(&acc, form)
        })
        .replace(|c: char| c.is_control(), " ");
    // Shown decoded only when decoding uncovered a secret.
    if redacted.matches(REDACTED).count() > decoded.matches(REDACTED).count() {
        redacted
    } else {
        scrubbed
    }
}

/// The secret and the base64 runs that can only come from its bytes, at each
/// of the three alignments it can have inside a longer encoded string.
fn forms_of(secret: &str) -> Vec<String> {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    use base64::Engine as _;
    let mut forms = vec![secret.to_string()];
    for offset in 0..3 {
        let mut bytes = vec![0u8; offset];
        bytes.extend_from_slice(secret.as_bytes());
        // Characters that mix in the bytes before the secret or after it.
        let leading = [0, 2, 3][offset];
        let trailing = usize::from(bytes.len() % 3 != 0);
        for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
            let encoded = engine.encode(&bytes);
            let end = encoded.len().saturating_sub(trailing);
            match encoded.get(leading..end) {
                Some(core) if core.len() >= MIN_ENCODED_CHARS => forms.push(core.to_string()),
                _ => {}
            }
        }
    }
    forms.sort();
    forms.dedup();
    forms
}

/// `text` with every occurrence of `needle`, in any ASCII case, redacted.
/// ASCII case folding keeps byte offsets, so matches found in the folded copy
/// are cut from the original.
fn replace_ignoring_case(text: &str, needle: &str) -> String {
    let folded_text = text.to_ascii_lowercase();
    let folded_needle = needle.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    while let Some(found) = folded_text[rest..].find(&folded_needle) {
        out.push_str(&text[rest..rest + found]);
        out.push_str(REDACTED);
        rest += found + folded_needle.len();
    }
    out.push_str(&text[rest..]);
    out
}

/// `%XX` sequences decoded (anything else kept as it is); bytes that do not
/// form UTF-8 become U+FFFD.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
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
            "bad token [redacted] here [31mx"
        );
        let long = "word ".repeat(200);
        let cleaned = clean_message(&long, &[]);
        assert_eq!(cleaned.chars().count(), MAX_MESSAGE_CHARS + 1);
        assert!(cleaned.ends_with('…'));
    }

    const SECRET: &str = "tok-Secret-123456";

    fn scrubbed(text: &str) -> String {
        let out = scrub(text, &[SECRET, "other-key-99"]);
        assert!(!out.contains("123456"), "{text:?} -> {out:?}");
        out
    }

    #[test]
    fn redacts_a_secret_split_by_invisible_characters() {
        for split in [
            "\u{00AD}", "\u{200B}", "\u{200C}", "\u{200D}", "\u{2060}", "\u{FEFF}",
        ] {
            let text = format!("token tok-Se{split}cret-123{split}456 refused");
            assert_eq!(scrubbed(&text), "token [redacted] refused", "{split:?}");
        }
    }

    #[test]
    fn redacts_a_secret_in_another_case() {
        assert_eq!(scrubbed("TOK-SECRET-123456!"), "[redacted]!");
        assert_eq!(scrubbed("tok-secret-123456"), "[redacted]");
    }

    #[test]
    fn redacts_a_percent_encoded_secret() {
        assert_eq!(
            scrubbed("token=tok%2DSecret%2D123456&x=1"),
            "token=[redacted]&x=1"
        );
        let every_byte: String = SECRET.bytes().map(|b| format!("%{b:02x}")).collect();
        assert_eq!(scrubbed(&format!("t={every_byte}")), "t=[redacted]");
        assert_eq!(
            scrubbed("100% sure"),
            "100% sure",
            "no secret: left as it is"
        );
    }

    #[test]
    fn redacts_a_base64_encoded_secret_in_every_form() {
        use base64::engine::general_purpose::{
            STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD,
        };
        use base64::Engine as _;
        let engines = [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD];
        for engine in engines {
            for wrapped in [
                SECRET.to_string(),
                format!("user:{SECRET}"),
                format!("ab:{SECRET}:cd"),
            ] {
                let text = format!("header {} seen", engine.encode(&wrapped));
                let out = scrubbed(&text);
                assert!(out.contains(REDACTED), "{text:?} -> {out:?}");
            }
        }
        // With bytes that encode to '+' and '/' (or '-' and '_').
        let binary = "~~~>>>???tok";
        for engine in engines {
            let text = engine.encode(binary);
            assert!(scrub(&text, &[binary]).contains(REDACTED), "{text}");
        }
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        assert_eq!(scrubbed("nothing to see here"), "nothing to see here");
        assert_eq!(scrub("abc", &["ab"]), "[redacted]c");
        assert_eq!(scrub("a\u{200B}b", &[]), "ab");
    }
}
