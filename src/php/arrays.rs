//! Core results as PHP arrays, keys in a fixed order.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::convert::IntoZval;
use ext_php_rs::types::ZendHashTable;

use crate::config::Diagnostics;
use crate::model::{Domain, Page, SslMode};
use crate::operations::{Added, ConnectionReport, SslOutcome};
use crate::php::exceptions::scrubbed;
use crate::sync::{SyncOptions, SyncReport};
use ext_php_rs::types::Zval;

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

pub fn domains_page(
    page: &Page<Domain>,
    rate_limit: Option<u32>,
    rate_remaining: Option<u32>,
) -> ZBox<ZendHashTable> {
    let pagination = &page.meta.pagination;
    Assoc::new()
        .set("domains", domains(&page.data))
        .set("page", pagination.current_page as i64)
        .set("total_pages", pagination.total_pages as i64)
        .set("total", pagination.total as i64)
        .set("rate_limit", rate_limit.map(i64::from))
        .set("rate_remaining", rate_remaining.map(i64::from))
        .into_table()
}

pub fn added(added: &Added) -> ZBox<ZendHashTable> {
    domain(&added.domain)
        .set("created", added.created)
        .set("outcome", added.outcome.as_str())
        .into_table()
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

pub fn ssl_mode(mode: &SslMode) -> ZBox<ZendHashTable> {
    Assoc::new()
        .set("ssl_mode", ssl_mode_name(mode.advanced))
        .set("auto_ssl", mode.auto)
        .into_table()
}

pub fn sync_report(report: &SyncReport) -> ZBox<ZendHashTable> {
    let mut errors = Assoc::new();
    for (name, message) in &report.errors {
        errors = errors.set(name, scrubbed(message).as_str());
    }
    let mut ssl_steps = ZendHashTable::new();
    for outcome in &report.ssl {
        let _ = ssl_steps.push(ssl(outcome));
    }
    Assoc::new()
        .set("dry_run", report.dry_run)
        .set("to_add", report.to_add.clone())
        .set("to_remove", report.to_remove.clone())
        .set("unchanged", report.unchanged.clone())
        .set("added", report.added.clone())
        .set("removed", report.removed.clone())
        .set("errors", errors.into_table())
        .set("ssl", ssl_steps)
        .into_table()
}

/// Reads `wu_runcloud_sync()`'s options; absent keys take the safe defaults.
pub fn sync_options(table: Option<&ZendHashTable>) -> SyncOptions {
    let value = |key: &str| table.and_then(|t| t.get(key));
    let flag = |key: &str, default: bool| value(key).and_then(Zval::bool).unwrap_or(default);
    let names = |key: &str| {
        value(key)
            .and_then(Zval::array)
            .map(|list| list.values().filter_map(Zval::string).collect())
            .unwrap_or_default()
    };
    SyncOptions {
        dry_run: flag("dry_run", true),
        prune: flag("prune", false),
        managed: names("managed"),
        protected: names("protected"),
        www: names("www"),
        redeploy_ssl: flag("redeploy_ssl", true),
    }
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

pub fn config(
    diagnostics: &Diagnostics,
    limits: &crate::config::Limits,
    proxy: bool,
) -> ZBox<ZendHashTable> {
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
        .set("deadline", limits.deadline.as_secs() as i64)
        .set("proxy", proxy)
        .into_table()
}
