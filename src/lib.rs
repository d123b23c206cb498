//! wu_runcloud: a native RunCloud client for Ultimate Multisite, as a PHP extension.
//!
//! The core (configuration, domain names, the RunCloud client and the
//! operations) is plain Rust with no PHP types and is tested by `cargo test`.
//! The `php` module is the thin layer PHP sees.

mod agent;
mod app;
pub mod client;
pub mod config;
pub mod domain_name;
pub mod error;
mod listing;
pub mod model;
pub mod operations;
pub mod public_suffix;
mod rate_limit;
pub mod redact;
mod ssl;
pub mod sync;
mod transport;
mod util;
mod workers;

#[cfg(not(test))]
mod php;

pub use app::App;
pub use client::Client;
pub use config::{ApiVersion, Config, ConstantSource, Credentials, Limits};
pub use domain_name::DomainName;
pub use error::{Error, Result, TransportKind};

#[cfg(not(test))]
use ext_php_rs::prelude::*;

/// The extension's version, also `phpversion('wu_runcloud')`.
#[cfg(not(test))]
#[php_const]
pub const WU_RUNCLOUD_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg(not(test))]
fn startup(_kind: i32, module_number: i32) -> i32 {
    ext_php_rs::zend::IniEntryDef::register(php::runtime::INI_ENTRIES.as_slice(), module_number);
    0
}

#[cfg(not(test))]
#[php_module]
#[php(startup = "startup")]
pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
    let module = module.constant(wrap_constant!(WU_RUNCLOUD_VERSION));
    php::register(module)
}
