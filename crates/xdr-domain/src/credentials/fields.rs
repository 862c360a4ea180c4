//! The plain (not secret) fields of a cloud credential.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

const MAX_NAME_CHARS: usize = 100;
const MAX_REGION_LEN: usize = 32;
const ACCOUNT_ID_DIGITS: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CredentialFieldError {
    #[error("must be between 1 and 100 characters")]
    NameLength,
    #[error("must not contain control characters")]
    NameControlCharacters,
    #[error("must be an AWS region such as us-east-1")]
    Region,
    #[error("must be a 12-digit AWS account id")]
    AccountId,
    #[error("unsupported provider; expected aws")]
    Provider,
}

/// A credential's label: trimmed, 1–100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialName(String);

impl CredentialName {
    pub fn parse(raw: &str) -> Result<Self, CredentialFieldError> {
        if raw.chars().any(char::is_control) {
            return Err(CredentialFieldError::NameControlCharacters);
        }
        let trimmed = raw.trim();
        let count = trimmed.chars().count();
        if count == 0 || count > MAX_NAME_CHARS {
            return Err(CredentialFieldError::NameLength);
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An AWS region code: lower-case words joined by hyphens, ending in a number (`us-east-1`,
/// `us-gov-west-1`, `eusc-de-east-1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsRegion(String);

impl AwsRegion {
    pub fn parse(raw: &str) -> Result<Self, CredentialFieldError> {
        let region = raw.trim();
        let parts: Vec<&str> = region.split('-').collect();
        let valid = region.len() <= MAX_REGION_LEN
            && parts.len() >= 3
            && parts.first().is_some_and(|p| (2..=4).contains(&p.len()))
            && parts[..parts.len() - 1]
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
            && parts.last().is_some_and(|p| {
                (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
            });
        if valid {
            Ok(Self(region.to_owned()))
        } else {
            Err(CredentialFieldError::Region)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A 12-digit AWS account id (leading zeros are significant).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsAccountId(String);

impl AwsAccountId {
    pub fn parse(raw: &str) -> Result<Self, CredentialFieldError> {
        let id = raw.trim();
        if id.len() == ACCOUNT_ID_DIGITS && id.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(id.to_owned()))
        } else {
            Err(CredentialFieldError::AccountId)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The cloud a credential belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    Aws,
}

impl Provider {
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Aws => "aws",
        }
    }
}

impl FromStr for Provider {
    type Err = CredentialFieldError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "aws" => Ok(Provider::Aws),
            _ => Err(CredentialFieldError::Provider),
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(CredentialName::parse("  prod  ").unwrap().as_str(), "prod");
        assert_eq!(
            CredentialName::parse(" "),
            Err(CredentialFieldError::NameLength)
        );
        assert_eq!(
            CredentialName::parse(&"é".repeat(101)),
            Err(CredentialFieldError::NameLength)
        );
        assert!(CredentialName::parse(&"é".repeat(100)).is_ok());
        assert_eq!(
            CredentialName::parse("a\u{7}b"),
            Err(CredentialFieldError::NameControlCharacters)
        );
    }

    #[test]
    fn regions() {
        for ok in [
            "us-east-1",
            "eu-west-3",
            "us-gov-west-1",
            "ap-southeast-4",
            "cn-north-1",
            "eusc-de-east-1",
            " il-central-1 ",
        ] {
            assert!(AwsRegion::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "us-east",
            "US-EAST-1",
            "us-east-123",
            "us--east-1",
            "u-east-1",
            "us_east_1",
            "us-east-1a",
            "us-east-1;drop",
        ] {
            assert_eq!(
                AwsRegion::parse(bad),
                Err(CredentialFieldError::Region),
                "{bad}"
            );
        }
    }

    #[test]
    fn account_ids() {
        assert_eq!(
            AwsAccountId::parse("012345678901").unwrap().as_str(),
            "012345678901"
        );
        for bad in [
            "",
            "12345678901",
            "1234567890123",
            "12345678901a",
            "-12345678901",
        ] {
            assert_eq!(
                AwsAccountId::parse(bad),
                Err(CredentialFieldError::AccountId)
            );
        }
    }

    #[test]
    fn providers() {
        assert_eq!("aws".parse::<Provider>(), Ok(Provider::Aws));
        assert_eq!(Provider::Aws.to_string(), "aws");
        assert_eq!(
            "gcp".parse::<Provider>(),
            Err(CredentialFieldError::Provider)
        );
        assert_eq!(
            "AWS".parse::<Provider>(),
            Err(CredentialFieldError::Provider)
        );
    }
}
