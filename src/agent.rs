//! The process's HTTP agents: keep-alive connections shared by every call.
//!
//! A proxy is used only when configured (`wu_runcloud.proxy`), never from the
//! environment: under CGI a request header `Proxy:` becomes `HTTP_PROXY`
//! ("httpoxy"), so reading the environment would let a visitor route the
//! credentials through a host of their choosing.

use std::sync::Mutex;

use ureq::{Agent, Proxy};

use crate::client::lock;

/// The agent last built, and the proxy it was built for.
static AGENT: Mutex<Option<(Option<String>, Agent)>> = Mutex::new(None);

/// The agent for requests through `proxy` (none: direct). One per process while
/// the setting stays the same, so connections stay alive across calls.
pub(crate) fn agent(proxy: Option<&str>) -> Agent {
    let mut cached = lock(&AGENT);
    if let Some((built_for, agent)) = cached.as_ref() {
        if built_for.as_deref() == proxy {
            return agent.clone();
        }
    }
    let agent = build(proxy);
    *cached = Some((proxy.map(str::to_string), agent.clone()));
    agent
}

/// Redirects are refused so the Authorization header never follows one.
fn build(proxy: Option<&str>) -> Agent {
    Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_idle_connections_per_host(16)
        // Explicitly set, replacing what ureq would read from the environment.
        .proxy(proxy.and_then(|url| Proxy::new(url).ok()))
        .user_agent(concat!("wu-runcloud/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}
