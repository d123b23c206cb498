//! What RunCloud's answers said about the rate limit, and the spacing of
//! requests when the window runs low.

use std::time::Duration;

/// Below this many remaining calls in the window, requests are spaced out.
const LOW_WATERMARK: u32 = 8;
/// The window RunCloud's per-minute limit refers to.
const WINDOW: Duration = Duration::from_secs(60);
/// Longest pause before one request.
const MAX_PAUSE: Duration = Duration::from_secs(5);

/// The estimate of the window, adjusted for the requests sent since the last
/// answer. Requests are numbered as they leave, so an answer overtaken by a
/// newer one (pages are fetched in parallel) cannot raise the estimate again.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct RateLimit {
    limit: Option<u32>,
    remaining: Option<u32>,
    /// Requests sent so far; the last one's number.
    sent: u64,
    /// The number of the newest request whose answer was read.
    newest_answered: u64,
}

impl RateLimit {
    /// The calls a window allows, as last reported.
    pub(crate) fn limit(&self) -> Option<u32> {
        self.limit
    }

    /// The remaining calls last reported, less those sent since.
    pub(crate) fn remaining(&self) -> Option<u32> {
        self.remaining
    }

    /// Counts a request about to be sent: its number, and how long to wait
    /// before sending it so a burst slows down instead of collecting 429s.
    pub(crate) fn next_request(&mut self) -> (u64, Duration) {
        let pause = match (self.limit, self.remaining) {
            (Some(limit), Some(remaining)) if limit > 0 && remaining < LOW_WATERMARK => {
                (WINDOW / limit).min(MAX_PAUSE)
            }
            _ => Duration::ZERO,
        };
        self.remaining = self.remaining.map(|r| r.saturating_sub(1));
        self.sent += 1;
        (self.sent, pause)
    }

    /// Takes in the headers of the answer to request `ticket`. RunCloud counted
    /// neither the requests sent after it nor, perhaps, some sent before, so
    /// the estimate subtracts the ones sent after it and ignores answers
    /// already overtaken.
    pub(crate) fn observe(&mut self, ticket: u64, limit: Option<u64>, remaining: Option<u64>) {
        if ticket < self.newest_answered {
            return;
        }
        self.newest_answered = ticket;
        if let Some(limit) = limit {
            self.limit = u32::try_from(limit).ok();
        }
        if let Some(remaining) = remaining {
            let sent_since = u32::try_from(self.sent - ticket).unwrap_or(u32::MAX);
            self.remaining = u32::try_from(remaining)
                .ok()
                .map(|r| r.saturating_sub(sent_since));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paces_only_when_the_window_runs_low() {
        let mut rate = RateLimit::default();
        assert_eq!(rate.next_request(), (1, Duration::ZERO));
        rate.observe(1, Some(60), Some(30));
        assert_eq!(rate.next_request(), (2, Duration::ZERO));
        rate.observe(2, Some(60), Some(3));
        assert_eq!(rate.next_request(), (3, Duration::from_secs(1)));
        assert_eq!(rate.remaining(), Some(2));
    }

    #[test]
    fn an_overtaken_answer_does_not_raise_the_estimate() {
        let mut rate = RateLimit::default();
        let (first, _) = rate.next_request();
        let (second, _) = rate.next_request();
        rate.observe(second, Some(60), Some(10));
        rate.observe(first, Some(60), Some(50));
        assert_eq!(rate.remaining(), Some(10));
        let (third, _) = rate.next_request();
        let _ = rate.next_request();
        rate.observe(third, Some(60), Some(9));
        assert_eq!(rate.remaining(), Some(8), "one sent after the answered one");
    }
}
