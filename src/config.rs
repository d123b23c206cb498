//! Configuration: which RunCloud app to talk to, how, and with which credentials.
//!
//! Values come from PHP constants (`WU_RUNCLOUD_*`), read at call time because
//! wp-config.php defines them long after the extension is loaded. The core only
//! sees a [`ConstantSource`], so it is tested without PHP.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use crate::app::{self, positive_id, App};
use crate::error::{Error, Result};

/// The API v3 workspace token (Bearer).
pub const TOKEN: &str = "WU_RUNCLOUD_API_TOKEN";
/// The API v2 key (HTTP Basic user).
pub const API_KEY: &str = "WU_RUNCLOUD_API_KEY";
/// The API v2 secret (HTTP Basic password).
pub const API_SECRET: &str = "WU_RUNCLOUD_API_SECRET";
/// The id of the RunCloud server.
pub const SERVER_ID: &str = "WU_RUNCLOUD_SERVER_ID";
/// The id of the web app on that server.
pub const APP_ID: &str = "WU_RUNCLOUD_APP_ID";
/// Optional replacement for [`DEFAULT_BASE_URL`].
pub const API_URL: &str = "WU_RUNCLOUD_API_URL";
/// Optional further apps of the same account beside the primary one, as a list
/// of `SERVER:APP` (see [`app::parse_list`]).
pub const APPS: &str = "WU_RUNCLOUD_APPS";

/// Every constant the extension reads, in the order diagnostics list them.
pub const ALL_CONSTANTS: [&str; 7] = [TOKEN, API_KEY, API_SECRET, SERVER_ID, APP_ID, API_URL, APPS];

/// Where RunCloud's API lives; `/api/v3` or `/api/v2` is appended.
pub const DEFAULT_BASE_URL: &str = "https://manage.runcloud.io";

/// Reads a named constant as a string, `None` when it is not defined.
pub trait ConstantSource {
    /// The constant's value, converted to a string, if defined.
    fn constant(&self, name: &str) -> Option<String>;
}

/// A credential that must never be shown: its `Debug` output is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The raw value, for the one place that needs it: the Authorization header.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// Which RunCloud API version the credentials select.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiVersion {
    /// API v3, with a Bearer token.
    V3,
    /// API v2, with an API key and secret.
    V2,
}

impl ApiVersion {
    /// `"v3"` or `"v2"`, as used in paths and diagnostics.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V3 => "v3",
            ApiVersion::V2 => "v2",
        }
    }
}

/// The credentials, which also decide the API version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    /// API v3 Bearer token.
    Token(Secret),
    /// API v2 key and secret.
    KeyPair {
        /// The API key.
        key: Secret,
        /// The API secret.
        secret: Secret,
    },
}

impl Credentials {
    /// The API version these credentials work with.
    pub fn api_version(&self) -> ApiVersion {
        match self {
            Credentials::Token(_) => ApiVersion::V3,
            Credentials::KeyPair { .. } => ApiVersion::V2,
        }
    }

    /// The credential values, so callers can scrub them from any text.
    pub fn secret_values(&self) -> Vec<&str> {
        match self {
            Credentials::Token(token) => vec![token.expose()],
            Credentials::KeyPair { key, secret } => vec![key.expose(), secret.expose()],
        }
    }
}

/// Seconds one extension call may take in all: well under PHP-FPM's usual
/// `request_terminate_timeout` (60 s or more), which would kill the worker mid-change.
pub const DEFAULT_DEADLINE_SECS: u64 = 45;

/// Timeouts and retry limits, from php.ini.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Upper bound for one whole HTTP request.
    pub timeout: Duration,
    /// Upper bound for establishing a connection.
    pub connect_timeout: Duration,
    /// How many times a retryable failure is retried within one call.
    pub max_retries: u32,
    /// Upper bound for all waiting between retries within one call.
    pub max_retry_wait: Duration,
    /// Upper bound for one whole extension call: every attempt, pause and page.
    pub deadline: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_retries: 3,
            max_retry_wait: Duration::from_secs(20),
            deadline: Duration::from_secs(DEFAULT_DEADLINE_SECS),
        }
    }
}

