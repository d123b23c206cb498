//! The control API under `/__sim/`: no credentials, no rate limit, not in the request log.
//!
//! The simulator is one RunCloud account serving one or more web apps (`--app`). Endpoints
//! that act on one web app take `app=SERVER:APP`: in the query of a `GET` or `DELETE`, as a
//! JSON field (or in the query) of a `POST`; without it they act on the primary web app, as
//! they always have. A web app the simulator does not serve is a 404, a malformed one a 400.
//! The rest (rate limit, latency, DNS, clock, search, reset) is the account's.
//!
//! | method and path | body | effect |
//! |---|---|---|
//! | `GET /__sim/state[?app=S:A]` | | the web app's state dump (`apps` lists every web app) |
//! | `POST /__sim/reset` | | back to the seeded start (every web app's domains and SSL, limits, faults, log, clock) |
//! | `GET /__sim/requests[?app=S:A]` / `DELETE /__sim/requests` | | the request log (each record's `app` is the web app its path names), or the requests to one web app / clear it |
//! | `GET /__sim/faults[?app=S:A]` | | pending faults, or those that can strike one web app |
//! | `POST /__sim/faults` | a fault (`app` aims it at one web app, `for_secs` makes it last) | add one |
//! | `DELETE /__sim/faults[?app=S:A]` | | clear them all, or those aimed at one web app |
//! | `POST /__sim/latency` | `{"ms":20}` | delay before every API answer |
//! | `POST /__sim/rate-limit` | `{"per_minute":N,"window_secs":S}` | new limit, fresh window |
//! | `POST /__sim/ssl` | `{"app","advancedSSL","autoSSL","certificate"}` (each optional) | a web app's SSL mode and certificates |
//! | `GET` / `POST` / `DELETE /__sim/dns` | `{"names":{"a.test":"missing"}}` | names' DNS (`server`, `elsewhere`, `missing`, `cname:T`) and Let's Encrypt's failures / set / all back to the server |
//! | `GET` / `POST /__sim/clock` | `{"advance_secs":N}` | the clock's offset / move it forward N seconds (at most 10 years at a time); Let's Encrypt's windows (failed validations, orders, certificates per registered domain, duplicates), the certificates' dates and timed faults (`for_secs`) read it, the API's rate limit stays on real time |
//! | `POST /__sim/search` | `{"filters":false}` | whether the domain list's `search` parameter filters (RunCloud's is unconfirmed) |
//! | `POST /__sim/domains` | `{"app", "count":N}` or `{"app", "domains":[{"name","www","wildcard","type"}]}` | seed a web app's domains |

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::json;

use crate::config::AppRef;
use crate::dns::DnsChange;
use crate::faults::Fault;
use crate::http::{Request, Response};
use crate::shared::{Shared, SslChange};
use crate::state::DomainSeed;

#[derive(Deserialize)]
struct LatencyBody {
    ms: u64,
}

#[derive(Deserialize)]
struct RateLimitBody {
    per_minute: u32,
    #[serde(default = "sixty")]
    window_secs: f64,
}

fn sixty() -> f64 {
    60.0
}

#[derive(Deserialize)]
struct ClockBody {
    advance_secs: u64,
}

/// The largest step: far beyond every Let's Encrypt window, far below where adding it to a
/// monotonic instant could overflow.
const MAX_CLOCK_STEP_SECS: u64 = 10 * 366 * 24 * 3600;

#[derive(Deserialize)]
struct SearchBody {
    filters: bool,
}

/// A body with the web app it is aimed at.
#[derive(Deserialize)]
struct Aimed<T> {
    #[serde(default)]
    app: Option<AppRef>,
    #[serde(flatten)]
    body: T,
}

#[derive(Deserialize)]
struct SeedBody {
    #[serde(default)]
    count: usize,
    #[serde(default)]
    domains: Vec<DomainSeed>,
}

