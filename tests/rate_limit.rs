//! RunCloud's rate limit (60 calls a minute in production) must slow a long
//! listing down, never fail it: the client spaces calls out when the window
//! runs low and waits as long as a 429's `Retry-After` asks.

mod common;

use std::time::{Duration, Instant};

use runcloud_sim::{SimConfig, Simulator};
use wu_runcloud::{operations, Client, Limits};

use common::{client_from, constants_for, fast_limits, Auth};

/// Room for several windows of waiting within one call.
fn patient_limits() -> Limits {
    Limits {
        max_retries: 5,
        max_retry_wait: Duration::from_secs(10),
        ..fast_limits()
    }
}

/// A simulator allowing `per_window` calls per `window`, with `domains` in all.
/// The client assumes RunCloud's one-minute window, so a limit of 60 makes its
/// pacing pause one second: the same rhythm as production, sixty times faster.
fn limited(per_window: u32, window: Duration, domains: usize) -> Simulator {
    Simulator::start(
        SimConfig::new()
            .extra_domains(domains - 1)
            .rate_limit(per_window)
            .rate_window(window),
    )
    .unwrap()
}

fn patient_client(sim: &Simulator, auth: Auth) -> Client {
    client_from(&constants_for(sim, auth), patient_limits())
}

#[test]
fn a_long_listing_is_paced_below_the_limit() {
    // 80 pages against 60 calls a second: the listing must span windows.
    let sim = limited(60, Duration::from_secs(1), 3_200);
    let started = Instant::now();
    let domains = operations::list_domains(&patient_client(&sim, Auth::V3)).unwrap();
    assert_eq!(domains.len(), 3_200);
    assert_eq!(sim.requests().len(), 80, "each page once");
    assert_eq!(
        sim.state().counters.rate_limited,
        0,
        "pacing kept every call inside the limit"
    );
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "it had to wait"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn a_window_used_up_by_someone_else_is_waited_out() {
    for auth in Auth::BOTH {
        // A window long enough that using it up surely ends inside it.
        let sim = limited(60, Duration::from_secs(2), 200);
        // Other PHP processes (each its own client) used the whole window;
        // this client knows nothing of it.
        for _ in 0..60 {
            operations::ssl_mode(&patient_client(&sim, auth)).unwrap();
        }
        let started = Instant::now();
        let domains = operations::list_domains(&patient_client(&sim, auth)).unwrap();
        assert_eq!(domains.len(), 200);
        let counters = sim.state().counters;
        assert!(counters.rate_limited >= 1, "{counters:?}");
        assert!(
            started.elapsed() >= Duration::from_millis(900),
            "Retry-After was honoured"
        );
        let statuses: Vec<Option<u16>> = sim.requests().iter().map(|r| r.status).collect();
        let limited_calls = statuses.iter().filter(|s| **s == Some(429)).count();
        assert_eq!(limited_calls as u64, counters.rate_limited);
        // Five pages, each answered 200 once, plus the 429s that were retried.
        let answered = statuses.iter().filter(|s| **s == Some(200)).count();
        assert_eq!(answered, 60 + 5);
    }
}
