//! Bodies of the `/auth` endpoints.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use xdr_auth::TokenPair;

use super::identity::{OrganizationView, UserView};
use super::secret::SecretString;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    #[schema(example = "Acme Security", min_length = 2, max_length = 100)]
    pub organization_name: String,
    #[schema(example = "admin@acme.example")]
    pub admin_email: String,
    /// 12–128 characters; rejected when easy to guess.
    #[schema(value_type = String, format = Password, min_length = 12, max_length = 128)]
    pub admin_password: SecretString,
    #[schema(example = "Ada Admin", min_length = 1, max_length = 100)]
    pub admin_name: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    #[schema(value_type = String, format = Password)]
    pub password: SecretString,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[schema(value_type = String)]
    pub refresh_token: SecretString,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[schema(value_type = String, format = Password)]
    pub current_password: SecretString,
    /// 12–128 characters; rejected when easy to guess.
    #[schema(value_type = String, format = Password, min_length = 12, max_length = 128)]
    pub new_password: SecretString,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    #[schema(min_length = 1, max_length = 100)]
    pub full_name: String,
}

/// The token pair (docs/api.md, "Token pair, user and organization").
#[derive(Serialize, ToSchema)]
pub struct TokenPairView {
    pub access_token: String,
    pub refresh_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: i64,
}

impl std::fmt::Debug for TokenPairView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenPairView")
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

impl From<TokenPair> for TokenPairView {
    fn from(pair: TokenPair) -> Self {
        Self {
            refresh_token: pair.refresh_token.expose().to_owned(),
            access_token: pair.access_token,
            token_type: "Bearer",
            expires_in: pair.expires_in,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegisterResponse {
    #[serde(flatten)]
    pub tokens: TokenPairView,
    pub user: UserView,
    pub organization: OrganizationView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    #[serde(flatten)]
    pub tokens: TokenPairView,
    pub user: UserView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    pub user: UserView,
    pub organization: OrganizationView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserResponse {
    pub user: UserView,
}
