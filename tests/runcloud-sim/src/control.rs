//! The control API under `/__sim/`: no credentials, no rate limit, not in the request log.
//!
//! | method and path | body | effect |
//! |---|---|---|
//! | `GET /__sim/state` | | the state dump |
//! | `POST /__sim/reset` | | back to the seeded start (domains, SSL, limits, faults, log, clock) |
//! | `GET` / `DELETE /__sim/requests` | | the request log / clear it |
//! | `GET` / `POST` / `DELETE /__sim/faults` | a fault | pending faults / add one / clear |
//! | `POST /__sim/latency` | `{"ms":20}` | delay before every API answer |
//! | `POST /__sim/rate-limit` | `{"per_minute":N,"window_secs":S}` | new limit, fresh window |
//! | `POST /__sim/ssl` | `{"advancedSSL","autoSSL","certificate"}` (each optional) | SSL mode and certificates |
//! | `GET` / `POST` / `DELETE /__sim/dns` | `{"names":{"a.test":"missing"}}` | names' DNS (`server`, `elsewhere`, `missing`, `cname:T`) and Let's Encrypt's failures / set / all back to the server |
//! | `GET` / `POST /__sim/clock` | `{"advance_secs":N}` | the clock's offset / move it forward N seconds (at most 10 years at a time); Let's Encrypt's windows (failed validations, orders, certificates per registered domain, duplicates) and the certificates' dates read it, the API's rate limit stays on real time |
//! | `POST /__sim/search` | `{"filters":false}` | whether the domain list's `search` parameter filters (RunCloud's is unconfirmed) |
//! | `POST /__sim/domains` | `{"count":N}` or `{"domains":[{"name","www","wildcard","type"}]}` | seed domains |

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::json;

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
        ("GET", "state") => Response::json(200, &shared.state()),
        ("POST", "reset") => {
            shared.reset();
            done()
        }
        ("GET", "requests") => Response::json(200, &shared.requests()),
        ("DELETE", "requests") => {
            shared.clear_requests();
            done()
        }
        ("GET", "faults") => Response::json(200, &shared.state().pending_faults),
        ("POST", "faults") => with_body(request, |fault: Fault| {
            shared.inject(fault);
            done()
        }),
        ("DELETE", "faults") => {
            shared.clear_faults();
            done()
        }
        ("POST", "latency") => with_body(request, |body: LatencyBody| {
            shared.set_latency(Duration::from_millis(body.ms));
            done()
        }),
        ("POST", "rate-limit") => {
            with_body(request, |body: RateLimitBody| set_rate_limit(shared, body))
        }
        ("POST", "ssl") => with_body(request, |change: SslChange| {
            match shared.change_ssl(change) {
                Ok(()) => Response::json(200, &shared.state().ssl),
                Err(message) => Response::message(422, &message),
            }
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
        ("POST", "domains") => with_body(request, |body: SeedBody| seed(shared, body)),
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

fn seed(shared: &Shared, body: SeedBody) -> Response {
    let mut ids = shared.seed_domains(body.count);
    for seed in &body.domains {
        match shared.seed_domain(seed) {
            Ok(id) => ids.push(id),
            Err(message) => return Response::message(422, &message),
        }
    }
    Response::json(200, &json!({ "ids": ids }))
}
