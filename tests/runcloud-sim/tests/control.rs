//! The control API under `/__sim/`: state dump, reset, the request log (with credentials
//! redacted), SSL changes and seeding.

mod common;

use common::{base64, domain_names, start, Auth, Client};
use runcloud_sim::{DomainSeed, SimConfig, Simulator};
use serde_json::{json, Value};

fn control(sim: &Simulator) -> Client {
    Client::root(sim, Auth::None)
}

fn add_body(name: &str) -> Value {
    json!({"name": name, "www": false, "redirection": "none", "type": "alias"})
}

#[test]
fn the_state_dump_shows_domains_ssl_counters_and_limits() {
    let sim = start(SimConfig::new().server_id(4).app_id(5).extra_domains(2));
    Client::v3(&sim).get("/domains");
    let state = control(&sim).get("/__sim/state");
    assert_eq!(state.status, 200);
    let body = &state.body;
    assert_eq!(body["server_id"], 4);
    assert_eq!(body["app_id"], 5);
    assert_eq!(body["webapp_name"], "multisite");
    assert_eq!(body["domains"].as_array().unwrap().len(), 3);
    assert_eq!(
        body["domains"][0]["www"], 0,
        "domains as RunCloud shows them"
    );
    assert_eq!(body["ssl"]["advancedSSL"], false);
    assert_eq!(body["ssl"]["basic"]["covers"].as_array().unwrap().len(), 3);
    assert_eq!(body["counters"]["api_requests"], 1);
    assert_eq!(body["rate_limit"], 0);
    assert_eq!(body["latency_ms"], 0);
    assert_eq!(body["pending_faults"], json!([]));
    assert!(
        !state.text.contains("BEGIN"),
        "no certificate text in the dump"
    );
}

#[test]
fn the_request_log_records_each_api_request_with_its_answer() {
    let sim = start(SimConfig::new());
    let client = Client::v3(&sim);
    client.get("/domains?perPage=5");
    client.post("/domains", add_body("logged.example.com"));
    Client::root(&sim, Auth::v2()).get("/api/v2/ping");
    control(&sim).get("/__sim/state");
    let log = control(&sim).get("/__sim/requests");
    assert_eq!(log.status, 200);
    let records = log.body.as_array().unwrap();
    assert_eq!(records.len(), 3, "control requests are not logged");
    assert_eq!(records[0]["seq"], 1);
    assert_eq!(records[0]["method"], "GET");
    assert_eq!(records[0]["path"], "/api/v3/servers/1/webapps/1/domains");
    assert_eq!(records[0]["query"], "perPage=5");
    assert_eq!(records[0]["status"], 200);
    assert_eq!(records[0]["api_version"], "v3");
    assert_eq!(records[0]["body"], Value::Null);
    assert_eq!(records[1]["body"], add_body("logged.example.com"));
    assert_eq!(records[2]["api_version"], "v2");
    assert_eq!(records[2]["seq"], 3);
}

#[test]
fn the_request_log_never_holds_a_credential() {
    let sim = start(
        SimConfig::new()
            .token("tok-SECRET-1")
            .api_key("key-SECRET-2")
            .api_secret("sec-SECRET-3"),
    );
    let bearer = Auth::Bearer("tok-SECRET-1".into());
    let basic = Auth::Basic("key-SECRET-2".into(), "sec-SECRET-3".into());
    Client::root(&sim, bearer).get("/api/v3/ping");
    Client::root(&sim, basic).get("/api/v2/ping");
    Client::root(&sim, Auth::Bearer("wrong-SECRET-4".into())).get("/api/v3/ping");
    Client::root(&sim, Auth::None).get("/api/v3/ping");
    let log = control(&sim).get("/__sim/requests");
    let authorizations: Vec<&Value> = log
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|record| &record["authorization"])
        .collect();
    assert_eq!(
        authorizations,
        [
            &json!("Bearer [redacted]"),
            &json!("Basic [redacted]"),
            &json!("Bearer [redacted]"),
            &Value::Null
        ]
    );
    assert!(!log.text.contains("SECRET"), "{}", log.text);
    let encoded = base64(b"key-SECRET-2:sec-SECRET-3");
    assert!(!log.text.contains(&encoded));
    let library_view = serde_json::to_string(&sim.requests()).unwrap();
    assert!(!library_view.contains("SECRET"));
}

#[test]
fn the_request_log_hides_private_keys() {
    let sim = start(SimConfig::new().certificate(false));
    Client::v3(&sim).post(
        "/ssl",
        json!({"provider": "custom", "enableHttp": false, "enableHsts": false,
            "privateKey": "-----BEGIN PRIVATE KEY-----abc", "certificate": "x"}),
    );
    let log = control(&sim).get("/__sim/requests");
    assert_eq!(log.body[0]["body"]["privateKey"], "[redacted]");
    assert!(!log.text.contains("BEGIN PRIVATE KEY"));
}

