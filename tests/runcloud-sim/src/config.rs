//! What a simulator starts with: credentials, ids, seeded domains, SSL, limits.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

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
    pub server_id: u64,
    pub app_id: u64,
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
