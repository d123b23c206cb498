//! The RunCloud HTTP client: authentication, one deadline per call, bounded
//! retries that never repeat a change RunCloud may have made, and rate-limit
//! awareness, over one keep-alive agent per process.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::Serialize;
use ureq::http::{self, Method, Request, Response};
use ureq::{Agent, AsSendBody, Body};

use crate::app::App;
use crate::config::{Config, Credentials, Secret, MAX_DURATION};
use crate::error::{Error, Result, TransportKind};
use crate::model::ErrorBody;
use crate::rate_limit::RateLimit;
use crate::redact;
use crate::util::MutexExt;

/// Largest response body read; a list page of 40 domains is a few kilobytes.
const MAX_BODY_BYTES: u64 = 8 * 1024 * 1024;
/// First pause before a retry; doubled each time.
const BACKOFF_START: Duration = Duration::from_millis(200);
/// Longest single pause between retries unless RunCloud asks for more.
const BACKOFF_CAP: Duration = Duration::from_secs(5);
/// The window RunCloud's per-minute rate limit refers to: the longest wait
/// `pace_across_windows` allows past `max_retry_wait`.
const RATE_WINDOW: Duration = Duration::from_secs(60);

/// One request to send: method, path under `/api/vN`, JSON body, and the
/// error statuses the caller handles itself (any other non-2xx is an error).
#[derive(Debug, Clone)]
pub(crate) struct Call {
    method: Method,
    path: String,
    body: Option<Vec<u8>>,
    accept: &'static [u16],
    /// Whether sending it twice has the effect of sending it once.
    idempotent: bool,
}

impl Call {
    fn new(method: Method, path: String, body: Option<Vec<u8>>) -> Self {
        Call {
            idempotent: method != Method::POST && method != Method::PATCH,
            method,
            path,
            body,
            accept: &[],
        }
    }

    /// `GET path`.
    pub(crate) fn get(path: String) -> Self {
        Call::new(Method::GET, path, None)
    }

    /// `POST path` with `body` as JSON.
    pub(crate) fn post<B: Serialize>(path: String, body: &B) -> Self {
        let json = serde_json::to_vec(body).expect("request bodies are plain data");
        Call::new(Method::POST, path, Some(json))
    }

    /// `PUT path` without a body.
    pub(crate) fn put(path: String) -> Self {
        Call::new(Method::PUT, path, None)
    }

    /// `DELETE path`.
    pub(crate) fn delete(path: String) -> Self {
        Call::new(Method::DELETE, path, None)
    }

    /// Statuses returned as answers instead of errors (e.g. 404 for "gone").
    pub(crate) fn accepting(mut self, statuses: &'static [u16]) -> Self {
        self.accept = statuses;
        self
    }

    /// Sent again only when it surely was not processed, like a POST: for a
    /// PUT whose repetition costs something (a certificate redeploy is a new
    /// Let's Encrypt order).
    pub(crate) fn not_repeatable(mut self) -> Self {
        self.idempotent = false;
        self
    }
}

/// An answer that arrived: a 2xx, or a status the call accepts.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    /// The HTTP status.
    pub(crate) status: u16,
    /// The raw body.
    pub(crate) body: Vec<u8>,
    /// How long RunCloud asked the client to wait (`Retry-After`, in seconds).
    pub(crate) retry_after: Option<Duration>,
    /// Whether the request was sent more than once before this answer.
    pub(crate) retried: bool,
}

impl Answer {
    /// Whether the status is 2xx.
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Parses the body as `T`; a body that does not fit is an [`Error::InvalidResponse`].
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|e| {
            Error::invalid_response(self.status, format!("unexpected JSON ({})", classify(&e)))
        })
    }

    /// The record in the body, bare or wrapped in `{"data": ...}`, when there
    /// is one that fits `T`. RunCloud does not document every success body, so
    /// its absence is not an error.
    /// Read straight into `T`, so fields `T` does not name (a certificate's
    /// PEM, say) are skipped, never copied.
    pub(crate) fn record<T: DeserializeOwned>(&self) -> Option<T> {
        #[derive(serde::Deserialize)]
        struct Wrapped<T> {
            data: T,
        }
        serde_json::from_slice::<Wrapped<T>>(&self.body)
            .map(|wrapped| wrapped.data)
            .or_else(|_| serde_json::from_slice::<T>(&self.body))
            .ok()
    }

    /// The error this answer stands for, with RunCloud's message when it sent
    /// one, made safe to show (see [`api_error`]).
    pub(crate) fn to_error(&self, secrets: &[&str]) -> Error {
        api_error(self.status, &self.body, secrets)
    }
}

