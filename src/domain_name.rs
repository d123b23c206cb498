//! Domain names as RunCloud accepts them: validated and normalised before any request.
//!
//! Normalisation: trimmed, lowercased, one trailing dot dropped, internationalised
//! names converted to punycode (UTS #46 through the `idna` crate). Rejected: IP
//! literals, wildcards, whitespace, path and URL characters, control and invisible
//! characters, look-alike tricks, and names breaking DNS length and label rules.

use std::fmt;
use std::net::IpAddr;

use crate::error::{Error, Result};
use crate::redact::is_invisible;

/// DNS limit for a whole name in presentation form (RFC 1035 §2.3.4, less the root dot).
const MAX_NAME_LEN: usize = 253;
/// DNS limit for one label (RFC 1035 §2.3.4).
const MAX_LABEL_LEN: usize = 63;

/// A validated, normalised host name in ASCII (punycode) form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DomainName(String);

impl DomainName {
    /// Validates and normalises `input`.
    ///
    /// ```
    /// use wu_runcloud::DomainName;
    /// assert_eq!(DomainName::parse(" Shop.Example.COM. ").unwrap().as_str(), "shop.example.com");
    /// assert_eq!(DomainName::parse("bücher.de").unwrap().as_str(), "xn--bcher-kva.de");
    /// assert!(DomainName::parse("*.example.com").is_err());
    /// ```
    pub fn parse(input: &str) -> Result<Self> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(Error::invalid_domain(input, "the name is empty"));
        }
        check_characters(input, trimmed)?;
        let without_dot = trimmed.strip_suffix('.').unwrap_or(trimmed);
        if without_dot.parse::<IpAddr>().is_ok() {
            return Err(Error::invalid_domain(
                input,
                "IP addresses are not domain names",
            ));
        }
        let ascii = idna::domain_to_ascii_strict(without_dot).map_err(|_| {
            Error::invalid_domain(input, "not a valid internationalised domain name")
        })?;
        check_dns_rules(input, &ascii)?;
        // On the decoded labels, so a look-alike given in punycode is caught too.
        check_mixed_scripts(input, &idna::domain_to_unicode(&ascii).0)?;
        Ok(DomainName(ascii))
    }

    /// The ASCII form, as sent to RunCloud.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `host` is this name itself or one level below it, as a wildcard
    /// record for this name (`*.name`) would cover.
    pub fn covers_as_wildcard(&self, host: &DomainName) -> bool {
        host.0
            .strip_suffix(&self.0)
            .and_then(|prefix| prefix.strip_suffix('.'))
            .is_some_and(|label| !label.is_empty() && !label.contains('.'))
    }
}

impl fmt::Display for DomainName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Rejects characters that have no place in a host name, before IDNA mapping
/// could silently turn some of them into something else.
fn check_characters(input: &str, trimmed: &str) -> Result<()> {
    for c in trimmed.chars() {
        let reason = match c {
            '*' => "wildcards are not accepted; add the names one by one",
            '/' | '\\' | '?' | '#' | '@' | ':' | '%' => {
                "contains URL or path characters; give the host name alone"
            }
            c if c.is_control() => "contains control characters",
            c if c.is_whitespace() => "contains whitespace",
            c if is_invisible(c) => "contains invisible characters",
            c if is_look_alike_form(c) => "contains full-width or look-alike punctuation",
            c if c.is_ascii() && !(c.is_ascii_alphanumeric() || c == '-' || c == '.') => {
                "contains characters not allowed in host names"
            }
            _ => continue,
        };
        return Err(Error::invalid_domain(input, reason));
    }
    Ok(())
}

/// Full-width forms and alternative dots, which IDNA maps onto plain ASCII and
/// so let a name look different from what it is.
fn is_look_alike_form(c: char) -> bool {
    matches!(
        c,
        '\u{FF01}'..='\u{FF65}' | '\u{3002}' | '\u{2024}' | '\u{FE52}'
    )
}

/// The scripts whose letters are commonly mixed to imitate a Latin name.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Greek,
    Cyrillic,
}

fn script_of(c: char) -> Option<Script> {
    match c {
        'a'..='z' | 'A'..='Z' | '\u{00C0}'..='\u{024F}' => Some(Script::Latin),
        '\u{0370}'..='\u{03FF}' => Some(Script::Greek),
        '\u{0400}'..='\u{052F}' => Some(Script::Cyrillic),
        _ => None,
    }
}

