//! Failures on demand through the control API: chosen statuses, dropped connections, hangs,
//! malformed JSON, truncated bodies and latency; and whether each request was carried out.

mod common;

use std::time::{Duration, Instant};

use common::{
    agent_with_timeout, domain_names, raw_exchange, raw_get, split_response, start, Auth, Client,
};
use runcloud_sim::{Fault, SimConfig, Simulator};
use serde_json::{json, Value};

fn control(sim: &Simulator) -> Client {
    Client::root(sim, Auth::None)
}

/// Queues a fault through `POST /__sim/faults`, as the PHP and WordPress suites do.
fn inject(sim: &Simulator, fault: Value) {
    let answer = control(sim).post("/__sim/faults", fault);
    assert_eq!(answer.status, 200, "{}", answer.text);
}

fn ping(sim: &Simulator) -> common::Answer {
    Client::root(sim, Auth::v3()).get("/api/v3/ping")
}

fn add_body(name: &str) -> Value {
    json!({"name": name, "www": false, "redirection": "none", "type": "alias"})
}

/// A raw request adding `name`, closing the connection after the answer.
fn raw_add(sim: &Simulator, name: &str) -> String {
    let config = sim.config();
    let path = format!(
        "/api/v3/servers/{}/webapps/{}/domains",
        config.server_id, config.app_id
    );
    let body = add_body(name).to_string();
    format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        common::TOKEN,
        body.len()
    )
}

#[test]
fn the_next_requests_fail_with_the_chosen_status_and_message() {
    let sim = start(SimConfig::new());
    inject(
        &sim,
        json!({"kind": "status", "status": 502, "message": "Bad Gateway", "count": 2, "retry_after": 3}),
    );
    for _ in 0..2 {
        let answer = ping(&sim);
        assert_eq!(answer.status, 502);
        assert_eq!(answer.body, json!({"message": "Bad Gateway"}));
        assert_eq!(answer.number_header("Retry-After"), 3);
    }
    assert_eq!(ping(&sim).status, 200);
    assert_eq!(sim.state().counters.faults_applied, 2);
}

#[test]
fn a_status_fault_defaults_to_503() {
    let sim = start(SimConfig::new());
    inject(&sim, json!({"kind": "status"}));
    let answer = ping(&sim);
    assert_eq!(answer.status, 503);
    assert_eq!(answer.body, json!({"message": "Service Unavailable"}));
    assert_eq!(answer.header("Retry-After"), None);
    assert_eq!(ping(&sim).status, 200);
}

#[test]
fn a_status_fault_stands_in_for_the_request() {
    let sim = start(SimConfig::new());
    inject(&sim, json!({"kind": "status", "status": 500}));
    let answer = Client::v3(&sim).post("/domains", add_body("lost.example.com"));
    assert_eq!(answer.status, 500);
    assert_eq!(domain_names(&sim), ["network.test"]);
    let log = sim.requests();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, Some(500));
    assert_eq!(log[0].fault.as_deref(), Some("status"));
}

#[test]
fn faults_match_only_their_method_and_path() {
    let sim = start(SimConfig::new());
    inject(
        &sim,
        json!({"kind": "status", "status": 500, "method": "post", "path_contains": "/domains"}),
    );
    let client = Client::v3(&sim);
    assert_eq!(client.get("/domains").status, 200);
    assert_eq!(
        client
            .post("/ssl/advanced", json!({"advancedSSL": false}))
            .status,
        200
    );
    assert_eq!(
        client.post("/domains", add_body("a.example.com")).status,
        500
    );
    assert_eq!(
        client.post("/domains", add_body("a.example.com")).status,
        200
    );
}

#[test]
fn faults_match_the_query_too() {
    let sim = start(SimConfig::new().extra_domains(30));
    inject(
        &sim,
        json!({"kind": "status", "status": 502, "path_contains": "page=2"}),
    );
    let client = Client::v3(&sim);
    assert_eq!(client.get("/domains?page=1").status, 200);
    assert_eq!(client.get("/domains?page=2").status, 502);
}

#[test]
fn a_dropped_connection_gets_no_answer_and_changes_nothing() {
    let sim = start(SimConfig::new());
    inject(&sim, json!({"kind": "drop"}));
    let received = raw_exchange(
        sim.addr(),
        &raw_add(&sim, "gone.example.com"),
        Duration::from_secs(5),
    );
    assert!(
        received.is_empty(),
        "{}",
        String::from_utf8_lossy(&received)
    );
    assert_eq!(domain_names(&sim), ["network.test"]);
    let log = sim.requests();
    assert_eq!(log[0].status, None);
    assert_eq!(log[0].fault.as_deref(), Some("drop"));
    assert!(Client::root(&sim, Auth::v3())
        .try_call("GET", "/api/v3/ping", None)
        .is_ok());
}

