//! The one error type of the core, and what callers may do about each case.

use std::fmt;

/// Result type used throughout the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong between a PHP call and RunCloud's answer.
///
/// Messages never carry credentials or certificate material: the client never
/// puts them there, and the PHP layer scrubs configured secrets once more before
/// throwing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// Required constants are missing or hold unusable values.
    /// The message names constants, never their values.
    Config(String),
    /// A domain name failed validation; nothing was sent to RunCloud.
    InvalidDomain {
        /// The rejected input, escaped and shortened for display.
        input: String,
        /// Why it was rejected.
        reason: String,
    },
    /// RunCloud answered with a status that is not a success.
    Api {
        /// The HTTP status.
        status: u16,
        /// RunCloud's `message` (plus its first validation error, if any).
        message: String,
    },
    /// RunCloud answered with a body that could not be understood.
    InvalidResponse {
        /// The HTTP status that came with the body.
        status: u16,
        /// What was wrong with it (never the body itself).
        detail: String,
    },
    /// The request did not complete: DNS, connect, TLS, timeout or a dropped connection.
    Transport {
        /// Which kind of failure.
        kind: TransportKind,
        /// A short description from the HTTP stack.
        detail: String,
    },
    /// The operation would touch a domain that must never be removed.
    ProtectedDomain(String),
    /// The domain list kept changing during every walk through it, so whether
    /// a name is on the app could not be settled; worth trying again later.
    Unsettled(String),
}

/// The kinds of transport failure, so callers can tell "RunCloud is down" from
/// "our TLS setup is wrong".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    /// The host name did not resolve.
    Dns,
    /// No connection could be made.
    Connect,
    /// The TLS handshake failed, e.g. an untrusted certificate.
    Tls,
    /// The request took longer than the configured timeout.
    Timeout,
    /// The connection was closed before a whole response arrived.
    Reset,
    /// The call's overall deadline (`wu_runcloud.deadline`) ran out, across
    /// every attempt, pause and page.
    Deadline,
}

impl TransportKind {
    /// A short lowercase name used in messages and diagnostics.
    pub fn as_str(self) -> &'static str {
        match self {
            TransportKind::Dns => "dns",
            TransportKind::Connect => "connect",
            TransportKind::Tls => "tls",
            TransportKind::Timeout => "timeout",
            TransportKind::Reset => "reset",
            TransportKind::Deadline => "deadline",
        }
    }
}

/// Statuses RunCloud (or a proxy in front of it) uses for "try again later".
const RETRY_LATER_STATUSES: [u16; 5] = [429, 500, 502, 503, 504];

/// Statuses worth retrying within the same call: rate limiting and gateway trouble.
/// A 500 is left to the caller's durable retry, since it is often not transient.
const RETRY_NOW_STATUSES: [u16; 4] = [429, 502, 503, 504];

impl Error {
    /// Whether the same operation may succeed if tried again later.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api { status, .. } => RETRY_LATER_STATUSES.contains(status),
            Error::InvalidResponse { .. } | Error::Transport { .. } | Error::Unsettled(_) => true,
            Error::Config(_) | Error::InvalidDomain { .. } | Error::ProtectedDomain(_) => false,
        }
    }

    /// Whether the client should retry at once, inside the same call.
    /// Timeouts are not: another full timeout would break the call's time bound.
    pub(crate) fn is_retryable_now(&self) -> bool {
        match self {
            Error::Api { status, .. } => RETRY_NOW_STATUSES.contains(status),
            Error::Transport { kind, .. } => {
                matches!(kind, TransportKind::Reset | TransportKind::Connect)
            }
            _ => false,
        }
    }

    /// Whether a request that failed this way may still have been carried out
    /// by RunCloud (a gateway gave up waiting, the answer was lost or cut), so
    /// that a change must be looked for before it is made again.
    pub fn may_have_been_applied(&self) -> bool {
        match self {
            Error::Api { status, .. } => *status >= 500,
            Error::InvalidResponse { .. } => true,
            Error::Transport { kind, .. } => matches!(
                kind,
                TransportKind::Timeout | TransportKind::Reset | TransportKind::Deadline
            ),
            _ => false,
        }
    }

    pub(crate) fn invalid_domain(input: &str, reason: impl Into<String>) -> Self {
        Error::InvalidDomain {
            input: printable(input),
            reason: reason.into(),
        }
    }

    pub(crate) fn invalid_response(status: u16, detail: impl Into<String>) -> Self {
        Error::InvalidResponse {
            status,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(message) => write!(f, "RunCloud configuration: {message}"),
            Error::InvalidDomain { input, reason } => {
                write!(f, "invalid domain name \"{input}\": {reason}")
            }
            Error::Api { status, message } => write!(f, "RunCloud API error {status}: {message}"),
            Error::InvalidResponse { status, detail } => {
                write!(
                    f,
                    "RunCloud returned an unreadable response (HTTP {status}): {detail}"
                )
            }
            Error::Transport { kind, detail } => {
                write!(f, "could not reach RunCloud ({}): {detail}", kind.as_str())
            }
            Error::ProtectedDomain(message) => write!(f, "{message}"),
            Error::Unsettled(message) => write!(f, "RunCloud's domain list {message}"),
        }
    }
}

impl std::error::Error for Error {}

/// Longest input echoed back in an error message.
const MAX_ECHO_CHARS: usize = 80;

/// Makes untrusted input safe to show: control characters escaped, length bounded.
pub(crate) fn printable(input: &str) -> String {
    let mut shown: String = input
        .chars()
        .take(MAX_ECHO_CHARS)
        .flat_map(|c| c.escape_debug())
        .collect();
    if input.chars().count() > MAX_ECHO_CHARS {
        shown.push('…');
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_classification_follows_status() {
        let api = |status| Error::Api {
            status,
            message: String::new(),
        };
        assert!(api(429).is_retryable_now());
        assert!(api(503).is_retryable_now());
        assert!(!api(500).is_retryable_now());
        assert!(api(500).is_retryable());
        for status in [400, 401, 403, 404, 422] {
            assert!(!api(status).is_retryable(), "{status}");
            assert!(!api(status).is_retryable_now(), "{status}");
        }
    }

    #[test]
    fn timeouts_are_retryable_later_but_not_now() {
        let timeout = Error::Transport {
            kind: TransportKind::Timeout,
            detail: "timed out".into(),
        };
        assert!(timeout.is_retryable());
        assert!(!timeout.is_retryable_now());
    }

    #[test]
    fn invalid_input_is_escaped_and_bounded() {
        let err = Error::invalid_domain("a\r\nb\0", "bad");
        assert_eq!(err.to_string(), "invalid domain name \"a\\r\\nb\\0\": bad");
        let long = "x".repeat(500);
        let shown = Error::invalid_domain(&long, "too long").to_string();
        assert!(shown.len() < 120, "{shown}");
    }

    #[test]
    fn api_error_names_status_and_message() {
        let err = Error::Api {
            status: 401,
            message: "Unauthenticated.".into(),
        };
        assert_eq!(err.to_string(), "RunCloud API error 401: Unauthenticated.");
    }
}
