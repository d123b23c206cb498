//! RunCloud's endpoints over the simulated web app.

use serde_json::{json, Value};

use crate::account::Account;
use crate::domains::{is_valid_hostname, normalize_name, DomainType, Redirection};
use crate::facts;
use crate::http::Response;
use crate::paging::{pagination, PageRequest};
use crate::routes::AppAction;
use crate::ssl::{CertificateUpdate, IssueSettings};
use crate::state::{AppState, MetaChange, NewDomain, Refusal};
use crate::validation::{field_error, Validation};

/// What a handler needs from the request besides the route.
pub(crate) struct Call<'a> {
    /// The parsed JSON body; null when empty or not JSON (Laravel then sees no input).
    pub body: Value,
    pub page: Option<&'a str>,
    pub per_page: Option<&'a str>,
    /// The domain list's `search` term, as sent.
    pub search: Option<&'a str>,
    /// `scheme://host[:port]` as the client addressed the simulator, for absolute links.
    pub origin: String,
    pub path: &'a str,
}

pub(crate) fn ping() -> Response {
    Response::json(200, &json!({ "message": "pong" }))
}

/// The web app `servers/{server}/webapps/{webapp}` among the account's, or RunCloud's 404:
/// no such server, or no such web app on that server.
pub(crate) fn locate(apps: &[AppState], server: &str, webapp: &str) -> Result<usize, Response> {
    let server = parse_id(server).filter(|id| apps.iter().any(|app| app.server_id == *id));
    let Some(server) = server else {
        return Err(Response::message(404, facts::SERVER_NOT_FOUND));
    };
    apps.iter()
        .position(|app| app.server_id == server && Some(app.app_id) == parse_id(webapp))
        .ok_or_else(|| Response::message(404, facts::WEBAPP_NOT_FOUND))
}

/// Answers one request under `servers/{server}/webapps/{app}` for that web app.
pub(crate) fn handle(
    app: &mut AppState,
    account: &mut Account,
    action: AppAction,
    call: &Call,
) -> Response {
    let result = match action {
        AppAction::Details => Ok(webapp_details(app)),
        AppAction::ListDomains => Ok(list_domains(app, call)),
        AppAction::AddDomain => add_domain(app, account, &call.body),
        AppAction::GetDomain(id) => with_domain_id(&id, |id| app.domain(id).map(ok_json)),
        AppAction::DeleteDomain(id) => with_domain_id(&id, |id| {
            app.delete_domain(id).map(|record| ok_json(&record))
        }),
        AppAction::UpdateDomainMeta(id) => update_domain_meta(app, &id, &call.body),
        AppAction::GetSslMode => Ok(ssl_mode(app)),
        AppAction::SetSslMode => set_ssl_mode(app, account, &call.body),
        AppAction::GetBasicSsl => app
            .basic_certificate()
            .map(|certificate| ok_json(&certificate.to_api_json())),
        AppAction::InstallBasicSsl => install_basic_ssl(app, account, &call.body),
        AppAction::RedeployBasicSsl(id) => with_ssl_id(&id, |id| {
            app.redeploy_basic(id, account)
                .map(|c| ok_json(&c.to_api_json()))
        }),
        AppAction::UpdateBasicSsl(id) => update_basic_ssl(app, &id, &call.body),
        AppAction::DeleteBasicSsl(id) => with_ssl_id(&id, |id| {
            app.delete_basic(id).map(|c| ok_json(&c.to_api_json()))
        }),
        AppAction::GetDomainSsl(domain) => with_domain_id(&domain, |domain| {
            app.domain_certificate(domain)
                .map(|c| ok_json(&c.to_api_json()))
        }),
        AppAction::InstallDomainSsl(domain) => {
            install_domain_ssl(app, account, &domain, &call.body)
        }
        AppAction::RedeployDomainSsl(domain, id) => with_domain_id(&domain, |domain| {
            with_ssl_id(&id, |id| {
                app.redeploy_for_domain(domain, id, account)
                    .map(|c| ok_json(&c.to_api_json()))
            })
        }),
        AppAction::DeleteDomainSsl(domain, id) => with_domain_id(&domain, |domain| {
            with_ssl_id(&id, |id| {
                app.delete_for_domain(domain, id)
                    .map(|c| ok_json(&c.to_api_json()))
            })
        }),
    };
    result.unwrap_or_else(|refusal| refusal_response(refusal, account))
}

