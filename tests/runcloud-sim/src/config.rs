//! What a simulator starts with: credentials, web apps, seeded domains, SSL, limits.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// One web app of the account: its server's id and its own, written `SERVER:APP`.
///
/// ```
/// use runcloud_sim::AppRef;
/// let app = AppRef::parse("12345:67890").unwrap();
/// assert_eq!((app.server_id, app.app_id), (12345, 67890));
/// assert_eq!(app.to_string(), "12345:67890");
/// assert!(AppRef::parse("0:1").is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AppRef {
    pub server_id: u64,
    pub app_id: u64,
}

impl AppRef {
    pub fn new(server_id: u64, app_id: u64) -> AppRef {
        AppRef { server_id, app_id }
    }

    /// Parses `SERVER:APP`, two positive whole numbers.
    pub fn parse(text: &str) -> Result<AppRef, String> {
        let invalid = || format!("{text:?} is not SERVER:APP (two positive whole numbers)");
        let (server, app) = text.split_once(':').ok_or_else(invalid)?;
        let id = |part: &str| {
            part.trim()
                .parse::<u64>()
                .ok()
                .filter(|id| *id > 0)
                .ok_or_else(invalid)
        };
        Ok(AppRef::new(id(server)?, id(app)?))
    }
}

impl fmt::Display for AppRef {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}:{}", self.server_id, self.app_id)
    }
}

impl TryFrom<String> for AppRef {
    type Error = String;

    fn try_from(text: String) -> Result<AppRef, String> {
        AppRef::parse(&text)
    }
}

impl From<AppRef> for String {
    fn from(app: AppRef) -> String {
        app.to_string()
    }
}

/// The web app's SSL mode: one certificate for the app, or one per domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SslMode {
    /// One certificate covering every domain of the web app (RunCloud's default).
    #[default]
    Basic,
    /// One certificate per domain ("Advanced SSL"), optionally issued by AutoSSL.
    Advanced,
}

impl SslMode {
    /// Parses `basic` or `advanced`.
    pub fn parse(text: &str) -> Option<SslMode> {
        match text {
            "basic" => Some(SslMode::Basic),
            "advanced" => Some(SslMode::Advanced),
            _ => None,
        }
    }
}

/// Settings of a simulator, built with chained setters over sensible test defaults.
///
/// ```
/// use runcloud_sim::SimConfig;
/// let config = SimConfig::new().token("secret").extra_domains(45).rate_limit(0);
/// assert_eq!(config.server_id, 1);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SimConfig {
    /// Where to listen; only loopback addresses are accepted. Port 0 picks a free port.
    pub listen: SocketAddr,
    /// The API v3 bearer token.
    pub token: String,
    /// The API v2 key (HTTP Basic user).
    pub api_key: String,
    /// The API v2 secret (HTTP Basic password).
    pub api_secret: String,
    /// The primary web app's server and id.
    pub server_id: u64,
    pub app_id: u64,
    /// More web apps of the same account beside the primary one, each seeded as the primary
    /// is (domains, SSL mode, certificate) and changed on its own afterwards.
    pub apps: Vec<AppRef>,
    pub webapp_name: String,
    /// The web app's primary domain (its first record).
    pub primary_domain: String,
    /// How many alias domains to seed after the primary: `site-00001.example.test`, ...
    pub extra_domains: usize,
    /// Domains seeded with `wildcard: 1` (written `network.test` or `*.network.test`). A name
    /// equal to the primary domain sets the flag on the primary record.
    pub wildcard_domains: Vec<String>,
    /// Requests allowed per rate window; 0 means unlimited.
    pub rate_limit: u32,
    pub rate_window: Duration,
    /// Added before every API answer.
    pub latency: Duration,
    pub ssl_mode: SslMode,
    pub auto_ssl: bool,
    /// Start with a certificate installed (the app's one in basic mode, one per domain in
    /// advanced mode).
    pub certificate: bool,
    /// Serve HTTPS with a freshly generated self-signed certificate.
    pub tls: bool,
    /// Where to write that certificate as PEM, so a client can trust it.
    pub tls_cert_out: Option<PathBuf>,
    /// Whether the domain list's `search` parameter filters (RunCloud's is unconfirmed).
    pub search_filters: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            token: "test-token".into(),
            api_key: "test-key".into(),
            api_secret: "test-secret".into(),
            server_id: 1,
            app_id: 1,
            apps: Vec::new(),
            webapp_name: "multisite".into(),
            primary_domain: "network.test".into(),
            extra_domains: 0,
            wildcard_domains: Vec::new(),
            rate_limit: 60,
            rate_window: Duration::from_secs(60),
            latency: Duration::ZERO,
            ssl_mode: SslMode::Basic,
            auto_ssl: false,
            certificate: true,
            tls: false,
            tls_cert_out: None,
            search_filters: crate::facts::DOMAIN_SEARCH_FILTERS,
        }
    }
}

