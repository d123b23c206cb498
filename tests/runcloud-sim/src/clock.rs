//! The simulator's movable clock, and timestamps in the form RunCloud shows them:
//! `2024-07-09 07:02:13`, UTC.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The time Let's Encrypt's windows and the certificates' dates are read from: real time plus
/// an offset the control API moves forward, so a test can step past a 7-day window at once.
/// It only ever moves forward, as a window's arithmetic assumes.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SimClock {
    offset: Duration,
}

impl SimClock {
    /// Monotonic "now", for the windows.
    pub(crate) fn instant(&self) -> Instant {
        Instant::now() + self.offset
    }

    /// Wall-clock "now", for the dates a certificate shows.
    pub(crate) fn system(&self) -> SystemTime {
        SystemTime::now() + self.offset
    }

    pub(crate) fn advance(&mut self, by: Duration) {
        self.offset = self.offset.saturating_add(by);
    }

    pub(crate) fn offset(&self) -> Duration {
        self.offset
    }
}

const SECONDS_PER_DAY: u64 = 86_400;

/// Formats a time as `YYYY-MM-DD HH:MM:SS` in UTC.
pub(crate) fn format_timestamp(time: SystemTime) -> String {
    let seconds = time
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let (year, month, day) = civil_date(seconds / SECONDS_PER_DAY);
    let in_day = seconds % SECONDS_PER_DAY;
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60
    )
}

/// The timestamp `days` days after `time`.
pub(crate) fn format_days_after(time: SystemTime, days: u64) -> String {
    format_timestamp(time + Duration::from_secs(days * SECONDS_PER_DAY))
}

/// Converts days since 1970-01-01 to a proleptic Gregorian (year, month, day).
///
/// Works in 400-year eras (146,097 days each) counted from 0000-03-01, so that the leap day
/// falls at the end of the counted year and the month lengths follow a simple pattern.
fn civil_date(days_since_epoch: u64) -> (u64, u64, u64) {
    const DAYS_FROM_YEAR_ZERO_MARCH: u64 = 719_468;
    let days = days_since_epoch + DAYS_FROM_YEAR_ZERO_MARCH;
    let era = days / 146_097;
    let day_of_era = days % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let march_based_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * march_based_month + 2) / 5 + 1;
    let month = if march_based_month < 10 {
        march_based_month + 3
    } else {
        march_based_month - 9
    };
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: u64) -> String {
        format_timestamp(UNIX_EPOCH + Duration::from_secs(seconds))
    }

    #[test]
    fn formats_known_instants() {
        assert_eq!(at(0), "1970-01-01 00:00:00");
        assert_eq!(at(1_720_508_533), "2024-07-09 07:02:13");
        assert_eq!(at(951_782_400), "2000-02-29 00:00:00");
        assert_eq!(at(4_107_542_399), "2100-02-28 23:59:59");
    }
}
