//! The simulated web app: its domains and certificates, and what was done to them.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::account::Account;
use crate::clock::format_timestamp;
use crate::config::{AppRef, SimConfig, SslMode};
use crate::domains::{
    is_valid_hostname, normalize_name, wildcard_base, DomainRecord, DomainType, Redirection,
};
use crate::faults::Fault;
use crate::letsencrypt::LetsEncryptDump;
use crate::ssl::{CertificateRecord, CertificateUpdate, IssueSettings};

/// Why an operation on the web app was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    DomainNotFound,
    CertificateNotFound,
    NameTaken,
    PrimaryNotDeletable,
    PrimaryTypeFixed,
    /// A basic-mode endpoint while in advanced mode.
    AdvancedModeActive,
    /// An advanced-mode endpoint while in basic mode.
    BasicModeActive,
    AlreadyInstalled,
    NotInstalled,
    AutoSslNeedsAdvanced,
    /// Let's Encrypt refused the order; `LetsEncrypt::last_refusal` says why.
    OrderRefused,
}

/// What happened since the start (or the last reset).
///
/// `api_requests`, `unauthenticated`, `rate_limited` and `faults_applied` count the
/// account's API (every request, whichever web app it addressed, pings included); the others
/// count what was done to the web app the dump is of.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Counters {
    /// API requests received, whatever their answer.
    pub api_requests: u64,
    pub unauthenticated: u64,
    pub rate_limited: u64,
    pub faults_applied: u64,
    /// API requests whose path named this web app, whatever their answer.
    pub app_requests: u64,
    pub domains_added: u64,
    pub domains_deleted: u64,
    /// Certificates issued by install requests and by AutoSSL.
    pub certificates_issued: u64,
    pub redeploys: u64,
}

impl Counters {
    /// This web app's counters with the account's request counters.
    pub(crate) fn with_requests_of(self, account: &Counters) -> Counters {
        Counters {
            api_requests: account.api_requests,
            unauthenticated: account.unauthenticated,
            rate_limited: account.rate_limited,
            faults_applied: account.faults_applied,
            ..self
        }
    }
}

/// The SSL side of the state dump.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SslDump {
    #[serde(rename = "advancedSSL")]
    pub advanced_ssl: bool,
    #[serde(rename = "autoSSL")]
    pub auto_ssl: bool,
    /// The app's certificate in basic mode.
    pub basic: Option<CertificateRecord>,
    /// The per-domain certificates in advanced mode, by domain id.
    pub domains: Vec<CertificateRecord>,
}

/// Everything a test may want to assert on about one web app, as `GET /__sim/state` shows
/// it (`?app=SERVER:APP` for another than the primary one).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct StateDump {
    pub server_id: u64,
    pub app_id: u64,
    pub webapp_name: String,
    /// Every web app the simulator serves, `SERVER:APP`, the primary first.
    pub apps: Vec<AppRef>,
    pub domains: Vec<DomainRecord>,
    pub ssl: SslDump,
    pub counters: Counters,
    /// Let's Encrypt's limits: what each has counted, and the orders refused (the account's,
    /// every web app's orders).
    pub letsencrypt: LetsEncryptDump,
    /// Requests allowed per window (0: unlimited) and the window in seconds: the account's.
    pub rate_limit: u32,
    pub rate_window_secs: f64,
    pub latency_ms: u64,
    /// The pending faults that can strike this web app's requests (aimed at it or at none).
    pub pending_faults: Vec<Fault>,
    /// The loopback port where this web app's server presents its certificates (TLS with
    /// SNI; `served.rs`).
    pub https_port: u16,
}

impl StateDump {
    /// The domain of that name, if the web app has it.
    pub fn domain(&self, name: &str) -> Option<&DomainRecord> {
        self.domains.iter().find(|domain| domain.name == name)
    }
}

/// An explicit domain to seed through [`crate::Simulator::seed_domain`] or
/// `POST /__sim/domains`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct DomainSeed {
    /// `shop.example.com`, or `*.network.test` for a wildcard.
    pub name: String,
    #[serde(default)]
    pub www: bool,
    #[serde(default)]
    pub wildcard: bool,
    /// `alias` (default) or `redirect`.
    #[serde(default, rename = "type")]
    pub domain_type: Option<String>,
}

