//! What callers hand the credential use cases, and its validation (every problem at once).

use xdr_domain::credentials::{
    AwsAccessKeyId, AwsAccountId, AwsRegion, AwsSecretAccessKey, AwsSessionToken, CredentialName,
    Provider,
};
use xdr_domain::secrets::SecretText;
use xdr_domain::{CredentialId, FieldErrors};

/// Default and largest page size of a credential list (docs/api.md, "Lists and
/// pagination"). Unlike other lists, a limit outside 1..=MAX is refused.
pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 500;

#[derive(Debug)]
pub struct CreateCredentialInput {
    pub name: String,
    pub provider: String,
    pub access_key_id: String,
    pub secret_access_key: SecretText,
    pub session_token: Option<SecretText>,
    pub region: Option<String>,
    pub account_id: Option<String>,
    pub is_default: bool,
}

/// A partial update; `None` leaves a field as it is, `region: Some(None)` clears the region.
#[derive(Debug, Default)]
pub struct UpdateCredentialInput {
    pub name: Option<String>,
    pub region: Option<Option<String>>,
    pub is_default: Option<bool>,
    pub secret_access_key: Option<SecretText>,
}

#[derive(Debug, Default)]
pub struct ListCredentialsInput {
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

#[derive(Debug)]
pub(crate) struct ValidCreate {
    pub name: CredentialName,
    pub provider: Provider,
    pub access_key_id: AwsAccessKeyId,
    pub secret_access_key: AwsSecretAccessKey,
    pub session_token: Option<AwsSessionToken>,
    pub region: Option<AwsRegion>,
    pub account_id: Option<AwsAccountId>,
    pub is_default: bool,
}

#[derive(Debug)]
pub(crate) struct ValidUpdate {
    pub name: Option<CredentialName>,
    pub region: Option<Option<AwsRegion>>,
    pub is_default: Option<bool>,
    pub secret_access_key: Option<AwsSecretAccessKey>,
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ValidPage {
    pub limit: u32,
    pub before: Option<CredentialId>,
}

pub(crate) fn validate_create(input: CreateCredentialInput) -> Result<ValidCreate, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = errors.check("name", CredentialName::parse(&input.name));
    let provider = errors.check("provider", input.provider.parse::<Provider>());
    let access_key_id = errors.check("access_key_id", AwsAccessKeyId::parse(&input.access_key_id));
    let secret_access_key = errors.check(
        "secret_access_key",
        AwsSecretAccessKey::parse(input.secret_access_key),
    );
    let session_token = input
        .session_token
        .map(|token| errors.check("session_token", AwsSessionToken::parse(token)));
    let region = input
        .region
        .map(|region| errors.check("region", AwsRegion::parse(&region)));
    let account_id = input
        .account_id
        .map(|id| errors.check("account_id", AwsAccountId::parse(&id)));
    if let Some(key) = &access_key_id {
        match (key.is_temporary(), &session_token) {
            (true, None) => errors.add(
                "session_token",
                "is required with temporary (ASIA) access keys",
            ),
            (false, Some(_)) => errors.add(
                "session_token",
                "only temporary (ASIA) access keys have a session token",
            ),
            _ => {}
        }
    }
    match (name, provider, access_key_id, secret_access_key) {
        (Some(name), Some(provider), Some(access_key_id), Some(secret_access_key))
            if errors.is_empty() =>
        {
            Ok(ValidCreate {
                name,
                provider,
                access_key_id,
                secret_access_key,
                session_token: session_token.flatten(),
                region: region.flatten(),
                account_id: account_id.flatten(),
                is_default: input.is_default,
            })
        }
        _ => Err(errors),
    }
}

pub(crate) fn validate_update(input: UpdateCredentialInput) -> Result<ValidUpdate, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = input
        .name
        .map(|name| errors.check("name", CredentialName::parse(&name)));
    let region = input
        .region
        .map(|region| region.map(|region| errors.check("region", AwsRegion::parse(&region))));
    let secret_access_key = input
        .secret_access_key
        .map(|secret| errors.check("secret_access_key", AwsSecretAccessKey::parse(secret)));
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ValidUpdate {
        name: name.flatten(),
        // Some(None) (clear) stays; Some(Some(None)) cannot happen once errors are empty.
        region: region.map(Option::flatten),
        is_default: input.is_default,
        secret_access_key: secret_access_key.flatten(),
    })
}

pub(crate) fn validate_page(input: &ListCredentialsInput) -> Result<ValidPage, FieldErrors> {
    let mut errors = FieldErrors::new();
    let limit = input.limit.unwrap_or(DEFAULT_PAGE_SIZE);
    if !(1..=MAX_PAGE_SIZE).contains(&limit) {
        errors.add("limit", format!("must be between 1 and {MAX_PAGE_SIZE}"));
    }
    let before = input.cursor.as_deref().map(|cursor| {
        errors.check(
            "cursor",
            cursor
                .parse::<CredentialId>()
                .map_err(|_| "is not a cursor this API returned"),
        )
    });
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ValidPage {
        limit,
        before: before.flatten(),
    })
}

#[cfg(test)]
#[path = "input_tests.rs"]
mod tests;
