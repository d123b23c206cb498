//! The simulator as a library: start it, point a client at it, steer it, stop it.

use std::io;
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::sync::Arc;
use std::time::Duration;

use crate::background::Background;
use crate::config::{AppRef, SimConfig, SslMode};
use crate::dispatch::dispatch;
use crate::dns::{start_responder, DnsAnswer, DnsChange, DnsDump};
use crate::faults::Fault;
use crate::request_log::RequestRecord;
use crate::served::start_presenting;
use crate::server::{Handler, Server, StopSignal};
use crate::shared::{Shared, SslChange};
use crate::state::{DomainSeed, SslDump, StateDump};
use crate::tls::TlsIdentity;

/// A running RunCloud simulator on a loopback port. Dropping it stops it.
///
/// It serves one RunCloud account: the primary web app (`server_id`, `app_id`) and any
/// others of [`SimConfig::app`]. The methods without an app act on the primary one; those
/// of [`Simulator::app`] on another.
///
/// ```
/// use runcloud_sim::{AppRef, SimConfig, Simulator};
/// let second = AppRef::new(2, 20);
/// let sim = Simulator::start(SimConfig::new().extra_domains(2).app(second)).unwrap();
/// assert!(sim.base_url().starts_with("http://127.0.0.1:"));
/// assert_eq!(sim.state().domains.len(), 3);
/// assert!(sim.app(second).unwrap().url("v3").ends_with("/servers/2/webapps/20"));
/// assert!(sim.app(AppRef::new(3, 30)).is_none());
/// sim.shutdown();
/// ```
pub struct Simulator {
    shared: Arc<Shared>,
    server: Server,
    base_url: String,
    certificate_pem: Option<String>,
    dns: Background,
    /// Each web app's server presenting its certificates, in the order of the apps.
    served: Vec<Background>,
}

/// One web app of a running simulator, to read and steer it.
#[derive(Clone, Copy)]
pub struct SimApp<'a> {
    simulator: &'a Simulator,
    app: AppRef,
}

impl SimApp<'_> {
    /// Which web app this is.
    pub fn address(&self) -> AppRef {
        self.app
    }

    /// `{base_url}/api/{version}/servers/{server}/webapps/{app}` for `v2` or `v3`.
    pub fn url(&self, version: &str) -> String {
        format!(
            "{}/api/{version}/servers/{}/webapps/{}",
            self.simulator.base_url, self.app.server_id, self.app.app_id
        )
    }

    /// A snapshot of its domains and certificates, with the account's counters, limits and
    /// the pending faults that can strike it.
    pub fn state(&self) -> StateDump {
        self.simulator
            .shared
            .state(self.app)
            .expect("a served web app has a state")
    }

    /// Its SSL mode and certificates.
    pub fn ssl(&self) -> SslDump {
        self.state().ssl
    }

    /// Changes its SSL mode and certificates directly; refuses AutoSSL without advanced SSL.
    pub fn set_ssl(&self, change: SslChange) -> Result<(), String> {
        self.simulator.shared.change_ssl(self.app, change)
    }

    /// Seeds `count` more `site-NNNNN.example.test` aliases; returns their ids.
    pub fn seed_domains(&self, count: usize) -> Vec<u64> {
        self.simulator
            .shared
            .seed_domains(self.app, count)
            .unwrap_or_default()
    }

    /// Seeds one explicit record (`*.name` for a wildcard); returns its id.
    pub fn seed_domain(&self, seed: DomainSeed) -> Result<u64, String> {
        self.simulator.shared.seed_domain(self.app, &seed)
    }

    /// The API requests that named it.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.simulator.shared.requests(Some(self.app))
    }

    /// Where its server presents the certificate covering a name (TLS with SNI).
    pub fn https_addr(&self) -> SocketAddr {
        SocketAddr::new(
            self.simulator.server.local_addr().ip(),
            self.simulator.shared.https_port(self.app),
        )
    }
}