impl DomainSeed {
    pub fn new(name: &str) -> DomainSeed {
        DomainSeed {
            name: name.to_string(),
            ..DomainSeed::default()
        }
    }

    pub fn www(mut self, on: bool) -> DomainSeed {
        self.www = on;
        self
    }

    pub fn wildcard(mut self, on: bool) -> DomainSeed {
        self.wildcard = on;
        self
    }
}

/// A domain to add, already validated.
#[derive(Debug, Clone)]
pub(crate) struct NewDomain {
    pub name: String,
    pub www: bool,
    pub redirection: Redirection,
    pub domain_type: DomainType,
    pub wildcard: bool,
}

impl NewDomain {
    pub(crate) fn alias(name: &str) -> NewDomain {
        NewDomain {
            name: normalize_name(name),
            www: false,
            redirection: Redirection::None,
            domain_type: DomainType::Alias,
            wildcard: false,
        }
    }
}

/// Changes of the meta endpoint; absent fields stay as they are.
#[derive(Debug, Clone, Default)]
pub(crate) struct MetaChange {
    pub www: Option<bool>,
    pub redirection: Option<Redirection>,
    pub domain_type: Option<DomainType>,
}

#[derive(Debug)]
struct SslState {
    advanced: bool,
    auto: bool,
    basic: Option<CertificateRecord>,
    per_domain: BTreeMap<u64, CertificateRecord>,
}

/// One web app of the account. What its operations share with the other web apps (ids,
/// Let's Encrypt, DNS, the clock) is the [`Account`] each one is given.
#[derive(Debug)]
pub(crate) struct AppState {
    pub server_id: u64,
    pub app_id: u64,
    pub webapp_name: String,
    pub created_at: String,
    domains: BTreeMap<u64, DomainRecord>,
    ids_by_name: HashMap<String, u64>,
    next_seed_number: usize,
    ssl: SslState,
    /// What was done to this web app; the request counters are the account's (`World`).
    pub counters: Counters,
}

impl AppState {
    /// The web app `at` as the configuration describes every web app: each starts with the
    /// same seeded domains and SSL, as the servers of one network would.
    pub(crate) fn seeded(config: &SimConfig, at: AppRef, account: &mut Account) -> AppState {
        let mut app = AppState {
            server_id: at.server_id,
            app_id: at.app_id,
            webapp_name: config.webapp_name.clone(),
            created_at: format_timestamp(account.clock.system()),
            domains: BTreeMap::new(),
            ids_by_name: HashMap::new(),
            next_seed_number: 1,
            ssl: SslState {
                advanced: config.ssl_mode == SslMode::Advanced,
                auto: config.auto_ssl,
                basic: None,
                per_domain: BTreeMap::new(),
            },
            counters: Counters::default(),
        };
        let primary = NewDomain {
            domain_type: DomainType::Primary,
            ..NewDomain::alias(&config.primary_domain)
        };
        app.insert(primary, account);
        app.seed_numbered(config.extra_domains, account);
        for name in &config.wildcard_domains {
            app.seed_wildcard(name, account);
        }
        if config.certificate || config.auto_ssl {
            app.install_everywhere(config.auto_ssl, account);
        }
        app.counters = Counters::default();
        app
    }

    /// Which web app this is.
    pub(crate) fn address(&self) -> AppRef {
        AppRef::new(self.server_id, self.app_id)
    }

    /// Adds `count` aliases `site-00001.example.test`, ... continuing the numbering, skipping
    /// names already present. Returns their ids.
    pub(crate) fn seed_numbered(&mut self, count: usize, account: &mut Account) -> Vec<u64> {
        let mut ids = Vec::with_capacity(count);
        while ids.len() < count {
            let name = format!("site-{:05}.example.test", self.next_seed_number);
            self.next_seed_number += 1;
            if !self.ids_by_name.contains_key(&name) {
                ids.push(self.insert(NewDomain::alias(&name), account).id);
            }
        }
        ids
    }

    /// Sets the wildcard flag on `name`'s record (`*.name` or `name`), adding it if absent.
    pub(crate) fn seed_wildcard(&mut self, name: &str, account: &mut Account) -> u64 {
        let base = wildcard_base(name);
        let id = match self.ids_by_name.get(&base) {
            Some(id) => *id,
            None => self.insert(NewDomain::alias(&base), account).id,
        };
        if let Some(record) = self.domains.get_mut(&id) {
            record.wildcard = true;
        }
        id
    }

