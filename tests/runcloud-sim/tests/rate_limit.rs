//! The request limit: headers on every API answer, 429 with Retry-After once used up, a
//! fresh window afterwards, and the limit changed through the control API.

mod common;

use std::time::Duration;

use common::{Auth, Client};
use runcloud_sim::{SimConfig, Simulator};
use serde_json::json;

/// A simulator allowing `limit` requests per `window`.
fn limited(limit: u32, window: Duration) -> Simulator {
    Simulator::start(SimConfig::new().rate_limit(limit).rate_window(window))
        .expect("the simulator starts")
}

fn add_body(name: &str) -> serde_json::Value {
    json!({"name": name, "www": false, "redirection": "none", "type": "alias"})
}

#[test]
fn every_api_answer_carries_the_limit_headers() {
    let sim = limited(100, Duration::from_secs(60));
    let client = Client::v3(&sim);
    let stranger = Client::new(&sim.app_url("v3"), Auth::None);
    let answers = [
        Client::root(&sim, Auth::v3()).get("/api/v3/ping"),
        client.get("/domains"),
        client.post("/domains", json!({})),
        client.get("/domains/999"),
        client.call("PUT", "/domains", None),
        Client::root(&sim, Auth::v3()).get("/api/v3/servers/5/webapps/1"),
        Client::root(&sim, Auth::v3()).get("/api/v3/unknown"),
        stranger.get("/domains"),
    ];
    for answer in &answers {
        assert_eq!(answer.number_header("X-RateLimit-Limit"), 100, "{answer:?}");
        assert!(answer.number_header("X-RateLimit-Remaining") <= 100);
    }
    let statuses: Vec<u16> = answers.iter().map(|answer| answer.status).collect();
    assert_eq!(statuses, [200, 200, 422, 404, 405, 404, 404, 401]);
}

#[test]
fn remaining_counts_down_then_429_until_the_window_ends() {
    let window = Duration::from_millis(1_500);
    let sim = limited(3, window);
    let client = Client::root(&sim, Auth::v3());
    for expected in [2, 1, 0] {
        let answer = client.get("/api/v3/ping");
        assert_eq!(answer.status, 200);
        assert_eq!(answer.number_header("X-RateLimit-Remaining"), expected);
    }
    let limited_answer = client.get("/api/v3/ping");
    assert_eq!(limited_answer.status, 429);
    assert_eq!(
        limited_answer.body,
        json!({"message": "Too Many Attempts."})
    );
    assert_eq!(limited_answer.number_header("X-RateLimit-Limit"), 3);
    assert_eq!(limited_answer.number_header("X-RateLimit-Remaining"), 0);
    let retry_after = limited_answer.number_header("Retry-After");
    assert!((1..=2).contains(&retry_after), "Retry-After {retry_after}");
    assert_eq!(client.get("/api/v3/ping").status, 429, "still limited");

    std::thread::sleep(window);
    let reopened = client.get("/api/v3/ping");
    assert_eq!(reopened.status, 200);
    assert_eq!(reopened.number_header("X-RateLimit-Remaining"), 2);
    assert_eq!(sim.state().counters.rate_limited, 2);
}

#[test]
fn retry_after_counts_the_seconds_left_in_a_minute() {
    let sim = limited(1, Duration::from_secs(60));
    let client = Client::root(&sim, Auth::v2());
    assert_eq!(client.get("/api/v2/ping").status, 200);
    let answer = client.get("/api/v2/ping");
    assert_eq!(answer.status, 429);
    let retry_after = answer.number_header("Retry-After");
    assert!(
        (59..=60).contains(&retry_after),
        "Retry-After {retry_after}"
    );
}

#[test]
fn a_limited_request_is_not_carried_out() {
    let sim = limited(1, Duration::from_secs(60));
    let client = Client::v3(&sim);
    assert_eq!(
        client.post("/domains", add_body("one.example.com")).status,
        200
    );
    assert_eq!(
        client.post("/domains", add_body("two.example.com")).status,
        429
    );
    assert!(sim.state().domain("two.example.com").is_none());
}

