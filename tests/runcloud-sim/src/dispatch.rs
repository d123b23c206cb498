//! The path of one request: control or API; for the API, faults, latency, route,
//! credentials, rate limit, then the endpoint; and the log entry.

use std::time::Instant;

use crate::api::{self, Call};
use crate::auth::ApiVersion;
use crate::control;
use crate::facts;
use crate::faults::{Fault, FaultKind};
use crate::http::{Request, Response};
use crate::rate_limit::Verdict;
use crate::request_log::RequestRecord;
use crate::routes::{addressed_app, resolve, split_api_path, Endpoint, NoRoute};
use crate::server::Reply;
use crate::shared::{Shared, World};

const CONTROL_PREFIX: &str = "/__sim/";

/// Answers any request to the listener.
pub(crate) fn dispatch(shared: &Shared, request: &Request) -> Reply {
    if request.path.starts_with(CONTROL_PREFIX) {
        return Reply::Send(control::handle(shared, request));
    }
    match split_api_path(&request.path) {
        Some((version, segments)) => api_request(shared, version, &segments, request),
        None => Reply::Send(Response::message(404, facts::ROUTE_NOT_FOUND)),
    }
}

fn api_request(
    shared: &Shared,
    version: ApiVersion,
    segments: &[&str],
    request: &Request,
) -> Reply {
    let addressed = addressed_app(segments);
    let mut record = RequestRecord::new(request, Some(version.as_str()), addressed);
    let (fault, latency) = {
        let mut world = shared.world();
        world.counters.api_requests += 1;
        if let Some((app, _)) = addressed.and_then(|at| world.app_mut(at)) {
            app.counters.app_requests += 1;
        }
        let target = format!("{}?{}", request.path, request.query);
        let now = world.account.clock.instant();
        let fault = world.faults.take(&request.method, &target, addressed, now);
        if let Some(fault) = &fault {
            world.counters.faults_applied += 1;
            record.fault = Some(fault.kind.as_str().to_string());
        }
        (fault, world.latency)
    };
    if !latency.is_zero() && !shared.stop.sleep(latency) {
        return Reply::Drop;
    }
    if let Some(reply) = fault
        .as_ref()
        .filter(|fault| !fault.applied)
        .and_then(|fault| replace_request(shared, fault, &mut record))
    {
        return reply;
    }
    let mut world = shared.world();
    if fault.as_ref().is_some_and(|f| f.kind == FaultKind::Churn) {
        // Another client adds a domain to the web app addressed (the primary for a ping).
        let at = addressed
            .filter(|at| world.app(*at).is_some())
            .unwrap_or(shared.primary());
        if let Some((app, account)) = world.app_mut(at) {
            app.seed_numbered(1, account);
        }
    }
    let response = answer(shared, &mut world, version, segments, request);
    record.status = Some(response.status);
    world.log.push(record);
    match fault {
        Some(fault) if fault.kind == FaultKind::Hang => {
            Reply::SendAfter(response, fault.hang_delay())
        }
        Some(fault) if fault.kind == FaultKind::Truncated => Reply::Truncate(response),
        // Carried out above; now the answer is lost or replaced.
        Some(fault) if fault.applied && fault.kind == FaultKind::Drop => Reply::Drop,
        Some(fault) if fault.applied => {
            Reply::Send(fault.replacement_response().unwrap_or(response))
        }
        _ => Reply::Send(response),
    }
}

/// The reply of a fault that stands in for the request (it is then not carried out).
fn replace_request(shared: &Shared, fault: &Fault, record: &mut RequestRecord) -> Option<Reply> {
    let reply = match fault.kind {
        FaultKind::Drop => Reply::Drop,
        FaultKind::Status | FaultKind::MalformedJson => {
            let response = fault.replacement_response()?;
            record.status = Some(response.status);
            Reply::Send(response)
        }
        FaultKind::Hang | FaultKind::Truncated | FaultKind::Churn => return None,
    };
    shared.world().log.push(record.clone());
    Some(reply)
}

/// RunCloud's answer, with the rate-limit headers.
fn answer(
    shared: &Shared,
    world: &mut World,
    version: ApiVersion,
    segments: &[&str],
    request: &Request,
) -> Response {
    let now = Instant::now();
    let endpoint = match resolve(version, &request.method, segments) {
        Ok(endpoint) => endpoint,
        Err(NoRoute::NotFound) => {
            return world
                .limiter
                .peek(now)
                .annotate(Response::message(404, facts::ROUTE_NOT_FOUND))
        }
        Err(NoRoute::MethodNotAllowed(allowed)) => {
            let response =
                Response::message(405, facts::METHOD_NOT_ALLOWED).with_header("Allow", allowed);
            return world.limiter.peek(now).annotate(response);
        }
    };
    if !shared.credentials.accepts(version, request) {
        world.counters.unauthenticated += 1;
        return world
            .limiter
            .peek(now)
            .annotate(Response::message(401, facts::UNAUTHENTICATED));
    }
    let verdict = world.limiter.take(now);
    if let Verdict::Limited { .. } = verdict {
        world.counters.rate_limited += 1;
        return verdict.annotate(Response::message(429, facts::TOO_MANY_ATTEMPTS));
    }
    let response = match endpoint {
        Endpoint::Ping => api::ping(),
        Endpoint::App {
            server,
            app,
            action,
        } => match api::locate(&world.apps, &server, &app) {
            Ok(index) => {
                let call = Call {
                    body: serde_json::from_slice(&request.body).unwrap_or_default(),
                    page: request.query_param("page"),
                    per_page: request.query_param("perPage"),
                    search: request
                        .query_param("search")
                        .filter(|_| world.search_filters),
                    origin: origin(shared, request),
                    path: &request.path,
                };
                let World { apps, account, .. } = world;
                api::handle(&mut apps[index], account, action, &call)
            }
            Err(not_found) => not_found,
        },
    };
    verdict.annotate(response)
}

/// `scheme://host` as the client addressed us (Laravel builds its links from the Host header),
/// or the listening address for a request without one (HTTP/1.0).
fn origin(shared: &Shared, request: &Request) -> String {
    match request.header("Host") {
        Some(host) => format!("{}://{}", shared.scheme, host),
        None => format!("{}://{}", shared.scheme, shared.local_addr),
    }
}