pub(crate) fn handle(shared: &Shared, request: &Request) -> Response {
    let route = request
        .path
        .trim_start_matches("/__sim/")
        .trim_end_matches('/');
    match (request.method.as_str(), route) {
        ("GET", "state") => with_app(shared, request, None, |app| {
            Response::json(200, &shared.state(app))
        }),
        ("POST", "reset") => {
            shared.reset();
            done()
        }
        ("GET", "requests") => with_optional_app(shared, request, None, |app| {
            Response::json(200, &shared.requests(app))
        }),
        ("DELETE", "requests") => {
            shared.clear_requests();
            done()
        }
        ("GET", "faults") => with_optional_app(shared, request, None, |app| {
            Response::json(200, &shared.faults(app))
        }),
        ("POST", "faults") => with_body(request, |mut fault: Fault| {
            // Without an app the fault strikes every request, pings included.
            with_optional_app(shared, request, fault.app, |app| {
                fault.app = app;
                match shared.inject(fault) {
                    Ok(()) => done(),
                    Err(message) => Response::message(404, &message),
                }
            })
        }),
        ("DELETE", "faults") => with_optional_app(shared, request, None, |app| {
            shared.clear_faults(app);
            done()
        }),
        ("POST", "latency") => with_body(request, |body: LatencyBody| {
            shared.set_latency(Duration::from_millis(body.ms));
            done()
        }),
        ("POST", "rate-limit") => {
            with_body(request, |body: RateLimitBody| set_rate_limit(shared, body))
        }
        ("POST", "ssl") => with_body(request, |change: Aimed<SslChange>| {
            with_app(shared, request, change.app, |app| {
                match shared.change_ssl(app, change.body) {
                    Ok(()) => Response::json(200, &shared.ssl(app)),
                    Err(message) => Response::message(422, &message),
                }
            })
        }),
        ("GET", "dns") => Response::json(200, &shared.dns()),
        ("POST", "dns") => with_body(request, |change: DnsChange| {
            match shared.change_dns(&change) {
                Ok(()) => Response::json(200, &shared.dns()),
                Err(message) => Response::message(422, &message),
            }
        }),
        ("DELETE", "dns") => {
            shared.clear_dns();
            done()
        }
        ("POST", "domains") => with_body(request, |body: Aimed<SeedBody>| {
            with_app(shared, request, body.app, |app| {
                seed(shared, app, body.body)
            })
        }),
        ("GET", "clock") => clock_answer(shared.clock_offset()),
        ("POST", "clock") => with_body(request, |body: ClockBody| {
            if body.advance_secs > MAX_CLOCK_STEP_SECS {
                return Response::message(400, "advance_secs must be at most 10 years");
            }
            clock_answer(shared.advance_clock(Duration::from_secs(body.advance_secs)))
        }),
        ("POST", "search") => with_body(request, |body: SearchBody| {
            shared.set_search_filters(body.filters);
            done()
        }),
        _ => Response::message(404, "No such control endpoint."),
    }
}

/// The `app` of the query, if any: `SERVER:APP`, its colon possibly percent-encoded.
fn query_app(request: &Request) -> Option<Result<AppRef, String>> {
    let text = request.query_param("app")?;
    Some(AppRef::parse(&text.replace("%3A", ":").replace("%3a", ":")))
}

/// The web app a request names in its query or body (both: the same one), if any; a 400 for
/// a malformed or contradicting one, a 404 for one the simulator does not serve.
fn named_app(
    shared: &Shared,
    request: &Request,
    from_body: Option<AppRef>,
) -> Result<Option<AppRef>, Response> {
    let from_query = query_app(request)
        .transpose()
        .map_err(|message| Response::message(400, &format!("app: {message}")))?;
    let app = match (from_query, from_body) {
        (Some(query), Some(body)) if query != body => {
            let message = format!("app is {query} in the query but {body} in the body");
            return Err(Response::message(400, &message));
        }
        (query, body) => query.or(body),
    };
    match app {
        Some(app) if !shared.serves(app) => Err(Response::message(404, &shared.unknown_app(app))),
        app => Ok(app),
    }
}

/// Runs `action` with the web app the request names, if any.
fn with_optional_app(
    shared: &Shared,
    request: &Request,
    from_body: Option<AppRef>,
    action: impl FnOnce(Option<AppRef>) -> Response,
) -> Response {
    match named_app(shared, request, from_body) {
        Ok(app) => action(app),
        Err(response) => response,
    }
}

/// Runs `action` on the web app the request names, or on the primary one.
fn with_app(
    shared: &Shared,
    request: &Request,
    from_body: Option<AppRef>,
    action: impl FnOnce(AppRef) -> Response,
) -> Response {
    with_optional_app(shared, request, from_body, |app| {
        action(app.unwrap_or(shared.primary()))
    })
}

fn clock_answer(offset: Duration) -> Response {
    Response::json(200, &json!({ "offset_secs": offset.as_secs() }))
}

fn done() -> Response {
    Response::json(200, &json!({ "ok": true }))
}

/// Parses the JSON body into `T`, answering 400 with serde's reason when it does not fit.
fn with_body<T: DeserializeOwned>(
    request: &Request,
    action: impl FnOnce(T) -> Response,
) -> Response {
    match serde_json::from_slice::<T>(&request.body) {
        Ok(body) => action(body),
        Err(error) => Response::message(400, &format!("invalid control body: {error}")),
    }
}

fn set_rate_limit(shared: &Shared, body: RateLimitBody) -> Response {
    let Ok(window) = Duration::try_from_secs_f64(body.window_secs) else {
        return Response::message(400, "window_secs must be a positive number");
    };
    if window.is_zero() {
        return Response::message(400, "window_secs must be a positive number");
    }
    shared.set_rate_limit(body.per_minute, window);
    done()
}

fn seed(shared: &Shared, app: AppRef, body: SeedBody) -> Response {
    let mut ids = match shared.seed_domains(app, body.count) {
        Ok(ids) => ids,
        Err(message) => return Response::message(404, &message),
    };
    for seed in &body.domains {
        match shared.seed_domain(app, seed) {
            Ok(id) => ids.push(id),
            Err(message) => return Response::message(422, &message),
        }
    }
    Response::json(200, &json!({ "ids": ids }))
}
