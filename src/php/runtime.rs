//! What the core needs from the running PHP: constants and php.ini values,
//! read at call time because wp-config.php defines the constants after the
//! extension has loaded.

use std::time::Duration;

use ext_php_rs::flags::IniEntryPermission;
use ext_php_rs::types::{ZendCallable, Zval};
use ext_php_rs::zend::{IniEntryDef, IniEntryDefs};

use crate::config::{Config, ConstantSource, Limits};
use crate::error::Result;

/// Seconds for one whole HTTP request.
pub const INI_TIMEOUT: &str = "wu_runcloud.timeout";
/// Seconds to establish a connection.
pub const INI_CONNECT_TIMEOUT: &str = "wu_runcloud.connect_timeout";
/// Retries of a retryable failure within one call.
pub const INI_MAX_RETRIES: &str = "wu_runcloud.max_retries";
/// Seconds of waiting between retries allowed within one call.
pub const INI_MAX_RETRY_WAIT: &str = "wu_runcloud.max_retry_wait";

/// The php.ini table; the engine borrows it for the life of the process.
pub static INI_ENTRIES: IniEntryDefs<5> = IniEntryDefs::new([
    IniEntryDef::new(c"wu_runcloud.timeout", c"30", IniEntryPermission::All),
    IniEntryDef::new(
        c"wu_runcloud.connect_timeout",
        c"10",
        IniEntryPermission::All,
    ),
    IniEntryDef::new(c"wu_runcloud.max_retries", c"3", IniEntryPermission::All),
    IniEntryDef::new(
        c"wu_runcloud.max_retry_wait",
        c"20",
        IniEntryPermission::All,
    ),
    IniEntryDef::end(),
]);

/// PHP's constant table, through `defined()` and `constant()`.
pub struct PhpConstants;

impl ConstantSource for PhpConstants {
    fn constant(&self, name: &str) -> Option<String> {
        let defined = call("defined", name)?;
        if !defined.is_true() {
            return None;
        }
        scalar_to_string(&call("constant", name)?)
    }
}

fn call(function: &str, argument: &str) -> Option<Zval> {
    ZendCallable::try_from_name(function)
        .ok()?
        .try_call(vec![&argument])
        .ok()
}

/// Integers (ids are often written unquoted) and strings; anything else is unusable.
fn scalar_to_string(value: &Zval) -> Option<String> {
    if let Some(text) = value.string() {
        return Some(text);
    }
    value.long().map(|number| number.to_string())
}

/// The limits in force, from php.ini (each falls back to its default when unreadable).
pub fn limits() -> Limits {
    let defaults = Limits::default();
    let seconds = |name, default: Duration| {
        ini_number(name).map_or(default, |s| Duration::from_secs(s.max(1)))
    };
    Limits {
        timeout: seconds(INI_TIMEOUT, defaults.timeout),
        connect_timeout: seconds(INI_CONNECT_TIMEOUT, defaults.connect_timeout),
        max_retries: ini_number(INI_MAX_RETRIES).map_or(defaults.max_retries, |n| {
            u32::try_from(n.min(10)).unwrap_or(0)
        }),
        max_retry_wait: ini_number(INI_MAX_RETRY_WAIT)
            .map_or(defaults.max_retry_wait, Duration::from_secs),
    }
}

fn ini_number(name: &str) -> Option<u64> {
    call("ini_get", name)?.string()?.trim().parse().ok()
}

/// The configuration as the constants define it right now.
pub fn config() -> Result<Config> {
    Config::from_constants(&PhpConstants, limits())
}
