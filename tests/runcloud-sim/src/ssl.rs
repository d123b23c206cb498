//! Certificates: the app's one in basic mode, one per domain in advanced mode.
//!
//! Each certificate records the names it covers. A Let's Encrypt certificate covers the names
//! present when it was issued or last redeployed, so a domain added later is covered only
//! after a redeploy: the reason clients redeploy at all.

use std::time::SystemTime;

use serde::Serialize;
use serde_json::{json, Value};

use crate::clock::{format_days_after, format_timestamp};
use crate::http::Response;
use crate::validation::Validation;

/// Let's Encrypt certificates last 90 days; RunCloud renews 30 days before the end.
const VALIDITY_DAYS: u64 = 90;
const RENEWAL_AFTER_DAYS: u64 = 60;

/// Obviously fake PEM text: real-looking armour, no key material.
const FAKE_PRIVATE_KEY: &str =
    "-----BEGIN PRIVATE KEY-----\nU0lNVUxBVEVELUtFWS1OT1QtQS1SRUFMLUtFWQ==\n-----END PRIVATE KEY-----\n";
const FAKE_CERTIFICATE: &str =
    "-----BEGIN CERTIFICATE-----\nU0lNVUxBVEVELUNFUlRJRklDQVRF\n-----END CERTIFICATE-----\n";

/// How a certificate was asked for: the install body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IssueSettings {
    /// `letsencrypt` or `custom`.
    pub provider: String,
    /// `live` or `staging`.
    pub environment: String,
    /// `http-01` or `dns-01`.
    pub authorization_method: String,
    pub enable_http: bool,
    pub enable_hsts: bool,
    /// The DNS API id `dns-01` needs.
    pub external_api: Option<u64>,
}

impl IssueSettings {
    /// What AutoSSL and a seeded certificate use.
    pub(crate) fn automatic() -> IssueSettings {
        IssueSettings {
            provider: "letsencrypt".into(),
            environment: "live".into(),
            authorization_method: "http-01".into(),
            enable_http: false,
            enable_hsts: false,
            external_api: None,
        }
    }

    /// Validates an install body like RunCloud's form request.
    pub(crate) fn from_install_body(body: &Value) -> Result<IssueSettings, Response> {
        let mut rules = Validation::new(body);
        let provider = rules.one_of("provider", &["letsencrypt", "custom"], true);
        let enable_http = rules.boolean("enableHttp", true);
        let enable_hsts = rules.boolean("enableHsts", true);
        let mut settings = IssueSettings {
            provider: provider.clone().unwrap_or_default(),
            enable_http: enable_http.unwrap_or(false),
            enable_hsts: enable_hsts.unwrap_or(false),
            ..IssueSettings::automatic()
        };
        match provider.as_deref() {
            Some("letsencrypt") => {
                let method = rules.one_of("authorizationMethod", &["http-01", "dns-01"], true);
                settings.environment = rules
                    .one_of("environment", &["live", "staging"], true)
                    .unwrap_or_default();
                if method.as_deref() == Some("dns-01") {
                    settings.external_api = rules.integer("externalApi", true);
                }
                settings.authorization_method = method.unwrap_or_default();
            }
            Some(_) => {
                rules.string("privateKey", true);
                rules.string("certificate", true);
                settings.authorization_method = String::new();
            }
            None => {}
        }
        rules.finish().map(|()| settings)
    }
}

/// A PATCH body: the switches that change without reissuing.
#[derive(Debug, Clone, Default)]
pub(crate) struct CertificateUpdate {
    enable_http: Option<bool>,
    enable_hsts: Option<bool>,
}

impl CertificateUpdate {
    pub(crate) fn from_body(body: &Value) -> Result<CertificateUpdate, Response> {
        let mut rules = Validation::new(body);
        let enable_http = rules.boolean("enableHttp", false);
        let enable_hsts = rules.boolean("enableHsts", false);
        rules.finish().map(|()| CertificateUpdate {
            enable_http,
            enable_hsts,
        })
    }
}

