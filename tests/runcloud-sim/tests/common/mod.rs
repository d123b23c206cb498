//! What the simulator's integration tests share: a small HTTP client that never treats a
//! status as an error, the credentials of both API versions, and a raw socket for faults
//! that no HTTP client could describe.

// Each test file compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use runcloud_sim::{SimConfig, Simulator};
use serde_json::{json, Value};

/// Generous for a loopback call, short enough that a hung test fails instead of stalling.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// The default credentials of [`SimConfig::new`].
pub const TOKEN: &str = "test-token";
pub const API_KEY: &str = "test-key";
pub const API_SECRET: &str = "test-secret";

/// A simulator with the defaults but no rate limit, so tests count only what they mean to.
pub fn start(config: SimConfig) -> Simulator {
    Simulator::start(config.rate_limit(0)).expect("the simulator starts")
}

/// The Authorization header a request carries.
#[derive(Debug, Clone)]
pub enum Auth {
    None,
    Bearer(String),
    Basic(String, String),
    /// Sent verbatim.
    Header(String),
}

impl Auth {
    pub fn v3() -> Auth {
        Auth::Bearer(TOKEN.into())
    }

    pub fn v2() -> Auth {
        Auth::Basic(API_KEY.into(), API_SECRET.into())
    }

    fn header(&self) -> Option<String> {
        match self {
            Auth::None => None,
            Auth::Bearer(token) => Some(format!("Bearer {token}")),
            Auth::Basic(key, secret) => Some(format!(
                "Basic {}",
                base64(format!("{key}:{secret}").as_bytes())
            )),
            Auth::Header(value) => Some(value.clone()),
        }
    }
}

/// One answer: status, headers and the body parsed as JSON (null when it is not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub text: String,
    pub body: Value,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// A header that must be there, as a number.
    pub fn number_header(&self, name: &str) -> u64 {
        self.header(name)
            .unwrap_or_else(|| panic!("no {name} header in {self:?}"))
            .parse()
            .unwrap_or_else(|_| panic!("{name} is not a number in {self:?}"))
    }
}

/// An HTTP client for one simulator and one credential.
pub struct Client {
    agent: ureq::Agent,
    base: String,
    auth: Auth,
}

impl Client {
    /// A client of `base_url` (plain HTTP, or HTTPS trusting the usual public roots).
    pub fn new(base_url: &str, auth: Auth) -> Client {
        Client::with_agent(agent(None), base_url, auth)
    }

    pub fn with_agent(agent: ureq::Agent, base_url: &str, auth: Auth) -> Client {
        Client {
            agent,
            base: base_url.trim_end_matches('/').to_string(),
            auth,
        }
    }

    /// A v3 client of the simulator's web app: paths are relative to `APP`.
    pub fn v3(sim: &Simulator) -> Client {
        Client::new(&sim.app_url("v3"), Auth::v3())
    }

    /// A v2 client of the simulator's web app.
    pub fn v2(sim: &Simulator) -> Client {
        Client::new(&sim.app_url("v2"), Auth::v2())
    }

    /// A client of the simulator's root, for `/api/...` and `/__sim/...` paths.
    pub fn root(sim: &Simulator, auth: Auth) -> Client {
        Client::new(sim.base_url(), auth)
    }

    pub fn get(&self, path: &str) -> Answer {
        self.call("GET", path, None)
    }

    pub fn delete(&self, path: &str) -> Answer {
        self.call("DELETE", path, None)
    }

    pub fn post(&self, path: &str, body: Value) -> Answer {
        self.call("POST", path, Some(body))
    }

    pub fn put(&self, path: &str) -> Answer {
        self.call("PUT", path, None)
    }

    pub fn patch(&self, path: &str, body: Value) -> Answer {
        self.call("PATCH", path, Some(body))
    }

    /// Calls `path` (relative to the base, or absolute), panicking only on a transport error.
    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> Answer {
        self.try_call(method, path, body)
            .unwrap_or_else(|error| panic!("{method} {path} failed: {error}"))
    }

