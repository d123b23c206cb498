//! Let's Encrypt's limits (letsencrypt.org/docs/rate-limits) as RunCloud's orders meet them:
//! 100 names a certificate, 50 new certificates per registered domain and 5 for one set of
//! names per 7 days, 300 new orders per 3 hours, 5 failed validations per name per hour; the
//! windows run on a clock the control API moves forward.

mod common;

use std::time::Duration;

use common::{add, letsencrypt, start, Auth, Client};
use runcloud_sim::{DnsAnswer, DomainSeed, SimConfig, Simulator, SslMode};
use serde_json::json;

const HOUR: Duration = Duration::from_secs(3600);
const WEEK: Duration = Duration::from_secs(7 * 24 * 3600);

fn basic_certificate_id(sim: &Simulator) -> u64 {
    sim.state().ssl.basic.expect("a basic certificate").id
}

/// The limit that refused the last order, as the state dump names it.
fn last_limit(sim: &Simulator) -> String {
    sim.state()
        .letsencrypt
        .last_refused_order
        .expect("a refused order")
        .limit
}

/// The primary and 50 domains with their `www.`: 101 names for one basic certificate.
fn seed_hundred_and_one_names(sim: &Simulator) {
    for i in 0..50 {
        sim.seed_domain(DomainSeed::new(&format!("shop{i}.example.com")).www(true))
            .unwrap();
    }
}

#[test]
fn a_basic_redeploy_over_a_hundred_names_is_refused_and_nothing_is_issued() {
    let sim = start(SimConfig::new());
    let client = Client::v3(&sim);
    let id = basic_certificate_id(&sim);
    seed_hundred_and_one_names(&sim);

    let refused = client.put(&format!("/ssl/{id}"));
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body["message"].is_string());
    let state = sim.state();
    assert_eq!(state.ssl.basic.unwrap().covers, ["network.test"]);
    assert_eq!(state.counters.redeploys, 0);
    let limits = state.letsencrypt;
    assert_eq!(limits.refused_orders, 1);
    assert_eq!(limits.refused_orders_by_reason["names_per_certificate"], 1);
    assert_eq!(limits.last_refused_order.unwrap().order_names, 101);
    assert_eq!(
        limits.orders_last_3_hours, 0,
        "refused before an order exists"
    );

    // A fresh install of the same app is refused alike; at 100 names it is issued.
    assert_eq!(client.delete(&format!("/ssl/{id}")).status, 200);
    assert_eq!(client.post("/ssl", letsencrypt()).status, 422);
    assert_eq!(last_limit(&sim), "names_per_certificate");
    assert!(sim.state().ssl.basic.is_none());
    let last = sim.state().domain("shop49.example.com").unwrap().id;
    assert_eq!(client.delete(&format!("/domains/{last}")).status, 200);
    add(&client, "shop49.example.com");
    let installed = client.post("/ssl", letsencrypt());
    assert_eq!(installed.status, 200, "{}", installed.body);
    assert_eq!(sim.state().ssl.basic.unwrap().covers.len(), 100);
}

#[test]
fn a_large_app_takes_advanced_ssl_a_certificate_per_domain() {
    let sim = start(SimConfig::new().ssl_mode(SslMode::Advanced));
    let client = Client::v3(&sim);
    seed_hundred_and_one_names(&sim);
    let id = sim.state().domain("shop3.example.com").unwrap().id;
    let installed = client.post(&format!("/domains/{id}/ssl"), letsencrypt());
    assert_eq!(installed.status, 200, "{}", installed.body);
    let limits = sim.state().letsencrypt;
    assert_eq!(
        limits.certificates_last_7_days_by_registered_domain["example.com"],
        1
    );
    assert_eq!(limits.new_orders_last_3_hours, 1);
}

#[test]
fn five_duplicates_a_week_then_the_clock_moves_past_the_week() {
    let sim = start(SimConfig::new());
    let client = Client::v3(&sim);
    let id = basic_certificate_id(&sim);
    for _ in 0..5 {
        assert_eq!(client.put(&format!("/ssl/{id}")).status, 200);
    }
    assert_eq!(client.put(&format!("/ssl/{id}")).status, 422);
    assert_eq!(last_limit(&sim), "duplicate_certificates");
    let before = client.get("/ssl").body["validUntil"].clone();

    sim.advance_clock(WEEK);
    let redeployed = client.put(&format!("/ssl/{id}"));
    assert_eq!(redeployed.status, 200, "{}", redeployed.body);
    // The certificate's dates follow the simulator's clock.
    assert!(client.get("/ssl").body["validUntil"].as_str() > before.as_str());
}

