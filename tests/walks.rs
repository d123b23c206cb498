//! Walks through the domain list and the call's deadline: a lying page count,
//! a list that keeps changing, and a server that answers each attempt just
//! inside the timeout all end, in a retryable error, within bounds.

mod common;

use std::time::{Duration, Instant};

use runcloud_sim::{Fault, SimConfig};
use serde_json::json;
use wu_runcloud::operations;
use wu_runcloud::{DomainName, Error, Limits, TransportKind};

use common::{client_from, constants_for, count, fast_limits, start, Auth};

fn name(text: &str) -> DomainName {
    DomainName::parse(text).unwrap()
}

/// A list page as RunCloud shapes it, with the pagination block given.
fn page(total: u64, total_pages: u64) -> serde_json::Value {
    json!({
        "data": [],
        "meta": {"pagination": {
            "total": total, "count": 0, "per_page": 40, "current_page": 1,
            "total_pages": total_pages, "links": {}
        }}
    })
}

#[test]
fn a_huge_page_count_in_a_lookup_walk_is_refused_not_walked() {
    for (total, total_pages) in [(1, 1_000_000_000), (u64::MAX, u64::MAX), (3, 50)] {
        let sim = start(SimConfig::new());
        sim.inject(
            Fault::status(200)
                .body(page(total, total_pages))
                .on_method("GET")
                .on_path("/domains?")
                .times(1000),
        );
        let client = client_from(&constants_for(&sim, Auth::V3), fast_limits());
        let error = operations::remove_domain(&client, &name("absent.example"), None).unwrap_err();
        assert!(
            matches!(error, Error::InvalidResponse { .. }),
            "{total_pages}: {error:?}"
        );
        assert!(error.is_retryable());
        assert!(
            sim.requests().len() <= 4,
            "{total_pages}: {}",
            sim.requests().len()
        );
    }
}

