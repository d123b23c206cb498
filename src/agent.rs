//! The process's HTTP agent: keep-alive connections shared by every call.

use once_cell::sync::Lazy;
use ureq::Agent;

/// One agent per PHP process: connections stay alive across calls.
/// Redirects are refused so the Authorization header never follows one.
static AGENT: Lazy<Agent> = Lazy::new(|| {
    Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_idle_connections_per_host(16)
        .user_agent(concat!("wu-runcloud/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
});

/// The agent every request goes through.
pub(crate) fn agent() -> Agent {
    AGENT.clone()
}
