//! The fault matrix: every failure the simulator can inject, before or after
//! RunCloud acts, against every operation, on the request that matters most to
//! that operation.
//!
//! Each cell injects the fault once, on the operation's key request, and runs
//! with the v3 token and again with the v2 key and secret:
//!
//! | operation       | key request                        | fixture                          |
//! |-----------------|------------------------------------|----------------------------------|
//! | test_connection | `GET /ping`                        | default app                      |
//! | list_domains    | `GET APP/domains?page=2`           | 81 domains, 3 pages              |
//! | add_domain      | `POST APP/domains`                 | a new name                       |
//! | remove_domain   | `DELETE APP/domains/{id}`          | an alias found on page 1         |
//! | redeploy_ssl    | `PUT APP/ssl/{id}`                 | basic SSL with a certificate     |
//! | install (adv.)  | `POST APP/domains/{id}/ssl`        | advanced SSL, a domain without   |
//!
//! Outcomes: `R` retried within the call, which then succeeds (the key request
//! sent twice, one request more than without the fault); `L` the add looked at
//! the list (page 1), did not find the name and sent the POST again (key
//! request twice), the call succeeds with `created` true; `F` found: the change
//! was made, its answer lost, and the call looked and found it (key request
//! once; an add reports `created` false, outcome "found_after_lost_answer", an
//! install "installed"); `G` a retried DELETE found the domain gone: removed
//! (true); `ok` succeeds with no retry; anything else is the error reported,
//! the key request sent once, `*` marking a change made all the same.
//!
//! | fault                     | test_connection | list  | add    | remove | redeploy  | install   |
//! |---------------------------|-----------------|-------|--------|--------|-----------|-----------|
//! | 429 + Retry-After: 1      | R (>= 1 s)      | R     | R      | R      | R         | R         |
//! | 500                       | 500             | 500   | L      | 500    | 500       | 500       |
//! | 502                       | R               | R     | L      | R      | 502       | 502       |
//! | 503 (no Retry-After)      | R               | R     | L      | R      | 503       | 503       |
//! | hang (> timeout)          | timeout         | tmo.  | F      | tmo. * | timeout * | F         |
//! | drop (before)             | R               | R     | L      | R      | reset     | reset     |
//! | malformed JSON 200        | R               | R     | L      | R      | response  | response  |
//! | truncated (after)         | R               | R     | F      | G      | response *| F         |
//! | 401                       | 401             | 401   | 401    | 401    | 401       | 401       |
//! | 404                       | 404             | 404   | 404    | false  | 404       | 404       |
//! | 422                       | 422             | 422   | 422 ** | 422    | 422       | 422       |
//! | 502 after the change      | R               | R     | F      | G      | 502 *     | F         |
//! | 504 after the change      | R               | R     | F      | G      | 504 *     | F         |
//! | cut after the change      | R               | R     | F      | G      | reset *   | F         |
//! | 200 `{}` after the change | ok              | R     | ok *** | ok     | ok        | ok        |
//!
//! A POST, and the PUT of a certificate redeploy (a Let's Encrypt order), are
//! sent again only when they surely were not processed (429 here); after any
//! other failure the call looks instead. Where a `*` cell fails, doing the same
//! call again reports it done (remove: false; redeploy: redeployed). Every cell
//! ends with the app holding each name at most once and at most one
//! certificate issued per name.
//!
//! `**` After a 422 the add looks at the list once (page 1) to see whether the
//! name is there after all; it is not, so the 422 is reported.
//! `***` A success without a record: the add takes the id from the list.
//! A 503 with Retry-After was surely not processed: the add sends the POST
//! again without looking first.

mod common;

use std::time::{Duration, Instant};

use runcloud_sim::{DomainSeed, Fault, SimConfig, Simulator, SslMode};
use serde_json::json;
use wu_runcloud::operations::{self, AddOutcome, SslAction};
use wu_runcloud::{Client, DomainName, Error, Limits, TransportKind};

use common::{client_from, constants_for, count, fast_limits, occurrences, start, Auth};

const ADDED: &str = "new-site.example";
const REMOVED: &str = "old-site.example";
const SECURED: &str = "secure-site.example";
const LISTED: usize = 81;

