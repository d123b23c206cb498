//! Which RunCloud endpoint a method and path name.
//!
//! Matching comes first, as in Laravel: an unknown path is a 404 and a known path with the
//! wrong method a 405, both before credentials are looked at.

use crate::auth::ApiVersion;
use crate::config::AppRef;

/// An endpoint under `/api/{version}`. Ids are kept as text: one that is not a number is a
/// missing record (404), not an unknown route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Ping,
    /// Everything under `servers/{serverId}/webapps/{webAppId}`.
    App {
        server: String,
        app: String,
        action: AppAction,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AppAction {
    Details,
    ListDomains,
    AddDomain,
    GetDomain(String),
    DeleteDomain(String),
    UpdateDomainMeta(String),
    GetSslMode,
    SetSslMode,
    GetBasicSsl,
    InstallBasicSsl,
    RedeployBasicSsl(String),
    UpdateBasicSsl(String),
    DeleteBasicSsl(String),
    GetDomainSsl(String),
    InstallDomainSsl(String),
    RedeployDomainSsl(String, String),
    DeleteDomainSsl(String, String),
}

/// Why no endpoint was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NoRoute {
    NotFound,
    /// The path exists with these methods only (the `Allow` header's value).
    MethodNotAllowed(String),
}

/// Splits `/api/v3/rest...` into the version and the remaining segments.
pub(crate) fn split_api_path(path: &str) -> Option<(ApiVersion, Vec<&str>)> {
    let rest = path.strip_prefix("/api/")?;
    let mut segments = rest.trim_end_matches('/').split('/');
    let version = ApiVersion::parse(segments.next()?)?;
    Some((version, segments.collect()))
}

/// The web app a path after the version names (`servers/{s}/webapps/{a}/...`), when both
/// ids are numbers, whether or not the simulator serves it.
pub(crate) fn addressed_app(segments: &[&str]) -> Option<AppRef> {
    match segments {
        ["servers", server, "webapps", app, ..] => {
            Some(AppRef::new(server.parse().ok()?, app.parse().ok()?))
        }
        _ => None,
    }
}

/// Resolves the segments after the version.
pub(crate) fn resolve(
    version: ApiVersion,
    method: &str,
    segments: &[&str],
) -> Result<Endpoint, NoRoute> {
    match segments {
        ["ping"] => pick(method, &[("GET", Endpoint::Ping)]),
        ["servers", server, "webapps", app, rest @ ..] => {
            let action = resolve_app(version, method, rest)?;
            Ok(Endpoint::App {
                server: server.to_string(),
                app: app.to_string(),
                action,
            })
        }
        _ => Err(NoRoute::NotFound),
    }
}

fn resolve_app(version: ApiVersion, method: &str, rest: &[&str]) -> Result<AppAction, NoRoute> {
    use AppAction::*;
    let id = |text: &str| text.to_string();
    match rest {
        [] => pick(method, &[("GET", Details)]),
        ["domains"] => pick(method, &[("GET", ListDomains), ("POST", AddDomain)]),
        ["domains", domain] => pick(
            method,
            &[
                ("GET", GetDomain(id(domain))),
                ("DELETE", DeleteDomain(id(domain))),
            ],
        ),
        // Only API v3 documents the meta endpoint.
        ["domains", domain, "meta"] if version == ApiVersion::V3 => {
            pick(method, &[("PATCH", UpdateDomainMeta(id(domain)))])
        }
        ["domains", domain, "ssl"] => pick(
            method,
            &[
                ("GET", GetDomainSsl(id(domain))),
                ("POST", InstallDomainSsl(id(domain))),
            ],
        ),
        ["domains", domain, "ssl", ssl] => pick(
            method,
            &[
                ("PUT", RedeployDomainSsl(id(domain), id(ssl))),
                ("DELETE", DeleteDomainSsl(id(domain), id(ssl))),
            ],
        ),
        ["ssl"] => pick(method, &[("GET", GetBasicSsl), ("POST", InstallBasicSsl)]),
        ["ssl", "advanced"] => pick(method, &[("GET", GetSslMode), ("POST", SetSslMode)]),
        ["ssl", ssl] => pick(
            method,
            &[
                ("PUT", RedeployBasicSsl(id(ssl))),
                ("PATCH", UpdateBasicSsl(id(ssl))),
                ("DELETE", DeleteBasicSsl(id(ssl))),
            ],
        ),
        _ => Err(NoRoute::NotFound),
    }
}

/// The endpoint for `method` among a path's, or which methods the path allows.
fn pick<T: Clone>(method: &str, choices: &[(&'static str, T)]) -> Result<T, NoRoute> {
    if let Some((_, endpoint)) = choices.iter().find(|(allowed, _)| *allowed == method) {
        return Ok(endpoint.clone());
    }
    let allowed: Vec<&str> = choices.iter().map(|(allowed, _)| *allowed).collect();
    Err(NoRoute::MethodNotAllowed(allowed.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(method: &str, path: &str) -> Result<Endpoint, NoRoute> {
        let (version, segments) = split_api_path(path).expect("an API path");
        resolve(version, method, &segments)
    }

    #[test]
    fn resolves_app_endpoints() {
        let app = |action| {
            Ok(Endpoint::App {
                server: "7".into(),
                app: "9".into(),
                action,
            })
        };
        assert_eq!(
            route("GET", "/api/v3/servers/7/webapps/9/ssl/advanced"),
            app(AppAction::GetSslMode)
        );
        assert_eq!(
            route("PUT", "/api/v2/servers/7/webapps/9/ssl/4"),
            app(AppAction::RedeployBasicSsl("4".into()))
        );
        assert_eq!(
            route("DELETE", "/api/v3/servers/7/webapps/9/domains/3/ssl/4"),
            app(AppAction::DeleteDomainSsl("3".into(), "4".into()))
        );
        assert_eq!(route("GET", "/api/v3/ping"), Ok(Endpoint::Ping));
    }

    #[test]
    fn names_the_addressed_web_app() {
        let addressed = |path| addressed_app(&split_api_path(path).unwrap().1);
        assert_eq!(
            addressed("/api/v3/servers/7/webapps/9/domains/3"),
            Some(AppRef::new(7, 9))
        );
        assert_eq!(addressed("/api/v2/servers/7/webapps/x"), None);
        assert_eq!(addressed("/api/v3/ping"), None);
    }

    #[test]
    fn tells_unknown_paths_from_wrong_methods() {
        assert_eq!(
            route("GET", "/api/v3/servers/7/webapps/9/nothing"),
            Err(NoRoute::NotFound)
        );
        assert_eq!(
            route("PUT", "/api/v3/servers/7/webapps/9/domains"),
            Err(NoRoute::MethodNotAllowed("GET, POST".into()))
        );
        assert!(split_api_path("/api/v4/ping").is_none());
        assert_eq!(
            route("PATCH", "/api/v2/servers/7/webapps/9/domains/3/meta"),
            Err(NoRoute::NotFound)
        );
    }
}
