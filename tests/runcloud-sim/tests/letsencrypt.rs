//! Names' DNS and Let's Encrypt: a basic certificate fails for everybody while one covered
//! name does not point at the server, an advanced one only for that name; failed validations
//! are counted per name and hour; the DNS responder answers on loopback UDP.

mod common;

use std::net::UdpSocket;
use std::time::Duration;

use common::{add, letsencrypt, start, Client};
use runcloud_sim::{DnsAnswer, SimConfig, SslMode};
use serde_json::json;

#[test]
fn a_basic_redeploy_fails_for_every_name_while_one_does_not_point() {
    let sim = start(SimConfig::new());
    let client = Client::v3(&sim);
    add(&client, "ready.example.com");
    add(&client, "late.example.com");
    sim.set_dns("late.example.com", DnsAnswer::Missing);
    let certificate = sim.state().ssl.basic.unwrap();

    let refused = client.put(&format!("/ssl/{}", certificate.id));
    assert_eq!(refused.status, 422);
    let message = refused.body["message"].as_str().unwrap();
    assert!(message.contains("late.example.com"), "{message}");
    assert!(!message.contains("ready.example.com"), "{message}");
    // The certificate served stays the old one: nobody new is covered.
    assert_eq!(sim.state().ssl.basic.unwrap().covers, ["network.test"]);
    let dns = sim.dns();
    assert_eq!(
        dns.failed_validations_last_hour.get("late.example.com"),
        Some(&1)
    );
    assert_eq!(dns.refused_orders, 1);

    // Through a CNAME to a name on the server, the order passes.
    sim.set_dns(
        "late.example.com",
        DnsAnswer::Cname("edge.network.test".into()),
    );
    let redeployed = client.put(&format!("/ssl/{}", certificate.id));
    assert_eq!(redeployed.status, 200, "{}", redeployed.body);
    assert_eq!(
        sim.state().ssl.basic.unwrap().covers,
        ["network.test", "ready.example.com", "late.example.com"]
    );
}

#[test]
fn an_advanced_install_fails_for_that_name_only() {
    let sim = start(SimConfig::new().ssl_mode(SslMode::Advanced));
    let client = Client::v3(&sim);
    let ready = add(&client, "ready.example.com");
    let away = add(&client, "away.example.com");
    sim.set_dns("away.example.com", DnsAnswer::Elsewhere);
    let ok = client.post(&format!("/domains/{ready}/ssl"), letsencrypt());
    assert_eq!(ok.status, 200, "{}", ok.body);
    let refused = client.post(&format!("/domains/{away}/ssl"), letsencrypt());
    assert_eq!(refused.status, 422);
    assert!(refused.body["message"]
        .as_str()
        .unwrap()
        .contains("away.example.com"));
    let certified: Vec<Option<u64>> = sim
        .state()
        .ssl
        .domains
        .iter()
        .map(|c| c.domain_id)
        .collect();
    assert!(certified.contains(&Some(ready)));
    assert!(!certified.contains(&Some(away)));
}

#[test]
fn the_sixth_order_within_the_hour_is_refused_without_validation() {
    let sim = start(SimConfig::new().ssl_mode(SslMode::Advanced));
    let client = Client::v3(&sim);
    let id = add(&client, "bad.example.com");
    sim.set_dns("bad.example.com", DnsAnswer::Elsewhere);
    for _ in 0..5 {
        assert_eq!(
            client
                .post(&format!("/domains/{id}/ssl"), letsencrypt())
                .status,
            422
        );
    }
    sim.set_dns("bad.example.com", DnsAnswer::Server);
    let refused = client.post(&format!("/domains/{id}/ssl"), letsencrypt());
    assert_eq!(refused.status, 422);
    assert!(refused.body["message"]
        .as_str()
        .unwrap()
        .contains("too many failed authorizations"));
    assert_eq!(
        sim.dns()
            .failed_validations_last_hour
            .get("bad.example.com"),
        Some(&5)
    );
}

#[test]
fn the_control_api_sets_dns_and_refuses_bad_states() {
    let sim = start(SimConfig::new());
    let root = Client::root(&sim, common::Auth::v3());
    let set = root.post("/__sim/dns", json!({"names": {"a.example.com": "missing"}}));
    assert_eq!(set.status, 200);
    assert_eq!(set.body["names"], json!({"a.example.com": "missing"}));
    let bad = root.post(
        "/__sim/dns",
        json!({"names": {"b.example.com": "nowhere", "c.example.com": "missing"}}),
    );
    assert_eq!(bad.status, 422);
    assert_eq!(sim.dns().names.len(), 1, "nothing changes on a bad state");
    assert_eq!(root.delete("/__sim/dns").status, 200);
    assert!(sim.dns().names.is_empty());
}

/// A DNS query for `name`, type A, as a stub resolver sends it.
fn query(name: &str) -> Vec<u8> {
    let mut packet = vec![0xab, 0xcd, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
    for label in name.split('.') {
        packet.push(label.len() as u8);
        packet.extend_from_slice(label.as_bytes());
    }
    packet.extend_from_slice(&[0, 0, 1, 0, 1]);
    packet
}

#[test]
fn the_responder_answers_on_loopback_udp() {
    let sim = start(SimConfig::new());
    sim.set_dns("gone.example.com", DnsAnswer::Missing);
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut buffer = [0u8; 512];
    socket
        .send_to(&query("shop.example.com"), sim.dns_addr())
        .unwrap();
    let (length, _) = socket.recv_from(&mut buffer).unwrap();
    assert_eq!(&buffer[0..2], &[0xab, 0xcd]);
    assert_eq!(buffer[3] & 0x0f, 0);
    assert_eq!(&buffer[length - 4..length], &[127, 0, 0, 1]);
    socket
        .send_to(&query("gone.example.com"), sim.dns_addr())
        .unwrap();
    let (_, _) = socket.recv_from(&mut buffer).unwrap();
    assert_eq!(buffer[3] & 0x0f, 3, "NXDOMAIN");
    assert_eq!(sim.dns_addr().port(), sim.addr().port());
}