/// A timeout short enough to keep the hang cells fast.
fn limits() -> Limits {
    Limits {
        timeout: Duration::from_millis(1000),
        ..fast_limits()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    TestConnection,
    ListDomains,
    AddDomain,
    RemoveDomain,
    RedeploySsl,
    InstallCertificate,
}

const OPS: [Op; 6] = [
    Op::TestConnection,
    Op::ListDomains,
    Op::AddDomain,
    Op::RemoveDomain,
    Op::RedeploySsl,
    Op::InstallCertificate,
];

/// What a successful call returned, reduced to what the cells compare.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Done {
    Connected { domains: u64 },
    Listed(usize),
    Added { created: bool, outcome: AddOutcome },
    Removed(bool),
    Ssl(SslAction),
}

impl Op {
    fn simulator(self) -> Simulator {
        match self {
            Op::ListDomains => start(SimConfig::new().extra_domains(LISTED - 1)),
            Op::RemoveDomain => {
                let sim = start(SimConfig::new());
                sim.seed_domain(DomainSeed::new(REMOVED)).unwrap();
                sim
            }
            Op::InstallCertificate => {
                let sim = start(
                    SimConfig::new()
                        .ssl_mode(SslMode::Advanced)
                        .certificate(false),
                );
                sim.seed_domain(DomainSeed::new(SECURED)).unwrap();
                sim
            }
            _ => start(SimConfig::new()),
        }
    }

    /// The method and a path fragment of the key request.
    fn key_request(self) -> (&'static str, &'static str) {
        match self {
            Op::TestConnection => ("GET", "/ping"),
            Op::ListDomains => ("GET", "page=2&"),
            Op::AddDomain => ("POST", "/domains"),
            Op::RemoveDomain => ("DELETE", "/domains/"),
            Op::RedeploySsl => ("PUT", "/ssl/"),
            Op::InstallCertificate => ("POST", "/ssl"),
        }
    }

    fn run(self, client: &Client) -> wu_runcloud::Result<Done> {
        match self {
            Op::TestConnection => {
                operations::test_connection(client).map(|report| Done::Connected {
                    domains: report.domain_count,
                })
            }
            Op::ListDomains => operations::list_domains(client).map(|all| Done::Listed(all.len())),
            Op::AddDomain => {
                operations::add_domain(client, &name(ADDED), false).map(|added| Done::Added {
                    created: added.created,
                    outcome: added.outcome,
                })
            }
            Op::RemoveDomain => {
                operations::remove_domain(client, &name(REMOVED), None).map(Done::Removed)
            }
            Op::RedeploySsl => {
                operations::redeploy_ssl(client, None).map(|outcome| Done::Ssl(outcome.action))
            }
            Op::InstallCertificate => operations::redeploy_ssl(client, Some(&name(SECURED)))
                .map(|outcome| Done::Ssl(outcome.action)),
        }
    }

    fn success(self) -> Done {
        match self {
            Op::TestConnection => Done::Connected { domains: 1 },
            Op::ListDomains => Done::Listed(LISTED),
            Op::AddDomain => Done::Added {
                created: true,
                outcome: AddOutcome::Created,
            },
            Op::RemoveDomain => Done::Removed(true),
            Op::RedeploySsl => Done::Ssl(SslAction::Redeployed),
            Op::InstallCertificate => Done::Ssl(SslAction::Installed),
        }
    }

    /// What the call returns when it finds its change made after a lost answer.
    fn found(self) -> Done {
        match self {
            Op::AddDomain => Done::Added {
                created: false,
                outcome: AddOutcome::FoundAfterLostAnswer,
            },
            _ => self.success(),
        }
    }

    /// What the same call returns when its change is already on the app.
    fn repeated(self) -> Done {
        match self {
            Op::AddDomain => Done::Added {
                created: false,
                outcome: AddOutcome::AlreadyThere,
            },
            Op::RemoveDomain => Done::Removed(false),
            Op::InstallCertificate => Done::Ssl(SslAction::Redeployed),
            _ => self.success(),
        }
    }