/// The error for an error status: RunCloud's message (redacted after
/// decoding, cleaned, bounded), or the status's reason phrase.
fn api_error(status: u16, body: &[u8], secrets: &[&str]) -> Error {
    let body: ErrorBody = serde_json::from_slice(body).unwrap_or_default();
    let message = body
        .summary()
        .map(|message| redact::clean_message(&message, secrets))
        .filter(|message| !message.is_empty())
        .unwrap_or_else(|| reason_phrase(status).to_string());
    Error::Api { status, message }
}

fn classify(error: &serde_json::Error) -> &'static str {
    match error.classify() {
        serde_json::error::Category::Io => "read error",
        serde_json::error::Category::Syntax => "malformed",
        serde_json::error::Category::Data => "wrong shape",
        serde_json::error::Category::Eof => "truncated",
    }
}

fn reason_phrase(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("unexpected status")
}

/// A client of the RunCloud account for one extension call, addressing one of
/// its web apps: the primary app of the configuration unless
/// [`Client::for_app`] names another. Its deadline starts when it is created.
/// Shares the process's agent; a clone shares the deadline and the rate-limit
/// estimate too (pages fetched in parallel, another app of the account).
///
/// Nothing is kept per app: RunCloud's rate limit is the account's, so what
/// its headers say while one app is addressed is the budget of all of them.
#[derive(Debug, Clone)]
pub struct Client {
    config: Config,
    /// The web app this client addresses.
    app: App,
    deadline: Instant,
    /// The credentials in every form they could come back in.
    secrets: Vec<Secret>,
    authorization: Secret,
    agent: Agent,
    rate: Arc<Mutex<RateLimit>>,
    pace_across_windows: bool,
}

impl Client {
    /// A client for the primary app `config` names; the call's deadline starts now.
    pub fn new(config: Config) -> Self {
        let authorization = authorization(&config.credentials);
        let mut secrets: Vec<Secret> = config
            .credentials
            .secret_values()
            .into_iter()
            .map(Secret::new)
            .collect();
        if let Some(("Basic", encoded)) = authorization.split_once(' ') {
            secrets.push(Secret::new(encoded));
        }
        // A proxy URL may carry a user and password.
        let proxy = config.proxy.as_ref().map(Secret::expose);
        if let Some(url) = proxy.filter(|url| url.contains('@')) {
            secrets.push(Secret::new(url));
        }
        let authorization = Secret::new(authorization);
        let https = config.base_url.as_str().starts_with("https://");
        let agent = crate::agent::agent(proxy, https);
        let now = Instant::now();
        Client {
            // Clamped: limits built without `Limits::clamped` must not panic here.
            deadline: now
                .checked_add(config.limits.deadline.min(MAX_DURATION))
                .unwrap_or(now),
            app: config.app,
            config,
            secrets,
            authorization,
            agent,
            rate: Arc::new(Mutex::new(RateLimit::default())),
            pace_across_windows: false,
        }
    }

    /// Lets a 429 wait for the next rate-limit window (at most one window a
    /// wait) even past `max_retry_wait`: for background work that would rather
    /// be slow than fail. The number of retries stays bounded by `max_retries`,
    /// and a wait that would pass the call's deadline ends the call instead.
    pub fn pacing_across_windows(mut self, pace: bool) -> Self {
        self.pace_across_windows = pace;
        self
    }

    /// This client addressing `app`, another web app of the same account (or
    /// the primary one again), with the same credentials, deadline and
    /// rate-limit estimate: a clone of the client before it shares them with it.
    pub fn for_app(mut self, app: App) -> Self {
        self.app = app;
        self
    }