fn parse_id(text: &str) -> Option<u64> {
    text.parse().ok()
}

fn ok_json<T: serde::Serialize + ?Sized>(body: &T) -> Response {
    Response::json(200, body)
}

fn created<T: serde::Serialize + ?Sized>(body: &T) -> Response {
    Response::json(facts::CREATED_STATUS, body)
}

/// Runs `action` with the path's domain id; a non-numeric id is a missing domain.
fn with_domain_id(
    text: &str,
    action: impl FnOnce(u64) -> Result<Response, Refusal>,
) -> Result<Response, Refusal> {
    action(parse_id(text).ok_or(Refusal::DomainNotFound)?)
}

fn with_ssl_id(
    text: &str,
    action: impl FnOnce(u64) -> Result<Response, Refusal>,
) -> Result<Response, Refusal> {
    action(parse_id(text).ok_or(Refusal::CertificateNotFound)?)
}

fn refusal_response(refusal: Refusal, account: &Account) -> Response {
    match refusal {
        Refusal::DomainNotFound => Response::message(404, facts::DOMAIN_NOT_FOUND),
        Refusal::CertificateNotFound => Response::message(404, facts::SSL_NOT_FOUND),
        Refusal::NotInstalled => Response::message(
            facts::SSL_NOT_INSTALLED_STATUS,
            facts::SSL_NOT_INSTALLED_MESSAGE,
        ),
        Refusal::NameTaken => field_error("name", facts::NAME_TAKEN),
        Refusal::PrimaryNotDeletable => Response::message(422, facts::PRIMARY_NOT_DELETABLE),
        Refusal::PrimaryTypeFixed => Response::message(422, facts::PRIMARY_TYPE_FIXED),
        Refusal::AdvancedModeActive => {
            Response::message(422, facts::BASIC_ENDPOINT_IN_ADVANCED_MODE)
        }
        Refusal::BasicModeActive => Response::message(422, facts::ADVANCED_ENDPOINT_IN_BASIC_MODE),
        Refusal::AlreadyInstalled => Response::message(422, facts::SSL_ALREADY_INSTALLED),
        Refusal::AutoSslNeedsAdvanced => field_error("autoSSL", facts::AUTO_SSL_NEEDS_ADVANCED),
        Refusal::OrderRefused => Response::message(
            facts::LETSENCRYPT_FAILURE_STATUS,
            account.letsencrypt.last_refusal(),
        ),
    }
}

/// The web app object; the fields beyond `id` and `name` are plausible RunCloud values.
fn webapp_details(app: &AppState) -> Response {
    let home = format!("/home/runcloud/webapps/{}", app.webapp_name);
    ok_json(&json!({
        "id": app.app_id,
        "server_user_id": 1,
        "name": app.webapp_name,
        "rootPath": home,
        "publicPath": home,
        "phpVersion": "php82rc",
        "stack": "hybrid",
        "stackMode": "production",
        "type": "wordpress",
        "defaultApp": false,
        "alias": null,
        "created_at": app.created_at,
    }))
}

fn list_domains(app: &AppState, call: &Call) -> Response {
    let request = PageRequest::from_query(call.page, call.per_page);
    let (data, total) = app.domain_page(request.page, request.per_page, call.search);
    let list_url = format!("{}{}", call.origin, call.path);
    let meta = pagination(total, data.len(), request, &list_url);
    ok_json(&json!({ "data": data, "meta": { "pagination": meta } }))
}

