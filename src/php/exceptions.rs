//! The exception family PHP callers catch by type, and the one mapping from
//! the core's errors onto it.

use ext_php_rs::builders::ModuleBuilder;
use ext_php_rs::class::RegisteredClass;
use ext_php_rs::exception::PhpException;
use ext_php_rs::ffi;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendClassObject;
use ext_php_rs::zend::{ce, ClassEntry};

use crate::config::{ConstantSource, API_KEY, API_SECRET, TOKEN};
use crate::error::Error;
use crate::php::origin;
use crate::php::runtime::PhpConstants;
use crate::redact;

/// `\RuntimeException`, looked up in the compiler's class table: this runs at
/// module startup, before the executor's table exists. SPL, which defines the
/// class, is built into every PHP and starts before any shared extension.
fn runtime_exception() -> &'static ClassEntry {
    const NAME: &str = "runtimeexception";
    // SAFETY: the compiler globals are static in the engine; the class table is
    // checked for null, NAME is valid for its length, and internal class
    // entries live as long as the process.
    let found = unsafe {
        let table = ffi::ext_php_rs_compiler_globals()
            .as_ref()
            .map_or(std::ptr::null_mut(), |globals| globals.class_table);
        if table.is_null() {
            return ce::exception();
        }
        ffi::zend_hash_str_find_ptr_lc(table, NAME.as_ptr().cast(), NAME.len())
    };
    unsafe { found.cast::<ClassEntry>().as_ref() }.unwrap_or_else(ce::exception)
}

/// Base class of every exception the extension throws.
#[php_class]
#[php(name = "WuRunCloud\\RunCloudException")]
#[php(extends(ce = runtime_exception, stub = "\\RuntimeException"))]
#[derive(Default)]
pub struct RunCloudException;

/// Required constants are missing or invalid; the message names them, never their values.
#[php_class]
#[php(name = "WuRunCloud\\ConfigurationException")]
#[php(extends(RunCloudException))]
#[derive(Default)]
pub struct ConfigurationException;

/// A domain name was rejected before any request was made.
#[php_class]
#[php(name = "WuRunCloud\\InvalidDomainException")]
#[php(extends(RunCloudException))]
#[derive(Default)]
pub struct InvalidDomainException;

/// The operation would remove the web app's primary domain.
#[php_class]
#[php(name = "WuRunCloud\\ProtectedDomainException")]
#[php(extends(RunCloudException))]
#[derive(Default)]
pub struct ProtectedDomainException;

/// RunCloud answered with an error status: `getCode()` is the HTTP status and
/// the message carries RunCloud's own message.
#[php_class]
#[php(name = "WuRunCloud\\ApiException")]
#[php(extends(RunCloudException))]
#[derive(Default)]
pub struct ApiException;

#[php_impl]
impl ApiException {
    /// Whether the same call may succeed later (429 and 5xx); 4xx errors will not.
    pub fn is_retryable(self_: &mut ZendClassObject<ApiException>) -> bool {
        let status = exception_code(self_);
        u16::try_from(status).is_ok_and(|status| {
            Error::Api {
                status,
                message: String::new(),
            }
            .is_retryable()
        })
    }
}

/// RunCloud could not be reached or its answer could not be used: DNS, connect,
/// TLS, timeout, reset, an unreadable body, the call's deadline, or a domain
/// list that kept changing. `getKind()` tells which; all are worth a later retry.
#[php_class]
#[php(name = "WuRunCloud\\TransportException")]
#[php(extends(RunCloudException))]
#[derive(Default)]
pub struct TransportException;

/// `getCode()` of a TransportException, per kind.
const TRANSPORT_KINDS: [(i32, &str); 8] = [
    (1, "dns"),
    (2, "connect"),
    (3, "tls"),
    (4, "timeout"),
    (5, "reset"),
    (6, "response"),
    (7, "deadline"),
    (8, "unsettled"),
];

#[php_impl]
impl TransportException {
    /// `dns`, `connect`, `tls`, `timeout`, `reset`, `response` (an unreadable
    /// answer), `deadline` (`wu_runcloud.deadline` ran out) or `unsettled` (the
    /// domain list kept changing while it was read).
    pub fn get_kind(self_: &mut ZendClassObject<TransportException>) -> &'static str {
        let code = exception_code(self_);
        TRANSPORT_KINDS
            .iter()
            .find(|(kind_code, _)| i64::from(*kind_code) == code)
            .map_or("unknown", |(_, name)| name)
    }

    /// Always true: the network or RunCloud may be fine again later.
    pub fn is_retryable(&self) -> bool {
        true
    }
}

fn exception_code<T>(object: &ZendClassObject<T>) -> i64 {
    object
        .std
        .try_call_method("getCode", vec![])
        .ok()
        .and_then(|code| code.long())
        .unwrap_or(0)
}

fn transport_code(name: &str) -> i32 {
    TRANSPORT_KINDS
        .iter()
        .find(|(_, kind_name)| *kind_name == name)
        .map_or(0, |(code, _)| *code)
}

/// Removes every configured credential from `message`, whatever the error, as a
/// second line of defence behind the core, which never puts one there.
pub(crate) fn scrubbed(message: &str) -> String {
    let values: Vec<String> = [TOKEN, API_KEY, API_SECRET]
        .iter()
        .filter_map(|name| PhpConstants.constant(name))
        .filter(|value| value.len() >= 4)
        .collect();
    let values: Vec<&str> = values.iter().map(String::as_str).collect();
    redact::scrub(message, &values)
}

impl From<Error> for PhpException {
    fn from(error: Error) -> Self {
        let message = scrubbed(&error.to_string());
        let (code, class) = match &error {
            Error::Config(_) => (0, ConfigurationException::get_metadata().ce()),
            Error::InvalidDomain { .. } => (0, InvalidDomainException::get_metadata().ce()),
            Error::ProtectedDomain(_) => (0, ProtectedDomainException::get_metadata().ce()),
            Error::Api { status, .. } => (i32::from(*status), ApiException::get_metadata().ce()),
            Error::Transport { kind, .. } => (
                transport_code(kind.as_str()),
                TransportException::get_metadata().ce(),
            ),
            Error::InvalidResponse { .. } => (
                transport_code("response"),
                TransportException::get_metadata().ce(),
            ),
            Error::Unsettled(_) => (
                transport_code("unsettled"),
                TransportException::get_metadata().ce(),
            ),
        };
        let raised = origin::raised_here(class, &message, code);
        let exception = PhpException::new(message, code, class);
        match raised {
            Some(object) => exception.with_object(object),
            None => exception,
        }
    }
}

/// Registers the exception classes, parents first.
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .class::<RunCloudException>()
        .class::<ConfigurationException>()
        .class::<InvalidDomainException>()
        .class::<ProtectedDomainException>()
        .class::<ApiException>()
        .class::<TransportException>()
}
