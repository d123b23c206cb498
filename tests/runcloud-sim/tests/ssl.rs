//! Both SSL modes: the mode endpoint, the basic certificate's life (get, install, redeploy,
//! delete, "not installed"), per-domain certificates with and without AutoSSL, and which
//! names every certificate covers.

mod common;

use std::collections::BTreeSet;

use common::{keys, letsencrypt, start, Client};
use runcloud_sim::{SimConfig, SslChange, SslMode};
use serde_json::{json, Value};

fn add_body(name: &str, www: bool) -> Value {
    json!({"name": name, "www": www, "redirection": "none", "type": "alias"})
}

fn not_installed() -> Value {
    json!({"message": "SSL not installed!"})
}

/// The names the basic certificate covers now, from the state dump.
fn basic_covers(sim: &runcloud_sim::Simulator) -> Vec<String> {
    sim.state().ssl.basic.expect("a basic certificate").covers
}

fn advanced() -> SimConfig {
    SimConfig::new().ssl_mode(SslMode::Advanced)
}

#[test]
fn the_mode_endpoint_answers_both_flags() {
    let basic = start(SimConfig::new());
    let answer = Client::v3(&basic).get("/ssl/advanced");
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, json!({"advancedSSL": false, "autoSSL": false}));
    let auto = start(advanced().auto_ssl(true));
    let answer = Client::v2(&auto).get("/ssl/advanced");
    assert_eq!(answer.body, json!({"advancedSSL": true, "autoSSL": true}));
}

#[test]
fn the_basic_certificate_is_runclouds_object() {
    let sim = start(SimConfig::new());
    let answer = Client::v3(&sim).get("/ssl");
    assert_eq!(answer.status, 200);
    assert_eq!(
        keys(&answer.body),
        BTreeSet::from([
            "apiId",
            "authorizationMethod",
            "certificate",
            "createdAt",
            "enableHsts",
            "enableHttp",
            "id",
            "method",
            "privateKey",
            "renewalDate",
            "staging",
            "validUntil"
        ])
    );
    assert_eq!(answer.body["id"], sim.state().ssl.basic.unwrap().id);
    assert_eq!(answer.body["method"], "letsencrypt");
    assert_eq!(answer.body["staging"], false);
    assert_eq!(answer.body["authorizationMethod"], "http-01");
}

#[test]
fn a_basic_certificate_covers_every_name_present_when_issued() {
    let sim = start(
        SimConfig::new()
            .extra_domains(2)
            .wildcard_domain("*.network.test"),
    );
    assert_eq!(
        basic_covers(&sim),
        [
            "network.test",
            "*.network.test",
            "site-00001.example.test",
            "site-00002.example.test"
        ]
    );
}

#[test]
fn basic_coverage_changes_only_when_redeployed() {
    let sim = start(SimConfig::new().extra_domains(1));
    let client = Client::v3(&sim);
    let id = client.get("/ssl").body["id"].as_u64().unwrap();
    assert_eq!(
        client
            .post("/domains", add_body("new.example.com", true))
            .status,
        200
    );
    assert_eq!(client.delete("/domains/2").status, 200);
    assert_eq!(
        basic_covers(&sim),
        ["network.test", "site-00001.example.test"],
        "a real certificate keeps its names until reissued"
    );
    let redeployed = client.put(&format!("/ssl/{id}"));
    assert_eq!(redeployed.status, 200, "{}", redeployed.text);
    assert_eq!(redeployed.body["id"], id);
    assert_eq!(
        basic_covers(&sim),
        ["network.test", "new.example.com", "www.new.example.com"]
    );
    let state = sim.state();
    assert_eq!(state.ssl.basic.unwrap().redeploys, 1);
    assert_eq!(state.counters.redeploys, 1);
}

#[test]
fn redeploying_another_id_is_a_404() {
    let sim = start(SimConfig::new());
    let client = Client::v3(&sim);
    let id = client.get("/ssl").body["id"].as_u64().unwrap();
    let answer = client.put(&format!("/ssl/{}", id + 1));
    assert_eq!(answer.status, 404);
    assert_eq!(
        answer.body,
        json!({"message": "SSL certificate not found."})
    );
    assert_eq!(client.put("/ssl/abc").status, 404);
    assert_eq!(sim.state().counters.redeploys, 0);
}

#[test]
fn no_basic_certificate_is_answered_as_not_installed() {
    let sim = start(SimConfig::new().certificate(false));
    let client = Client::v3(&sim);
    let answer = client.get("/ssl");
    assert_eq!(answer.status, 404);
    assert_eq!(answer.body, not_installed());
    assert_eq!(client.put("/ssl/1").status, 404);
    assert_eq!(client.delete("/ssl/1").status, 404);
}