    /// Whether the operation's change is on the app.
    fn applied(self, sim: &Simulator) -> bool {
        let state = sim.state();
        match self {
            Op::TestConnection | Op::ListDomains => false,
            Op::AddDomain => occurrences(sim, ADDED) == 1,
            Op::RemoveDomain => occurrences(sim, REMOVED) == 0,
            Op::RedeploySsl => state.counters.redeploys > 0,
            Op::InstallCertificate => state.counters.certificates_issued > 0,
        }
    }

    fn changes_the_app(self) -> bool {
        !matches!(self, Op::TestConnection | Op::ListDomains)
    }

    /// Requests the call sends when nothing goes wrong.
    fn baseline_requests(self) -> usize {
        let sim = self.simulator();
        let done = self.run(&client_from(&constants_for(&sim, Auth::V3), limits()));
        assert_eq!(done, Ok(self.success()), "{self:?} without a fault");
        sim.requests().len()
    }
}

fn name(text: &str) -> DomainName {
    DomainName::parse(text).unwrap()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    TooManyRequests,
    ServerError,
    BadGateway,
    Unavailable,
    Hang,
    Drop,
    MalformedJson,
    Truncated,
    Unauthenticated,
    NotFound,
    Unprocessable,
    BadGatewayAfter,
    GatewayTimeoutAfter,
    DropAfter,
    EmptySuccessAfter,
}

impl Case {
    fn fault(self) -> Fault {
        match self {
            Case::TooManyRequests => Fault::status(429)
                .message("Too Many Attempts.")
                .retry_after(1),
            Case::ServerError => Fault::status(500).message("Server Error"),
            Case::BadGateway => Fault::status(502).message("Bad Gateway"),
            Case::Unavailable => Fault::status(503),
            Case::Hang => Fault::hang(Duration::from_secs(20)),
            Case::Drop => Fault::drop_connection(),
            Case::MalformedJson => Fault::malformed_json(),
            Case::Truncated => Fault::truncated(),
            Case::Unauthenticated => Fault::status(401).message("Unauthenticated."),
            Case::NotFound => Fault::status(404).message("Not Found."),
            Case::Unprocessable => Fault::status(422).message("The given data was invalid."),
            Case::BadGatewayAfter => Fault::status(502).message("Bad Gateway").applied(),
            Case::GatewayTimeoutAfter => Fault::status(504).message("Gateway Timeout").applied(),
            Case::DropAfter => Fault::drop_connection().applied(),
            Case::EmptySuccessAfter => Fault::status(200).body(json!({})).applied(),
        }
    }

