//! Injected failures: the next N matching API requests misbehave on purpose.
//!
//! What each kind does to the request itself, chosen to match where the failure would
//! happen in front of a real RunCloud:
//! - `status`: a gateway or RunCloud error; the request is not carried out.
//! - `drop`: the connection dies before the request reaches RunCloud; not carried out.
//! - `malformed_json`: a 200 whose body is not JSON (an error page from a proxy); not
//!   carried out.
//! - `truncated`: RunCloud carried the request out, the answer is cut mid-body.
//! - `hang`: RunCloud carried the request out, the answer comes after `delay_ms` (so a client
//!   that timed out finds the change done, the ambiguity a retrying client must handle).
//! - `churn`: another client adds a domain just before the request is carried out, so a
//!   walk through the list sees it change under it.
//!
//! With `applied: true`, a `status`, `drop` or `malformed_json` fault strikes after RunCloud
//! carried the request out: the change is made and its answer lost (a gateway that timed
//! out waiting for it, a connection cut on the way back). A `status` fault with `body`
//! answers that JSON instead of `{"message": ...}` (e.g. a success with an undocumented
//! body, or a page whose pagination lies); with `raw_body`, exactly those bytes.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::http::Response;

/// Far beyond any sane client timeout; a hang still ends at once when the simulator stops.
const DEFAULT_HANG: Duration = Duration::from_secs(600);
const DEFAULT_FAULT_MESSAGE: &str = "Service Unavailable";
/// A 200 body that a JSON parser rejects.
const MALFORMED_BODY: &[u8] = b"{\"data\":[{\"id\":1,\"name\":";

/// How a faulted request misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer `status` with `{"message": message}` (and `Retry-After` when set).
    Status,
    /// Read the request, then close the connection without answering.
    Drop,
    /// Carry the request out, then wait `delay_ms` before answering.
    Hang,
    /// Answer 200 with a body that is not valid JSON.
    MalformedJson,
    /// Carry the request out, send a Content-Length larger than the bytes that follow, close.
    Truncated,
    /// Add one numbered domain, then carry the request out.
    Churn,
}

impl FaultKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            FaultKind::Status => "status",
            FaultKind::Drop => "drop",
            FaultKind::Hang => "hang",
            FaultKind::MalformedJson => "malformed_json",
            FaultKind::Truncated => "truncated",
            FaultKind::Churn => "churn",
        }
    }
}

/// One injected failure, as given to `POST /__sim/faults` or [`crate::Simulator::inject`].
///
/// ```
/// use runcloud_sim::Fault;
/// let fault = Fault::status(503).times(2).on_method("POST").on_path("/domains").retry_after(1);
/// assert_eq!(fault.count, 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Fault {
    pub kind: FaultKind,
    /// How many matching requests it applies to.
    #[serde(default = "one")]
    pub count: u32,
    /// The status of a `status` fault.
    #[serde(default = "service_unavailable")]
    pub status: u16,
    #[serde(default)]
    pub message: Option<String>,
    /// Seconds, sent as `Retry-After` by a `status` fault.
    #[serde(default)]
    pub retry_after: Option<u64>,
    /// How long a `hang` waits; ten minutes when absent.
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// Only requests with this method (any case) match.
    #[serde(default)]
    pub method: Option<String>,
    /// Only requests whose path and query contain this text match.
    #[serde(default)]
    pub path_contains: Option<String>,
    /// Strike after the request was carried out (`status`, `drop`, `malformed_json`).
    #[serde(default)]
    pub applied: bool,
    /// The JSON body of a `status` fault, in place of `{"message": ...}`.
    #[serde(default)]
    pub body: Option<serde_json::Value>,
    /// The exact body of a `status` fault, sent as `application/json` byte for
    /// byte (e.g. with `\/` or `\u00xx` escapes a JSON writer would not produce).
    #[serde(default)]
    pub raw_body: Option<String>,
}

fn one() -> u32 {
    1
}

fn service_unavailable() -> u16 {
    503
}

impl Fault {
    fn of_kind(kind: FaultKind) -> Fault {
        Fault {
            kind,
            count: 1,
            status: service_unavailable(),
            message: None,
            retry_after: None,
            delay_ms: None,
            method: None,
            path_contains: None,
            applied: false,
            body: None,
            raw_body: None,
        }
    }

    /// Answer with this status and a JSON message.
    pub fn status(status: u16) -> Fault {
        Fault {
            status,
            ..Fault::of_kind(FaultKind::Status)
        }
    }

    /// Close the connection without answering.
    pub fn drop_connection() -> Fault {
        Fault::of_kind(FaultKind::Drop)
    }

    /// Answer only after `delay`.
    pub fn hang(delay: Duration) -> Fault {
        Fault {
            delay_ms: Some(delay.as_millis() as u64),
            ..Fault::of_kind(FaultKind::Hang)
        }
    }

    /// Answer 200 with invalid JSON.
    pub fn malformed_json() -> Fault {
        Fault::of_kind(FaultKind::MalformedJson)
    }

