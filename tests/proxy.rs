//! Proxies only when configured: the environment's HTTP_PROXY and the like
//! (which under CGI a request header can set, "httpoxy") are never used.
//!
//! One test binary of its own, as it changes the process's environment.

mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use runcloud_sim::SimConfig;
use wu_runcloud::config::Config;
use wu_runcloud::{operations, Client, Error};

use common::{constants_for, fast_limits, start, Auth};

/// A listener standing in for a proxy: it reports the first line of each
/// connection it gets, then closes it.
fn recording_proxy() -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut line = String::new();
            let _ = BufReader::new(&stream).read_line(&mut line);
            if sender.send(line).is_err() {
                return;
            }
        }
    });
    (url, receiver)
}

#[test]
fn the_environment_is_never_read_and_the_configured_proxy_always_is() {
    let (url, seen) = recording_proxy();
    for name in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        std::env::set_var(name, &url);
    }
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("no_proxy");
    let sim = start(SimConfig::new());
    let constants = constants_for(&sim, Auth::V3);
    let config = Config::from_constants(&constants, fast_limits()).unwrap();

    let direct = Client::new(config.clone());
    operations::test_connection(&direct).expect("sent directly, not to the proxy");
    assert!(!sim.requests().is_empty());
    assert!(
        seen.recv_timeout(Duration::from_millis(200)).is_err(),
        "the environment's proxy was used"
    );

    let proxied = Client::new(config.with_proxy(Some(&url)).unwrap());
    let error = operations::test_connection(&proxied).unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    let first_line = seen.recv_timeout(Duration::from_secs(2)).unwrap();
    let target = sim.base_url().trim_start_matches("http://");
    assert!(first_line.contains(target), "{first_line}");
}
