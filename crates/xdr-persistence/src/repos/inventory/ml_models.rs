//! ML model records, always within one organization.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use xdr_domain::inventory::{MlModel, MlModelChange};
use xdr_domain::ports::RepoResult;
use xdr_domain::{MlModelId, OrganizationId, PageRequest};

use super::limit;
use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::models::{ML_MODEL_COLUMNS, MlModelRow};
use crate::schema::ml_models;

pub(crate) fn create(
    conn: &mut AnyConnection,
    org: OrganizationId,
    model: &MlModel,
) -> RepoResult<MlModel> {
    let row = MlModelRow::new(org.to_string(), model);
    diesel::insert_into(ml_models::table)
        .values(&row)
        .execute(conn)
        .repo()?;
    MlModel::try_from(row)
}

pub(crate) fn list(
    conn: &mut AnyConnection,
    org: OrganizationId,
    page: &PageRequest,
) -> RepoResult<Vec<MlModel>> {
    let mut query = ml_models::table
        .filter(ml_models::organization_id.eq(org.to_string()))
        .select(ML_MODEL_COLUMNS)
        .order(ml_models::id.desc())
        .limit(limit(page.fetch_limit()))
        .into_boxed();
    if let Some(before) = page.before {
        query = query.filter(ml_models::id.lt(before.to_string()));
    }
    query
        .load::<MlModelRow>(conn)
        .repo()?
        .into_iter()
        .map(MlModel::try_from)
        .collect()
}

pub(crate) fn get(
    conn: &mut AnyConnection,
    org: OrganizationId,
    id: MlModelId,
) -> RepoResult<Option<MlModel>> {
    ml_models::table
        .filter(ml_models::organization_id.eq(org.to_string()))
        .filter(ml_models::id.eq(id.to_string()))
        .select(ML_MODEL_COLUMNS)
        .first::<MlModelRow>(conn)
        .optional()
        .repo()?
        .map(MlModel::try_from)
        .transpose()
}

/// Read, change and write back inside the caller's write transaction.
pub(crate) fn update(
    conn: &mut AnyConnection,
    org: OrganizationId,
    id: MlModelId,
    change: &MlModelChange,
    now: DateTime<Utc>,
) -> RepoResult<Option<MlModel>> {
    let Some(mut model) = get(conn, org, id)? else {
        return Ok(None);
    };
    change.apply(&mut model, now);
    let row = MlModelRow::new(org.to_string(), &model);
    diesel::update(ml_models::table)
        .filter(ml_models::organization_id.eq(org.to_string()))
        .filter(ml_models::id.eq(id.to_string()))
        .set(&row)
        .execute(conn)
        .repo()?;
    MlModel::try_from(row).map(Some)
}

pub(crate) fn delete(
    conn: &mut AnyConnection,
    org: OrganizationId,
    id: MlModelId,
) -> RepoResult<bool> {
    let deleted = diesel::delete(
        ml_models::table
            .filter(ml_models::organization_id.eq(org.to_string()))
            .filter(ml_models::id.eq(id.to_string())),
    )
    .execute(conn)
    .repo()?;
    Ok(deleted > 0)
}