#[test]
fn install_delete_and_install_again() {
    let sim = start(SimConfig::new().certificate(false));
    let client = Client::v3(&sim);
    client.post("/domains", add_body("shop.example.com", false));
    let installed = client.post("/ssl", letsencrypt());
    assert_eq!(installed.status, 200, "{}", installed.text);
    let id = installed.body["id"].as_u64().unwrap();
    assert_eq!(basic_covers(&sim), ["network.test", "shop.example.com"]);
    assert_eq!(client.get("/ssl").body["id"], id);

    let twice = client.post("/ssl", letsencrypt());
    assert_eq!(twice.status, 422);
    assert!(twice.body["message"].is_string());

    let deleted = client.delete(&format!("/ssl/{id}"));
    assert_eq!(deleted.status, 200);
    assert_eq!(deleted.body["id"], id);
    assert_eq!(client.get("/ssl").body, not_installed());
    assert!(sim.state().ssl.basic.is_none());

    let again = client.post("/ssl", letsencrypt());
    assert_eq!(again.status, 200);
    assert_ne!(again.body["id"], id, "a new certificate has a new id");
    assert_eq!(sim.state().counters.certificates_issued, 2);
}

#[test]
fn install_bodies_are_validated() {
    let sim = start(SimConfig::new().certificate(false));
    let client = Client::v3(&sim);
    let production = client.post(
        "/ssl",
        json!({"provider": "letsencrypt", "enableHttp": false, "enableHsts": false,
            "authorizationMethod": "http-01", "environment": "production"}),
    );
    assert_eq!(production.status, 422);
    assert_eq!(
        production.body,
        json!({"message": "The given data was invalid.",
            "errors": {"environment": ["The selected environment is invalid."]}})
    );
    let empty = client.post("/ssl", json!({}));
    assert_eq!(empty.status, 422);
    assert_eq!(
        keys(&empty.body["errors"]),
        BTreeSet::from(["enableHsts", "enableHttp", "provider"])
    );
    let dns = client.post(
        "/ssl",
        json!({"provider": "letsencrypt", "enableHttp": true, "enableHsts": false,
            "authorizationMethod": "dns-01", "environment": "staging", "externalApi": 3}),
    );
    assert_eq!(dns.status, 200, "{}", dns.text);
    assert_eq!(dns.body["staging"], true);
    assert_eq!(dns.body["apiId"], 3);
    assert_eq!(dns.body["enableHttp"], true);
}

#[test]
fn patch_changes_switches_without_reissuing() {
    let sim = start(SimConfig::new());
    let client = Client::v3(&sim);
    let id = client.get("/ssl").body["id"].as_u64().unwrap();
    let patched = client.patch(&format!("/ssl/{id}"), json!({"enableHsts": true}));
    assert_eq!(patched.status, 200);
    assert_eq!(patched.body["enableHsts"], true);
    assert_eq!(patched.body["enableHttp"], false);
    assert_eq!(sim.state().ssl.basic.unwrap().redeploys, 0);
}

#[test]
fn each_mode_refuses_the_others_endpoints() {
    let basic = start(SimConfig::new());
    let client = Client::v3(&basic);
    assert_eq!(client.get("/domains/1/ssl").status, 422);
    assert_eq!(client.post("/domains/1/ssl", letsencrypt()).status, 422);
    let advanced = start(advanced());
    let client = Client::v3(&advanced);
    let get = client.get("/ssl");
    assert_eq!(get.status, 422);
    assert!(get.body["message"]
        .as_str()
        .unwrap()
        .contains("Advanced SSL"));
    assert_eq!(client.post("/ssl", letsencrypt()).status, 422);
}

#[test]
fn switching_modes_over_the_api() {
    let sim = start(SimConfig::new().extra_domains(1));
    let client = Client::v3(&sim);
    let refused = client.post(
        "/ssl/advanced",
        json!({"advancedSSL": false, "autoSSL": true}),
    );
    assert_eq!(refused.status, 422);
    assert!(refused.body["errors"]["autoSSL"].is_array());
    let switched = client.post(
        "/ssl/advanced",
        json!({"advancedSSL": true, "autoSSL": true}),
    );
    assert_eq!(switched.status, 200);
    assert_eq!(switched.body, json!({"advancedSSL": true, "autoSSL": true}));
    let state = sim.state();
    assert!(state.ssl.basic.is_none(), "the basic certificate goes");
    assert_eq!(
        state.ssl.domains.len(),
        2,
        "AutoSSL issues for every domain"
    );
    assert!(state.ssl.domains.iter().all(|c| c.auto_issued));
    let back = client.post("/ssl/advanced", json!({"advancedSSL": false}));
    assert_eq!(back.body, json!({"advancedSSL": false, "autoSSL": false}));
    assert!(sim.state().ssl.domains.is_empty());
    assert_eq!(client.get("/ssl").body, not_installed());
}

