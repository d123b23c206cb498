//! What the extension does for Ultimate Multisite, each as the fewest RunCloud
//! calls that do it correctly: idempotent adds, removals found on any page,
//! and the SSL step each mode needs.

use std::collections::HashSet;
use std::ops::RangeInclusive;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

use ureq::http::Method;

use crate::client::Client;
use crate::config::ApiVersion;
use crate::domain_name::DomainName;
use crate::error::{Error, Result};
use crate::model::{Certificate, Domain, NewCertificate, NewDomain, Page, SslMode, WebApp};

/// RunCloud's largest page size: fewer calls for every walk through the list.
pub const PAGE_SIZE: u64 = 40;
/// Pages fetched at once when listing everything.
pub const MAX_PARALLEL_PAGES: usize = 8;

/// What `test_connection` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionReport {
    /// The API version the credentials use.
    pub api_version: ApiVersion,
    /// The web app's name in RunCloud.
    pub webapp_name: String,
    /// How many domains the web app has.
    pub domain_count: u64,
    /// The web app's SSL mode.
    pub ssl_mode: SslMode,
}

/// Checks credentials (ping), the server and app ids (web app details), and
/// reads the domain count and SSL mode.
pub fn test_connection(client: &Client) -> Result<ConnectionReport> {
    client.perform(Method::GET, "/ping", None::<&()>)?;
    let webapp: WebApp = client.get(&client.app_path(""))?;
    let domain_count = domains_page(client, 1, 1)?.meta.pagination.total;
    let ssl_mode = ssl_mode(client)?;
    Ok(ConnectionReport {
        api_version: client.config().api_version(),
        webapp_name: webapp.name,
        domain_count,
        ssl_mode,
    })
}

fn domains_page(client: &Client, page: u64, per_page: u64) -> Result<Page<Domain>> {
    client.get(&client.app_path(&format!("/domains?page={page}&perPage={per_page}")))
}

/// Every domain of the web app, across all pages. After the first page the rest
/// are fetched concurrently (at most [`MAX_PARALLEL_PAGES`] at a time, fewer
/// when the rate-limit window runs low).
pub fn list_domains(client: &Client) -> Result<Vec<Domain>> {
    let first = domains_page(client, 1, PAGE_SIZE)?;
    let total_pages = plausible_page_count(&first.meta.pagination)?;
    let mut domains = first.data;
    for page in fetch_pages(client, 2..=total_pages)? {
        domains.extend(page);
    }
    // Paging over a list that changes meanwhile can repeat an entry.
    let mut seen = HashSet::new();
    domains.retain(|domain| seen.insert(domain.id));
    Ok(domains)
}

/// One page of the web app's domains, [`PAGE_SIZE`] to a page (pages count
/// from 1), for a caller that walks the list across several processes.
pub fn list_domains_page(client: &Client, page: u64) -> Result<Page<Domain>> {
    let found = domains_page(client, page, PAGE_SIZE)?;
    plausible_page_count(&found.meta.pagination)?;
    Ok(found)
}

/// More pages than any web app has: a million domains at 40 a page.
const MAX_PAGES: u64 = 25_000;

/// The page count RunCloud announced, refused when absurd: a broken or hostile
/// answer must not make the client reserve memory for, or fetch, billions of pages.
fn plausible_page_count(pagination: &crate::model::Pagination) -> Result<u64> {
    if pagination.total_pages > MAX_PAGES {
        return Err(Error::invalid_response(
            200,
            format!("implausible page count {}", pagination.total_pages),
        ));
    }
    Ok(pagination.total_pages)
}

fn fetch_pages(client: &Client, pages: RangeInclusive<u64>) -> Result<Vec<Vec<Domain>>> {
    let (start, end) = (*pages.start(), *pages.end());
    if start > end {
        return Ok(Vec::new());
    }
    let count = usize::try_from(end - start + 1).unwrap_or(usize::MAX);
    let next = AtomicU64::new(start);
    let stop = AtomicBool::new(false);
    let results: Mutex<Vec<Option<Vec<Domain>>>> = Mutex::new(vec![None; count]);
    let failure: Mutex<Option<Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..parallelism(client, count) {
            scope.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    let page = next.fetch_add(1, Ordering::Relaxed);
                    if page > end {
                        break;
                    }
                    match domains_page(client, page, PAGE_SIZE) {
                        Ok(found) => lock(&results)[(page - start) as usize] = Some(found.data),
                        Err(error) => {
                            stop.store(true, Ordering::Relaxed);
                            lock(&failure).get_or_insert(error);
                        }
                    }
                }
            });
        }
    });
    if let Some(error) = lock(&failure).take() {
        return Err(error);
    }
    let pages = std::mem::take(&mut *lock(&results));
    Ok(pages.into_iter().map(Option::unwrap_or_default).collect())
}

