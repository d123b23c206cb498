//! Canary credentials sent through every success and failure path: no error
//! message, no `Debug` output and no result may ever show one.

mod common;

use std::net::TcpListener;
use std::time::Duration;

use runcloud_sim::{Fault, SimConfig, Simulator};
use wu_runcloud::config::{API_KEY, API_SECRET, API_URL, APP_ID, SERVER_ID, TOKEN};
use wu_runcloud::operations;
use wu_runcloud::sync::{self, SyncOptions};
use wu_runcloud::{Client, Config, DomainName, Error, Limits};

use common::{fast_limits, Constants};

const CANARY_TOKEN: &str = "canary-token-7f3a91c2";
const CANARY_KEY: &str = "canary-key-2b8c44e0";
const CANARY_SECRET: &str = "canary-secret-9d1e07aa";
const CANARIES: [&str; 3] = [CANARY_TOKEN, CANARY_KEY, CANARY_SECRET];

fn assert_clean(what: &str, text: &str) {
    for canary in CANARIES {
        assert!(!text.contains(canary), "{what} shows a credential: {text}");
    }
}

fn assert_error_clean(what: &str, error: &Error) {
    assert_clean(what, &error.to_string());
    assert_clean(what, &format!("{error:?}"));
}

fn canary_simulator(config: SimConfig) -> Simulator {
    Simulator::start(
        config
            .token(CANARY_TOKEN)
            .api_key(CANARY_KEY)
            .api_secret(CANARY_SECRET)
            .rate_limit(0),
    )
    .unwrap()
}

fn canary_constants(base_url: &str) -> [Constants; 2] {
    let base = Constants::of(&[(SERVER_ID, "1"), (APP_ID, "1"), (API_URL, base_url)]);
    [
        base.clone().with(TOKEN, CANARY_TOKEN),
        base.with(API_KEY, CANARY_KEY)
            .with(API_SECRET, CANARY_SECRET),
    ]
}

fn canary_clients(base_url: &str) -> Vec<Client> {
    canary_constants(base_url)
        .iter()
        .map(|constants| Client::new(Config::from_constants(constants, fast_limits()).unwrap()))
        .collect()
}

fn name(text: &str) -> DomainName {
    DomainName::parse(text).unwrap()
}

#[test]
fn success_paths_show_no_credential() {
    let sim = canary_simulator(SimConfig::new().extra_domains(45));
    for client in canary_clients(sim.base_url()) {
        assert_clean("client", &format!("{client:?}"));
        assert_clean("config", &format!("{:?}", client.config()));
        let report = operations::test_connection(&client).unwrap();
        assert_clean("test_connection", &format!("{report:?}"));
        let domains = operations::list_domains(&client).unwrap();
        assert_clean("list_domains", &format!("{domains:?}"));
        let added = operations::add_domain(&client, &name("shop.example.com"), true).unwrap();
        assert_clean("add_domain", &format!("{added:?}"));
        let removed =
            operations::remove_domain(&client, &name("shop.example.com"), Some(added.domain.id))
                .unwrap();
        assert!(removed);
        let ssl = operations::redeploy_ssl(&client, None).unwrap();
        assert_clean("redeploy_ssl", &format!("{ssl:?}"));
        let options = SyncOptions {
            redeploy_ssl: true,
            ..SyncOptions::default()
        };
        let report = sync::sync(&client, &["new.example".into()], &options).unwrap();
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert_clean("sync", &format!("{report:?}"));
    }
}

#[test]
fn configuration_errors_show_no_credential() {
    let partial = [
        Constants::of(&[(TOKEN, CANARY_TOKEN)]),
        Constants::of(&[(API_KEY, CANARY_KEY), (SERVER_ID, "1"), (APP_ID, "1")]),
        Constants::of(&[(API_SECRET, CANARY_SECRET), (APP_ID, CANARY_KEY)]),
        Constants::of(&[
            (TOKEN, CANARY_TOKEN),
            (SERVER_ID, CANARY_SECRET),
            (APP_ID, "1"),
        ]),
    ];
    let with_credentials_in_url = canary_constants(&format!(
        "https://{CANARY_KEY}:{CANARY_SECRET}@manage.runcloud.io"
    ));
    let with_token_in_query =
        canary_constants(&format!("https://manage.runcloud.io/?token={CANARY_TOKEN}"));
    for constants in partial
        .iter()
        .chain(&with_credentials_in_url)
        .chain(&with_token_in_query)
    {
        let error = Config::from_constants(constants, Limits::default()).unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{error:?}");
        assert_error_clean("configuration", &error);
    }
}

#[test]
fn wrong_credentials_show_no_credential() {
    // The simulator expects other values: the canaries are refused with a 401.
    let sim = Simulator::start(SimConfig::new().rate_limit(0)).unwrap();
    for client in canary_clients(sim.base_url()) {
        let error = operations::test_connection(&client).unwrap_err();
        assert!(matches!(error, Error::Api { status: 401, .. }), "{error:?}");
        assert_error_clean("401", &error);
    }
}