/// The API's TCP listener and the DNS responder's UDP socket, on the same
/// address and port number. With port 0 the kernel picks a free TCP port whose
/// UDP twin may be taken (by another simulator of a parallel test, say): then
/// another port is tried.
fn bind_api_and_dns(listen: SocketAddr) -> io::Result<(TcpListener, UdpSocket)> {
    const ATTEMPTS: usize = 20;
    let mut last_error = None;
    for _ in 0..ATTEMPTS {
        let listener = TcpListener::bind(listen)?;
        match UdpSocket::bind(listener.local_addr()?) {
            Ok(socket) => return Ok((listener, socket)),
            Err(error) if error.kind() == io::ErrorKind::AddrInUse && listen.port() == 0 => {
                last_error = Some(error);
            }
            Err(error) => return Err(error),
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::from(io::ErrorKind::AddrInUse)))
}

impl Simulator {
    /// Binds, seeds and starts serving. Fails for a non-loopback address, AutoSSL without
    /// advanced SSL, a web app given twice, or when the port cannot be bound.
    pub fn start(config: SimConfig) -> io::Result<Simulator> {
        check_config(&config)?;
        let (listener, dns_socket) = bind_api_and_dns(config.listen)?;
        let identity = if config.tls {
            Some(Arc::new(TlsIdentity::generate()?))
        } else {
            None
        };
        let certificate_pem = identity
            .as_ref()
            .map(|identity| identity.certificate_pem.clone());
        if let (Some(path), Some(pem)) = (&config.tls_cert_out, &certificate_pem) {
            std::fs::write(path, pem)?;
        }
        let stop = Arc::new(StopSignal::default());
        let local_addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(config, Arc::clone(&stop), local_addr));
        let handler: Handler = {
            let shared = Arc::clone(&shared);
            Arc::new(move |request| dispatch(&shared, request))
        };
        let server = Server::start(listener, identity, handler, Arc::clone(&stop))?;
        // The names' DNS on UDP, at the same address and port number as the API.
        let dns = start_responder(dns_socket, Arc::clone(&shared), Arc::clone(&stop))?;
        let mut served = Vec::with_capacity(shared.apps.len());
        for app in shared.apps.clone() {
            let ip = server.local_addr().ip();
            let presenting = start_presenting(ip, Arc::clone(&shared), app, Arc::clone(&stop))?;
            shared.set_https_port(app, presenting.addr().port());
            served.push(presenting);
        }
        let base_url = format!("{}://{}", shared.scheme, server.local_addr());
        Ok(Simulator {
            shared,
            server,
            base_url,
            certificate_pem,
            dns,
            served,
        })
    }

    /// `http://127.0.0.1:PORT` (or `https://...`), without a trailing slash. RunCloud's paths
    /// (`/api/v3/...`) go after it.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// `{base_url}/api/{version}/servers/{server}/webapps/{app}` for `v2` or `v3`: the
    /// primary web app's.
    pub fn app_url(&self, version: &str) -> String {
        self.primary().url(version)
    }

    /// Every web app it serves, the primary first.
    pub fn apps(&self) -> &[AppRef] {
        &self.shared.apps
    }

    /// The web app `app`, if the simulator serves it.
    pub fn app(&self, app: AppRef) -> Option<SimApp<'_>> {
        self.shared.serves(app).then_some(SimApp {
            simulator: self,
            app,
        })
    }

    /// The primary web app.
    pub fn primary(&self) -> SimApp<'_> {
        SimApp {
            simulator: self,
            app: self.shared.primary(),
        }
    }

    pub fn config(&self) -> &SimConfig {
        &self.shared.config
    }

    /// The self-signed certificate as PEM when serving HTTPS.
    pub fn certificate_pem(&self) -> Option<&str> {
        self.certificate_pem.as_deref()
    }

    /// A snapshot of the primary web app: domains, certificates, counters, limits and
    /// pending faults.
    pub fn state(&self) -> StateDump {
        self.primary().state()
    }

    /// API requests so far (since the start, the last reset or the last clear), to every
    /// web app.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.requests(None)
    }

    pub fn clear_requests(&self) {
        self.shared.clear_requests();
    }

    /// Queues a fault for the next matching API requests.
    ///
    /// # Panics
    ///
    /// When the fault is aimed at a web app the simulator does not serve.
    pub fn inject(&self, fault: Fault) {
        if let Err(message) = self.shared.inject(fault) {
            panic!("{message}");
        }
    }

    pub fn clear_faults(&self) {
        self.shared.clear_faults(None);
    }

    /// Delay before every API answer.
    pub fn set_latency(&self, latency: Duration) {
        self.shared.set_latency(latency);
    }

    /// `per_window` requests per `window` (0: unlimited), starting a fresh window.
    pub fn set_rate_limit(&self, per_window: u32, window: Duration) {
        self.shared.set_rate_limit(per_window, window);
    }

    /// Changes the primary web app's SSL mode and certificates directly; refuses AutoSSL
    /// without advanced SSL.
    pub fn set_ssl(&self, change: SslChange) -> Result<(), String> {
        self.primary().set_ssl(change)
    }

    /// Seeds `count` more `site-NNNNN.example.test` aliases in the primary web app; returns
    /// their ids.
    pub fn seed_domains(&self, count: usize) -> Vec<u64> {
        self.primary().seed_domains(count)
    }

    /// Seeds one explicit record (`*.name` for a wildcard) in the primary web app; returns
    /// its id.
    pub fn seed_domain(&self, seed: DomainSeed) -> Result<u64, String> {
        self.primary().seed_domain(seed)
    }

    /// Back to the seeded start: domains, SSL, counters, limits, latency, faults and log.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// Moves the clock of Let's Encrypt's windows, the certificates' dates and timed faults
    /// forward (not the API's rate limit); returns how far it is ahead of real time. A reset sets it back.
    pub fn advance_clock(&self, by: Duration) -> Duration {
        self.shared.advance_clock(by)
    }

    /// How far the simulator's clock is ahead of real time.
    pub fn clock_offset(&self) -> Duration {
        self.shared.clock_offset()
    }

    /// The loopback UDP address of the DNS responder (the API's port number).
    pub fn dns_addr(&self) -> SocketAddr {
        self.dns.addr()
    }

    /// Sets one name's DNS (a resolver and Let's Encrypt see it at once).
    pub fn set_dns(&self, name: &str, answer: DnsAnswer) {
        let change = DnsChange {
            names: [(name.to_string(), answer.label())].into_iter().collect(),
        };
        // Every DnsAnswer has a valid label, and an empty name only changes nothing.
        let _ = self.shared.change_dns(&change);
    }

    /// Where the primary web app's server presents the certificate covering a name (TLS
    /// with SNI).
    pub fn https_addr(&self) -> SocketAddr {
        self.primary().https_addr()
    }

    /// The names' DNS and Let's Encrypt's failed validations.
    pub fn dns(&self) -> DnsDump {
        self.shared.dns()
    }

    /// Stops serving: closes every connection, ends hangs, waits for the threads (bounded).
    pub fn shutdown(mut self) {
        self.server.shutdown();
        self.dns.join();
        for served in &mut self.served {
            served.join();
        }
    }
}

fn check_config(config: &SimConfig) -> io::Result<()> {
    if !config.listen.ip().is_loopback() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "refusing to listen on {}: only loopback addresses (127.0.0.0/8, ::1) are allowed",
                config.listen
            ),
        ));
    }
    if config.auto_ssl && config.ssl_mode != SslMode::Advanced {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "AutoSSL needs the advanced SSL mode",
        ));
    }
    let apps = config.all_apps();
    for (index, app) in apps.iter().enumerate() {
        if apps[..index].contains(app) {
            let which = if *app == config.primary() {
                "the primary web app (--server-id, --app-id)"
            } else {
                "an earlier --app"
            };
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("web app {app} is given twice: it is already {which}"),
            ));
        }
    }
    Ok(())
}
