use chrono::{DateTime, Utc};
use diesel::dsl::exists;
use diesel::prelude::*;
use xdr_domain::audit::NewAuditEntry;
use xdr_domain::containment::{ActionLog, ActionStatus, ContainmentPolicy};
use xdr_domain::ports::{ContainmentRepository, RepoResult};
use xdr_domain::{ActionLogId, IncidentId, OrganizationId, PageRequest, PolicyId};

use super::audit::append_in_tx;
use crate::database::{CrossTenant, Database};
use crate::error::DbResultExt;
use crate::models::{ACTION_COLUMNS, ActionRow, POLICY_COLUMNS, PolicyRow};
use crate::schema::{action_logs, containment_policies};
use crate::time::to_db;

#[derive(Debug, Clone)]
pub struct SqlContainmentRepository {
    db: Database,
}

impl SqlContainmentRepository {
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

impl ContainmentRepository for SqlContainmentRepository {
    fn policies(&self, org: OrganizationId) -> RepoResult<Vec<ContainmentPolicy>> {
        self.db.tenant(org, |conn| {
            containment_policies::table
                .filter(containment_policies::organization_id.eq(org.to_string()))
                .select(POLICY_COLUMNS)
                .order((
                    containment_policies::priority.desc(),
                    containment_policies::name.asc(),
                ))
                .load::<PolicyRow>(conn)
                .repo()?
                .into_iter()
                .map(ContainmentPolicy::try_from)
                .collect()
        })
    }

    fn get_policy(
        &self,
        org: OrganizationId,
        id: PolicyId,
    ) -> RepoResult<Option<ContainmentPolicy>> {
        self.db.tenant(org, |conn| {
            containment_policies::table
                .filter(containment_policies::organization_id.eq(org.to_string()))
                .filter(containment_policies::id.eq(id.to_string()))
                .select(POLICY_COLUMNS)
                .first::<PolicyRow>(conn)
                .optional()
                .repo()?
                .map(ContainmentPolicy::try_from)
                .transpose()
        })
    }

    fn create_policy(&self, policy: &ContainmentPolicy) -> RepoResult<()> {
        self.db.tenant(policy.organization_id, |conn| {
            diesel::insert_into(containment_policies::table)
                .values(PolicyRow::from(policy))
                .execute(conn)
                .repo()?;
            Ok(())
        })
    }

    fn update_policy(&self, policy: &ContainmentPolicy) -> RepoResult<bool> {
        self.db.tenant(policy.organization_id, |conn| {
            let changed = diesel::update(containment_policies::table)
                .filter(
                    containment_policies::organization_id.eq(policy.organization_id.to_string()),
                )
                .filter(containment_policies::id.eq(policy.id.to_string()))
                .set(PolicyRow::from(policy))
                .execute(conn)
                .repo()?;
            Ok(changed > 0)
        })
    }

    fn delete_policy(&self, org: OrganizationId, id: PolicyId) -> RepoResult<bool> {
        self.db.tenant(org, |conn| {
            let deleted = diesel::delete(containment_policies::table)
                .filter(containment_policies::organization_id.eq(org.to_string()))
                .filter(containment_policies::id.eq(id.to_string()))
                .execute(conn)
                .repo()?;
            Ok(deleted > 0)
        })
    }

    fn policy_acted(
        &self,
        org: OrganizationId,
        incident: IncidentId,
        policy: PolicyId,
    ) -> RepoResult<bool> {
        self.db.tenant(org, |conn| {
            let acted = action_logs::table
                .filter(action_logs::organization_id.eq(org.to_string()))
                .filter(action_logs::incident_id.eq(incident.to_string()))
                .filter(action_logs::policy_id.eq(policy.to_string()));
            diesel::select(exists(acted)).get_result(conn).repo()
        })
    }

    fn record_action(&self, log: &ActionLog, audit: &NewAuditEntry) -> RepoResult<()> {
        self.db.tenant_write(log.organization_id, |conn| {
            diesel::insert_into(action_logs::table)
                .values(ActionRow::from(log))
                .execute(conn)
                .repo()?;
            append_in_tx(conn, audit, log.created_at)?;
            Ok(())
        })
    }

