use chrono::{DateTime, Utc};
use diesel::prelude::*;
use xdr_domain::audit::NewAuditEntry;
use xdr_domain::identity::{Acceptance, Invitation, NewInvitation, NewUser, TokenHash, User};
use xdr_domain::ports::{InvitationRepository, RepoResult};
use xdr_domain::{InvitationId, OrganizationId, PageRequest};

use super::audit::append_in_tx;
use crate::connection::AnyConnection;
use crate::database::{CrossTenant, Database};
use crate::error::DbResultExt;
use crate::models::{
    INVITATION_COLUMNS, InvitationRow, NewInvitationRow, NewUserRow, USER_COLUMNS, UserRow,
};
use crate::schema::{invitations, users};
use crate::time::to_db;

#[derive(Debug, Clone)]
pub struct SqlInvitationRepository {
    db: Database,
}

impl SqlInvitationRepository {
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

fn limit_of(page: &PageRequest) -> i64 {
    i64::try_from(page.fetch_limit()).unwrap_or(i64::MAX)
}

/// The pending invitation with this token, read inside the caller's transaction.
fn pending_by_token(
    conn: &mut AnyConnection,
    token_hash: &TokenHash,
    now: DateTime<Utc>,
) -> RepoResult<Option<Invitation>> {
    invitations::table
        .filter(invitations::token_hash.eq(token_hash.as_str()))
        .filter(invitations::accepted_at.is_null())
        .filter(invitations::revoked_at.is_null())
        .filter(invitations::expires_at.gt(to_db(now)))
        .select(INVITATION_COLUMNS)
        .first::<InvitationRow>(conn)
        .optional()
        .repo()?
        .map(Invitation::try_from)
        .transpose()
}

impl InvitationRepository for SqlInvitationRepository {
    fn create(
        &self,
        invitation: NewInvitation,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<Invitation> {
        let row = NewInvitationRow::from(&invitation);
        self.db.tenant_write(invitation.organization_id, |c| {
            // An open invitation that has expired no longer blocks a new one.
            diesel::update(invitations::table)
                .filter(invitations::organization_id.eq(&row.organization_id))
                .filter(invitations::email.eq(&row.email))
                .filter(invitations::accepted_at.is_null())
                .filter(invitations::revoked_at.is_null())
                .filter(invitations::expires_at.le(to_db(now)))
                .set(invitations::revoked_at.eq(to_db(now)))
                .execute(c)
                .repo()?;
            let created: Invitation = diesel::insert_into(invitations::table)
                .values(&row)
                .returning(INVITATION_COLUMNS)
                .get_result::<InvitationRow>(c)
                .repo()?
                .try_into()?;
            append_in_tx(c, &audit, now)?;
            Ok(created)
        })
    }

    fn get(&self, org: OrganizationId, id: InvitationId) -> RepoResult<Option<Invitation>> {
        self.db.tenant(org, |conn| {
            invitations::table
                .filter(invitations::organization_id.eq(org.to_string()))
                .filter(invitations::id.eq(id.to_string()))
                .select(INVITATION_COLUMNS)
                .first::<InvitationRow>(conn)
                .optional()
                .repo()?
                .map(Invitation::try_from)
                .transpose()
        })
    }

    fn list(&self, org: OrganizationId, page: &PageRequest) -> RepoResult<Vec<Invitation>> {
        self.db.tenant(org, |conn| {
            let mut query = invitations::table
                .filter(invitations::organization_id.eq(org.to_string()))
                .select(INVITATION_COLUMNS)
                .order(invitations::id.desc())
                .limit(limit_of(page))
                .into_boxed();
            if let Some(before) = page.before {
                query = query.filter(invitations::id.lt(before.to_string()));
            }
            query
                .load::<InvitationRow>(conn)
                .repo()?
                .into_iter()
                .map(Invitation::try_from)
                .collect()
        })
    }

    fn revoke(
        &self,
        org: OrganizationId,
        id: InvitationId,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<bool> {
        self.db.tenant_write(org, |c| {
            let changed = diesel::update(invitations::table)
                .filter(invitations::organization_id.eq(org.to_string()))
                .filter(invitations::id.eq(id.to_string()))
                .filter(invitations::accepted_at.is_null())
                .filter(invitations::revoked_at.is_null())
                .set((
                    invitations::revoked_at.eq(to_db(now)),
                    invitations::updated_at.eq(to_db(now)),
                ))
                .execute(c)
                .repo()?;
            if changed > 0 {
                append_in_tx(c, &audit, now)?;
            }
            Ok(changed > 0)
        })
    }

    fn reissue(
        &self,
        org: OrganizationId,
        id: InvitationId,
        token_hash: &TokenHash,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<Option<Invitation>> {
        self.db.tenant_write(org, |c| {
            let reissued = diesel::update(invitations::table)
                .filter(invitations::organization_id.eq(org.to_string()))
                .filter(invitations::id.eq(id.to_string()))
                .filter(invitations::accepted_at.is_null())
                .filter(invitations::revoked_at.is_null())
                .set((
                    invitations::token_hash.eq(token_hash.as_str()),
                    invitations::expires_at.eq(to_db(expires_at)),
                    invitations::updated_at.eq(to_db(now)),
                ))
                .returning(INVITATION_COLUMNS)
                .get_result::<InvitationRow>(c)
                .optional()
                .repo()?
                .map(Invitation::try_from)
                .transpose()?;
            if reissued.is_some() {
                append_in_tx(c, &audit, now)?;
            }
            Ok(reissued)
        })
    }

    fn find_pending(
        &self,
        token_hash: &TokenHash,
        now: DateTime<Utc>,
    ) -> RepoResult<Option<Invitation>> {
        self.db
            .cross_tenant(CrossTenant::InvitationByTokenHash, |conn| {
                pending_by_token(conn, token_hash, now)
            })
    }

    fn accept(
        &self,
        token_hash: &TokenHash,
        acceptance: Acceptance,
        now: DateTime<Utc>,
        audit: &(dyn Fn(&User) -> NewAuditEntry + Sync),
    ) -> RepoResult<Option<(Invitation, User)>> {
        self.db
            .cross_tenant_write(CrossTenant::InvitationByTokenHash, |c| {
                let Some(invitation) = pending_by_token(c, token_hash, now)? else {
                    return Ok(None);
                };
                // Claim it: only one of two concurrent acceptances can flip accepted_at, and only
                // while the presented token is still this invitation's and unexpired (a resend
                // between the read and the claim replaces the token; the claim must fail then).
                let claimed = diesel::update(invitations::table)
                    .filter(invitations::id.eq(invitation.id.to_string()))
                    .filter(invitations::token_hash.eq(token_hash.as_str()))
                    .filter(invitations::expires_at.gt(to_db(now)))
                    .filter(invitations::accepted_at.is_null())
                    .filter(invitations::revoked_at.is_null())
                    .set((
                        invitations::accepted_at.eq(to_db(now)),
                        invitations::updated_at.eq(to_db(now)),
                    ))
                    .execute(c)
                    .repo()?;
                if claimed == 0 {
                    return Ok(None);
                }
                let new_user = NewUser {
                    id: acceptance.user_id,
                    organization_id: invitation.organization_id,
                    email: invitation.email.clone(),
                    full_name: acceptance.full_name,
                    role: invitation.role,
                    password_hash: acceptance.password_hash,
                    created_at: now,
                };
                let user: User = diesel::insert_into(users::table)
                    .values(&NewUserRow::from(&new_user))
                    .returning(USER_COLUMNS)
                    .get_result::<UserRow>(c)
                    .repo()?
                    .try_into()?;
                append_in_tx(c, &audit(&user), now)?;
                let accepted = Invitation {
                    accepted_at: Some(now),
                    updated_at: now,
                    ..invitation
                };
                Ok(Some((accepted, user)))
            })
    }
}
