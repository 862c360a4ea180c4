use chrono::NaiveDateTime;
use diesel::prelude::*;
use xdr_domain::RepoError;
use xdr_domain::identity::{Email, FullName, NewUser, PasswordHash, Role, User};

use super::parse_stored;
use crate::error::corrupt;
use crate::schema::users;
use crate::time::{from_db, to_db};

/// The columns of [`UserRow`], in field order: use with `.select(..)` and `.returning(..)`.
pub(crate) type UserColumns = (
    users::id,
    users::organization_id,
    users::email,
    users::full_name,
    users::role,
    users::is_active,
    users::password_hash,
    users::created_at,
    users::updated_at,
    users::last_login_at,
);
pub(crate) const USER_COLUMNS: UserColumns = (
    users::id,
    users::organization_id,
    users::email,
    users::full_name,
    users::role,
    users::is_active,
    users::password_hash,
    users::created_at,
    users::updated_at,
    users::last_login_at,
);

#[derive(Debug, Queryable)]
pub(crate) struct UserRow {
    pub id: String,
    pub organization_id: String,
    pub email: String,
    pub full_name: String,
    pub role: String,
    pub is_active: bool,
    pub password_hash: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub last_login_at: Option<NaiveDateTime>,
}

impl TryFrom<UserRow> for User {
    type Error = RepoError;

    fn try_from(row: UserRow) -> Result<Self, RepoError> {
        Ok(User {
            id: parse_stored(&row.id, "users.id")?,
            organization_id: parse_stored(&row.organization_id, "users.organization_id")?,
            email: Email::parse(&row.email).map_err(|e| corrupt("users.email", e))?,
            full_name: FullName::parse(&row.full_name)
                .map_err(|e| corrupt("users.full_name", e))?,
            role: parse_stored::<Role>(&row.role, "users.role")?,
            is_active: row.is_active,
            password_hash: PasswordHash::new(row.password_hash),
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
            last_login_at: row.last_login_at.map(from_db),
        })
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub(crate) struct NewUserRow {
    pub id: String,
    pub organization_id: String,
    pub email: String,
    pub full_name: String,
    pub role: String,
    pub is_active: bool,
    pub password_hash: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl From<&NewUser> for NewUserRow {
    fn from(user: &NewUser) -> Self {
        let created_at = to_db(user.created_at);
        Self {
            id: user.id.to_string(),
            organization_id: user.organization_id.to_string(),
            email: user.email.as_str().to_owned(),
            full_name: user.full_name.as_str().to_owned(),
            role: user.role.as_str().to_owned(),
            is_active: true,
            password_hash: user.password_hash.as_str().to_owned(),
            created_at,
            updated_at: created_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn row() -> UserRow {
        let now = Utc::now().naive_utc();
        UserRow {
            id: uuid::Uuid::now_v7().to_string(),
            organization_id: uuid::Uuid::now_v7().to_string(),
            email: "a@example.com".into(),
            full_name: "A".into(),
            role: "admin".into(),
            is_active: true,
            password_hash: "$2b$04$x".into(),
            created_at: now,
            updated_at: now,
            last_login_at: None,
        }
    }

    #[test]
    fn bad_stored_values_are_corrupt_not_panics() {
        assert!(User::try_from(row()).is_ok());
        let bad_rows = [
            UserRow {
                role: "root".into(),
                ..row()
            },
            UserRow {
                email: "not an email".into(),
                ..row()
            },
            UserRow {
                id: "42".into(),
                ..row()
            },
            UserRow {
                full_name: "  ".into(),
                ..row()
            },
        ];
        for bad in bad_rows {
            let err = User::try_from(bad).unwrap_err();
            assert!(matches!(err, RepoError::Corrupt(_)), "{err:?}");
        }
    }
}