#[test]
fn refused_credentials_do_not_use_up_the_limit() {
    let sim = limited(2, Duration::from_secs(60));
    let stranger = Client::root(&sim, Auth::Bearer("wrong".into()));
    for _ in 0..5 {
        let answer = stranger.get("/api/v3/ping");
        assert_eq!(answer.status, 401);
        assert_eq!(answer.number_header("X-RateLimit-Remaining"), 2);
    }
    let client = Client::root(&sim, Auth::v3());
    assert_eq!(client.get("/api/v3/ping").status, 200);
    assert_eq!(client.get("/api/v3/ping").status, 200);
    assert_eq!(client.get("/api/v3/ping").status, 429);
}

#[test]
fn concurrent_clients_share_one_limit_exactly() {
    let sim = limited(25, Duration::from_secs(60));
    let mut remaining: Vec<u64> = Vec::new();
    let mut too_many = 0;
    let answers: Vec<common::Answer> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..10)
            .map(|_| {
                let sim = &sim;
                scope.spawn(move || {
                    let client = Client::root(sim, Auth::v3());
                    (0..5)
                        .map(|_| client.get("/api/v3/ping"))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().unwrap())
            .collect()
    });
    for answer in &answers {
        match answer.status {
            200 => remaining.push(answer.number_header("X-RateLimit-Remaining")),
            429 => too_many += 1,
            other => panic!("unexpected status {other}"),
        }
    }
    remaining.sort_unstable();
    assert_eq!(remaining, (0..25).collect::<Vec<u64>>());
    assert_eq!(too_many, 25);
}

#[test]
fn no_limit_means_no_headers_and_no_429() {
    let sim = limited(0, Duration::from_secs(60));
    let client = Client::root(&sim, Auth::v3());
    for _ in 0..100 {
        let answer = client.get("/api/v3/ping");
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header("X-RateLimit-Limit"), None);
    }
}

#[test]
fn the_control_api_is_neither_limited_nor_counted() {
    let sim = limited(1, Duration::from_secs(60));
    let control = Client::root(&sim, Auth::None);
    for _ in 0..5 {
        let state = control.get("/__sim/state");
        assert_eq!(state.status, 200);
        assert_eq!(state.header("X-RateLimit-Limit"), None);
    }
    assert_eq!(
        Client::root(&sim, Auth::v3()).get("/api/v3/ping").status,
        200
    );
}

#[test]
fn the_control_api_sets_a_new_limit_with_a_fresh_window() {
    let sim = limited(1, Duration::from_secs(60));
    let api = Client::root(&sim, Auth::v3());
    let control = Client::root(&sim, Auth::None);
    assert_eq!(api.get("/api/v3/ping").status, 200);
    assert_eq!(api.get("/api/v3/ping").status, 429);

    let changed = control.post(
        "/__sim/rate-limit",
        json!({"per_minute": 2, "window_secs": 1.0}),
    );
    assert_eq!(changed.status, 200, "{}", changed.text);
    let state = sim.state();
    assert_eq!((state.rate_limit, state.rate_window_secs), (2, 1.0));
    assert_eq!(api.get("/api/v3/ping").status, 200);
    assert_eq!(api.get("/api/v3/ping").status, 200);
    let limited_answer = api.get("/api/v3/ping");
    assert_eq!(limited_answer.status, 429);
    assert_eq!(limited_answer.number_header("Retry-After"), 1);
    std::thread::sleep(Duration::from_millis(1_050));
    assert_eq!(api.get("/api/v3/ping").status, 200);

    let default_window = control.post("/__sim/rate-limit", json!({"per_minute": 0}));
    assert_eq!(default_window.status, 200);
    assert_eq!(sim.state().rate_window_secs, 60.0);
    for body in [
        json!({"per_minute": 5, "window_secs": 0}),
        json!({"per_minute": 5, "window_secs": -1}),
        json!({"window_secs": 5}),
    ] {
        assert_eq!(
            control.post("/__sim/rate-limit", body.clone()).status,
            400,
            "{body}"
        );
    }
}

#[test]
fn the_library_sets_a_new_limit() {
    let sim = limited(0, Duration::from_secs(60));
    sim.set_rate_limit(1, Duration::from_secs(30));
    let api = Client::root(&sim, Auth::v3());
    assert_eq!(api.get("/api/v3/ping").status, 200);
    let answer = api.get("/api/v3/ping");
    assert_eq!(answer.status, 429);
    assert!((29..=30).contains(&answer.number_header("Retry-After")));
}