#[test]
fn advanced_certificates_are_installed_per_domain() {
    let sim = start(advanced().certificate(false).extra_domains(1));
    let client = Client::v3(&sim);
    let missing = client.get("/domains/2/ssl");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.body, not_installed());
    let installed = client.post("/domains/2/ssl", letsencrypt());
    assert_eq!(installed.status, 200, "{}", installed.text);
    let id = installed.body["id"].as_u64().unwrap();
    assert_eq!(client.get("/domains/2/ssl").body["id"], id);
    assert_eq!(client.get("/domains/1/ssl").body, not_installed());
    let state = sim.state();
    assert_eq!(state.ssl.domains.len(), 1);
    let certificate = &state.ssl.domains[0];
    assert_eq!(certificate.domain_id, Some(2));
    assert_eq!(certificate.covers, ["site-00001.example.test"]);
    assert!(!certificate.auto_issued);
    assert_eq!(client.post("/domains/2/ssl", letsencrypt()).status, 422);
    assert_eq!(client.post("/domains/99/ssl", letsencrypt()).status, 404);
}

#[test]
fn advanced_redeploy_covers_the_domains_names_now() {
    let sim = start(advanced().extra_domains(1));
    let client = Client::v3(&sim);
    let id = client.get("/domains/2/ssl").body["id"].as_u64().unwrap();
    assert_eq!(
        client.patch("/domains/2/meta", json!({"www": true})).status,
        200
    );
    assert_eq!(
        sim.state().ssl.domains[1].covers,
        ["site-00001.example.test"]
    );
    let redeployed = client.put(&format!("/domains/2/ssl/{id}"));
    assert_eq!(redeployed.status, 200, "{}", redeployed.text);
    let certificate = sim.state().ssl.domains[1].clone();
    assert_eq!(
        certificate.covers,
        ["site-00001.example.test", "www.site-00001.example.test"]
    );
    assert_eq!(certificate.redeploys, 1);
    assert_eq!(client.put(&format!("/domains/1/ssl/{id}")).status, 404);
    assert_eq!(client.put("/domains/2/ssl/999").status, 404);
}

#[test]
fn advanced_delete_removes_only_that_certificate() {
    let sim = start(advanced().extra_domains(1));
    let client = Client::v3(&sim);
    let id = client.get("/domains/2/ssl").body["id"].as_u64().unwrap();
    let deleted = client.delete(&format!("/domains/2/ssl/{id}"));
    assert_eq!(deleted.status, 200);
    assert_eq!(client.get("/domains/2/ssl").body, not_installed());
    assert_eq!(client.get("/domains/1/ssl").status, 200);
}

#[test]
fn auto_ssl_issues_a_certificate_for_each_added_domain() {
    let sim = start(advanced().auto_ssl(true));
    let client = Client::v3(&sim);
    let added = client.post("/domains", add_body("auto.example.com", true));
    let domain_id = added.body["id"].as_u64().unwrap();
    let certificate = client.get(&format!("/domains/{domain_id}/ssl"));
    assert_eq!(certificate.status, 200);
    let state = sim.state();
    let record = state
        .ssl
        .domains
        .iter()
        .find(|c| c.domain_id == Some(domain_id))
        .unwrap();
    assert!(record.auto_issued);
    assert_eq!(record.covers, ["auto.example.com", "www.auto.example.com"]);
}

#[test]
fn without_auto_ssl_an_added_domain_has_no_certificate() {
    let sim = start(advanced());
    let client = Client::v3(&sim);
    let added = client.post("/domains", add_body("manual.example.com", false));
    let domain_id = added.body["id"].as_u64().unwrap();
    assert_eq!(
        client.get(&format!("/domains/{domain_id}/ssl")).body,
        not_installed()
    );
}

#[test]
fn deleting_a_domain_deletes_its_own_certificate() {
    let sim = start(advanced().extra_domains(1));
    let client = Client::v3(&sim);
    assert_eq!(sim.state().ssl.domains.len(), 2);
    assert_eq!(client.delete("/domains/2").status, 200);
    let state = sim.state();
    assert_eq!(state.ssl.domains.len(), 1);
    assert_eq!(state.ssl.domains[0].domain_id, Some(1));
}

#[test]
fn the_library_changes_ssl_directly() {
    let sim = start(SimConfig::new());
    assert!(sim.set_ssl(SslChange::new().auto_ssl(true)).is_err());
    sim.set_ssl(SslChange::new().certificate(false)).unwrap();
    assert!(sim.state().ssl.basic.is_none());
    sim.set_ssl(SslChange::new().advanced_ssl(true).certificate(true))
        .unwrap();
    let state = sim.state();
    assert!(state.ssl.advanced_ssl);
    assert_eq!(state.ssl.domains.len(), 1);
    assert!(!state.ssl.domains[0].auto_issued);
}
