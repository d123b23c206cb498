//! The web server's side of the certificates: what a browser (or a client checking the
//! certificate after a redeploy) sees in a TLS handshake with a name as SNI.
//!
//! Each web app's server has its own loopback port (`https_port` in its `GET /__sim/state`;
//! the primary one's also in `GET /__sim/dns`), where the simulator presents for each SNI
//! name a certificate naming exactly what that web app's installed certificate covering the
//! name covers (the app's basic one, or the domain's own in advanced mode), or, when none
//! covers it, a fallback certificate for `fallback.invalid`, as nginx presents its default
//! server's certificate for a name it has none for. Each is generated at the handshake and
//! self-signed: what it names is what counts.

use std::fmt;
use std::io::{self, ErrorKind, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::{ServerConfig, ServerConnection};

use crate::background::Background;
use crate::config::AppRef;
use crate::server::StopSignal;
use crate::shared::Shared;

/// The name on the certificate presented for a name no installed certificate covers.
pub(crate) const FALLBACK_NAME: &str = "fallback.invalid";

/// Whether a certificate name covers `host`: the same name, or a wildcard one label above.
pub(crate) fn covers(certificate_name: &str, host: &str) -> bool {
    if certificate_name == host {
        return true;
    }
    match (certificate_name.strip_prefix("*."), host.split_once('.')) {
        (Some(base), Some((_, parent))) => base == parent,
        _ => false,
    }
}

/// Picks, at each handshake, the names of the web app's certificate covering the SNI name.
struct CoveringCertificates {
    shared: Arc<Shared>,
    app: AppRef,
}

impl fmt::Debug for CoveringCertificates {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("CoveringCertificates")
    }
}

impl CoveringCertificates {
    /// The names of the installed certificate that covers `host`, if any.
    fn names_for(&self, host: &str) -> Option<Vec<String>> {
        let ssl = self.shared.ssl(self.app)?;
        ssl.basic
            .into_iter()
            .chain(ssl.domains)
            .find(|certificate| certificate.covers.iter().any(|name| covers(name, host)))
            .map(|certificate| certificate.covers)
    }
}

impl ResolvesServerCert for CoveringCertificates {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let host = hello
            .server_name()
            .unwrap_or(FALLBACK_NAME)
            .to_ascii_lowercase();
        let names = self
            .names_for(&host)
            .unwrap_or_else(|| vec![FALLBACK_NAME.to_string()]);
        certified(names).ok().map(Arc::new)
    }
}

/// A fresh self-signed certificate for `names`, with its key.
fn certified(names: Vec<String>) -> Result<CertifiedKey, String> {
    let generated = rcgen::generate_simple_self_signed(names).map_err(|e| e.to_string())?;
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(generated.key_pair.serialize_der()));
    let signing =
        rustls::crypto::ring::sign::any_supported_type(&key).map_err(|e| e.to_string())?;
    let chain: Vec<CertificateDer<'static>> = vec![generated.cert.der().clone()];
    Ok(CertifiedKey::new(chain, signing))
}

/// Starts the listener presenting the web app `app`'s certificates on a free port of `ip`,
/// until the simulator stops.
pub(crate) fn start_presenting(
    ip: std::net::IpAddr,
    shared: Arc<Shared>,
    app: AppRef,
    stop: Arc<StopSignal>,
) -> io::Result<Background> {
    let listener = TcpListener::bind(SocketAddr::new(ip, 0))?;
    // Polled, so a stop is noticed without a connection arriving.
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(io::Error::other)?
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(CoveringCertificates { shared, app }));
    let config = Arc::new(config);
    Background::spawn("runcloud-sim-served", addr, move || {
        serve(listener, config, stop)
    })
}

fn serve(listener: TcpListener, config: Arc<ServerConfig>, stop: Arc<StopSignal>) {
    while !stop.is_stopped() {
        match listener.accept() {
            Ok((stream, _)) => {
                let config = Arc::clone(&config);
                let _ = thread::Builder::new()
                    .name("runcloud-sim-served-handshake".into())
                    .spawn(move || handshake(stream, config));
            }
            Err(error) if error.kind() == ErrorKind::WouldBlock => {
                thread::sleep(Duration::from_millis(20));
            }
            Err(_) => thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// Completes one handshake, then closes: the certificate is all a client comes for.
fn handshake(mut stream: TcpStream, config: Arc<ServerConfig>) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
    let Ok(mut connection) = ServerConnection::new(config) else {
        return;
    };
    while connection.is_handshaking() {
        if connection.complete_io(&mut stream).is_err() {
            return;
        }
    }
    connection.send_close_notify();
    let _ = connection.complete_io(&mut stream);
    let _ = stream.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_cover_one_label() {
        assert!(covers("shop.test", "shop.test"));
        assert!(covers("*.network.test", "a.network.test"));
        assert!(!covers("*.network.test", "a.b.network.test"));
        assert!(!covers("*.network.test", "network.test"));
        assert!(!covers("shop.test", "www.shop.test"));
    }

    #[test]
    fn presents_the_names_of_the_certificate_covering_the_host() {
        let config = crate::config::SimConfig::new().wildcard_domain("*.network.test");
        let shared = Arc::new(Shared::new(
            config,
            Arc::new(StopSignal::default()),
            "127.0.0.1:9".parse().unwrap(),
        ));
        let resolver = CoveringCertificates {
            app: shared.primary(),
            shared: Arc::clone(&shared),
        };
        let basic = vec!["network.test".to_string(), "*.network.test".to_string()];
        assert_eq!(resolver.names_for("network.test"), Some(basic.clone()));
        assert_eq!(resolver.names_for("site.network.test"), Some(basic));
        assert_eq!(resolver.names_for("shop.example.com"), None);
    }

    #[test]
    fn each_web_app_presents_its_own_certificates() {
        let second = AppRef::new(2, 20);
        let config = crate::config::SimConfig::new().app(second);
        let shared = Arc::new(Shared::new(
            config,
            Arc::new(StopSignal::default()),
            "127.0.0.1:9".parse().unwrap(),
        ));
        let removed = crate::shared::SslChange::new().certificate(false);
        shared.change_ssl(second, removed).unwrap();
        let presenting = |app| CoveringCertificates {
            shared: Arc::clone(&shared),
            app,
        };
        let primary = presenting(shared.primary()).names_for("network.test");
        assert_eq!(primary, Some(vec!["network.test".to_string()]));
        assert_eq!(presenting(second).names_for("network.test"), None);
    }

    #[test]
    fn generates_a_certificate_for_the_names() {
        let key = certified(vec!["a.test".into(), "*.b.test".into()]).unwrap();
        assert_eq!(key.cert.len(), 1);
    }
}
