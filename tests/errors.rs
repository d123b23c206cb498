//! Each class of error the core reports, produced for real against the
//! simulator (or a closed port), with what was sent proving what was retried.

mod common;

use std::net::TcpListener;
use std::time::{Duration, Instant};

use runcloud_sim::{Fault, SimConfig};
use wu_runcloud::config::{API_KEY, API_SECRET, API_URL, APP_ID, SERVER_ID, TOKEN};
use wu_runcloud::operations;
use wu_runcloud::{Client, Config, DomainName, Error, Limits, TransportKind};

use common::{calls, client, client_from, constants_for, fast_limits, start, Auth, Constants};

/// What the PHP functions do with a name: validate it, then call the operation.
fn add_by_input(client: &Client, input: &str) -> wu_runcloud::Result<bool> {
    let name = DomainName::parse(input)?;
    operations::add_domain(client, &name, false).map(|added| added.created)
}

fn remove_by_input(client: &Client, input: &str) -> wu_runcloud::Result<bool> {
    operations::remove_domain(client, &DomainName::parse(input)?, None)
}

fn transport_kind(error: &Error) -> Option<TransportKind> {
    match error {
        Error::Transport { kind, .. } => Some(*kind),
        _ => None,
    }
}

/// Constants defined, and the names the error must mention.
type Defined = &'static [(&'static str, &'static str)];
type Named = &'static [&'static str];

#[test]
fn missing_configuration_names_every_missing_constant() {
    let cases: [(Defined, Named); 4] = [
        (&[], &[TOKEN, API_KEY, SERVER_ID, APP_ID]),
        (&[(API_KEY, "k"), (SERVER_ID, "1")], &[API_SECRET, APP_ID]),
        (&[(TOKEN, "t"), (APP_ID, "1")], &[SERVER_ID]),
        (&[(TOKEN, "t"), (SERVER_ID, "1"), (APP_ID, "x")], &[APP_ID]),
    ];
    for (defined, named) in cases {
        let error = Config::from_constants(&Constants::of(defined), Limits::default()).unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{error:?}");
        assert!(!error.is_retryable());
        let message = error.to_string();
        for constant in named {
            assert!(
                message.contains(constant),
                "{message} should name {constant}"
            );
        }
    }
}

#[test]
fn invalid_domains_are_refused_before_any_request() {
    let sim = start(SimConfig::new());
    let client = client(&sim, Auth::V3);
    for input in [
        "",
        "bad name.example",
        "*.example.com",
        "10.0.0.1",
        "[::1]",
        "example.com/path",
        "https://example.com",
        "exa\u{0000}mple.com",
        "localhost",
        "a..b.example",
        "-bad.example",
        "paypa\u{0131}.com\u{200b}",
    ] {
        for result in [
            add_by_input(&client, input),
            remove_by_input(&client, input),
        ] {
            let error = result.unwrap_err();
            assert!(
                matches!(error, Error::InvalidDomain { .. }),
                "{input:?}: {error:?}"
            );
            assert!(!error.is_retryable());
        }
    }
    assert!(sim.requests().is_empty(), "{:?}", calls(&sim));
    assert_eq!(sim.state().counters.api_requests, 0);
}

#[test]
fn wrong_credentials_are_a_401_and_not_retried() {
    let sim = start(SimConfig::new());
    let wrong_token = constants_for(&sim, Auth::V3).with(TOKEN, "not-the-token");
    let wrong_secret = constants_for(&sim, Auth::V2).with(API_SECRET, "not-the-secret");
    for constants in [wrong_token, wrong_secret] {
        sim.clear_requests();
        let client = client_from(&constants, fast_limits());
        let error = operations::test_connection(&client).unwrap_err();
        assert_eq!(
            error,
            Error::Api {
                status: 401,
                message: "Unauthenticated.".into()
            }
        );
        assert!(!error.is_retryable());
        assert_eq!(calls(&sim), ["GET /ping"]);
    }
}

#[test]
fn a_403_carries_runcloud_message() {
    let sim = start(SimConfig::new());
    let message = "Your current plan does not allow API access.";
    sim.inject(Fault::status(403).message(message));
    let error = operations::list_domains(&client(&sim, Auth::V2)).unwrap_err();
    assert_eq!(
        error,
        Error::Api {
            status: 403,
            message: message.into()
        }
    );
    assert_eq!(
        error.to_string(),
        format!("RunCloud API error 403: {message}")
    );
    assert!(!error.is_retryable());
    assert_eq!(sim.requests().len(), 1);
}

#[test]
fn a_wrong_app_id_is_a_404() {
    let sim = start(SimConfig::new());
    let constants = constants_for(&sim, Auth::V3).with(APP_ID, "999");
    let client = client_from(&constants, fast_limits());
    let error = operations::test_connection(&client).unwrap_err();
    assert_eq!(
        error,
        Error::Api {
            status: 404,
            message: "Web application not found.".into()
        }
    );
    let sent: Vec<String> = sim.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(sent, ["/api/v3/ping", "/api/v3/servers/1/webapps/999"]);
    sim.clear_requests();
    let error = add_by_input(&client, "shop.example.com").unwrap_err();
    assert!(matches!(error, Error::Api { status: 404, .. }), "{error:?}");
    assert_eq!(sim.requests().len(), 1, "a 404 is not retried");
    assert!(sim.state().domain("shop.example.com").is_none());
}

