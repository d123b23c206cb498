//! One account, several web apps (`--app SERVER:APP`): each with its own domains, SSL mode and
//! certificates; the credentials, the rate limit and Let's Encrypt shared; faults aimed at
//! one web app while the others answer; RunCloud's 404 for a web app it does not have.

mod common;

use std::time::Duration;

use common::{add, letsencrypt, start, Auth, Client};
use runcloud_sim::{AppRef, SimConfig, Simulator, SslChange};
use serde_json::{json, Value};

const FIRST: AppRef = AppRef {
    server_id: 1,
    app_id: 1,
};
const SECOND: AppRef = AppRef {
    server_id: 2,
    app_id: 20,
};
const THIRD: AppRef = AppRef {
    server_id: 3,
    app_id: 30,
};

fn three_apps() -> SimConfig {
    SimConfig::new().app(SECOND).app(THIRD)
}

fn control(sim: &Simulator) -> Client {
    Client::root(sim, Auth::None)
}

/// A v3 client of one web app: paths are relative to its `APP`.
fn client(sim: &Simulator, app: AppRef) -> Client {
    Client::new(
        &sim.app(app).expect("a served web app").url("v3"),
        Auth::v3(),
    )
}

/// `GET /__sim/state?app=SERVER:APP`.
fn state_of(sim: &Simulator, app: AppRef) -> Value {
    let answer = control(sim).get(&format!("/__sim/state?app={app}"));
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.body
}

