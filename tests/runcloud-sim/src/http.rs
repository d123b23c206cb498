//! HTTP/1.1 messages: reading a request head and body, writing a response.
//!
//! Written on plain byte streams rather than with a server framework so that a fault can do
//! exactly what a broken RunCloud or proxy would: answer nothing, stop mid-body, or stall.

use std::io::{self, Read, Write};

use serde::Serialize;
use serde_json::json;

/// A request head larger than this is refused with 431.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// A request body larger than this is refused with 413.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
const MAX_HEADERS: usize = 64;

/// One parsed request.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// HTTP/1.1 keeps the connection by default, HTTP/1.0 closes it.
    pub keep_alive: bool,
}

impl Request {
    /// The first header of that name (names compare case-insensitively).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// A query parameter's raw value (no percent-decoding: the simulator's parameters are
    /// plain numbers).
    pub(crate) fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .split('&')
            .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value)
    }
}

/// One response, always sent with a Content-Length.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub(crate) fn json<T: Serialize + ?Sized>(status: u16, body: &T) -> Response {
        let body = serde_json::to_vec(body).expect("JSON values always serialize");
        Response::raw(status, "application/json", body)
    }

    /// `{"message": text}`, RunCloud's (and Laravel's) shape for every error.
    pub(crate) fn message(status: u16, text: &str) -> Response {
        Response::json(status, &json!({ "message": text }))
    }

    pub(crate) fn raw(status: u16, content_type: &str, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
        }
    }

    pub(crate) fn with_header(mut self, name: &str, value: impl ToString) -> Response {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The status and headers, ending with the blank line.
    fn head(&self, keep_alive: bool) -> Vec<u8> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\n",
            self.status,
            reason_phrase(self.status)
        );
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        head.push_str(if keep_alive {
            "Connection: keep-alive\r\n"
        } else {
            "Connection: close\r\n"
        });
        head.push_str("\r\n");
        head.into_bytes()
    }
}

/// Why a request could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The peer closed, the socket was shut down or failed, or the idle timeout passed:
    /// nothing can be answered, whatever the cause, so the cause is not kept.
    Closed,
    /// The peer sent something that is not an acceptable request: answer this, then close.
    Refuse(Response),
}

impl From<io::Error> for ReadError {
    fn from(_: io::Error) -> Self {
        ReadError::Closed
    }
}

/// Reads the next request. `buffer` carries bytes already received past the previous
/// request (a pipelining client) and keeps any received past this one.
pub(crate) fn read_request<S: Read + Write>(
    stream: &mut S,
    buffer: &mut Vec<u8>,
) -> Result<Request, ReadError> {
    let head_length = read_head(stream, buffer)?;
    let mut request = parse_head(&buffer[..head_length])?;
    buffer.drain(..head_length);
    if request.header("Transfer-Encoding").is_some() {
        return Err(ReadError::Refuse(Response::message(
            411,
            "Chunked request bodies are not supported: send a Content-Length.",
        )));
    }
    let length = content_length(&request)?;
    if length > 0
        && request
            .header("Expect")
            .is_some_and(|value| value.eq_ignore_ascii_case("100-continue"))
    {
        stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    while buffer.len() < length {
        if read_more(stream, buffer)? == 0 {
            return Err(ReadError::Closed);
        }
    }
    request.body = buffer.drain(..length).collect();
    Ok(request)
}

fn read_head<S: Read>(stream: &mut S, buffer: &mut Vec<u8>) -> Result<usize, ReadError> {
    loop {
        // The limit holds however the head arrives, in one piece or byte by byte.
        match find_head_end(buffer) {
            Some(end) if end <= MAX_HEAD_BYTES => return Ok(end),
            Some(_) => return Err(head_too_large()),
            None if buffer.len() > MAX_HEAD_BYTES => return Err(head_too_large()),
            None => {}
        }
        if read_more(stream, buffer)? == 0 {
            return Err(ReadError::Closed);
        }
    }
}

fn head_too_large() -> ReadError {
    ReadError::Refuse(Response::message(431, "Request header fields too large."))
}

fn find_head_end(buffer: &[u8]) -> Option<usize> {
    buffer
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .map(|position| position + 4)
}

fn read_more<S: Read>(stream: &mut S, buffer: &mut Vec<u8>) -> io::Result<usize> {
    let mut chunk = [0u8; 16 * 1024];
    let count = stream.read(&mut chunk)?;
    buffer.extend_from_slice(&chunk[..count]);
    Ok(count)
}

fn parse_head(head: &[u8]) -> Result<Request, ReadError> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    let refuse = |text: &str| ReadError::Refuse(Response::message(400, text));
    match parsed.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err(refuse("Incomplete request head.")),
        Err(httparse::Error::TooManyHeaders) => {
            return Err(ReadError::Refuse(Response::message(
                431,
                "Too many request header fields.",
            )))
        }
        Err(_) => return Err(refuse("Malformed request head.")),
    }
    let target = parsed.path.unwrap_or("/");
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let headers: Vec<(String, String)> = parsed
        .headers
        .iter()
        .map(|header| {
            (
                header.name.to_string(),
                String::from_utf8_lossy(header.value).into_owned(),
            )
        })
        .collect();
    let version_keeps_alive = parsed.version == Some(1);
    let mut request = Request {
        method: parsed.method.unwrap_or("GET").to_string(),
        path: path.to_string(),
        query: query.to_string(),
        headers,
        body: Vec::new(),
        keep_alive: version_keeps_alive,
    };
    request.keep_alive = match request.header("Connection").map(str::to_ascii_lowercase) {
        Some(value) if value.contains("close") => false,
        Some(value) if value.contains("keep-alive") => true,
        _ => version_keeps_alive,
    };
    Ok(request)
}

