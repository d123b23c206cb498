//! The world's DNS as far as the web app's names go, and a tiny DNS responder serving it.
//!
//! Customers map a domain first and point its DNS later, or move it away while it stays
//! mapped. Each name is in one of four states (control API `POST /__sim/dns`):
//!
//! | state | what a resolver sees |
//! |---|---|
//! | `server` (default) | an A record with the server's address |
//! | `elsewhere` | an A record with another address (192.0.2.1) |
//! | `missing` | NXDOMAIN |
//! | `cname:TARGET` | a CNAME to TARGET, then whatever TARGET is |
//!
//! Let's Encrypt (`letsencrypt.rs`) validates against this state, and the responder answers
//! A, AAAA and CNAME questions from it on loopback UDP (the simulator's own port number), so
//! a client's DNS check and the simulated certificate authority see the same world.

use std::collections::BTreeMap;
use std::io;
use std::net::{Ipv4Addr, UdpSocket};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::background::Background;
use crate::server::StopSignal;
use crate::shared::Shared;

/// The address a name that points elsewhere resolves to (TEST-NET-1, RFC 5737).
pub(crate) const ELSEWHERE: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);

/// CNAME chains longer than this are a loop.
const MAX_CNAME_HOPS: usize = 8;

/// One name's DNS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DnsAnswer {
    Server,
    Elsewhere,
    Missing,
    Cname(String),
}

impl DnsAnswer {
    /// Parses `server`, `elsewhere`, `missing` or `cname:TARGET`.
    pub fn parse(text: &str) -> Result<DnsAnswer, String> {
        match text.trim() {
            "server" => Ok(DnsAnswer::Server),
            "elsewhere" => Ok(DnsAnswer::Elsewhere),
            "missing" => Ok(DnsAnswer::Missing),
            other => match other.strip_prefix("cname:") {
                Some(target) if !target.trim().is_empty() => {
                    Ok(DnsAnswer::Cname(normalize(target)))
                }
                _ => Err(format!(
                    "DNS state must be server, elsewhere, missing or cname:TARGET, not {text:?}"
                )),
            },
        }
    }

    pub(crate) fn label(&self) -> String {
        match self {
            DnsAnswer::Server => "server".into(),
            DnsAnswer::Elsewhere => "elsewhere".into(),
            DnsAnswer::Missing => "missing".into(),
            DnsAnswer::Cname(target) => format!("cname:{target}"),
        }
    }
}

/// What resolving a name found: the CNAMEs followed and the addresses at the end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Resolution {
    pub cnames: Vec<(String, String)>,
    pub addresses: Vec<Ipv4Addr>,
    /// The chain ended at a name that does not exist.
    pub nxdomain: bool,
}

/// The DNS part of the state dump (`GET /__sim/dns`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DnsDump {
    pub server_ip: String,
    /// Names set through the control API; any other name points at the server.
    pub names: BTreeMap<String, String>,
    /// Let's Encrypt's failed validations in the last hour, by name.
    pub failed_validations_last_hour: BTreeMap<String, u64>,
    /// Certificate orders Let's Encrypt refused since the start (or the last reset).
    pub refused_orders: u64,
    /// The loopback port where the server presents, in a TLS handshake, the certificate
    /// covering the SNI name (`served.rs`).
    pub https_port: u16,
}

/// Names and their DNS; any name not set points at the server.
#[derive(Debug, Clone)]
pub(crate) struct DnsState {
    server_ip: Ipv4Addr,
    names: BTreeMap<String, DnsAnswer>,
}

impl DnsState {
    pub(crate) fn new(server_ip: Ipv4Addr) -> DnsState {
        DnsState {
            server_ip,
            names: BTreeMap::new(),
        }
    }

    pub(crate) fn set(&mut self, name: &str, answer: DnsAnswer) {
        let name = normalize(name);
        if answer == DnsAnswer::Server {
            self.names.remove(&name);
        } else {
            self.names.insert(name, answer);
        }
    }

    pub(crate) fn clear(&mut self) {
        self.names.clear();
    }

    fn answer(&self, name: &str) -> DnsAnswer {
        self.names.get(name).cloned().unwrap_or(DnsAnswer::Server)
    }