    /// Adds one explicit record (control API). `*.name` or `wildcard` sets the wildcard flag;
    /// a wildcard on an existing name only sets the flag there.
    pub(crate) fn seed_record(
        &mut self,
        seed: &DomainSeed,
        account: &mut Account,
    ) -> Result<u64, String> {
        let wildcard = seed.wildcard || seed.name.trim().starts_with("*.");
        let name = wildcard_base(&seed.name);
        if !is_valid_hostname(&name) {
            return Err(format!("not a valid domain name: {:?}", seed.name));
        }
        if wildcard && self.ids_by_name.contains_key(&name) {
            return Ok(self.seed_wildcard(&name, account));
        }
        let domain_type = DomainType::parse_settable(
            seed.domain_type.as_deref().unwrap_or("alias"),
        )
        .ok_or_else(|| format!("type must be alias or redirect, not {:?}", seed.domain_type))?;
        if self.ids_by_name.contains_key(&name) {
            return Err(format!("{name} is already a domain of the web app"));
        }
        let new = NewDomain {
            www: seed.www,
            wildcard,
            domain_type,
            ..NewDomain::alias(&name)
        };
        Ok(self.insert(new, account).id)
    }

    fn insert(&mut self, new: NewDomain, account: &mut Account) -> &DomainRecord {
        let id = account.new_domain_id();
        let record = DomainRecord {
            id,
            name: new.name,
            domain_type: new.domain_type,
            www: new.www,
            redirection: new.redirection,
            wildcard: new.wildcard,
            dns_integration: None,
            status: None,
            created_at: format_timestamp(account.clock.system()),
        };
        self.ids_by_name.insert(record.name.clone(), id);
        self.domains.entry(id).or_insert(record)
    }

    /// One page of domains in id order (pages are counted from 1), and how many domains
    /// the list holds. With a `search` term (given only while searching filters), only
    /// names that contain it, as a Laravel `LIKE %term%` query would keep.
    pub(crate) fn domain_page(
        &self,
        page: usize,
        per_page: usize,
        search: Option<&str>,
    ) -> (Vec<DomainRecord>, usize) {
        let term = search
            .filter(|term| !term.is_empty())
            .map(str::to_ascii_lowercase);
        let matching = |record: &&DomainRecord| {
            term.as_ref()
                .is_none_or(|t| record.name.contains(t.as_str()))
        };
        let total = match &term {
            None => self.domains.len(),
            Some(_) => self.domains.values().filter(matching).count(),
        };
        let skip = (page.saturating_sub(1)).saturating_mul(per_page);
        let data = self
            .domains
            .values()
            .filter(matching)
            .skip(skip)
            .take(per_page)
            .cloned()
            .collect();
        (data, total)
    }

    pub(crate) fn domain(&self, id: u64) -> Result<&DomainRecord, Refusal> {
        self.domains.get(&id).ok_or(Refusal::DomainNotFound)
    }

    /// Adds a domain; with AutoSSL on, it gets its own certificate at once.
    pub(crate) fn add_domain(
        &mut self,
        new: NewDomain,
        account: &mut Account,
    ) -> Result<DomainRecord, Refusal> {
        if self.ids_by_name.contains_key(&new.name) {
            return Err(Refusal::NameTaken);
        }
        let record = self.insert(new, account).clone();
        self.counters.domains_added += 1;
        // AutoSSL orders at once; a name whose DNS is not ready yet stays without one.
        if self.ssl.advanced && self.ssl.auto && order(account, &record.served_names()).is_ok() {
            self.issue_for_domain(record.id, IssueSettings::automatic(), true, account);
        }
        Ok(record)
    }

    /// Deletes a domain with its own certificate. The basic certificate keeps covering the
    /// name until redeployed, as a real one would.
    pub(crate) fn delete_domain(&mut self, id: u64) -> Result<DomainRecord, Refusal> {
        let record = self.domain(id)?;
        if record.domain_type == DomainType::Primary {
            return Err(Refusal::PrimaryNotDeletable);
        }
        let record = self.domains.remove(&id).ok_or(Refusal::DomainNotFound)?;
        self.ids_by_name.remove(&record.name);
        self.ssl.per_domain.remove(&id);
        self.counters.domains_deleted += 1;
        Ok(record)
    }