/// How many pages to fetch at once: bounded, and no more than the rate-limit
/// window can take without tipping into 429s.
fn parallelism(client: &Client, pages: usize) -> usize {
    let by_rate = client
        .rate_remaining()
        .map_or(MAX_PARALLEL_PAGES, |remaining| {
            (remaining as usize / 4).max(1)
        });
    MAX_PARALLEL_PAGES.min(pages).min(by_rate).max(1)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Passes over the list at most, when it keeps changing underneath.
const MAX_WALKS: usize = 3;

/// Finds `name` on the web app, walking pages in order and stopping at the match.
pub fn find_domain(client: &Client, name: &DomainName) -> Result<Option<Domain>> {
    for _ in 0..MAX_WALKS {
        match walk_for(client, name)? {
            Walk::Found(domain) => return Ok(Some(domain)),
            Walk::Absent => return Ok(None),
            Walk::ListChanged => continue,
        }
    }
    Ok(None)
}

/// What one pass over the pages found.
enum Walk {
    Found(Domain),
    Absent,
    /// Not seen, but the list's total changed during the pass.
    ListChanged,
}

/// One pass over the pages in order. A domain removed from an earlier page
/// meanwhile shifts the rest forward, so a name can slip past a pass: a pass
/// that saw the list's total change does not prove the name absent.
fn walk_for(client: &Client, name: &DomainName) -> Result<Walk> {
    let mut first_total = None;
    let mut page = 1;
    loop {
        let found = domains_page(client, page, PAGE_SIZE)?;
        let pagination = found.meta.pagination;
        if let Some(domain) = found.data.into_iter().find(|d| d.name == name.as_str()) {
            return Ok(Walk::Found(domain));
        }
        let first_total = *first_total.get_or_insert(pagination.total);
        if page >= pagination.total_pages {
            return Ok(if pagination.total == first_total {
                Walk::Absent
            } else {
                Walk::ListChanged
            });
        }
        page += 1;
    }
}

/// The domain with RunCloud id `id`, if it still exists and still is `name`.
fn domain_by_id(client: &Client, id: u64, name: &DomainName) -> Result<Option<Domain>> {
    let response = client.call(
        Method::GET,
        &client.app_path(&format!("/domains/{id}")),
        None::<&()>,
    )?;
    match response.status {
        200..=299 => {
            let domain = response.json::<OneOrData<Domain>>()?.into_inner();
            Ok((domain.name == name.as_str()).then_some(domain))
        }
        404 => Ok(None),
        _ => Err(response.to_error()),
    }
}

/// The result of adding a domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    /// RunCloud's record for the domain.
    pub domain: Domain,
    /// False when the domain was already on the web app.
    pub created: bool,
}

/// Adds `name` as an alias; with `www` RunCloud serves `www.name` too and
/// redirects it to `name`. Already there is success, decided by looking, not by
/// reading RunCloud's wording: one call when new, a search only after a 422.
pub fn add_domain(client: &Client, name: &DomainName, www: bool) -> Result<Added> {
    let body = NewDomain {
        name: name.as_str(),
        www,
        redirection: if www { "non-www" } else { "none" },
        kind: "alias",
    };
    let response = client.call(Method::POST, &client.app_path("/domains"), Some(&body))?;
    if response.is_success() {
        let domain = response.json::<OneOrData<Domain>>()?.into_inner();
        return Ok(Added {
            domain,
            created: true,
        });
    }
    let error = response.to_error();
    if response.status == 422 {
        if let Some(domain) = find_domain(client, name)? {
            return Ok(Added {
                domain,
                created: false,
            });
        }
    }
    Err(error)
}

/// Accepts a record either bare or wrapped in `{"data": ...}`.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum OneOrData<T> {
    Wrapped { data: T },
    Bare(T),
}

impl<T> OneOrData<T> {
    fn into_inner(self) -> T {
        match self {
            OneOrData::Wrapped { data } | OneOrData::Bare(data) => data,
        }
    }
}

