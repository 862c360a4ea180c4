//! Enrollment tokens: minted by an admin (the secret shown once, with install scripts that
//! embed it), listed without the secret, revoked.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::json;
use xdr_auth::audit_trail::by_principal;
use xdr_auth::{ClientInfo, Principal, blocking};
use xdr_crypto::{SecretToken, random_token};
use xdr_domain::audit::AuditAction;
use xdr_domain::identity::Role;
use xdr_domain::onboarding::{AgentPlatform, EnrollmentToken, TokenRequest, token_terms};
use xdr_domain::{EnrollmentTokenId, Page, PageRequest};

use super::install::{InstallScripts, render};
use super::{OnboardingError, OnboardingService};
use crate::access::require;

const RESOURCE_TOKEN: &str = "enrollment_token";

/// A minted token; `token` and the scripts that embed it are shown only here.
#[derive(Debug)]
pub struct IssuedToken {
    pub id: EnrollmentTokenId,
    pub token: SecretToken,
    pub platform: AgentPlatform,
    pub label: Option<String>,
    pub expires_at: DateTime<Utc>,
    pub max_uses: u32,
    pub install_scripts: InstallScripts,
}

impl OnboardingService {
    pub async fn issue_token(
        &self,
        principal: &Principal,
        client: &ClientInfo,
        request: &TokenRequest,
    ) -> Result<IssuedToken, OnboardingError> {
        require(principal, Role::Admin)?;
        self.require_started(principal).await?;
        let now = self.clock.now();
        let terms = token_terms(request, now).map_err(OnboardingError::Validation)?;
        let secret = random_token();
        let token = EnrollmentToken {
            id: EnrollmentTokenId::generate(),
            platform: terms.platform,
            label: terms.label,
            created_by: Some(principal.user_id),
            created_at: now,
            expires_at: terms.expires_at,
            max_uses: terms.max_uses,
            uses: 0,
            revoked_at: None,
        };
        let audit = by_principal(
            principal,
            AuditAction::EnrollmentTokenCreated,
            RESOURCE_TOKEN,
            client,
        )
        .resource(token.id)
        .details(json!({
            "platform": token.platform.as_str(),
            "label": token.label,
            "expires_at": token.expires_at,
            "max_uses": token.max_uses,
        }));
        let org = principal.organization_id;
        let hash = secret.hash();
        let ports = Arc::clone(&self.ports);
        let stored = token.clone();
        blocking::run(move || {
            ports
                .onboarding
                .create_enrollment_token(org, &stored, &hash, audit)
        })
        .await?;
        tracing::info!(organization_id = %org, token_id = %token.id, "enrollment token issued");
        let install_scripts = render(&self.config, secret.expose(), token.label.as_deref());
        Ok(IssuedToken {
            id: token.id,
            token: secret,
            platform: token.platform,
            label: token.label,
            expires_at: token.expires_at,
            max_uses: token.max_uses,
            install_scripts,
        })
    }

    pub async fn list_tokens(
        &self,
        principal: &Principal,
        page: PageRequest,
    ) -> Result<Page<EnrollmentToken>, OnboardingError> {
        require(principal, Role::Admin)?;
        let org = principal.organization_id;
        let ports = Arc::clone(&self.ports);
        let rows =
            blocking::run(move || ports.onboarding.list_enrollment_tokens(org, &page)).await?;
        Ok(Page::from_rows(rows, &page, |t| t.id.as_uuid()))
    }

    /// Revokes the token; agents already enrolled with it keep working.
    pub async fn revoke_token(
        &self,
        principal: &Principal,
        client: &ClientInfo,
        id: EnrollmentTokenId,
    ) -> Result<(), OnboardingError> {
        require(principal, Role::Admin)?;
        let org = principal.organization_id;
        let audit = by_principal(
            principal,
            AuditAction::EnrollmentTokenRevoked,
            RESOURCE_TOKEN,
            client,
        )
        .resource(id);
        let now = self.clock.now();
        let ports = Arc::clone(&self.ports);
        blocking::run(move || {
            ports
                .onboarding
                .revoke_enrollment_token(org, id, now, audit)
        })
        .await?
        .ok_or(OnboardingError::NotFound)?;
        Ok(())
    }

    /// When the token's status is computed (for views).
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}
