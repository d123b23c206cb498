//! Property tests of the public parsers: the domain name parser and the API
//! URL take arbitrary input without panicking, and what the domain parser
//! accepts always obeys DNS rules and parses to itself again. (The readers of
//! RunCloud's answers and the sync plan, which are internal, have theirs in
//! their modules.)
//!
//! Each property runs 256 cases by default; `PROPTEST_CASES=100000 cargo test
//! --release -p wu_runcloud` runs a longer search.

use proptest::prelude::*;
use wu_runcloud::config::BaseUrl;
use wu_runcloud::domain_name::to_unicode;
use wu_runcloud::{DomainName, Error};

/// The DNS rules an accepted name must meet, checked independently of the parser.
fn assert_dns_rules(name: &str) {
    assert!(name.is_ascii(), "{name:?}");
    assert!(!name.is_empty() && name.len() <= 253, "{name:?}");
    let labels: Vec<&str> = name.split('.').collect();
    assert!(labels.len() >= 2, "{name:?}");
    for label in &labels {
        assert!((1..=63).contains(&label.len()), "{name:?}");
        assert!(!label.starts_with('-') && !label.ends_with('-'), "{name:?}");
        assert!(
            label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{name:?}"
        );
    }
    let top_level = labels[labels.len() - 1];
    assert!(!top_level.bytes().all(|b| b.is_ascii_digit()), "{name:?}");
}

/// Characters that have tripped domain parsers: separators, look-alikes,
/// invisible and control characters, URL syntax.
const TRICKY: &[&str] = &[
    ".",
    "..",
    "-",
    "--",
    "xn--",
    "*",
    "_",
    " ",
    "\t",
    "\n",
    "\r",
    "\0",
    "/",
    "\\",
    ":",
    "@",
    "?",
    "#",
    "%",
    "[",
    "]",
    "\u{3002}",
    "\u{FF0E}",
    "\u{FF41}",
    "\u{200B}",
    "\u{200D}",
    "\u{FEFF}",
    "\u{202E}",
    "\u{0430}",
    "\u{0131}",
    "\u{00DF}",
    "\u{03C2}",
    "\u{0301}",
    "ü",
    "é",
    "中",
    "\u{1F600}",
    "İ",
    "ſ",
    "K",
];

/// Inputs shaped like host names, with mixed case, unicode, whitespace and
/// the tricky pieces above spliced in.
fn domain_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => "[a-zA-Z0-9-]{1,12}",
        2 => "\\PC{1,8}",
        1 => "[a-z]{60,66}",
        1 => prop::sample::select(TRICKY).prop_map(str::to_string),
    ];
    (
        prop::collection::vec(piece, 1..8),
        prop::sample::select(&[".", ".", ".", "", "-", "。"][..]),
        "[ \t]{0,2}",
        prop::option::of(Just(".")),
    )
        .prop_map(|(pieces, separator, space, trailing)| {
            format!(
                "{space}{}{}{space}",
                pieces.join(separator),
                trailing.unwrap_or("")
            )
        })
}

/// Names that are mostly valid, ASCII or internationalised, so that the
/// accepting branch is exercised as much as the refusing one.
fn nearly_valid() -> impl Strategy<Value = String> {
    let label = prop_oneof![
        3 => "[a-z0-9]{1,12}",
        2 => "[a-zA-Z0-9][a-zA-Z0-9-]{0,12}[a-zA-Z0-9]",
        2 => "[a-zà-öø-ÿα-ω中文日本]{1,8}",
    ];
    (prop::collection::vec(label, 1..4), "[a-z]{2,6}")
        .prop_map(|(labels, top)| format!("{}.{top}", labels.join(".")))
}

/// Zero-width, formatting and bidi characters (Unicode's `Cf` ones that matter here).
fn is_format_character(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

fn any_input() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => any::<String>(),
        1 => "[a-zA-Z0-9.\\- ]{0,300}",
        4 => domain_like(),
        4 => nearly_valid(),
    ]
}

proptest! {
    #[test]
    fn domain_parser_never_panics_and_accepts_only_dns_names(input in any_input()) {
        match DomainName::parse(&input) {
            Ok(name) => {
                assert_dns_rules(name.as_str());
                let again = DomainName::parse(name.as_str());
                prop_assert_eq!(again.as_ref(), Ok(&name), "not idempotent for {:?}", input);
                prop_assert_eq!(name.to_string(), name.as_str());
            }
            Err(error) => {
                prop_assert!(matches!(error, Error::InvalidDomain { .. }), "{:?}", error);
                let message = error.to_string();
                prop_assert!(!message.chars().any(char::is_control), "{:?}", message);
                prop_assert!(message.chars().count() < 600, "{:?}", message);
            }
        }
    }

    #[test]
    fn display_form_never_panics_and_shows_nothing_invisible(
        input in prop_oneof![any_input(), "(xn--[a-z0-9-]{0,30}\\.){1,3}[a-z]{2,4}"]
    ) {
        let shown = to_unicode(&input);
        prop_assert!(!shown.chars().any(|c| c.is_control() || is_format_character(c)), "{:?}", shown);
        // A name the parser accepts reads back as the same name.
        if let Ok(name) = DomainName::parse(&input) {
            prop_assert_eq!(DomainName::parse(&to_unicode(name.as_str())), Ok(name));
        }
    }

    #[test]
    fn case_and_surrounding_space_do_not_change_a_name(input in domain_like()) {
        if let Ok(name) = DomainName::parse(&input) {
            let upper = format!("  {}.  ", name.as_str().to_ascii_uppercase());
            prop_assert_eq!(DomainName::parse(&upper), Ok(name));
        }
    }

    #[test]
    fn a_wildcard_covers_exactly_one_level_below(a in domain_like(), label in "[a-z0-9]{1,10}") {
        if let Ok(base) = DomainName::parse(&a) {
            prop_assert!(!base.covers_as_wildcard(&base));
            if let Ok(below) = DomainName::parse(&format!("{label}.{}", base.as_str())) {
                prop_assert!(base.covers_as_wildcard(&below));
                if let Ok(deeper) = DomainName::parse(&format!("{label}.{}", below.as_str())) {
                    prop_assert!(!base.covers_as_wildcard(&deeper));
                }
            }
        }
    }

    #[test]
    fn base_url_parser_never_panics(input in prop_oneof![
        any::<String>(),
        "(https?|ftp|HTTP)://[a-z0-9.:@\\[\\]/?#%-]{0,40}",
    ]) {
        if let Ok(url) = BaseUrl::parse(&input) {
            let text = url.as_str();
            prop_assert!(text.starts_with("https://") || text.starts_with("http://"), "{}", text);
            prop_assert!(!text.contains('@') && !text.contains('?') && !text.contains('#'));
        }
    }
}
