//! Certificates made on the spot for tests (feature `test-support`): a private CA and leaf
//! certificates it signs for 127.0.0.1, so that TLS tests run without files from outside.
#![allow(clippy::expect_used)] // a test helper: failing loudly is its job

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};

use super::CertPin;

/// A CA that signs leaf certificates.
#[allow(missing_debug_implementations)] // holds a private key: nothing to show
pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    /// The CA certificate, PEM (what a client given `--ca-file` trusts).
    pub cert_pem: String,
}

/// A leaf certificate and its private key.
#[derive(Debug, Clone)]
pub struct TestLeaf {
    /// The certificate alone, PEM.
    pub cert_pem: String,
    /// Its private key, PKCS#8 PEM.
    pub key_pem: String,
    /// The certificate's DER (what a pin hashes).
    pub der: Vec<u8>,
}

impl TestLeaf {
    /// The certificate followed by the CA's (a chain as servers present it).
    pub fn chain_pem(&self, ca: &TestCa) -> String {
        format!("{}{}", self.cert_pem, ca.cert_pem)
    }

    /// The pin of this certificate.
    pub fn pin(&self) -> CertPin {
        CertPin::of(&self.der)
    }
}

impl TestCa {
    /// A new self-signed CA named `name`, with a fresh key.
    pub fn new(name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let key = KeyPair::generate().expect("CA key");
        let cert = params.self_signed(&key).expect("CA certificate");
        Self {
            cert_pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A certificate for `names` (IP addresses or DNS names) signed by this CA.
    pub fn leaf(&self, names: &[&str]) -> TestLeaf {
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let params = CertificateParams::new(names).expect("leaf parameters");
        let key = KeyPair::generate().expect("leaf key");
        let cert = params
            .signed_by(&key, &self.issuer)
            .expect("leaf certificate");
        TestLeaf {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            der: cert.der().to_vec(),
        }
    }
}
