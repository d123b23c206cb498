//! Every operation against the simulator, with both the v3 token and the v2
//! key and secret, asserting the exact requests each one sends.

mod common;

use std::collections::BTreeSet;

use runcloud_sim::{DomainSeed, SimConfig, SslMode as SimSslMode};
use serde_json::json;
use wu_runcloud::operations::{self, SslAction};
use wu_runcloud::sync::{self, SyncOptions};
use wu_runcloud::{ApiVersion, DomainName, Error};

use common::{assert_version, calls, client, occurrences, start, Auth};

fn name(text: &str) -> DomainName {
    DomainName::parse(text).expect("a valid test domain")
}

fn page(number: u64) -> String {
    format!("GET APP/domains?page={number}&perPage=40")
}

/// A page of the domain list searched for `name`: what a look-up for a name sends.
fn search(number: u64, name: &str) -> String {
    format!("GET APP/domains?page={number}&perPage=40&search={name}")
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| n.to_string()).collect()
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

#[test]
fn test_connection_reads_app_count_and_mode() {
    for auth in Auth::BOTH {
        let sim = start(SimConfig::new().extra_domains(3));
        let report = operations::test_connection(&client(&sim, auth)).unwrap();
        let expected_version = match auth {
            Auth::V3 => ApiVersion::V3,
            Auth::V2 => ApiVersion::V2,
        };
        assert_eq!(report.api_version, expected_version);
        assert_eq!(report.webapp_name, "multisite");
        assert_eq!(report.domain_count, 4);
        assert!(!report.ssl_mode.advanced && !report.ssl_mode.auto);
        assert_eq!(
            calls(&sim),
            [
                "GET /ping",
                "GET APP",
                "GET APP/domains?page=1&perPage=1",
                "GET APP/ssl/advanced"
            ]
        );
        assert_version(&sim, auth);
    }
}

#[test]
fn list_domains_reads_every_page_once_in_order() {
    // The primary domain always exists, so one domain is the smallest app.
    for (total, pages) in [(1usize, 1u64), (40, 1), (41, 2), (120, 3)] {
        for auth in Auth::BOTH {
            let sim = start(SimConfig::new().extra_domains(total - 1));
            let domains = operations::list_domains(&client(&sim, auth)).unwrap();
            let listed: Vec<(u64, String)> =
                domains.iter().map(|d| (d.id, d.name.clone())).collect();
            let expected: Vec<(u64, String)> = sim
                .state()
                .domains
                .iter()
                .map(|d| (d.id, d.name.clone()))
                .collect();
            assert_eq!(listed.len(), total, "{auth:?}");
            assert_eq!(listed, expected, "{auth:?} {total}");
            assert!(domains[0].is_primary());
            assert!(domains[1..].iter().all(|d| d.kind == "alias"));
            let mut sent = calls(&sim);
            sent.sort();
            let expected_calls: Vec<String> = (1..=pages).map(page).collect();
            assert_eq!(sent, expected_calls, "{auth:?} {total}");
            assert_version(&sim, auth);
        }
    }
}

#[test]
fn list_domains_reads_www_and_wildcard_flags() {
    for auth in Auth::BOTH {
        let sim = start(SimConfig::new());
        sim.seed_domain(DomainSeed::new("shop.example.com").www(true))
            .unwrap();
        sim.seed_domain(DomainSeed::new("*.wild.example")).unwrap();
        let domains = operations::list_domains(&client(&sim, auth)).unwrap();
        let shop = domains
            .iter()
            .find(|d| d.name == "shop.example.com")
            .unwrap();
        let wild = domains.iter().find(|d| d.name == "wild.example").unwrap();
        assert!(shop.www && !shop.wildcard);
        assert!(wild.wildcard && !wild.www);
        assert_eq!(shop.redirection, "none");
    }
}

