//! The PHP functions: each converts its arguments, calls one core operation
//! and converts the result. Errors become exceptions through `From<Error>`.
//!
//! Every function that talks to a web app takes a last, optional `$app`
//! (`"SERVER:APP"`): any web app of the RunCloud account, the primary one of
//! the constants when null. The credentials, the process's connections and
//! the call's rate-limit estimate are the account's, whichever app is named.

use ext_php_rs::binary::Binary;
use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;

use crate::client::Client;
use crate::config::{self, Diagnostics};
use crate::domain_name::{self, DomainName};
use crate::model::SslMode;
use crate::operations;
use crate::php::arrays;
use crate::php::runtime::{self, PhpConstants};
use crate::public_suffix;
use crate::sync;
use crate::App;

type PhpArray = PhpResult<ZBox<ZendHashTable>>;

/// A client for this call addressing `app`, or the primary app without one.
/// The app is read first: one that is not `SERVER:APP` is refused before the
/// configuration is read or anything is sent.
fn client(app: Option<&str>) -> PhpResult<Client> {
    let app = app.map(App::parse).transpose()?;
    let client =
        Client::new(runtime::config()?).pacing_across_windows(runtime::pace_across_windows());
    Ok(match app {
        Some(app) => client.for_app(app),
        None => client,
    })
}

/// Checks the credentials (ping) and the server and web app ids (web app details).
///
/// Returns `api_version` ("v3" or "v2"), `webapp_name`, `domain_count`,
/// `ssl_mode` ("basic" or "advanced") and `auto_ssl`.
///
/// `$app` (`"SERVER:APP"`) addresses another web app of the account; null, the
/// primary one of `WU_RUNCLOUD_SERVER_ID` and `WU_RUNCLOUD_APP_ID`. An `$app`
/// that is not two positive integers around a colon throws a
/// `ConfigurationException` before any request.
#[php_function]
#[php(defaults(app = None))]
pub fn wu_runcloud_test_connection(app: Option<String>) -> PhpArray {
    let report = operations::test_connection(&client(app.as_deref())?)?;
    Ok(arrays::connection(&report))
}

/// Every domain of the web app, across all pages: a list of arrays with `id`,
/// `name`, `type`, `www` (bool), `redirection` and `wildcard` (bool).
///
/// `$app` (`"SERVER:APP"`) addresses another web app of the account; null, the
/// primary one of `WU_RUNCLOUD_SERVER_ID` and `WU_RUNCLOUD_APP_ID`. An `$app`
/// that is not two positive integers around a colon throws a
/// `ConfigurationException` before any request.
#[php_function]
#[php(defaults(app = None))]
pub fn wu_runcloud_list_domains(app: Option<String>) -> PhpArray {
    let domains = operations::list_domains(&client(app.as_deref())?)?;
    Ok(arrays::domains(&domains))
}

/// One page of the web app's domains, 40 to a page, pages counted from 1:
/// `domains` (as `wu_runcloud_list_domains()` gives them), `page`,
/// `total_pages`, `total`, and `rate_limit` and `rate_remaining` as RunCloud's
/// headers reported them (null when absent), so a caller walking the list over
/// several processes can pace itself. A page past the last one is empty.
///
/// With `$search` (a domain name), RunCloud is asked for the names containing
/// it. Its search is a shortcut, not a promise: a RunCloud that ignores it
/// answers the same page of the whole list, so a name missing from a page is
/// absent only when `total_pages` is 1.
///
/// `$app` (`"SERVER:APP"`) addresses another web app of the account; null, the
/// primary one of `WU_RUNCLOUD_SERVER_ID` and `WU_RUNCLOUD_APP_ID`. An `$app`
/// that is not two positive integers around a colon throws a
/// `ConfigurationException` before any request.
#[php_function]
#[php(defaults(search = None, app = None))]
pub fn wu_runcloud_list_domains_page(
    page: i64,
    search: Option<String>,
    app: Option<String>,
) -> PhpArray {
    let Some(page) = u64::try_from(page).ok().filter(|&page| page > 0) else {
        return Err(PhpException::new(
            "the page number must be 1 or more".into(),
            0,
            ext_php_rs::zend::ce::value_error(),
        ));
    };
    let search = search.as_deref().map(DomainName::parse).transpose()?;
    let client = client(app.as_deref())?;
    let found = operations::list_domains_page(&client, page, search.as_ref())?;
    Ok(arrays::domains_page(
        &found,
        client.rate_limit(),
        client.rate_remaining(),
    ))
}

