//! What the core needs from the running PHP: constants and php.ini values,
//! read at call time because wp-config.php defines the constants after the
//! extension has loaded.

use std::ffi::{c_int, c_void, CStr};
use std::time::Duration;

use ext_php_rs::ffi::{zend_ini_entry, zend_string};
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

/// Seconds one whole extension call may take, every attempt, pause and page included.
pub const INI_DEADLINE: &str = "wu_runcloud.deadline";

/// An HTTP(S) proxy URL for every request; empty (the default) for none. The
/// environment (HTTP_PROXY and the like) is never read.
pub const INI_PROXY: &str = "wu_runcloud.proxy";

/// 1: a 429 waits for the next rate-limit window even past `max_retry_wait`
/// (never past `wu_runcloud.deadline`).
pub const INI_PACE_ACROSS_WINDOWS: &str = "wu_runcloud.pace_across_windows";

/// The php.ini table; the engine borrows it for the life of the process.
pub static INI_ENTRIES: IniEntryDefs<8> = IniEntryDefs::new([
    whole_seconds(c"wu_runcloud.timeout", c"30"),
    whole_seconds(c"wu_runcloud.connect_timeout", c"10"),
    whole_seconds(c"wu_runcloud.max_retries", c"3"),
    whole_seconds(c"wu_runcloud.max_retry_wait", c"20"),
    whole_seconds(c"wu_runcloud.deadline", c"45"),
    // Where requests, and so the credentials, go: php.ini (or the FPM pool's
    // php_admin_value) only, never `ini_set()` from a plugin or `.user.ini`.
    IniEntryDef {
        on_modify: Some(accept_proxy_url),
        ..IniEntryDef::new(c"wu_runcloud.proxy", c"", IniEntryPermission::System)
    },
    whole_seconds(c"wu_runcloud.pace_across_windows", c"0"),
    IniEntryDef::end(),
]);

/// An entry holding a non-negative whole number. The engine only restores
/// entries that have a modify handler (`ini_restore()`), and the handler also
/// lets `ini_set()` refuse a value that is not a number.
const fn whole_seconds(name: &'static CStr, default: &'static CStr) -> IniEntryDef {
    IniEntryDef {
        on_modify: Some(accept_whole_number),
        ..IniEntryDef::new(name, default, IniEntryPermission::All)
    }
}

/// A modify handler: `SUCCESS` (0) when `accept` takes the new value
/// (trimmed), `FAILURE` (-1) otherwise, so `ini_set()` refuses it.
macro_rules! ini_check {
    ($name:ident, $accept:expr) => {
        unsafe extern "C" fn $name(
            _entry: *mut zend_ini_entry,
            new_value: *mut zend_string,
            _arg1: *mut c_void,
            _arg2: *mut c_void,
            _arg3: *mut c_void,
            _stage: c_int,
        ) -> c_int {
            // SAFETY: the engine passes the new value as a live string, or null.
            let text = unsafe { new_value.as_ref() }.map_or(&[][..], |value| value.as_bytes());
            let accept: fn(&str) -> bool = $accept;
            match std::str::from_utf8(text) {
                Ok(value) if accept(value.trim()) => 0,
                _ => -1,
            }
        }
    };
}

ini_check!(accept_whole_number, |n| n.parse::<u64>().is_ok());
ini_check!(accept_proxy_url, |url| url.is_empty()
    || ureq::Proxy::new(url).is_ok());

/// PHP's constant table, read in place: no PHP function call per constant.
pub struct PhpConstants;

impl ConstantSource for PhpConstants {
    fn constant(&self, name: &str) -> Option<String> {
        let Some(lookup) = *engine::GET_CONSTANT else {
            return call("defined", name)
                .filter(Zval::is_true)
                .and_then(|_| call("constant", name))
                .and_then(|value| scalar_to_string(&value));
        };
        // SAFETY: called on the PHP thread during a request; the engine returns
        // the constant's own value (valid until the constant table changes, which
        // cannot happen while this Rust code runs) or null when undefined.
        let value = unsafe { lookup(name.as_ptr().cast(), name.len()) };
        scalar_to_string(unsafe { value.as_ref() }?)
    }
}

/// The engine's own lookups (`Zend/zend_constants.h`, `Zend/zend_ini.h`),
/// which ext-php-rs has no bindings for (see [`crate::php::symbols`]); a PHP
/// without them is served through PHP's own functions instead.
mod engine {
    use std::ffi::{c_char, c_int};

    use ext_php_rs::ffi::zval;
    use once_cell::sync::Lazy;

    use crate::php::symbols::engine_function;

    pub type GetConstant = unsafe extern "C" fn(name: *const c_char, name_len: usize) -> *mut zval;
    pub type IniString = unsafe extern "C" fn(
        name: *const c_char,
        name_length: usize,
        orig: c_int,
        exists: *mut bool,
    ) -> *mut c_char;

    // SAFETY (both): the symbol is the engine's function of this signature.
    pub static GET_CONSTANT: Lazy<Option<GetConstant>> =
        Lazy::new(|| unsafe { engine_function(c"zend_get_constant_str") });
    pub static INI_STRING: Lazy<Option<IniString>> =
        Lazy::new(|| unsafe { engine_function(c"zend_ini_string_ex") });
}

/// The current value of a php.ini entry, `None` when no such entry exists.
fn ini_get(name: &str) -> Option<String> {
    let Some(lookup) = *engine::INI_STRING else {
        return call("ini_get", name).and_then(|value| value.string());
    };
    let mut exists = false;
    // SAFETY: called on the PHP thread; the engine returns the entry's current
    // value as a NUL-terminated string it owns (copied at once), or null.
    let value = unsafe { lookup(name.as_ptr().cast(), name.len(), 0, &mut exists) };
    if !exists || value.is_null() {
        return None;
    }
    Some(
        unsafe { CStr::from_ptr(value) }
            .to_string_lossy()
            .into_owned(),
    )
}

/// A PHP function called with one string.
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

/// The limits in force, from php.ini (each falls back to its default when
/// unreadable, and is clamped to what the core accepts).
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
        deadline: seconds(INI_DEADLINE, defaults.deadline),
    }
    .clamped()
}

/// A boolean php.ini setting ("1", "On", "yes", "true").
pub fn ini_flag(name: &str) -> bool {
    ini_get(name).is_some_and(|value| {
        matches!(
            value.trim().to_ascii_lowercase().as_str(),
            "1" | "on" | "yes" | "true"
        )
    })
}

fn ini_number(name: &str) -> Option<u64> {
    ini_get(name)?.trim().parse().ok()
}

/// Whether calls wait for the next rate-limit window (`wu_runcloud.pace_across_windows`).
pub fn pace_across_windows() -> bool {
    ini_number(INI_PACE_ACROSS_WINDOWS).is_some_and(|n| n > 0)
}

/// The configuration as the constants define it right now.
pub fn config() -> Result<Config> {
    Config::from_constants(&PhpConstants, limits())?.with_proxy(proxy().as_deref())
}

/// The configured proxy URL, if any.
pub fn proxy() -> Option<String> {
    ini_get(INI_PROXY).filter(|url| !url.trim().is_empty())
}
