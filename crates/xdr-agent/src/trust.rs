//! Which server the agent believes: the scheme it may use and how the server's certificate is
//! checked. Plain `http://` only to this host (a test, or a proxy beside the agent); across a
//! network the agent sends its enrollment token, secret-signed requests and events only over
//! TLS. The certificate is checked against the system's roots, the CAs of `--ca-file`, or one
//! exact certificate by its `--pin sha256:HEX`.

use std::path::PathBuf;

use reqwest::Url;
use rustls::ClientConfig;
use xdr_crypto::tls::{self, CertPin, Trust};

use crate::reply::ClientError;

/// How the server's certificate is checked; kept in the state file by `enroll` for `run`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerTrust {
    /// PEM bundle of the only CAs trusted for the server.
    pub ca_file: Option<PathBuf>,
    /// The SHA-256 of the only certificate accepted (instead of a CA).
    pub pin: Option<CertPin>,
}

impl ServerTrust {
    /// The client's TLS settings. A CA file and a pin together are refused: each alone decides.
    pub(crate) fn client_config(&self) -> Result<ClientConfig, ClientError> {
        let pem = match (&self.ca_file, self.pin) {
            (Some(_), Some(_)) => {
                return Err(ClientError::Tls("give --ca-file or --pin, not both".into()));
            }
            (Some(path), None) => Some(
                std::fs::read(path)
                    .map_err(|e| ClientError::CaFile(format!("{}: {e}", path.display())))?,
            ),
            (None, _) => None,
        };
        let trust = match (&pem, self.pin) {
            (Some(pem), _) => Trust::PemBundle(pem),
            (None, Some(pin)) => Trust::Pin(pin),
            (None, None) => Trust::SystemRoots,
        };
        tls::client_config(trust).map_err(|e| match e {
            tls::TlsError::Settings(detail) => ClientError::Tls(detail),
            bundle => ClientError::CaFile(bundle.to_string()),
        })
    }
}

/// Whether the server is on this host: `localhost` or a loopback address.
pub(crate) fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `https://` anywhere, `http://` only to this host.
pub(crate) fn check_scheme(url: &Url) -> Result<(), ClientError> {
    if url.scheme() == "http" && !is_loopback(url) {
        return Err(ClientError::PlainHttp(
            url.host_str().unwrap_or_default().to_owned(),
        ));
    }
    Ok(())
}

/// Why a transport error happened, when it is our refusal of the server's certificate.
pub(crate) fn refused_certificate(error: &reqwest::Error) -> Option<String> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        if let Some(rustls::Error::InvalidCertificate(why)) =
            current.downcast_ref::<rustls::Error>()
        {
            return Some(format!("{why:?}"));
        }
        // io::Error's `source()` skips the error it wraps (hyper nests two), so step into it.
        cause = match current.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|e| e as &(dyn std::error::Error + 'static)),
            None => current.source(),
        };
    }
    None
}

/// `--pin` as clap reads it.
pub fn parse_pin(text: &str) -> Result<CertPin, String> {
    CertPin::parse(text).map_err(|e| e.to_string())
}

/// The pin in the state file, as `sha256:HEX`.
pub(crate) mod pin_text {
    use serde::{Deserialize, Deserializer, Serializer};
    use xdr_crypto::tls::CertPin;

    pub fn serialize<S: Serializer>(pin: &Option<CertPin>, s: S) -> Result<S::Ok, S::Error> {
        match pin {
            Some(pin) => s.serialize_str(&pin.to_string()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<CertPin>, D::Error> {
        let text = Option::<String>::deserialize(d)?;
        text.map(|t| CertPin::parse(&t).map_err(serde::de::Error::custom))
            .transpose()
    }
}
