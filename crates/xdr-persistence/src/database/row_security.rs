//! Whether PostgreSQL row-level security applies to the role the application connects as.
//!
//! Superusers and roles with `BYPASSRLS` skip every policy, `FORCE ROW LEVEL SECURITY`
//! notwithstanding; the application must connect as neither (docs/security.md).

use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable, Text};

use crate::error::PersistenceError;

/// The current role's name when row-level security does not apply to it.
pub(super) fn bypassing_role(conn: &mut PgConnection) -> Result<Option<String>, PersistenceError> {
    let (role, bypasses) = diesel::select((
        diesel::dsl::sql::<Text>("current_user::text"),
        diesel::dsl::sql::<Nullable<Bool>>(
            "(SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user)",
        ),
    ))
    .get_result::<(String, Option<bool>)>(conn)?;
    Ok(bypasses.unwrap_or(false).then_some(role))
}
