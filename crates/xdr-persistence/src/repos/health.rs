use diesel::RunQueryDsl;
use xdr_domain::ports::RepoResult;

use crate::database::Database;
use crate::error::DbResultExt;

pub(crate) fn ping(db: &Database) -> RepoResult<()> {
    // Reads no table: no tenant scope needed.
    db.untenanted(|conn| {
        diesel::sql_query("SELECT 1").execute(conn).repo()?;
        Ok(())
    })
}