/// Rejects a label mixing Latin with Greek or Cyrillic letters (`pаypal` with a
/// Cyrillic `а`): a valid IDN, but almost always a look-alike.
fn check_mixed_scripts(input: &str, name: &str) -> Result<()> {
    if name.split('.').any(mixes_scripts) {
        return Err(Error::invalid_domain(
            input,
            "a label mixes letters of different scripts (a look-alike name)",
        ));
    }
    Ok(())
}

fn mixes_scripts(label: &str) -> bool {
    let mut scripts = label.chars().filter_map(script_of);
    scripts
        .next()
        .is_some_and(|first| scripts.any(|script| script != first))
}

/// `name` for display: each label that is the canonical punycode of a
/// Unicode label (`xn--bcher-kva` for `bücher`) decoded; any other label kept
/// as given, with control and invisible characters shown as U+FFFD. A
/// look-alike label (mixed scripts) stays in punycode, as browsers show it.
/// Never fails, whatever the input.
///
/// ```
/// use wu_runcloud::domain_name::to_unicode;
/// assert_eq!(to_unicode("xn--bcher-kva.de"), "bücher.de");
/// assert_eq!(to_unicode("xn--pypal-4ve.com"), "xn--pypal-4ve.com");
/// ```
pub fn to_unicode(name: &str) -> String {
    name.split('.')
        .map(|label| decoded_label(label).unwrap_or_else(|| shown_as_given(label)))
        .collect::<Vec<_>>()
        .join(".")
}

/// The Unicode form of a punycode label, when it is one that [`DomainName::parse`]
/// would have produced from that form (so `xn--abc-`, which decodes to plain
/// `abc`, or a label of disallowed characters, stays as given).
fn decoded_label(label: &str) -> Option<String> {
    let ascii = label.to_ascii_lowercase();
    let decoded = idna::punycode::decode_to_string(ascii.strip_prefix("xn--")?)?;
    let canonical = decoded.chars().all(|c| !c.is_control() && !is_invisible(c))
        && !mixes_scripts(&decoded)
        && idna::domain_to_ascii_strict(&decoded).is_ok_and(|again| again == ascii);
    canonical.then_some(decoded)
}

fn shown_as_given(label: &str) -> String {
    label
        .chars()
        .map(|c| {
            if c.is_control() || is_invisible(c) {
                char::REPLACEMENT_CHARACTER
            } else {
                c
            }
        })
        .collect()
}