#[test]
fn add_new_domain_is_one_post() {
    for auth in Auth::BOTH {
        let sim = start(SimConfig::new().extra_domains(50));
        let added =
            operations::add_domain(&client(&sim, auth), &name("Shop.Example.com"), false).unwrap();
        assert!(added.created);
        assert_eq!(added.domain.name, "shop.example.com");
        assert_eq!(added.domain.kind, "alias");
        assert_eq!(calls(&sim), ["POST APP/domains"]);
        assert_eq!(
            sim.requests()[0].body,
            json!({"name": "shop.example.com", "www": false, "redirection": "none", "type": "alias"})
        );
        assert_eq!(occurrences(&sim, "shop.example.com"), 1);
        assert_eq!(
            sim.state().domain("shop.example.com").unwrap().id,
            added.domain.id
        );
        assert_version(&sim, auth);
    }
}

#[test]
fn add_with_www_asks_for_the_redirect() {
    for auth in Auth::BOTH {
        let sim = start(SimConfig::new());
        let added =
            operations::add_domain(&client(&sim, auth), &name("shop.example.com"), true).unwrap();
        assert!(added.created && added.domain.www);
        assert_eq!(
            sim.requests()[0].body,
            json!({"name": "shop.example.com", "www": true, "redirection": "non-www", "type": "alias"})
        );
        let record = sim.state().domain("shop.example.com").cloned().unwrap();
        assert!(record.www);
    }
}

#[test]
fn add_internationalised_name_sends_punycode() {
    for auth in Auth::BOTH {
        let sim = start(SimConfig::new());
        let added =
            operations::add_domain(&client(&sim, auth), &name(" Bücher.Example. "), false).unwrap();
        assert_eq!(added.domain.name, "xn--bcher-kva.example");
        assert_eq!(sim.requests()[0].body["name"], "xn--bcher-kva.example");
        assert_eq!(occurrences(&sim, "xn--bcher-kva.example"), 1);
    }
}

#[test]
fn repeated_add_is_success_without_a_duplicate() {
    for auth in Auth::BOTH {
        // 46 domains before the add: the new one lands on page 2, found by the
        // search in one request.
        let sim = start(SimConfig::new().extra_domains(45));
        let client = client(&sim, auth);
        let first = operations::add_domain(&client, &name("late.example"), false).unwrap();
        sim.clear_requests();
        let second = operations::add_domain(&client, &name("late.example"), false).unwrap();
        assert!(first.created && !second.created);
        assert_eq!(first.domain, second.domain);
        assert_eq!(
            calls(&sim),
            ["POST APP/domains".to_string(), search(1, "late.example")]
        );
        assert_eq!(sim.requests()[0].status, Some(422));
        assert_eq!(occurrences(&sim, "late.example"), 1);
    }
}

#[test]
fn remove_finds_a_domain_on_the_third_page_where_search_does_not_filter() {
    for auth in Auth::BOTH {
        let sim = start(SimConfig::new().extra_domains(119).search_filters(false));
        let target = "site-00100.example.test";
        let id = sim.state().domain(target).unwrap().id;
        assert!(operations::remove_domain(&client(&sim, auth), &name(target), None).unwrap());
        assert_eq!(
            calls(&sim),
            [
                search(1, target),
                search(2, target),
                search(3, target),
                format!("DELETE APP/domains/{id}")
            ]
        );
        let state = sim.state();
        assert!(state.domain(target).is_none());
        assert_eq!(state.domains.len(), 119);
        assert_version(&sim, auth);
    }
}

#[test]
fn remove_finds_a_domain_on_any_page_with_one_search() {
    for auth in Auth::BOTH {
        let sim = start(SimConfig::new().extra_domains(119));
        let target = "site-00100.example.test";
        let id = sim.state().domain(target).unwrap().id;
        assert!(operations::remove_domain(&client(&sim, auth), &name(target), None).unwrap());
        assert_eq!(
            calls(&sim),
            [search(1, target), format!("DELETE APP/domains/{id}")]
        );
        assert!(sim.state().domain(target).is_none());
    }
}

