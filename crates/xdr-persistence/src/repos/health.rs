use diesel::RunQueryDsl;
use xdr_domain::ports::RepoResult;

use crate::database::Database;
use crate::error::DbResultExt;

pub(crate) fn ping(db: &Database) -> RepoResult<()> {
    let mut conn = db.conn()?;
    diesel::sql_query("SELECT 1").execute(&mut *conn).repo()?;
    Ok(())
}
