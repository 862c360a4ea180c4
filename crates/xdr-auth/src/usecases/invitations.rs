//! Inviting people into an organization, and accepting an invitation.

use std::sync::Arc;

use xdr_crypto::SecretToken;
use xdr_domain::identity::{
    Acceptance, Email, FullName, Invitation, NewInvitation, Role, User, check_password,
    invitation_expiry,
};
use xdr_domain::{Conflict, FieldErrors, InvitationId, Page, PageRequest, RepoError, UserId};

use xdr_domain::audit::{AuditAction, NewAuditEntry};

use crate::audit_trail::{self, RESOURCE_USER};
use crate::blocking;
use crate::error::{AcceptInvitationError, AdminError};
use crate::principal::{ClientInfo, Principal};
use crate::service::AuthService;
use crate::tokens::TokenPair;

/// An invitation with its one-time token, which is shown only at creation and on resend.
#[derive(Debug)]
pub struct IssuedInvitation {
    pub invitation: Invitation,
    pub token: SecretToken,
}

/// The signed-in new member.
#[derive(Debug)]
pub struct Joined {
    pub tokens: TokenPair,
    pub user: User,
}

pub(crate) fn require(principal: &Principal, role: Role) -> Result<(), AdminError> {
    if principal.role.satisfies(role) {
        Ok(())
    } else {
        Err(AdminError::Forbidden)
    }
}

impl AuthService {
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
        let (users, invitations) = (
            Arc::clone(&self.store.users),
            Arc::clone(&self.store.invitations),
        );
        let lookup = email.clone();
        if blocking::run(move || users.find_by_email(&lookup))
            .await?
            .is_some()
        {
            return Err(AdminError::EmailTaken);
        }
        let token = xdr_crypto::random_token();
        let now = self.now();
        let new = NewInvitation {
            id: InvitationId::generate(),
            organization_id: principal.organization_id,
            email,
            role,
            invited_by: principal.user_id,
            token_hash: Self::hash_refresh(token.expose()),
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
        let invitations = Arc::clone(&self.store.invitations);
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
        let invitations = Arc::clone(&self.store.invitations);
        let (org, now) = (principal.organization_id, self.now());
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
        let hash = Self::hash_refresh(token.expose());
        let invitations = Arc::clone(&self.store.invitations);
        let (org, now) = (principal.organization_id, self.now());
        let audit = invitation_entry(principal, AuditAction::UserInvited, &id, client)
            .details(serde_json::json!({"resent": true}));
        let reissued = blocking::run(move || {
            invitations.reissue(org, id, &hash, invitation_expiry(now), now, audit)
        })
        .await?;
        let invitation = reissued.ok_or(AdminError::NotFound)?;
        Ok(IssuedInvitation { invitation, token })
    }

    /// Creates the invitee's account in the inviting organization with the invited role and
    /// signs them in. Unknown, used, expired and revoked tokens are all `NotFound`.
    pub async fn accept_invitation(
        &self,
        token: &str,
        full_name: &str,
        password: &str,
        client: &ClientInfo,
    ) -> Result<Joined, AcceptInvitationError> {
        let hash = Self::hash_refresh(token);
        let (invitations, orgs) = (
            Arc::clone(&self.store.invitations),
            Arc::clone(&self.store.organizations),
        );
        let now = self.now();
        let lookup = hash.clone();
        let found = blocking::run(move || {
            let Some(invitation) = invitations.find_pending(&lookup, now)? else {
                return Ok(None);
            };
            let org = orgs.get(invitation.organization_id)?;
            Ok(org.map(|o| (invitation, o)))
        })
        .await?;
        let (invitation, organization) = found.ok_or(AcceptInvitationError::NotFound)?;
        let mut errors = FieldErrors::new();
        let name = errors.check("full_name", FullName::parse(full_name));
        let email = invitation.email.as_str();
        let local_part = email.split('@').next().unwrap_or_default();
        let inputs = [email, local_part, organization.name.as_str(), full_name];
        errors.check("password", check_password(password, &inputs));
        let Some(full_name) = name.filter(|_| errors.is_empty()) else {
            return Err(AcceptInvitationError::Validation(errors));
        };
        let acceptance = Acceptance {
            user_id: UserId::generate(),
            full_name,
            password_hash: self.hasher.hash(password).await?,
        };
        let invitations = Arc::clone(&self.store.invitations);
        let entry_client = client.clone();
        let invitation_id = invitation.id;
        let joined = move |user: &User| {
            audit_trail::by_user(user, AuditAction::UserJoined, RESOURCE_USER, &entry_client)
                .resource(user.id)
                .details(serde_json::json!({"invitation_id": invitation_id.to_string(), "role": user.role.as_str()}))
        };
        let accepted = match blocking::run(move || {
            invitations.accept(&hash, acceptance, now, &joined)
        })
        .await
        {
            Ok(Some((_, user))) => user,
            Ok(None) => return Err(AcceptInvitationError::NotFound),
            Err(RepoError::Conflict(Conflict::EmailTaken)) => {
                return Err(AcceptInvitationError::EmailTaken);
            }
            Err(other) => return Err(other.into()),
        };
        tracing::info!(organization_id = %accepted.organization_id, user_id = %accepted.id, "invitation accepted");
        let tokens = self.start_session(&accepted, client, None).await?;
        Ok(Joined {
            tokens,
            user: accepted,
        })
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
