//! The web apps a call can address: the primary one the constants name, or
//! any other app of the same RunCloud account, written `SERVER:APP`.
//!
//! RunCloud's API is one per account: the credentials cover every server, and
//! the rate limit and the monthly quota are the account's. An app is therefore
//! only a place in the API's paths; nothing else (credentials, connections,
//! the rate-limit estimate) is kept per app.

use std::fmt;

use crate::error::{printable, Error, Result};

/// One web app of the account: a RunCloud server id and the id of a web app on
/// that server, both positive.
///
/// ```
/// use wu_runcloud::App;
/// let app = App::parse(" 12345:67890 ").unwrap();
/// assert_eq!((app.server_id(), app.app_id()), (12345, 67890));
/// assert_eq!(app.to_string(), "12345:67890");
/// assert!(App::parse("12345").is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct App {
    server_id: u64,
    app_id: u64,
}

impl App {
    /// The app `app_id` on server `server_id`; `None` unless both are positive.
    pub fn new(server_id: u64, app_id: u64) -> Option<App> {
        (server_id > 0 && app_id > 0).then_some(App { server_id, app_id })
    }

    /// Reads `SERVER:APP` (surrounding whitespace ignored), two positive
    /// integers. Anything else is an [`Error::Config`] that quotes the input
    /// (escaped and shortened); nothing is sent.
    pub fn parse(input: &str) -> Result<App> {
        input
            .trim()
            .split_once(':')
            .and_then(|(server, app)| App::new(positive_id(server)?, positive_id(app)?))
            .ok_or_else(|| {
                Error::Config(format!(
                    "the app \"{}\" is not SERVER:APP (a server id and a web app id, both positive integers)",
                    printable(input)
                ))
            })
    }

    /// The RunCloud server id.
    pub fn server_id(self) -> u64 {
        self.server_id
    }

    /// The web app's id on its server.
    pub fn app_id(self) -> u64 {
        self.app_id
    }

    /// The API path of this app, plus `rest`.
    pub(crate) fn path(self, rest: &str) -> String {
        format!("/servers/{}/webapps/{}{rest}", self.server_id, self.app_id)
    }
}

impl fmt::Display for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.server_id, self.app_id)
    }
}

/// A positive integer written in decimal, as ids are.
pub(crate) fn positive_id(text: &str) -> Option<u64> {
    text.parse::<u64>().ok().filter(|&id| id > 0)
}

/// The apps of a list such as `12345:67890, 12346:67891`, separated by commas
/// or whitespace (so a list may span lines), each once, in their order. An
/// empty list is none; an entry that is not an app refuses the whole list.
pub(crate) fn parse_list(list: &str) -> Result<Vec<App>> {
    let mut apps: Vec<App> = Vec::new();
    for entry in list.split(|c: char| c == ',' || c.is_whitespace()) {
        if entry.is_empty() {
            continue;
        }
        let app = App::parse(entry)?;
        if !apps.contains(&app) {
            apps.push(app);
        }
    }
    Ok(apps)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(server_id: u64, app_id: u64) -> App {
        App::new(server_id, app_id).unwrap()
    }

    #[test]
    fn an_app_is_two_positive_ids_around_a_colon() {
        assert_eq!(App::parse("1:2").unwrap(), app(1, 2));
        assert_eq!(App::parse("\t12345:67890\n").unwrap(), app(12345, 67890));
        let refused = [
            "",
            " ",
            "12",
            ":",
            "12:",
            ":34",
            "0:34",
            "12:0",
            "12:34:56",
            "a:34",
            "12:3x",
            "12 : 34",
            "-1:2",
            "1.5:2",
            "1:2,3:4",
            "99999999999999999999:1",
        ]
        .map(|bad| (bad, App::parse(bad)));
        for (bad, refusal) in refused {
            match refusal {
                Err(Error::Config(message)) => assert!(message.contains("SERVER:APP"), "{message}"),
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn a_refused_app_is_quoted_escaped_and_bounded() {
        let error = App::parse("12:\r\n34").unwrap_err().to_string();
        assert!(error.contains(r#""12:\r\n34""#), "{error}");
        let long = App::parse(&"9".repeat(500)).unwrap_err().to_string();
        assert!(long.len() < 250, "{long}");
    }

    #[test]
    fn an_app_reads_back_as_written_and_builds_its_paths() {
        let other = app(12346, 67891);
        assert_eq!(App::parse(&other.to_string()).unwrap(), other);
        assert_eq!(other.path(""), "/servers/12346/webapps/67891");
        assert_eq!(
            other.path("/domains?page=2&perPage=40"),
            "/servers/12346/webapps/67891/domains?page=2&perPage=40"
        );
        assert_eq!(App::new(0, 1), None);
    }

    #[test]
    fn a_list_is_separated_by_commas_or_whitespace_each_app_once() {
        assert_eq!(
            parse_list("12345:67890, 12346:67891").unwrap(),
            [app(12345, 67890), app(12346, 67891)]
        );
        assert_eq!(
            parse_list(" 3:4,\n1:2\t3:4,, 5:6 ,").unwrap(),
            [app(3, 4), app(1, 2), app(5, 6)]
        );
        assert_eq!(parse_list("").unwrap(), []);
        assert_eq!(parse_list(" , \n").unwrap(), []);
        let error = parse_list("1:2, 3-4, 5:6").unwrap_err().to_string();
        assert!(error.contains("\"3-4\""), "{error}");
    }
}
