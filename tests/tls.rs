//! Transport security: an untrusted certificate is refused, and credentials are
//! never sent over plain http to anything but the local machine.

mod common;

use std::time::{Duration, Instant};

use runcloud_sim::{SimConfig, Simulator};
use wu_runcloud::config::{BaseUrl, API_URL};
use wu_runcloud::operations;
use wu_runcloud::{Config, DomainName, Error, Limits, TransportKind};

use common::{client_from, constants_for, fast_limits, Auth, SIM_TOKEN};

fn tls_simulator() -> Simulator {
    Simulator::start(SimConfig::new().tls(true).rate_limit(0)).unwrap()
}

fn assert_tls_refusal(result: wu_runcloud::Result<impl std::fmt::Debug>, what: &str) {
    match result {
        Err(Error::Transport {
            kind: TransportKind::Tls,
            detail,
        }) => assert!(!detail.contains(SIM_TOKEN), "{what}: {detail}"),
        other => panic!("{what}: expected a TLS refusal, got {other:?}"),
    }
}

#[test]
fn a_self_signed_certificate_is_refused_by_every_operation() {
    let sim = tls_simulator();
    assert!(sim.base_url().starts_with("https://127.0.0.1:"));
    assert!(sim.certificate_pem().is_some());
    for auth in Auth::BOTH {
        let client = client_from(&constants_for(&sim, auth), fast_limits());
        let name = DomainName::parse("shop.example.com").unwrap();
        let started = Instant::now();
        assert_tls_refusal(operations::test_connection(&client), "test_connection");
        assert_tls_refusal(operations::list_domains(&client), "list_domains");
        assert_tls_refusal(operations::add_domain(&client, &name, false), "add");
        assert_tls_refusal(operations::remove_domain(&client, &name, None), "remove");
        assert_tls_refusal(operations::redeploy_ssl(&client, None), "redeploy_ssl");
        // Not retried: five refusals take no backoff time.
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }
    // No request got past the handshake, so nothing reached the API.
    assert!(sim.requests().is_empty());
    assert_eq!(sim.state().counters.api_requests, 0);
    assert!(sim.state().domain("shop.example.com").is_none());
}

#[test]
fn a_tls_refusal_names_the_kind_and_the_certificate() {
    let sim = tls_simulator();
    let client = client_from(&constants_for(&sim, Auth::V3), fast_limits());
    let error = operations::list_domains(&client).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("(tls)"), "{message}");
    assert!(
        message.to_ascii_lowercase().contains("certificate"),
        "{message}"
    );
}

#[test]
fn plain_http_is_refused_for_hosts_that_are_not_loopback() {
    for url in [
        "http://manage.runcloud.io",
        "http://192.0.2.10:8080",
        "http://10.0.0.1",
        "http://[2001:db8::1]",
        "http://localhost.example.com",
        "http://127.0.0.1.example.com",
        "HTTP://manage.runcloud.io/api",
    ] {
        let error = BaseUrl::parse(url).unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{url}: {error:?}");
        assert!(error.to_string().contains(API_URL), "{url}: {error}");
        let constants = common::Constants::of(&[
            (wu_runcloud::config::TOKEN, "t"),
            (wu_runcloud::config::SERVER_ID, "1"),
            (wu_runcloud::config::APP_ID, "1"),
            (API_URL, url),
        ]);
        // The configuration fails, so no client exists that could connect.
        let error = Config::from_constants(&constants, Limits::default()).unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{url}: {error:?}");
    }
}

#[test]
fn urls_that_could_carry_secrets_elsewhere_are_refused() {
    for url in [
        "https://user:password@manage.runcloud.io",
        "https://manage.runcloud.io?token=x",
        "https://manage.runcloud.io#fragment",
        "ftp://127.0.0.1",
        "manage.runcloud.io",
        "",
    ] {
        assert!(BaseUrl::parse(url).is_err(), "{url}");
    }
}

#[test]
fn https_anywhere_and_http_on_loopback_are_accepted() {
    for url in [
        "https://manage.runcloud.io",
        "https://api.example.com/prefix/",
        "http://127.0.0.1:8080",
        "http://127.1.2.3",
        "http://localhost:9",
        "http://[::1]:9",
    ] {
        let parsed = BaseUrl::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert!(!parsed.as_str().ends_with('/'), "{parsed:?}");
    }
}