#[test]
fn a_422_on_add_is_checked_then_reported() {
    let sim = start(SimConfig::new());
    let message = "The name format is invalid.";
    sim.inject(Fault::status(422).message(message).on_method("POST"));
    let error = add_by_input(&client(&sim, Auth::V3), "shop.example.com").unwrap_err();
    assert_eq!(
        error,
        Error::Api {
            status: 422,
            message: message.into()
        }
    );
    assert!(!error.is_retryable());
    // One POST, then one look at the list to see whether the name is there after all.
    assert_eq!(
        calls(&sim),
        [
            "POST APP/domains",
            "GET APP/domains?page=1&perPage=40&search=shop.example.com"
        ]
    );
    assert!(sim.state().domain("shop.example.com").is_none());
}

#[test]
fn a_closed_port_is_a_connect_error() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let constants = Constants::of(&[
        (TOKEN, "t"),
        (SERVER_ID, "1"),
        (APP_ID, "1"),
        (API_URL, &format!("http://127.0.0.1:{port}")),
    ]);
    let limits = Limits {
        max_retries: 1,
        ..fast_limits()
    };
    let error = operations::list_domains(&client_from(&constants, limits)).unwrap_err();
    assert_eq!(
        transport_kind(&error),
        Some(TransportKind::Connect),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert!(error.to_string().contains("(connect)"), "{error}");
}

#[test]
fn a_hanging_answer_is_a_timeout_within_the_limit() {
    let sim = start(SimConfig::new());
    sim.inject(Fault::hang(Duration::from_secs(30)));
    let limits = Limits {
        timeout: Duration::from_millis(400),
        ..fast_limits()
    };
    let client = client_from(&constants_for(&sim, Auth::V3), limits);
    let started = Instant::now();
    let error = operations::list_domains(&client).unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(
        transport_kind(&error),
        Some(TransportKind::Timeout),
        "{error:?}"
    );
    assert!(error.is_retryable(), "a caller may try again later");
    assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}");
    assert_eq!(sim.requests().len(), 1, "a timeout is not retried at once");
}

#[test]
fn a_dropped_connection_is_a_reset_after_the_retries() {
    let sim = start(SimConfig::new());
    sim.inject(Fault::drop_connection().times(3));
    let limits = Limits {
        max_retries: 2,
        ..fast_limits()
    };
    let client = client_from(&constants_for(&sim, Auth::V3), limits);
    let error = operations::list_domains(&client).unwrap_err();
    assert_eq!(
        transport_kind(&error),
        Some(TransportKind::Reset),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert_eq!(sim.requests().len(), 3, "one try and two retries");
    assert!(sim.state().pending_faults.is_empty());
}

#[test]
fn malformed_and_truncated_bodies_are_invalid_responses() {
    // Injected on every attempt: a GET is sent again after an unreadable
    // answer (it changes nothing), so the error shows once the retries are spent.
    for fault in [Fault::malformed_json(), Fault::truncated()] {
        let sim = start(SimConfig::new().extra_domains(3));
        sim.inject(fault.clone().times(10));
        let error = operations::list_domains(&client(&sim, Auth::V3)).unwrap_err();
        assert!(
            matches!(error, Error::InvalidResponse { status: 200, .. }),
            "{fault:?}: {error:?}"
        );
        assert!(error.is_retryable());
        assert_eq!(
            sim.requests().len(),
            4,
            "{fault:?}: one try and three retries"
        );
        assert!(
            !error.to_string().contains("site-0000"),
            "no body in {error}"
        );
    }
}

#[test]
fn runcloud_messages_reach_the_caller_as_sent() {
    let sim = start(SimConfig::new());
    sim.inject(Fault::status(500).message("Server Error").on_path("/ping"));
    let error = operations::test_connection(&client(&sim, Auth::V3)).unwrap_err();
    assert_eq!(
        error,
        Error::Api {
            status: 500,
            message: "Server Error".into()
        }
    );
    assert!(
        error.is_retryable(),
        "a 500 is for the caller's durable retry"
    );
    assert_eq!(sim.requests().len(), 1, "a 500 is not retried at once");
}

#[test]
fn runcloud_messages_are_bounded_and_free_of_control_characters() {
    let sim = start(SimConfig::new());
    let long = format!("line one\r\nline\ttwo\u{1b}[2J {}", "x".repeat(5_000));
    sim.inject(Fault::status(403).message(&long).on_path("/ping"));
    let error = operations::test_connection(&client(&sim, Auth::V3)).unwrap_err();
    let Error::Api {
        status: 403,
        message,
    } = &error
    else {
        panic!("{error:?}");
    };
    assert!(
        message.starts_with("line one line two [2J xxx"),
        "{message}"
    );
    assert!(
        message.chars().count() <= 301,
        "{}",
        message.chars().count()
    );
    assert!(message.ends_with('…'));
    assert!(!error.to_string().chars().any(char::is_control), "{error}");
}