#[test]
fn an_http_client_sees_a_dropped_connection_as_an_error() {
    let sim = start(SimConfig::new());
    // Two, in case the client retries an idempotent request once on a fresh connection.
    inject(&sim, json!({"kind": "drop", "count": 2}));
    let result = Client::root(&sim, Auth::v3()).try_call("GET", "/api/v3/ping", None);
    assert!(result.is_err(), "{result:?}");
}

#[test]
fn a_hang_answers_late_after_carrying_the_request_out() {
    let sim = start(SimConfig::new());
    inject(&sim, json!({"kind": "hang", "delay_ms": 400}));
    let started = Instant::now();
    let answer = Client::v3(&sim).post("/domains", add_body("slow.example.com"));
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["name"], "slow.example.com");
}

#[test]
fn a_client_that_gives_up_on_a_hang_finds_the_change_made() {
    let sim = start(SimConfig::new());
    inject(&sim, json!({"kind": "hang", "delay_ms": 3000}));
    let impatient = Client::with_agent(
        agent_with_timeout(None, Duration::from_millis(300)),
        &sim.app_url("v3"),
        Auth::v3(),
    );
    let started = Instant::now();
    let result = impatient.try_call("POST", "/domains", Some(add_body("maybe.example.com")));
    assert!(result.is_err(), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(sim.state().domain("maybe.example.com").is_some());
}

#[test]
fn malformed_json_is_a_200_no_parser_accepts() {
    let sim = start(SimConfig::new());
    inject(
        &sim,
        json!({"kind": "malformed_json", "path_contains": "/domains"}),
    );
    let answer = Client::v3(&sim).post("/domains", add_body("x.example.com"));
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("Content-Type"), Some("application/json"));
    assert!(!answer.text.is_empty());
    assert!(
        serde_json::from_str::<Value>(&answer.text).is_err(),
        "{}",
        answer.text
    );
    assert_eq!(domain_names(&sim), ["network.test"], "not carried out");
}

#[test]
fn a_truncated_body_is_shorter_than_promised_but_the_change_is_made() {
    let sim = start(SimConfig::new());
    inject(&sim, json!({"kind": "truncated"}));
    let received = raw_exchange(
        sim.addr(),
        &raw_add(&sim, "cut.example.com"),
        Duration::from_secs(5),
    );
    let (head, body) = split_response(&received);
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    let promised: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("Content-Length: "))
        .expect("a Content-Length")
        .parse()
        .unwrap();
    assert!(body.len() < promised, "{} of {promised}", body.len());
    assert!(!body.is_empty());
    assert!(sim.state().domain("cut.example.com").is_some());
}

#[test]
fn an_http_client_sees_a_truncated_body_as_an_error() {
    let sim = start(SimConfig::new());
    inject(&sim, json!({"kind": "truncated", "count": 2}));
    let result = Client::v3(&sim).try_call("GET", "/domains", None);
    assert!(result.is_err(), "{result:?}");
}

#[test]
fn latency_delays_every_api_answer_until_turned_off() {
    let sim = start(SimConfig::new());
    let control = control(&sim);
    assert_eq!(
        control.post("/__sim/latency", json!({"ms": 250})).status,
        200
    );
    assert_eq!(sim.state().latency_ms, 250);
    for _ in 0..2 {
        let started = Instant::now();
        assert_eq!(ping(&sim).status, 200);
        assert!(started.elapsed() >= Duration::from_millis(250));
    }
    let started = Instant::now();
    assert_eq!(control.get("/__sim/state").status, 200);
    assert!(
        started.elapsed() < Duration::from_millis(250),
        "control is not delayed"
    );
    assert_eq!(control.post("/__sim/latency", json!({"ms": 0})).status, 200);
    let started = Instant::now();
    ping(&sim);
    assert!(started.elapsed() < Duration::from_millis(250));
}

#[test]
fn pending_faults_are_listed_counted_down_and_cleared() {
    let sim = start(SimConfig::new());
    inject(&sim, json!({"kind": "status", "status": 500, "count": 3}));
    inject(&sim, json!({"kind": "drop", "method": "DELETE"}));
    let control = control(&sim);
    let listed = control.get("/__sim/faults");
    assert_eq!(listed.body.as_array().unwrap().len(), 2);
    assert_eq!(listed.body[0]["kind"], "status");
    assert_eq!(listed.body[0]["count"], 3);
    assert_eq!(listed.body[1]["kind"], "drop");
    ping(&sim);
    assert_eq!(control.get("/__sim/faults").body[0]["count"], 2);
    assert_eq!(control.delete("/__sim/faults").status, 200);
    assert_eq!(control.get("/__sim/faults").body, json!([]));
    assert_eq!(ping(&sim).status, 200);
}