    fn get_action(&self, org: OrganizationId, id: ActionLogId) -> RepoResult<Option<ActionLog>> {
        self.db
            .tenant(org, |conn| {
                action_logs::table
                    .filter(action_logs::organization_id.eq(org.to_string()))
                    .filter(action_logs::id.eq(id.to_string()))
                    .select(ACTION_COLUMNS)
                    .first::<ActionRow>(conn)
                    .optional()
                    .repo()
            })?
            .map(ActionLog::try_from)
            .transpose()
    }

    fn finish_action(
        &self,
        org: OrganizationId,
        id: ActionLogId,
        status: ActionStatus,
        result: &str,
    ) -> RepoResult<bool> {
        let changed = self.db.tenant(org, |conn| {
            diesel::update(action_logs::table)
                .filter(action_logs::organization_id.eq(org.to_string()))
                .filter(action_logs::id.eq(id.to_string()))
                .filter(action_logs::status.eq(ActionStatus::Pending.as_str()))
                .set((
                    action_logs::status.eq(status.as_str()),
                    action_logs::result.eq(result),
                ))
                .execute(conn)
                .repo()
        })?;
        Ok(changed > 0)
    }

    fn claim_action(
        &self,
        org: OrganizationId,
        id: ActionLogId,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> RepoResult<bool> {
        // One conditional UPDATE: PostgreSQL re-checks the WHERE on the row a concurrent
        // claimant just updated (and then finds the claim unexpired), SQLite has one writer;
        // either way one caller changes the row and the others see 0 rows changed.
        let changed = self.db.tenant(org, |conn| {
            diesel::update(action_logs::table)
                .filter(action_logs::organization_id.eq(org.to_string()))
                .filter(action_logs::id.eq(id.to_string()))
                .filter(action_logs::status.eq(ActionStatus::Pending.as_str()))
                .filter(
                    action_logs::claimed_until
                        .is_null()
                        .or(action_logs::claimed_until.le(to_db(now))),
                )
                .set(action_logs::claimed_until.eq(to_db(until)))
                .execute(conn)
                .repo()
        })?;
        Ok(changed > 0)
    }

    fn pending_actions(
        &self,
        executor: &str,
        now: DateTime<Utc>,
        unclaimed_before: DateTime<Utc>,
        after: Option<ActionLogId>,
        limit: u32,
    ) -> RepoResult<Vec<ActionLog>> {
        let mut query = action_logs::table
            .filter(action_logs::status.eq(ActionStatus::Pending.as_str()))
            .filter(action_logs::executor.eq(executor))
            .filter(
                action_logs::claimed_until
                    .is_null()
                    .and(action_logs::created_at.lt(to_db(unclaimed_before)))
                    .or(action_logs::claimed_until.le(to_db(now))),
            )
            .select(ACTION_COLUMNS)
            .order(action_logs::id.asc())
            .limit(i64::from(limit))
            .into_boxed();
        if let Some(after) = after {
            query = query.filter(action_logs::id.gt(after.to_string()));
        }
        self.db
            .cross_tenant(CrossTenant::PendingDeliveries, |conn| {
                query.load::<ActionRow>(conn).repo()
            })?
            .into_iter()
            .map(ActionLog::try_from)
            .collect()
    }

    fn actions(
        &self,
        org: OrganizationId,
        incident: Option<IncidentId>,
        page: &PageRequest,
    ) -> RepoResult<Vec<ActionLog>> {
        self.db.tenant(org, |conn| {
            let mut query = action_logs::table
                .filter(action_logs::organization_id.eq(org.to_string()))
                .select(ACTION_COLUMNS)
                .order(action_logs::id.desc())
                .limit(i64::try_from(page.fetch_limit()).unwrap_or(i64::MAX))
                .into_boxed();
            if let Some(incident) = incident {
                query = query.filter(action_logs::incident_id.eq(incident.to_string()));
            }
            if let Some(before) = page.before {
                query = query.filter(action_logs::id.lt(before.to_string()));
            }
            query
                .load::<ActionRow>(conn)
                .repo()?
                .into_iter()
                .map(ActionLog::try_from)
                .collect()
        })
    }
}