    pub(crate) fn update_meta(
        &mut self,
        id: u64,
        change: MetaChange,
    ) -> Result<DomainRecord, Refusal> {
        let record = self.domains.get_mut(&id).ok_or(Refusal::DomainNotFound)?;
        if let Some(domain_type) = change.domain_type {
            if record.domain_type == DomainType::Primary {
                return Err(Refusal::PrimaryTypeFixed);
            }
            record.domain_type = domain_type;
        }
        record.www = change.www.unwrap_or(record.www);
        record.redirection = change.redirection.unwrap_or(record.redirection);
        Ok(record.clone())
    }

    /// Every name the web app serves now, in domain order.
    fn served_names(&self) -> Vec<String> {
        self.domains
            .values()
            .flat_map(DomainRecord::served_names)
            .collect()
    }

    pub(crate) fn ssl_mode(&self) -> (bool, bool) {
        (self.ssl.advanced, self.ssl.auto)
    }

    /// Switches mode. The certificates of the mode left behind are removed; turning AutoSSL
    /// on issues a certificate for every domain that lacks one: through the API each is an
    /// order Let's Encrypt may refuse (`ordered`), through the control API it simply appears.
    pub(crate) fn set_ssl_mode(
        &mut self,
        advanced: bool,
        auto: bool,
        ordered: bool,
        account: &mut Account,
    ) -> Result<(), Refusal> {
        if auto && !advanced {
            return Err(Refusal::AutoSslNeedsAdvanced);
        }
        if advanced != self.ssl.advanced {
            self.ssl.basic = None;
            self.ssl.per_domain.clear();
        }
        self.ssl.advanced = advanced;
        self.ssl.auto = auto;
        if advanced && auto {
            self.issue_missing_domain_certificates(true, ordered, account);
        }
        Ok(())
    }

    /// Installs the certificate(s) of the current mode wherever missing (control API, seeding).
    pub(crate) fn install_everywhere(&mut self, auto_issued: bool, account: &mut Account) {
        if self.ssl.advanced {
            self.issue_missing_domain_certificates(auto_issued, false, account);
        } else if self.ssl.basic.is_none() {
            let id = account.new_certificate_id();
            let covers = self.served_names();
            self.ssl.basic = Some(CertificateRecord::issue(
                id,
                None,
                IssueSettings::automatic(),
                covers,
                account.clock.system(),
            ));
            self.counters.certificates_issued += 1;
        }
    }

    /// Removes every certificate of the current mode (control API).
    pub(crate) fn remove_all_certificates(&mut self) {
        self.ssl.basic = None;
        self.ssl.per_domain.clear();
    }

    /// With `ordered`, a domain whose order Let's Encrypt refuses stays without one, as with
    /// AutoSSL on a domain added later.
    fn issue_missing_domain_certificates(
        &mut self,
        auto_issued: bool,
        ordered: bool,
        account: &mut Account,
    ) {
        let missing: Vec<u64> = self
            .domains
            .keys()
            .copied()
            .filter(|id| !self.ssl.per_domain.contains_key(id))
            .collect();
        for id in missing {
            let names = self
                .domains
                .get(&id)
                .map(DomainRecord::served_names)
                .unwrap_or_default();
            if ordered && order(account, &names).is_err() {
                continue;
            }
            self.issue_for_domain(id, IssueSettings::automatic(), auto_issued, account);
        }
    }

    fn issue_for_domain(
        &mut self,
        domain_id: u64,
        settings: IssueSettings,
        auto_issued: bool,
        account: &mut Account,
    ) -> CertificateRecord {
        let covers = self
            .domains
            .get(&domain_id)
            .map(DomainRecord::served_names)
            .unwrap_or_default();
        let id = account.new_certificate_id();
        let mut certificate = CertificateRecord::issue(
            id,
            Some(domain_id),
            settings,
            covers,
            account.clock.system(),
        );
        certificate.auto_issued = auto_issued;
        self.ssl.per_domain.insert(domain_id, certificate.clone());
        self.counters.certificates_issued += 1;
        certificate
    }

