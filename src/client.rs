//! The RunCloud HTTP client: authentication, timeouts, bounded retries and
//! rate-limit awareness over one keep-alive agent per process.

use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use once_cell::sync::Lazy;
use serde::de::DeserializeOwned;
use serde::Serialize;
use ureq::http::{self, Method, Request, Response};
use ureq::{Agent, AsSendBody, Body};

use crate::config::{Config, Credentials};
use crate::error::{Error, Result, TransportKind};
use crate::model::ErrorBody;

/// Largest response body read; a list page of 40 domains is a few kilobytes.
const MAX_BODY_BYTES: u64 = 8 * 1024 * 1024;
/// First pause before a retry; doubled each time.
const BACKOFF_START: Duration = Duration::from_millis(200);
/// Longest single pause between retries unless RunCloud asks for more.
const BACKOFF_CAP: Duration = Duration::from_secs(5);
/// Below this many remaining calls in the window, requests are spaced out.
const RATE_LOW_WATERMARK: u32 = 8;
/// The window RunCloud's per-minute limit refers to.
const RATE_WINDOW: Duration = Duration::from_secs(60);

/// One agent per PHP process: connections stay alive across calls.
/// Redirects are refused so the Authorization header never follows one.
static AGENT: Lazy<Agent> = Lazy::new(|| {
    Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_idle_connections_per_host(16)
        .user_agent(concat!("wu-runcloud/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
});

/// A response that arrived, whatever its status.
#[derive(Debug, Clone)]
pub struct ApiResponse {
    /// The HTTP status.
    pub status: u16,
    /// The raw body.
    pub body: Vec<u8>,
    /// How long RunCloud asked the client to wait (`Retry-After`, in seconds).
    pub retry_after: Option<Duration>,
}

impl ApiResponse {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Parses the body as `T`; a body that does not fit is an [`Error::InvalidResponse`].
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|e| {
            Error::invalid_response(
                self.status,
                format!("unexpected JSON ({})", e.classify_name()),
            )
        })
    }

    /// The error this response stands for, with RunCloud's message when it sent one.
    pub fn to_error(&self) -> Error {
        let body: ErrorBody = serde_json::from_slice(&self.body).unwrap_or_default();
        // An empty message says nothing; the status's reason phrase says more.
        let message = body
            .summary()
            .filter(|message| !message.trim().is_empty())
            .unwrap_or_else(|| reason_phrase(self.status).to_string());
        Error::Api {
            status: self.status,
            message,
        }
    }
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "read error",
            serde_json::error::Category::Syntax => "malformed",
            serde_json::error::Category::Data => "wrong shape",
            serde_json::error::Category::Eof => "truncated",
        }
    }
}

fn reason_phrase(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("unexpected status")
}

/// What the responses said about the rate limit, adjusted for the requests
/// sent since. Requests are numbered as they leave, so an answer overtaken by a
/// newer one (pages are fetched in parallel) cannot raise the estimate again.
#[derive(Debug, Default, Clone, Copy)]
struct RateState {
    limit: Option<u32>,
    remaining: Option<u32>,
    /// Requests sent so far; the last one's number.
    sent: u64,
    /// The number of the newest request whose answer was read.
    newest_answered: u64,
}

/// A client for one RunCloud web app. Cheap to create; shares the process's agent.
#[derive(Debug)]
pub struct Client {
    config: Config,
    agent: Agent,
    rate: Mutex<RateState>,
    pace_across_windows: bool,
}

impl Client {
    /// A client for the app `config` names, over the process-wide agent.
    pub fn new(config: Config) -> Self {
        Client {
            config,
            agent: AGENT.clone(),
            rate: Mutex::new(RateState::default()),
            pace_across_windows: false,
        }
    }