/// Removes `name` from the web app, wherever it is in the list. Returns false
/// when it was not there. The app's primary domain is refused.
///
/// `known_id`, RunCloud's id from when the domain was added, saves the search:
/// the record is read by id and the list is walked only when that record is
/// gone or now holds another name.
pub fn remove_domain(client: &Client, name: &DomainName, known_id: Option<u64>) -> Result<bool> {
    let by_id = match known_id {
        Some(id) => domain_by_id(client, id, name)?,
        None => None,
    };
    let found = match by_id {
        Some(domain) => Some(domain),
        None => find_domain(client, name)?,
    };
    let Some(domain) = found else {
        return Ok(false);
    };
    if domain.is_primary() {
        return Err(Error::ProtectedDomain(format!(
            "{name} is the web app's primary domain and is never removed"
        )));
    }
    let path = client.app_path(&format!("/domains/{}", domain.id));
    let response = client.call(Method::DELETE, &path, None::<&()>)?;
    match response.status {
        200..=299 => Ok(true),
        // Removed by someone else between the lookup and the delete.
        404 => Ok(false),
        _ => Err(response.to_error()),
    }
}

/// Reads the web app's SSL mode.
pub fn ssl_mode(client: &Client) -> Result<SslMode> {
    client.get(&client.app_path("/ssl/advanced"))
}

/// What an SSL step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslAction {
    /// An existing certificate was redeployed, so it covers the current names.
    Redeployed,
    /// A certificate was installed for a domain that had none (advanced mode).
    Installed,
    /// Nothing to do: no certificate is installed in basic mode.
    Nothing,
    /// AutoSSL is on: RunCloud issues the certificates itself.
    Auto,
}

impl SslAction {
    /// A short lowercase name for PHP and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            SslAction::Redeployed => "redeployed",
            SslAction::Installed => "installed",
            SslAction::Nothing => "none",
            SslAction::Auto => "auto",
        }
    }
}

/// The result of an SSL step. Never carries certificate or key material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SslOutcome {
    /// The app's SSL mode.
    pub mode: SslMode,
    /// What was done.
    pub action: SslAction,
    /// The certificate acted on, if any.
    pub certificate_id: Option<u64>,
    /// The domain acted on (advanced mode).
    pub domain: Option<String>,
    /// One sentence for logs and CLI output.
    pub message: String,
}

/// Brings certificates up to date after domains changed: in basic mode the
/// app's certificate is redeployed so it covers every current name; in advanced
/// mode `domain`'s certificate is installed or redeployed, unless AutoSSL does it.
pub fn redeploy_ssl(client: &Client, domain: Option<&DomainName>) -> Result<SslOutcome> {
    match app_wide_ssl(client)? {
        // AutoSSL looks after the named domain; the other outcomes concern the app.
        AppWideSsl::Done(outcome) if outcome.action == SslAction::Auto => Ok(SslOutcome {
            domain: domain.map(ToString::to_string),
            ..outcome
        }),
        AppWideSsl::Done(outcome) => Ok(outcome),
        AppWideSsl::PerDomain(mode) => {
            let name = domain.ok_or_else(|| {
                Error::invalid_domain(
                    "",
                    "the web app uses advanced SSL (one certificate per domain): name the domain",
                )
            })?;
            redeploy_domain_certificate(client, mode, name)
        }
    }
}

/// What the app-wide part of an SSL refresh found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppWideSsl {
    /// Nothing is left to do per domain: the app's certificate was redeployed,
    /// there is none, or AutoSSL issues them.
    Done(SslOutcome),
    /// Advanced SSL without AutoSSL: each domain's certificate is its own step.
    PerDomain(SslMode),
}

/// The part of an SSL refresh that concerns the whole app. The common case,
/// basic SSL with a certificate, costs two calls: the app's certificate is
/// looked up first, and the mode is read only when there is none.
pub fn app_wide_ssl(client: &Client) -> Result<AppWideSsl> {
    if let Some(certificate) = app_certificate(client)? {
        return redeploy_basic(client, certificate).map(AppWideSsl::Done);
    }
    let mode = ssl_mode(client)?;
    let (action, message) = match (mode.advanced, mode.auto) {
        (false, _) => (
            SslAction::Nothing,
            "no SSL certificate is installed on the web app; nothing to redeploy",
        ),
        (true, true) => (
            SslAction::Auto,
            "AutoSSL is on: RunCloud issues and renews each domain's certificate itself",
        ),
        (true, false) => return Ok(AppWideSsl::PerDomain(mode)),
    };
    Ok(AppWideSsl::Done(SslOutcome {
        mode,
        action,
        certificate_id: None,
        domain: None,
        message: message.into(),
    }))
}

