//! Both authentication schemes, what a wrong or missing credential gets, and 404s for ids
//! that name no server or web app.

mod common;

use common::{base64, start, Auth, Client};
use runcloud_sim::SimConfig;
use serde_json::json;

fn unauthenticated() -> serde_json::Value {
    json!({ "message": "Unauthenticated." })
}

#[test]
fn basic_credentials_are_encoded_as_the_standard_says() {
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    assert_eq!(base64(b"key:secret"), "a2V5OnNlY3JldA==");
}

#[test]
fn v3_accepts_its_bearer_token() {
    let sim = start(SimConfig::new());
    let ping = Client::root(&sim, Auth::v3()).get("/api/v3/ping");
    assert_eq!(ping.status, 200);
    assert_eq!(ping.body, json!({ "message": "pong" }));
    assert_eq!(
        ping.header("Content-Type"),
        Some("application/json"),
        "{ping:?}"
    );
    let details = Client::v3(&sim).get("");
    assert_eq!(details.status, 200);
    assert_eq!(details.body["id"], 1);
    assert_eq!(details.body["name"], "multisite");
}

#[test]
fn v2_accepts_its_key_and_secret() {
    let sim = start(SimConfig::new());
    let ping = Client::root(&sim, Auth::v2()).get("/api/v2/ping");
    assert_eq!(ping.status, 200);
    assert_eq!(ping.body, json!({ "message": "pong" }));
    assert_eq!(Client::v2(&sim).get("/domains").status, 200);
}

#[test]
fn configured_credentials_replace_the_defaults() {
    let sim = start(
        SimConfig::new()
            .token("other-token")
            .api_key("K1")
            .api_secret("S:with:colons"),
    );
    let root = |auth| Client::root(&sim, auth);
    assert_eq!(
        root(Auth::Bearer("other-token".into()))
            .get("/api/v3/ping")
            .status,
        200
    );
    assert_eq!(
        root(Auth::Basic("K1".into(), "S:with:colons".into()))
            .get("/api/v2/ping")
            .status,
        200
    );
    assert_eq!(root(Auth::v3()).get("/api/v3/ping").status, 401);
    assert_eq!(root(Auth::v2()).get("/api/v2/ping").status, 401);
}

#[test]
fn wrong_or_missing_credentials_get_a_json_401() {
    let sim = start(SimConfig::new());
    let cases = [
        ("/api/v3/ping", Auth::None),
        ("/api/v3/ping", Auth::Bearer("wrong".into())),
        ("/api/v3/ping", Auth::Bearer(String::new())),
        (
            "/api/v3/ping",
            Auth::Header(format!("Token {}", common::TOKEN)),
        ),
        ("/api/v3/ping", Auth::Header(common::TOKEN.into())),
        ("/api/v2/ping", Auth::None),
        (
            "/api/v2/ping",
            Auth::Basic("test-key".into(), "wrong".into()),
        ),
        (
            "/api/v2/ping",
            Auth::Basic("wrong".into(), "test-secret".into()),
        ),
        ("/api/v2/ping", Auth::Header("Basic !!not-base64!!".into())),
        (
            "/api/v2/ping",
            Auth::Header(format!("Basic {}", base64(b"test-keytest-secret"))),
        ),
    ];
    for (path, auth) in cases {
        let answer = Client::root(&sim, auth.clone()).get(path);
        assert_eq!(answer.status, 401, "{path} with {auth:?}");
        assert_eq!(answer.body, unauthenticated(), "{path} with {auth:?}");
        assert_eq!(answer.header("Content-Type"), Some("application/json"));
    }
    assert_eq!(sim.state().counters.unauthenticated, 10);
}

#[test]
fn each_version_accepts_only_its_own_scheme() {
    let sim = start(SimConfig::new());
    let v3_with_basic = Client::root(&sim, Auth::v2()).get("/api/v3/ping");
    assert_eq!(v3_with_basic.status, 401);
    let v2_with_bearer = Client::root(&sim, Auth::v3()).get("/api/v2/ping");
    assert_eq!(v2_with_bearer.status, 401);
    assert_eq!(v2_with_bearer.body, unauthenticated());
}

#[test]
fn unauthenticated_requests_change_nothing() {
    let sim = start(SimConfig::new());
    let before = sim.state().domains;
    let intruder = Client::new(&sim.app_url("v3"), Auth::Bearer("wrong".into()));
    let add = intruder.post(
        "/domains",
        json!({"name": "evil.example.com", "www": false, "redirection": "none", "type": "alias"}),
    );
    assert_eq!(add.status, 401);
    assert_eq!(intruder.delete("/domains/1").status, 401);
    assert_eq!(sim.state().domains, before);
}

#[test]
fn unknown_servers_and_apps_are_json_404s() {
    let sim = start(SimConfig::new().server_id(7).app_id(9));
    let client = Client::root(&sim, Auth::v3());
    let cases = [
        ("/api/v3/servers/8/webapps/9", "Server not found."),
        ("/api/v3/servers/x/webapps/9/domains", "Server not found."),
        ("/api/v3/servers/7/webapps/10", "Web application not found."),
        (
            "/api/v3/servers/7/webapps/1/domains",
            "Web application not found.",
        ),
        (
            "/api/v3/servers/7/webapps/9/domains/999",
            "Domain name not found.",
        ),
    ];
    for (path, message) in cases {
        let answer = client.get(path);
        assert_eq!(answer.status, 404, "{path}");
        assert_eq!(answer.body, json!({ "message": message }), "{path}");
    }
    assert_eq!(client.get("/api/v3/servers/7/webapps/9").status, 200);
    let v2 = Client::root(&sim, Auth::v2()).get("/api/v2/servers/1/webapps/9");
    assert_eq!(v2.status, 404);
    assert_eq!(v2.body, json!({ "message": "Server not found." }));
}

#[test]
fn credentials_are_checked_before_ids() {
    let sim = start(SimConfig::new());
    let stranger = Client::root(&sim, Auth::None);
    let answer = stranger.get("/api/v3/servers/99/webapps/99/domains");
    assert_eq!(answer.status, 401);
    assert_eq!(answer.body, unauthenticated());
}

#[test]
fn unknown_routes_and_methods_are_json_errors() {
    let sim = start(SimConfig::new());
    let client = Client::root(&sim, Auth::v3());
    for path in [
        "/api/v3/nothing",
        "/api/v4/ping",
        "/",
        "/api/v3/servers/1/webapps/1/x",
    ] {
        let answer = client.get(path);
        assert_eq!(answer.status, 404, "{path}");
        assert_eq!(answer.body, json!({ "message": "Not Found." }), "{path}");
    }
    let wrong_method = client.call("PUT", "/api/v3/servers/1/webapps/1/domains", None);
    assert_eq!(wrong_method.status, 405);
    assert_eq!(wrong_method.header("Allow"), Some("GET, POST"));
    assert!(wrong_method.body["message"].is_string());
}

#[test]
fn unknown_routes_are_404s_even_without_credentials() {
    let sim = start(SimConfig::new());
    let answer = Client::root(&sim, Auth::None).get("/api/v3/nothing");
    assert_eq!(answer.status, 404);
    assert_eq!(sim.state().counters.unauthenticated, 0);
}

#[test]
fn the_bearer_scheme_name_is_case_insensitive() {
    let sim = start(SimConfig::new());
    let lower = Auth::Header(format!("bearer {}", common::TOKEN));
    assert_eq!(Client::root(&sim, lower).get("/api/v3/ping").status, 200);
}