    /// Lets a 429 wait for the next rate-limit window (at most one window a
    /// wait) even past `max_retry_wait`: for background work that would rather
    /// be slow than fail. The number of retries stays bounded by `max_retries`.
    pub fn pacing_across_windows(mut self, pace: bool) -> Self {
        self.pace_across_windows = pace;
        self
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The calls a window allows, as RunCloud last reported it, if it did.
    pub fn rate_limit(&self) -> Option<u32> {
        self.rate_state().limit
    }

    /// The remaining calls RunCloud last reported for this window, if any.
    pub fn rate_remaining(&self) -> Option<u32> {
        self.rate_state().remaining
    }

    /// `/api/vN` plus `path` (which starts with `/`).
    fn url(&self, path: &str) -> String {
        format!(
            "{}/api/{}{}",
            self.config.base_url.as_str(),
            self.config.api_version().as_str(),
            path
        )
    }

    /// The path of the configured web app, plus `rest`.
    pub fn app_path(&self, rest: &str) -> String {
        format!(
            "/servers/{}/webapps/{}{}",
            self.config.server_id, self.config.app_id, rest
        )
    }

    /// GETs `path` and parses a 2xx body; any other status is an error.
    pub fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        self.expect_success(self.call(Method::GET, path, None::<&()>)?)?
            .json()
    }

    /// Sends `body` with `method` and parses a 2xx answer.
    pub fn send<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T> {
        self.expect_success(self.call(method, path, body)?)?.json()
    }

    /// Sends a request and requires a 2xx answer, whose body the caller may read.
    pub fn perform<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<ApiResponse> {
        self.expect_success(self.call(method, path, body)?)
    }

    fn expect_success(&self, response: ApiResponse) -> Result<ApiResponse> {
        if response.is_success() {
            Ok(response)
        } else {
            Err(response.to_error())
        }
    }

    /// Sends one request, retrying rate limits, gateway errors and dropped
    /// connections with backoff, within the configured bounds. Returns whatever
    /// response arrived last, success or not.
    pub fn call<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<ApiResponse> {
        let payload = body
            .map(serde_json::to_vec)
            .transpose()
            .expect("request bodies are plain data and always serialise");
        let limits = self.config.limits;
        let mut waited = Duration::ZERO;
        let mut attempt = 0;
        loop {
            let ticket = self.pace();
            let outcome = self.attempt(ticket, &method, path, payload.as_deref());
            let (error, retry_after) = match &outcome {
                Ok(response) if response.is_success() => return outcome,
                Ok(response) => (response.to_error(), response.retry_after),
                Err(error) => (error.clone(), None),
            };
            if !error.is_retryable_now() || attempt >= limits.max_retries {
                return outcome;
            }
            let pause = retry_after.unwrap_or(Duration::ZERO).max(backoff(attempt));
            let next_window = self.pace_across_windows
                && matches!(error, Error::Api { status: 429, .. })
                && pause <= RATE_WINDOW;
            // Saturating: a Retry-After of any size must end the retries, not overflow.
            if waited.saturating_add(pause) > limits.max_retry_wait && !next_window {
                return outcome;
            }
            std::thread::sleep(pause);
            waited += pause;
            attempt += 1;
        }
    }

