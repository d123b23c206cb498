//! The thin layer PHP sees: argument conversion, PHP arrays, exceptions,
//! php.ini settings and the phpinfo() table. No RunCloud logic lives here.

mod arrays;
mod exceptions;
mod functions;
mod info;
mod origin;
pub(crate) mod runtime;
mod symbols;

use ext_php_rs::builders::ModuleBuilder;

/// Adds the extension's classes, functions and phpinfo() table to the module.
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    let module = exceptions::register(module);
    functions::register(module).info_function(info::module_info)
}