    /// Follows CNAMEs to the addresses (A records only: the server has no IPv6 address).
    pub(crate) fn resolve(&self, name: &str) -> Resolution {
        let mut resolution = Resolution::default();
        let mut current = normalize(name);
        for _ in 0..=MAX_CNAME_HOPS {
            match self.answer(&current) {
                DnsAnswer::Server => resolution.addresses.push(self.server_ip),
                DnsAnswer::Elsewhere => resolution.addresses.push(ELSEWHERE),
                DnsAnswer::Missing => resolution.nxdomain = true,
                DnsAnswer::Cname(target) => {
                    resolution.cnames.push((current, target.clone()));
                    current = target;
                    continue;
                }
            }
            return resolution;
        }
        resolution
    }

    /// Whether `name` resolves, through CNAMEs, to the server's address.
    pub(crate) fn points_at_server(&self, name: &str) -> bool {
        self.resolve(name).addresses.contains(&self.server_ip)
    }

    pub(crate) fn dump(&self) -> DnsDump {
        DnsDump {
            server_ip: self.server_ip.to_string(),
            names: self
                .names
                .iter()
                .map(|(name, answer)| (name.clone(), answer.label()))
                .collect(),
            failed_validations_last_hour: BTreeMap::new(),
            refused_orders: 0,
            https_port: 0,
        }
    }
}

/// A change through `POST /__sim/dns`: name => state.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct DnsChange {
    #[serde(default)]
    pub names: BTreeMap<String, String>,
}

