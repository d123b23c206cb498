//! A fixed-window request limit with Laravel's throttle headers.

use std::time::{Duration, Instant};

use crate::http::Response;

/// Counts API requests in fixed windows that start with the first request after the previous
/// window ended.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    limit: u32,
    window: Duration,
    window_start: Option<Instant>,
    used: u32,
}

/// What the limiter says about one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// No limit configured: no headers are sent.
    Unlimited,
    Allowed {
        limit: u32,
        remaining: u32,
    },
    Limited {
        limit: u32,
        retry_after_secs: u64,
    },
}

impl RateLimiter {
    /// `limit` requests per `window`; 0 means unlimited.
    pub(crate) fn new(limit: u32, window: Duration) -> Self {
        RateLimiter {
            limit,
            window: window.max(Duration::from_millis(1)),
            window_start: None,
            used: 0,
        }
    }

    pub(crate) fn limit(&self) -> u32 {
        self.limit
    }

    pub(crate) fn window(&self) -> Duration {
        self.window
    }

    /// Counts one request if the window has room.
    pub(crate) fn take(&mut self, now: Instant) -> Verdict {
        let verdict = self.peek(now);
        if let Verdict::Allowed { limit, remaining } = verdict {
            self.window_start.get_or_insert(now);
            self.used += 1;
            return Verdict::Allowed {
                limit,
                remaining: remaining - 1,
            };
        }
        verdict
    }

    /// The state a request would see, without counting it (for answers given before the
    /// throttle, such as 401).
    pub(crate) fn peek(&mut self, now: Instant) -> Verdict {
        if self.limit == 0 {
            return Verdict::Unlimited;
        }
        if let Some(start) = self.window_start {
            if now.duration_since(start) >= self.window {
                self.window_start = None;
                self.used = 0;
            }
        }
        if self.used < self.limit {
            return Verdict::Allowed {
                limit: self.limit,
                remaining: self.limit - self.used,
            };
        }
        let start = self.window_start.unwrap_or(now);
        let left = self.window.saturating_sub(now.duration_since(start));
        // Rounded up, so a client waiting that long always finds the new window.
        let retry_after_secs = left.as_millis().div_ceil(1000).max(1) as u64;
        Verdict::Limited {
            limit: self.limit,
            retry_after_secs,
        }
    }
}

impl Verdict {
    /// Adds `X-RateLimit-Limit` and `X-RateLimit-Remaining` (and `Retry-After` once limited).
    pub(crate) fn annotate(self, response: Response) -> Response {
        match self {
            Verdict::Unlimited => response,
            Verdict::Allowed { limit, remaining } => response
                .with_header("X-RateLimit-Limit", limit)
                .with_header("X-RateLimit-Remaining", remaining),
            Verdict::Limited {
                limit,
                retry_after_secs,
            } => response
                .with_header("X-RateLimit-Limit", limit)
                .with_header("X-RateLimit-Remaining", 0)
                .with_header("Retry-After", retry_after_secs),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_within_a_window_and_reopens_after_it() {
        let start = Instant::now();
        let mut limiter = RateLimiter::new(2, Duration::from_secs(10));
        assert_eq!(
            limiter.take(start),
            Verdict::Allowed {
                limit: 2,
                remaining: 1
            }
        );
        assert_eq!(
            limiter.take(start),
            Verdict::Allowed {
                limit: 2,
                remaining: 0
            }
        );
        assert_eq!(
            limiter.take(start + Duration::from_millis(2_500)),
            Verdict::Limited {
                limit: 2,
                retry_after_secs: 8
            }
        );
        assert_eq!(
            limiter.take(start + Duration::from_secs(10)),
            Verdict::Allowed {
                limit: 2,
                remaining: 1
            }
        );
    }

    #[test]
    fn peeking_counts_nothing() {
        let now = Instant::now();
        let mut limiter = RateLimiter::new(1, Duration::from_secs(1));
        assert_eq!(
            limiter.peek(now),
            Verdict::Allowed {
                limit: 1,
                remaining: 1
            }
        );
        assert_eq!(
            limiter.take(now),
            Verdict::Allowed {
                limit: 1,
                remaining: 0
            }
        );
    }

    #[test]
    fn zero_means_unlimited() {
        let mut limiter = RateLimiter::new(0, Duration::from_secs(1));
        assert_eq!(limiter.take(Instant::now()), Verdict::Unlimited);
    }
}