fn add_domain(
    app: &mut AppState,
    account: &mut Account,
    body: &Value,
) -> Result<Response, Refusal> {
    let required = facts::ADD_DOMAIN_FIELDS_REQUIRED;
    let mut rules = Validation::new(body);
    let name = rules.string("name", true).map(|name| normalize_name(&name));
    if let Some(name) = &name {
        if !is_valid_hostname(name) {
            rules.fail("name", "The name format is invalid.");
        }
    }
    let www = rules.boolean("www", required);
    let redirection = rules.one_of("redirection", &["none", "www", "non-www"], required);
    let domain_type = rules.one_of("type", &["alias", "redirect"], required);
    let wildcard = rules.boolean("wildcard", false);
    if let Err(response) = rules.finish() {
        return Ok(response);
    }
    let new = NewDomain {
        name: name.unwrap_or_default(),
        www: www.unwrap_or(false),
        redirection: redirection
            .as_deref()
            .and_then(Redirection::parse)
            .unwrap_or(Redirection::None),
        domain_type: domain_type
            .as_deref()
            .and_then(DomainType::parse_settable)
            .unwrap_or(DomainType::Alias),
        wildcard: wildcard.unwrap_or(false),
    };
    app.add_domain(new, account).map(|record| created(&record))
}

fn update_domain_meta(app: &mut AppState, id: &str, body: &Value) -> Result<Response, Refusal> {
    let id = parse_id(id).ok_or(Refusal::DomainNotFound)?;
    app.domain(id)?;
    let mut rules = Validation::new(body);
    let change = MetaChange {
        www: rules.boolean("www", false),
        redirection: rules
            .one_of("redirection", &["none", "www", "non-www"], false)
            .as_deref()
            .and_then(Redirection::parse),
        domain_type: rules
            .one_of("type", &["alias", "redirect"], false)
            .as_deref()
            .and_then(DomainType::parse_settable),
    };
    if let Err(response) = rules.finish() {
        return Ok(response);
    }
    app.update_meta(id, change).map(|record| ok_json(&record))
}

fn ssl_mode(app: &AppState) -> Response {
    let (advanced, auto) = app.ssl_mode();
    ok_json(&json!({ "advancedSSL": advanced, "autoSSL": auto }))
}

fn set_ssl_mode(
    app: &mut AppState,
    account: &mut Account,
    body: &Value,
) -> Result<Response, Refusal> {
    let mut rules = Validation::new(body);
    let advanced = rules.boolean("advancedSSL", true);
    let auto = rules.boolean("autoSSL", false);
    if let Err(response) = rules.finish() {
        return Ok(response);
    }
    app.set_ssl_mode(
        advanced.unwrap_or(false),
        auto.unwrap_or(false),
        true,
        account,
    )?;
    Ok(ssl_mode(app))
}

fn install_basic_ssl(
    app: &mut AppState,
    account: &mut Account,
    body: &Value,
) -> Result<Response, Refusal> {
    // The mode is checked before the body, so a basic install in advanced mode says why.
    if app.ssl_mode().0 {
        return Err(Refusal::AdvancedModeActive);
    }
    match IssueSettings::from_install_body(body) {
        Ok(settings) => app
            .install_basic(settings, account)
            .map(|c| created(&c.to_api_json())),
        Err(response) => Ok(response),
    }
}

fn update_basic_ssl(app: &mut AppState, id: &str, body: &Value) -> Result<Response, Refusal> {
    let id = parse_id(id).ok_or(Refusal::CertificateNotFound)?;
    match CertificateUpdate::from_body(body) {
        Ok(update) => app
            .update_basic(id, &update)
            .map(|c| ok_json(&c.to_api_json())),
        Err(response) => Ok(response),
    }
}

fn install_domain_ssl(
    app: &mut AppState,
    account: &mut Account,
    domain: &str,
    body: &Value,
) -> Result<Response, Refusal> {
    let domain = parse_id(domain).ok_or(Refusal::DomainNotFound)?;
    if !app.ssl_mode().0 {
        return Err(Refusal::BasicModeActive);
    }
    app.domain(domain)?;
    match IssueSettings::from_install_body(body) {
        Ok(settings) => app
            .install_for_domain(domain, settings, account)
            .map(|c| created(&c.to_api_json())),
        Err(response) => Ok(response),
    }
}
