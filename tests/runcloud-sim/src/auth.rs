//! Credentials: a bearer token for API v3, HTTP Basic key and secret for API v2.

use crate::http::Request;

/// The API version a path starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ApiVersion {
    V2,
    V3,
}

impl ApiVersion {
    pub(crate) fn parse(segment: &str) -> Option<ApiVersion> {
        match segment {
            "v2" => Some(ApiVersion::V2),
            "v3" => Some(ApiVersion::V3),
            _ => None,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V2 => "v2",
            ApiVersion::V3 => "v3",
        }
    }
}

/// The credentials a simulator accepts.
#[derive(Debug, Clone)]
pub(crate) struct Credentials {
    pub token: String,
    pub api_key: String,
    pub api_secret: String,
}

impl Credentials {
    /// Whether the request carries this version's credentials. Each version accepts only its
    /// own scheme, as RunCloud does: a v3 token is not a v2 key.
    pub(crate) fn accepts(&self, version: ApiVersion, request: &Request) -> bool {
        let Some(header) = request.header("Authorization") else {
            return false;
        };
        let Some((scheme, value)) = header.trim().split_once(' ') else {
            return false;
        };
        match version {
            ApiVersion::V3 => scheme.eq_ignore_ascii_case("Bearer") && value.trim() == self.token,
            ApiVersion::V2 => {
                scheme.eq_ignore_ascii_case("Basic")
                    && decode_base64(value.trim()).is_some_and(|pair| {
                        pair == format!("{}:{}", self.api_key, self.api_secret).as_bytes()
                    })
            }
        }
    }
}

/// The Authorization header as the request log shows it: the scheme only.
pub(crate) fn redacted_authorization(request: &Request) -> Option<String> {
    let header = request.header("Authorization")?;
    let scheme = header.split_whitespace().next().unwrap_or("");
    Some(format!("{scheme} [redacted]").trim_start().to_string())
}

/// Standard base64 (RFC 4648 section 4), padding optional.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let digits = text.trim_end_matches('=');
    let mut bytes = Vec::with_capacity(digits.len() * 3 / 4);
    let mut accumulator: u32 = 0;
    let mut bit_count = 0;
    for character in digits.bytes() {
        accumulator = (accumulator << 6) | u32::from(base64_value(character)?);
        bit_count += 6;
        if bit_count >= 8 {
            bit_count -= 8;
            bytes.push((accumulator >> bit_count) as u8);
            accumulator &= (1 << bit_count) - 1;
        }
    }
    Some(bytes)
}

fn base64_value(character: u8) -> Option<u8> {
    match character {
        b'A'..=b'Z' => Some(character - b'A'),
        b'a'..=b'z' => Some(character - b'a' + 26),
        b'0'..=b'9' => Some(character - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_base64() {
        assert_eq!(decode_base64("a2V5OnNlY3JldA==").unwrap(), b"key:secret");
        assert_eq!(decode_base64("YWI").unwrap(), b"ab");
        assert_eq!(decode_base64("not base64!"), None);
    }
}
