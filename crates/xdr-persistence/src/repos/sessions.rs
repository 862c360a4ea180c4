use chrono::{DateTime, Utc};
use diesel::prelude::*;
use xdr_domain::audit::NewAuditEntry;
use xdr_domain::identity::{NewSession, RefreshOutcome, RevocationReason, Session, TokenHash};
use xdr_domain::ports::{RepoResult, SessionRepository};
use xdr_domain::{OrganizationId, SessionId, UserId};

use super::audit::append_in_tx;
use super::refresh;
use crate::connection::AnyConnection;
use crate::database::{CrossTenant, Database};
use crate::error::DbResultExt;
use crate::models::{NewSessionRow, SESSION_COLUMNS, SessionRow};
use crate::schema::sessions;
use crate::time::to_db;

#[derive(Debug, Clone)]
pub struct SqlSessionRepository {
    db: Database,
}

impl SqlSessionRepository {
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

impl SessionRepository for SqlSessionRepository {
    fn create(&self, session: NewSession, audit: Option<NewAuditEntry>) -> RepoResult<Session> {
        self.db.tenant_write(session.organization_id, |c| {
            let created: Session = diesel::insert_into(sessions::table)
                .values(NewSessionRow::from(&session))
                .returning(SESSION_COLUMNS)
                .get_result::<SessionRow>(c)
                .repo()?
                .try_into()?;
            if let Some(audit) = &audit {
                append_in_tx(c, audit, session.created_at)?;
            }
            Ok(created)
        })
    }

    fn get(&self, org: OrganizationId, id: SessionId) -> RepoResult<Option<Session>> {
        self.db.tenant(org, |conn| {
            sessions::table
                .filter(sessions::organization_id.eq(org.to_string()))
                .filter(sessions::id.eq(id.to_string()))
                .select(SESSION_COLUMNS)
                .first::<SessionRow>(conn)
                .optional()
                .repo()?
                .map(Session::try_from)
                .transpose()
        })
    }

    fn rotate_refresh(
        &self,
        presented: &TokenHash,
        replacement: &TokenHash,
        now: DateTime<Utc>,
        on_reuse: &(dyn Fn(&Session) -> NewAuditEntry + Sync),
    ) -> RepoResult<RefreshOutcome> {
        self.db
            .cross_tenant_write(CrossTenant::RefreshByTokenHash, |c| {
                let outcome = refresh::rotate(c, presented, replacement, now)?;
                if let RefreshOutcome::ReuseDetected(session) = &outcome {
                    append_in_tx(c, &on_reuse(session), now)?;
                }
                Ok(outcome)
            })
    }

    fn revoke(
        &self,
        org: OrganizationId,
        user: UserId,
        id: SessionId,
        reason: RevocationReason,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<bool> {
        self.db.tenant_write(org, |c| {
            let ended = diesel::update(sessions::table)
                .filter(sessions::organization_id.eq(org.to_string()))
                .filter(sessions::user_id.eq(user.to_string()))
                .filter(sessions::id.eq(id.to_string()))
                .filter(sessions::revoked_at.is_null())
                .filter(sessions::expires_at.gt(to_db(now)))
                .set((
                    sessions::revoked_at.eq(to_db(now)),
                    sessions::revoked_reason.eq(reason.as_str()),
                ))
                .execute(c)
                .repo()?;
            if ended > 0 {
                append_in_tx(c, &audit, now)?;
            }
            Ok(ended > 0)
        })
    }

    fn revoke_all_for_user(
        &self,
        org: OrganizationId,
        user: UserId,
        keep: Option<SessionId>,
        reason: RevocationReason,
        now: DateTime<Utc>,
        audit: Option<NewAuditEntry>,
    ) -> RepoResult<u64> {
        self.db.tenant_write(org, |c| {
            let ended = revoke_user_sessions(c, org, user, keep, reason, now)?;
            if let Some(audit) = &audit {
                append_in_tx(c, audit, now)?;
            }
            Ok(ended)
        })
    }

    fn list_active_for_user(
        &self,
        org: OrganizationId,
        user: UserId,
        now: DateTime<Utc>,
    ) -> RepoResult<Vec<Session>> {
        self.db.tenant(org, |conn| {
            sessions::table
                .filter(sessions::organization_id.eq(org.to_string()))
                .filter(sessions::user_id.eq(user.to_string()))
                .filter(sessions::revoked_at.is_null())
                .filter(sessions::expires_at.gt(to_db(now)))
                .order((sessions::created_at.desc(), sessions::id.desc()))
                .select(SESSION_COLUMNS)
                .load::<SessionRow>(conn)
                .repo()?
                .into_iter()
                .map(Session::try_from)
                .collect()
        })
    }
}

/// Revokes every active session of `user` but `keep`, inside the caller's transaction.
pub(crate) fn revoke_user_sessions(
    c: &mut AnyConnection,
    org: OrganizationId,
    user: UserId,
    keep: Option<SessionId>,
    reason: RevocationReason,
    now: DateTime<Utc>,
) -> RepoResult<u64> {
    // No session has an empty id, so `id <> ''` keeps nothing.
    let keep = keep.map(|k| k.to_string()).unwrap_or_default();
    let ended = diesel::update(sessions::table)
        .filter(sessions::organization_id.eq(org.to_string()))
        .filter(sessions::user_id.eq(user.to_string()))
        .filter(sessions::id.ne(&keep))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(to_db(now)))
        .set((
            sessions::revoked_at.eq(to_db(now)),
            sessions::revoked_reason.eq(reason.as_str()),
        ))
        .execute(c)
        .repo()?;
    Ok(u64::try_from(ended).unwrap_or(u64::MAX))
}