fn content_length(request: &Request) -> Result<usize, ReadError> {
    let Some(value) = request.header("Content-Length") else {
        return Ok(0);
    };
    let length: usize = value
        .trim()
        .parse()
        .map_err(|_| ReadError::Refuse(Response::message(400, "Invalid Content-Length.")))?;
    if length > MAX_BODY_BYTES {
        return Err(ReadError::Refuse(Response::message(
            413,
            "Request body too large.",
        )));
    }
    Ok(length)
}

/// Writes a whole response.
pub(crate) fn write_response<S: Write>(
    stream: &mut S,
    response: &Response,
    keep_alive: bool,
) -> io::Result<()> {
    let mut bytes = response.head(keep_alive);
    bytes.extend_from_slice(&response.body);
    stream.write_all(&bytes)?;
    stream.flush()
}

/// Writes the head with the full Content-Length but only half the body: the peer sees the
/// connection end before the promised bytes.
pub(crate) fn write_truncated<S: Write>(stream: &mut S, response: &Response) -> io::Result<()> {
    let mut bytes = response.head(false);
    bytes.extend_from_slice(&response.body[..response.body.len() / 2]);
    stream.write_all(&bytes)?;
    stream.flush()
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// An in-memory stream: reads from `input`, collects writes.
    struct Duplex {
        input: Cursor<Vec<u8>>,
        output: Vec<u8>,
    }

    impl Read for Duplex {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.input.read(buf)
        }
    }

    impl Write for Duplex {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.output.write(buf)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn duplex(input: &str) -> Duplex {
        Duplex {
            input: Cursor::new(input.as_bytes().to_vec()),
            output: Vec::new(),
        }
    }

    #[test]
    fn reads_pipelined_requests_with_bodies() {
        let mut stream = duplex(
            "POST /a?x=1 HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}GET /b HTTP/1.1\r\nConnection: close\r\n\r\n",
        );
        let mut buffer = Vec::new();
        let first = read_request(&mut stream, &mut buffer).unwrap();
        assert_eq!(
            (
                first.method.as_str(),
                first.path.as_str(),
                first.body.as_slice()
            ),
            ("POST", "/a", &b"{}"[..])
        );
        assert_eq!(first.query_param("x"), Some("1"));
        assert!(first.keep_alive);
        let second = read_request(&mut stream, &mut buffer).unwrap();
        assert_eq!(second.path, "/b");
        assert!(!second.keep_alive);
        assert!(matches!(
            read_request(&mut stream, &mut buffer),
            Err(ReadError::Closed)
        ));
    }

    #[test]
    fn refuses_chunked_bodies() {
        let mut stream = duplex("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        match read_request(&mut stream, &mut Vec::new()) {
            Err(ReadError::Refuse(response)) => assert_eq!(response.status, 411),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn answers_expect_continue() {
        let mut stream =
            duplex("PUT / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx");
        read_request(&mut stream, &mut Vec::new()).unwrap();
        assert_eq!(stream.output, b"HTTP/1.1 100 Continue\r\n\r\n");
    }

    #[test]
    fn truncation_sends_less_than_promised() {
        let mut output = Vec::new();
        write_truncated(
            &mut output,
            &Response::message(200, "a long enough message"),
        )
        .unwrap();
        let text = String::from_utf8(output).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.contains("Content-Length: 35"));
        assert_eq!(body.len(), 17);
    }
}