    /// Promise more body than is sent.
    pub fn truncated() -> Fault {
        Fault::of_kind(FaultKind::Truncated)
    }

    /// Change the list (add a domain) before carrying the request out.
    pub fn churn() -> Fault {
        Fault::of_kind(FaultKind::Churn)
    }

    /// Strike after the request was carried out: the change is made, its answer lost.
    pub fn applied(mut self) -> Fault {
        self.applied = true;
        self
    }

    /// Answer this JSON (a `status` fault) instead of a message.
    pub fn body(mut self, body: serde_json::Value) -> Fault {
        self.body = Some(body);
        self
    }

    /// Answer exactly these bytes (a `status` fault).
    pub fn raw_body(mut self, body: &str) -> Fault {
        self.raw_body = Some(body.to_string());
        self
    }

    /// Apply to the next `count` matching requests.
    pub fn times(mut self, count: u32) -> Fault {
        self.count = count;
        self
    }

    pub fn on_method(mut self, method: &str) -> Fault {
        self.method = Some(method.to_string());
        self
    }

    pub fn on_path(mut self, fragment: &str) -> Fault {
        self.path_contains = Some(fragment.to_string());
        self
    }

    pub fn message(mut self, text: &str) -> Fault {
        self.message = Some(text.to_string());
        self
    }

    pub fn retry_after(mut self, seconds: u64) -> Fault {
        self.retry_after = Some(seconds);
        self
    }

    fn matches(&self, method: &str, target: &str) -> bool {
        self.method
            .as_ref()
            .is_none_or(|wanted| wanted.eq_ignore_ascii_case(method))
            && self
                .path_contains
                .as_ref()
                .is_none_or(|fragment| target.contains(fragment.as_str()))
    }

    pub(crate) fn hang_delay(&self) -> Duration {
        self.delay_ms.map_or(DEFAULT_HANG, Duration::from_millis)
    }

    /// The answer of a fault that replaces the request (`status`, `malformed_json`).
    pub(crate) fn replacement_response(&self) -> Option<Response> {
        match self.kind {
            FaultKind::Status => {
                let text = self.message.as_deref().unwrap_or(DEFAULT_FAULT_MESSAGE);
                let response = match (&self.raw_body, &self.body) {
                    (Some(raw), _) => {
                        Response::raw(self.status, "application/json", raw.as_bytes().to_vec())
                    }
                    (None, Some(body)) => Response::json(self.status, body),
                    (None, None) => Response::message(self.status, text),
                };
                Some(match self.retry_after {
                    Some(seconds) => response.with_header("Retry-After", seconds),
                    None => response,
                })
            }
            FaultKind::MalformedJson => Some(Response::raw(
                200,
                "application/json",
                MALFORMED_BODY.to_vec(),
            )),
            FaultKind::Drop | FaultKind::Hang | FaultKind::Truncated | FaultKind::Churn => None,
        }
    }
}

/// Pending faults, first injected first applied.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    pending: Vec<Fault>,
}

impl FaultQueue {
    pub(crate) fn push(&mut self, fault: Fault) {
        if fault.count > 0 {
            self.pending.push(fault);
        }
    }

    pub(crate) fn clear(&mut self) {
        self.pending.clear();
    }

    pub(crate) fn pending(&self) -> &[Fault] {
        &self.pending
    }

    /// Uses up one application of the first fault matching the request.
    pub(crate) fn take(&mut self, method: &str, target: &str) -> Option<Fault> {
        let index = self
            .pending
            .iter()
            .position(|fault| fault.matches(method, target))?;
        let fault = &mut self.pending[index];
        fault.count -= 1;
        let applied = fault.clone();
        if fault.count == 0 {
            self.pending.remove(index);
        }
        Some(applied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_to_matching_requests_count_times() {
        let mut queue = FaultQueue::default();
        queue.push(
            Fault::status(502)
                .times(2)
                .on_method("post")
                .on_path("/domains"),
        );
        assert!(queue
            .take("GET", "/api/v3/servers/1/webapps/1/domains")
            .is_none());
        assert!(queue
            .take("POST", "/api/v3/servers/1/webapps/1/ssl")
            .is_none());
        assert_eq!(
            queue
                .take("POST", "/api/v3/servers/1/webapps/1/domains")
                .unwrap()
                .status,
            502
        );
        assert!(queue.take("POST", "/domains").is_some());
        assert!(queue.take("POST", "/domains").is_none());
    }

    #[test]
    fn parses_the_control_body() {
        let fault: Fault = serde_json::from_str(r#"{"kind":"malformed_json"}"#).unwrap();
        assert_eq!(fault, Fault::malformed_json());
        let fault: Fault =
            serde_json::from_str(r#"{"kind":"hang","delay_ms":50,"count":3}"#).unwrap();
        assert_eq!(
            (fault.hang_delay(), fault.count),
            (Duration::from_millis(50), 3)
        );
    }

    #[test]
    fn malformed_body_is_not_json() {
        let response = Fault::malformed_json().replacement_response().unwrap();
        assert!(serde_json::from_slice::<serde_json::Value>(&response.body).is_err());
    }
}
