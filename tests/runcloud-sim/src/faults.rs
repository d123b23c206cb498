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
//! A fault strikes the next `count` matching requests, or, with `for_secs`, every matching
//! request for that many seconds of the simulator's clock (`/__sim/clock` moves it): a
//! server down for ten minutes. With `app: "SERVER:APP"` it matches only the requests whose
//! path names that web app, so the account's other web apps answer normally.
//!
//! With `applied: true`, a `status`, `drop` or `malformed_json` fault strikes after RunCloud
//! carried the request out: the change is made and its answer lost (a gateway that timed
//! out waiting for it, a connection cut on the way back). A `status` fault with `body`
//! answers that JSON instead of `{"message": ...}` (e.g. a success with an undocumented
//! body, or a page whose pagination lies); with `raw_body`, exactly those bytes.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::config::AppRef;
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
    /// How many matching requests it applies to (not used up by a fault with `for_secs`).
    #[serde(default = "one")]
    pub count: u32,
    /// Seconds of the simulator's clock, from its injection, during which it strikes every
    /// matching request; pending, the seconds left.
    #[serde(default)]
    pub for_secs: Option<u64>,
    /// Only requests to this web app (`SERVER:APP`) match.
    #[serde(default)]
    pub app: Option<AppRef>,
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
            for_secs: None,
            app: None,
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

    /// Strike every matching request for `duration` of the simulator's clock from now.
    pub fn lasting(mut self, duration: Duration) -> Fault {
        self.for_secs = Some(duration.as_secs());
        self
    }

    /// Only requests to this web app.
    pub fn on_app(mut self, app: AppRef) -> Fault {
        self.app = Some(app);
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

    fn matches(&self, method: &str, target: &str, app: Option<AppRef>) -> bool {
        self.app.is_none_or(|wanted| app == Some(wanted))
            && self
                .method
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

/// A queued fault, and when a timed one ends on the simulator's clock.
#[derive(Debug)]
struct Pending {
    fault: Fault,
    until: Option<Instant>,
}

impl Pending {
    fn expired(&self, now: Instant) -> bool {
        self.until.is_some_and(|until| now >= until)
    }

    /// The fault as a dump shows it: a timed one with the seconds it has left.
    fn shown(&self, now: Instant) -> Fault {
        let mut fault = self.fault.clone();
        if let Some(until) = self.until {
            let left = until.saturating_duration_since(now);
            fault.for_secs = Some(left.as_millis().div_ceil(1000) as u64);
        }
        fault
    }
}

/// Pending faults, first injected first applied.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    pending: Vec<Pending>,
}

impl FaultQueue {
    /// Queues `fault`, injected at `now` (the simulator's clock).
    pub(crate) fn push(&mut self, fault: Fault, now: Instant) {
        let until = fault
            .for_secs
            .map(|seconds| now + Duration::from_secs(seconds));
        let lasts = match until {
            Some(until) => until > now,
            None => fault.count > 0,
        };
        if lasts {
            self.pending.push(Pending { fault, until });
        }
    }

    /// Clears every pending fault, or with `app` those aimed at it.
    pub(crate) fn clear(&mut self, app: Option<AppRef>) {
        match app {
            None => self.pending.clear(),
            Some(app) => self
                .pending
                .retain(|pending| pending.fault.app != Some(app)),
        }
    }

    /// The faults still pending at `now`; with `app`, those that can strike its requests.
    pub(crate) fn pending(&self, now: Instant, app: Option<AppRef>) -> Vec<Fault> {
        self.pending
            .iter()
            .filter(|pending| !pending.expired(now))
            .filter(|pending| app.is_none() || pending.fault.app.is_none_or(|aim| Some(aim) == app))
            .map(|pending| pending.shown(now))
            .collect()
    }

    /// Uses up one application of the first fault matching the request to `app` (the web
    /// app its path names, if any) at `now`; a timed fault is not used up.
    pub(crate) fn take(
        &mut self,
        method: &str,
        target: &str,
        app: Option<AppRef>,
        now: Instant,
    ) -> Option<Fault> {
        self.pending.retain(|pending| !pending.expired(now));
        let index = self
            .pending
            .iter()
            .position(|pending| pending.fault.matches(method, target, app))?;
        let pending = &mut self.pending[index];
        if pending.until.is_some() {
            return Some(pending.shown(now));
        }
        pending.fault.count -= 1;
        let applied = pending.fault.clone();
        if pending.fault.count == 0 {
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
        let now = Instant::now();
        let mut queue = FaultQueue::default();
        let fault = Fault::status(502)
            .times(2)
            .on_method("post")
            .on_path("/domains");
        queue.push(fault, now);
        let mut take = |method, target| queue.take(method, target, None, now);
        assert!(take("GET", "/api/v3/servers/1/webapps/1/domains").is_none());
        assert!(take("POST", "/api/v3/servers/1/webapps/1/ssl").is_none());
        let applied = take("POST", "/api/v3/servers/1/webapps/1/domains");
        assert_eq!(applied.unwrap().status, 502);
        assert!(take("POST", "/domains").is_some());
        assert!(take("POST", "/domains").is_none());
    }

    #[test]
    fn an_aimed_fault_strikes_only_its_web_app() {
        let now = Instant::now();
        let (one, two) = (AppRef::new(1, 1), AppRef::new(2, 20));
        let mut queue = FaultQueue::default();
        queue.push(Fault::status(503).on_app(two), now);
        assert!(queue.take("GET", "/api/v3/ping", None, now).is_none());
        assert!(queue.take("GET", "/domains", Some(one), now).is_none());
        assert_eq!(queue.pending(now, Some(one)), []);
        assert_eq!(queue.pending(now, Some(two)).len(), 1);
        assert!(queue.take("GET", "/domains", Some(two), now).is_some());
        assert!(queue.pending(now, None).is_empty());
    }

    #[test]
    fn a_timed_fault_strikes_until_its_time_is_up() {
        let now = Instant::now();
        let mut queue = FaultQueue::default();
        queue.push(Fault::status(503).lasting(Duration::from_secs(600)), now);
        for _ in 0..5 {
            assert!(queue.take("GET", "/domains", None, now).is_some());
        }
        let later = now + Duration::from_millis(599_500);
        assert_eq!(queue.pending(later, None)[0].for_secs, Some(1));
        assert!(queue.take("GET", "/domains", None, later).is_some());
        let after = now + Duration::from_secs(600);
        assert!(queue.take("GET", "/domains", None, after).is_none());
        assert!(queue.pending(after, None).is_empty());
        queue.push(Fault::status(503).lasting(Duration::ZERO), now);
        assert!(queue.pending(now, None).is_empty());
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
