use chrono::{DateTime, Utc};
use diesel::prelude::*;
use xdr_domain::audit::NewAuditEntry;
use xdr_domain::identity::{
    AccessChange, AccessChangeOutcome, Email, FullName, NewUser, PasswordHash, RevocationReason,
    User,
};
use xdr_domain::ports::{RepoResult, UserRepository};
use xdr_domain::{OrganizationId, PageRequest, SessionId, UserId};

use super::audit::append_in_tx;
use super::sessions::revoke_user_sessions;
use super::user_access;
use crate::database::{CrossTenant, Database};
use crate::error::DbResultExt;
use crate::models::{NewUserRow, USER_COLUMNS, UserRow};
use crate::schema::users;
use crate::time::to_db;

#[derive(Debug, Clone)]
pub struct SqlUserRepository {
    db: Database,
}

impl SqlUserRepository {
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

fn to_user(row: Option<UserRow>) -> RepoResult<Option<User>> {
    row.map(User::try_from).transpose()
}

impl UserRepository for SqlUserRepository {
    fn find_by_email(&self, email: &Email) -> RepoResult<Option<User>> {
        self.db.cross_tenant(CrossTenant::UserByEmail, |conn| {
            let row = users::table
                .filter(users::email.eq(email.as_str()))
                .select(USER_COLUMNS)
                .first::<UserRow>(conn)
                .optional()
                .repo()?;
            to_user(row)
        })
    }

    fn get(&self, org: OrganizationId, id: UserId) -> RepoResult<Option<User>> {
        self.db.tenant(org, |conn| {
            let row = users::table
                .filter(users::organization_id.eq(org.to_string()))
                .filter(users::id.eq(id.to_string()))
                .select(USER_COLUMNS)
                .first::<UserRow>(conn)
                .optional()
                .repo()?;
            to_user(row)
        })
    }

    fn create(&self, user: NewUser) -> RepoResult<User> {
        self.db.tenant(user.organization_id, |conn| {
            // A taken email violates uq_users_email: Conflict::EmailTaken.
            diesel::insert_into(users::table)
                .values(NewUserRow::from(&user))
                .returning(USER_COLUMNS)
                .get_result::<UserRow>(conn)
                .repo()?
                .try_into()
        })
    }

    fn update_full_name(
        &self,
        org: OrganizationId,
        id: UserId,
        full_name: &FullName,
        now: DateTime<Utc>,
    ) -> RepoResult<Option<User>> {
        self.db.tenant(org, |conn| {
            let row = diesel::update(users::table)
                .filter(users::organization_id.eq(org.to_string()))
                .filter(users::id.eq(id.to_string()))
                .set((
                    users::full_name.eq(full_name.as_str()),
                    users::updated_at.eq(to_db(now)),
                ))
                .returning(USER_COLUMNS)
                .get_result::<UserRow>(conn)
                .optional()
                .repo()?;
            to_user(row)
        })
    }

    fn update_password(
        &self,
        org: OrganizationId,
        id: UserId,
        hash: &PasswordHash,
        keep_session: SessionId,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<bool> {
        self.db.tenant_write(org, |c| {
            let changed = diesel::update(users::table)
                .filter(users::organization_id.eq(org.to_string()))
                .filter(users::id.eq(id.to_string()))
                .set((
                    users::password_hash.eq(hash.as_str()),
                    users::updated_at.eq(to_db(now)),
                ))
                .execute(c)
                .repo()?;
            if changed > 0 {
                let reason = RevocationReason::PasswordChanged;
                revoke_user_sessions(c, org, id, Some(keep_session), reason, now)?;
                append_in_tx(c, &audit, now)?;
            }
            Ok(changed > 0)
        })
    }

    fn rehash_password(
        &self,
        org: OrganizationId,
        id: UserId,
        current: &PasswordHash,
        rehashed: &PasswordHash,
    ) -> RepoResult<bool> {
        self.db.tenant_write(org, |c| {
            let replaced = diesel::update(users::table)
                .filter(users::organization_id.eq(org.to_string()))
                .filter(users::id.eq(id.to_string()))
                .filter(users::password_hash.eq(current.as_str()))
                .set(users::password_hash.eq(rehashed.as_str()))
                .execute(c)
                .repo()?;
            Ok(replaced > 0)
        })
    }

    fn record_login(&self, org: OrganizationId, id: UserId, now: DateTime<Utc>) -> RepoResult<()> {
        self.db.tenant(org, |conn| {
            diesel::update(users::table)
                .filter(users::organization_id.eq(org.to_string()))
                .filter(users::id.eq(id.to_string()))
                .set(users::last_login_at.eq(to_db(now)))
                .execute(conn)
                .repo()?;
            Ok(())
        })
    }

    fn list(&self, org: OrganizationId, page: &PageRequest) -> RepoResult<Vec<User>> {
        self.db.tenant(org, |conn| {
            let mut query = users::table
                .filter(users::organization_id.eq(org.to_string()))
                .select(USER_COLUMNS)
                .order(users::id.desc())
                .limit(i64::try_from(page.fetch_limit()).unwrap_or(i64::MAX))
                .into_boxed();
            if let Some(before) = page.before {
                query = query.filter(users::id.lt(before.to_string()));
            }
            query
                .load::<UserRow>(conn)
                .repo()?
                .into_iter()
                .map(User::try_from)
                .collect()
        })
    }

    fn update_access(
        &self,
        org: OrganizationId,
        id: UserId,
        change: AccessChange,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<AccessChangeOutcome> {
        self.db.tenant_write(org, |c| {
            let outcome = user_access::apply(c, org, id, change, now)?;
            if matches!(outcome, AccessChangeOutcome::Updated(_)) {
                append_in_tx(c, &audit, now)?;
            }
            Ok(outcome)
        })
    }
}
