//! The `runcloud-sim` binary as scripts use it: one line on stdout, flags, refusal of
//! non-loopback addresses, a clean stop on SIGTERM and SIGINT, concurrent clients, and HTTPS
//! with the certificate it writes out.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{agent, Auth, Client};
use runcloud_sim::{SimConfig, Simulator};
use serde_json::json;

const BINARY: &str = env!("CARGO_BIN_EXE_runcloud-sim");
/// Far more than a start or a stop takes; only a broken binary waits this long.
const PATIENCE: Duration = Duration::from_secs(10);

/// A started binary; killed on drop if a test failed before stopping it.
struct SimProcess {
    child: Child,
    stdout: Option<BufReader<ChildStdout>>,
    line: String,
}

impl SimProcess {
    /// Starts the binary with `args` and waits for its first stdout line.
    fn start(args: &[&str]) -> SimProcess {
        let mut child = Command::new(BINARY)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let (stdout, line) = first_line(stdout);
        SimProcess {
            child,
            stdout: Some(stdout),
            line,
        }
    }

    /// `http://127.0.0.1:PORT` or `https://...` from the line.
    fn base_url(&self) -> &str {
        self.line
            .trim_end()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {:?}", self.line))
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    /// Waits for the exit; returns its status, whatever else was printed on stdout, and how
    /// long the exit took. Anything on stderr fails the test: a clean run prints nothing
    /// there (and so never a credential).
    fn wait(mut self) -> (ExitStatus, String, Duration) {
        let started = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(started.elapsed() < PATIENCE, "the simulator did not stop");
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut rest = String::new();
        self.stdout
            .take()
            .unwrap()
            .read_to_string(&mut rest)
            .unwrap();
        let mut errors = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut errors)
            .unwrap();
        assert_eq!(errors, "", "nothing on stderr");
        (status, rest, started.elapsed())
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Reads one line in a thread, so a binary that never prints fails the test instead of
/// hanging it.
fn first_line(mut stdout: BufReader<ChildStdout>) -> (BufReader<ChildStdout>, String) {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = stdout.read_line(&mut line);
        let _ = sender.send((stdout, line));
    });
    receiver
        .recv_timeout(PATIENCE)
        .expect("the simulator printed its line in time")
}

/// Whether `line` is exactly `listening on {scheme}://127.0.0.1:PORT\n` with a real port.
fn is_listening_line(line: &str, scheme: &str) -> bool {
    let Some(port) = line
        .strip_prefix(&format!("listening on {scheme}://127.0.0.1:"))
        .and_then(|rest| rest.strip_suffix('\n'))
    else {
        return false;
    };
    port.parse::<u16>().is_ok_and(|port| port > 0)
}