    /// The simulator carries these requests out before the answer fails.
    fn carries_out(self) -> bool {
        matches!(
            self,
            Case::Hang
                | Case::Truncated
                | Case::BadGatewayAfter
                | Case::GatewayTimeoutAfter
                | Case::DropAfter
                | Case::EmptySuccessAfter
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    Api(u16),
    Transport(TransportKind),
    InvalidResponse,
}

impl Failure {
    fn matches(self, error: &Error) -> bool {
        match (self, error) {
            (Failure::Api(expected), Error::Api { status, .. }) => expected == *status,
            (Failure::Transport(expected), Error::Transport { kind, .. }) => *kind == expected,
            (Failure::InvalidResponse, Error::InvalidResponse { .. }) => true,
            _ => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    /// Retried within the call, which then succeeds.
    Retried,
    /// An add that looked, did not find the name, and sent the POST again.
    LookedAndResent,
    /// Reported at once, with no retry.
    Fails(Failure),
    /// Succeeds without sending the key request again, with this result.
    Answers(Done),
}

/// The table at the top of this file.
fn expected(case: Case, op: Op) -> Expect {
    use Case::*;
    let reads = matches!(op, Op::TestConnection | Op::ListDomains);
    let certificate = matches!(op, Op::RedeploySsl | Op::InstallCertificate);
    let fails = |failure| Expect::Fails(failure);
    match (case, op) {
        (TooManyRequests, _) => Expect::Retried,
        (Unauthenticated, _) => fails(Failure::Api(401)),
        (Unprocessable, _) => fails(Failure::Api(422)),
        (NotFound, Op::RemoveDomain) => Expect::Answers(Done::Removed(false)),
        (NotFound, _) => fails(Failure::Api(404)),
        (EmptySuccessAfter, Op::ListDomains) => Expect::Retried,
        (EmptySuccessAfter, _) => Expect::Answers(op.success()),
        (ServerError | BadGateway | Unavailable | Drop | MalformedJson, Op::AddDomain) => {
            Expect::LookedAndResent
        }
        (Hang | Truncated | BadGatewayAfter | GatewayTimeoutAfter | DropAfter, Op::AddDomain) => {
            Expect::Answers(op.found())
        }
        (
            Hang | Truncated | BadGatewayAfter | GatewayTimeoutAfter | DropAfter,
            Op::InstallCertificate,
        ) => Expect::Answers(op.found()),
        (Hang, _) => fails(Failure::Transport(TransportKind::Timeout)),
        (ServerError, _) => fails(Failure::Api(500)),
        (BadGateway | BadGatewayAfter, _) if certificate => fails(Failure::Api(502)),
        (GatewayTimeoutAfter, _) if certificate => fails(Failure::Api(504)),
        (Unavailable, _) if certificate => fails(Failure::Api(503)),
        (Drop | DropAfter, _) if certificate => fails(Failure::Transport(TransportKind::Reset)),
        (MalformedJson | Truncated, _) if certificate => fails(Failure::InvalidResponse),
        (Truncated | BadGatewayAfter | GatewayTimeoutAfter | DropAfter, Op::RemoveDomain) => {
            Expect::Retried
        }
        (_, _) if reads || op == Op::RemoveDomain => Expect::Retried,
        (case, op) => unreachable!("{case:?} on {op:?} is not in the table"),
    }
}

fn run_cell(case: Case, op: Op, auth: Auth) {
    let label = format!("{case:?} on {op:?} with {auth:?}");
    let baseline = op.baseline_requests();
    let sim = op.simulator();
    let client = client_from(&constants_for(&sim, auth), limits());
    let (method, fragment) = op.key_request();
    sim.inject(case.fault().on_method(method).on_path(fragment));
    let started = Instant::now();
    let result = op.run(&client);
    let elapsed = started.elapsed();
    let key_requests = count(&sim, method, fragment);
    assert!(
        sim.state().pending_faults.is_empty(),
        "{label}: the fault was not used"
    );
    match expected(case, op) {
        Expect::Retried => {
            assert_eq!(result, Ok(op.success()), "{label}");
            assert_eq!(key_requests, 2, "{label}: one retry");
            assert_eq!(sim.requests().len(), baseline + 1, "{label}");
            assert_eq!(op.applied(&sim), op.changes_the_app(), "{label}");
            if case == Case::TooManyRequests {
                assert!(elapsed >= Duration::from_secs(1), "{label}: {elapsed:?}");
            }
        }
        Expect::LookedAndResent => {
            assert_eq!(result, Ok(op.success()), "{label}");
            assert_eq!(key_requests, 2, "{label}: sent again after looking");
            assert_eq!(
                sim.requests().len(),
                baseline + 2,
                "{label}: one page looked at"
            );
        }
        Expect::Answers(done) => {
            assert_eq!(result, Ok(done), "{label}");
            assert_eq!(key_requests, 1, "{label}: not sent again");
            let carried_out = op.changes_the_app() && case.carries_out();
            assert_eq!(op.applied(&sim), carried_out, "{label}");
        }
        Expect::Fails(failure) => {
            let error = result.expect_err(&label);
            assert!(failure.matches(&error), "{label}: {error:?}");
            assert_eq!(key_requests, 1, "{label}: not sent again");
            let carried_out = op.changes_the_app() && case.carries_out();
            assert!(error.is_retryable() || !carried_out, "{label}");
            assert_eq!(op.applied(&sim), carried_out, "{label}");
            if carried_out {
                // The caller's later retry finds the change done.
                assert_eq!(op.run(&client), Ok(op.repeated()), "{label}: again");
                assert!(op.applied(&sim), "{label}");
            }
        }
    }
    let state = sim.state();
    for domain in &state.domains {
        assert_eq!(occurrences(&sim, &domain.name), 1, "{label}: duplicate");
    }
    assert!(
        state.counters.certificates_issued <= 1,
        "{label}: certificates"
    );
    assert!(elapsed < Duration::from_secs(4), "{label}: {elapsed:?}");
}

fn run_row(case: Case) {
    for auth in Auth::BOTH {
        for op in OPS {
            run_cell(case, op, auth);
        }
    }
}

#[test]
fn too_many_requests_waits_for_retry_after_and_retries() {
    run_row(Case::TooManyRequests);
}

#[test]
fn server_error_is_retried_only_where_it_cannot_repeat_a_change() {
    run_row(Case::ServerError);
}

#[test]
fn bad_gateway_is_retried_only_where_it_cannot_repeat_a_change() {
    run_row(Case::BadGateway);
}

#[test]
fn service_unavailable_is_retried_only_where_it_cannot_repeat_a_change() {
    run_row(Case::Unavailable);
}

#[test]
fn hang_is_a_timeout_and_a_change_made_is_found() {
    run_row(Case::Hang);
}

#[test]
fn dropped_connection_is_retried_only_where_it_cannot_repeat_a_change() {
    run_row(Case::Drop);
}

#[test]
fn malformed_json_is_no_success() {
    run_row(Case::MalformedJson);
}

#[test]
fn truncated_body_after_the_change_is_found_not_repeated() {
    run_row(Case::Truncated);
}

#[test]
fn unauthenticated_is_reported_without_retry() {
    run_row(Case::Unauthenticated);
}

#[test]
fn not_found_is_reported_without_retry() {
    run_row(Case::NotFound);
}

#[test]
fn unprocessable_is_reported_without_retry() {
    run_row(Case::Unprocessable);
}

#[test]
fn bad_gateway_after_the_change_is_found_not_repeated() {
    run_row(Case::BadGatewayAfter);
}

#[test]
fn gateway_timeout_after_the_change_is_found_not_repeated() {
    run_row(Case::GatewayTimeoutAfter);
}

#[test]
fn connection_cut_after_the_change_is_found_not_repeated() {
    run_row(Case::DropAfter);
}

#[test]
fn a_success_with_an_empty_body_is_a_success() {
    run_row(Case::EmptySuccessAfter);
}

#[test]
fn retries_stop_at_max_retries() {
    let sim = start(SimConfig::new());
    sim.inject(Fault::status(503).times(10));
    let client = client_from(&constants_for(&sim, Auth::V3), limits());
    let error = operations::list_domains(&client).unwrap_err();
    assert!(matches!(error, Error::Api { status: 503, .. }), "{error:?}");
    assert_eq!(sim.requests().len(), 1 + limits().max_retries as usize);
}

#[test]
fn a_retry_after_beyond_the_wait_budget_is_not_waited_for() {
    let sim = start(SimConfig::new());
    sim.inject(Fault::status(429).retry_after(30));
    let client = client_from(&constants_for(&sim, Auth::V3), limits());
    let started = Instant::now();
    let error = operations::list_domains(&client).unwrap_err();
    assert!(matches!(error, Error::Api { status: 429, .. }), "{error:?}");
    assert!(error.is_retryable());
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(sim.requests().len(), 1);
}

#[test]
fn an_add_retried_after_each_ambiguous_failure_stays_single() {
    // Hang and truncation both carry the POST out; a dropped connection does
    // not. Whatever happened, adding again converges on one record.
    for fault in [
        Fault::hang(Duration::from_secs(20)),
        Fault::truncated(),
        Fault::drop_connection().times(2),
    ] {
        let sim = start(SimConfig::new().extra_domains(60));
        let client = client_from(&constants_for(&sim, Auth::V2), limits());
        sim.inject(fault.on_method("POST"));
        let _ = operations::add_domain(&client, &name(ADDED), true);
        let again = operations::add_domain(&client, &name(ADDED), true).unwrap();
        assert_eq!(again.domain.name, ADDED);
        assert_eq!(occurrences(&sim, ADDED), 1);
        assert_eq!(sim.state().domains.len(), 62);
    }
}

#[test]
fn an_add_refused_with_retry_after_is_sent_again_without_looking() {
    // Every attempt the client makes is refused with a 503 and Retry-After
    // (surely not processed): the add sends the POST again without reading
    // the list first.
    let attempts = 1 + limits().max_retries;
    let sim = start(SimConfig::new().extra_domains(60));
    sim.inject(
        Fault::status(503)
            .retry_after(0)
            .times(attempts)
            .on_method("POST")
            .on_path("/domains"),
    );
    let client = client_from(&constants_for(&sim, Auth::V2), limits());
    let added = operations::add_domain(&client, &name(ADDED), true).unwrap();
    assert_eq!(added.outcome, AddOutcome::Created);
    assert_eq!(count(&sim, "POST", "/domains"), attempts as usize + 1);
    assert_eq!(
        count(&sim, "GET", "/domains"),
        0,
        "no look after a 503 with Retry-After"
    );
    assert_eq!(occurrences(&sim, ADDED), 1);
}

#[test]
fn an_add_after_a_503_without_retry_after_looks_before_sending_again() {
    let sim = start(SimConfig::new().extra_domains(60));
    sim.inject(Fault::status(503).on_method("POST").on_path("/domains"));
    let client = client_from(&constants_for(&sim, Auth::V2), limits());
    let added = operations::add_domain(&client, &name(ADDED), true).unwrap();
    assert_eq!(added.outcome, AddOutcome::Created);
    assert_eq!(count(&sim, "POST", "/domains"), 2);
    assert!(
        count(&sim, "GET", "/domains") >= 1,
        "an ambiguous failure is looked into"
    );
    assert_eq!(occurrences(&sim, ADDED), 1);
}

#[test]
fn no_retries_when_max_retries_is_zero() {
    let sim = start(SimConfig::new());
    sim.inject(Fault::status(503).times(2));
    let limits = Limits {
        max_retries: 0,
        ..limits()
    };
    let client = client_from(&constants_for(&sim, Auth::V3), limits);
    let error = operations::list_domains(&client).unwrap_err();
    assert!(matches!(error, Error::Api { status: 503, .. }), "{error:?}");
    assert_eq!(sim.requests().len(), 1);
}

#[test]
fn sync_records_a_failing_name_and_goes_on() {
    let sim = start(SimConfig::new());
    for seed in ["stale-1.example", "stale-2.example"] {
        sim.seed_domain(DomainSeed::new(seed)).unwrap();
    }
    // The second add and the first removal fail for good; the rest must happen.
    // Faults apply in the order injected: a hang of zero lets the first POST
    // through unharmed, so the 422 lands on the second.
    sim.inject(Fault::hang(Duration::ZERO).on_method("POST"));
    sim.inject(Fault::status(422).on_method("POST"));
    sim.inject(Fault::status(500).on_method("DELETE"));
    let client = client_from(&constants_for(&sim, Auth::V3), limits());
    let wanted: Vec<String> = ["a.example", "b.example", "c.example"]
        .iter()
        .map(|n| n.to_string())
        .collect();
    let options = wu_runcloud::sync::SyncOptions {
        prune: true,
        managed: ["stale-1.example", "stale-2.example"]
            .iter()
            .map(|n| n.to_string())
            .collect(),
        ..Default::default()
    };
    let report = wu_runcloud::sync::sync(&client, &wanted, &options).unwrap();
    assert_eq!(report.added, ["a.example", "c.example"]);
    assert_eq!(report.removed, ["stale-2.example"]);
    let failed: Vec<&str> = report.errors.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(failed, ["b.example", "stale-1.example"]);
    assert!(report.errors[0].1.contains("422"), "{:?}", report.errors);
    assert!(report.errors[1].1.contains("500"), "{:?}", report.errors);
    let state = sim.state();
    assert!(state.domain("b.example").is_none());
    assert!(state.domain("stale-1.example").is_some());
    assert!(state.domain("stale-2.example").is_none());
    assert_eq!(occurrences(&sim, "a.example"), 1);
    assert_eq!(occurrences(&sim, "c.example"), 1);
}

#[test]
fn an_absurd_retry_after_is_reported_not_waited_for() {
    // A first retry has already waited a second when the absurd value arrives.
    let sim = start(SimConfig::new());
    sim.inject(Fault::status(429).retry_after(1));
    sim.inject(Fault::status(429).retry_after(u64::MAX));
    let client = client_from(&constants_for(&sim, Auth::V3), limits());
    let started = Instant::now();
    let error = operations::list_domains(&client).unwrap_err();
    assert!(matches!(error, Error::Api { status: 429, .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(sim.requests().len(), 2);
}

#[test]
fn an_install_whose_answer_was_lost_is_found_not_ordered_again() {
    // Advanced SSL: the certificate order is carried out but its answer is
    // lost. The call reads the certificate back and reports it installed;
    // asking again redeploys it. A second certificate is never issued.
    for fault in [
        Fault::truncated(),
        Fault::hang(Duration::from_secs(20)),
        Fault::status(502).applied(),
        Fault::status(504).applied(),
        Fault::drop_connection().applied(),
    ] {
        let sim = start(
            SimConfig::new()
                .ssl_mode(runcloud_sim::SslMode::Advanced)
                .certificate(false),
        );
        let client = client_from(&constants_for(&sim, Auth::V3), limits());
        let domain = operations::add_domain(&client, &name(ADDED), false)
            .unwrap()
            .domain;
        sim.inject(fault.clone().on_method("POST").on_path("/ssl"));
        let first = operations::redeploy_ssl(&client, Some(&name(ADDED))).unwrap();
        assert_eq!(first.action, SslAction::Installed, "{fault:?}");
        let again = operations::redeploy_ssl(&client, Some(&name(ADDED))).unwrap();
        assert_eq!(again.action, SslAction::Redeployed, "{fault:?}");
        let state = sim.state();
        let certificates: Vec<_> = state
            .ssl
            .domains
            .iter()
            .filter(|c| c.domain_id == Some(domain.id))
            .collect();
        assert_eq!(certificates.len(), 1, "{fault:?}");
        assert_eq!(first.certificate_id, Some(certificates[0].id));
        assert_eq!(again.certificate_id, Some(certificates[0].id));
        assert_eq!(state.counters.certificates_issued, 1, "{fault:?}");
        assert_eq!(count(&sim, "POST", "/ssl"), 1, "{fault:?}: one order");
    }
}

#[test]
fn an_install_failing_before_the_order_is_not_repeated_in_the_call() {
    // A 502 that RunCloud did not act on: the call reads the certificate, sees
    // none, and reports the failure rather than ordering again blind.
    let sim = start(
        SimConfig::new()
            .ssl_mode(runcloud_sim::SslMode::Advanced)
            .certificate(false),
    );
    let client = client_from(&constants_for(&sim, Auth::V3), limits());
    operations::add_domain(&client, &name(ADDED), false).unwrap();
    sim.inject(Fault::status(502).on_method("POST").on_path("/ssl"));
    let error = operations::redeploy_ssl(&client, Some(&name(ADDED))).unwrap_err();
    assert!(matches!(error, Error::Api { status: 502, .. }), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(count(&sim, "POST", "/ssl"), 1);
    assert_eq!(sim.state().counters.certificates_issued, 0);
    let later = operations::redeploy_ssl(&client, Some(&name(ADDED))).unwrap();
    assert_eq!(later.action, SslAction::Installed);
    assert_eq!(sim.state().counters.certificates_issued, 1);
}

#[test]
fn sync_counts_a_delete_retried_into_a_404_as_removed() {
    for fault in [
        Fault::status(502).applied(),
        Fault::drop_connection().applied(),
        Fault::truncated(),
    ] {
        let sim = start(SimConfig::new());
        sim.seed_domain(DomainSeed::new(REMOVED)).unwrap();
        sim.inject(fault.clone().on_method("DELETE"));
        let client = client_from(&constants_for(&sim, Auth::V2), limits());
        let options = wu_runcloud::sync::SyncOptions {
            prune: true,
            managed: [REMOVED.to_string()].into(),
            ..Default::default()
        };
        let report = wu_runcloud::sync::sync(&client, &[], &options).unwrap();
        assert_eq!(report.removed, [REMOVED], "{fault:?}");
        assert!(report.errors.is_empty(), "{fault:?}: {:?}", report.errors);
        assert_eq!(occurrences(&sim, REMOVED), 0);
        assert_eq!(count(&sim, "DELETE", "/domains/"), 2, "{fault:?}");
    }
}
