//! The `php --ri wu_runcloud` / phpinfo() table: what is configured, never a value.

use ext_php_rs::zend::ModuleEntry;
use ext_php_rs::{info_table_end, info_table_row, info_table_start};

use crate::config::Diagnostics;
use crate::php::runtime::{self, PhpConstants};

/// Prints the extension's phpinfo() section.
pub extern "C" fn module_info(_module: *mut ModuleEntry) {
    // Called by the engine outside a PHP function call: a panic must not unwind into C.
    let _ = std::panic::catch_unwind(print_table);
}

fn print_table() {
    let diagnostics = Diagnostics::read(&PhpConstants);
    let limits = runtime::limits();
    let api_version = diagnostics
        .api_version
        .map_or("not configured", |version| version.as_str());
    info_table_start!();
    info_table_row!("wu_runcloud support", "enabled");
    info_table_row!("version", env!("CARGO_PKG_VERSION"));
    info_table_row!("api version", api_version);
    info_table_row!("api base url", diagnostics.base_url.as_str());
    info_table_row!("timeout (s)", limits.timeout.as_secs().to_string());
    info_table_row!(
        "connect timeout (s)",
        limits.connect_timeout.as_secs().to_string()
    );
    info_table_row!("max retries", limits.max_retries.to_string());
    info_table_row!(
        "max retry wait (s)",
        limits.max_retry_wait.as_secs().to_string()
    );
    info_table_row!("deadline (s)", limits.deadline.as_secs().to_string());
    let proxy = if runtime::proxy().is_some() {
        "configured"
    } else {
        "none (the environment is never read)"
    };
    info_table_row!("proxy", proxy);
    for (name, defined) in &diagnostics.constants {
        info_table_row!(*name, if *defined { "defined" } else { "not defined" });
    }
    info_table_end!();
}
