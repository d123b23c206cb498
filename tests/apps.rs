//! Another web app of the account, addressed by its `SERVER:APP`: every
//! operation reaches that app and only that app, with the same credentials and
//! one rate-limit estimate, while a client told nothing addresses the primary
//! app of the constants.
//!
//! The simulator here serves one app, 2:5, while the constants name 1:1 as
//! the primary: what reaches 2:5 was addressed to it.

mod common;

use std::collections::BTreeSet;

use runcloud_sim::{SimConfig, Simulator};
use wu_runcloud::model::SslMode;
use wu_runcloud::operations::{self, SslAction};
use wu_runcloud::sync::{self, SyncOptions};
use wu_runcloud::{App, Client, DomainName, Error};

use common::{assert_version, client, Auth};

const OTHER: &str = "2:5";
const OTHER_PATH: &str = "/servers/2/webapps/5";

/// A simulator whose only web app is 2:5.
fn other_app_simulator(config: SimConfig) -> Simulator {
    common::start(config.server_id(2).app_id(5))
}

fn other_app(sim: &Simulator, auth: Auth) -> Client {
    client(sim, auth).for_app(App::parse(OTHER).unwrap())
}

fn name(text: &str) -> DomainName {
    DomainName::parse(text).unwrap()
}

/// Every request went to the other app (or to the account's ping).
fn assert_all_reached_the_other_app(sim: &Simulator) {
    let requests = sim.requests();
    assert!(!requests.is_empty());
    for record in requests {
        let path = record
            .path
            .split_once("/api/v")
            .map_or("", |(_, rest)| &rest[1..]);
        assert!(
            path == "/ping" || path.starts_with(OTHER_PATH),
            "{} {}",
            record.method,
            record.path
        );
        assert_eq!(record.status, Some(200), "{record:?}");
    }
}

#[test]
fn every_operation_reaches_the_app_it_is_given() {
    for auth in Auth::BOTH {
        let sim = other_app_simulator(SimConfig::new().extra_domains(2));
        let app = other_app(&sim, auth);

        let report = operations::test_connection(&app).unwrap();
        assert_eq!(report.domain_count, 3);
        assert_eq!(operations::list_domains(&app).unwrap().len(), 3);
        let page = operations::list_domains_page(&app, 1, None).unwrap();
        assert_eq!(page.meta.pagination.total, 3);
        let added = operations::add_domain(&app, &name("shop.example.com"), false).unwrap();
        assert!(added.created);
        assert_eq!(
            operations::redeploy_ssl(&app, None).unwrap().action,
            SslAction::Redeployed
        );
        assert!(operations::remove_domain(&app, &name("shop.example.com"), None).unwrap());
        let advanced = SslMode {
            advanced: true,
            auto: true,
        };
        assert_eq!(operations::set_ssl_mode(&app, advanced).unwrap(), advanced);
        assert_eq!(operations::ssl_mode(&app).unwrap(), advanced);
        let options = SyncOptions {
            dry_run: false,
            redeploy_ssl: false,
            ..SyncOptions::default()
        };
        let report = sync::sync(&app, &["new.example.com".to_string()], &options).unwrap();
        assert_eq!(report.added, ["new.example.com"]);

        assert_all_reached_the_other_app(&sim);
        assert_version(&sim, auth);
        assert!(sim.state().domain("new.example.com").is_some());
    }
}

#[test]
fn without_an_app_the_primary_app_of_the_constants_is_addressed() {
    let sim = other_app_simulator(SimConfig::new());
    let primary = client(&sim, Auth::V3);
    assert_eq!(primary.app().to_string(), "1:1");

    let error = operations::add_domain(&primary, &name("shop.example.com"), false).unwrap_err();

    assert!(matches!(error, Error::Api { status: 404, .. }), "{error:?}");
    let paths: Vec<String> = sim.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/api/v3/servers/1/webapps/1/domains"]);
    assert!(sim.state().domain("shop.example.com").is_none());
}

#[test]
fn the_app_given_and_the_primary_share_the_accounts_rate_limit_estimate() {
    let sim = other_app_simulator(SimConfig::new());
    let primary = client(&sim, Auth::V3);
    let app = primary.clone().for_app(App::parse(OTHER).unwrap());
    assert_eq!(primary.rate_remaining(), None);

    // The simulator's rate limit is the account's: its headers, read while
    // addressing 2:5, tell the primary's budget too.
    sim.set_rate_limit(60, std::time::Duration::from_secs(60));
    operations::ssl_mode(&app).unwrap();

    assert_eq!(primary.rate_limit(), Some(60));
    assert_eq!(primary.rate_remaining(), app.rate_remaining());
    assert_eq!(primary.rate_remaining(), Some(59));
}

#[test]
fn a_sync_of_another_app_keeps_to_that_apps_domains() {
    let sim = other_app_simulator(SimConfig::new().extra_domains(1));
    let app = other_app(&sim, Auth::V2);
    let options = SyncOptions {
        dry_run: false,
        prune: true,
        managed: BTreeSet::from(["site-00001.example.test".to_string()]),
        redeploy_ssl: true,
        ..SyncOptions::default()
    };

    let report = sync::sync(&app, &["kept.example.com".to_string()], &options).unwrap();

    assert_eq!(report.added, ["kept.example.com"]);
    assert_eq!(report.removed, ["site-00001.example.test"]);
    assert_eq!(
        report.ssl.len(),
        1,
        "one redeploy of that app's certificate"
    );
    assert_all_reached_the_other_app(&sim);
}