/// The longest any duration setting is taken to be: a day. A larger value
/// (up to `u64::MAX` seconds, which php.ini accepts) would overflow the clock
/// arithmetic of a deadline; no call is meant to outlast a day.
pub const MAX_DURATION: Duration = Duration::from_secs(86_400);

impl Limits {
    /// These limits with every duration at most [`MAX_DURATION`].
    pub fn clamped(self) -> Self {
        Limits {
            timeout: self.timeout.min(MAX_DURATION),
            connect_timeout: self.connect_timeout.min(MAX_DURATION),
            max_retry_wait: self.max_retry_wait.min(MAX_DURATION),
            deadline: self.deadline.min(MAX_DURATION),
            ..self
        }
    }
}

/// A parsed API base URL: scheme, authority and optional path prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    url: String,
}

impl BaseUrl {
    /// Parses and checks a base URL. Plain http is allowed only for loopback
    /// hosts, so credentials never cross a network unencrypted.
    pub fn parse(input: &str) -> Result<Self> {
        let trimmed = input.trim().trim_end_matches('/');
        let uri: ureq::http::Uri = trimmed
            .parse()
            .map_err(|_| Error::Config(format!("{API_URL} is not a valid URL")))?;
        let host = uri
            .host()
            .ok_or_else(|| Error::Config(format!("{API_URL} has no host")))?
            .to_ascii_lowercase();
        if uri.query().is_some() || trimmed.contains('@') || trimmed.contains('#') {
            return Err(Error::Config(format!(
                "{API_URL} must not contain credentials, a query or a fragment"
            )));
        }
        match uri.scheme_str() {
            Some("https") => {}
            Some("http") if is_loopback_host(&host) => {}
            Some("http") => {
                return Err(Error::Config(format!(
                    "{API_URL} uses plain http for a host that is not loopback; use https"
                )))
            }
            _ => return Err(Error::Config(format!("{API_URL} must start with https://"))),
        }
        Ok(BaseUrl {
            url: trimmed.to_string(),
        })
    }

    /// The URL without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.url
    }
}

impl Default for BaseUrl {
    fn default() -> Self {
        BaseUrl::parse(DEFAULT_BASE_URL).expect("the default base URL is valid")
    }
}

fn is_loopback_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare == "localhost" || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Everything needed to talk to the RunCloud account and its primary web app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The credentials, which also pick the API version.
    pub credentials: Credentials,
    /// The primary web app ([`SERVER_ID`] and [`APP_ID`]): the one a client
    /// addresses unless told another.
    pub app: App,
    /// Where the API lives.
    pub base_url: BaseUrl,
    /// Timeouts and retry limits.
    pub limits: Limits,
    /// The HTTP(S) proxy to use, only when configured (`wu_runcloud.proxy`);
    /// never taken from the environment. It may carry credentials.
    pub proxy: Option<Secret>,
}

impl Config {
    /// Reads the configuration from constants. A token selects v3; otherwise the
    /// key and secret select v2. Errors name every missing constant at once.
    pub fn from_constants(source: &dyn ConstantSource, limits: Limits) -> Result<Self> {
        let read = |name| non_empty(source, name);
        let mut missing = Vec::new();
        let credentials = match (read(TOKEN), read(API_KEY), read(API_SECRET)) {
            (Some(token), _, _) => Some(Credentials::Token(Secret::new(token))),
            (None, Some(key), Some(secret)) => Some(Credentials::KeyPair {
                key: Secret::new(key),
                secret: Secret::new(secret),
            }),
            (None, key, secret) => {
                if key.is_none() && secret.is_none() {
                    missing.push(format!("{TOKEN} (or {API_KEY} and {API_SECRET})"));
                } else if key.is_none() {
                    missing.push(API_KEY.to_string());
                } else {
                    missing.push(API_SECRET.to_string());
                }
                None
            }
        };
        let ids = primary_ids(source, &mut missing);
        refuse_missing(&missing)?;
        let base_url = match read(API_URL) {
            Some(url) => BaseUrl::parse(&url)?,
            None => BaseUrl::default(),
        };
        Ok(Config {
            credentials: credentials.expect("checked above"),
            app: primary_app(ids)?,
            base_url,
            limits,
            proxy: None,
        })
    }

