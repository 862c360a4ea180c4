//! Trust by fingerprint: the server is the one whose leaf certificate hashes (SHA-256 of its
//! DER) to the pin given at enrollment, as with an SSH host key. For a self-signed or private
//! certificate without a CA file. The chain, the name and the validity dates are not checked
//! (the pin names one exact certificate); the handshake signature still is, so only the holder
//! of that certificate's private key can answer.

use std::fmt;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{WebPkiSupportedAlgorithms, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// How a pin is written: `sha256:` and 64 hex digits (colons between bytes are accepted,
/// as `openssl x509 -fingerprint -sha256` prints them).
pub const PIN_PREFIX: &str = "sha256:";

/// The SHA-256 of a certificate's DER encoding.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct CertPin(pub [u8; 32]);

/// A pin that is not `sha256:` followed by 32 bytes of hex.
#[derive(Debug, thiserror::Error)]
#[error("a pin is `sha256:` followed by 64 hex digits (the SHA-256 of the certificate's DER)")]
pub struct BadPin;

impl CertPin {
    /// The pin of one DER certificate.
    pub fn of(der: &[u8]) -> Self {
        Self(Sha256::digest(der).into())
    }

    /// `sha256:HEX` (case-insensitive, colons allowed) as a pin.
    pub fn parse(text: &str) -> Result<Self, BadPin> {
        let text = text.trim();
        let hex_part = text
            .get(..PIN_PREFIX.len())
            .filter(|p| p.eq_ignore_ascii_case(PIN_PREFIX))
            .map(|_| &text[PIN_PREFIX.len()..])
            .ok_or(BadPin)?;
        let digits: String = hex_part.chars().filter(|c| *c != ':').collect();
        let mut pin = [0u8; 32];
        hex::decode_to_slice(&digits, &mut pin).map_err(|_| BadPin)?;
        Ok(Self(pin))
    }
}

impl fmt::Display for CertPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PIN_PREFIX}{}", hex::encode(self.0))
    }
}

impl fmt::Debug for CertPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CertPin({self})")
    }
}

/// Accepts exactly the pinned leaf certificate.
#[derive(Debug)]
pub(super) struct PinVerifier {
    pub(super) pin: CertPin,
    pub(super) algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for PinVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let seen = CertPin::of(end_entity.as_ref());
        if bool::from(seen.0.ct_eq(&self.pin.0)) {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn pins_parse_in_the_forms_tools_print() {
        let hex = "ab".repeat(32);
        let pin = CertPin::parse(&format!("sha256:{hex}")).unwrap();
        assert_eq!(pin.0, [0xab; 32]);
        assert_eq!(pin.to_string(), format!("sha256:{hex}"));
        let colons = vec!["AB"; 32].join(":");
        assert_eq!(CertPin::parse(&format!("SHA256:{colons}")).unwrap(), pin);
    }

    #[test]
    fn malformed_pins_are_refused() {
        for bad in [
            "",
            "ab".repeat(32).as_str(),
            "sha1:abcd",
            &format!("sha256:{}", "ab".repeat(31)),
            &format!("sha256:{}", "zz".repeat(32)),
        ] {
            assert!(CertPin::parse(bad).is_err(), "{bad}");
        }
    }
}
