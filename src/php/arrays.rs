//! Core results as PHP arrays, keys in a fixed order.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::convert::IntoZval;
use ext_php_rs::types::ZendHashTable;

use crate::config::Diagnostics;
use crate::model::Domain;
use crate::operations::{Added, ConnectionReport, SslOutcome};

/// An associative PHP array built key by key.
pub struct Assoc(ZBox<ZendHashTable>);

impl Assoc {
    pub fn new() -> Self {
        Assoc(ZendHashTable::new())
    }

    pub fn set(mut self, key: &str, value: impl IntoZval) -> Self {
        // Inserting a plain value under a string key cannot fail.
        let _ = self.0.insert(key, value);
        self
    }

    pub fn into_table(self) -> ZBox<ZendHashTable> {
        self.0
    }
}

pub fn domain(domain: &Domain) -> Assoc {
    Assoc::new()
        .set("id", domain.id as i64)
        .set("name", domain.name.as_str())
        .set("type", domain.kind.as_str())
        .set("www", domain.www)
        .set("redirection", domain.redirection.as_str())
        .set("wildcard", domain.wildcard)
}

pub fn domains(domains: &[Domain]) -> ZBox<ZendHashTable> {
    let mut list = ZendHashTable::with_capacity(u32::try_from(domains.len()).unwrap_or(u32::MAX));
    for item in domains {
        let _ = list.push(domain(item).into_table());
    }
    list
}

pub fn added(added: &Added) -> ZBox<ZendHashTable> {
    domain(&added.domain).set("created", added.created).into_table()
}

pub fn connection(report: &ConnectionReport) -> ZBox<ZendHashTable> {
    Assoc::new()
        .set("api_version", report.api_version.as_str())
        .set("webapp_name", report.webapp_name.as_str())
        .set("domain_count", report.domain_count as i64)
        .set("ssl_mode", ssl_mode_name(report.ssl_mode.advanced))
        .set("auto_ssl", report.ssl_mode.auto)
        .into_table()
}

pub fn ssl(outcome: &SslOutcome) -> ZBox<ZendHashTable> {
    Assoc::new()
        .set("mode", ssl_mode_name(outcome.mode.advanced))
        .set("action", outcome.action.as_str())
        .set("certificate_id", outcome.certificate_id.map(|id| id as i64))
        .set("domain", outcome.domain.clone())
        .set("message", outcome.message.as_str())
        .into_table()
}

fn ssl_mode_name(advanced: bool) -> &'static str {
    if advanced {
        "advanced"
    } else {
        "basic"
    }
}

pub fn config(diagnostics: &Diagnostics, limits: &crate::config::Limits) -> ZBox<ZendHashTable> {
    let mut constants = Assoc::new();
    for (name, defined) in &diagnostics.constants {
        constants = constants.set(name, *defined);
    }
    Assoc::new()
        .set("version", env!("CARGO_PKG_VERSION"))
        .set("api_version", diagnostics.api_version.map(|v| v.as_str()))
        .set("base_url", diagnostics.base_url.as_str())
        .set("constants", constants.into_table())
        .set("timeout", limits.timeout.as_secs() as i64)
        .set("connect_timeout", limits.connect_timeout.as_secs() as i64)
        .set("max_retries", i64::from(limits.max_retries))
        .set("max_retry_wait", limits.max_retry_wait.as_secs() as i64)
        .into_table()
}