impl SimConfig {
    /// The defaults: `127.0.0.1:0`, token `test-token`, key `test-key`, secret `test-secret`,
    /// server 1, web app 1 named `multisite`, primary domain `network.test`, 60 requests a
    /// minute, basic SSL with a certificate installed, plain HTTP.
    pub fn new() -> Self {
        Self::default()
    }

    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    pub fn token(mut self, token: &str) -> Self {
        self.token = token.into();
        self
    }

    pub fn api_key(mut self, key: &str) -> Self {
        self.api_key = key.into();
        self
    }

    pub fn api_secret(mut self, secret: &str) -> Self {
        self.api_secret = secret.into();
        self
    }

    pub fn server_id(mut self, id: u64) -> Self {
        self.server_id = id;
        self
    }

    pub fn app_id(mut self, id: u64) -> Self {
        self.app_id = id;
        self
    }

    /// Adds a web app of the account beside the primary one.
    pub fn app(mut self, app: AppRef) -> Self {
        self.apps.push(app);
        self
    }

    /// The primary web app (`server_id`, `app_id`).
    pub fn primary(&self) -> AppRef {
        AppRef::new(self.server_id, self.app_id)
    }

    /// Every web app, the primary first, then the others in the order they were added.
    pub fn all_apps(&self) -> Vec<AppRef> {
        std::iter::once(self.primary())
            .chain(self.apps.iter().copied())
            .collect()
    }

    pub fn webapp_name(mut self, name: &str) -> Self {
        self.webapp_name = name.into();
        self
    }

    pub fn primary_domain(mut self, name: &str) -> Self {
        self.primary_domain = name.into();
        self
    }

    pub fn extra_domains(mut self, count: usize) -> Self {
        self.extra_domains = count;
        self
    }

    pub fn wildcard_domain(mut self, name: &str) -> Self {
        self.wildcard_domains.push(name.into());
        self
    }

    /// Requests a minute (or per [`SimConfig::rate_window`]); 0 means unlimited.
    pub fn rate_limit(mut self, per_window: u32) -> Self {
        self.rate_limit = per_window;
        self
    }

    pub fn rate_window(mut self, window: Duration) -> Self {
        self.rate_window = window;
        self
    }

    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    pub fn ssl_mode(mut self, mode: SslMode) -> Self {
        self.ssl_mode = mode;
        self
    }

    pub fn auto_ssl(mut self, on: bool) -> Self {
        self.auto_ssl = on;
        self
    }

    pub fn certificate(mut self, installed: bool) -> Self {
        self.certificate = installed;
        self
    }

    pub fn tls(mut self, on: bool) -> Self {
        self.tls = on;
        self
    }

    pub fn tls_cert_out(mut self, path: impl Into<PathBuf>) -> Self {
        self.tls_cert_out = Some(path.into());
        self
    }

    /// Whether `GET APP/domains?search=TERM` filters; off, it answers as if no term was
    /// given, as a RunCloud without search on domains would.
    pub fn search_filters(mut self, on: bool) -> Self {
        self.search_filters = on;
        self
    }
}