    /// Sends every request through `proxy` (a URL such as
    /// `http://user:pass@proxy.example:3128`); none when empty or absent.
    pub fn with_proxy(mut self, proxy: Option<&str>) -> Result<Self> {
        self.proxy = match proxy.map(str::trim).filter(|p| !p.is_empty()) {
            Some(url) if ureq::Proxy::new(url).is_ok() => Some(Secret::new(url)),
            Some(_) => {
                return Err(Error::Config(
                    "wu_runcloud.proxy is not a usable proxy URL".into(),
                ))
            }
            None => None,
        };
        Ok(self)
    }

    /// The API version in use.
    pub fn api_version(&self) -> ApiVersion {
        self.credentials.api_version()
    }
}

/// What diagnostics may show about the configuration: names and flags, never values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics {
    /// The API version the defined constants select, if they select one.
    pub api_version: Option<ApiVersion>,
    /// The base URL in use (it carries no credentials: [`BaseUrl::parse`] refuses them).
    pub base_url: String,
    /// Each constant the extension reads, and whether it is defined and non-empty.
    pub constants: Vec<(&'static str, bool)>,
}

impl Diagnostics {
    /// Looks at which constants are set without failing on a partial configuration.
    pub fn read(source: &dyn ConstantSource) -> Self {
        let defined = |name| non_empty(source, name).is_some();
        let api_version = if defined(TOKEN) {
            Some(ApiVersion::V3)
        } else if defined(API_KEY) && defined(API_SECRET) {
            Some(ApiVersion::V2)
        } else {
            None
        };
        let base_url = non_empty(source, API_URL)
            .and_then(|url| BaseUrl::parse(&url).ok())
            .unwrap_or_default();
        Diagnostics {
            api_version,
            base_url: base_url.as_str().to_string(),
            constants: ALL_CONSTANTS.iter().map(|&n| (n, defined(n))).collect(),
        }
    }
}

fn non_empty(source: &dyn ConstantSource, name: &str) -> Option<String> {
    source
        .constant(name)
        .map(|value| value.trim().to_string())
        .filter(|value| !value.is_empty())
}

/// The primary app's ids as written, naming in `missing` each constant not set.
fn primary_ids(source: &dyn ConstantSource, missing: &mut Vec<String>) -> [Option<String>; 2] {
    [SERVER_ID, APP_ID].map(|name| {
        let value = non_empty(source, name);
        if value.is_none() {
            missing.push(name.to_string());
        }
        value
    })
}

/// An error naming every constant in `missing`, if any.
fn refuse_missing(missing: &[String]) -> Result<()> {
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::Config(format!(
        "missing constant(s) in wp-config.php: {}",
        missing.join(", ")
    )))
}

/// The primary app from its constants' values (both present).
fn primary_app([server_id, app_id]: [Option<String>; 2]) -> Result<App> {
    let id = |name: &str, value: Option<String>| {
        value
            .as_deref()
            .and_then(positive_id)
            .ok_or_else(|| Error::Config(format!("{name} must be a positive integer")))
    };
    let server_id = id(SERVER_ID, server_id)?;
    let app_id = id(APP_ID, app_id)?;
    Ok(App::new(server_id, app_id).expect("both ids are positive"))
}