    pub fn try_call(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<Answer, ureq::Error> {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.base)
        };
        let mut request = ureq::http::Request::builder()
            .method(method)
            .uri(&url)
            .header("Accept", "application/json");
        if let Some(value) = self.auth.header() {
            request = request.header("Authorization", value);
        }
        let response = match body {
            Some(json) => self.agent.run(
                request
                    .header("Content-Type", "application/json")
                    .body(json.to_string())
                    .expect("a valid request"),
            ),
            // An empty string rather than no body: ureq then sends `Content-Length: 0`
            // on PUT and POST instead of a chunked body, which the simulator refuses (411).
            None if matches!(method, "PUT" | "POST" | "PATCH") => self
                .agent
                .run(request.body(String::new()).expect("a valid request")),
            None => self.agent.run(request.body(()).expect("a valid request")),
        }?;
        read_answer(response)
    }
}

fn read_answer(mut response: ureq::http::Response<ureq::Body>) -> Result<Answer, ureq::Error> {
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_string(),
                value.to_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let text = response.body_mut().read_to_string()?;
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Ok(Answer {
        status,
        headers,
        text,
        body,
    })
}

/// An agent that reports every status as an answer, ignores proxy settings (the simulator is
/// on loopback) and trusts `root_pem` when given instead of the public roots.
pub fn agent(root_pem: Option<&str>) -> ureq::Agent {
    agent_with_timeout(root_pem, CALL_TIMEOUT)
}

pub fn agent_with_timeout(root_pem: Option<&str>, timeout: Duration) -> ureq::Agent {
    let mut config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(timeout));
    if let Some(pem) = root_pem {
        let root = ureq::tls::Certificate::from_pem(pem.as_bytes()).expect("a PEM certificate");
        let tls = ureq::tls::TlsConfig::builder()
            .root_certs(ureq::tls::RootCerts::new_with_certs(&[root]))
            .build();
        config = config.tls_config(tls);
    }
    config.build().into()
}

/// Standard base64 with padding, for HTTP Basic.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut text = String::new();
    for chunk in bytes.chunks(3) {
        let value = chunk.iter().enumerate().fold(0u32, |acc, (index, byte)| {
            acc | u32::from(*byte) << (16 - 8 * index)
        });
        for position in 0..4 {
            if position <= chunk.len() {
                text.push(ALPHABET[(value >> (18 - 6 * position) & 63) as usize] as char);
            } else {
                text.push('=');
            }
        }
    }
    text
}

/// Sends `request` as is over a fresh connection and returns every byte received until the
/// server closes it (or `timeout` passes without a byte).
pub fn raw_exchange(addr: SocketAddr, request: &str, timeout: Duration) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).expect("connects");
    stream.set_read_timeout(Some(timeout)).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut received = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return received,
            Ok(count) => received.extend_from_slice(&chunk[..count]),
        }
    }
}

/// A GET of `path` with the default bearer token that asks the server to close afterwards.
pub fn raw_get(path: &str) -> String {
    format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\nConnection: close\r\n\r\n"
    )
}

/// Splits a raw response into its head and body.
pub fn split_response(bytes: &[u8]) -> (String, Vec<u8>) {
    let end = bytes
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .expect("a complete response head");
    (
        String::from_utf8_lossy(&bytes[..end]).into_owned(),
        bytes[end + 4..].to_vec(),
    )
}

/// The names of every domain of the web app, in the simulator's order.
pub fn domain_names(sim: &Simulator) -> Vec<String> {
    sim.state()
        .domains
        .iter()
        .map(|domain| domain.name.clone())
        .collect()
}

/// The keys of a JSON object (panics on anything else), for exact field-set checks.
pub fn keys(object: &Value) -> BTreeSet<&str> {
    object
        .as_object()
        .expect("a JSON object")
        .keys()
        .map(String::as_str)
        .collect()
}

/// The body of a live Let's Encrypt install over `http-01`, as a client sends it.
pub fn letsencrypt() -> Value {
    json!({"provider": "letsencrypt", "enableHttp": false, "enableHsts": false,
        "authorizationMethod": "http-01", "environment": "live"})
}

/// Adds `name` as an alias without `www` through the API; returns its id.
pub fn add(client: &Client, name: &str) -> u64 {
    let answer = client.post(
        "/domains",
        json!({"name": name, "www": false, "redirection": "none", "type": "alias"}),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body["id"].as_u64().unwrap()
}
