//! `runcloud-sim`: the RunCloud API simulator as a process.
//!
//! Prints exactly one line, `listening on http://127.0.0.1:PORT`, once it accepts
//! connections, and stops cleanly on SIGTERM or SIGINT.

use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use runcloud_sim::{AppRef, SimConfig, Simulator, SslMode};

const USAGE: &str = "\
usage: runcloud-sim [options]
  --listen ADDR            loopback address and port (default 127.0.0.1:0, a free port)
  --token T                API v3 bearer token
  --api-key K              API v2 key
  --api-secret S           API v2 secret
  --server-id N            the primary web app's server id (default 1)
  --app-id M               the primary web app's id (default 1)
  --app SERVER:APP         another web app of the account, seeded as the primary one is
                           (domains, SSL) and changed on its own; repeatable
  --webapp-name NAME       web app name (default multisite)
  --primary-domain NAME    the web app's primary domain (default network.test)
  --extra-domains N        seed N more alias domains (site-00001.example.test, ...)
  --wildcard-domain NAME   seed NAME (or *.NAME) as a wildcard domain; repeatable
  --rate-limit N           requests per window, 0 for unlimited (default 60)
  --rate-window SECS       length of the rate-limit window (default 60)
  --latency-ms MS          delay before every API answer (default 0)
  --ssl-mode basic|advanced
  --auto-ssl               AutoSSL on (advanced mode only)
  --no-certificate         start without any certificate installed
  --tls                    serve HTTPS with a freshly generated self-signed certificate
  --tls-cert-out PATH      write that certificate (PEM) to PATH
  --ignore-search          the domain list ignores its search parameter (unconfirmed on RunCloud)
The control API lives under /__sim/ (state, requests, faults, latency, rate-limit, ssl, search, domains,
dns, clock, reset); app=SERVER:APP aims state, requests, faults, ssl and domains at one web app.
The names' DNS is served on UDP at the same address and port.";

fn main() -> ExitCode {
    let config = match parse_args(std::env::args().skip(1)) {
        Ok(Some(config)) => config,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("runcloud-sim: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        if let Err(error) = signal_hook::flag::register(signal, Arc::clone(&stop)) {
            eprintln!("runcloud-sim: cannot handle signal {signal}: {error}");
            return ExitCode::FAILURE;
        }
    }
    let simulator = match Simulator::start(config) {
        Ok(simulator) => simulator,
        Err(error) => {
            eprintln!("runcloud-sim: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout();
    // The one line scripts wait for; flushed because stdout is usually a pipe.
    let _ = writeln!(stdout, "listening on {}", simulator.base_url());
    let _ = stdout.flush();
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(50));
    }
    simulator.shutdown();
    ExitCode::SUCCESS
}

/// Reads the command line; `Ok(None)` asks for the usage text.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<SimConfig>, String> {
    let mut config = SimConfig::new();
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        config = match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--listen" => config.listen(parse(&flag, &value()?)?),
            "--token" => config.token(&value()?),
            "--api-key" => config.api_key(&value()?),
            "--api-secret" => config.api_secret(&value()?),
            "--server-id" => config.server_id(parse(&flag, &value()?)?),
            "--app-id" => config.app_id(parse(&flag, &value()?)?),
            "--app" => config.app(AppRef::parse(&value()?).map_err(|e| format!("--app: {e}"))?),
            "--webapp-name" => config.webapp_name(&value()?),
            "--primary-domain" => config.primary_domain(&value()?),
            "--extra-domains" => config.extra_domains(parse(&flag, &value()?)?),
            "--wildcard-domain" => config.wildcard_domain(&value()?),
            "--rate-limit" => config.rate_limit(parse(&flag, &value()?)?),
            "--rate-window" => config.rate_window(Duration::from_secs(parse(&flag, &value()?)?)),
            "--latency-ms" => config.latency(Duration::from_millis(parse(&flag, &value()?)?)),
            "--ssl-mode" => {
                let mode = value()?;
                config.ssl_mode(
                    SslMode::parse(&mode).ok_or_else(|| format!("unknown SSL mode {mode:?}"))?,
                )
            }
            "--auto-ssl" => config.auto_ssl(true),
            "--no-certificate" => config.certificate(false),
            "--tls" => config.tls(true),
            "--tls-cert-out" => config.tls_cert_out(value()?),
            "--ignore-search" => config.search_filters(false),
            other => return Err(format!("unknown option {other:?}")),
        };
    }
    Ok(Some(config))
}

fn parse<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{flag}: {text:?} is not valid"))
}