#[test]
fn remove_absent_domain_is_false_and_deletes_nothing() {
    for auth in Auth::BOTH {
        let sim = start(SimConfig::new().extra_domains(45).search_filters(false));
        let removed =
            operations::remove_domain(&client(&sim, auth), &name("absent.example"), None).unwrap();
        assert!(!removed);
        assert_eq!(
            calls(&sim),
            [search(1, "absent.example"), search(2, "absent.example")],
            "every page, where the search does not filter"
        );
        assert_eq!(sim.state().domains.len(), 46);
    }
}

#[test]
fn remove_refuses_the_primary_domain() {
    for auth in Auth::BOTH {
        let sim = start(SimConfig::new().extra_domains(2));
        let error = operations::remove_domain(&client(&sim, auth), &name("Network.Test"), None)
            .unwrap_err();
        assert!(matches!(error, Error::ProtectedDomain(_)), "{error:?}");
        assert!(error.to_string().contains("network.test"), "{error}");
        assert_eq!(calls(&sim), [search(1, "network.test")]);
        assert!(sim.state().domain("network.test").is_some());
    }
}

#[test]
fn redeploy_basic_redeploys_the_app_certificate() {
    for auth in Auth::BOTH {
        let sim = start(SimConfig::new());
        let client = client(&sim, auth);
        operations::add_domain(&client, &name("shop.example.com"), false).unwrap();
        sim.clear_requests();
        let certificate_id = sim.state().ssl.basic.unwrap().id;
        let outcome = operations::redeploy_ssl(&client, None).unwrap();
        assert_eq!(outcome.action, SslAction::Redeployed);
        assert_eq!(outcome.certificate_id, Some(certificate_id));
        assert!(!outcome.mode.advanced);
        assert_eq!(
            calls(&sim),
            [
                "GET APP/ssl".to_string(),
                format!("PUT APP/ssl/{certificate_id}"),
            ]
        );
        let basic = sim.state().ssl.basic.unwrap();
        assert_eq!(basic.redeploys, 1);
        assert!(basic.covers.contains(&"shop.example.com".to_string()));
    }
}

#[test]
fn redeploy_basic_without_certificate_does_nothing() {
    for auth in Auth::BOTH {
        let sim = start(SimConfig::new().certificate(false));
        let outcome = operations::redeploy_ssl(&client(&sim, auth), None).unwrap();
        assert_eq!(outcome.action, SslAction::Nothing);
        assert_eq!(outcome.certificate_id, None);
        assert_eq!(calls(&sim), ["GET APP/ssl", "GET APP/ssl/advanced"]);
        assert!(sim.state().ssl.basic.is_none());
    }
}

#[test]
fn redeploy_advanced_installs_a_missing_certificate() {
    for auth in Auth::BOTH {
        let sim = start(
            SimConfig::new()
                .ssl_mode(SimSslMode::Advanced)
                .certificate(false),
        );
        let client = client(&sim, auth);
        let added = operations::add_domain(&client, &name("shop.example.com"), false).unwrap();
        sim.clear_requests();
        let id = added.domain.id;
        let outcome = operations::redeploy_ssl(&client, Some(&name("shop.example.com"))).unwrap();
        assert_eq!(outcome.action, SslAction::Installed);
        assert_eq!(outcome.domain.as_deref(), Some("shop.example.com"));
        assert_eq!(
            calls(&sim),
            [
                "GET APP/ssl".to_string(),
                "GET APP/ssl/advanced".to_string(),
                search(1, "shop.example.com"),
                format!("GET APP/domains/{id}/ssl"),
                format!("POST APP/domains/{id}/ssl"),
            ]
        );
        assert_eq!(
            sim.requests()[4].body,
            json!({
                "provider": "letsencrypt",
                "enableHttp": false,
                "enableHsts": false,
                "authorizationMethod": "http-01",
                "environment": "live"
            })
        );
        let state = sim.state();
        let certificate = state
            .ssl
            .domains
            .iter()
            .find(|c| c.domain_id == Some(id))
            .unwrap();
        assert_eq!(outcome.certificate_id, Some(certificate.id));
        assert_eq!(certificate.covers, ["shop.example.com"]);
        assert_eq!(certificate.settings.environment, "live");
    }
}