/// One installed certificate, as the state dump shows it (never with PEM text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CertificateRecord {
    pub id: u64,
    /// The domain it belongs to in advanced mode; none for the app's basic certificate.
    pub domain_id: Option<u64>,
    pub settings: IssueSettings,
    /// The host names covered, as of the last issue or redeploy.
    pub covers: Vec<String>,
    /// Issued by AutoSSL rather than by an install request.
    pub auto_issued: bool,
    /// Times redeployed since installed.
    pub redeploys: u32,
    pub created_at: String,
    /// When last issued or redeployed.
    pub issued_at: String,
    #[serde(skip)]
    issued: SystemTime,
}

impl CertificateRecord {
    pub(crate) fn issue(
        id: u64,
        domain_id: Option<u64>,
        settings: IssueSettings,
        covers: Vec<String>,
        issued: SystemTime,
    ) -> Self {
        let now = format_timestamp(issued);
        CertificateRecord {
            id,
            domain_id,
            settings,
            covers,
            auto_issued: false,
            redeploys: 0,
            created_at: now.clone(),
            issued_at: now,
            issued,
        }
    }

    /// Re-issues, at `issued` (the simulator's clock), for the names present now.
    pub(crate) fn redeploy(&mut self, covers: Vec<String>, issued: SystemTime) {
        self.covers = covers;
        self.redeploys += 1;
        self.issued = issued;
        self.issued_at = format_timestamp(self.issued);
    }

    pub(crate) fn apply(&mut self, update: &CertificateUpdate) {
        self.settings.enable_http = update.enable_http.unwrap_or(self.settings.enable_http);
        self.settings.enable_hsts = update.enable_hsts.unwrap_or(self.settings.enable_hsts);
    }

    /// The certificate object RunCloud's API returns.
    pub(crate) fn to_api_json(&self) -> Value {
        json!({
            "id": self.id,
            "method": self.settings.provider,
            "validUntil": format_days_after(self.issued, VALIDITY_DAYS),
            "renewalDate": format_days_after(self.issued, RENEWAL_AFTER_DAYS),
            "enableHttp": self.settings.enable_http,
            "enableHsts": self.settings.enable_hsts,
            "authorizationMethod": self.settings.authorization_method,
            "staging": self.settings.environment == "staging",
            "apiId": self.settings.external_api,
            "createdAt": self.created_at,
            "privateKey": FAKE_PRIVATE_KEY,
            "certificate": FAKE_CERTIFICATE,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_install_bodies() {
        let valid = json!({"provider":"letsencrypt","enableHttp":false,"enableHsts":false,
            "authorizationMethod":"http-01","environment":"live"});
        assert_eq!(
            IssueSettings::from_install_body(&valid)
                .unwrap()
                .environment,
            "live"
        );

        let production = json!({"provider":"letsencrypt","enableHttp":false,"enableHsts":false,
            "authorizationMethod":"http-01","environment":"production"});
        let refused = IssueSettings::from_install_body(&production).unwrap_err();
        assert_eq!(refused.status, 422);

        let dns_without_api = json!({"provider":"letsencrypt","enableHttp":false,"enableHsts":false,
            "authorizationMethod":"dns-01","environment":"live"});
        let body: Value = serde_json::from_slice(
            &IssueSettings::from_install_body(&dns_without_api)
                .unwrap_err()
                .body,
        )
        .unwrap();
        assert_eq!(
            body["errors"]["externalApi"][0],
            "The external api field is required."
        );
    }

    #[test]
    fn api_json_carries_pem_and_dates() {
        let record = CertificateRecord::issue(
            7,
            None,
            IssueSettings::automatic(),
            vec!["a.test".into()],
            SystemTime::now(),
        );
        let json = record.to_api_json();
        assert_eq!(json["id"], 7);
        assert_eq!(json["staging"], false);
        assert!(json["privateKey"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN PRIVATE KEY-----"));
    }
}