fn names(state: &Value) -> Vec<&str> {
    state["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|domain| domain["name"].as_str().unwrap())
        .collect()
}

fn control_post(sim: &Simulator, path: &str, body: Value) -> Value {
    let answer = control(sim).post(path, body);
    assert_eq!(answer.status, 200, "{path}: {}", answer.text);
    answer.body
}

#[test]
fn each_web_app_keeps_its_own_domains_ssl_mode_and_certificates() {
    let sim = start(three_apps().extra_domains(1));
    assert_eq!(sim.apps(), [FIRST, SECOND, THIRD]);
    let advanced = control_post(
        &sim,
        "/__sim/ssl",
        json!({"app": "3:30", "advancedSSL": true, "certificate": true}),
    );
    assert_eq!(advanced["advancedSSL"], true);
    add(&client(&sim, FIRST), "one.example.com");
    let two = add(&client(&sim, SECOND), "two.example.com");
    let three = add(&client(&sim, THIRD), "three.example.com");

    // Seeded alike, then each changed on its own.
    let seeded = ["network.test", "site-00001.example.test"];
    for (app, added) in [
        (FIRST, "one.example.com"),
        (SECOND, "two.example.com"),
        (THIRD, "three.example.com"),
    ] {
        let state = state_of(&sim, app);
        assert_eq!(state["server_id"], app.server_id);
        assert_eq!(state["app_id"], app.app_id);
        assert_eq!(names(&state), [seeded[0], seeded[1], added], "{app}");
        assert_eq!(state["counters"]["domains_added"], 1, "{app}");
        assert_eq!(state["apps"], json!(["1:1", "2:20", "3:30"]));
    }
    // Ids are the account's: no id names records of two web apps.
    assert_ne!(two, three);
    let listed = client(&sim, SECOND).get(&format!("/domains/{three}"));
    assert_eq!(listed.status, 404, "another web app's domain id");

    // The second app's certificate covers its names once redeployed; the first's is untouched.
    let second = client(&sim, SECOND);
    let certificate = second.get("/ssl").body["id"].as_u64().unwrap();
    assert_eq!(second.put(&format!("/ssl/{certificate}")).status, 200);
    let covers = |app| sim.app(app).unwrap().ssl().basic.unwrap().covers;
    assert_eq!(covers(SECOND), [seeded[0], seeded[1], "two.example.com"]);
    assert_eq!(covers(FIRST), seeded);
    let third = sim.app(THIRD).unwrap().ssl();
    assert!(third.advanced_ssl && third.basic.is_none());
    let own: Vec<_> = third.domains.iter().map(|c| c.covers.clone()).collect();
    assert_eq!(own, [vec![seeded[0]], vec![seeded[1]]], "AutoSSL is off");
    assert_eq!(
        client(&sim, THIRD).get("/ssl").status,
        422,
        "the basic endpoint in advanced mode"
    );
    assert_eq!(
        client(&sim, FIRST).get("/ssl/advanced").body["advancedSSL"],
        false
    );
}

#[test]
fn the_state_dump_without_an_app_is_the_primary_ones() {
    let sim = start(three_apps().server_id(7).app_id(70));
    let primary = control(&sim).get("/__sim/state").body;
    assert_eq!(primary["server_id"], 7);
    assert_eq!(primary["app_id"], 70);
    assert_eq!(primary["apps"], json!(["7:70", "2:20", "3:30"]));
    let encoded = control(&sim).get("/__sim/state?app=2%3A20").body;
    assert_eq!(encoded["app_id"], 20, "a percent-encoded colon");
    assert_eq!(sim.primary().address(), AppRef::new(7, 70));
    // Each web app's server presents its certificates on its own port.
    let ports: Vec<u64> = sim
        .apps()
        .iter()
        .map(|app| state_of(&sim, *app)["https_port"].as_u64().unwrap())
        .collect();
    assert!(ports.iter().all(|port| *port > 0));
    assert_ne!(ports[0], ports[1]);
    assert_ne!(ports[1], ports[2]);
    assert_eq!(control(&sim).get("/__sim/dns").body["https_port"], ports[0]);
    assert_eq!(sim.app(THIRD).unwrap().https_addr().port() as u64, ports[2]);
}

#[test]
fn a_web_app_it_does_not_have_is_runclouds_not_found() {
    let sim = start(three_apps());
    let root = Client::root(&sim, Auth::v3());
    let no_server = root.get("/api/v3/servers/9/webapps/1/domains");
    assert_eq!(no_server.status, 404);
    assert_eq!(no_server.body, json!({"message": "Server not found."}));
    for path in [
        "/api/v3/servers/2/webapps/21/domains",
        // A web app of another server.
        "/api/v3/servers/2/webapps/30/domains",
        "/api/v2/servers/3/webapps/1",
    ] {
        let answer = Client::root(
            &sim,
            if path.contains("/v2/") {
                Auth::v2()
            } else {
                Auth::v3()
            },
        )
        .get(path);
        assert_eq!(answer.status, 404, "{path}");
        assert_eq!(
            answer.body,
            json!({"message": "Web application not found."}),
            "{path}"
        );
    }
    let log = sim.requests();
    assert_eq!(
        log[0].app,
        Some(AppRef::new(9, 1)),
        "the log names what was asked"
    );
    assert!(sim.app(AppRef::new(9, 1)).is_none());
}

#[test]
fn control_endpoints_refuse_a_web_app_they_do_not_have() {
    let sim = start(three_apps());
    let control = control(&sim);
    let unknown = control.get("/__sim/state?app=9:9");
    assert_eq!(unknown.status, 404);
    let served = "it serves 1:1, 2:20, 3:30";
    assert!(unknown.text.contains(served), "{}", unknown.text);
    assert_eq!(control.get("/__sim/state?app=2").status, 400);
    assert_eq!(control.get("/__sim/state?app=0:20").status, 400);
    assert_eq!(control.get("/__sim/requests?app=9:9").status, 404);
    assert_eq!(control.delete("/__sim/faults?app=9:9").status, 404);
    for (path, body) in [
        ("/__sim/faults", json!({"kind": "status", "app": "9:9"})),
        ("/__sim/ssl", json!({"app": "9:9", "advancedSSL": true})),
        ("/__sim/domains", json!({"app": "9:9", "count": 1})),
    ] {
        assert_eq!(control.post(path, body).status, 404, "{path}");
    }
    let malformed = control.post("/__sim/ssl", json!({"app": "2-20", "advancedSSL": true}));
    assert_eq!(malformed.status, 400);
    let contradicting = control.post(
        "/__sim/domains?app=2:20",
        json!({"app": "3:30", "count": 1}),
    );
    assert_eq!(contradicting.status, 400);
    assert_eq!(sim.state().pending_faults, []);
    assert_eq!(sim.app(SECOND).unwrap().state().domains.len(), 1);
}

#[test]
fn domains_are_seeded_in_the_web_app_named() {
    let sim = start(three_apps());
    let seeded = control_post(
        &sim,
        "/__sim/domains",
        json!({"app": "2:20", "count": 2, "domains": [{"name": "shop.example.com", "www": true}]}),
    );
    assert_eq!(seeded["ids"].as_array().unwrap().len(), 3);
    let by_query = control_post(&sim, "/__sim/domains?app=3:30", json!({"count": 1}));
    assert_eq!(by_query["ids"].as_array().unwrap().len(), 1);
    assert_eq!(names(&state_of(&sim, FIRST)), ["network.test"]);
    assert_eq!(
        names(&state_of(&sim, SECOND)),
        [
            "network.test",
            "site-00001.example.test",
            "site-00002.example.test",
            "shop.example.com"
        ]
    );
    assert_eq!(
        names(&state_of(&sim, THIRD)),
        ["network.test", "site-00001.example.test"]
    );
    let library = sim.app(THIRD).unwrap();
    library.seed_domains(1);
    assert_eq!(library.state().domains.len(), 3);
}

#[test]
fn the_rate_limit_is_the_accounts() {
    let sim = Simulator::start(three_apps().rate_limit(4)).unwrap();
    let remaining: Vec<u64> = [FIRST, SECOND, THIRD, FIRST]
        .into_iter()
        .map(|app| {
            client(&sim, app)
                .get("/domains")
                .number_header("X-RateLimit-Remaining")
        })
        .collect();
    assert_eq!(remaining, [3, 2, 1, 0], "one budget for every web app");
    let limited = client(&sim, SECOND).get("/domains");
    assert_eq!(limited.status, 429);
    assert!(limited.number_header("Retry-After") >= 1);
    let state = state_of(&sim, THIRD);
    assert_eq!(
        state["counters"]["rate_limited"], 1,
        "counted for the account"
    );
    assert_eq!(state["counters"]["api_requests"], 5);
    assert_eq!(state["counters"]["app_requests"], 1);
    assert_eq!(state_of(&sim, SECOND)["counters"]["app_requests"], 2);
}

#[test]
fn the_same_credentials_serve_every_web_app() {
    let sim = start(three_apps());
    for app in [FIRST, SECOND, THIRD] {
        let url = sim.app(app).unwrap().url("v2");
        assert_eq!(Client::new(&url, Auth::v2()).get("/domains").status, 200);
        let wrong = Client::new(&url, Auth::Bearer("wrong".into())).get("/domains");
        assert_eq!(wrong.status, 401, "{app}");
    }
}

/// Three requests to `app`'s domain list, and their statuses.
fn statuses(sim: &Simulator, app: AppRef) -> Vec<u16> {
    let client = client(sim, app);
    (0..3).map(|_| client.get("/domains").status).collect()
}

#[test]
fn a_503_aimed_at_one_web_app_lasts_ten_simulated_minutes_while_the_others_answer() {
    let sim = start(three_apps());
    control_post(
        &sim,
        "/__sim/faults",
        json!({"kind": "status", "status": 503, "app": "2:20", "for_secs": 600, "retry_after": 60}),
    );
    let ping = || Client::root(&sim, Auth::v3()).get("/api/v3/ping").status;
    assert_eq!(statuses(&sim, SECOND), [503, 503, 503]);
    assert_eq!(
        client(&sim, SECOND)
            .get("/domains")
            .number_header("Retry-After"),
        60
    );
    assert_eq!(statuses(&sim, FIRST), [200, 200, 200]);
    assert_eq!(statuses(&sim, THIRD), [200, 200, 200]);
    assert_eq!(ping(), 200, "a ping names no web app");
    // The others change while it is down; it changes nothing.
    add(&client(&sim, FIRST), "during.example.com");
    let refused = client(&sim, SECOND).post(
        "/domains",
        json!({"name": "lost.example.com", "www": false, "redirection": "none", "type": "alias"}),
    );
    assert_eq!(refused.status, 503);
    assert_eq!(names(&state_of(&sim, SECOND)), ["network.test"]);

    let pending = control(&sim).get("/__sim/faults?app=2:20").body;
    assert_eq!(pending[0]["app"], "2:20");
    assert!(pending[0]["for_secs"].as_u64().unwrap() <= 600);
    assert_eq!(control(&sim).get("/__sim/faults?app=3:30").body, json!([]));
    assert_eq!(state_of(&sim, THIRD)["pending_faults"], json!([]));

    sim.advance_clock(Duration::from_secs(590));
    assert_eq!(statuses(&sim, SECOND), [503, 503, 503], "still down");
    control_post(&sim, "/__sim/clock", json!({"advance_secs": 10}));
    assert_eq!(statuses(&sim, SECOND), [200, 200, 200], "recovered");
    add(&client(&sim, SECOND), "after.example.com");
    assert_eq!(control(&sim).get("/__sim/faults").body, json!([]));

    let second = sim.app(SECOND).unwrap().requests();
    assert!(second.iter().all(|record| record.app == Some(SECOND)));
    let struck = second
        .iter()
        .filter(|record| record.fault.is_some())
        .count();
    assert_eq!(struck, 8, "every request while it was down, none after");
    let logged = control(&sim).get("/__sim/requests?app=1:1").body;
    assert!(logged
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["app"] == "1:1" && r["fault"].is_null()));
    let pings = sim
        .requests()
        .into_iter()
        .filter(|record| record.app.is_none())
        .count();
    assert_eq!(pings, 1);
}