fn check_dns_rules(input: &str, ascii: &str) -> Result<()> {
    if ascii.len() > MAX_NAME_LEN {
        return Err(Error::invalid_domain(input, "longer than 253 characters"));
    }
    let labels: Vec<&str> = ascii.split('.').collect();
    if labels.len() < 2 {
        return Err(Error::invalid_domain(
            input,
            "needs at least two labels, like example.com",
        ));
    }
    for label in &labels {
        if label.is_empty() {
            return Err(Error::invalid_domain(input, "has an empty label"));
        }
        if label.len() > MAX_LABEL_LEN {
            return Err(Error::invalid_domain(
                input,
                "has a label longer than 63 characters",
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(Error::invalid_domain(
                input,
                "a label starts or ends with a hyphen",
            ));
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(Error::invalid_domain(
                input,
                "contains characters not allowed in host names",
            ));
        }
    }
    let top_level = labels.last().expect("at least two labels");
    if top_level.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid_domain(
            input,
            "the top-level label cannot be numeric (an IP address?)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str) -> String {
        DomainName::parse(input)
            .unwrap_or_else(|e| panic!("{input:?}: {e}"))
            .0
    }

    fn rejected(input: &str) -> String {
        match DomainName::parse(input) {
            Ok(name) => panic!("{input:?} was accepted as {name}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn normalises_case_space_and_trailing_dot() {
        assert_eq!(ok("  Shop.Example.COM.  "), "shop.example.com");
        assert_eq!(ok("a-b.c0.io"), "a-b.c0.io");
    }

    #[test]
    fn converts_idn_to_punycode() {
        assert_eq!(ok("bücher.de"), "xn--bcher-kva.de");
        // UTS #46 maps capital I to i, never to Turkish dotless ı.
        assert_eq!(ok("ÇAĞRI.com.tr"), "xn--ari-1la5z.com.tr");
        assert_eq!(ok("çağrı.com.tr"), "xn--ar-3ia9t9c.com.tr");
        assert_eq!(ok("xn--bcher-kva.de"), "xn--bcher-kva.de");
        assert_eq!(ok("пример.рф"), "xn--e1afmkfd.xn--p1ai");
    }

    #[test]
    fn rejects_ip_literals() {
        for input in ["127.0.0.1", "10.1.2.3.", "::1", "[::1]", "1.2.3.4.5"] {
            rejected(input);
        }
    }

    #[test]
    fn rejects_wildcards_paths_and_urls() {
        assert!(rejected("*.example.com").contains("wildcard"));
        for input in [
            "example.com/path",
            "https://example.com",
            "example.com:8080",
            "user@example.com",
            "a\\b.com",
            "exa mple.com",
            "example.com?x",
            "ex_ample.com",
        ] {
            rejected(input);
        }
    }

    #[test]
    fn rejects_control_and_invisible_characters() {
        for input in [
            "example.com\r\nX-Injected: 1",
            "exa\0mple.com",
            "exam\u{200B}ple.com",
            "exam\u{00AD}ple.com",
            "example\u{3002}com",
            "ｅxample.com",
        ] {
            rejected(input);
        }
    }

    #[test]
    fn rejects_mixed_script_look_alikes() {
        assert!(rejected("p\u{0430}ypal.com").contains("scripts"));
        assert_eq!(ok("\u{0430}\u{0431}\u{0432}.com"), "xn--80acd.com");
    }

    #[test]
    fn rejects_look_alikes_given_in_punycode() {
        assert_eq!(
            idna::domain_to_unicode("xn--pypal-4ve.com").0,
            "p\u{0430}ypal.com"
        );
        assert!(rejected("xn--pypal-4ve.com").contains("scripts"));
        assert!(rejected("XN--PYPAL-4VE.com.").contains("scripts"));
        assert_eq!(ok("xn--80acd.com"), "xn--80acd.com");
    }

    #[test]
    fn shows_punycode_labels_in_unicode() {
        assert_eq!(to_unicode("xn--bcher-kva.de"), "bücher.de");
        assert_eq!(to_unicode("XN--BCHER-KVA.de"), "bücher.de");
        assert_eq!(to_unicode("xn--e1afmkfd.xn--p1ai"), "пример.рф");
        assert_eq!(to_unicode("shop.example.com"), "shop.example.com");
        assert_eq!(to_unicode(""), "");
    }

    #[test]
    fn keeps_labels_that_do_not_decode_cleanly() {
        let crafted = format!("xn--{}a.example", "9".repeat(40));
        assert_eq!(to_unicode(&crafted), crafted, "overflows when decoded");
        for given in ["xn--.com", "xn--abc-.com", "xn--pypal-4ve.com", "xn--zz-.a"] {
            assert_eq!(to_unicode(given), given);
        }
        assert_eq!(
            to_unicode("a\u{1b}[31m.b\u{202E}c"),
            "a\u{FFFD}[31m.b\u{FFFD}c"
        );
    }

    #[test]
    fn enforces_dns_length_and_label_rules() {
        let label63 = "a".repeat(63);
        assert_eq!(ok(&format!("{label63}.com")), format!("{label63}.com"));
        rejected(&format!("{}.com", "a".repeat(64)));
        let long = format!("{0}.{0}.{0}.{0}.com", "a".repeat(62));
        assert!(long.len() > 253);
        rejected(&long);
        for input in [
            "",
            "   ",
            "localhost",
            "-a.com",
            "a-.com",
            "a..com",
            ".a.com",
            "example.123",
        ] {
            rejected(input);
        }
    }

    #[test]
    fn wildcard_coverage_is_one_level_deep() {
        let base = DomainName::parse("network.test").unwrap();
        let parse = |s| DomainName::parse(s).unwrap();
        assert!(base.covers_as_wildcard(&parse("shop.network.test")));
        assert!(!base.covers_as_wildcard(&parse("a.b.network.test")));
        assert!(!base.covers_as_wildcard(&parse("network.test")));
        assert!(!base.covers_as_wildcard(&parse("xnetwork.test")));
    }
}