/// Runs the binary to its end with `args` (for runs that must not start serving).
fn run_to_end(args: &[&str]) -> (ExitStatus, String, String) {
    let mut child = Command::new(BINARY)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > PATIENCE {
            let _ = child.kill();
            panic!("runcloud-sim {args:?} kept running");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    (
        output.status,
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A file in the system's temporary directory, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str) -> TempFile {
        let path = std::env::temp_dir().join(format!("runcloud-sim-{}-{name}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn prints_one_line_serves_and_stops_on_sigterm() {
    let sim = SimProcess::start(&["--listen", "127.0.0.1:0", "--rate-limit", "0"]);
    assert!(is_listening_line(&sim.line, "http"), "{:?}", sim.line);
    let ping = Client::new(sim.base_url(), Auth::v3()).get("/api/v3/ping");
    assert_eq!(ping.status, 200);
    assert_eq!(ping.body, json!({"message": "pong"}));
    sim.signal("TERM");
    let (status, rest, took) = sim.wait();
    assert!(status.success(), "{status:?}");
    assert_eq!(rest, "", "nothing but the one line on stdout");
    assert!(took < Duration::from_secs(3), "stopped in {took:?}");
}

#[test]
fn stops_on_sigint_with_clients_still_connected() {
    let sim = SimProcess::start(&["--rate-limit", "0"]);
    let base = sim.base_url().to_string();
    // A kept-alive connection and a request hanging in a fault must not delay the stop.
    let idle = Client::new(&base, Auth::v3());
    assert_eq!(idle.get("/api/v3/ping").status, 200);
    let control = Client::new(&base, Auth::None);
    assert_eq!(
        control
            .post("/__sim/faults", json!({"kind": "hang"}))
            .status,
        200
    );
    let hung = std::thread::spawn(move || {
        Client::new(&base, Auth::v3()).try_call("GET", "/api/v3/ping", None)
    });
    std::thread::sleep(Duration::from_millis(200));
    sim.signal("INT");
    let (status, _, took) = sim.wait();
    assert!(status.success(), "{status:?}");
    assert!(took < Duration::from_secs(3), "stopped in {took:?}");
    assert!(hung.join().unwrap().is_err(), "the hung request is cut off");
}

#[test]
fn flags_set_credentials_ids_seeding_and_limits() {
    let sim = SimProcess::start(&[
        "--token",
        "T0K",
        "--api-key",
        "K3Y",
        "--api-secret",
        "S3C",
        "--server-id",
        "7",
        "--app-id",
        "9",
        "--extra-domains",
        "3",
        "--wildcard-domain",
        "*.network.test",
        "--rate-limit",
        "5",
        "--primary-domain",
        "main.test",
        "--webapp-name",
        "shop",
    ]);
    let base = sim.base_url();
    let v3 = Client::new(
        &format!("{base}/api/v3/servers/7/webapps/9"),
        Auth::Bearer("T0K".into()),
    );
    let list = v3.get("/domains");
    assert_eq!(list.status, 200);
    assert_eq!(list.body["meta"]["pagination"]["total"], 5);
    assert_eq!(list.body["data"][0]["name"], "main.test");
    assert_eq!(list.body["data"][0]["type"], "primary");
    assert_eq!(list.body["data"][1]["name"], "site-00001.example.test");
    assert_eq!(list.body["data"][4]["name"], "network.test");
    assert_eq!(list.body["data"][4]["wildcard"], 1);
    assert_eq!(v3.get("").body["name"], "shop");
    assert_eq!(list.number_header("X-RateLimit-Limit"), 5);
    let v2 = Client::new(
        &format!("{base}/api/v2/servers/7/webapps/9"),
        Auth::Basic("K3Y".into(), "S3C".into()),
    );
    assert_eq!(v2.get("/domains").status, 200);
    assert_eq!(
        Client::new(base, Auth::v3()).get("/api/v3/ping").status,
        401
    );
    sim.signal("TERM");
    assert!(sim.wait().0.success());
}

#[test]
fn ssl_and_latency_flags_shape_the_start() {
    let sim = SimProcess::start(&[
        "--ssl-mode",
        "advanced",
        "--auto-ssl",
        "--latency-ms",
        "150",
        "--rate-limit",
        "0",
    ]);
    let client = Client::new(
        &format!("{}/api/v3/servers/1/webapps/1", sim.base_url()),
        Auth::v3(),
    );
    let started = Instant::now();
    let mode = client.get("/ssl/advanced");
    assert!(started.elapsed() >= Duration::from_millis(150));
    assert_eq!(mode.body, json!({"advancedSSL": true, "autoSSL": true}));
    assert_eq!(client.get("/domains/1/ssl").status, 200);
    sim.signal("TERM");
    assert!(sim.wait().0.success());

    let bare = SimProcess::start(&["--no-certificate", "--rate-limit", "0"]);
    let client = Client::new(
        &format!("{}/api/v3/servers/1/webapps/1", bare.base_url()),
        Auth::v3(),
    );
    assert_eq!(
        client.get("/ssl").body,
        json!({"message": "SSL not installed!"})
    );
    bare.signal("TERM");
    assert!(bare.wait().0.success());
}

#[test]
fn app_flags_add_web_apps_of_the_account() {
    let sim = SimProcess::start(&["--app", "2:20", "--app", "3:30", "--ssl-mode", "advanced"]);
    let base = sim.base_url();
    for app in [
        "servers/1/webapps/1",
        "servers/2/webapps/20",
        "servers/3/webapps/30",
    ] {
        let client = Client::new(&format!("{base}/api/v3/{app}"), Auth::v3());
        let mode = client.get("/ssl/advanced");
        assert_eq!(mode.status, 200, "{app}");
        assert_eq!(
            mode.body["advancedSSL"], true,
            "{app}: seeded as the primary"
        );
    }
    let state = Client::new(base, Auth::None).get("/__sim/state?app=3:30");
    assert_eq!((state.status, &state.body["app_id"]), (200, &json!(30)));
    assert_eq!(state.body["apps"], json!(["1:1", "2:20", "3:30"]));
    sim.signal("TERM");
    assert!(sim.wait().0.success());
}

#[test]
fn bad_app_flags_stop_the_start() {
    for value in ["0:1", "2", "a:b", "2:20:1", "2:-1", ""] {
        let (status, stdout, stderr) = run_to_end(&["--app", value]);
        assert_eq!(status.code(), Some(2), "{value:?}");
        assert_eq!(stdout, "", "{value:?}");
        assert!(
            stderr.contains("--app") && stderr.contains("SERVER:APP"),
            "{value:?}: {stderr}"
        );
    }
    for args in [
        &["--app", "1:1"][..],
        &["--server-id", "2", "--app-id", "20", "--app", "2:20"],
        &["--app", "2:20", "--app", "2:20"],
    ] {
        let (status, stdout, stderr) = run_to_end(args);
        assert_eq!(status.code(), Some(1), "{args:?}");
        assert_eq!(stdout, "", "{args:?}");
        assert!(stderr.contains("given twice"), "{args:?}: {stderr}");
    }
}

#[test]
fn serves_many_clients_at_once() {
    let sim = SimProcess::start(&["--rate-limit", "0", "--extra-domains", "100"]);
    let base = sim.base_url().to_string();
    std::thread::scope(|scope| {
        for _ in 0..16 {
            let base = base.as_str();
            scope.spawn(move || {
                let client = Client::new(&format!("{base}/api/v3/servers/1/webapps/1"), Auth::v3());
                for page in 1..=6 {
                    let answer = client.get(&format!("/domains?page={page}"));
                    assert_eq!(answer.status, 200);
                    assert_eq!(answer.body["meta"]["pagination"]["current_page"], page);
                }
            });
        }
    });
    sim.signal("TERM");
    assert!(sim.wait().0.success());
}

#[test]
fn the_binary_refuses_non_loopback_addresses() {
    for address in ["0.0.0.0:0", "192.0.2.1:0", "[::]:0"] {
        let (status, stdout, stderr) = run_to_end(&["--listen", address]);
        assert_eq!(status.code(), Some(1), "{address}");
        assert_eq!(stdout, "", "{address}: no listening line");
        assert!(stderr.contains("loopback"), "{address}: {stderr}");
    }
}

#[test]
fn the_library_refuses_non_loopback_addresses() {
    for address in ["0.0.0.0:0", "10.1.2.3:0", "[::]:0"] {
        let listen: SocketAddr = address.parse().unwrap();
        let error = Simulator::start(SimConfig::new().listen(listen))
            .err()
            .unwrap_or_else(|| panic!("{address} was accepted"));
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput, "{address}");
    }
}

#[test]
fn any_loopback_address_is_accepted() {
    for address in ["127.0.0.1:0", "127.0.0.2:0", "[::1]:0"] {
        let listen: SocketAddr = address.parse().unwrap();
        let sim = Simulator::start(SimConfig::new().listen(listen)).expect(address);
        assert_eq!(sim.addr().ip(), listen.ip());
        assert_eq!(
            Client::root(&sim, Auth::v3()).get("/api/v3/ping").status,
            200
        );
    }
}

#[test]
fn bad_flags_print_the_usage_and_fail() {
    for args in [
        &["--frobnicate"][..],
        &["--server-id", "seven"],
        &["--ssl-mode", "fancy"],
        &["--token"],
    ] {
        let (status, stdout, stderr) = run_to_end(args);
        assert_eq!(status.code(), Some(2), "{args:?}");
        assert_eq!(stdout, "", "{args:?}");
        assert!(stderr.contains("usage: runcloud-sim"), "{args:?}: {stderr}");
    }
    let (status, _, stderr) = run_to_end(&["--auto-ssl"]);
    assert_eq!(status.code(), Some(1), "AutoSSL needs advanced SSL");
    assert!(stderr.contains("AutoSSL"), "{stderr}");
}

#[test]
fn help_prints_the_usage() {
    let (status, stdout, _) = run_to_end(&["--help"]);
    assert!(status.success());
    assert!(stdout.starts_with("usage: runcloud-sim"));
    assert!(stdout.contains("--tls-cert-out"));
    assert!(stdout.contains("--app SERVER:APP"));
}

#[test]
fn tls_mode_serves_https_to_a_client_trusting_the_written_certificate() {
    let pem_file = TempFile::new("tls.pem");
    let sim = SimProcess::start(&[
        "--tls",
        "--tls-cert-out",
        pem_file.0.to_str().unwrap(),
        "--rate-limit",
        "0",
    ]);
    assert!(is_listening_line(&sim.line, "https"), "{:?}", sim.line);
    let pem = std::fs::read_to_string(&pem_file.0).expect("the certificate was written");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    assert!(
        !pem.contains("PRIVATE KEY"),
        "only the certificate is written"
    );

    let trusting = Client::with_agent(agent(Some(&pem)), sim.base_url(), Auth::v3());
    let ping = trusting.get("/api/v3/ping");
    assert_eq!(ping.status, 200);
    assert_eq!(ping.body, json!({"message": "pong"}));
    let list = trusting.get("/api/v3/servers/1/webapps/1/domains?perPage=1");
    assert_eq!(list.status, 200);
    assert_eq!(list.body["data"][0]["name"], "network.test");

    let untrusting = Client::new(sim.base_url(), Auth::v3());
    assert!(
        untrusting.try_call("GET", "/api/v3/ping", None).is_err(),
        "a self-signed certificate is not trusted by default"
    );
    let plain_url = sim.base_url().replacen("https://", "http://", 1);
    assert!(
        Client::new(&plain_url, Auth::v3())
            .try_call("GET", "/api/v3/ping", None)
            .is_err(),
        "no plain HTTP on a TLS port"
    );
    sim.signal("TERM");
    assert!(sim.wait().0.success());
}

#[test]
fn tls_links_use_the_https_origin() {
    let sim = common::start(SimConfig::new().tls(true).extra_domains(25));
    assert!(sim.base_url().starts_with("https://127.0.0.1:"));
    let pem = sim.certificate_pem().expect("a certificate in TLS mode");
    let client = Client::with_agent(agent(Some(pem)), &sim.app_url("v3"), Auth::v3());
    let first = client.get("/domains");
    let next = first.body["meta"]["pagination"]["links"]["next"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(next.starts_with(&format!("{}/", sim.base_url())), "{next}");
    let second = client.get(&next);
    assert_eq!(second.body["meta"]["pagination"]["current_page"], 2);
    assert!(common::start(SimConfig::new()).certificate_pem().is_none());
}

#[test]
fn seeds_ten_thousand_domains_for_benchmarks() {
    let sim = SimProcess::start(&["--extra-domains", "10000", "--rate-limit", "0"]);
    let client = Client::new(
        &format!("{}/api/v3/servers/1/webapps/1", sim.base_url()),
        Auth::v3(),
    );
    let last = client.get("/domains?perPage=40&page=251");
    let meta = &last.body["meta"]["pagination"];
    assert_eq!(meta["total"], 10_001);
    assert_eq!(meta["total_pages"], 251);
    assert_eq!(meta["count"], 1);
    assert_eq!(last.body["data"][0]["name"], "site-10000.example.test");
    sim.signal("TERM");
    assert!(sim.wait().0.success());
}
