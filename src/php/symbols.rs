//! The engine's functions that ext-php-rs has no bindings for, found in the
//! running PHP when first needed rather than linked: the library must also
//! load where PHP is absent (ext-php-rs's tools load it to describe it for the
//! stubs), and a PHP without one of them is served another way by the caller.

use std::ffi::{c_char, c_void, CStr};

extern "C" {
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
}

/// glibc's `RTLD_DEFAULT`: search the process's global symbols (PHP's included).
const RTLD_DEFAULT: *mut c_void = std::ptr::null_mut();

/// The process's function `name` as `F`, or `None` when there is no such symbol.
///
/// # Safety
///
/// `F` must be the `unsafe extern "C" fn` type of the symbol's real signature.
pub(crate) unsafe fn engine_function<F: Copy>(name: &CStr) -> Option<F> {
    const { assert!(size_of::<F>() == size_of::<*mut c_void>()) };
    // SAFETY: `name` is NUL-terminated; dlsym only reads it.
    let address = unsafe { dlsym(RTLD_DEFAULT, name.as_ptr()) };
    // SAFETY: a function pointer of the caller's type (pointer-sized, checked
    // above), which the caller vouches is the symbol's own.
    (!address.is_null()).then(|| unsafe { std::mem::transmute_copy::<*mut c_void, F>(&address) })
}