#[test]
fn empty_pages_short_of_the_announced_last_end_the_walk() {
    // A plausible count (100 pages for 4,000 domains) but nothing on any page.
    let sim = start(SimConfig::new());
    sim.inject(
        Fault::status(200)
            .body(page(4_000, 100))
            .on_method("GET")
            .on_path("/domains?")
            .times(1000),
    );
    let client = client_from(&constants_for(&sim, Auth::V3), fast_limits());
    let error = operations::remove_domain(&client, &name("absent.example"), None).unwrap_err();
    assert!(matches!(error, Error::Unsettled(_)), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(sim.requests().len(), 3, "one page a walk, three walks");
}

#[test]
fn a_list_that_keeps_changing_ends_in_a_retryable_error_not_in_not_found() {
    // A RunCloud whose search does not filter: the look-up walks the whole list.
    let sim = start(SimConfig::new().extra_domains(100).search_filters(false));
    sim.inject(
        Fault::churn()
            .on_method("GET")
            .on_path("/domains?")
            .times(1000),
    );
    let client = client_from(&constants_for(&sim, Auth::V2), fast_limits());
    let error = operations::remove_domain(&client, &name("absent.example"), None).unwrap_err();
    assert!(matches!(error, Error::Unsettled(_)), "{error:?}");
    assert!(error.is_retryable());
    assert!(error.to_string().contains("absent.example"), "{error}");
    assert_eq!(count(&sim, "DELETE", "/domains/"), 0);
    // Each walk stops at the first page that shows the change.
    assert_eq!(sim.requests().len(), 6, "two pages a walk, three walks");
}

#[test]
fn a_name_on_a_changing_list_is_still_found_and_removed() {
    let sim = start(SimConfig::new().extra_domains(100).search_filters(false));
    sim.seed_domain(runcloud_sim::DomainSeed::new("late.example"))
        .unwrap();
    // Only the first walk sees changes; the second settles.
    sim.inject(Fault::churn().on_method("GET").on_path("page=2&").times(1));
    let client = client_from(&constants_for(&sim, Auth::V3), fast_limits());
    assert!(operations::remove_domain(&client, &name("late.example"), None).unwrap());
    assert!(sim.state().domain("late.example").is_none());
}

fn assert_deadline(error: &Error) {
    let kind = match error {
        Error::Transport { kind, .. } => Some(*kind),
        _ => None,
    };
    assert_eq!(kind, Some(TransportKind::Deadline), "{error:?}");
    assert!(error.is_retryable());
}

/// Limits where each attempt may take a second and the whole call 2.5.
fn deadline_limits() -> Limits {
    Limits {
        timeout: Duration::from_secs(1),
        deadline: Duration::from_millis(2500),
        ..fast_limits()
    }
}

#[test]
fn a_walk_answered_just_inside_the_timeout_ends_at_the_deadline() {
    let sim = start(SimConfig::new().extra_domains(200).search_filters(false));
    sim.set_latency(Duration::from_millis(800));
    let client = client_from(&constants_for(&sim, Auth::V3), deadline_limits());
    let started = Instant::now();
    let error = operations::remove_domain(&client, &name("absent.example"), None).unwrap_err();
    let elapsed = started.elapsed();
    assert_deadline(&error);
    assert!(error.is_retryable());
    assert!(elapsed < Duration::from_millis(2800), "{elapsed:?}");
    assert!(elapsed >= Duration::from_millis(2400), "{elapsed:?}");
    assert!(sim.requests().len() <= 4, "{}", sim.requests().len());
}

#[test]
fn retries_answered_just_inside_the_timeout_end_at_the_deadline() {
    let sim = start(SimConfig::new());
    sim.set_latency(Duration::from_millis(800));
    sim.inject(Fault::status(503).times(10));
    let client = client_from(&constants_for(&sim, Auth::V2), deadline_limits());
    let started = Instant::now();
    let error = operations::list_domains(&client).unwrap_err();
    let elapsed = started.elapsed();
    assert_deadline(&error);
    assert!(
        error.to_string().contains("503"),
        "names the last failure: {error}"
    );
    assert!(elapsed < Duration::from_millis(2800), "{elapsed:?}");
}

#[test]
fn the_deadline_does_not_cut_a_call_that_fits() {
    let sim = start(SimConfig::new().extra_domains(100));
    sim.set_latency(Duration::from_millis(300));
    let client = client_from(&constants_for(&sim, Auth::V3), deadline_limits());
    assert_eq!(operations::list_domains(&client).unwrap().len(), 101);
}

/// Limits that allow no wait between retries, and a deadline of 2.5 s.
fn no_wait_limits() -> Limits {
    Limits {
        max_retry_wait: Duration::ZERO,
        ..deadline_limits()
    }
}

#[test]
fn pacing_across_windows_waits_for_the_next_window_within_the_deadline() {
    let sim = start(SimConfig::new());
    sim.inject(Fault::status(429).retry_after(1));
    let client =
        client_from(&constants_for(&sim, Auth::V3), no_wait_limits()).pacing_across_windows(true);
    let started = Instant::now();
    assert_eq!(operations::list_domains(&client).unwrap().len(), 1);
    assert!(started.elapsed() >= Duration::from_millis(950));
    assert_eq!(sim.requests().len(), 2, "the 429, then the page");
}

#[test]
fn without_pacing_a_rate_limit_past_the_wait_budget_ends_the_call() {
    let sim = start(SimConfig::new());
    sim.inject(Fault::status(429).retry_after(1));
    let client = client_from(&constants_for(&sim, Auth::V3), no_wait_limits());
    let error = operations::list_domains(&client).unwrap_err();
    assert!(matches!(error, Error::Api { status: 429, .. }), "{error:?}");
    assert_eq!(sim.requests().len(), 1);
}

#[test]
fn pacing_across_windows_never_waits_past_the_deadline() {
    let sim = start(SimConfig::new());
    sim.inject(Fault::status(429).retry_after(5).times(3));
    let client =
        client_from(&constants_for(&sim, Auth::V2), no_wait_limits()).pacing_across_windows(true);
    let started = Instant::now();
    let error = operations::list_domains(&client).unwrap_err();
    assert_deadline(&error);
    assert!(
        error.to_string().contains("429"),
        "names the last failure: {error}"
    );
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "ends at once, without waiting: {:?}",
        started.elapsed()
    );
    assert_eq!(sim.requests().len(), 1, "not sent again");
}

#[test]
fn pacing_across_windows_waits_at_most_one_window() {
    let sim = start(SimConfig::new());
    sim.inject(Fault::status(429).retry_after(61));
    let limits = Limits {
        deadline: Duration::from_secs(300),
        ..no_wait_limits()
    };
    let client = client_from(&constants_for(&sim, Auth::V3), limits).pacing_across_windows(true);
    let started = Instant::now();
    let error = operations::list_domains(&client).unwrap_err();
    assert!(matches!(error, Error::Api { status: 429, .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(sim.requests().len(), 1);
}