    fn require_basic_mode(&self) -> Result<(), Refusal> {
        if self.ssl.advanced {
            return Err(Refusal::AdvancedModeActive);
        }
        Ok(())
    }

    fn require_advanced_mode(&self) -> Result<(), Refusal> {
        if !self.ssl.advanced {
            return Err(Refusal::BasicModeActive);
        }
        Ok(())
    }

    pub(crate) fn basic_certificate(&self) -> Result<&CertificateRecord, Refusal> {
        self.require_basic_mode()?;
        self.ssl.basic.as_ref().ok_or(Refusal::NotInstalled)
    }

    pub(crate) fn install_basic(
        &mut self,
        settings: IssueSettings,
        account: &mut Account,
    ) -> Result<CertificateRecord, Refusal> {
        self.require_basic_mode()?;
        if self.ssl.basic.is_some() {
            return Err(Refusal::AlreadyInstalled);
        }
        let covers = self.served_names();
        order(account, &covers)?;
        let id = account.new_certificate_id();
        let certificate =
            CertificateRecord::issue(id, None, settings, covers, account.clock.system());
        self.ssl.basic = Some(certificate.clone());
        self.counters.certificates_issued += 1;
        Ok(certificate)
    }

    /// The basic certificate `id`, for a change.
    fn basic_certificate_mut(&mut self, id: u64) -> Result<&mut CertificateRecord, Refusal> {
        self.require_basic_mode()?;
        self.ssl
            .basic
            .as_mut()
            .filter(|certificate| certificate.id == id)
            .ok_or(Refusal::CertificateNotFound)
    }

    pub(crate) fn redeploy_basic(
        &mut self,
        id: u64,
        account: &mut Account,
    ) -> Result<CertificateRecord, Refusal> {
        let covers = self.served_names();
        self.basic_certificate_mut(id)?;
        // One name Let's Encrypt cannot validate fails the whole certificate; the old one stays.
        order(account, &covers)?;
        let at = account.clock.system();
        let certificate = self.basic_certificate_mut(id)?;
        certificate.redeploy(covers, at);
        let certificate = certificate.clone();
        self.counters.redeploys += 1;
        Ok(certificate)
    }

    pub(crate) fn update_basic(
        &mut self,
        id: u64,
        update: &CertificateUpdate,
    ) -> Result<CertificateRecord, Refusal> {
        let certificate = self.basic_certificate_mut(id)?;
        certificate.apply(update);
        Ok(certificate.clone())
    }

    pub(crate) fn delete_basic(&mut self, id: u64) -> Result<CertificateRecord, Refusal> {
        self.basic_certificate_mut(id)?;
        self.ssl.basic.take().ok_or(Refusal::CertificateNotFound)
    }

    pub(crate) fn domain_certificate(&self, domain_id: u64) -> Result<&CertificateRecord, Refusal> {
        self.require_advanced_mode()?;
        self.domain(domain_id)?;
        self.ssl
            .per_domain
            .get(&domain_id)
            .ok_or(Refusal::NotInstalled)
    }

    pub(crate) fn install_for_domain(
        &mut self,
        domain_id: u64,
        settings: IssueSettings,
        account: &mut Account,
    ) -> Result<CertificateRecord, Refusal> {
        self.require_advanced_mode()?;
        self.domain(domain_id)?;
        if self.ssl.per_domain.contains_key(&domain_id) {
            return Err(Refusal::AlreadyInstalled);
        }
        let covers = self.domain(domain_id)?.served_names();
        order(account, &covers)?;
        Ok(self.issue_for_domain(domain_id, settings, false, account))
    }

    fn domain_certificate_mut(
        &mut self,
        domain_id: u64,
        id: u64,
    ) -> Result<&mut CertificateRecord, Refusal> {
        self.require_advanced_mode()?;
        self.domain(domain_id)?;
        self.ssl
            .per_domain
            .get_mut(&domain_id)
            .filter(|certificate| certificate.id == id)
            .ok_or(Refusal::CertificateNotFound)
    }