/// The Basic pair as it travels in the Authorization header.
fn encoded_pair() -> String {
    // Standard base64 of "canary-key-2b8c44e0:canary-secret-9d1e07aa".
    "Y2FuYXJ5LWtleS0yYjhjNDRlMDpjYW5hcnktc2VjcmV0LTlkMWUwN2Fh".to_string()
}

#[test]
fn echoed_credentials_are_redacted_from_runcloud_messages() {
    // A proxy or RunCloud might echo what it was sent; the core redacts this
    // client's own credentials (the PHP layer scrubs every configured one too).
    let sim = canary_simulator(SimConfig::new());
    let clients = canary_clients(sim.base_url());
    let echoes = [
        format!("Invalid token: Bearer {CANARY_TOKEN}"),
        format!(
            "Invalid key pair {CANARY_KEY}:{CANARY_SECRET} (Basic {})",
            encoded_pair()
        ),
    ];
    for (client, echo) in clients.iter().zip(&echoes) {
        for status in [400, 403, 422, 500, 503] {
            sim.inject(Fault::status(status).message(echo).times(10));
            let error =
                operations::add_domain(client, &name("shop.example.com"), false).unwrap_err();
            assert!(matches!(error, Error::Api { .. }), "{error:?}");
            assert!(error.to_string().contains("[redacted]"), "{error}");
            assert_error_clean("echo", &error);
            assert!(!error.to_string().contains(&encoded_pair()), "{error}");
            sim.clear_faults();
        }
    }
}

/// `value` as JSON writes it when it escapes every character: `\u0063...`,
/// with `/` as `\/`. Decoded, it is the value; as bytes it never contains it.
fn json_escaped(value: &str) -> String {
    value
        .chars()
        .map(|c| match c {
            '/' => "\\/".to_string(),
            c => format!("\\u{:04x}", c as u32),
        })
        .collect()
}

#[test]
fn json_escaped_echoes_are_redacted_after_decoding() {
    let sim = canary_simulator(SimConfig::new());
    let clients = canary_clients(sim.base_url());
    let echoes = [
        format!("Bearer {} and a\\/b", json_escaped(CANARY_TOKEN)),
        format!(
            "pair {}:{} ({})",
            json_escaped(CANARY_KEY),
            json_escaped(CANARY_SECRET),
            json_escaped(&encoded_pair())
        ),
    ];
    for (client, echo) in clients.iter().zip(&echoes) {
        let raw = format!(r#"{{"message":"Refused {echo}\u000d\u000aInjected: header"}}"#);
        assert!(CANARIES.iter().all(|c| !raw.contains(c)), "{raw}");
        sim.inject(Fault::status(403).raw_body(&raw));
        let error = operations::list_domains(client).unwrap_err();
        let shown = error.to_string();
        assert!(shown.contains("[redacted]"), "{shown}");
        assert!(!shown.contains('\r') && !shown.contains('\n'), "{shown}");
        assert_error_clean("escaped echo", &error);
        assert!(!shown.contains(&encoded_pair()), "{shown}");

        // Sync's per-name messages go through the same path.
        sim.inject(Fault::status(422).raw_body(&raw).on_method("POST"));
        let options = SyncOptions::default();
        let report = sync::sync(
            client,
            &["new.example.com".to_string()],
            &SyncOptions {
                dry_run: false,
                ..options
            },
        )
        .unwrap();
        assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
        assert!(
            report.errors[0].1.contains("[redacted]"),
            "{:?}",
            report.errors
        );
        assert_clean("sync errors", &format!("{report:?}"));
        sim.clear_faults();
    }
}

#[test]
fn transport_and_response_failures_show_no_credential() {
    let sim = canary_simulator(SimConfig::new().extra_domains(3));
    let limits = Limits {
        timeout: Duration::from_millis(500),
        max_retries: 1,
        ..fast_limits()
    };
    let faults = [
        Fault::hang(Duration::from_secs(20)),
        Fault::drop_connection().times(2),
        Fault::malformed_json().times(4),
        Fault::truncated().times(4),
        Fault::status(401),
        Fault::status(404),
        Fault::status(429).retry_after(60),
    ];
    for constants in canary_constants(sim.base_url()) {
        let client = Client::new(Config::from_constants(&constants, limits).unwrap());
        for fault in &faults {
            sim.inject(fault.clone());
            let error = operations::list_domains(&client).unwrap_err();
            assert_error_clean(&format!("{fault:?}"), &error);
        }
    }
    let closed_port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let tls = Simulator::start(SimConfig::new().tls(true).token(CANARY_TOKEN)).unwrap();
    for base_url in [
        format!("http://127.0.0.1:{closed_port}"),
        tls.base_url().to_string(),
    ] {
        for client in canary_clients(&base_url) {
            let error = operations::test_connection(&client).unwrap_err();
            assert!(matches!(error, Error::Transport { .. }), "{error:?}");
            assert_error_clean(&base_url, &error);
        }
    }
}
