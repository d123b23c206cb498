//! HTTP/1.1 on the wire: kept-alive and closed connections, and the refusals a server in
//! front of RunCloud would give to requests it cannot read.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::{raw_exchange, split_response, start, TOKEN};
use runcloud_sim::SimConfig;
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(5);

fn ping_request(connection: &str) -> String {
    format!(
        "GET /api/v3/ping HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n\
         Connection: {connection}\r\n\r\n"
    )
}

/// Reads one response with a Content-Length from a kept-alive connection.
fn read_one(reader: &mut BufReader<TcpStream>) -> (String, Vec<u8>) {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("a response line");
        if line == "\r\n" || line.is_empty() {
            break;
        }
        head.push_str(&line);
    }
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("Content-Length: "))
        .expect("a Content-Length")
        .trim()
        .parse()
        .unwrap();
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    (head, body)
}

#[test]
fn one_connection_carries_many_requests() {
    let sim = start(SimConfig::new());
    let stream = TcpStream::connect(sim.addr()).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    // Two pipelined, then one more after reading them.
    writer
        .write_all(
            format!(
                "{}{}",
                ping_request("keep-alive"),
                ping_request("keep-alive")
            )
            .as_bytes(),
        )
        .unwrap();
    for _ in 0..2 {
        let (head, body) = read_one(&mut reader);
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
        assert!(head.contains("Connection: keep-alive"), "{head}");
        assert_eq!(body, br#"{"message":"pong"}"#);
    }
    writer.write_all(ping_request("close").as_bytes()).unwrap();
    let (head, _) = read_one(&mut reader);
    assert!(head.contains("Connection: close"), "{head}");
    let mut rest = Vec::new();
    assert_eq!(reader.read_to_end(&mut rest).unwrap(), 0, "closed after");
    assert_eq!(sim.requests().len(), 3);
}

#[test]
fn http_1_0_connections_close_after_the_answer() {
    let sim = start(SimConfig::new());
    let request = format!("GET /api/v3/ping HTTP/1.0\r\nAuthorization: Bearer {TOKEN}\r\n\r\n");
    let received = raw_exchange(sim.addr(), &request, WAIT);
    let (head, body) = split_response(&received);
    assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
    assert!(head.contains("Connection: close"));
    assert_eq!(body, br#"{"message":"pong"}"#);
}

#[test]
fn a_request_that_is_not_http_gets_a_json_400() {
    let sim = start(SimConfig::new());
    let received = raw_exchange(sim.addr(), "HELLO THERE\r\n\r\n", WAIT);
    let (head, body) = split_response(&received);
    assert!(head.starts_with("HTTP/1.1 400 "), "{head}");
    let json: Value = serde_json::from_slice(&body).unwrap();
    assert!(json["message"].is_string());
}

#[test]
fn chunked_request_bodies_are_refused_with_411() {
    let sim = start(SimConfig::new());
    let request = format!(
        "POST /api/v3/servers/1/webapps/1/domains HTTP/1.1\r\nHost: 127.0.0.1\r\n\
         Authorization: Bearer {TOKEN}\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{{}}\r\n0\r\n\r\n"
    );
    let (head, _) = split_response(&raw_exchange(sim.addr(), &request, WAIT));
    assert!(head.starts_with("HTTP/1.1 411 "), "{head}");
}

#[test]
fn oversized_requests_are_refused() {
    let sim = start(SimConfig::new());
    let huge_body = format!(
        "POST /api/v3/ping HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n\r\n",
        64 * 1024 * 1024
    );
    let (head, _) = split_response(&raw_exchange(sim.addr(), &huge_body, WAIT));
    assert!(head.starts_with("HTTP/1.1 413 "), "{head}");
    let huge_head = format!(
        "GET /api/v3/ping HTTP/1.1\r\nX-Filler: {}\r\n\r\n",
        "a".repeat(70 * 1024)
    );
    let (head, _) = split_response(&raw_exchange(sim.addr(), &huge_head, WAIT));
    assert!(head.starts_with("HTTP/1.1 431 "), "{head}");
}

#[test]
fn a_body_is_awaited_when_announced_with_expect_continue() {
    let sim = start(SimConfig::new());
    let body = r#"{"name":"wait.example.com","www":false,"redirection":"none","type":"alias"}"#;
    let mut stream = TcpStream::connect(sim.addr()).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let head = format!(
        "POST /api/v3/servers/1/webapps/1/domains HTTP/1.1\r\nHost: 127.0.0.1\r\n\
         Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    let mut interim = [0u8; 25];
    stream.read_exact(&mut interim).unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    stream.write_all(body.as_bytes()).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let (head, _) = split_response(&answer);
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    assert!(sim.state().domain("wait.example.com").is_some());
}

#[test]
fn links_without_a_host_header_name_the_listening_address() {
    let sim = start(SimConfig::new().extra_domains(30));
    let request = format!(
        "GET /api/v3/servers/1/webapps/1/domains HTTP/1.0\r\nAuthorization: Bearer {TOKEN}\r\n\r\n"
    );
    let (_, body) = split_response(&raw_exchange(sim.addr(), &request, WAIT));
    let json: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        json["meta"]["pagination"]["links"]["next"],
        format!("{}/domains?perPage=20&page=2", sim.app_url("v3"))
    );
}
