//! The process's HTTP agents: keep-alive connections shared by every call.
//!
//! TLS trusts what the system trusts: the certificate bundle the distribution
//! keeps (Debian's `update-ca-certificates` writes it, so an operator's own CA
//! added there works), read once per process. Only on a system without one
//! are the bundled Mozilla roots used.
//!
//! A proxy is used only when configured (`wu_runcloud.proxy`), never from the
//! environment: under CGI a request header `Proxy:` becomes `HTTP_PROXY`
//! ("httpoxy"), so reading the environment would let a visitor route the
//! credentials through a host of their choosing.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use once_cell::sync::Lazy;
use ureq::config::Config as AgentConfig;
use ureq::http::Uri;
use ureq::tls::{parse_pem, Certificate, PemItem, RootCerts, TlsConfig};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{Connector, DefaultConnector, NextTimeout};
use ureq::{Agent, Proxy};

use crate::transport::OneWriteRequests;
use crate::util::MutexExt;

/// What an agent was built for: the proxy, and whether it speaks TLS.
type Purpose = (Option<String>, bool);

/// The agent last built, and what it was built for.
static AGENT: Mutex<Option<(Purpose, Agent)>> = Mutex::new(None);

/// The agent for requests through `proxy` (none: direct), to an `https` API or
/// a plain-http loopback one. One per process while the settings stay the same,
/// so connections stay alive across calls.
pub(crate) fn agent(proxy: Option<&str>, https: bool) -> Agent {
    let purpose = (proxy.map(str::to_string), https);
    let mut cached = AGENT.locked();
    if let Some((built_for, agent)) = cached.as_ref() {
        if *built_for == purpose {
            return agent.clone();
        }
    }
    let agent = build(proxy, https);
    *cached = Some((purpose, agent.clone()));
    agent
}

/// The system's trust store as one PEM bundle, where the common distributions
/// keep it: Debian, Ubuntu, Alpine and Arch; Fedora, RHEL and CentOS;
/// openSUSE; and the BSDs. The first that holds certificates is used.
pub(crate) const SYSTEM_BUNDLES: [&str; 5] = [
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
];

/// The roots every agent of the process trusts.
static ROOTS: Lazy<RootCerts> = Lazy::new(|| trust_store(&SYSTEM_BUNDLES));

/// The certificates of the first bundle in `paths` that holds any, or the
/// bundled Mozilla roots when none does.
pub(crate) fn trust_store(paths: &[impl AsRef<Path>]) -> RootCerts {
    paths
        .iter()
        .find_map(|path| certificates(path.as_ref()))
        .map_or(RootCerts::WebPki, RootCerts::from)
}

/// The certificates in the PEM file at `path`; `None` when it cannot be read
/// or holds none.
fn certificates(path: &Path) -> Option<Vec<Certificate<'static>>> {
    let pem = std::fs::read(path).ok()?;
    let found: Vec<Certificate<'static>> = parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(PemItem::Certificate(certificate)) => Some(certificate),
            _ => None,
        })
        .collect();
    (!found.is_empty()).then_some(found)
}

/// Idle keep-alive connections kept per process: enough for the next call to
/// start without a handshake, few enough that many PHP workers do not hold
/// hundreds of idle connections to RunCloud.
pub(crate) const MAX_IDLE_CONNECTIONS: usize = 2;
/// An idle connection older than this is closed instead of reused.
const MAX_IDLE_AGE: Duration = Duration::from_secs(15);
/// How long a resolved address is reused.
const DNS_TTL: Duration = Duration::from_secs(60);
/// Read and write buffers per connection: a page of 40 domains is about 8 KiB.
const BUFFER_BYTES: usize = 16 * 1024;

/// Redirects are refused so the Authorization header never follows one. The
/// trust store is read only for an agent that speaks TLS: a plain-http
/// loopback API (the simulator, a local relay) never holds it in memory.
fn build(proxy: Option<&str>, https: bool) -> Agent {
    let tls = if https {
        TlsConfig::builder().root_certs(ROOTS.clone()).build()
    } else {
        TlsConfig::default()
    };
    let config = Agent::config_builder()
        .tls_config(tls)
        .http_status_as_error(false)
        .max_redirects(0)
        .max_idle_connections(MAX_IDLE_CONNECTIONS)
        .max_idle_connections_per_host(MAX_IDLE_CONNECTIONS)
        .max_idle_age(MAX_IDLE_AGE)
        .input_buffer_size(BUFFER_BYTES)
        .output_buffer_size(BUFFER_BYTES)
        // Explicitly set, replacing what ureq would read from the environment.
        .proxy(proxy.and_then(|url| Proxy::new(url).ok()))
        .user_agent(concat!("wu-runcloud/", env!("CARGO_PKG_VERSION")))
        .build();
    Agent::with_parts(config, connector(), CachingResolver::default())
}