    pub(crate) fn redeploy_for_domain(
        &mut self,
        domain_id: u64,
        id: u64,
        account: &mut Account,
    ) -> Result<CertificateRecord, Refusal> {
        let covers = self
            .domain(domain_id)
            .map(DomainRecord::served_names)
            .unwrap_or_default();
        self.domain_certificate_mut(domain_id, id)?;
        order(account, &covers)?;
        let at = account.clock.system();
        let certificate = self.domain_certificate_mut(domain_id, id)?;
        certificate.redeploy(covers, at);
        let certificate = certificate.clone();
        self.counters.redeploys += 1;
        Ok(certificate)
    }

    pub(crate) fn delete_for_domain(
        &mut self,
        domain_id: u64,
        id: u64,
    ) -> Result<CertificateRecord, Refusal> {
        self.domain_certificate_mut(domain_id, id)?;
        self.ssl
            .per_domain
            .remove(&domain_id)
            .ok_or(Refusal::CertificateNotFound)
    }

    /// The parts of the dump this state owns; the simulator adds limits and faults.
    pub(crate) fn dump_parts(&self) -> (Vec<DomainRecord>, SslDump) {
        let ssl = SslDump {
            advanced_ssl: self.ssl.advanced,
            auto_ssl: self.ssl.auto,
            basic: self.ssl.basic.clone(),
            domains: self.ssl.per_domain.values().cloned().collect(),
        };
        (self.domains.values().cloned().collect(), ssl)
    }
}

/// Orders a certificate for `names` from the account's Let's Encrypt.
fn order(account: &mut Account, names: &[String]) -> Result<(), Refusal> {
    account.order(names).map_err(|_| Refusal::OrderRefused)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(config: SimConfig) -> (AppState, Account) {
        let mut account = Account::default();
        let app = AppState::seeded(&config, config.primary(), &mut account);
        (app, account)
    }

    #[test]
    fn seeds_primary_extras_and_wildcards() {
        let (state, _) = app(SimConfig::new()
            .extra_domains(3)
            .wildcard_domain("*.network.test")
            .wildcard_domain("*.other.test"));
        let (domains, ssl) = state.dump_parts();
        let names: Vec<&str> = domains.iter().map(|domain| domain.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "network.test",
                "site-00001.example.test",
                "site-00002.example.test",
                "site-00003.example.test",
                "other.test"
            ]
        );
        assert!(domains[0].wildcard && domains[0].domain_type == DomainType::Primary);
        assert!(domains[4].wildcard);
        assert!(ssl
            .basic
            .unwrap()
            .covers
            .contains(&"*.network.test".to_string()));
    }

    #[test]
    fn basic_coverage_changes_only_on_redeploy() {
        let (mut state, mut account) = app(SimConfig::new());
        let certificate_id = state.basic_certificate().unwrap().id;
        let shop = NewDomain {
            www: true,
            ..NewDomain::alias("shop.example.com")
        };
        state.add_domain(shop, &mut account).unwrap();
        assert_eq!(state.basic_certificate().unwrap().covers, ["network.test"]);
        state.redeploy_basic(certificate_id, &mut account).unwrap();
        let certificate = state.basic_certificate().unwrap();
        assert_eq!(
            certificate.covers,
            ["network.test", "shop.example.com", "www.shop.example.com"]
        );
        assert_eq!(certificate.redeploys, 1);
    }

    #[test]
    fn auto_ssl_issues_for_new_domains() {
        let (mut state, mut account) =
            app(SimConfig::new().ssl_mode(SslMode::Advanced).auto_ssl(true));
        let record = state
            .add_domain(NewDomain::alias("a.example.com"), &mut account)
            .unwrap();
        let certificate = state.domain_certificate(record.id).unwrap();
        assert!(certificate.auto_issued);
        assert_eq!(certificate.covers, ["a.example.com"]);
    }

    #[test]
    fn refuses_duplicates_and_primary_deletion() {
        let (mut state, mut account) = app(SimConfig::new());
        assert_eq!(
            state
                .add_domain(NewDomain::alias("network.test"), &mut account)
                .unwrap_err(),
            Refusal::NameTaken
        );
        assert_eq!(
            state.delete_domain(1).unwrap_err(),
            Refusal::PrimaryNotDeletable
        );
        assert_eq!(
            state.delete_domain(99).unwrap_err(),
            Refusal::DomainNotFound
        );
    }
}