/// The web app's own (basic mode) certificate, if it has one. A refusal of the
/// basic endpoint (RunCloud's answer in advanced mode is unconfirmed: 404 or
/// 422 are both read as "none") leaves the decision to the SSL mode; failures
/// that would fail the mode read too (credentials, rate limit, outage) are errors.
fn app_certificate(client: &Client) -> Result<Option<Certificate>> {
    match installed_certificate(client, &client.app_path("/ssl")) {
        Err(Error::Api {
            status: 400 | 409 | 422,
            ..
        }) => Ok(None),
        other => other,
    }
}

fn redeploy_basic(client: &Client, certificate: Certificate) -> Result<SslOutcome> {
    let path = client.app_path(&format!("/ssl/{}", certificate.id));
    client.perform(Method::PUT, &path, None::<&()>)?;
    Ok(SslOutcome {
        mode: SslMode::BASIC,
        action: SslAction::Redeployed,
        certificate_id: Some(certificate.id),
        domain: None,
        message: format!("redeployed the web app's certificate {}", certificate.id),
    })
}

/// Installs or redeploys the certificate of `name` (advanced SSL).
pub fn redeploy_domain_certificate(
    client: &Client,
    mode: SslMode,
    name: &DomainName,
) -> Result<SslOutcome> {
    let domain = find_domain(client, name)?
        .ok_or_else(|| Error::invalid_domain(name.as_str(), "is not a domain of the web app"))?;
    let ssl_path = client.app_path(&format!("/domains/{}/ssl", domain.id));
    let (action, certificate_id) = match installed_certificate(client, &ssl_path)? {
        Some(certificate) => {
            let path = format!("{ssl_path}/{}", certificate.id);
            client.perform(Method::PUT, &path, None::<&()>)?;
            (SslAction::Redeployed, certificate.id)
        }
        None => {
            let response =
                client.perform(Method::POST, &ssl_path, Some(&NewCertificate::default()))?;
            let certificate = response.json::<OneOrData<Certificate>>()?.into_inner();
            (SslAction::Installed, certificate.id)
        }
    };
    Ok(SslOutcome {
        mode,
        action,
        certificate_id: Some(certificate_id),
        domain: Some(name.to_string()),
        message: format!("{} the certificate of {name}", action.as_str()),
    })
}

/// The certificate at `path`, or `None` when RunCloud says none is installed.
/// RunCloud answers that with `{"message":"SSL not installed!"}`; whether with
/// a 2xx or a 404 is unconfirmed, so both are read as "none". The callers have
/// already reached the app (the SSL mode call), so a 404 here is not a wrong id.
fn installed_certificate(client: &Client, path: &str) -> Result<Option<Certificate>> {
    let response = client.call(Method::GET, path, None::<&()>)?;
    match response.status {
        200..=299 => {
            let body: serde_json::Value = response.json()?;
            let record = body.get("data").unwrap_or(&body);
            if record.get("id").is_none() {
                return Ok(None);
            }
            serde_json::from_value(record.clone())
                .map(Some)
                .map_err(|_| {
                    Error::invalid_response(response.status, "certificate without a usable id")
                })
        }
        404 => Ok(None),
        _ => Err(response.to_error()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Pagination;

    fn pages(total_pages: u64) -> Pagination {
        Pagination {
            total: total_pages.saturating_mul(PAGE_SIZE),
            count: PAGE_SIZE,
            per_page: PAGE_SIZE,
            current_page: 1,
            total_pages,
        }
    }

    #[test]
    fn absurd_page_counts_are_refused() {
        assert_eq!(plausible_page_count(&pages(1)).unwrap(), 1);
        assert_eq!(plausible_page_count(&pages(MAX_PAGES)).unwrap(), MAX_PAGES);
        for absurd in [MAX_PAGES + 1, u64::MAX / 40, u64::MAX] {
            let error = plausible_page_count(&pages(absurd)).unwrap_err();
            assert!(matches!(error, Error::InvalidResponse { .. }), "{error:?}");
        }
    }
}
