//! The log of API requests a test can read back, with credentials redacted.

use serde::Serialize;
use serde_json::Value;

use crate::auth::redacted_authorization;
use crate::config::AppRef;
use crate::http::Request;

/// Body fields whose values never reach the log (a custom certificate's private key).
const SECRET_BODY_FIELDS: &[&str] = &["privateKey", "private_key"];

/// One API request as the simulator saw and answered it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RequestRecord {
    /// 1 for the first request since the start (or the last reset).
    pub seq: u64,
    pub method: String,
    pub path: String,
    pub query: String,
    /// The parsed JSON body, the raw text when it is not JSON, or null when empty.
    pub body: Value,
    /// `v2` or `v3`, when the path names one.
    pub api_version: Option<String>,
    /// The web app the path names (`SERVER:APP`), served or not; none for a ping.
    pub app: Option<AppRef>,
    /// The status answered; none when the connection was dropped.
    pub status: Option<u16>,
    /// The injected fault applied, if any (`status`, `drop`, `hang`, ...).
    pub fault: Option<String>,
    /// The scheme only, e.g. `Bearer [redacted]`: never a token, key or secret.
    pub authorization: Option<String>,
}

impl RequestRecord {
    pub(crate) fn new(
        request: &Request,
        api_version: Option<&str>,
        app: Option<AppRef>,
    ) -> RequestRecord {
        RequestRecord {
            seq: 0,
            method: request.method.clone(),
            path: request.path.clone(),
            query: request.query.clone(),
            body: loggable_body(&request.body),
            api_version: api_version.map(str::to_string),
            app,
            status: None,
            fault: None,
            authorization: redacted_authorization(request),
        }
    }
}

fn loggable_body(body: &[u8]) -> Value {
    if body.is_empty() {
        return Value::Null;
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(mut json) => {
            redact_secrets(&mut json);
            json
        }
        Err(_) => Value::String(String::from_utf8_lossy(body).into_owned()),
    }
}

fn redact_secrets(json: &mut Value) {
    if let Value::Object(fields) = json {
        for (name, value) in fields.iter_mut() {
            if SECRET_BODY_FIELDS.contains(&name.as_str()) {
                *value = Value::String("[redacted]".into());
            } else {
                redact_secrets(value);
            }
        }
    }
}

/// Appends records, numbering them.
#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    records: Vec<RequestRecord>,
    next_seq: u64,
}

impl RequestLog {
    pub(crate) fn push(&mut self, mut record: RequestRecord) {
        self.next_seq += 1;
        record.seq = self.next_seq;
        self.records.push(record);
    }

    /// Every record, or with `app` those of the requests to it.
    pub(crate) fn records(&self, app: Option<AppRef>) -> Vec<RequestRecord> {
        self.records
            .iter()
            .filter(|record| app.is_none() || record.app == app)
            .cloned()
            .collect()
    }

    pub(crate) fn clear(&mut self) {
        self.records.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_private_keys_and_keeps_raw_text() {
        let json = loggable_body(br#"{"provider":"custom","privateKey":"-----BEGIN"}"#);
        assert_eq!(json["privateKey"], "[redacted]");
        assert_eq!(json["provider"], "custom");
        assert_eq!(loggable_body(b"name=x"), Value::String("name=x".into()));
        assert_eq!(loggable_body(b""), Value::Null);
    }
}
