//! The web app's domains: the object's exact shape, add with its validation and 422 bodies,
//! get, delete (never the primary), and the meta change.

mod common;

use std::collections::BTreeSet;

use common::{domain_names, keys, start, Client};
use runcloud_sim::SimConfig;
use serde_json::{json, Value};

fn add_body(name: &str) -> Value {
    json!({"name": name, "www": false, "redirection": "none", "type": "alias"})
}

/// Laravel's validation answer with exactly these fields and messages.
fn validation_error(errors: Value) -> Value {
    json!({ "message": "The given data was invalid.", "errors": errors })
}

/// `2024-07-09 07:02:13`: digits where RunCloud has them.
fn is_runcloud_timestamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 19
        && bytes.iter().enumerate().all(|(index, byte)| match index {
            4 | 7 => *byte == b'-',
            10 => *byte == b' ',
            13 | 16 => *byte == b':',
            _ => byte.is_ascii_digit(),
        })
}

#[test]
fn a_domain_has_exactly_runclouds_fields_with_integer_flags() {
    let sim = start(SimConfig::new().wildcard_domain("*.network.test"));
    let primary = Client::v3(&sim).get("/domains/1");
    assert_eq!(primary.status, 200);
    assert_eq!(
        keys(&primary.body),
        BTreeSet::from([
            "created_at",
            "dns_integration",
            "id",
            "name",
            "redirection",
            "status",
            "type",
            "wildcard",
            "www"
        ])
    );
    assert_eq!(primary.body["id"], 1);
    assert_eq!(primary.body["name"], "network.test");
    assert_eq!(primary.body["type"], "primary");
    assert_eq!(primary.body["redirection"], "none");
    // Integers, as RunCloud sends them, not booleans.
    assert_eq!(primary.body["www"], json!(0));
    assert_eq!(primary.body["wildcard"], json!(1));
    assert_eq!(primary.body["dns_integration"], Value::Null);
    assert_eq!(primary.body["status"], Value::Null);
    let created_at = primary.body["created_at"].as_str().unwrap();
    assert!(is_runcloud_timestamp(created_at), "{created_at}");
}

#[test]
fn web_app_details_name_the_app() {
    let sim = start(SimConfig::new().app_id(12).webapp_name("shop"));
    let details = Client::v3(&sim).get("");
    assert_eq!(details.status, 200);
    assert_eq!(details.body["id"], 12);
    assert_eq!(details.body["name"], "shop");
}

#[test]
fn an_added_domain_is_answered_stored_and_listed() {
    let sim = start(SimConfig::new());
    let client = Client::v3(&sim);
    let added = client.post(
        "/domains",
        json!({"name": "shop.example.com", "www": true, "redirection": "non-www", "type": "alias"}),
    );
    assert_eq!(added.status, 200, "{}", added.text);
    let id = added.body["id"].as_u64().unwrap();
    assert_eq!(added.body["name"], "shop.example.com");
    assert_eq!(added.body["www"], json!(1));
    assert_eq!(added.body["wildcard"], json!(0));
    assert_eq!(added.body["redirection"], "non-www");
    assert_eq!(added.body["type"], "alias");
    let fetched = client.get(&format!("/domains/{id}"));
    assert_eq!(fetched.body, added.body);
    assert_eq!(domain_names(&sim), ["network.test", "shop.example.com"]);
    assert_eq!(sim.state().counters.domains_added, 1);
}

#[test]
fn v2_adds_domains_too() {
    let sim = start(SimConfig::new());
    let added = Client::v2(&sim).post("/domains", add_body("legacy.example.com"));
    assert_eq!(added.status, 200, "{}", added.text);
    assert!(sim.state().domain("legacy.example.com").is_some());
}

#[test]
fn names_are_stored_trimmed_and_lowercased() {
    let sim = start(SimConfig::new());
    let added = Client::v3(&sim).post("/domains", add_body("  Shop.Example.COM "));
    assert_eq!(added.status, 200, "{}", added.text);
    assert_eq!(added.body["name"], "shop.example.com");
}