    /// One HTTP exchange. Transport failures are errors; every status is a response.
    fn attempt(
        &self,
        ticket: u64,
        method: &Method,
        path: &str,
        payload: Option<&[u8]>,
    ) -> Result<ApiResponse> {
        let builder = Request::builder()
            .method(method.clone())
            .uri(self.url(path))
            .header("Accept", "application/json")
            .header("Authorization", self.authorization());
        // A bodyless PUT or POST still gets `Content-Length: 0`: without a body
        // ureq would announce a chunked one, which some servers refuse.
        let payload = match (payload, method_carries_body(method)) {
            (Some(bytes), _) => Some(bytes),
            (None, true) => Some(&[][..]),
            (None, false) => None,
        };
        let response = match payload {
            Some(bytes) => self.run(
                builder
                    .header("Content-Type", "application/json")
                    .body(bytes.to_vec()),
            ),
            None => self.run(builder.body(())),
        }?;
        self.note_rate_headers(ticket, &response);
        let retry_after = header_u64(&response, "retry-after").map(Duration::from_secs);
        let status = response.status().as_u16();
        let body = response
            .into_body()
            .with_config()
            .limit(MAX_BODY_BYTES)
            .read_to_vec()
            .map_err(|error| body_error(status, error))?;
        let response = ApiResponse {
            status,
            body: redact(body, &self.credential_forms()),
            retry_after,
        };
        // Every RunCloud endpoint answers JSON; a 2xx that is not JSON is
        // something else (a proxy's page) and must not pass for success.
        if response.is_success()
            && !response.body.is_empty()
            && serde_json::from_slice::<serde::de::IgnoredAny>(&response.body).is_err()
        {
            return Err(Error::invalid_response(
                status,
                "a success status with a body that is not JSON",
            ));
        }
        Ok(response)
    }

    fn run<S: AsSendBody>(
        &self,
        request: std::result::Result<Request<S>, http::Error>,
    ) -> Result<Response<Body>> {
        let request = request.map_err(|_| Error::Config("the API URL cannot be used".into()))?;
        let limits = self.config.limits;
        let request = self
            .agent
            .configure_request(request)
            .timeout_global(Some(limits.timeout))
            .timeout_connect(Some(limits.connect_timeout))
            .build();
        self.agent.run(request).map_err(transport_error)
    }

    fn authorization(&self) -> String {
        match &self.config.credentials {
            Credentials::Token(token) => format!("Bearer {}", token.expose()),
            Credentials::KeyPair { key, secret } => {
                let pair = format!("{}:{}", key.expose(), secret.expose());
                format!("Basic {}", base64(pair.as_bytes()))
            }
        }
    }

    /// Every form in which a credential of this client could come back: the
    /// values themselves and the encoded Basic pair.
    fn credential_forms(&self) -> Vec<String> {
        let mut forms: Vec<String> = self
            .config
            .credentials
            .secret_values()
            .into_iter()
            .map(str::to_string)
            .collect();
        if let Some(("Basic", encoded)) = self.authorization().split_once(' ') {
            forms.push(encoded.to_string());
        }
        forms
    }

