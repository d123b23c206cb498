//! Where an exception was raised: file, line and trace.
//!
//! The engine's own exception constructor records them, but ext-php-rs gives
//! the classes it registers a constructor of its own, which does not. So the
//! extension builds its exception objects here and records the same facts with
//! the engine's functions, as PHP's `Exception` would.

use std::ffi::{c_char, c_int, CStr};

use once_cell::sync::Lazy;

use ext_php_rs::convert::IntoZval;
use ext_php_rs::ffi::{zend_class_entry, zend_object, zval};
use ext_php_rs::types::{ZendObject, Zval};
use ext_php_rs::zend::{ce, ClassEntry};

use crate::php::runtime;
use crate::php::symbols::engine_function;

/// `DEBUG_BACKTRACE_IGNORE_ARGS` of the engine.
const IGNORE_ARGS: c_int = 2;

/// The engine functions used here, looked up when first needed (see
/// [`crate::php::symbols`]).
struct Engine {
    update_property: UpdateProperty,
    executed_filename: ExecutedFilename,
    executed_lineno: ExecutedLineno,
    fetch_debug_backtrace: FetchDebugBacktrace,
}

type UpdateProperty = unsafe extern "C" fn(
    scope: *mut zend_class_entry,
    object: *mut zend_object,
    name: *const c_char,
    name_length: usize,
    value: *mut zval,
);
type ExecutedFilename = unsafe extern "C" fn() -> *const c_char;
type ExecutedLineno = unsafe extern "C" fn() -> u32;
type FetchDebugBacktrace =
    unsafe extern "C" fn(return_value: *mut zval, skip_last: c_int, options: c_int, limit: c_int);

static ENGINE: Lazy<Option<Engine>> = Lazy::new(|| {
    // SAFETY: each symbol is a ZEND_API function of PHP 8 with exactly the
    // signature declared in `Engine`; a missing one leaves the whole set unused.
    unsafe {
        Some(Engine {
            update_property: engine_function(c"zend_update_property")?,
            executed_filename: engine_function(c"zend_get_executed_filename")?,
            executed_lineno: engine_function(c"zend_get_executed_lineno")?,
            fetch_debug_backtrace: engine_function(c"zend_fetch_debug_backtrace")?,
        })
    }
});

/// An exception object of `class` with its message and code, and the file,
/// line and trace of the PHP code that called the extension.
pub fn raised_here(class: &'static ClassEntry, message: &str, code: i32) -> Option<Zval> {
    let engine = ENGINE.as_ref()?;
    let mut object = ZendObject::new(class);
    let target: *mut zend_object = &mut *object;
    engine.set(target, "message", text(message)?);
    engine.set(target, "code", number(i64::from(code)));
    engine.set(target, "file", text(&engine.executed_file())?);
    engine.set(target, "line", number(i64::from(engine.executed_line())));
    engine.set(target, "trace", engine.backtrace());
    object.into_zval(false).ok()
}

impl Engine {
    /// Writes a property declared by `\Exception`, in its scope, as the engine does.
    fn set(&self, object: *mut zend_object, name: &str, mut value: Zval) {
        let scope = std::ptr::from_ref(ce::exception()).cast_mut();
        // SAFETY: `object` is a live exception object, `name` is valid for its
        // length, and the engine copies `value` (adding a reference) before
        // `value` is dropped here.
        unsafe {
            (self.update_property)(scope, object, name.as_ptr().cast(), name.len(), &mut value)
        };
    }

    fn executed_file(&self) -> String {
        // SAFETY: the engine returns a NUL-terminated name that lives as long as
        // the running script ("[no active file]" outside one), or null.
        let name = unsafe { (self.executed_filename)() };
        if name.is_null() {
            return String::new();
        }
        unsafe { CStr::from_ptr(name) }
            .to_string_lossy()
            .into_owned()
    }

    fn executed_line(&self) -> u32 {
        // SAFETY: reads the executor's current line; 0 outside a script.
        unsafe { (self.executed_lineno)() }
    }

    /// The trace, with or without arguments as `zend.exception_ignore_args` says.
    fn backtrace(&self) -> Zval {
        let options = if runtime::ini_flag("zend.exception_ignore_args") {
            IGNORE_ARGS
        } else {
            0
        };
        let mut trace = Zval::new();
        // SAFETY: `trace` is an empty zval the engine fills with an array.
        unsafe { (self.fetch_debug_backtrace)(&mut trace, 0, options, 0) };
        trace
    }
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
