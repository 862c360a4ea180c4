//! Agent request signatures (docs/api.md, "Signed requests"): HMAC-SHA-256 under the agent's
//! 32-byte secret over
//! `METHOD \n PATH_WITH_QUERY \n X-Timestamp \n X-Nonce \n hex(SHA-256(body))`,
//! sent as 64 lower-case hex characters. The headers' formats are checked first, then the
//! clock (±300 s), then the tag, in constant time. Replayed nonces are the nonce store's to
//! refuse (a verified signature says which nonce to record).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use thiserror::Error;
use xdr_crypto::{hmac_sha256_hex, sha256_hex, verify_hmac_sha256};
use zeroize::Zeroizing;

/// How far an agent's clock may be from the server's, either way.
pub const MAX_SKEW_SECONDS: i64 = 300;
/// Bytes of an agent secret.
pub const AGENT_SECRET_LEN: usize = 32;
const NONCE_HEX: std::ops::RangeInclusive<usize> = 32..=128;
const SIGNATURE_HEX: usize = 64;

/// Why a signature was refused. Every case answers the same 401 `invalid_signature`; the
/// variants are for logs and tests.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignatureError {
    #[error("the {0} header is missing")]
    Missing(&'static str),
    #[error("X-Timestamp is not unix seconds in decimal")]
    MalformedTimestamp,
    #[error("X-Nonce is not 16-64 bytes of lower-case hex")]
    MalformedNonce,
    #[error("X-Signature is not 64 lower-case hex characters")]
    MalformedSignature,
    #[error("X-Timestamp is {skew} s away from the server's clock")]
    Skewed { skew: i64 },
    #[error("the signature does not match")]
    Mismatch,
}

/// What a signed request carries, as received.
#[derive(Debug, Clone, Copy)]
pub struct SignedRequest<'a> {
    pub method: &'a str,
    pub path_with_query: &'a str,
    pub timestamp: Option<&'a str>,
    pub nonce: Option<&'a str>,
    pub signature: Option<&'a str>,
    pub body: &'a [u8],
}

/// A signature that verified: the request's time and the nonce to record as seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub timestamp: i64,
    pub nonce: String,
}

/// The bytes an agent signs.
pub fn canonical_message(
    method: &str,
    path_with_query: &str,
    timestamp: &str,
    nonce: &str,
    body: &[u8],
) -> String {
    format!(
        "{method}\n{path_with_query}\n{timestamp}\n{nonce}\n{}",
        sha256_hex(body)
    )
}

/// The `X-Signature` of a request (what the agent sends).
pub fn sign(
    key: &[u8],
    method: &str,
    path_with_query: &str,
    timestamp: &str,
    nonce: &str,
    body: &[u8],
) -> String {
    let message = canonical_message(method, path_with_query, timestamp, nonce, body);
    hmac_sha256_hex(key, message.as_bytes())
}

/// The key of an agent secret as issued: 32 bytes, base64url without padding.
pub fn decode_secret(secret: &str) -> Option<Zeroizing<Vec<u8>>> {
    let bytes = Zeroizing::new(URL_SAFE_NO_PAD.decode(secret).ok()?);
    (bytes.len() == AGENT_SECRET_LEN).then_some(bytes)
}

fn is_lower_hex(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    let digit = |b: u8| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    };
    s.as_bytes()
        .chunks(2)
        .map(|pair| match pair {
            [hi, lo] => Some(digit(*hi)? << 4 | digit(*lo)?),
            _ => None,
        })
        .collect()
}

/// Checks `request`'s signature under `key` at server time `now` (unix seconds).
pub fn verify(
    key: &[u8],
    request: &SignedRequest<'_>,
    now: i64,
) -> Result<Verified, SignatureError> {
    let timestamp = request
        .timestamp
        .ok_or(SignatureError::Missing("X-Timestamp"))?;
    let nonce = request.nonce.ok_or(SignatureError::Missing("X-Nonce"))?;
    let signature = request
        .signature
        .ok_or(SignatureError::Missing("X-Signature"))?;
    // Digits only: `i64::from_str` would also take "+1767225600".
    if timestamp.is_empty()
        || timestamp.len() > 12
        || !timestamp.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(SignatureError::MalformedTimestamp);
    }
    let sent: i64 = timestamp
        .parse()
        .map_err(|_| SignatureError::MalformedTimestamp)?;
    if !NONCE_HEX.contains(&nonce.len()) || nonce.len() % 2 != 0 || !is_lower_hex(nonce) {
        return Err(SignatureError::MalformedNonce);
    }
    if signature.len() != SIGNATURE_HEX || !is_lower_hex(signature) {
        return Err(SignatureError::MalformedSignature);
    }
    let tag = decode_hex(signature).ok_or(SignatureError::MalformedSignature)?;
    let skew = sent - now;
    if skew.abs() > MAX_SKEW_SECONDS {
        return Err(SignatureError::Skewed { skew });
    }
    let message = canonical_message(
        request.method,
        request.path_with_query,
        timestamp,
        nonce,
        request.body,
    );
    if !verify_hmac_sha256(key, message.as_bytes(), &tag) {
        return Err(SignatureError::Mismatch);
    }
    Ok(Verified {
        timestamp: sent,
        nonce: nonce.to_owned(),
    })
}

#[cfg(test)]
#[path = "agent_signature_tests.rs"]
mod tests;