    fn rate_state(&self) -> RateState {
        *self
            .rate
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes in the answer to request `ticket`. RunCloud counted neither the
    /// requests sent after it nor, perhaps, some sent before, so the estimate
    /// subtracts the ones sent after it and ignores answers already overtaken.
    fn note_rate_headers(&self, ticket: u64, response: &Response<Body>) {
        let limit = header_u64(response, "x-ratelimit-limit");
        let remaining = header_u64(response, "x-ratelimit-remaining");
        let mut rate = self.rate.lock().unwrap_or_else(|p| p.into_inner());
        if ticket < rate.newest_answered {
            return;
        }
        rate.newest_answered = ticket;
        if let Some(limit) = limit {
            rate.limit = u32::try_from(limit).ok();
        }
        if let Some(remaining) = remaining {
            let sent_since = u32::try_from(rate.sent - ticket).unwrap_or(u32::MAX);
            rate.remaining = u32::try_from(remaining)
                .ok()
                .map(|r| r.saturating_sub(sent_since));
        }
    }

    /// Spaces requests out when the window is nearly used up, so a burst slows
    /// down instead of collecting 429s. Counts the request about to be sent
    /// and returns its number.
    fn pace(&self) -> u64 {
        let (pause, ticket) = {
            let mut rate = self.rate.lock().unwrap_or_else(|p| p.into_inner());
            let pause = match (rate.limit, rate.remaining) {
                (Some(limit), Some(remaining)) if limit > 0 && remaining < RATE_LOW_WATERMARK => {
                    RATE_WINDOW / limit
                }
                _ => Duration::ZERO,
            };
            rate.remaining = rate.remaining.map(|r| r.saturating_sub(1));
            rate.sent += 1;
            (pause, rate.sent)
        };
        if !pause.is_zero() {
            std::thread::sleep(pause.min(BACKOFF_CAP));
        }
        ticket
    }
}

fn method_carries_body(method: &Method) -> bool {
    matches!(*method, Method::POST | Method::PUT | Method::PATCH)
}

fn header_u64(response: &Response<Body>, name: &str) -> Option<u64> {
    response
        .headers()
        .get(name)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Exponential backoff with up to 25% jitter, so parallel workers spread out.
fn backoff(attempt: u32) -> Duration {
    let base = BACKOFF_START
        .saturating_mul(1 << attempt.min(10))
        .min(BACKOFF_CAP);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    base + base.mul_f64(f64::from(nanos % 250) / 1000.0)
}

/// Maps ureq's errors onto the transport kinds callers act on.
fn transport_error(error: ureq::Error) -> Error {
    let kind = match &error {
        ureq::Error::Timeout(_) => TransportKind::Timeout,
        ureq::Error::HostNotFound => TransportKind::Dns,
        ureq::Error::ConnectionFailed => TransportKind::Connect,
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::TlsRequired => {
            TransportKind::Tls
        }
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::TimedOut => TransportKind::Timeout,
            std::io::ErrorKind::ConnectionRefused => TransportKind::Connect,
            std::io::ErrorKind::InvalidData if is_tls_message(&io.to_string()) => {
                TransportKind::Tls
            }
            _ => TransportKind::Reset,
        },
        _ => TransportKind::Reset,
    };
    Error::Transport {
        kind,
        detail: error.to_string(),
    }
}

/// A body that could not be read whole. The status line arrived, so unless the
/// clock ran out this is a broken answer rather than an unreachable RunCloud;
/// the request may well have been carried out, so it is not retried at once.
fn body_error(status: u16, error: ureq::Error) -> Error {
    if let ureq::Error::BodyExceedsLimit(_) = error {
        return Error::invalid_response(status, "the body is larger than the client accepts");
    }
    match transport_error(error) {
        timeout @ Error::Transport {
            kind: TransportKind::Timeout,
            ..
        } => timeout,
        _ => Error::invalid_response(
            status,
            "the connection closed before the whole body arrived (truncated)",
        ),
    }
}

/// Replaces any credential RunCloud (or a proxy) echoes back, so no error
/// message built from the body can carry one.
fn redact(body: Vec<u8>, secrets: &[String]) -> Vec<u8> {
    let needles: Vec<&str> = secrets
        .iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    let text = String::from_utf8_lossy(&body);
    if !needles.iter().any(|needle| text.contains(needle)) {
        return body;
    }
    crate::config::scrub_values(&text, &needles).into_bytes()
}

fn is_tls_message(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake")
}

/// Standard base64 (RFC 4648 §4) for the Basic credentials; small enough not
/// to warrant a dependency.
fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert!(backoff(0) >= BACKOFF_START && backoff(0) < BACKOFF_START * 2);
        assert!(backoff(1) >= BACKOFF_START * 2);
        assert!(backoff(20) <= BACKOFF_CAP + BACKOFF_CAP / 4);
    }

    #[test]
    fn error_responses_carry_runcloud_message_or_reason() {
        let with_message = ApiResponse {
            status: 403,
            body: br#"{"message":"Your plan does not allow API access."}"#.to_vec(),
            retry_after: None,
        };
        assert_eq!(
            with_message.to_error().to_string(),
            "RunCloud API error 403: Your plan does not allow API access."
        );
        let bare = ApiResponse {
            status: 502,
            body: b"<html>bad gateway</html>".to_vec(),
            retry_after: None,
        };
        assert_eq!(
            bare.to_error().to_string(),
            "RunCloud API error 502: Bad Gateway"
        );
    }
}
