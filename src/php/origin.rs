//! Where an exception was raised: file, line and trace.
//!
//! The engine's own exception constructor records them, but ext-php-rs gives
//! the classes it registers a constructor of its own, which does not. So the
//! extension builds its exception objects here and records the same facts with
//! the engine's functions, as PHP's `Exception` would.

use std::ffi::{c_char, c_int, CStr};

use ext_php_rs::convert::IntoZval;
use ext_php_rs::ffi::{zend_class_entry, zend_object, zval};
use ext_php_rs::types::{ZendObject, Zval};
use ext_php_rs::zend::{ce, ClassEntry};

use crate::php::runtime;

/// `DEBUG_BACKTRACE_IGNORE_ARGS` of the engine.
const IGNORE_ARGS: c_int = 2;

extern "C" {
    fn zend_update_property(
        scope: *mut zend_class_entry,
        object: *mut zend_object,
        name: *const c_char,
        name_length: usize,
        value: *mut zval,
    );
    fn zend_get_executed_filename() -> *const c_char;
    fn zend_get_executed_lineno() -> u32;
    fn zend_fetch_debug_backtrace(
        return_value: *mut zval,
        skip_last: c_int,
        options: c_int,
        limit: c_int,
    );
}

/// An exception object of `class` with its message and code, and the file,
/// line and trace of the PHP code that called the extension.
pub fn raised_here(class: &'static ClassEntry, message: &str, code: i32) -> Option<Zval> {
    let mut object = ZendObject::new(class);
    let target: *mut zend_object = &mut *object;
    set(target, "message", text(message)?);
    set(target, "code", number(i64::from(code)));
    set(target, "file", text(&executed_file())?);
    set(target, "line", number(i64::from(executed_line())));
    set(target, "trace", backtrace());
    object.into_zval(false).ok()
}

/// Writes a property declared by `\Exception`, in its scope, as the engine does.
fn set(object: *mut zend_object, name: &str, mut value: Zval) {
    let scope = std::ptr::from_ref(ce::exception()).cast_mut();
    // SAFETY: `object` is a live exception object, `name` is valid for its
    // length, and the engine copies `value` (adding a reference) before `value`
    // is dropped here.
    unsafe { zend_update_property(scope, object, name.as_ptr().cast(), name.len(), &mut value) };
}

fn text(value: &str) -> Option<Zval> {
    let mut zval = Zval::new();
    zval.set_string(value, false).ok()?;
    Some(zval)
}

fn number(value: i64) -> Zval {
    let mut zval = Zval::new();
    zval.set_long(value);
    zval
}

fn executed_file() -> String {
    // SAFETY: the engine returns a NUL-terminated name that lives as long as the
    // running script ("[no active file]" outside one), or null.
    let name = unsafe { zend_get_executed_filename() };
    if name.is_null() {
        return String::new();
    }
    unsafe { CStr::from_ptr(name) }
        .to_string_lossy()
        .into_owned()
}

fn executed_line() -> u32 {
    // SAFETY: reads the executor's current line; 0 outside a script.
    unsafe { zend_get_executed_lineno() }
}

/// The trace, with or without arguments as `zend.exception_ignore_args` says.
fn backtrace() -> Zval {
    let options = if runtime::ini_flag("zend.exception_ignore_args") {
        IGNORE_ARGS
    } else {
        0
    };
    let mut trace = Zval::new();
    // SAFETY: `trace` is an empty zval the engine fills with an array.
    unsafe { zend_fetch_debug_backtrace(&mut trace, 0, options, 0) };
    trace
}
