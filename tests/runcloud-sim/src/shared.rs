//! The simulator's state behind one lock, and the operations the library and the control
//! API both offer.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::Deserialize;

use crate::account::Account;
use crate::auth::Credentials;
use crate::config::{AppRef, SimConfig};
use crate::dns::{DnsAnswer, DnsChange, DnsDump};
use crate::faults::{Fault, FaultQueue};
use crate::rate_limit::RateLimiter;
use crate::request_log::{RequestLog, RequestRecord};
use crate::server::{lock, StopSignal};
use crate::state::{AppState, Counters, DomainSeed, Refusal, SslDump, StateDump};

/// Everything a request may change. One lock keeps a reset atomic; every operation under it
/// is short (listing 10,000 domains included).
pub(crate) struct World {
    /// Every web app of the account, the primary first.
    pub apps: Vec<AppState>,
    /// What the web apps share: ids, Let's Encrypt, DNS, the clock.
    pub account: Account,
    /// The API's requests, whichever web app they address: RunCloud's API is the account's.
    pub counters: Counters,
    /// The account's rate limit, shared by every web app.
    pub limiter: RateLimiter,
    pub faults: FaultQueue,
    pub log: RequestLog,
    pub latency: Duration,
    /// Whether the domain list's `search` parameter filters (see `facts::DOMAIN_SEARCH_FILTERS`).
    pub search_filters: bool,
}

impl World {
    fn seeded(config: &SimConfig) -> World {
        let mut account = Account::default();
        let apps = config
            .all_apps()
            .into_iter()
            .map(|at| AppState::seeded(config, at, &mut account))
            .collect();
        World {
            apps,
            account,
            counters: Counters::default(),
            limiter: RateLimiter::new(config.rate_limit, config.rate_window),
            faults: FaultQueue::default(),
            log: RequestLog::default(),
            latency: config.latency,
            search_filters: config.search_filters,
        }
    }

    pub(crate) fn app(&self, at: AppRef) -> Option<&AppState> {
        self.apps.iter().find(|app| app.address() == at)
    }

    /// The web app `at`, with the account its operations need.
    pub(crate) fn app_mut(&mut self, at: AppRef) -> Option<(&mut AppState, &mut Account)> {
        let account = &mut self.account;
        self.apps
            .iter_mut()
            .find(|app| app.address() == at)
            .map(|app| (app, account))
    }

    fn dump(&self, app: &AppState, https_port: u16) -> StateDump {
        let (domains, ssl) = app.dump_parts();
        let now = self.account.clock.instant();
        StateDump {
            server_id: app.server_id,
            app_id: app.app_id,
            webapp_name: app.webapp_name.clone(),
            apps: self.apps.iter().map(AppState::address).collect(),
            domains,
            ssl,
            counters: app.counters.clone().with_requests_of(&self.counters),
            letsencrypt: self.account.letsencrypt_dump(),
            rate_limit: self.limiter.limit(),
            rate_window_secs: self.limiter.window().as_secs_f64(),
            latency_ms: self.latency.as_millis() as u64,
            pending_faults: self.faults.pending(now, Some(app.address())),
            https_port,
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
    /// Every web app, the primary first; fixed at the start.
    pub apps: Vec<AppRef>,
    /// Where each web app's server presents its certificates (`served.rs`), once listening;
    /// in the order of `apps`.
    https_ports: Vec<AtomicU16>,
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
        let apps = config.all_apps();
        let https_ports = apps.iter().map(|_| AtomicU16::new(0)).collect();
        Shared {
            config,
            credentials,
            stop,
            scheme,
            local_addr,
            apps,
            https_ports,
            world,
        }
    }

    pub(crate) fn world(&self) -> MutexGuard<'_, World> {
        lock(&self.world)
    }

    pub(crate) fn primary(&self) -> AppRef {
        self.apps[0]
    }

    pub(crate) fn serves(&self, app: AppRef) -> bool {
        self.apps.contains(&app)
    }

    fn https_port_slot(&self, app: AppRef) -> Option<&AtomicU16> {
        let index = self.apps.iter().position(|served| *served == app)?;
        self.https_ports.get(index)
    }

    pub(crate) fn https_port(&self, app: AppRef) -> u16 {
        self.https_port_slot(app)
            .map_or(0, |port| port.load(Ordering::Relaxed))
    }

    pub(crate) fn set_https_port(&self, app: AppRef, port: u16) {
        if let Some(slot) = self.https_port_slot(app) {
            slot.store(port, Ordering::Relaxed);
        }
    }

    /// Runs `action` on the web app `at` and the account; None when no such app is served.
    fn on_app<T>(
        &self,
        at: AppRef,
        action: impl FnOnce(&mut AppState, &mut Account) -> T,
    ) -> Option<T> {
        let mut world = self.world();
        let (app, account) = world.app_mut(at)?;
        Some(action(app, account))
    }

