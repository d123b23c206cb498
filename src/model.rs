//! RunCloud's JSON bodies, as the client reads and writes them.
//!
//! Readers are lenient about what RunCloud may add and strict about what the
//! project relies on. Certificate PEM fields are never deserialised, so they
//! cannot end up in a log or a return value.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

/// A domain attached to a web app.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Domain {
    /// RunCloud's id for the domain record.
    pub id: u64,
    /// The host name.
    pub name: String,
    /// `primary`, `alias` or `redirect`.
    #[serde(rename = "type")]
    pub kind: Label,
    /// Whether the `www.` variant is served too (RunCloud sends 0/1).
    #[serde(deserialize_with = "flag")]
    pub www: bool,
    /// `none`, `www` or `non-www`.
    #[serde(default = "no_redirection")]
    pub redirection: Label,
    /// Whether the record is a wildcard covering one level below its name (0/1).
    #[serde(default, deserialize_with = "flag")]
    pub wildcard: bool,
}

/// Longest domain name RunCloud can hold (RFC 1035, less the root dot).
const MAX_NAME_CHARS: usize = 253;
/// Longest word accepted in a domain's `type` or `redirection`; RunCloud's are
/// at most 8 characters.
const MAX_LABEL_CHARS: usize = 32;
/// The largest id PHP can hold in an integer.
const MAX_ID: u64 = i64::MAX as u64;

impl Domain {
    /// Whether this is the web app's primary domain, which must never be removed.
    pub fn is_primary(&self) -> bool {
        self.kind.as_str() == "primary"
    }

    /// What makes this record one RunCloud cannot have sent, if anything: an
    /// id that is not a positive integer PHP can hold, a name that is not
    /// 1 to 253 printable ASCII characters, a `type` or `redirection` that is
    /// not a short printable ASCII word. Such text never reaches PHP, a
    /// table or an operator's terminal.
    pub fn defect(&self) -> Option<String> {
        if self.id == 0 || self.id > MAX_ID {
            return Some(format!(
                "a domain id that is not a positive integer ({})",
                self.id
            ));
        }
        let length = self.name.chars().count();
        if length == 0 || length > MAX_NAME_CHARS {
            return Some(format!(
                "a domain name of {length} characters (1 to {MAX_NAME_CHARS})"
            ));
        }
        if !is_printable_ascii(&self.name) {
            return Some(format!(
                "a domain name with characters other than printable ASCII (id {})",
                self.id
            ));
        }
        for (field, word) in [("type", &self.kind), ("redirection", &self.redirection)] {
            if word.as_str().len() > MAX_LABEL_CHARS || !is_printable_ascii(word.as_str()) {
                return Some(format!(
                    "a domain {field} that is not a short printable word (id {})",
                    self.id
                ));
            }
        }
        None
    }
}

/// Letters, digits and punctuation of ASCII only: no space, no control
/// character, nothing a terminal or a browser could render as something else.
fn is_printable_ascii(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_graphic())
}

fn no_redirection() -> Label {
    Label::from("none")
}

/// A word RunCloud sends from a small set (a domain's type, its redirection).
/// The known words cost no allocation, which matters on pages of 40 domains;
/// any other word is kept as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Label {
    /// One of [`Label::KNOWN`].
    Known(&'static str),
    /// A word this version does not know.
    Other(String),
}

impl Label {
    /// The words RunCloud documents for these fields.
    pub const KNOWN: [&'static str; 6] = ["primary", "alias", "redirect", "none", "www", "non-www"];

    /// The word as RunCloud sent it.
    pub fn as_str(&self) -> &str {
        match self {
            Label::Known(word) => word,
            Label::Other(word) => word,
        }
    }
}

impl From<&str> for Label {
    fn from(word: &str) -> Self {
        match Label::KNOWN.iter().find(|known| **known == word) {
            Some(known) => Label::Known(known),
            None => Label::Other(word.to_string()),
        }
    }
}

impl PartialEq<&str> for Label {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for Label {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Label {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Label {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Word;
        impl serde::de::Visitor<'_> for Word {
            type Value = Label;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E>(self, value: &str) -> Result<Label, E> {
                Ok(Label::from(value))
            }
        }
        deserializer.deserialize_str(Word)
    }
}

/// Accepts RunCloud's 0/1 integers as well as booleans, "0"/"1" strings and
/// null. A visitor, not an untagged enum: that would buffer the value and build
/// an error for every variant that does not fit, for every domain of every page.
fn flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    struct Flag;
    impl<'de> serde::de::Visitor<'de> for Flag {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a boolean, 0/1, \"0\"/\"1\" or null")
        }
        fn visit_bool<E>(self, value: bool) -> Result<bool, E> {
            Ok(value)
        }
        fn visit_i64<E>(self, value: i64) -> Result<bool, E> {
            Ok(value != 0)
        }
        fn visit_u64<E>(self, value: u64) -> Result<bool, E> {
            Ok(value != 0)
        }
        fn visit_f64<E>(self, value: f64) -> Result<bool, E> {
            Ok(value != 0.0)
        }
        fn visit_str<E>(self, value: &str) -> Result<bool, E> {
            Ok(matches!(value, "1" | "true"))
        }
        fn visit_unit<E>(self) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_none<E>(self) -> Result<bool, E> {
            Ok(false)
        }
    }
    deserializer.deserialize_any(Flag)
}