#[test]
fn fifty_new_certificates_per_registered_domain_a_week() {
    let sim = start(SimConfig::new().ssl_mode(SslMode::Advanced));
    let client = Client::v3(&sim);
    let ids: Vec<u64> = (0..51)
        .map(|i| add(&client, &format!("shop{i}.example.co.uk")))
        .collect();
    for id in &ids[..50] {
        let installed = client.post(&format!("/domains/{id}/ssl"), letsencrypt());
        assert_eq!(installed.status, 200, "{}", installed.body);
    }
    let refused = client.post(&format!("/domains/{}/ssl", ids[50]), letsencrypt());
    assert_eq!(refused.status, 422);
    let limits = sim.state().letsencrypt;
    let last = limits.last_refused_order.unwrap();
    assert_eq!(last.limit, "certificates_per_registered_domain");
    assert_eq!(last.names, ["example.co.uk"]);
    assert_eq!(
        limits.certificates_last_7_days_by_registered_domain["example.co.uk"],
        50
    );
    // Another registered domain is not held back, and a renewal (the same names) is exempt.
    let other = add(&client, "shop.example.org");
    assert_eq!(
        client
            .post(&format!("/domains/{other}/ssl"), letsencrypt())
            .status,
        200
    );
    let certificate = &sim.state().ssl.domains[0];
    let renewed = client.put(&format!(
        "/domains/{}/ssl/{}",
        certificate.domain_id.unwrap(),
        certificate.id
    ));
    assert_eq!(renewed.status, 200, "{}", renewed.body);

    sim.advance_clock(WEEK);
    let later = client.post(&format!("/domains/{}/ssl", ids[50]), letsencrypt());
    assert_eq!(later.status, 200, "{}", later.body);
}

#[test]
fn three_hundred_new_orders_per_three_hours_autossl_included() {
    let sim = start(SimConfig::new().ssl_mode(SslMode::Advanced).auto_ssl(true));
    let client = Client::v3(&sim);
    // Each its own registered domain, so only the orders limit is met.
    for i in 0..300 {
        add(&client, &format!("site{i}.test"));
    }
    assert_eq!(sim.state().letsencrypt.new_orders_last_3_hours, 300);
    let late = add(&client, "late.test");
    assert!(sim
        .state()
        .ssl
        .domains
        .iter()
        .all(|c| c.domain_id != Some(late)));
    assert_eq!(last_limit(&sim), "new_orders_per_account");

    sim.advance_clock(3 * HOUR);
    assert_eq!(sim.state().letsencrypt.orders_last_3_hours, 0);
    let installed = client.post(&format!("/domains/{late}/ssl"), letsencrypt());
    assert_eq!(installed.status, 200, "{}", installed.body);
}

#[test]
fn autossl_turned_on_through_the_api_orders_each_certificate() {
    let sim = start(SimConfig::new().extra_domains(60));
    let client = Client::v3(&sim);
    let switched = client.post(
        "/ssl/advanced",
        json!({"advancedSSL": true, "autoSSL": true}),
    );
    assert_eq!(switched.status, 200, "{}", switched.body);
    // The primary (network.test) and 50 of the 60 names under example.test.
    let state = sim.state();
    assert_eq!(state.ssl.domains.len(), 51);
    let limits = state.letsencrypt;
    assert_eq!(limits.new_orders_last_3_hours, 51);
    assert_eq!(
        limits.refused_orders_by_reason["certificates_per_registered_domain"],
        10
    );
}

#[test]
fn a_name_off_the_server_fails_validation_and_locks_out_for_an_hour() {
    let sim = start(SimConfig::new().ssl_mode(SslMode::Advanced));
    let client = Client::v3(&sim);
    let id = add(&client, "away.example.com");
    sim.set_dns("away.example.com", DnsAnswer::Elsewhere);
    for _ in 0..5 {
        let refused = client.post(&format!("/domains/{id}/ssl"), letsencrypt());
        assert_eq!(refused.status, 422);
    }
    assert_eq!(last_limit(&sim), "validation_failed");
    sim.set_dns("away.example.com", DnsAnswer::Server);
    assert_eq!(
        client
            .post(&format!("/domains/{id}/ssl"), letsencrypt())
            .status,
        422
    );
    let limits = sim.state().letsencrypt;
    assert_eq!(limits.refused_orders_by_reason["validation_failed"], 5);
    assert_eq!(limits.refused_orders_by_reason["failed_authorizations"], 1);
    assert_eq!(limits.failed_validations_last_hour["away.example.com"], 5);

    sim.advance_clock(HOUR);
    assert!(sim.dns().failed_validations_last_hour.is_empty());
    let installed = client.post(&format!("/domains/{id}/ssl"), letsencrypt());
    assert_eq!(installed.status, 200, "{}", installed.body);
}

#[test]
fn the_control_api_moves_the_clock_and_a_reset_sets_it_back() {
    let sim = start(SimConfig::new());
    let control = Client::root(&sim, Auth::None);
    assert_eq!(control.get("/__sim/clock").body["offset_secs"], 0);
    let moved = control.post("/__sim/clock", json!({"advance_secs": 3600}));
    assert_eq!(moved.status, 200);
    assert_eq!(moved.body["offset_secs"], 3600);
    control.post("/__sim/clock", json!({"advance_secs": 60}));
    assert_eq!(sim.clock_offset(), Duration::from_secs(3660));
    assert_eq!(
        control.get("/__sim/state").body["letsencrypt"]["clock_offset_secs"],
        3660
    );
    assert_eq!(
        control
            .post("/__sim/clock", json!({"advance_secs": -5}))
            .status,
        400,
        "the clock only moves forward"
    );
    assert_eq!(
        control
            .post("/__sim/clock", json!({"advance_secs": u64::MAX}))
            .status,
        400
    );
    assert_eq!(control.post("/__sim/reset", json!({})).status, 200);
    assert_eq!(sim.clock_offset(), Duration::ZERO);
}
