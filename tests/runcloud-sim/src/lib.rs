//! runcloud-sim: a stand-in for RunCloud's REST API (v2 and v3) on a loopback port.
//!
//! Faithful to the project's RunCloud reference: both authentication schemes, the web app's
//! domains with RunCloud's paging, both SSL modes with the names each certificate covers,
//! rate-limit headers and 429s, and failures on demand. Like RunCloud's API it is one
//! account: several servers and web apps (`--app SERVER:APP`) beside the primary one, each
//! with its own domains, SSL and certificates, sharing the credentials, the rate limit and
//! Let's Encrypt (`account.rs`). Every guess about behaviour RunCloud does not document
//! lives in `facts.rs`.
//!
//! Used as a library by Rust tests ([`Simulator`]) and as the `runcloud-sim` binary by the
//! PHP and WordPress suites, the demo and the benchmarks, which steer it through the control
//! API under `/__sim/` (see `control.rs`).

mod account;
mod api;
mod auth;
mod background;
mod clock;
mod config;
mod control;
mod dispatch;
mod dns;
mod domains;
mod facts;
mod faults;
mod http;
mod letsencrypt;
mod paging;
mod rate_limit;
mod request_log;
mod routes;
mod served;
mod server;
mod shared;
mod simulator;
mod ssl;
mod state;
mod tls;
mod validation;

pub use config::{AppRef, SimConfig, SslMode};
pub use dns::{DnsAnswer, DnsDump};
pub use domains::{DomainRecord, DomainType, Redirection};
pub use faults::{Fault, FaultKind};
pub use letsencrypt::{LetsEncryptDump, RefusedOrder};
pub use request_log::RequestRecord;
pub use shared::SslChange;
pub use simulator::{SimApp, Simulator};
pub use ssl::{CertificateRecord, IssueSettings};
pub use state::{Counters, DomainSeed, SslDump, StateDump};
