//! Access tokens: HS256 JWTs signed with the newest key of a `kid` key ring.
//!
//! Verification accepts only HS256, looks the key up by the header's `kid`, and always checks
//! `exp`, `iss`, `aud` and `typ`. Any failure is a plain `TokenError::Invalid`: callers learn
//! nothing about why a token was refused.

use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, Utc};
use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode,
};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;
use xdr_domain::identity::Role;
use xdr_domain::{OrganizationId, SessionId, UserId};

/// Shortest HMAC key accepted (RFC 7518 3.2: at least the hash output size).
pub const MIN_JWT_KEY_BYTES: usize = 32;
/// The `typ` claim of an API access token (a bearer token).
pub const ACCESS_TOKEN_TYPE: &str = "access";
/// The `typ` claim of a web console session token (carried in a cookie, never as a bearer):
/// each kind is refused where the other is expected.
pub const BROWSER_TOKEN_TYPE: &str = "browser";
const ALGORITHM: Algorithm = Algorithm::HS256;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum JwtKeyError {
    #[error("no JWT signing key configured")]
    Empty,
    #[error("JWT key {0:?} is shorter than 32 bytes")]
    TooShort(String),
    #[error("active JWT key id {0:?} is not among the configured keys")]
    UnknownActive(String),
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("invalid access token")]
    Invalid,
    #[error("could not sign access token: {0}")]
    Signing(String),
}

/// Claims of an access token (docs/security.md, "Access tokens").
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    pub sub: UserId,
    pub org: OrganizationId,
    pub role: Role,
    pub sid: SessionId,
    pub typ: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: Uuid,
}

struct RingKey {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

/// Signing keys by `kid`: sign with the active one, verify with any.
pub struct JwtKeyRing {
    keys: HashMap<String, RingKey>,
    active_kid: String,
    issuer: String,
    audience: String,
}

impl fmt::Debug for JwtKeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut kids: Vec<&String> = self.keys.keys().collect();
        kids.sort();
        f.debug_struct("JwtKeyRing")
            .field("kids", &kids)
            .field("active_kid", &self.active_kid)
            .finish_non_exhaustive()
    }
}

impl JwtKeyRing {
    pub fn new(
        keys: impl IntoIterator<Item = (String, Vec<u8>)>,
        active_kid: &str,
        issuer: &str,
        audience: &str,
    ) -> Result<Self, JwtKeyError> {
        let mut ring = HashMap::new();
        for (kid, secret) in keys {
            if secret.len() < MIN_JWT_KEY_BYTES {
                return Err(JwtKeyError::TooShort(kid));
            }
            let key = RingKey {
                encoding: EncodingKey::from_secret(&secret),
                decoding: DecodingKey::from_secret(&secret),
            };
            ring.insert(kid, key);
        }
        if ring.is_empty() {
            return Err(JwtKeyError::Empty);
        }
        if !ring.contains_key(active_kid) {
            return Err(JwtKeyError::UnknownActive(active_kid.to_owned()));
        }
        Ok(Self {
            keys: ring,
            active_kid: active_kid.to_owned(),
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
        })
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn audience(&self) -> &str {
        &self.audience
    }

    /// Signs an access token for the session, valid from `now` for `ttl_seconds`.
    pub fn issue(
        &self,
        subject: AccessSubject,
        now: DateTime<Utc>,
        ttl_seconds: i64,
    ) -> Result<String, TokenError> {
        self.issue_typed(subject, now, ttl_seconds, ACCESS_TOKEN_TYPE)
    }

    /// Signs a token of kind `typ` ([`ACCESS_TOKEN_TYPE`] or [`BROWSER_TOKEN_TYPE`]).
    pub fn issue_typed(
        &self,
        subject: AccessSubject,
        now: DateTime<Utc>,
        ttl_seconds: i64,
        typ: &str,
    ) -> Result<String, TokenError> {
        let claims = AccessClaims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: subject.user_id,
            org: subject.organization_id,
            role: subject.role,
            sid: subject.session_id,
            typ: typ.to_owned(),
            iat: now.timestamp(),
            exp: now.timestamp() + ttl_seconds,
            jti: Uuid::new_v4(),
        };
        self.sign(&claims)
    }

    /// Signs arbitrary claims with the active key (tests use it to forge near-valid tokens).
    pub fn sign(&self, claims: &AccessClaims) -> Result<String, TokenError> {
        let key = self
            .keys
            .get(&self.active_kid)
            .ok_or_else(|| TokenError::Signing("active key missing".into()))?;
        let mut header = Header::new(ALGORITHM);
        header.kid = Some(self.active_kid.clone());
        encode(&header, claims, &key.encoding).map_err(|e| TokenError::Signing(e.to_string()))
    }

    /// Verifies an access token: signature, algorithm, `kid`, `exp` (no leeway), `iss`,
    /// `aud` and `typ`.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<AccessClaims, TokenError> {
        self.verify_typed(token, now, ACCESS_TOKEN_TYPE)
    }

    /// As [`Self::verify`], for a token of kind `typ`.
    pub fn verify_typed(
        &self,
        token: &str,
        now: DateTime<Utc>,
        typ: &str,
    ) -> Result<AccessClaims, TokenError> {
        let header = decode_header(token).map_err(|_| TokenError::Invalid)?;
        if header.alg != ALGORITHM {
            return Err(TokenError::Invalid);
        }
        let kid = header.kid.ok_or(TokenError::Invalid)?;
        let key = self.keys.get(&kid).ok_or(TokenError::Invalid)?;
        let mut validation = Validation::new(ALGORITHM);
        validation.leeway = 0;
        validation.validate_exp = true;
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        let data = decode::<AccessClaims>(token, &key.decoding, &validation)
            .map_err(|_| TokenError::Invalid)?;
        let claims = data.claims;
        // Our own clock decides expiry too (the library reads the system clock).
        if claims.typ != typ || claims.exp <= now.timestamp() {
            return Err(TokenError::Invalid);
        }
        Ok(claims)
    }
}

/// Who an access token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessSubject {
    pub user_id: UserId,
    pub organization_id: OrganizationId,
    pub role: Role,
    pub session_id: SessionId,
}

#[cfg(test)]
#[path = "jwt_tests.rs"]
mod tests;
