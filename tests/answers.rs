//! Answers are bounded: a page or a record RunCloud cannot have sent (a broken
//! endpoint, a misconfigured proxy, a man in the middle) is refused as an
//! unreadable response before any of it is returned, and a huge deadline is
//! clamped rather than overflowing the clock.

mod common;

use std::time::Duration;

use runcloud_sim::{Fault, SimConfig};
use serde_json::{json, Value};
use wu_runcloud::operations::{self, MAX_LISTED_DOMAINS};
use wu_runcloud::{DomainName, Error, Limits};

use common::{client, client_from, constants_for, fast_limits, start, Auth};

/// A domain record as RunCloud shapes it.
fn domain(id: Value, name: &str) -> Value {
    json!({"id": id, "name": name, "type": "alias", "www": 0, "redirection": "none", "wildcard": 0})
}

/// A list page holding `data`, with `total` domains in all, 40 to a page.
fn page(data: Vec<Value>, total: u64) -> Value {
    json!({
        "data": data,
        "meta": {"pagination": {
            "total": total, "count": 0, "per_page": 40, "current_page": 1,
            "total_pages": total.div_ceil(40).max(1), "links": {}
        }}
    })
}

fn numbered(count: usize) -> Vec<Value> {
    (1..=count)
        .map(|n| domain(json!(n), &format!("site-{n}.example")))
        .collect()
}

/// The error of listing (whole and one page) when every page answers `body`.
fn listing_errors(body: Value) -> Vec<Error> {
    let sim = start(SimConfig::new());
    sim.inject(
        Fault::status(200)
            .body(body)
            .on_method("GET")
            .on_path("/domains?")
            .times(100),
    );
    let client = client(&sim, Auth::V3);
    vec![
        operations::list_domains(&client).unwrap_err(),
        operations::list_domains_page(&client, 1, None).unwrap_err(),
        operations::list_domains_page(&client, 1, Some(&DomainName::parse("a.example").unwrap()))
            .unwrap_err(),
        operations::remove_domain(&client, &DomainName::parse("a.example").unwrap(), None)
            .unwrap_err(),
    ]
}

fn assert_refused(body: Value, expected: &str) {
    for error in listing_errors(body) {
        assert!(
            matches!(error, Error::InvalidResponse { .. }) && error.is_retryable(),
            "{error:?}"
        );
        assert!(error.to_string().contains(expected), "{error}");
    }
}

#[test]
fn a_page_with_more_domains_than_its_size_is_refused() {
    assert_refused(
        page(numbered(41), 41),
        "RunCloud's answer lists 41 domains on a page of 40",
    );
}

#[test]
fn a_total_beyond_the_cap_is_refused_and_says_so() {
    assert_refused(
        page(numbered(40), 250_000),
        &format!("RunCloud reports 250000 domains; more than {MAX_LISTED_DOMAINS} are not listed"),
    );
}

#[test]
fn a_total_short_of_the_domains_listed_is_refused() {
    assert_refused(
        page(numbered(40), 3),
        "RunCloud reports 3 domains but its page 1 reaches domain 40",
    );
}

#[test]
fn impossible_names_are_refused() {
    let long = format!("{}.example", "a".repeat(250));
    for (name, expected) in [
        (long.as_str(), "a domain name of 258 characters"),
        ("b\u{e4}d.example", "printable ASCII"),
        ("evil\u{1b}]0;owned\u{7}.example", "printable ASCII"),
        ("new\nline.example", "printable ASCII"),
        ("", "a domain name of 0 characters"),
    ] {
        assert_refused(page(vec![domain(json!(7), name)], 1), expected);
    }
}

#[test]
fn ids_that_are_not_positive_integers_are_refused() {
    for id in [json!(0), json!(u64::MAX)] {
        assert_refused(
            page(vec![domain(id, "a.example")], 1),
            "a domain id that is not a positive integer",
        );
    }
    for id in [json!(-4), json!(1.5), json!("7"), json!(null)] {
        assert_refused(page(vec![domain(id, "a.example")], 1), "wrong shape");
    }
}

#[test]
fn escape_sequences_in_type_or_redirection_are_refused() {
    for field in ["type", "redirection"] {
        let mut record = domain(json!(7), "a.example");
        record[field] = json!("alias\u{1b}[2J\u{1b}]0;owned\u{7}");
        assert_refused(
            page(vec![record], 1),
            &format!("a domain {field} that is not"),
        );
    }
}

#[test]
fn a_record_read_by_id_is_checked_too() {
    let sim = start(SimConfig::new());
    sim.inject(
        Fault::status(200)
            .body(json!({"data": domain(json!(0), "a.example")}))
            .on_method("GET")
            .on_path("/domains/5"),
    );
    let error = operations::remove_domain(
        &client(&sim, Auth::V3),
        &DomainName::parse("a.example").unwrap(),
        Some(5),
    )
    .unwrap_err();
    assert!(matches!(error, Error::InvalidResponse { .. }), "{error:?}");
    assert!(!sim.requests().iter().any(|r| r.method == "DELETE"));
}

#[test]
fn a_huge_deadline_is_clamped_not_a_panic() {
    let sim = start(SimConfig::new());
    let limits = Limits {
        deadline: Duration::from_secs(u64::MAX),
        max_retry_wait: Duration::from_secs(u64::MAX),
        ..fast_limits()
    };
    for limits in [limits, limits.clamped()] {
        let client = client_from(&constants_for(&sim, Auth::V3), limits);
        let domains =
            operations::list_domains(&client).expect("listed within the clamped deadline");
        assert_eq!(domains.len(), 1);
    }
    assert_eq!(limits.clamped().deadline, Duration::from_secs(86_400));
}