#[test]
fn redeploy_advanced_redeploys_an_installed_certificate() {
    for auth in Auth::BOTH {
        let sim = start(SimConfig::new().ssl_mode(SimSslMode::Advanced));
        let certificate_id = sim.state().ssl.domains[0].id;
        let outcome =
            operations::redeploy_ssl(&client(&sim, auth), Some(&name("network.test"))).unwrap();
        assert_eq!(outcome.action, SslAction::Redeployed);
        assert_eq!(outcome.certificate_id, Some(certificate_id));
        assert_eq!(
            calls(&sim),
            [
                "GET APP/ssl".to_string(),
                "GET APP/ssl/advanced".to_string(),
                search(1, "network.test"),
                "GET APP/domains/1/ssl".to_string(),
                format!("PUT APP/domains/1/ssl/{certificate_id}"),
            ]
        );
        assert_eq!(sim.state().ssl.domains[0].redeploys, 1);
    }
}

#[test]
fn redeploy_advanced_needs_a_domain_of_the_app() {
    for auth in Auth::BOTH {
        let sim = start(SimConfig::new().ssl_mode(SimSslMode::Advanced));
        let client = client(&sim, auth);
        let error = operations::redeploy_ssl(&client, None).unwrap_err();
        assert!(matches!(error, Error::InvalidDomain { .. }), "{error:?}");
        assert_eq!(calls(&sim), ["GET APP/ssl", "GET APP/ssl/advanced"]);
        sim.clear_requests();
        let error =
            operations::redeploy_ssl(&client, Some(&name("elsewhere.example"))).unwrap_err();
        assert!(matches!(error, Error::InvalidDomain { .. }), "{error:?}");
        assert_eq!(
            calls(&sim),
            [
                "GET APP/ssl".to_string(),
                "GET APP/ssl/advanced".into(),
                search(1, "elsewhere.example")
            ]
        );
        assert_eq!(sim.state().counters.redeploys, 0);
    }
}

#[test]
fn redeploy_with_autossl_leaves_it_to_runcloud() {
    for auth in Auth::BOTH {
        let sim = start(
            SimConfig::new()
                .ssl_mode(SimSslMode::Advanced)
                .auto_ssl(true),
        );
        let outcome =
            operations::redeploy_ssl(&client(&sim, auth), Some(&name("network.test"))).unwrap();
        assert_eq!(outcome.action, SslAction::Auto);
        assert!(outcome.mode.advanced && outcome.mode.auto);
        assert_eq!(calls(&sim), ["GET APP/ssl", "GET APP/ssl/advanced"]);
        assert_eq!(sim.state().counters.redeploys, 0);
    }
}

fn seeded_for_sync() -> runcloud_sim::Simulator {
    let sim = start(SimConfig::new());
    for seed in [
        "keep.example",
        "old.example",
        "pinned.example",
        "foreign.example",
    ] {
        sim.seed_domain(DomainSeed::new(seed)).unwrap();
    }
    sim
}

#[test]
fn sync_dry_run_plans_and_changes_nothing() {
    for auth in Auth::BOTH {
        let sim = seeded_for_sync();
        let before = sim.state().domains;
        let wanted = strings(&["keep.example", "New.Example", "bad name.example"]);
        let options = SyncOptions {
            dry_run: true,
            prune: true,
            managed: set(&["old.example"]),
            ..SyncOptions::default()
        };
        let report = sync::sync(&client(&sim, auth), &wanted, &options).unwrap();
        assert!(report.dry_run);
        assert_eq!(report.to_add, ["new.example"]);
        assert_eq!(report.unchanged, ["keep.example"]);
        assert_eq!(report.to_remove, ["old.example"]);
        assert!(report.added.is_empty() && report.removed.is_empty());
        assert_eq!(report.errors.len(), 1);
        assert_eq!(report.errors[0].0, "bad name.example");
        assert_eq!(calls(&sim), [page(1)]);
        assert_eq!(sim.state().domains, before);
    }
}

