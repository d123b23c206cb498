//! HTTPS with a certificate generated at start, for clients that must be made to trust it.

use std::io;
use std::net::TcpStream;
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

/// A fresh self-signed identity for the loopback names.
pub(crate) struct TlsIdentity {
    /// The certificate as PEM, for a client's trust store.
    pub certificate_pem: String,
    config: Arc<ServerConfig>,
}

impl TlsIdentity {
    /// Generates a key pair and a certificate for `localhost`, `127.0.0.1` and `::1`.
    pub(crate) fn generate() -> io::Result<TlsIdentity> {
        let names = vec![
            "localhost".to_string(),
            "127.0.0.1".to_string(),
            "::1".to_string(),
        ];
        let generated = rcgen::generate_simple_self_signed(names).map_err(io::Error::other)?;
        let certificate: CertificateDer<'static> = generated.cert.der().clone();
        let key =
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(generated.key_pair.serialize_der()));
        // The provider is named rather than taken from the process default, which is ambiguous
        // when another crate in the same build enables a second one.
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(io::Error::other)?
            .with_no_client_auth()
            .with_single_cert(vec![certificate], key)
            .map_err(io::Error::other)?;
        Ok(TlsIdentity {
            certificate_pem: generated.cert.pem(),
            config: Arc::new(config),
        })
    }

    /// Wraps an accepted connection; the handshake happens on the first read.
    pub(crate) fn wrap(
        &self,
        stream: TcpStream,
    ) -> io::Result<StreamOwned<ServerConnection, TcpStream>> {
        let connection =
            ServerConnection::new(Arc::clone(&self.config)).map_err(io::Error::other)?;
        Ok(StreamOwned::new(connection, stream))
    }
}
