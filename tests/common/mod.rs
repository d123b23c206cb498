//! Shared set-up of the integration tests: a simulator, a client configured the
//! way the PHP layer would configure it, and readable views of what was sent.

// Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::collections::HashMap;
use std::time::Duration;

use runcloud_sim::{RequestRecord, SimConfig, Simulator};
use wu_runcloud::config::{API_KEY, API_SECRET, API_URL, APP_ID, SERVER_ID, TOKEN};
use wu_runcloud::{Client, Config, ConstantSource, Limits};

/// The credentials the simulator accepts by default.
pub const SIM_TOKEN: &str = "test-token";
pub const SIM_KEY: &str = "test-key";
pub const SIM_SECRET: &str = "test-secret";

/// Constants held in a map, standing in for PHP's constant table.
#[derive(Debug, Clone, Default)]
pub struct Constants(HashMap<&'static str, String>);

impl Constants {
    pub fn of(pairs: &[(&'static str, &str)]) -> Self {
        Constants(pairs.iter().map(|(k, v)| (*k, v.to_string())).collect())
    }

    pub fn with(mut self, name: &'static str, value: &str) -> Self {
        self.0.insert(name, value.to_string());
        self
    }

    pub fn without(mut self, name: &'static str) -> Self {
        self.0.remove(name);
        self
    }
}

impl ConstantSource for Constants {
    fn constant(&self, name: &str) -> Option<String> {
        self.0.get(name).cloned()
    }
}

/// Which credentials, and so which API version, a client uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// API v3 with a bearer token.
    V3,
    /// API v2 with a key and secret.
    V2,
}

impl Auth {
    pub const BOTH: [Auth; 2] = [Auth::V3, Auth::V2];

    /// `"v3"` or `"v2"`, as the paths carry it.
    pub fn version(self) -> &'static str {
        match self {
            Auth::V3 => "v3",
            Auth::V2 => "v2",
        }
    }
}

/// Short bounds so a failing case costs well under a second; enough retries
/// that a retryable fault injected once or twice is always absorbed.
pub fn fast_limits() -> Limits {
    Limits {
        timeout: Duration::from_millis(1500),
        connect_timeout: Duration::from_millis(500),
        max_retries: 3,
        max_retry_wait: Duration::from_secs(3),
        deadline: Duration::from_secs(20),
    }
}

/// A simulator without a rate limit, unless the test sets one.
pub fn start(config: SimConfig) -> Simulator {
    Simulator::start(config.rate_limit(0)).expect("the simulator starts on loopback")
}

/// The constants for `sim` with the default credentials of `auth`.
pub fn constants_for(sim: &Simulator, auth: Auth) -> Constants {
    let base = Constants::of(&[(SERVER_ID, "1"), (APP_ID, "1"), (API_URL, sim.base_url())]);
    match auth {
        Auth::V3 => base.with(TOKEN, SIM_TOKEN),
        Auth::V2 => base.with(API_KEY, SIM_KEY).with(API_SECRET, SIM_SECRET),
    }
}

/// A client for `sim` with `auth` and [`fast_limits`].
pub fn client(sim: &Simulator, auth: Auth) -> Client {
    client_from(&constants_for(sim, auth), fast_limits())
}

pub fn client_from(constants: &Constants, limits: Limits) -> Client {
    Client::new(
        Config::from_constants(constants, limits).expect("the test configuration is complete"),
    )
}

/// Each request as `METHOD path?query`, with `/api/vN/servers/1/webapps/1`
/// written `APP` as the RunCloud reference does, and `/api/vN` dropped.
pub fn calls(sim: &Simulator) -> Vec<String> {
    sim.requests().iter().map(describe).collect()
}

pub fn describe(record: &RequestRecord) -> String {
    let path = match record.path.split_once("/servers/1/webapps/1") {
        Some((_, rest)) => format!("APP{rest}"),
        None => ["/api/v3", "/api/v2"]
            .iter()
            .find_map(|prefix| record.path.strip_prefix(prefix))
            .unwrap_or(&record.path)
            .to_string(),
    };
    if record.query.is_empty() {
        format!("{} {path}", record.method)
    } else {
        format!("{} {path}?{}", record.method, record.query)
    }
}

/// How many requests were sent with `method` to a path containing `fragment`.
pub fn count(sim: &Simulator, method: &str, fragment: &str) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.method == method && format!("{}?{}", r.path, r.query).contains(fragment))
        .count()
}

/// Every request used the API version of `auth`.
pub fn assert_version(sim: &Simulator, auth: Auth) {
    for record in sim.requests() {
        assert_eq!(
            record.api_version.as_deref(),
            Some(auth.version()),
            "{record:?}"
        );
    }
}

/// How often the web app lists `name` (a duplicate would show as 2).
pub fn occurrences(sim: &Simulator, name: &str) -> usize {
    sim.state()
        .domains
        .iter()
        .filter(|d| d.name == name)
        .count()
}
