//! Accepting an invitation: the invitee's account is created and signed in. (Issuing
//! invitations is administration, in `xdr-service`.)

use std::sync::Arc;

use xdr_domain::audit::AuditAction;
use xdr_domain::identity::{Acceptance, FullName, User};
use xdr_domain::{Conflict, FieldErrors, RepoError, UserId};

use crate::audit_trail::{self, RESOURCE_USER};
use crate::blocking;
use crate::error::AcceptInvitationError;
use crate::principal::ClientInfo;
use crate::service::AuthService;
use crate::tokens::TokenPair;

/// The signed-in new member.
#[derive(Debug)]
pub struct Joined {
    pub tokens: TokenPair,
    pub user: User,
}

impl AuthService {
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
        errors.check(
            "password",
            self.hasher.check_policy(password, &inputs).await?,
        );
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