#[test]
fn faults_apply_in_the_order_injected() {
    let sim = start(SimConfig::new());
    inject(&sim, json!({"kind": "status", "status": 502}));
    inject(&sim, json!({"kind": "status", "status": 504}));
    assert_eq!(ping(&sim).status, 502);
    assert_eq!(ping(&sim).status, 504);
    assert_eq!(ping(&sim).status, 200);
}

#[test]
fn control_requests_are_never_faulted() {
    let sim = start(SimConfig::new());
    inject(&sim, json!({"kind": "drop"}));
    assert_eq!(control(&sim).get("/__sim/state").status, 200);
    assert_eq!(sim.state().pending_faults.len(), 1);
}

#[test]
fn bad_fault_bodies_are_refused() {
    let sim = start(SimConfig::new());
    let control = control(&sim);
    for body in [
        json!({}),
        json!({"kind": "explode"}),
        json!({"kind": "status", "count": -1}),
    ] {
        let answer = control.post("/__sim/faults", body.clone());
        assert_eq!(answer.status, 400, "{body}");
        assert!(answer.body["message"].is_string());
    }
    assert!(sim.state().pending_faults.is_empty());
}

#[test]
fn the_library_injects_the_same_faults() {
    let sim = start(SimConfig::new());
    sim.inject(Fault::status(429).retry_after(7).message("slow down"));
    let answer = ping(&sim);
    assert_eq!(answer.status, 429);
    assert_eq!(answer.body["message"], "slow down");
    assert_eq!(answer.number_header("Retry-After"), 7);
    sim.inject(Fault::malformed_json().times(5));
    sim.clear_faults();
    assert_eq!(ping(&sim).status, 200);
}

#[test]
fn stopping_ends_a_hang_at_once() {
    let sim = start(SimConfig::new());
    sim.inject(Fault::hang(Duration::from_secs(600)));
    let addr = sim.addr();
    let waiter = std::thread::spawn(move || {
        raw_exchange(addr, &raw_get("/api/v3/ping"), Duration::from_secs(30))
    });
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    sim.shutdown();
    let received = waiter.join().unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(received.is_empty(), "the hung request is never answered");
}

#[test]
fn an_applied_status_fault_makes_the_change_and_answers_the_status() {
    for status in [502, 504] {
        let sim = start(SimConfig::new());
        inject(
            &sim,
            json!({"kind": "status", "status": status, "applied": true, "path_contains": "/domains"}),
        );
        let answer = Client::v3(&sim).post("/domains", add_body("lost.example.com"));
        assert_eq!(answer.status, status);
        assert_eq!(answer.body, json!({"message": "Service Unavailable"}));
        assert!(sim.state().domain("lost.example.com").is_some(), "{status}");
        assert_eq!(sim.requests()[0].fault.as_deref(), Some("status"));
    }
}

#[test]
fn an_applied_drop_makes_the_change_and_sends_no_answer() {
    let sim = start(SimConfig::new());
    inject(&sim, json!({"kind": "drop", "applied": true}));
    let received = raw_exchange(
        sim.addr(),
        &raw_add(&sim, "cut-after.example.com"),
        Duration::from_secs(5),
    );
    assert!(
        received.is_empty(),
        "{}",
        String::from_utf8_lossy(&received)
    );
    assert!(sim.state().domain("cut-after.example.com").is_some());
}

#[test]
fn a_status_fault_with_a_body_answers_that_body() {
    let sim = start(SimConfig::new());
    inject(
        &sim,
        json!({"kind": "status", "status": 200, "applied": true, "body": {}, "method": "POST"}),
    );
    let answer = Client::v3(&sim).post("/domains", add_body("empty.example.com"));
    assert_eq!((answer.status, answer.body.clone()), (200, json!({})));
    assert!(sim.state().domain("empty.example.com").is_some());
}

#[test]
fn churn_adds_a_domain_before_each_matching_request() {
    let sim = start(SimConfig::new());
    inject(&sim, json!({"kind": "churn", "count": 2, "method": "GET"}));
    let client = Client::v3(&sim);
    let totals: Vec<u64> = (0..3)
        .map(|_| {
            client.get("/domains?page=1").body["meta"]["pagination"]["total"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(totals, [2, 3, 3]);
}

#[test]
fn a_raw_body_is_sent_byte_for_byte() {
    let sim = start(SimConfig::new());
    let raw = r#"{"message":"a\/b \u0041"}"#;
    inject(
        &sim,
        json!({"kind": "status", "status": 403, "raw_body": raw}),
    );
    let answer = ping(&sim);
    assert_eq!((answer.status, answer.text.as_str()), (403, raw));
    assert_eq!(answer.body["message"], "a/b A");
}