#[test]
fn sync_apply_adds_missing_names_once() {
    for auth in Auth::BOTH {
        let sim = seeded_for_sync();
        let wanted = strings(&["keep.example", "new.example", "other.example"]);
        let report = sync::sync(&client(&sim, auth), &wanted, &SyncOptions::default()).unwrap();
        assert_eq!(report.added, ["new.example", "other.example"]);
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert!(report.removed.is_empty(), "prune is opt-in");
        assert_eq!(
            calls(&sim),
            [
                page(1),
                "POST APP/domains".into(),
                "POST APP/domains".into()
            ]
        );
        for added in ["new.example", "other.example", "keep.example"] {
            assert_eq!(occurrences(&sim, added), 1);
        }
        assert!(sim.state().domain("old.example").is_some());
    }
}

#[test]
fn sync_prune_removes_only_managed_unprotected_names() {
    for auth in Auth::BOTH {
        let sim = seeded_for_sync();
        let old_id = sim.state().domain("old.example").unwrap().id;
        let options = SyncOptions {
            prune: true,
            managed: set(&[
                "old.example",
                "pinned.example",
                "network.test",
                "Keep.Example",
            ]),
            protected: set(&["pinned.example"]),
            ..SyncOptions::default()
        };
        let wanted = strings(&["keep.example"]);
        let report = sync::sync(&client(&sim, auth), &wanted, &options).unwrap();
        assert_eq!(report.to_remove, ["old.example"]);
        assert_eq!(report.removed, ["old.example"]);
        assert!(report.added.is_empty());
        assert_eq!(
            calls(&sim),
            [page(1), format!("DELETE APP/domains/{old_id}")]
        );
        let state = sim.state();
        assert!(state.domain("old.example").is_none());
        for kept in [
            "network.test",
            "keep.example",
            "pinned.example",
            "foreign.example",
        ] {
            assert!(state.domain(kept).is_some(), "{kept}");
        }
    }
}

#[test]
fn sync_with_ssl_redeploys_once_after_adding() {
    for auth in Auth::BOTH {
        let sim = start(SimConfig::new());
        let certificate_id = sim.state().ssl.basic.unwrap().id;
        let options = SyncOptions {
            redeploy_ssl: true,
            ..SyncOptions::default()
        };
        let wanted = strings(&["a.example", "b.example"]);
        let report = sync::sync(&client(&sim, auth), &wanted, &options).unwrap();
        assert_eq!(report.ssl.len(), 1);
        assert_eq!(report.ssl[0].action, SslAction::Redeployed);
        assert_eq!(
            calls(&sim),
            [
                page(1),
                "POST APP/domains".into(),
                "POST APP/domains".into(),
                "GET APP/ssl".into(),
                format!("PUT APP/ssl/{certificate_id}"),
            ]
        );
        let covers = sim.state().ssl.basic.unwrap().covers;
        assert!(covers.contains(&"a.example".into()) && covers.contains(&"b.example".into()));
    }
}

#[test]
fn sync_counts_names_under_a_wildcard_as_present() {
    for auth in Auth::BOTH {
        let sim = start(SimConfig::new().wildcard_domain("network.test"));
        let wanted = strings(&["shop.network.test", "deep.shop.network.test"]);
        let report = sync::sync(&client(&sim, auth), &wanted, &SyncOptions::default()).unwrap();
        assert_eq!(report.unchanged, ["shop.network.test"]);
        assert_eq!(report.added, ["deep.shop.network.test"]);
        assert_eq!(calls(&sim), [page(1), "POST APP/domains".into()]);
    }
}

