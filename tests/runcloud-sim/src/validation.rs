//! Laravel-style validation of JSON bodies, answering 422 with per-field messages.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::facts;
use crate::http::Response;

/// Collects the messages of one body's failed rules, then answers all of them at once, as a
/// Laravel form request does.
pub(crate) struct Validation<'a> {
    fields: &'a Map<String, Value>,
    errors: BTreeMap<String, Vec<String>>,
}

static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

impl<'a> Validation<'a> {
    /// A body that is not a JSON object validates as if empty.
    pub(crate) fn new(body: &'a Value) -> Self {
        let fields = body.as_object().unwrap_or(&EMPTY);
        Validation {
            fields,
            errors: BTreeMap::new(),
        }
    }

    /// Laravel treats null and empty strings as absent.
    fn present(&self, field: &str) -> Option<&'a Value> {
        match self.fields.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) if text.trim().is_empty() => None,
            Some(value) => Some(value),
        }
    }

    fn require(&mut self, field: &str, required: bool) -> Option<&'a Value> {
        let value = self.present(field);
        if value.is_none() && required {
            self.fail(
                field,
                format!("The {} field is required.", display_name(field)),
            );
        }
        value
    }

    pub(crate) fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.errors
            .entry(field.to_string())
            .or_default()
            .push(message.into());
    }

    pub(crate) fn string(&mut self, field: &str, required: bool) -> Option<String> {
        match self.require(field, required)? {
            Value::String(text) => Some(text.trim().to_string()),
            _ => {
                self.fail(
                    field,
                    format!("The {} must be a string.", display_name(field)),
                );
                None
            }
        }
    }

    /// Laravel's `boolean` rule: true, false, 1, 0, "1" and "0".
    pub(crate) fn boolean(&mut self, field: &str, required: bool) -> Option<bool> {
        let parsed = match self.require(field, required)? {
            Value::Bool(flag) => Some(*flag),
            Value::Number(number) => match number.as_i64() {
                Some(0) => Some(false),
                Some(1) => Some(true),
                _ => None,
            },
            Value::String(text) if text == "0" => Some(false),
            Value::String(text) if text == "1" => Some(true),
            _ => None,
        };
        if parsed.is_none() {
            self.fail(
                field,
                format!("The {} field must be true or false.", display_name(field)),
            );
        }
        parsed
    }

    /// Laravel's `in:` rule.
    pub(crate) fn one_of(
        &mut self,
        field: &str,
        allowed: &[&str],
        required: bool,
    ) -> Option<String> {
        let value = self.require(field, required)?;
        match value.as_str() {
            Some(text) if allowed.contains(&text) => Some(text.to_string()),
            _ => {
                self.fail(
                    field,
                    format!("The selected {} is invalid.", display_name(field)),
                );
                None
            }
        }
    }

    /// Laravel's `integer` rule.
    pub(crate) fn integer(&mut self, field: &str, required: bool) -> Option<u64> {
        let value = self.require(field, required)?;
        let parsed = match value {
            Value::Number(number) => number.as_u64(),
            Value::String(text) => text.parse().ok(),
            _ => None,
        };
        if parsed.is_none() {
            self.fail(
                field,
                format!("The {} must be an integer.", display_name(field)),
            );
        }
        parsed
    }

    /// `Ok` when every rule passed, else the 422 answer.
    pub(crate) fn finish(self) -> Result<(), Response> {
        if self.errors.is_empty() {
            return Ok(());
        }
        Err(unprocessable(self.errors))
    }
}

/// A 422 for one field, outside a rule set (e.g. a duplicate name found after validation).
pub(crate) fn field_error(field: &str, message: &str) -> Response {
    let mut errors = BTreeMap::new();
    errors.insert(field.to_string(), vec![message.to_string()]);
    unprocessable(errors)
}

fn unprocessable(errors: BTreeMap<String, Vec<String>>) -> Response {
    Response::json(
        422,
        &json!({ "message": facts::VALIDATION_MESSAGE, "errors": errors }),
    )
}

/// How Laravel names an attribute in a message: `authorizationMethod` and
/// `authorization_method` both read "authorization method".
fn display_name(field: &str) -> String {
    let mut words = String::with_capacity(field.len() + 4);
    for character in field.chars() {
        if character.is_ascii_uppercase() {
            words.push(' ');
            words.push(character.to_ascii_lowercase());
        } else if character == '_' {
            words.push(' ');
        } else {
            words.push(character);
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_attributes_like_laravel() {
        assert_eq!(display_name("authorizationMethod"), "authorization method");
        assert_eq!(display_name("external_api"), "external api");
        assert_eq!(display_name("name"), "name");
    }

    #[test]
    fn collects_every_failure() {
        let body = json!({"www": "yes", "type": "primary", "name": "  "});
        let mut validation = Validation::new(&body);
        assert_eq!(validation.string("name", true), None);
        assert_eq!(validation.boolean("www", true), None);
        assert_eq!(validation.one_of("type", &["alias"], true), None);
        assert_eq!(validation.errors.len(), 3);
        assert_eq!(
            validation.errors["name"],
            vec!["The name field is required."]
        );
    }

    #[test]
    fn accepts_laravel_booleans() {
        let body = json!({"a": true, "b": 0, "c": "1"});
        let mut validation = Validation::new(&body);
        assert_eq!(validation.boolean("a", true), Some(true));
        assert_eq!(validation.boolean("b", true), Some(false));
        assert_eq!(validation.boolean("c", true), Some(true));
        assert!(validation.errors.is_empty());
    }
}