/// TCP, TLS when the URL asks for it, and a request with its small body in one write.
fn connector() -> impl Connector<()> {
    DefaultConnector::default().chain(OneWriteRequests)
}

/// ureq's resolver starts a thread for every lookup that has a timeout, that
/// is for every request: an IP address needs no lookup, and a host name is
/// looked up once a minute.
#[derive(Debug, Default)]
struct CachingResolver {
    cache: Mutex<HashMap<String, (Instant, ResolvedSocketAddrs)>>,
    lookup: DefaultResolver,
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &AgentConfig,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let (Some(authority), Some(scheme)) = (uri.authority(), uri.scheme_str()) else {
            return self.lookup.resolve(uri, config, timeout);
        };
        let default_port = if scheme == "http" { 80 } else { 443 };
        let port = authority.port_u16().unwrap_or(default_port);
        let host = authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']');
        if let Ok(ip) = host.parse::<IpAddr>() {
            let mut addresses = self.empty();
            addresses.push(SocketAddr::new(ip, port));
            return Ok(addresses);
        }
        let key = format!("{host}:{port}");
        if let Some((at, addresses)) = self.cache.locked().get(&key) {
            if at.elapsed() < DNS_TTL {
                return Ok(addresses.clone());
            }
        }
        let addresses = self.lookup.resolve(uri, config, timeout)?;
        self.cache
            .locked()
            .insert(key, (Instant::now(), addresses.clone()));
        Ok(addresses)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use runcloud_sim::{SimConfig, Simulator};

    /// An agent like the process's, trusting `roots`.
    fn agent_trusting(roots: RootCerts) -> Agent {
        let config = Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .tls_config(TlsConfig::builder().root_certs(roots).build())
            .build();
        Agent::with_parts(config, connector(), DefaultResolver::default())
    }

    /// A GET to the simulator's ping over TLS with `roots`: the status, or the error.
    fn ping(sim: &Simulator, roots: RootCerts) -> Result<u16, String> {
        agent_trusting(roots)
            .get(&format!("{}/api/v3/ping", sim.base_url()))
            .call()
            .map(|response| response.status().as_u16())
            .map_err(|error| error.to_string())
    }

    #[test]
    fn an_operators_own_ca_in_the_system_bundle_is_trusted() {
        let sim = Simulator::start(SimConfig::new().tls(true)).unwrap();
        let dir = std::env::temp_dir().join(format!("wu-runcloud-ca-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bundle = dir.join("ca-certificates.crt");
        std::fs::write(&bundle, sim.certificate_pem().unwrap()).unwrap();
        let missing = dir.join("absent.crt");
        let garbage = dir.join("garbage.crt");
        std::fs::write(&garbage, "not a certificate").unwrap();

        let roots = trust_store(&[&missing, &garbage, &bundle]);
        assert!(
            matches!(&roots, RootCerts::Specific(c) if c.len() == 1),
            "{roots:?}"
        );
        assert_eq!(
            ping(&sim, roots),
            Ok(401),
            "handshake made; no credentials sent"
        );

        // Mozilla's roots do not know the operator's CA.
        let error = ping(&sim, RootCerts::WebPki).unwrap_err();
        assert!(error.to_lowercase().contains("certificate"), "{error}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_request_with_a_body_crosses_tls_in_one_piece() {
        let sim = Simulator::start(SimConfig::new().tls(true).rate_limit(0)).unwrap();
        let roots = RootCerts::from(
            parse_pem(sim.certificate_pem().unwrap().as_bytes())
                .filter_map(|item| match item {
                    Ok(PemItem::Certificate(certificate)) => Some(certificate),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        );
        let agent = agent_trusting(roots);
        let url = format!("{}/api/v3/servers/1/webapps/1/domains", sim.base_url());
        for name in ["one.example.com", "two.example.com"] {
            let status = agent
                .post(&url)
                .header("Authorization", "Bearer test-token")
                .header("Content-Type", "application/json")
                .send(format!(
                    r#"{{"name":"{name}","www":false,"redirection":"none","type":"alias"}}"#
                ))
                .map(|response| response.status().as_u16());
            assert_eq!(status.ok(), Some(200), "{name}");
        }
        let state = sim.state();
        assert!(state.domain("one.example.com").is_some());
        assert!(
            state.domain("two.example.com").is_some(),
            "the kept connection still works"
        );
    }

    #[test]
    fn without_a_system_bundle_the_bundled_roots_are_used() {
        let roots = trust_store(&["/nonexistent/ca-certificates.crt"]);
        assert!(matches!(roots, RootCerts::WebPki), "{roots:?}");
    }

    #[test]
    fn the_system_bundle_is_found_where_this_system_keeps_it() {
        // Debian 12, where the suite runs (with ca-certificates), keeps it at the first path.
        assert!(Path::new(SYSTEM_BUNDLES[0]).exists());
        assert!(matches!(&*ROOTS, RootCerts::Specific(c) if c.len() > 10));
    }
}