/// The apps the extension serves: the primary app first, then those of `list`
/// (by default the [`APPS`] constant), each once. Needs the primary app's
/// constants, not the credentials; sends nothing.
pub fn apps(source: &dyn ConstantSource, list: Option<&str>) -> Result<Vec<App>> {
    let mut missing = Vec::new();
    let ids = primary_ids(source, &mut missing);
    refuse_missing(&missing)?;
    let primary = primary_app(ids)?;
    let others = match list {
        Some(list) => app::parse_list(list)?,
        None => app::parse_list(&non_empty(source, APPS).unwrap_or_default()).map_err(|error| {
            match error {
                Error::Config(message) => Error::Config(format!("{APPS}: {message}")),
                other => other,
            }
        })?,
    };
    let mut apps = vec![primary];
    apps.extend(others.into_iter().filter(|other| *other != primary));
    Ok(apps)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::HashMap;

    /// Constants held in a map, standing in for PHP's constant table.
    pub(crate) struct Constants(pub HashMap<&'static str, String>);

    impl Constants {
        pub(crate) fn of(pairs: &[(&'static str, &str)]) -> Self {
            Constants(pairs.iter().map(|(k, v)| (*k, v.to_string())).collect())
        }
    }

    impl ConstantSource for Constants {
        fn constant(&self, name: &str) -> Option<String> {
            self.0.get(name).cloned()
        }
    }

    fn load(pairs: &[(&'static str, &str)]) -> Result<Config> {
        Config::from_constants(&Constants::of(pairs), Limits::default())
    }

    #[test]
    fn token_selects_v3_even_with_a_key_pair() {
        let config = load(&[
            (TOKEN, "tok"),
            (API_KEY, "k"),
            (API_SECRET, "s"),
            (SERVER_ID, "12"),
            (APP_ID, "34"),
        ])
        .unwrap();
        assert_eq!(config.api_version(), ApiVersion::V3);
        assert_eq!(config.app.to_string(), "12:34");
        assert_eq!(config.base_url.as_str(), DEFAULT_BASE_URL);
    }

    #[test]
    fn key_pair_selects_v2() {
        let config = load(&[
            (API_KEY, "k"),
            (API_SECRET, "s"),
            (SERVER_ID, "1"),
            (APP_ID, "2"),
        ])
        .unwrap();
        assert_eq!(config.api_version(), ApiVersion::V2);
    }

    #[test]
    fn missing_constants_are_all_named_and_values_never_shown() {
        let err = load(&[(API_KEY, "very-secret-key")]).unwrap_err();
        let message = err.to_string();
        for name in [API_SECRET, SERVER_ID, APP_ID] {
            assert!(message.contains(name), "{message}");
        }
        assert!(!message.contains("very-secret-key"));
        let err = load(&[]).unwrap_err().to_string();
        assert!(err.contains(TOKEN) && err.contains(API_KEY), "{err}");
    }

    #[test]
    fn empty_values_count_as_missing() {
        let err = load(&[(TOKEN, " "), (SERVER_ID, "1"), (APP_ID, "2")]).unwrap_err();
        assert!(err.to_string().contains(TOKEN));
    }

    #[test]
    fn ids_must_be_positive_integers() {
        let err = load(&[(TOKEN, "t"), (SERVER_ID, "abc"), (APP_ID, "2")]).unwrap_err();
        assert!(err.to_string().contains(SERVER_ID));
        assert!(load(&[(TOKEN, "t"), (SERVER_ID, "1"), (APP_ID, "0")]).is_err());
    }

    fn apps_of(pairs: &[(&'static str, &str)], list: Option<&str>) -> Result<Vec<String>> {
        let apps = apps(&Constants::of(pairs), list)?;
        Ok(apps.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn the_primary_app_comes_first_then_the_others_each_once() {
        let primary = [(SERVER_ID, "12345"), (APP_ID, "67890")];
        assert_eq!(apps_of(&primary, None).unwrap(), ["12345:67890"]);
        let with_apps = [
            (SERVER_ID, "12345"),
            (APP_ID, "67890"),
            (APPS, "12346:67891, 12345:67890,12346:67891 7:8"),
        ];
        assert_eq!(
            apps_of(&with_apps, None).unwrap(),
            ["12345:67890", "12346:67891", "7:8"]
        );
        // A list given replaces the constant's.
        assert_eq!(
            apps_of(&with_apps, Some("9:9")).unwrap(),
            ["12345:67890", "9:9"]
        );
        assert_eq!(apps_of(&with_apps, Some("")).unwrap(), ["12345:67890"]);
    }

    #[test]
    fn apps_need_the_primary_app_and_a_valid_list_not_the_credentials() {
        let error = apps_of(&[(APPS, "1:2")], None).unwrap_err().to_string();
        assert!(
            error.contains(SERVER_ID) && error.contains(APP_ID),
            "{error}"
        );
        assert!(!error.contains(TOKEN), "{error}");
        let primary = [(SERVER_ID, "1"), (APP_ID, "x"), (APPS, "1:2")];
        assert!(apps_of(&primary, None)
            .unwrap_err()
            .to_string()
            .contains(APP_ID));
        let bad = [(SERVER_ID, "1"), (APP_ID, "2"), (APPS, "3:4, 5")];
        let error = apps_of(&bad, None).unwrap_err().to_string();
        assert!(error.contains(APPS) && error.contains("\"5\""), "{error}");
        let error = apps_of(&bad, Some("6:")).unwrap_err().to_string();
        assert!(!error.contains(APPS) && error.contains("\"6:\""), "{error}");
    }

    #[test]
    fn base_url_allows_plain_http_only_on_loopback() {
        assert!(BaseUrl::parse("http://127.0.0.1:8080").is_ok());
        assert!(BaseUrl::parse("http://localhost:1/prefix/").is_ok());
        assert!(BaseUrl::parse("http://[::1]:9").is_ok());
        assert!(BaseUrl::parse("https://api.example.com/proxy").is_ok());
        assert!(BaseUrl::parse("http://api.example.com").is_err());
        assert!(BaseUrl::parse("http://10.0.0.1").is_err());
        assert!(BaseUrl::parse("ftp://127.0.0.1").is_err());
        assert!(BaseUrl::parse("https://user:pw@example.com").is_err());
        assert_eq!(
            BaseUrl::parse("http://127.0.0.1:8080/x/").unwrap().as_str(),
            "http://127.0.0.1:8080/x"
        );
    }

    #[test]
    fn secrets_are_redacted_in_debug_and_scrubbed_from_text() {
        let config = load(&[(TOKEN, "tok-123"), (SERVER_ID, "1"), (APP_ID, "2")]).unwrap();
        assert!(!format!("{config:?}").contains("tok-123"));
        let scrubbed = crate::redact::scrub("a tok-123 b", &config.credentials.secret_values());
        assert_eq!(scrubbed, "a [redacted] b");
    }

    #[test]
    fn a_proxy_is_used_only_when_configured_and_never_shown() {
        let config = load(&[(TOKEN, "t"), (SERVER_ID, "1"), (APP_ID, "2")]).unwrap();
        assert_eq!(config.proxy, None);
        let config = config.with_proxy(Some(" ")).unwrap();
        assert_eq!(config.proxy, None);
        let config = config
            .with_proxy(Some("http://user:pw-9f2@proxy.example:3128"))
            .unwrap();
        assert!(config.proxy.is_some());
        assert!(!format!("{config:?}").contains("pw-9f2"));
        let error = config.with_proxy(Some("http://[bad")).unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{error:?}");
    }

    #[test]
    fn diagnostics_list_names_not_values() {
        let diagnostics = Diagnostics::read(&Constants::of(&[(API_KEY, "k")]));
        assert_eq!(diagnostics.api_version, None);
        assert!(diagnostics.constants.contains(&(API_KEY, true)));
        assert!(diagnostics.constants.contains(&(TOKEN, false)));
        assert_eq!(diagnostics.base_url, DEFAULT_BASE_URL);
    }
}