#[test]
fn a_fault_aimed_at_one_web_app_is_used_up_by_its_requests_only() {
    let sim = start(three_apps());
    sim.inject(runcloud_sim::Fault::status(502).times(2).on_app(THIRD));
    assert_eq!(statuses(&sim, FIRST), [200, 200, 200]);
    assert_eq!(statuses(&sim, THIRD), [502, 502, 200]);
    // Cleared for one web app only.
    for app in ["2:20", "3:30"] {
        control_post(&sim, "/__sim/faults", json!({"kind": "drop", "app": app}));
    }
    assert_eq!(control(&sim).delete("/__sim/faults?app=3:30").status, 200);
    let left = control(&sim).get("/__sim/faults").body;
    assert_eq!(left.as_array().unwrap().len(), 1);
    assert_eq!(left[0]["app"], "2:20");
    // A fault for no web app in particular strikes any of them.
    control_post(
        &sim,
        "/__sim/faults",
        json!({"kind": "status", "status": 500}),
    );
    assert_eq!(client(&sim, THIRD).get("/domains").status, 500);
}

#[test]
fn a_churn_fault_changes_the_web_app_it_strikes() {
    let sim = start(three_apps());
    control_post(
        &sim,
        "/__sim/faults",
        json!({"kind": "churn", "app": "3:30"}),
    );
    let page = client(&sim, THIRD).get("/domains");
    assert_eq!(page.body["meta"]["pagination"]["total"], 2);
    assert_eq!(names(&state_of(&sim, FIRST)), ["network.test"]);
}