#[test]
fn the_request_log_is_cleared_on_request() {
    let sim = start(SimConfig::new());
    Client::v3(&sim).get("/domains");
    assert_eq!(control(&sim).delete("/__sim/requests").status, 200);
    assert_eq!(control(&sim).get("/__sim/requests").body, json!([]));
    Client::v3(&sim).get("/domains");
    assert_eq!(sim.requests().len(), 1);
    sim.clear_requests();
    assert!(sim.requests().is_empty());
}

#[test]
fn reset_returns_to_the_seeded_start() {
    let sim = start(SimConfig::new().extra_domains(1));
    let client = Client::v3(&sim);
    let control = control(&sim);
    client.post("/domains", add_body("temp.example.com"));
    client.delete("/domains/2");
    control.post("/__sim/latency", json!({"ms": 5}));
    control.post("/__sim/faults", json!({"kind": "drop", "method": "PATCH"}));
    control.post("/__sim/rate-limit", json!({"per_minute": 9}));
    control.post("/__sim/ssl", json!({"certificate": false}));
    assert_eq!(control.post("/__sim/reset", json!({})).status, 200);
    let state = sim.state();
    assert_eq!(
        domain_names(&sim),
        ["network.test", "site-00001.example.test"]
    );
    assert!(state.ssl.basic.is_some());
    assert_eq!(state.counters.api_requests, 0);
    assert_eq!((state.latency_ms, state.rate_limit), (0, 0));
    assert!(state.pending_faults.is_empty());
    assert!(sim.requests().is_empty());
}

#[test]
fn ssl_is_switched_and_certificates_placed_through_control() {
    let sim = start(SimConfig::new().extra_domains(1));
    let control = control(&sim);
    let removed = control.post("/__sim/ssl", json!({"certificate": false}));
    assert_eq!(removed.status, 200);
    assert_eq!(removed.body["basic"], Value::Null);
    let advanced = control.post("/__sim/ssl", json!({"advancedSSL": true, "autoSSL": true}));
    assert_eq!(advanced.status, 200);
    assert_eq!(advanced.body["advancedSSL"], true);
    assert_eq!(advanced.body["domains"].as_array().unwrap().len(), 2);
    let refused = control.post("/__sim/ssl", json!({"advancedSSL": false, "autoSSL": true}));
    assert_eq!(refused.status, 422);
    let basic = control.post(
        "/__sim/ssl",
        json!({"advancedSSL": false, "certificate": true}),
    );
    assert_eq!(
        basic.body["autoSSL"], false,
        "AutoSSL goes with advanced SSL"
    );
    assert_eq!(basic.body["basic"]["covers"].as_array().unwrap().len(), 2);
}

#[test]
fn domains_are_seeded_by_count_and_by_record() {
    let sim = start(SimConfig::new());
    let control = control(&sim);
    let counted = control.post("/__sim/domains", json!({"count": 3}));
    assert_eq!(counted.status, 200);
    assert_eq!(counted.body["ids"], json!([2, 3, 4]));
    let records = control.post(
        "/__sim/domains",
        json!({"domains": [
            {"name": "shop.example.com", "www": true},
            {"name": "*.network.test"},
            {"name": "old.example.com", "type": "redirect"}
        ]}),
    );
    assert_eq!(records.status, 200, "{}", records.text);
    assert_eq!(records.body["ids"], json!([5, 1, 6]));
    let state = sim.state();
    assert!(state.domain("shop.example.com").unwrap().www);
    assert!(state.domain("network.test").unwrap().wildcard);
    assert_eq!(state.domains.len(), 6);
    let duplicate = control.post(
        "/__sim/domains",
        json!({"domains": [{"name": "shop.example.com"}]}),
    );
    assert_eq!(duplicate.status, 422);
    let invalid = control.post(
        "/__sim/domains",
        json!({"domains": [{"name": "not valid"}]}),
    );
    assert_eq!(invalid.status, 422);
    let more = control.post("/__sim/domains", json!({"count": 1}));
    assert_eq!(more.body["ids"], json!([7]));
    assert_eq!(
        sim.state().domains.last().unwrap().name,
        "site-00004.example.test",
        "numbering continues"
    );
}

#[test]
fn the_library_seeds_domains_too() {
    let sim = start(SimConfig::new());
    let ids = sim.seed_domains(2);
    assert_eq!(ids, [2, 3]);
    let id = sim
        .seed_domain(DomainSeed::new("lib.example.com").www(true))
        .unwrap();
    assert_eq!(sim.state().domain("lib.example.com").unwrap().id, id);
    assert!(sim.seed_domain(DomainSeed::new("lib.example.com")).is_err());
}

#[test]
fn unknown_control_endpoints_and_bad_bodies_are_refused() {
    let sim = start(SimConfig::new());
    let control = control(&sim);
    let unknown = control.get("/__sim/nothing");
    assert_eq!(unknown.status, 404);
    assert!(unknown.body["message"].is_string());
    assert_eq!(control.call("PUT", "/__sim/state", None).status, 404);
    assert_eq!(
        control.post("/__sim/latency", json!({"ms": "slow"})).status,
        400
    );
    assert_eq!(
        control.post("/__sim/domains", json!({"count": -1})).status,
        400
    );
    let not_json = control.call("POST", "/__sim/ssl", Some(json!("advanced")));
    assert_eq!(not_json.status, 400);
}