/// Adds `$domain` to the web app as an alias; with `$www` RunCloud also serves
/// `www.$domain` and redirects it. Idempotent: a domain already there is
/// returned as it is, with `created` false.
///
/// `$app` (`"SERVER:APP"`) addresses another web app of the account; null, the
/// primary one of `WU_RUNCLOUD_SERVER_ID` and `WU_RUNCLOUD_APP_ID`. An `$app`
/// that is not two positive integers around a colon throws a
/// `ConfigurationException` before any request.
#[php_function]
#[php(defaults(www = false, app = None))]
pub fn wu_runcloud_add_domain(domain: String, www: bool, app: Option<String>) -> PhpArray {
    let name = DomainName::parse(&domain)?;
    let added = operations::add_domain(&client(app.as_deref())?, &name, www)?;
    Ok(arrays::added(&added))
}

/// Removes `$domain` from the web app, whichever page it is on. Returns false
/// when it was not there; throws for the web app's primary domain. `$id`, the
/// `id` that `wu_runcloud_add_domain()` returned (for the same app), saves
/// walking the list.
///
/// `$app` (`"SERVER:APP"`) addresses another web app of the account; null, the
/// primary one of `WU_RUNCLOUD_SERVER_ID` and `WU_RUNCLOUD_APP_ID`. An `$app`
/// that is not two positive integers around a colon throws a
/// `ConfigurationException` before any request.
#[php_function]
#[php(defaults(id = None, app = None))]
pub fn wu_runcloud_remove_domain(
    domain: String,
    id: Option<i64>,
    app: Option<String>,
) -> PhpResult<bool> {
    let name = DomainName::parse(&domain)?;
    let known_id = id
        .and_then(|id| u64::try_from(id).ok())
        .filter(|&id| id > 0);
    Ok(operations::remove_domain(
        &client(app.as_deref())?,
        &name,
        known_id,
    )?)
}

/// Brings certificates up to date after domains changed: basic SSL redeploys the
/// web app's certificate; advanced SSL installs or redeploys `$domain`'s, unless
/// AutoSSL handles it. Returns `mode`, `action` ("redeployed", "installed",
/// "none" or "auto"), `certificate_id`, `domain` and `message`.
///
/// `$app` (`"SERVER:APP"`) addresses another web app of the account; null, the
/// primary one of `WU_RUNCLOUD_SERVER_ID` and `WU_RUNCLOUD_APP_ID`. An `$app`
/// that is not two positive integers around a colon throws a
/// `ConfigurationException` before any request.
#[php_function]
#[php(defaults(domain = None, app = None))]
pub fn wu_runcloud_redeploy_ssl(domain: Option<String>, app: Option<String>) -> PhpArray {
    let name = domain.as_deref().map(DomainName::parse).transpose()?;
    let outcome = operations::redeploy_ssl(&client(app.as_deref())?, name.as_ref())?;
    Ok(arrays::ssl(&outcome))
}

/// Switches the web app's SSL mode: `$advanced` for a certificate per domain
/// (with `$auto_ssl`, RunCloud issues them itself), else basic SSL (one
/// certificate for every name of the app, at most 100 names). Returns the mode
/// RunCloud reports afterwards: `ssl_mode` ("basic" or "advanced") and
/// `auto_ssl`. 2 requests. AutoSSL without advanced SSL is refused without a request.
///
/// `$app` (`"SERVER:APP"`) addresses another web app of the account; null, the
/// primary one of `WU_RUNCLOUD_SERVER_ID` and `WU_RUNCLOUD_APP_ID`. An `$app`
/// that is not two positive integers around a colon throws a
/// `ConfigurationException` before any request.
#[php_function]
#[php(defaults(auto_ssl = false, app = None))]
pub fn wu_runcloud_set_ssl_mode(advanced: bool, auto_ssl: bool, app: Option<String>) -> PhpArray {
    if auto_ssl && !advanced {
        return Err(PhpException::new(
            "AutoSSL needs advanced SSL (a certificate per domain)".into(),
            0,
            ext_php_rs::zend::ce::value_error(),
        ));
    }
    let wanted = SslMode {
        advanced,
        auto: auto_ssl,
    };
    let mode = operations::set_ssl_mode(&client(app.as_deref())?, wanted)?;
    Ok(arrays::ssl_mode(&mode))
}