#[test]
fn lets_encrypt_counts_every_web_apps_orders() {
    let sim = start(three_apps());
    // The same names on three servers: each certificate counts on Let's Encrypt's books.
    for app in [FIRST, SECOND, THIRD] {
        sim.app(app)
            .unwrap()
            .set_ssl(SslChange::new().certificate(false))
            .unwrap();
        let installed = client(&sim, app).post("/ssl", letsencrypt());
        assert_eq!(installed.status, 200, "{app}: {}", installed.text);
    }
    let second = client(&sim, SECOND);
    let id = second.get("/ssl").body["id"].as_u64().unwrap();
    for _ in 0..2 {
        assert_eq!(second.put(&format!("/ssl/{id}")).status, 200);
    }
    // Five certificates for exactly {network.test} this week: the sixth is a duplicate.
    let refused = client(&sim, FIRST).put(&format!("/ssl/{}", sim.state().ssl.basic.unwrap().id));
    assert_eq!(refused.status, 422);
    assert!(refused.body["message"]
        .as_str()
        .unwrap()
        .contains("exact set"));
    for app in [FIRST, SECOND, THIRD] {
        let books = &state_of(&sim, app)["letsencrypt"];
        assert_eq!(books["orders_last_3_hours"], 5, "{app}");
        assert_eq!(
            books["refused_orders_by_reason"]["duplicate_certificates"],
            1
        );
    }
}

#[test]
fn ssl_changes_through_the_library_stay_with_their_web_app() {
    let sim = start(three_apps());
    sim.app(SECOND)
        .unwrap()
        .set_ssl(SslChange::new().advanced_ssl(true).auto_ssl(true))
        .unwrap();
    assert!(sim.app(SECOND).unwrap().ssl().auto_ssl);
    assert!(!sim.state().ssl.advanced_ssl);
    // AutoSSL issues on the second web app only.
    add(&client(&sim, SECOND), "auto.example.com");
    add(&client(&sim, THIRD), "manual.example.com");
    let issued = |app| state_of(&sim, app)["counters"]["certificates_issued"].clone();
    assert_eq!(
        issued(SECOND),
        2,
        "the primary domain's on switching, then the new one's"
    );
    assert_eq!(issued(THIRD), 0);
    let refused = sim
        .app(THIRD)
        .unwrap()
        .set_ssl(SslChange::new().auto_ssl(true));
    assert!(refused.is_err(), "AutoSSL needs advanced SSL");
}

#[test]
fn a_reset_seeds_every_web_app_again() {
    let sim = start(three_apps());
    add(&client(&sim, SECOND), "temp.example.com");
    control_post(
        &sim,
        "/__sim/ssl",
        json!({"app": "3:30", "certificate": false}),
    );
    control_post(
        &sim,
        "/__sim/faults",
        json!({"kind": "drop", "app": "2:20", "for_secs": 60}),
    );
    control_post(&sim, "/__sim/reset", json!({}));
    for app in [FIRST, SECOND, THIRD] {
        let state = sim.app(app).unwrap().state();
        assert_eq!(state.domains.len(), 1, "{app}");
        assert!(state.ssl.basic.is_some(), "{app}");
        assert!(state.pending_faults.is_empty());
    }
}

#[test]
fn a_web_app_given_twice_is_refused_at_the_start() {
    for config in [
        SimConfig::new().app(FIRST),
        SimConfig::new().server_id(2).app_id(20).app(SECOND),
        three_apps().app(THIRD),
    ] {
        let error = Simulator::start(config).err().expect("refused");
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
        assert!(error.to_string().contains("given twice"), "{error}");
    }
    // Two web apps of one server are two web apps.
    let sim = start(SimConfig::new().app(AppRef::new(1, 2)));
    assert_eq!(client(&sim, AppRef::new(1, 2)).get("/domains").status, 200);
}
