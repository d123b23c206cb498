//! Certificates after domains changed: the basic mode's one certificate, the
//! advanced mode's one per domain, AutoSSL. A certificate is ordered (installed
//! or redeployed, each a Let's Encrypt order) at most once per call, and never
//! again within it when a lost answer may hide an order made.

use crate::client::{Call, Client};
use crate::domain_name::DomainName;
use crate::error::{Error, Result};
use crate::listing::find_domain;
use crate::model::{Certificate, NewCertificate, SslMode};

/// Reads the web app's SSL mode.
pub fn ssl_mode(client: &Client) -> Result<SslMode> {
    client.get_json(client.app_path("/ssl/advanced"))
}

/// The body that switches the SSL mode (`POST APP/ssl/advanced`).
#[derive(serde::Serialize)]
struct ModeSwitch {
    #[serde(rename = "advancedSSL")]
    advanced: bool,
    #[serde(rename = "autoSSL")]
    auto: bool,
}

/// Switches the web app's SSL mode, then reads it back: the mode RunCloud
/// reports after the switch is returned, so a lost answer to the switch
/// still ends in the truth. AutoSSL exists only in advanced mode: RunCloud
/// refuses it with basic SSL, so callers check that first.
pub fn set_ssl_mode(client: &Client, wanted: SslMode) -> Result<SslMode> {
    let body = ModeSwitch {
        advanced: wanted.advanced,
        auto: wanted.auto,
    };
    if let Err(error) = client.send(&Call::post(client.app_path("/ssl/advanced"), &body)) {
        if !error.may_have_been_applied() {
            return Err(error);
        }
    }
    ssl_mode(client)
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
    /// The certificate acted on, if known.
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
pub(crate) enum AppWideSsl {
    /// Nothing is left to do per domain: the app's certificate was redeployed,
    /// there is none, or AutoSSL issues them.
    Done(SslOutcome),
    /// Advanced SSL without AutoSSL: each domain's certificate is its own step.
    PerDomain(SslMode),
}

/// The part of an SSL refresh that concerns the whole app. The common case,
/// basic SSL with a certificate, costs two calls: the app's certificate is
/// looked up first, and the mode is read only when there is none.
pub(crate) fn app_wide_ssl(client: &Client) -> Result<AppWideSsl> {
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

/// Redeploys (PUT, idempotent) the app's certificate.
fn redeploy_basic(client: &Client, certificate: Certificate) -> Result<SslOutcome> {
    let path = client.app_path(&format!("/ssl/{}", certificate.id));
    client.send(&Call::put(path).not_repeatable())?;
    Ok(SslOutcome {
        mode: SslMode::BASIC,
        action: SslAction::Redeployed,
        certificate_id: Some(certificate.id),
        domain: None,
        message: format!("redeployed the web app's certificate {}", certificate.id),
    })
}

/// Installs or redeploys the certificate of `name` (advanced SSL).
pub(crate) fn redeploy_domain_certificate(
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
            client.send(&Call::put(path).not_repeatable())?;
            (SslAction::Redeployed, Some(certificate.id))
        }
        None => (
            SslAction::Installed,
            install_certificate(client, &ssl_path)?,
        ),
    };
    let message = match certificate_id {
        Some(id) => format!("{} the certificate of {name} ({id})", action.as_str()),
        None => format!("{} the certificate of {name}", action.as_str()),
    };
    Ok(SslOutcome {
        mode,
        action,
        certificate_id,
        domain: Some(name.to_string()),
        message,
    })
}

/// Orders a certificate (POST) once. A 2xx means ordered, whatever its body:
/// the id comes from the body, or from reading the certificate back (none yet
/// while RunCloud is still issuing it). After a failure that may follow the
/// order (a gateway error, a cut connection, a timeout), the certificate is
/// read: if it is there the order was made; if not, the failure is returned
/// without ordering again, since an order may still be under way and a second
/// one within a week burns Let's Encrypt's duplicate-certificate limit.
fn install_certificate(client: &Client, ssl_path: &str) -> Result<Option<u64>> {
    let call = Call::post(ssl_path.to_string(), &NewCertificate::default());
    match client.send(&call) {
        Ok(answer) => match answer.record::<Certificate>() {
            Some(certificate) => Ok(Some(certificate.id)),
            None => Ok(installed_certificate(client, ssl_path)
                .ok()
                .flatten()
                .map(|c| c.id)),
        },
        Err(error) if error.may_have_been_applied() => {
            match installed_certificate(client, ssl_path) {
                Ok(Some(certificate)) => Ok(Some(certificate.id)),
                _ => Err(error),
            }
        }
        Err(error) => Err(error),
    }
}

/// The certificate at `path`, or `None` when RunCloud says none is installed.
/// RunCloud answers that with `{"message":"SSL not installed!"}`; whether with
/// a 2xx or a 404 is unconfirmed, so both are read as "none". The callers have
/// already reached the app (the SSL mode call), so a 404 here is not a wrong id.
fn installed_certificate(client: &Client, path: &str) -> Result<Option<Certificate>> {
    let answer = client.send(&Call::get(path.to_string()).accepting(&[404]))?;
    if answer.status == 404 {
        return Ok(None);
    }
    // Only the id is read: the PEM fields alongside are skipped, never copied.
    let body: CertificateAnswer = answer.json()?;
    let id = match body.data {
        Some(record) => record.id,
        None => body.id,
    };
    let Some(id) = id else {
        return Ok(None);
    };
    id.as_u64()
        .map(|id| Some(Certificate { id }))
        .ok_or_else(|| Error::invalid_response(answer.status, "certificate without a usable id"))
}

/// A certificate answer, bare or wrapped in `{"data": ...}`, as far as its id.
#[derive(serde::Deserialize)]
struct CertificateAnswer {
    #[serde(default)]
    data: Option<IdOnly>,
    #[serde(default)]
    id: Option<serde_json::Value>,
}

/// A record's `id`, whatever its JSON type; nothing else of it is read.
#[derive(serde::Deserialize)]
struct IdOnly {
    #[serde(default)]
    id: Option<serde_json::Value>,
}
