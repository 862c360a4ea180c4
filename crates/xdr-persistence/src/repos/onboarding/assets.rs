//! Assets: one row per IP and organization. A later scan updates the IP's row in place,
//! keeping its id, `first_seen_at`, `agent_id` and a hostname it knows.

use diesel::prelude::*;
use diesel::upsert::excluded;
use xdr_domain::onboarding::Asset;
use xdr_domain::ports::{AssetFilter, RepoResult};
use xdr_domain::{OrganizationId, PageRequest, ScanId};

use super::limit;

diesel::define_sql_function! {
    /// The first argument that is not NULL (SQL's `COALESCE` of two text values).
    fn coalesce(x: diesel::sql_types::Nullable<diesel::sql_types::Text>, y: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}
use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::models::onboarding::{ASSET_COLUMNS, AssetRow};
use crate::schema::assets;

/// Stores what `scan` found, inside the caller's write transaction (in which the scan was
/// checked to be running in `org`).
pub(super) fn upsert(
    conn: &mut AnyConnection,
    org: OrganizationId,
    scan: ScanId,
    found: &[Asset],
) -> RepoResult<()> {
    let org = org.to_string();
    for asset in found {
        let row = AssetRow::new(org.clone(), asset, scan);
        let upsert = diesel::insert_into(assets::table)
            .values(&row)
            .on_conflict((assets::organization_id, assets::ip))
            .do_update()
            .set((
                // A scan that learns no name keeps the one known (from an enrolled agent).
                assets::hostname.eq(coalesce(excluded(assets::hostname), assets::hostname)),
                assets::os.eq(excluded(assets::os)),
                assets::os_confidence.eq(excluded(assets::os_confidence)),
                assets::role.eq(excluded(assets::role)),
                assets::priority.eq(excluded(assets::priority)),
                assets::services.eq(excluded(assets::services)),
                assets::scan_id.eq(excluded(assets::scan_id)),
                assets::last_seen_at.eq(excluded(assets::last_seen_at)),
            ));
        match conn {
            AnyConnection::Postgresql(pg) => upsert.execute(pg),
            AnyConnection::Sqlite(lite) => upsert.execute(lite),
        }
        .repo()?;
    }
    Ok(())
}

/// Newest first by id (when first seen).
pub(super) fn list(
    conn: &mut AnyConnection,
    org: OrganizationId,
    filter: &AssetFilter,
    page: &PageRequest,
) -> RepoResult<Vec<Asset>> {
    let mut query = assets::table
        .filter(assets::organization_id.eq(org.to_string()))
        .select(ASSET_COLUMNS)
        .order(assets::id.desc())
        .limit(limit(page))
        .into_boxed();
    if let Some(scan) = filter.scan_id {
        query = query.filter(assets::scan_id.eq(scan.to_string()));
    }
    if let Some(priority) = filter.priority {
        query = query.filter(assets::priority.eq(priority.as_str()));
    }
    if let Some(before) = page.before {
        query = query.filter(assets::id.lt(before.to_string()));
    }
    query
        .load::<AssetRow>(conn)
        .repo()?
        .into_iter()
        .map(Asset::try_from)
        .collect()
}