#[test]
fn remove_with_the_id_from_the_add_reads_one_record() {
    for auth in Auth::BOTH {
        let sim = start(SimConfig::new().extra_domains(119));
        let client = client(&sim, auth);
        let added = operations::add_domain(&client, &name("shop.example.com"), false).unwrap();
        let id = added.domain.id;
        sim.clear_requests();
        let removed =
            operations::remove_domain(&client, &name("shop.example.com"), Some(id)).unwrap();
        assert!(removed);
        assert_eq!(
            calls(&sim),
            [
                format!("GET APP/domains/{id}"),
                format!("DELETE APP/domains/{id}")
            ]
        );
        assert!(sim.state().domain("shop.example.com").is_none());
    }
}

#[test]
fn remove_with_a_stale_id_walks_the_list() {
    for auth in Auth::BOTH {
        let sim = start(SimConfig::new().extra_domains(2));
        let client = client(&sim, auth);
        let target_name = name("site-00002.example.test");
        let target = sim.state().domain(target_name.as_str()).unwrap().id;
        let other = sim.state().domain("site-00001.example.test").unwrap().id;
        // The id now holds another name: read, then walk, then delete.
        assert!(operations::remove_domain(&client, &target_name, Some(other)).unwrap());
        assert_eq!(
            calls(&sim),
            [
                format!("GET APP/domains/{other}"),
                search(1, "site-00002.example.test"),
                format!("DELETE APP/domains/{target}")
            ]
        );
        // The id is gone and so is the name: read, walk, nothing to delete.
        sim.clear_requests();
        assert!(!operations::remove_domain(&client, &target_name, Some(target)).unwrap());
        assert_eq!(
            calls(&sim),
            [
                format!("GET APP/domains/{target}"),
                search(1, "site-00002.example.test")
            ]
        );
        assert!(sim.state().domain(target_name.as_str()).is_none());
        assert!(sim.state().domain("site-00001.example.test").is_some());
    }
}

#[test]
fn a_large_app_is_listed_whole_and_in_order() {
    // 250 pages fetched in parallel: every record once, in RunCloud's order.
    let sim = start(SimConfig::new().extra_domains(9_999));
    let domains = operations::list_domains(&client(&sim, Auth::V3)).unwrap();
    let ids: Vec<u64> = domains.iter().map(|d| d.id).collect();
    assert_eq!(ids, (1..=10_000).collect::<Vec<u64>>());
    let mut pages: Vec<String> = calls(&sim);
    pages.sort();
    pages.dedup();
    assert_eq!(pages.len(), 250);
    assert_eq!(sim.requests().len(), 250);
}

#[test]
fn remove_refuses_the_primary_domain_found_by_id() {
    for auth in Auth::BOTH {
        let sim = start(SimConfig::new());
        let error = operations::remove_domain(&client(&sim, auth), &name("network.test"), Some(1))
            .unwrap_err();
        assert!(matches!(error, Error::ProtectedDomain(_)), "{error:?}");
        assert_eq!(calls(&sim), ["GET APP/domains/1"]);
        assert!(sim.state().domain("network.test").is_some());
    }
}

#[test]
fn set_ssl_mode_switches_then_reads_the_mode_back() {
    for auth in Auth::BOTH {
        let sim = start(SimConfig::new());
        let client = client(&sim, auth);
        let advanced = wu_runcloud::model::SslMode {
            advanced: true,
            auto: true,
        };
        let now = operations::set_ssl_mode(&client, advanced).unwrap();
        assert!(now.advanced && now.auto);
        assert_eq!(
            calls(&sim),
            ["POST APP/ssl/advanced", "GET APP/ssl/advanced"]
        );
        assert_eq!(
            sim.requests()[0].body,
            json!({"advancedSSL": true, "autoSSL": true})
        );
        let basic = operations::set_ssl_mode(&client, wu_runcloud::model::SslMode::BASIC).unwrap();
        assert!(!basic.advanced && !basic.auto);
        assert_version(&sim, auth);
    }
}