    /// The web app this client addresses.
    pub fn app(&self) -> App {
        self.app
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The calls a window allows, as RunCloud last reported it, if it did.
    pub fn rate_limit(&self) -> Option<u32> {
        self.rate.locked().limit()
    }

    /// The remaining calls RunCloud last reported for this window, if any.
    pub fn rate_remaining(&self) -> Option<u32> {
        self.rate.locked().remaining()
    }

    /// The credentials in every form a message could carry them.
    pub(crate) fn secrets(&self) -> Vec<&str> {
        self.secrets.iter().map(Secret::expose).collect()
    }

    /// Text from RunCloud made safe to show (see [`redact::clean_message`]).
    pub(crate) fn clean(&self, text: &str) -> String {
        redact::clean_message(text, &self.secrets())
    }

    /// The path of the web app this client addresses, plus `rest`.
    pub(crate) fn app_path(&self, rest: &str) -> String {
        self.app.path(rest)
    }

    /// Time left before this call's deadline.
    fn time_left(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// The error for a call whose deadline ran out, naming the last failure.
    fn deadline_error(&self, last: Option<&Error>) -> Error {
        let budget = self.config.limits.deadline.as_secs_f64();
        let detail = match last {
            Some(error) => format!("the call's deadline of {budget} s ran out (last: {error})"),
            None => format!("the call's deadline of {budget} s ran out"),
        };
        Error::Transport {
            kind: TransportKind::Deadline,
            detail,
        }
    }

    /// Waits `pause`, unless that would pass the deadline.
    pub(crate) fn sleep(&self, pause: Duration, last: Option<&Error>) -> Result<()> {
        if pause >= self.time_left() {
            return Err(self.deadline_error(last));
        }
        std::thread::sleep(pause);
        Ok(())
    }

    /// Exponential backoff with jitter for retry number `attempt`, or
    /// RunCloud's Retry-After when longer; `None` when the call's retry budget
    /// (`max_retries`, `max_retry_wait`) does not allow another attempt. With
    /// `pace_across_windows`, a 429 may wait for the next window (at most
    /// [`RATE_WINDOW`] a wait) past `max_retry_wait`; the deadline still bounds
    /// every wait (see [`Client::sleep`]).
    pub(crate) fn retry_pause(
        &self,
        attempt: u32,
        waited: Duration,
        retry_after: Option<Duration>,
        rate_limited: bool,
    ) -> Option<Duration> {
        let limits = self.config.limits;
        if attempt >= limits.max_retries {
            return None;
        }
        let pause = retry_after.unwrap_or(Duration::ZERO).max(backoff(attempt));
        let next_window = self.pace_across_windows && rate_limited && pause <= RATE_WINDOW;
        // Saturating: a Retry-After of any size must end the retries, not overflow.
        (waited.saturating_add(pause) <= limits.max_retry_wait || next_window).then_some(pause)
    }

    /// Sends `call`: a 2xx or an accepted status is an answer, anything else an
    /// error. Failures are retried within the call's bounds only when sending
    /// again is safe: always for idempotent methods when the failure is
    /// transient; for a POST only when it surely was not processed (connection
    /// refused, 429, 503 with Retry-After). Any other POST failure is returned,
    /// and the caller converges by looking.
    pub(crate) fn send(&self, call: &Call) -> Result<Answer> {
        self.send_for(call, Ok)
    }

    /// [`Client::send`], telling with a failure whether it surely was not
    /// processed (429, 503 with Retry-After, connection refused). For a call
    /// that is not idempotent this covers every attempt: it is sent again
    /// only after such a failure, so nothing needs looking for.
    pub(crate) fn send_telling(&self, call: &Call) -> std::result::Result<Answer, Failed> {
        self.attempt_all(call, Ok)
    }

    /// Sends a GET and parses its 2xx body as `T`. A body that does not parse
    /// is retried like any failure of a read (and parsed once, not validated
    /// first).
    pub(crate) fn get_json<T: DeserializeOwned>(&self, path: String) -> Result<T> {
        self.send_for(&Call::get(path), |answer| answer.json())
    }

    /// [`Client::send`], with `read` turning the answer into the result; a
    /// failure to read a 2xx counts as a failed attempt.
    fn send_for<T>(&self, call: &Call, read: impl Fn(Answer) -> Result<T>) -> Result<T> {
        self.attempt_all(call, read).map_err(|failed| failed.error)
    }

    /// The attempts of [`Client::send_for`], a failure telling whether it
    /// surely was not processed.
    fn attempt_all<T>(
        &self,
        call: &Call,
        read: impl Fn(Answer) -> Result<T>,
    ) -> std::result::Result<T, Failed> {
        let mut waited = Duration::ZERO;
        let mut attempt = 0;
        let mut last: Option<Error> = None;
        loop {
            let outcome = self.attempt(call).and_then(|answer| {
                if answer.is_success() || call.accept.contains(&answer.status) {
                    let retried = attempt > 0;
                    read(Answer { retried, ..answer }).map(Ok)
                } else {
                    Ok(Err(answer))
                }
            });
            let (error, retry_after) = match outcome {
                Ok(Ok(result)) => return Ok(result),
                Ok(Err(answer)) => (answer.to_error(&self.secrets()), answer.retry_after),
                // Out of time during a retry: say what was being retried.
                Err(Error::Transport {
                    kind: TransportKind::Deadline,
                    ..
                }) if last.is_some() => {
                    return Err(Failed::maybe(self.deadline_error(last.as_ref())))
                }
                Err(error) => (error, None),
            };
            let unprocessed = surely_not_processed(&error, retry_after);
            let safe = if call.idempotent {
                // Sending it again is harmless, so an unreadable answer is worth another try too.
                error.is_retryable_now() || matches!(error, Error::InvalidResponse { .. })
            } else {
                unprocessed
            };
            let rate_limited = matches!(error, Error::Api { status: 429, .. });
            let pause = match self.retry_pause(attempt, waited, retry_after, rate_limited) {
                Some(pause) if safe => pause,
                _ => return Err(Failed { error, unprocessed }),
            };
            self.sleep(pause, Some(&error))
                .map_err(|error| Failed { error, unprocessed })?;
            waited += pause;
            attempt += 1;
            last = Some(error);
        }
    }

    /// One HTTP exchange. Transport failures are errors; every status is an answer.
    fn attempt(&self, call: &Call) -> Result<Answer> {
        let (ticket, pause) = self.rate.locked().next_request();
        if !pause.is_zero() {
            self.sleep(pause, None)?;
        }
        let left = self.time_left();
        if left.is_zero() {
            return Err(self.deadline_error(None));
        }
        let limits = self.config.limits;
        let cut_by_deadline = left < limits.timeout;
        let uri = format!(
            "{}/api/{}{}",
            self.config.base_url.as_str(),
            self.config.api_version().as_str(),
            call.path
        );
        let builder = Request::builder()
            .method(call.method.clone())
            .uri(uri)
            .header("Accept", "application/json")
            .header("Authorization", self.authorization.expose());
        let timeouts = (limits.timeout.min(left), limits.connect_timeout.min(left));
        // A bodyless PUT or POST still gets `Content-Length: 0`: without a body
        // ureq would announce a chunked one, which some servers refuse.
        let carries_body = matches!(call.method, Method::POST | Method::PUT | Method::PATCH);
        let sent = match (&call.body, carries_body) {
            (Some(bytes), _) => run(
                &self.agent,
                builder
                    .header("Content-Type", "application/json")
                    .body(bytes.as_slice()),
                timeouts,
            ),
            (None, true) => run(&self.agent, builder.body(&[][..]), timeouts),
            (None, false) => run(&self.agent, builder.body(()), timeouts),
        };
        let response = sent?.map_err(|error| self.transport_error(error, cut_by_deadline))?;
        let limit = header_u64(&response, "x-ratelimit-limit");
        let remaining = header_u64(&response, "x-ratelimit-remaining");
        self.rate.locked().observe(ticket, limit, remaining);
        let retry_after = header_u64(&response, "retry-after").map(Duration::from_secs);
        let status = response.status().as_u16();
        let body = response
            .into_body()
            .with_config()
            .limit(MAX_BODY_BYTES)
            .read_to_vec()
            .map_err(|error| self.body_error(status, error, cut_by_deadline))?;
        // Every RunCloud endpoint answers JSON; a 2xx that is not JSON at all
        // (a proxy's page) did not come from RunCloud and is no success. A JSON
        // body of any shape is RunCloud's, and its 2xx means done.
        // Reads are parsed where they are wanted (`get_json`), so only changes
        // are checked here.
        if (200..300).contains(&status)
            && call.method != Method::GET
            && !body.is_empty()
            && serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_err()
        {
            return Err(Error::invalid_response(
                status,
                "a success status with a body that is not JSON",
            ));
        }
        Ok(Answer {
            status,
            body,
            retry_after,
            retried: false,
        })
    }

    /// Maps ureq's errors onto the kinds callers act on; a timeout that the
    /// deadline shortened is the deadline's.
    fn transport_error(&self, error: ureq::Error, cut_by_deadline: bool) -> Error {
        let kind = transport_kind(&error);
        if kind == TransportKind::Timeout && cut_by_deadline {
            return self.deadline_error(None);
        }
        Error::Transport {
            kind,
            detail: self.clean(&error.to_string()),
        }
    }

    /// A body that could not be read whole. The status line arrived, so unless
    /// the clock ran out this is a broken answer rather than an unreachable
    /// RunCloud; the request may well have been carried out.
    fn body_error(&self, status: u16, error: ureq::Error, cut_by_deadline: bool) -> Error {
        if let ureq::Error::BodyExceedsLimit(_) = error {
            return Error::invalid_response(status, "the body is larger than the client accepts");
        }
        match self.transport_error(error, cut_by_deadline) {
            timeout @ Error::Transport {
                kind: TransportKind::Timeout | TransportKind::Deadline,
                ..
            } => timeout,
            _ => Error::invalid_response(
                status,
                "the connection closed before the whole body arrived (truncated)",
            ),
        }
    }
}

/// Sends `request` over the process's agent with these (whole, connect) timeouts.
fn run<S: AsSendBody>(
    agent: &Agent,
    request: std::result::Result<Request<S>, http::Error>,
    (timeout, connect): (Duration, Duration),
) -> Result<std::result::Result<Response<Body>, ureq::Error>> {
    let request = request.map_err(|_| Error::Config("the API URL cannot be used".into()))?;
    let request = agent
        .configure_request(request)
        .timeout_global(Some(timeout))
        .timeout_connect(Some(connect))
        .build();
    Ok(agent.run(request))
}

/// A failed call: the error, and whether the call surely was not processed.
#[derive(Debug)]
pub(crate) struct Failed {
    /// What went wrong.
    pub error: Error,
    /// True when RunCloud surely did not act on the call.
    pub unprocessed: bool,
}

impl Failed {
    /// A failure after which the call may have been carried out.
    fn maybe(error: Error) -> Failed {
        Failed {
            error,
            unprocessed: false,
        }
    }
}

/// Whether a failed request surely never reached RunCloud's application, so
/// sending it again cannot repeat a change: no connection was made, or RunCloud
/// refused it before doing anything (rate limit; maintenance that says when to
/// come back).
fn surely_not_processed(error: &Error, retry_after: Option<Duration>) -> bool {
    match error {
        Error::Api { status: 429, .. } => true,
        Error::Api { status: 503, .. } => retry_after.is_some(),
        Error::Transport { kind, .. } => matches!(kind, TransportKind::Connect),
        _ => false,
    }
}

fn authorization(credentials: &Credentials) -> String {
    match credentials {
        Credentials::Token(token) => format!("Bearer {}", token.expose()),
        Credentials::KeyPair { key, secret } => {
            let pair = format!("{}:{}", key.expose(), secret.expose());
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(pair)
            )
        }
    }
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

fn transport_kind(error: &ureq::Error) -> TransportKind {
    match error {
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
    }
}

fn is_tls_message(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client_of(server_id: &str, app_id: &str) -> Client {
        use crate::config::tests::Constants;
        use crate::config::{Limits, APP_ID, SERVER_ID, TOKEN};
        let constants = Constants::of(&[(TOKEN, "t"), (SERVER_ID, server_id), (APP_ID, app_id)]);
        Client::new(Config::from_constants(&constants, Limits::default()).unwrap())
    }

    #[test]
    fn a_client_addresses_the_primary_app_unless_told_another() {
        let primary = client_of("12345", "67890");
        assert_eq!(primary.app().to_string(), "12345:67890");
        assert_eq!(
            primary.app_path("/domains?page=1&perPage=40"),
            "/servers/12345/webapps/67890/domains?page=1&perPage=40"
        );
        let other = primary.clone().for_app(App::parse("12346:67891").unwrap());
        assert_eq!(other.app_path(""), "/servers/12346/webapps/67891");
        assert_eq!(
            other.app_path("/ssl/advanced"),
            "/servers/12346/webapps/67891/ssl/advanced"
        );
        assert_eq!(
            primary.app_path(""),
            "/servers/12345/webapps/67890",
            "the primary is still addressed by the client it came from"
        );
        assert_eq!(other.config(), primary.config());
    }

    #[test]
    fn every_app_of_a_client_shares_one_rate_limit_estimate_and_deadline() {
        let primary = client_of("1", "1");
        let other = primary.clone().for_app(App::parse("2:5").unwrap());
        let (ticket, _) = other.rate.locked().next_request();
        other.rate.locked().observe(ticket, Some(60), Some(7));
        assert_eq!(primary.rate_limit(), Some(60));
        assert_eq!(
            primary.rate_remaining(),
            Some(7),
            "one budget, the account's"
        );
        let (_, pause) = primary.rate.locked().next_request();
        assert!(
            !pause.is_zero(),
            "the primary paces by what the other app's answer said"
        );
        assert_eq!(other.rate_remaining(), Some(6));
        assert_eq!(primary.deadline, other.deadline);
    }

    #[test]
    fn basic_credentials_are_base64() {
        let credentials = Credentials::KeyPair {
            key: crate::config::Secret::new("foo"),
            secret: crate::config::Secret::new("bar"),
        };
        assert_eq!(authorization(&credentials), "Basic Zm9vOmJhcg==");
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert!(backoff(0) >= BACKOFF_START && backoff(0) < BACKOFF_START * 2);
        assert!(backoff(1) >= BACKOFF_START * 2);
        assert!(backoff(20) <= BACKOFF_CAP + BACKOFF_CAP / 4);
    }

    #[test]
    fn a_post_is_resent_only_when_surely_not_processed() {
        let api = |status| Error::Api {
            status,
            message: String::new(),
        };
        let transport = |kind| Error::Transport {
            kind,
            detail: String::new(),
        };
        let wait = Some(Duration::from_secs(1));
        assert!(surely_not_processed(&api(429), None));
        assert!(surely_not_processed(&api(503), wait));
        assert!(surely_not_processed(
            &transport(TransportKind::Connect),
            None
        ));
        assert!(!surely_not_processed(&api(503), None));
        for status in [500, 502, 504] {
            assert!(!surely_not_processed(&api(status), wait), "{status}");
        }
        for kind in [TransportKind::Reset, TransportKind::Timeout] {
            assert!(!surely_not_processed(&transport(kind), None), "{kind:?}");
        }
    }

    #[test]
    fn error_answers_carry_runcloud_message_or_reason() {
        let message = br#"{"message":"Your plan does not allow API access."}"#;
        assert_eq!(
            api_error(403, message, &[]).to_string(),
            "RunCloud API error 403: Your plan does not allow API access."
        );
        assert_eq!(
            api_error(502, b"<html>bad gateway</html>", &[]).to_string(),
            "RunCloud API error 502: Bad Gateway"
        );
    }

    #[test]
    fn escaped_credentials_are_redacted_after_decoding() {
        let body = br#"{"message":"bad token a\/b\u0063-123 and a/bc-123"}"#;
        let error = api_error(401, body, &["a/bc-123"]).to_string();
        assert_eq!(
            error,
            "RunCloud API error 401: bad token [redacted] and [redacted]"
        );
    }

    proptest::proptest! {
        /// Any status and body make an answer whose readers and error neither
        /// panic nor pass on a credential, a control character or a long text.
        #[test]
        fn api_responses_never_panic(
            status in proptest::prelude::any::<u16>(),
            bytes in crate::model::arbitrary::body_bytes(),
            wait in proptest::prelude::any::<Option<u16>>(),
        ) {
            use proptest::{prop_assert, prop_assert_eq};
            let response = Answer {
                status,
                body: bytes,
                retry_after: wait.map(|s| Duration::from_secs(s.into())),
                retried: false,
            };
            let _ = response.is_success();
            if let Err(error) = response.json::<crate::model::Page<crate::model::Domain>>() {
                let is_invalid = matches!(error, Error::InvalidResponse { status: s, .. } if s == status);
                prop_assert!(is_invalid, "{:?}", error);
            }
            let _ = response.json::<serde_json::Value>();
            let _ = response.json::<crate::model::SslMode>();
            let _ = response.record::<crate::model::Domain>();
            match response.to_error(&["secret"]) {
                Error::Api { status: s, message } => {
                    prop_assert_eq!(s, status);
                    prop_assert!(!message.is_empty());
                    prop_assert!(!message.contains("secret"));
                    prop_assert!(message.chars().count() <= 301);
                    prop_assert!(!message.chars().any(char::is_control));
                }
                other => prop_assert!(false, "{:?}", other),
            }
        }
    }
}