/// The body of `POST domains`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct NewDomain<'a> {
    /// The host name, already normalised.
    pub name: &'a str,
    /// Whether RunCloud should serve the `www.` variant as well.
    pub www: bool,
    /// Which variant redirects to the other.
    pub redirection: &'a str,
    /// Always `alias` for domains this integration adds.
    #[serde(rename = "type")]
    pub kind: &'a str,
}

/// One page of a list endpoint.
#[derive(Debug, Clone, Deserialize)]
pub struct Page<T> {
    /// The items on this page.
    pub data: Vec<T>,
    /// Paging metadata.
    pub meta: Meta,
}

/// The `meta` object of a list page.
#[derive(Debug, Clone, Deserialize)]
pub struct Meta {
    /// Where this page sits in the whole list.
    pub pagination: Pagination,
}

/// RunCloud's (Laravel/Fractal) pagination block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct Pagination {
    /// Items in the whole list.
    pub total: u64,
    /// Items on this page.
    #[serde(default)]
    pub count: u64,
    /// Page size in force.
    pub per_page: u64,
    /// This page's number, from 1.
    pub current_page: u64,
    /// Number of pages (at least 1).
    pub total_pages: u64,
}

/// The web app, as far as diagnostics need it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(crate) struct WebApp {
    /// RunCloud's id for the web app.
    pub id: u64,
    /// The web app's name.
    pub name: String,
}

/// `GET ssl/advanced`: which SSL mode the app is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct SslMode {
    /// One certificate per domain when true; one for the whole app otherwise.
    #[serde(rename = "advancedSSL", deserialize_with = "flag")]
    pub advanced: bool,
    /// RunCloud issues per-domain certificates itself (advanced mode only).
    #[serde(rename = "autoSSL", default, deserialize_with = "flag")]
    pub auto: bool,
}

impl SslMode {
    /// Basic SSL: one certificate for the whole app (an app that has one is in this mode).
    pub const BASIC: SslMode = SslMode {
        advanced: false,
        auto: false,
    };
}

/// A certificate as far as the client needs it: its id. The PEM fields RunCloud
/// sends alongside are deliberately not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub(crate) struct Certificate {
    /// RunCloud's id for the certificate.
    pub id: u64,
}

/// The body of a certificate install (Let's Encrypt over HTTP-01).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NewCertificate {
    /// Always `letsencrypt`.
    pub provider: &'static str,
    /// Keep plain http reachable (RunCloud's default: false).
    pub enable_http: bool,
    /// Send HSTS (off: a wrong HSTS header locks visitors out for long).
    pub enable_hsts: bool,
    /// `http-01`: needs no DNS provider credentials.
    pub authorization_method: &'static str,
    /// `live`; RunCloud rejects `production`.
    pub environment: &'static str,
}

impl Default for NewCertificate {
    fn default() -> Self {
        NewCertificate {
            provider: "letsencrypt",
            enable_http: false,
            enable_hsts: false,
            authorization_method: "http-01",
            environment: "live",
        }
    }
}

/// RunCloud's error body: a message and, for 422, Laravel-style field errors.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct ErrorBody {
    /// The human-readable reason.
    #[serde(default)]
    pub message: Option<String>,
    /// Field name to messages.
    #[serde(default)]
    pub errors: Option<BTreeMap<String, Vec<String>>>,
}

impl ErrorBody {
    /// One line for an exception: the message, plus the first field error if it adds anything.
    pub(crate) fn summary(&self) -> Option<String> {
        let first_field_error = self.errors.as_ref().and_then(|errors| {
            errors
                .iter()
                .find_map(|(field, messages)| messages.first().map(|m| format!("{field}: {m}")))
        });
        match (self.message.as_deref(), first_field_error) {
            (Some(message), Some(detail)) if !message.contains(&detail) => {
                Some(format!("{message} ({detail})"))
            }
            (Some(message), _) => Some(message.to_string()),
            (None, detail) => detail,
        }
    }
}

