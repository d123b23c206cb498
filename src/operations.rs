//! What the extension does for Ultimate Multisite, each as the fewest RunCloud
//! calls that do it correctly: adds that never repeat a change RunCloud made,
//! removals found on any page. This module is the one public path to every
//! operation: the listing and the SSL steps live in their own (private)
//! modules and are named here.

use std::time::Duration;

use crate::client::{Call, Client};
use crate::config::ApiVersion;
use crate::domain_name::DomainName;
use crate::error::{Error, Result};
use crate::listing::{domain_count, find_domain};
use crate::model::{Domain, NewDomain, SslMode, WebApp};

pub use crate::listing::{
    list_domains, list_domains_page, MAX_LISTED_DOMAINS, MAX_PAGES, MAX_PARALLEL_PAGES, PAGE_SIZE,
};
pub use crate::ssl::{redeploy_ssl, set_ssl_mode, ssl_mode, SslAction, SslOutcome};

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
    client.get_json::<serde::de::IgnoredAny>("/ping".into())?;
    let webapp: WebApp = client.get_json(client.app_path(""))?;
    let domain_count = domain_count(client)?;
    let ssl_mode = ssl_mode(client)?;
    Ok(ConnectionReport {
        api_version: client.config().api_version(),
        webapp_name: client.clean(&webapp.name),
        domain_count,
        ssl_mode,
    })
}

/// `domain` when it is a record RunCloud can have sent (see [`Domain::defect`]).
fn checked(domain: Domain, status: u16) -> Result<Domain> {
    match domain.defect() {
        Some(defect) => Err(Error::invalid_response(
            status,
            format!("RunCloud's answer holds {defect}"),
        )),
        None => Ok(domain),
    }
}

/// The domain with RunCloud id `id`, if it still exists and still is `name`.
fn domain_by_id(client: &Client, id: u64, name: &DomainName) -> Result<Option<Domain>> {
    let path = client.app_path(&format!("/domains/{id}"));
    let answer = client.send(&Call::get(path).accepting(&[404]))?;
    if answer.status == 404 {
        return Ok(None);
    }
    let domain: Domain = answer
        .record()
        .ok_or_else(|| Error::invalid_response(answer.status, "a domain record without an id"))?;
    let domain = checked(domain, answer.status)?;
    Ok((domain.name == name.as_str()).then_some(domain))
}

/// How an add ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddOutcome {
    /// RunCloud answered this call's request with a success: made by this call.
    Created,
    /// RunCloud refused the add and the name is on the app: it was there before.
    AlreadyThere,
    /// This call's request failed in a way that may follow the change (a
    /// gateway error, a cut connection, a timeout), and the name was found on
    /// the app afterwards: most likely made by this call, but not confirmed.
    FoundAfterLostAnswer,
}

impl AddOutcome {
    /// A short lowercase name for PHP and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            AddOutcome::Created => "created",
            AddOutcome::AlreadyThere => "already_there",
            AddOutcome::FoundAfterLostAnswer => "found_after_lost_answer",
        }
    }
}

/// The result of adding a domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    /// RunCloud's record for the domain.
    pub domain: Domain,
    /// True only when RunCloud confirmed that this call made the domain.
    pub created: bool,
    /// How the add ended.
    pub outcome: AddOutcome,
}

impl Added {
    fn new(domain: Domain, outcome: AddOutcome) -> Self {
        Added {
            domain,
            created: outcome == AddOutcome::Created,
            outcome,
        }
    }
}

/// Adds `name` as an alias; with `www` RunCloud serves `www.name` too and
/// redirects it to `name`. Never adds twice: the POST is sent again only when
/// the earlier one surely was not processed, or when a look at the list after
/// an ambiguous failure shows the name absent. Already there is success,
/// decided by looking, not by RunCloud's wording.
pub fn add_domain(client: &Client, name: &DomainName, www: bool) -> Result<Added> {
    let body = NewDomain {
        name: name.as_str(),
        www,
        redirection: if www { "non-www" } else { "none" },
        kind: "alias",
    };
    let call = Call::post(client.app_path("/domains"), &body).accepting(&[422]);
    let mut waited = Duration::ZERO;
    let mut attempt = 0;
    loop {
        let (error, unprocessed) = match client.send_telling(&call) {
            Ok(answer) if answer.status == 422 => {
                return match find_domain(client, name)? {
                    Some(domain) => Ok(Added::new(domain, AddOutcome::AlreadyThere)),
                    None => Err(answer.to_error(&client.secrets())),
                };
            }
            // A 2xx means done: the record from the body when it has one,
            // else from the list.
            Ok(answer) => match answer.record::<Domain>() {
                Some(domain) if domain.name == name.as_str() => {
                    return Ok(Added::new(
                        checked(domain, answer.status)?,
                        AddOutcome::Created,
                    ))
                }
                _ => {
                    return match find_domain(client, name)? {
                        Some(domain) => Ok(Added::new(domain, AddOutcome::Created)),
                        None => Err(Error::invalid_response(
                            answer.status,
                            "RunCloud answered success but does not list the domain",
                        )),
                    }
                }
            },
            Err(failed) if failed.error.may_have_been_applied() => {
                (failed.error, failed.unprocessed)
            }
            Err(failed) => return Err(failed.error),
        };
        // After an ambiguous failure the POST may have been carried out: look
        // before sending it again (not after one surely not processed, such
        // as a 503 with Retry-After).
        if !unprocessed {
            if let Some(domain) = find_domain(client, name)? {
                return Ok(Added::new(domain, AddOutcome::FoundAfterLostAnswer));
            }
        }
        let Some(pause) = client.retry_pause(attempt, waited, None, false) else {
            return Err(error);
        };
        client.sleep(pause, Some(&error))?;
        waited += pause;
        attempt += 1;
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
    delete_domain(client, domain.id)
}

/// Deletes the domain record `id`. True when this call removed it, including a
/// DELETE retried after a lost answer that then finds it gone (a 404 on a
/// retry); false when it was already gone at the first attempt.
pub(crate) fn delete_domain(client: &Client, id: u64) -> Result<bool> {
    let path = client.app_path(&format!("/domains/{id}"));
    let answer = client.send(&Call::delete(path).accepting(&[404]))?;
    Ok(answer.status != 404 || answer.retried)
}