    /// The state dump of the web app `at`.
    pub(crate) fn state(&self, at: AppRef) -> Option<StateDump> {
        let https_port = self.https_port(at);
        let world = self.world();
        let app = world.app(at)?;
        Some(world.dump(app, https_port))
    }

    /// The SSL side of the web app `at` alone (what its server presents).
    pub(crate) fn ssl(&self, at: AppRef) -> Option<SslDump> {
        self.world().app(at).map(|app| app.dump_parts().1)
    }

    pub(crate) fn reset(&self) {
        *self.world() = World::seeded(&self.config);
    }

    /// The request log; with `app`, only the requests that addressed it.
    pub(crate) fn requests(&self, app: Option<AppRef>) -> Vec<RequestRecord> {
        self.world().log.records(app)
    }

    pub(crate) fn clear_requests(&self) {
        self.world().log.clear();
    }

    /// Queues a fault; refused when aimed at a web app the simulator does not serve.
    pub(crate) fn inject(&self, fault: Fault) -> Result<(), String> {
        if let Some(app) = fault.app.filter(|app| !self.serves(*app)) {
            return Err(self.unknown_app(app));
        }
        let mut world = self.world();
        let now = world.account.clock.instant();
        world.faults.push(fault, now);
        Ok(())
    }

    /// Pending faults; with `app`, those that can strike its requests.
    pub(crate) fn faults(&self, app: Option<AppRef>) -> Vec<Fault> {
        let world = self.world();
        world.faults.pending(world.account.clock.instant(), app)
    }

    /// Clears the pending faults; with `app`, only those aimed at it.
    pub(crate) fn clear_faults(&self, app: Option<AppRef>) {
        self.world().faults.clear(app);
    }

    pub(crate) fn set_latency(&self, latency: Duration) {
        self.world().latency = latency;
    }

    /// A new limit starts a fresh window.
    pub(crate) fn set_rate_limit(&self, per_window: u32, window: Duration) {
        self.world().limiter = RateLimiter::new(per_window, window);
    }

    /// Changes the SSL mode and certificates of the web app `at`.
    pub(crate) fn change_ssl(&self, at: AppRef, change: SslChange) -> Result<(), String> {
        self.on_app(at, |app, account| {
            let (advanced, auto) = app.ssl_mode();
            let advanced = change.advanced_ssl.unwrap_or(advanced);
            let auto = change.auto_ssl.unwrap_or(auto && advanced);
            app.set_ssl_mode(advanced, auto, false, account)
                .map_err(|refusal| match refusal {
                    Refusal::AutoSslNeedsAdvanced => "autoSSL needs advancedSSL".to_string(),
                    other => format!("{other:?}"),
                })?;
            match change.certificate {
                Some(true) => app.install_everywhere(false, account),
                Some(false) => app.remove_all_certificates(),
                None => {}
            }
            Ok(())
        })
        .unwrap_or_else(|| Err(self.unknown_app(at)))
    }

    /// The names' DNS and Let's Encrypt's failures; the port is the primary web app's.
    pub(crate) fn dns(&self) -> DnsDump {
        let https_port = self.https_port(self.primary());
        let world = self.world();
        let account = &world.account;
        let mut dump = account.dns.dump();
        dump.failed_validations_last_hour = account
            .letsencrypt
            .failures_last_hour(account.clock.instant());
        dump.refused_orders = account.letsencrypt.refused_orders();
        dump.https_port = https_port;
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
            world.account.dns.set(name, answer);
        }
        Ok(())
    }

    /// Every name points at the server again.
    pub(crate) fn clear_dns(&self) {
        self.world().account.dns.clear();
    }

    /// Moves the simulator's clock forward; returns how far it is ahead of real time now.
    pub(crate) fn advance_clock(&self, by: Duration) -> Duration {
        let mut world = self.world();
        world.account.clock.advance(by);
        world.account.clock_offset()
    }

    pub(crate) fn clock_offset(&self) -> Duration {
        self.world().account.clock_offset()
    }

    pub(crate) fn set_search_filters(&self, filters: bool) {
        self.world().search_filters = filters;
    }

    /// Seeds `count` numbered aliases in the web app `at`; returns their ids.
    pub(crate) fn seed_domains(&self, at: AppRef, count: usize) -> Result<Vec<u64>, String> {
        self.on_app(at, |app, account| app.seed_numbered(count, account))
            .ok_or_else(|| self.unknown_app(at))
    }

    pub(crate) fn seed_domain(&self, at: AppRef, seed: &DomainSeed) -> Result<u64, String> {
        self.on_app(at, |app, account| app.seed_record(seed, account))
            .unwrap_or_else(|| Err(self.unknown_app(at)))
    }

    /// Why `app` was refused: the simulator does not serve it.
    pub(crate) fn unknown_app(&self, app: AppRef) -> String {
        let served: Vec<String> = self.apps.iter().map(AppRef::to_string).collect();
        format!(
            "no web app {app} in this simulator (it serves {})",
            served.join(", ")
        )
    }
}
