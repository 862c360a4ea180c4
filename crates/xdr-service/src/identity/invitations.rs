//! Inviting people into an organization (accepting is a sign-in use case of `xdr-auth`).

use std::sync::Arc;

use xdr_crypto::SecretToken;
use xdr_domain::identity::{Email, Invitation, NewInvitation, Role, TokenHash, invitation_expiry};
use xdr_domain::{Conflict, FieldErrors, InvitationId, Page, PageRequest, RepoError};

use xdr_domain::audit::{AuditAction, NewAuditEntry};

use xdr_auth::audit_trail;
use xdr_auth::blocking;
use xdr_auth::{ClientInfo, Principal};

use super::{AdminError, AdminService};
use crate::access::require;

/// An invitation with its one-time token, which is shown only at creation and on resend.
#[derive(Debug)]
pub struct IssuedInvitation {
    pub invitation: Invitation,
    pub token: SecretToken,
}

impl AdminService {
    pub async fn invite(
        &self,
        principal: &Principal,
        email: &str,
        role: Role,
        client: &ClientInfo,
    ) -> Result<IssuedInvitation, AdminError> {
        require(principal, Role::Admin)?;
        let mut errors = FieldErrors::new();
        let Some(email) = errors.check("email", Email::parse(email)) else {
            return Err(AdminError::Validation(errors));
        };
        let (users, invitations) = (Arc::clone(&self.users), Arc::clone(&self.invitations));
        let lookup = email.clone();
        if blocking::run(move || users.find_by_email(&lookup))
            .await?
            .is_some()
        {
            return Err(AdminError::EmailTaken);
        }
        let token = xdr_crypto::random_token();
        let now = self.clock.now();
        let new = NewInvitation {
            id: InvitationId::generate(),
            organization_id: principal.organization_id,
            email,
            role,
            invited_by: principal.user_id,
            token_hash: hash_token(token.expose()),
            expires_at: invitation_expiry(now),
            created_at: now,
        };
        let audit = invitation_entry(principal, AuditAction::UserInvited, &new.id, client)
            .details(serde_json::json!({"email": new.email.as_str(), "role": role.as_str()}));
        match blocking::run(move || invitations.create(new, now, audit)).await {
            Ok(invitation) => Ok(IssuedInvitation { invitation, token }),
            Err(RepoError::Conflict(Conflict::InvitationPending)) => {
                Err(AdminError::InvitationPending)
            }
            Err(other) => Err(other.into()),
        }
    }

    pub async fn list_invitations(
        &self,
        principal: &Principal,
        page: PageRequest,
    ) -> Result<Page<Invitation>, AdminError> {
        require(principal, Role::Admin)?;
        let invitations = Arc::clone(&self.invitations);
        let org = principal.organization_id;
        let rows = blocking::run(move || invitations.list(org, &page)).await?;
        Ok(Page::from_rows(rows, &page, |i| i.id.as_uuid()))
    }

    pub async fn revoke_invitation(
        &self,
        principal: &Principal,
        id: InvitationId,
        client: &ClientInfo,
    ) -> Result<(), AdminError> {
        require(principal, Role::Admin)?;
        let invitations = Arc::clone(&self.invitations);
        let (org, now) = (principal.organization_id, self.clock.now());
        let audit = invitation_entry(principal, AuditAction::InvitationRevoked, &id, client);
        if blocking::run(move || invitations.revoke(org, id, now, audit)).await? {
            Ok(())
        } else {
            Err(AdminError::NotFound)
        }
    }

    /// Issues a new token and expiry; the previous token stops working.
    pub async fn resend_invitation(
        &self,
        principal: &Principal,
        id: InvitationId,
        client: &ClientInfo,
    ) -> Result<IssuedInvitation, AdminError> {
        require(principal, Role::Admin)?;
        let token = xdr_crypto::random_token();
        let hash = hash_token(token.expose());
        let invitations = Arc::clone(&self.invitations);
        let (org, now) = (principal.organization_id, self.clock.now());
        let audit = invitation_entry(principal, AuditAction::UserInvited, &id, client)
            .details(serde_json::json!({"resent": true}));
        let reissued = blocking::run(move || {
            invitations.reissue(org, id, &hash, invitation_expiry(now), now, audit)
        })
        .await?;
        let invitation = reissued.ok_or(AdminError::NotFound)?;
        Ok(IssuedInvitation { invitation, token })
    }
}

/// An entry about invitation `id`, by the signed-in admin.
fn invitation_entry(
    principal: &Principal,
    action: AuditAction,
    id: &InvitationId,
    client: &ClientInfo,
) -> NewAuditEntry {
    audit_trail::by_principal(principal, action, RESOURCE_INVITATION, client).resource(id)
}

const RESOURCE_INVITATION: &str = "invitation";

fn hash_token(token: &str) -> TokenHash {
    TokenHash::from_hex(xdr_crypto::hash_token(token))
}