/// Validates and normalises a domain name without contacting RunCloud:
/// lowercase, no trailing dot, internationalised names as punycode.
#[php_function]
pub fn wu_runcloud_normalize_domain(domain: String) -> PhpResult<String> {
    Ok(DomainName::parse(&domain)?.to_string())
}

/// The Unicode form of a domain name, for display: each label that is the
/// canonical punycode of a Unicode label decoded, any other label (not
/// punycode, not decodable, a mixed-script look-alike) kept as given, with
/// control and invisible characters shown as U+FFFD. Never throws, sends nothing.
#[php_function]
pub fn wu_runcloud_domain_to_unicode(domain: Binary<u8>) -> String {
    // Read as bytes: a name that is not UTF-8 is shown with U+FFFD, not refused.
    domain_name::to_unicode(&String::from_utf8_lossy(&domain))
}

/// The registered domain of a name (the name under its public suffix, by the Public
/// Suffix List built in), after the same validation and normalisation; a public suffix
/// is its own. No request.
#[php_function]
pub fn wu_runcloud_registered_domain(domain: String) -> PhpResult<String> {
    let name = DomainName::parse(&domain)?;
    Ok(public_suffix::registered_domain(&name).to_string())
}

/// Compares the names the network wants with the web app's domains and returns
/// the plan and what was done: `dry_run`, `to_add`, `to_remove`, `unchanged`,
/// `added`, `removed`, `errors` (name => message) and `ssl`.
///
/// Options: `dry_run` (default true: report only), `prune` (default false:
/// also remove unwanted names, but only those listed in `managed`), `managed`,
/// `protected` (never removed), `www` (names to add with their www variant),
/// `redeploy_ssl` (default true: bring certificates up to date after adding).
/// The web app's primary domain is never removed.
///
/// For PHP code of your own that reconciles from a script (a cron job, a
/// deploy hook), one app a call: `$app` as for the other functions.
#[php_function]
#[php(defaults(app = None))]
pub fn wu_runcloud_sync(
    domains: Vec<String>,
    options: Option<&ZendHashTable>,
    app: Option<String>,
) -> PhpArray {
    let options = arrays::sync_options(options);
    let report = sync::sync(&client(app.as_deref())?, &domains, &options)?;
    Ok(arrays::sync_report(&report))
}

/// The web apps the extension serves, as `"SERVER:APP"` strings: the primary
/// app (`WU_RUNCLOUD_SERVER_ID`, `WU_RUNCLOUD_APP_ID`) first, then the apps of
/// `$list` (by default the `WU_RUNCLOUD_APPS` constant), each once. A list is
/// separated by commas or whitespace, e.g. `"12345:67890, 12346:67891"`; an
/// entry that is not two positive integers around a colon throws a
/// `ConfigurationException` naming it. Needs no credentials; no request.
#[php_function]
#[php(defaults(list = None))]
pub fn wu_runcloud_apps(list: Option<String>) -> PhpResult<Vec<String>> {
    let apps = config::apps(&PhpConstants, list.as_deref())?;
    Ok(apps.iter().map(ToString::to_string).collect())
}

/// Diagnostics: extension version, API version, base URL, which constants are
/// defined (names only, never values), timeouts, retry limits, the deadline,
/// and whether a proxy is configured (`proxy`, never its URL).
#[php_function]
pub fn wu_runcloud_config() -> PhpArray {
    Ok(arrays::config(
        &Diagnostics::read(&PhpConstants),
        &runtime::limits(),
        runtime::proxy().is_some(),
    ))
}

/// Adds every function above to the module.
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(wu_runcloud_test_connection))
        .function(wrap_function!(wu_runcloud_list_domains))
        .function(wrap_function!(wu_runcloud_list_domains_page))
        .function(wrap_function!(wu_runcloud_add_domain))
        .function(wrap_function!(wu_runcloud_remove_domain))
        .function(wrap_function!(wu_runcloud_redeploy_ssl))
        .function(wrap_function!(wu_runcloud_set_ssl_mode))
        .function(wrap_function!(wu_runcloud_normalize_domain))
        .function(wrap_function!(wu_runcloud_domain_to_unicode))
        .function(wrap_function!(wu_runcloud_registered_domain))
        .function(wrap_function!(wu_runcloud_sync))
        .function(wrap_function!(wu_runcloud_apps))
        .function(wrap_function!(wu_runcloud_config))
}
