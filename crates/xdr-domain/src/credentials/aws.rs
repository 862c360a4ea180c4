//! AWS access keys: validated key ids, secret keys and session tokens. Error messages describe
//! the expected shape and never repeat the value.

use std::fmt;

use thiserror::Error;

use crate::secrets::SecretText;

const ACCESS_KEY_ID_LEN: usize = 20;
/// Long-term keys of an IAM user.
const LONG_TERM_PREFIX: &str = "AKIA";
/// Temporary keys issued by STS; they come with a session token.
const TEMPORARY_PREFIX: &str = "ASIA";
const SECRET_ACCESS_KEY_LEN: usize = 40;
const MIN_SESSION_TOKEN_LEN: usize = 16;
const MAX_SESSION_TOKEN_LEN: usize = 8192;
/// Characters shown at each end of an access key preview.
const PREVIEW_CHARS: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AwsKeyError {
    #[error("must be AKIA or ASIA followed by 16 upper-case letters or digits")]
    AccessKeyId,
    #[error("must be 40 characters of A-Z, a-z, 0-9, '/' and '+'")]
    SecretAccessKey,
    #[error("must be 16 to 8192 base64 characters (A-Z, a-z, 0-9, '+', '/', '=')")]
    SessionToken,
}

/// `AKIA` (long-term) or `ASIA` (temporary) followed by 16 of `A-Z0-9`. Surrounding whitespace
/// (from copy and paste) is dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct AwsAccessKeyId(String);

impl AwsAccessKeyId {
    pub fn parse(raw: &str) -> Result<Self, AwsKeyError> {
        let id = raw.trim();
        let valid = id.len() == ACCESS_KEY_ID_LEN
            && (id.starts_with(LONG_TERM_PREFIX) || id.starts_with(TEMPORARY_PREFIX))
            && id
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if valid {
            Ok(Self(id.to_owned()))
        } else {
            Err(AwsKeyError::AccessKeyId)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Temporary (STS) keys start with `ASIA` and need a session token.
    pub fn is_temporary(&self) -> bool {
        self.0.starts_with(TEMPORARY_PREFIX)
    }

    /// The first and last four characters, e.g. `AKIA…WXYZ`: enough to recognise a key, too
    /// little to use it.
    pub fn preview(&self) -> String {
        let (head, rest) = self.0.split_at(PREVIEW_CHARS);
        let tail = &rest[rest.len() - PREVIEW_CHARS..];
        format!("{head}…{tail}")
    }
}

impl fmt::Debug for AwsAccessKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AwsAccessKeyId({})", self.preview())
    }
}

fn is_base64_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

/// 40 characters of `A-Za-z0-9/+`. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct AwsSecretAccessKey(SecretText);

impl AwsSecretAccessKey {
    pub fn parse(raw: SecretText) -> Result<Self, AwsKeyError> {
        let value = raw.expose();
        if value.len() == SECRET_ACCESS_KEY_LEN && value.bytes().all(is_base64_char) {
            Ok(Self(raw))
        } else {
            Err(AwsKeyError::SecretAccessKey)
        }
    }

    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl fmt::Debug for AwsSecretAccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AwsSecretAccessKey(<redacted>)")
    }
}

/// An STS session token: base64 text, 16–8192 characters. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct AwsSessionToken(SecretText);

impl AwsSessionToken {
    pub fn parse(raw: SecretText) -> Result<Self, AwsKeyError> {
        let value = raw.expose();
        let valid = (MIN_SESSION_TOKEN_LEN..=MAX_SESSION_TOKEN_LEN).contains(&value.len())
            && value.bytes().all(|b| is_base64_char(b) || b == b'=');
        if valid {
            Ok(Self(raw))
        } else {
            Err(AwsKeyError::SessionToken)
        }
    }

    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl fmt::Debug for AwsSessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AwsSessionToken(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    fn secret(s: &str) -> SecretText {
        SecretText::new(s.to_owned())
    }

    #[test]
    fn access_key_ids() {
        let id = AwsAccessKeyId::parse(" AKIAIOSFODNN7EXAMPLE\n").unwrap();
        assert_eq!(id.as_str(), "AKIAIOSFODNN7EXAMPLE");
        assert!(!id.is_temporary());
        assert!(
            AwsAccessKeyId::parse("ASIAIOSFODNN7EXAMPLE")
                .unwrap()
                .is_temporary()
        );
        for bad in [
            "",
            "AKIA",
            "AKIAIOSFODNN7EXAMPL",
            "AKIAIOSFODNN7EXAMPLEX",
            "akiaIOSFODNN7EXAMPLE",
            "AKIAiosfodnn7example",
            "AGPAIOSFODNN7EXAMPLE",
            "AKIAIOSFODNN7EXAMP-E",
            "AKIAIOSFOD NN7EXAMPL",
            "AKIAIOSFODNN7EXAMPLÉ",
        ] {
            assert_eq!(
                AwsAccessKeyId::parse(bad),
                Err(AwsKeyError::AccessKeyId),
                "{bad}"
            );
        }
    }

    #[test]
    fn preview_shows_four_characters_at_each_end() {
        let id = AwsAccessKeyId::parse("AKIAIOSFODNN7EXAWXYZ").unwrap();
        assert_eq!(id.preview(), "AKIA…WXYZ");
        assert_eq!(format!("{id:?}"), "AwsAccessKeyId(AKIA…WXYZ)");
    }

    #[test]
    fn secret_access_keys() {
        assert_eq!(
            AwsSecretAccessKey::parse(secret(SECRET)).unwrap().expose(),
            SECRET
        );
        for bad in [
            String::new(),
            SECRET[..39].to_owned(),
            format!("{SECRET}A"),
            format!("{} ", &SECRET[..39]),
            SECRET.replace('/', "-"),
            SECRET.replace('K', "é"),
        ] {
            assert_eq!(
                AwsSecretAccessKey::parse(secret(&bad)),
                Err(AwsKeyError::SecretAccessKey),
                "{bad}"
            );
        }
    }

    #[test]
    fn session_tokens() {
        let token = "FwoGZXIvYXdzEBYaDH8+/ab==";
        assert_eq!(
            AwsSessionToken::parse(secret(token)).unwrap().expose(),
            token
        );
        for bad in [
            "short".to_owned(),
            "x".repeat(MAX_SESSION_TOKEN_LEN + 1),
            format!("{token} "),
            format!("{token}\n"),
        ] {
            assert_eq!(
                AwsSessionToken::parse(secret(&bad)),
                Err(AwsKeyError::SessionToken)
            );
        }
    }

    #[test]
    fn secrets_are_never_printed_and_errors_never_echo_values() {
        let key = AwsSecretAccessKey::parse(secret(SECRET)).unwrap();
        let token = AwsSessionToken::parse(secret("FwoGZXIvYXdzEBYaDH8AAAA")).unwrap();
        let printed = format!("{key:?} {token:?}");
        assert!(
            !printed.contains("wJalr") && !printed.contains("FwoG"),
            "{printed}"
        );
        let message = AwsSecretAccessKey::parse(secret("wJalrXUtnFEMI"))
            .unwrap_err()
            .to_string();
        assert!(!message.contains("wJalr"), "{message}");
    }
}
