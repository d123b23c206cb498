//! Domain records of the web app, in the shape RunCloud returns them.

use serde::{Serialize, Serializer};

/// `type` of a domain record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DomainType {
    Primary,
    Alias,
    Redirect,
}

impl DomainType {
    /// The types a client may set (`primary` belongs to the web app's first record only).
    pub(crate) fn parse_settable(text: &str) -> Option<DomainType> {
        match text {
            "alias" => Some(DomainType::Alias),
            "redirect" => Some(DomainType::Redirect),
            _ => None,
        }
    }
}

/// `redirection` of a domain record: which of `name` and `www.name` redirects to the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Redirection {
    #[serde(rename = "none")]
    None,
    #[serde(rename = "www")]
    Www,
    #[serde(rename = "non-www")]
    NonWww,
}

impl Redirection {
    pub(crate) fn parse(text: &str) -> Option<Redirection> {
        match text {
            "none" => Some(Redirection::None),
            "www" => Some(Redirection::Www),
            "non-www" => Some(Redirection::NonWww),
            _ => None,
        }
    }
}

/// One domain of the web app. Serializes exactly as RunCloud's domain object, with `www`
/// and `wildcard` as the integers 0/1.
///
/// A wildcard is a flag on an ordinary record: `{"name":"network.test","wildcard":1}` serves
/// `network.test` and every `*.network.test`, as RunCloud stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DomainRecord {
    pub id: u64,
    pub name: String,
    #[serde(rename = "type")]
    pub domain_type: DomainType,
    #[serde(serialize_with = "as_integer_flag")]
    pub www: bool,
    pub redirection: Redirection,
    #[serde(serialize_with = "as_integer_flag")]
    pub wildcard: bool,
    pub dns_integration: Option<String>,
    pub status: Option<String>,
    pub created_at: String,
}

impl DomainRecord {
    /// The host names this record serves: the name, `www.name` with www on, `*.name` for a
    /// wildcard.
    pub fn served_names(&self) -> Vec<String> {
        let mut names = vec![self.name.clone()];
        if self.www {
            names.push(format!("www.{}", self.name));
        }
        if self.wildcard {
            names.push(format!("*.{}", self.name));
        }
        names
    }
}

fn as_integer_flag<S: Serializer>(flag: &bool, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_u8(u8::from(*flag))
}

/// Checks a domain name as RunCloud's validation plausibly does, on the lowercased, trimmed
/// name: at least two dot-separated labels of letters, digits and inner hyphens, at most 63
/// characters a label and 253 in all, and a top-level label that is not all digits (which
/// rejects IP addresses). Wildcards, spaces, slashes, ports, underscores and a trailing dot
/// are all refused.
pub(crate) fn is_valid_hostname(name: &str) -> bool {
    if name.is_empty() || name.len() > 253 {
        return false;
    }
    let labels: Vec<&str> = name.split('.').collect();
    if labels.len() < 2 || !labels.iter().all(|label| is_valid_label(label)) {
        return false;
    }
    let top_level = labels[labels.len() - 1];
    !top_level.bytes().all(|byte| byte.is_ascii_digit())
}

fn is_valid_label(label: &str) -> bool {
    let bytes = label.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
        && bytes
            .iter()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || *byte == b'-')
}

/// Names are stored trimmed (Laravel trims every input string) and lowercased (host names
/// are case-insensitive, so `Shop.Example.com` and `shop.example.com` are one domain).
pub(crate) fn normalize_name(name: &str) -> String {
    name.trim().to_ascii_lowercase()
}

/// The wildcard flag's record name for `*.network.test` or `network.test`.
pub(crate) fn wildcard_base(name: &str) -> String {
    normalize_name(name.trim_start_matches("*."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_names() {
        for name in [
            "network.test",
            "site-00001.example.test",
            "xn--bcher-kva.example",
            "a.b.c.d.e",
        ] {
            assert!(is_valid_hostname(name), "{name}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_host_name() {
        let long_label = format!("{}.test", "a".repeat(64));
        let too_long = format!("{}.test", ["abcdefghi"; 26].join("."));
        for name in [
            "",
            "localhost",
            "192.168.1.1",
            "*.example.com",
            "exa mple.com",
            "example.com/path",
            "example.com.",
            "-bad.example.com",
            "bad-.example.com",
            "under_score.example.com",
            "example.com:8080",
            "a..b.com",
            &long_label,
            &too_long,
        ] {
            assert!(!is_valid_hostname(name), "{name}");
        }
    }

    #[test]
    fn serializes_flags_as_integers() {
        let record = DomainRecord {
            id: 693,
            name: "shop.example.com".into(),
            domain_type: DomainType::Primary,
            www: false,
            redirection: Redirection::None,
            wildcard: true,
            dns_integration: None,
            status: None,
            created_at: "2024-07-09 07:02:13".into(),
        };
        assert_eq!(
            serde_json::to_string(&record).unwrap(),
            r#"{"id":693,"name":"shop.example.com","type":"primary","www":0,"redirection":"none","wildcard":1,"dns_integration":null,"status":null,"created_at":"2024-07-09 07:02:13"}"#
        );
    }
}