fn normalize(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// Starts the responder on `socket` (bound to the simulator's own port) and answers from
/// the shared state until the simulator stops.
pub(crate) fn start_responder(
    socket: UdpSocket,
    shared: Arc<Shared>,
    stop: Arc<StopSignal>,
) -> io::Result<Background> {
    // Short reads, so a stop is noticed without a packet arriving.
    socket.set_read_timeout(Some(Duration::from_millis(100)))?;
    let addr = socket.local_addr()?;
    Background::spawn("runcloud-sim-dns", addr, move || {
        serve(socket, shared, stop)
    })
}

fn serve(socket: UdpSocket, shared: Arc<Shared>, stop: Arc<StopSignal>) {
    let mut buffer = [0u8; 512];
    while !stop.is_stopped() {
        let Ok((length, peer)) = socket.recv_from(&mut buffer) else {
            continue;
        };
        let answer = {
            let world = shared.world();
            respond(&world.account.dns, &buffer[..length])
        };
        if let Some(answer) = answer {
            let _ = socket.send_to(&answer, peer);
        }
    }
}

const TYPE_A: u16 = 1;
const TYPE_CNAME: u16 = 5;
const CLASS_IN: u16 = 1;

/// One question parsed from a query: the name, its type, and where the question ends.
struct Question {
    name: String,
    qtype: u16,
    end: usize,
}

fn parse_question(packet: &[u8]) -> Option<Question> {
    // Header: id, flags, qdcount, ancount, nscount, arcount (RFC 1035 4.1.1).
    if packet.len() < 12 || u16::from_be_bytes([packet[4], packet[5]]) != 1 {
        return None;
    }
    let mut labels = Vec::new();
    let mut at = 12;
    loop {
        let length = *packet.get(at)? as usize;
        at += 1;
        if length == 0 {
            break;
        }
        // A question carries no compression pointers; anything above 63 is malformed.
        if length > 63 {
            return None;
        }
        labels.push(String::from_utf8_lossy(packet.get(at..at + length)?).to_ascii_lowercase());
        at += length;
    }
    let qtype = u16::from_be_bytes([*packet.get(at)?, *packet.get(at + 1)?]);
    Some(Question {
        name: labels.join("."),
        qtype,
        end: at + 4,
    })
}

/// Builds the answer to one query, or None for a packet that is not one.
pub(crate) fn respond(dns: &DnsState, packet: &[u8]) -> Option<Vec<u8>> {
    let question = parse_question(packet)?;
    if packet.len() < question.end {
        return None;
    }
    let resolution = dns.resolve(&question.name);
    let mut records = Vec::new();
    for (name, target) in &resolution.cnames {
        records.push(record(name, TYPE_CNAME, &encode_name(target)));
    }
    // The server has no IPv6 address: AAAA and other types get the CNAMEs and no data.
    if question.qtype == TYPE_A {
        let last = resolution
            .cnames
            .last()
            .map(|(_, target)| target.clone())
            .unwrap_or_else(|| question.name.clone());
        for address in &resolution.addresses {
            records.push(record(&last, TYPE_A, &address.octets()));
        }
    }
    let rcode: u8 = if resolution.nxdomain { 3 } else { 0 };
    let mut answer = Vec::with_capacity(512);
    answer.extend_from_slice(&packet[0..2]);
    // QR, opcode 0, AA, RD copied, RA; then the rcode.
    answer.push(0x84 | (packet[2] & 0x01));
    answer.push(0x80 | rcode);
    answer.extend_from_slice(&1u16.to_be_bytes());
    answer.extend_from_slice(&(records.len() as u16).to_be_bytes());
    answer.extend_from_slice(&[0, 0, 0, 0]);
    answer.extend_from_slice(&packet[12..question.end]);
    for record in records {
        answer.extend_from_slice(&record);
    }
    Some(answer)
}

fn encode_name(name: &str) -> Vec<u8> {
    let mut encoded = Vec::new();
    for label in name.split('.').filter(|label| !label.is_empty()) {
        encoded.push(label.len().min(63) as u8);
        encoded.extend_from_slice(&label.as_bytes()[..label.len().min(63)]);
    }
    encoded.push(0);
    encoded
}

fn record(name: &str, rtype: u16, data: &[u8]) -> Vec<u8> {
    let mut record = encode_name(name);
    record.extend_from_slice(&rtype.to_be_bytes());
    record.extend_from_slice(&CLASS_IN.to_be_bytes());
    // A TTL of one second: a test that changes a name's DNS sees it at once.
    record.extend_from_slice(&1u32.to_be_bytes());
    record.extend_from_slice(&(data.len() as u16).to_be_bytes());
    record.extend_from_slice(data);
    record
}

#[cfg(test)]
mod tests {
    use super::*;

    const TYPE_AAAA: u16 = 28;

    fn query(name: &str, qtype: u16) -> Vec<u8> {
        let mut packet = vec![0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
        packet.extend_from_slice(&encode_name(name));
        packet.extend_from_slice(&qtype.to_be_bytes());
        packet.extend_from_slice(&CLASS_IN.to_be_bytes());
        packet
    }

    fn state() -> DnsState {
        let mut dns = DnsState::new(Ipv4Addr::LOCALHOST);
        dns.set("away.test", DnsAnswer::Elsewhere);
        dns.set("gone.test", DnsAnswer::Missing);
        dns.set("alias.test", DnsAnswer::Cname("target.test".into()));
        dns.set("loop.test", DnsAnswer::Cname("loop.test".into()));
        dns
    }

    #[test]
    fn names_point_at_the_server_unless_set_otherwise() {
        let dns = state();
        assert!(dns.points_at_server("new.test"));
        assert!(dns.points_at_server("ALIAS.test."));
        assert!(!dns.points_at_server("away.test"));
        assert!(!dns.points_at_server("gone.test"));
        assert!(!dns.points_at_server("loop.test"));
        assert!(dns.resolve("gone.test").nxdomain);
    }

    #[test]
    fn parses_states() {
        assert_eq!(
            DnsAnswer::parse("cname:Target.test.").unwrap(),
            DnsAnswer::Cname("target.test".into())
        );
        assert!(DnsAnswer::parse("cname:").is_err());
        assert!(DnsAnswer::parse("pointing").is_err());
    }

    #[test]
    fn answers_a_through_cnames() {
        let answer = respond(&state(), &query("alias.test", TYPE_A)).unwrap();
        assert_eq!(&answer[0..2], &[0x12, 0x34]);
        assert_eq!(answer[3] & 0x0f, 0);
        assert_eq!(u16::from_be_bytes([answer[6], answer[7]]), 2);
        assert_eq!(&answer[answer.len() - 4..], &[127, 0, 0, 1]);
    }

    #[test]
    fn answers_nxdomain_and_refuses_garbage() {
        let answer = respond(&state(), &query("gone.test", TYPE_A)).unwrap();
        assert_eq!(answer[3] & 0x0f, 3);
        assert_eq!(u16::from_be_bytes([answer[6], answer[7]]), 0);
        let away = respond(&state(), &query("away.test", TYPE_A)).unwrap();
        assert_eq!(&away[away.len() - 4..], &[192, 0, 2, 1]);
        let aaaa = respond(&state(), &query("new.test", TYPE_AAAA)).unwrap();
        assert_eq!(u16::from_be_bytes([aaaa[6], aaaa[7]]), 0);
        assert!(respond(&state(), &[1, 2, 3]).is_none());
    }
}
