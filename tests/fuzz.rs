//! Property tests: the domain name parser and every reader of RunCloud's
//! answers take arbitrary input without panicking, and what the domain parser
//! accepts always obeys DNS rules and parses to itself again.
//!
//! Each property runs 256 cases by default; `PROPTEST_CASES=100000 cargo test
//! --release -p wu_runcloud --test fuzz` runs a longer search.

use std::collections::BTreeSet;
use std::time::Duration;

use proptest::prelude::*;
use serde_json::Value;
use wu_runcloud::client::{api_error, Answer};
use wu_runcloud::config::BaseUrl;
use wu_runcloud::domain_name::to_unicode;
use wu_runcloud::model::{Certificate, Domain, ErrorBody, Meta, Page, Pagination, SslMode, WebApp};
use wu_runcloud::sync::{plan, SyncOptions};
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

/// Arbitrary JSON, to reach the readers' type checks rather than the tokenizer.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        prop::sample::select(&["0", "1", "true", "primary", "alias", "none"][..])
            .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(field_name(), inner, 0..8)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// Mostly the field names the readers look for, so shapes nearly fit.
fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(&[
            "id", "name", "type", "www", "redirection", "wildcard", "data", "meta",
            "pagination", "total", "count", "per_page", "current_page", "total_pages",
            "advancedSSL", "autoSSL", "message", "errors", "links",
        ][..])
        .prop_map(str::to_string),
        1 => "[a-zA-Z_]{1,10}",
    ]
}

/// Bytes that are sometimes JSON, sometimes JSON cut short, sometimes noise.
fn body_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        json_value().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        (json_value(), any::<prop::sample::Index>()).prop_map(|(v, cut)| {
            let mut bytes = serde_json::to_vec(&v).unwrap();
            let keep = cut.index(bytes.len() + 1);
            bytes.truncate(keep);
            bytes
        }),
    ]
}

/// Runs every reader of RunCloud's answers over one body.
fn read_everything(bytes: &[u8]) {
    let _ = serde_json::from_slice::<Domain>(bytes);
    let _ = serde_json::from_slice::<Page<Domain>>(bytes);
    let _ = serde_json::from_slice::<Meta>(bytes);
    let _ = serde_json::from_slice::<Pagination>(bytes);
    let _ = serde_json::from_slice::<WebApp>(bytes);
    let _ = serde_json::from_slice::<SslMode>(bytes);
    let _ = serde_json::from_slice::<Certificate>(bytes);
    if let Ok(body) = serde_json::from_slice::<ErrorBody>(bytes) {
        let _ = body.summary();
    }
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
    fn response_readers_never_panic(bytes in body_bytes()) {
        read_everything(&bytes);
    }

    #[test]
    fn api_responses_never_panic(status in any::<u16>(), bytes in body_bytes(), wait in any::<Option<u16>>()) {
        let response = Answer {
            status,
            body: bytes,
            retry_after: wait.map(|s| Duration::from_secs(s.into())),
            retried: false,
        };
        let _ = response.is_success();
        if let Err(error) = response.json::<Page<Domain>>() {
            let is_invalid = matches!(error, Error::InvalidResponse { status: s, .. } if s == status);
            prop_assert!(is_invalid, "{:?}", error);
        }
        let _ = response.json::<Value>();
        let _ = response.json::<SslMode>();
        let _ = response.record::<Domain>();
        match api_error(response.status, &response.body, &["secret"]) {
            Error::Api { status: s, message } => {
                prop_assert_eq!(s, status);
                prop_assert!(!message.is_empty());
                prop_assert!(!message.contains("secret"));
                prop_assert!(message.chars().count() <= 301);
                prop_assert!(!message.chars().any(char::is_control));
            }
            other => prop_assert!(false, "{:?}", other),
        }
    }

    #[test]
    fn sync_plan_never_panics_and_never_removes_the_primary(
        wanted in prop::collection::vec(any_input(), 0..12),
        current in prop::collection::vec((domain_like(), any::<bool>(), any::<bool>()), 0..12),
        managed in prop::collection::btree_set(domain_like(), 0..6),
        prune in any::<bool>(),
    ) {
        let domains: Vec<Domain> = current
            .into_iter()
            .enumerate()
            .map(|(index, (name, primary, wildcard))| Domain {
                id: index as u64 + 1,
                name,
                kind: if primary { "primary".into() } else { "alias".into() },
                www: false,
                redirection: "none".into(),
                wildcard,
            })
            .collect();
        let managed: BTreeSet<String> = managed
            .into_iter()
            .chain(domains.iter().map(|d| d.name.clone()))
            .collect();
        let options = SyncOptions { prune, managed, ..SyncOptions::default() };
        let result = plan(&wanted, &domains, &options);
        for name in &result.add {
            assert_dns_rules(name.as_str());
        }
        prop_assert!(result.remove.iter().all(|d| !d.is_primary()));
        prop_assert!(prune || result.remove.is_empty());
        prop_assert_eq!(
            result.add.len() + result.unchanged.len() + result.invalid.len() <= wanted.len(),
            true
        );
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