#[test]
fn an_existing_name_is_a_laravel_422() {
    let sim = start(SimConfig::new().extra_domains(1));
    let client = Client::v3(&sim);
    for name in ["network.test", "site-00001.example.test", "NETWORK.test"] {
        let answer = client.post("/domains", add_body(name));
        assert_eq!(answer.status, 422, "{name}");
        assert_eq!(
            answer.body,
            validation_error(json!({"name": ["The name has already been taken."]})),
            "{name}"
        );
    }
    assert_eq!(sim.state().domains.len(), 2);
}

#[test]
fn every_missing_field_is_reported_at_once() {
    let sim = start(SimConfig::new());
    let answer = Client::v3(&sim).post("/domains", json!({}));
    assert_eq!(answer.status, 422);
    assert_eq!(
        answer.body,
        validation_error(json!({
            "name": ["The name field is required."],
            "www": ["The www field is required."],
            "redirection": ["The redirection field is required."],
            "type": ["The type field is required."],
        }))
    );
}

#[test]
fn a_body_that_is_not_json_validates_as_empty() {
    let sim = start(SimConfig::new());
    let answer = Client::v3(&sim).call("POST", "/domains", Some(json!("name=x.com")));
    assert_eq!(answer.status, 422);
    assert_eq!(answer.body["errors"].as_object().unwrap().len(), 4);
}

#[test]
fn invalid_values_are_refused_field_by_field() {
    let sim = start(SimConfig::new());
    let client = Client::v3(&sim);
    let answer = client.post(
        "/domains",
        json!({"name": "not a domain", "www": "yes", "redirection": "both", "type": "primary"}),
    );
    assert_eq!(answer.status, 422);
    assert_eq!(
        answer.body,
        validation_error(json!({
            "name": ["The name format is invalid."],
            "www": ["The www field must be true or false."],
            "redirection": ["The selected redirection is invalid."],
            "type": ["The selected type is invalid."],
        }))
    );
    assert_eq!(sim.state().domains.len(), 1);
}

#[test]
fn names_that_are_not_host_names_are_refused() {
    let sim = start(SimConfig::new());
    let client = Client::v3(&sim);
    for name in [
        "localhost",
        "192.168.1.1",
        "*.example.com",
        "example.com/path",
        "example.com:8080",
        "under_score.example.com",
        "-bad.example.com",
        "example.com.",
    ] {
        let answer = client.post("/domains", add_body(name));
        assert_eq!(answer.status, 422, "{name}");
        assert_eq!(
            answer.body["errors"],
            json!({"name": ["The name format is invalid."]}),
            "{name}"
        );
    }
    let number = client.post(
        "/domains",
        json!({"name": 42, "www": false, "redirection": "none", "type": "alias"}),
    );
    assert_eq!(
        number.body["errors"],
        json!({"name": ["The name must be a string."]})
    );
}

#[test]
fn laravel_booleans_and_redirect_types_are_accepted() {
    let sim = start(SimConfig::new());
    let client = Client::v3(&sim);
    let cases = [
        (json!(1), "www", "redirect", 1),
        (json!("0"), "none", "alias", 0),
        (json!(false), "non-www", "redirect", 0),
    ];
    for (index, (www, redirection, domain_type, stored_www)) in cases.into_iter().enumerate() {
        let name = format!("case{index}.example.com");
        let answer = client.post(
            "/domains",
            json!({"name": name, "www": www, "redirection": redirection, "type": domain_type}),
        );
        assert_eq!(answer.status, 200, "{}", answer.text);
        assert_eq!(answer.body["www"], stored_www);
        assert_eq!(answer.body["redirection"], redirection);
        assert_eq!(answer.body["type"], domain_type);
    }
}

#[test]
fn a_domain_is_deleted_with_its_record_in_the_answer() {
    let sim = start(SimConfig::new().extra_domains(2));
    let client = Client::v3(&sim);
    let deleted = client.delete("/domains/2");
    assert_eq!(deleted.status, 200);
    assert_eq!(deleted.body["name"], "site-00001.example.test");
    let gone = client.get("/domains/2");
    assert_eq!(gone.status, 404);
    assert_eq!(gone.body, json!({"message": "Domain name not found."}));
    assert_eq!(client.delete("/domains/2").status, 404);
    assert_eq!(
        domain_names(&sim),
        ["network.test", "site-00002.example.test"]
    );
    assert_eq!(sim.state().counters.domains_deleted, 1);
}

