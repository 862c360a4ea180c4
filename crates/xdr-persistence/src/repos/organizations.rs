use chrono::{DateTime, Utc};
use diesel::dsl::exists;
use diesel::prelude::*;
use xdr_domain::audit::NewAuditEntry;
use xdr_domain::containment::ContainmentPolicy;
use xdr_domain::identity::{NewOrganization, NewUser, Organization, OrganizationName, Slug, User};
use xdr_domain::ports::{OrganizationRepository, RepoResult};
use xdr_domain::{Conflict, OrganizationId, RepoError};

use super::audit::append_in_tx;
use crate::connection::AnyConnection;
use crate::database::{CrossTenant, Database};
use crate::error::{DbResultExt, UQ_ORGANIZATIONS_SLUG};
use crate::models::{
    NewOrganizationRow, NewUserRow, ORGANIZATION_COLUMNS, OrganizationRow, PolicyRow, USER_COLUMNS,
    UserRow,
};
use crate::schema::{containment_policies, organizations, users};
use crate::time::to_db;

/// How often registration starts over when a concurrent one took the chosen slug.
const REGISTRATION_ATTEMPTS: usize = 5;
/// How many suffixed slugs to try inside one attempt.
const SLUG_CANDIDATES: usize = 8;

#[derive(Debug, Clone)]
pub struct SqlOrganizationRepository {
    db: Database,
}

impl SqlOrganizationRepository {
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

fn is_slug_conflict(e: &RepoError) -> bool {
    matches!(e, RepoError::Conflict(Conflict::Other(c)) if c == UQ_ORGANIZATIONS_SLUG)
}

fn slug_taken(conn: &mut AnyConnection, slug: &Slug) -> RepoResult<bool> {
    let same_slug = organizations::table.filter(organizations::slug.eq(slug.as_str()));
    diesel::select(exists(same_slug)).get_result(conn).repo()
}

/// 6 random hex characters.
fn random_suffix() -> String {
    uuid::Uuid::new_v4()
        .simple()
        .to_string()
        .chars()
        .take(6)
        .collect()
}

/// The requested slug when free, else the first free suffixed one.
fn free_slug(conn: &mut AnyConnection, wanted: &Slug) -> RepoResult<Slug> {
    if !slug_taken(conn, wanted)? {
        return Ok(wanted.clone());
    }
    for _ in 0..SLUG_CANDIDATES {
        let candidate = wanted.with_suffix(&random_suffix());
        if !slug_taken(conn, &candidate)? {
            return Ok(candidate);
        }
    }
    Err(RepoError::Conflict(Conflict::Other(
        UQ_ORGANIZATIONS_SLUG.to_owned(),
    )))
}

fn create(
    conn: &mut AnyConnection,
    org: &NewOrganization,
    admin: &NewUser,
    audit: &NewAuditEntry,
) -> RepoResult<(Organization, User)> {
    let same_email = users::table.filter(users::email.eq(admin.email.as_str()));
    let email_taken: bool = diesel::select(exists(same_email)).get_result(conn).repo()?;
    if email_taken {
        return Err(RepoError::Conflict(Conflict::EmailTaken));
    }
    let same_name = organizations::table.filter(organizations::name_key.eq(org.name.unique_key()));
    let name_taken: bool = diesel::select(exists(same_name)).get_result(conn).repo()?;
    if name_taken {
        return Err(RepoError::Conflict(Conflict::OrganizationExists));
    }
    let slug = free_slug(conn, &org.slug)?;
    // Unique violations below can still happen on PostgreSQL when a concurrent registration
    // commits first; they map to the same conflicts (or to a slug retry).
    let organization: Organization = diesel::insert_into(organizations::table)
        .values(NewOrganizationRow::new(org, &slug))
        .returning(ORGANIZATION_COLUMNS)
        .get_result::<OrganizationRow>(conn)
        .repo()?
        .try_into()?;
    let user: User = diesel::insert_into(users::table)
        .values(NewUserRow::from(admin))
        .returning(USER_COLUMNS)
        .get_result::<UserRow>(conn)
        .repo()?
        .try_into()?;
    // Every organization starts with the default containment policy.
    let policy = ContainmentPolicy::default_for(organization.id, org.created_at);
    diesel::insert_into(containment_policies::table)
        .values(PolicyRow::from(&policy))
        .execute(conn)
        .repo()?;
    append_in_tx(conn, audit, org.created_at)?;
    Ok((organization, user))
}

impl OrganizationRepository for SqlOrganizationRepository {
    fn create_with_admin(
        &self,
        organization: NewOrganization,
        admin: NewUser,
        audit: NewAuditEntry,
    ) -> RepoResult<(Organization, User)> {
        if admin.organization_id != organization.id || audit.organization_id != organization.id {
            return Err(RepoError::Internal(
                "the first admin and the audit entry must belong to the new organization".into(),
            ));
        }
        let mut attempt = 1;
        loop {
            let result = self.db.cross_tenant_write(CrossTenant::Registration, |c| {
                create(c, &organization, &admin, &audit)
            });
            match result {
                Err(e) if is_slug_conflict(&e) && attempt < REGISTRATION_ATTEMPTS => attempt += 1,
                other => return other,
            }
        }
    }

    fn get(&self, id: OrganizationId) -> RepoResult<Option<Organization>> {
        self.db.tenant(id, |conn| {
            organizations::table
                .find(id.to_string())
                .select(ORGANIZATION_COLUMNS)
                .first::<OrganizationRow>(conn)
                .optional()
                .repo()?
                .map(Organization::try_from)
                .transpose()
        })
    }

    fn rename(
        &self,
        id: OrganizationId,
        name: &OrganizationName,
        now: DateTime<Utc>,
    ) -> RepoResult<Option<Organization>> {
        self.db.tenant(id, |conn| {
            diesel::update(organizations::table.find(id.to_string()))
                .set((
                    organizations::name.eq(name.as_str()),
                    organizations::name_key.eq(name.unique_key()),
                    organizations::updated_at.eq(to_db(now)),
                ))
                .returning(ORGANIZATION_COLUMNS)
                .get_result::<OrganizationRow>(conn)
                .optional()
                .repo()?
                .map(Organization::try_from)
                .transpose()
        })
    }
}