/// Arbitrary answer bodies for the property tests of their readers (here and
/// in the client).
#[cfg(test)]
pub(crate) mod arbitrary {
    use proptest::prelude::*;
    use serde_json::Value;

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
    pub(crate) fn body_bytes() -> impl Strategy<Value = Vec<u8>> {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_domain_object_as_runcloud_sends_it() {
        let json = r#"{"id":693,"name":"shop.example.com","type":"primary","www":0,"redirection":"none","wildcard":1,"dns_integration":"cloudflare","status":null,"created_at":"2024-07-09 07:02:13"}"#;
        let domain: Domain = serde_json::from_str(json).unwrap();
        assert_eq!(domain.id, 693);
        assert!(domain.is_primary());
        assert!(!domain.www);
        assert!(domain.wildcard);
    }

    #[test]
    fn records_runcloud_cannot_have_sent_are_named() {
        let good: Domain = serde_json::from_str(
            r#"{"id":7,"name":"a.example","type":"alias","www":0,"redirection":"none"}"#,
        )
        .unwrap();
        assert_eq!(good.defect(), None);
        let with = |change: fn(&mut Domain)| {
            let mut domain = good.clone();
            change(&mut domain);
            domain.defect().expect("a defect")
        };
        assert!(with(|d| d.id = 0).contains("positive integer"));
        assert!(with(|d| d.id = MAX_ID + 1).contains("positive integer"));
        assert!(with(|d| d.name = "a".repeat(254)).contains("254 characters"));
        assert!(with(|d| d.name.clear()).contains("0 characters"));
        for bad in ["b\u{e4}d.example", "a\u{1b}[31m.example", "a b.example"] {
            assert!(with_name(&good, bad).contains("printable ASCII"), "{bad:?}");
        }
        assert!(with(|d| d.kind = Label::from("alias\u{1b}]0;x\u{7}")).contains("type"));
        assert!(
            with(|d| d.redirection = Label::from("w".repeat(33).as_str())).contains("redirection")
        );
    }

    fn with_name(domain: &Domain, name: &str) -> String {
        let mut domain = domain.clone();
        domain.name = name.to_string();
        domain.defect().expect("a defect")
    }

    #[test]
    fn flags_accept_booleans_and_strings() {
        let json =
            r#"{"id":1,"name":"a.b","type":"alias","www":true,"redirection":"www","wildcard":"0"}"#;
        let domain: Domain = serde_json::from_str(json).unwrap();
        assert!(domain.www && !domain.wildcard);
    }

    #[test]
    fn error_summary_adds_the_first_field_error() {
        let body: ErrorBody = serde_json::from_str(
            r#"{"message":"The given data was invalid.","errors":{"name":["The name has already been taken."]}}"#,
        )
        .unwrap();
        assert_eq!(
            body.summary().unwrap(),
            "The given data was invalid. (name: The name has already been taken.)"
        );
        let plain: ErrorBody = serde_json::from_str(r#"{"message":"Unauthenticated."}"#).unwrap();
        assert_eq!(plain.summary().unwrap(), "Unauthenticated.");
    }

    #[test]
    fn add_body_matches_the_reference() {
        let body = NewDomain {
            name: "shop.example.com",
            www: true,
            redirection: "non-www",
            kind: "alias",
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"name":"shop.example.com","www":true,"redirection":"non-www","type":"alias"}"#
        );
        assert_eq!(
            serde_json::to_string(&NewCertificate::default()).unwrap(),
            r#"{"provider":"letsencrypt","enableHttp":false,"enableHsts":false,"authorizationMethod":"http-01","environment":"live"}"#
        );
    }

    proptest::proptest! {
        /// Every reader of RunCloud's answers takes any body without panicking.
        #[test]
        fn readers_never_panic(bytes in arbitrary::body_bytes()) {
            let _ = serde_json::from_slice::<Domain>(&bytes);
            let _ = serde_json::from_slice::<Page<Domain>>(&bytes);
            let _ = serde_json::from_slice::<Meta>(&bytes);
            let _ = serde_json::from_slice::<Pagination>(&bytes);
            let _ = serde_json::from_slice::<WebApp>(&bytes);
            let _ = serde_json::from_slice::<SslMode>(&bytes);
            let _ = serde_json::from_slice::<Certificate>(&bytes);
            if let Ok(body) = serde_json::from_slice::<ErrorBody>(&bytes) {
                let _ = body.summary();
            }
        }
    }
}
