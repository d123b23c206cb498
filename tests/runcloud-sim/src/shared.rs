//! The simulator's state behind one lock, and the operations the library and the control
//! API both offer.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::Deserialize;

use crate::auth::Credentials;
use crate::config::SimConfig;
use crate::dns::{DnsAnswer, DnsChange, DnsDump};
use crate::faults::{Fault, FaultQueue};
use crate::rate_limit::RateLimiter;
use crate::request_log::{RequestLog, RequestRecord};
use crate::server::{lock, StopSignal};
use crate::state::{AppState, DomainSeed, Refusal, StateDump};

/// Everything a request may change. One lock keeps a reset atomic; every operation under it
/// is short (listing 10,000 domains included).
pub(crate) struct World {
    pub app: AppState,
    pub limiter: RateLimiter,
    pub faults: FaultQueue,
    pub log: RequestLog,
    pub latency: Duration,
}

impl World {
    fn seeded(config: &SimConfig) -> World {
        World {
            app: AppState::seeded(config),
            limiter: RateLimiter::new(config.rate_limit, config.rate_window),
            faults: FaultQueue::default(),
            log: RequestLog::default(),
            latency: config.latency,
        }
    }
}

/// A change of SSL mode or certificates through the control API; absent fields stay.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct SslChange {
    #[serde(default, rename = "advancedSSL")]
    pub advanced_ssl: Option<bool>,
    #[serde(default, rename = "autoSSL")]
    pub auto_ssl: Option<bool>,
    /// true installs the current mode's certificate(s) wherever missing; false removes all.
    #[serde(default)]
    pub certificate: Option<bool>,
}

impl SslChange {
    pub fn new() -> SslChange {
        SslChange::default()
    }

    pub fn advanced_ssl(mut self, on: bool) -> SslChange {
        self.advanced_ssl = Some(on);
        self
    }

    pub fn auto_ssl(mut self, on: bool) -> SslChange {
        self.auto_ssl = Some(on);
        self
    }

    pub fn certificate(mut self, installed: bool) -> SslChange {
        self.certificate = Some(installed);
        self
    }
}

pub(crate) struct Shared {
    pub config: SimConfig,
    pub credentials: Credentials,
    pub stop: Arc<StopSignal>,
    pub scheme: &'static str,
    /// The bound address, for links when a request names no Host.
    pub local_addr: SocketAddr,
    /// Where the server presents the certificates (`served.rs`), once listening.
    pub https_port: AtomicU16,
    world: Mutex<World>,
}

impl Shared {
    pub(crate) fn new(config: SimConfig, stop: Arc<StopSignal>, local_addr: SocketAddr) -> Shared {
        let credentials = Credentials {
            token: config.token.clone(),
            api_key: config.api_key.clone(),
            api_secret: config.api_secret.clone(),
        };
        let scheme = if config.tls { "https" } else { "http" };
        let world = Mutex::new(World::seeded(&config));
        Shared {
            config,
            credentials,
            stop,
            scheme,
            local_addr,
            https_port: AtomicU16::new(0),
            world,
        }
    }

    pub(crate) fn world(&self) -> MutexGuard<'_, World> {
        lock(&self.world)
    }

    pub(crate) fn state(&self) -> StateDump {
        let world = self.world();
        let (domains, ssl) = world.app.dump_parts();
        StateDump {
            server_id: world.app.server_id,
            app_id: world.app.app_id,
            webapp_name: world.app.webapp_name.clone(),
            domains,
            ssl,
            counters: world.app.counters.clone(),
            letsencrypt: world.app.letsencrypt_dump(),
            rate_limit: world.limiter.limit(),
            rate_window_secs: world.limiter.window().as_secs_f64(),
            latency_ms: world.latency.as_millis() as u64,
            pending_faults: world.faults.pending().to_vec(),
        }
    }

    pub(crate) fn reset(&self) {
        *self.world() = World::seeded(&self.config);
    }

    pub(crate) fn requests(&self) -> Vec<RequestRecord> {
        self.world().log.records()
    }

    pub(crate) fn clear_requests(&self) {
        self.world().log.clear();
    }

    pub(crate) fn inject(&self, fault: Fault) {
        self.world().faults.push(fault);
    }

    pub(crate) fn clear_faults(&self) {
        self.world().faults.clear();
    }

    pub(crate) fn set_latency(&self, latency: Duration) {
        self.world().latency = latency;
    }

    /// A new limit starts a fresh window.
    pub(crate) fn set_rate_limit(&self, per_window: u32, window: Duration) {
        self.world().limiter = RateLimiter::new(per_window, window);
    }

    pub(crate) fn change_ssl(&self, change: SslChange) -> Result<(), String> {
        let mut world = self.world();
        let (advanced, auto) = world.app.ssl_mode();
        let advanced = change.advanced_ssl.unwrap_or(advanced);
        let auto = change.auto_ssl.unwrap_or(auto && advanced);
        world
            .app
            .set_ssl_mode(advanced, auto, false)
            .map_err(|refusal| match refusal {
                Refusal::AutoSslNeedsAdvanced => "autoSSL needs advancedSSL".to_string(),
                other => format!("{other:?}"),
            })?;
        match change.certificate {
            Some(true) => world.app.install_everywhere(false),
            Some(false) => world.app.remove_all_certificates(),
            None => {}
        }
        Ok(())
    }

    /// The names' DNS and Let's Encrypt's failures.
    pub(crate) fn dns(&self) -> DnsDump {
        let world = self.world();
        let mut dump = world.app.dns.dump();
        dump.failed_validations_last_hour = world
            .app
            .letsencrypt
            .failures_last_hour(world.app.clock.instant());
        dump.refused_orders = world.app.letsencrypt.refused_orders();
        dump.https_port = self.https_port.load(Ordering::Relaxed);
        dump
    }

    /// Sets names' DNS; nothing changes when one state is invalid.
    pub(crate) fn change_dns(&self, change: &DnsChange) -> Result<(), String> {
        let mut parsed = Vec::with_capacity(change.names.len());
        for (name, state) in &change.names {
            if name.trim().is_empty() {
                return Err("a DNS name must not be empty".into());
            }
            parsed.push((name.as_str(), DnsAnswer::parse(state)?));
        }
        let mut world = self.world();
        for (name, answer) in parsed {
            world.app.dns.set(name, answer);
        }
        Ok(())
    }

    /// Every name points at the server again.
    pub(crate) fn clear_dns(&self) {
        self.world().app.dns.clear();
    }

    /// Moves the simulator's clock forward; returns how far it is ahead of real time now.
    pub(crate) fn advance_clock(&self, by: Duration) -> Duration {
        let mut world = self.world();
        world.app.clock.advance(by);
        world.app.clock.offset()
    }

    pub(crate) fn clock_offset(&self) -> Duration {
        self.world().app.clock.offset()
    }

    pub(crate) fn set_search_filters(&self, filters: bool) {
        self.world().app.search_filters = filters;
    }

    pub(crate) fn seed_domains(&self, count: usize) -> Vec<u64> {
        self.world().app.seed_numbered(count)
    }

    pub(crate) fn seed_domain(&self, seed: &DomainSeed) -> Result<u64, String> {
        self.world().app.seed_record(seed)
    }
}