#[test]
fn the_primary_domain_cannot_be_deleted() {
    let sim = start(SimConfig::new());
    let answer = Client::v3(&sim).delete("/domains/1");
    assert_eq!(answer.status, 422);
    assert_eq!(
        answer.body,
        json!({"message": "You cannot delete the primary domain name."})
    );
    assert_eq!(domain_names(&sim), ["network.test"]);
}

#[test]
fn ids_that_are_not_numbers_are_missing_domains() {
    let sim = start(SimConfig::new());
    let client = Client::v3(&sim);
    assert_eq!(client.get("/domains/abc").status, 404);
    assert_eq!(client.delete("/domains/abc").status, 404);
}

#[test]
fn a_deleted_name_can_be_added_again_with_a_new_id() {
    let sim = start(SimConfig::new());
    let client = Client::v3(&sim);
    let first = client.post("/domains", add_body("again.example.com"));
    let first_id = first.body["id"].as_u64().unwrap();
    assert_eq!(client.delete(&format!("/domains/{first_id}")).status, 200);
    let second = client.post("/domains", add_body("again.example.com"));
    assert_eq!(second.status, 200);
    assert!(second.body["id"].as_u64().unwrap() > first_id);
}

#[test]
fn meta_changes_www_redirection_and_type() {
    let sim = start(SimConfig::new().extra_domains(1));
    let client = Client::v3(&sim);
    let changed = client.patch(
        "/domains/2/meta",
        json!({"www": true, "redirection": "www", "type": "redirect"}),
    );
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.body["www"], 1);
    assert_eq!(changed.body["redirection"], "www");
    assert_eq!(changed.body["type"], "redirect");
    let partial = client.patch("/domains/2/meta", json!({"www": false}));
    assert_eq!(partial.body["www"], 0);
    assert_eq!(partial.body["type"], "redirect");
    let primary = client.patch("/domains/1/meta", json!({"type": "alias"}));
    assert_eq!(primary.status, 422);
    assert_eq!(client.patch("/domains/9/meta", json!({})).status, 404);
    let invalid = client.patch("/domains/2/meta", json!({"redirection": "sideways"}));
    assert_eq!(
        invalid.body,
        validation_error(json!({"redirection": ["The selected redirection is invalid."]}))
    );
}

#[test]
fn meta_is_a_v3_endpoint_only() {
    let sim = start(SimConfig::new().extra_domains(1));
    let answer = Client::v2(&sim).patch("/domains/2/meta", json!({"www": true}));
    assert_eq!(answer.status, 404);
    assert_eq!(answer.body, json!({"message": "Not Found."}));
    assert!(!sim.state().domains[1].www);
}

#[test]
fn concurrent_clients_each_add_their_own_domains() {
    let sim = start(SimConfig::new());
    std::thread::scope(|scope| {
        for worker in 0..8 {
            let sim = &sim;
            scope.spawn(move || {
                let client = Client::v3(sim);
                for index in 0..10 {
                    let name = format!("w{worker}-{index}.example.com");
                    let answer = client.post("/domains", add_body(&name));
                    assert_eq!(answer.status, 200, "{name}: {}", answer.text);
                }
            });
        }
    });
    let state = sim.state();
    assert_eq!(state.domains.len(), 81);
    let ids: BTreeSet<u64> = state.domains.iter().map(|domain| domain.id).collect();
    assert_eq!(ids.len(), 81, "ids are unique");
    assert_eq!(state.counters.domains_added, 80);
}

#[test]
fn the_same_name_added_at_once_is_stored_once() {
    let sim = start(SimConfig::new());
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..6)
            .map(|_| {
                let sim = &sim;
                scope.spawn(move || {
                    Client::v3(sim)
                        .post("/domains", add_body("race.example.com"))
                        .status
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1);
    assert_eq!(statuses.iter().filter(|s| **s == 422).count(), 5);
    assert_eq!(domain_names(&sim), ["network.test", "race.example.com"]);
}
