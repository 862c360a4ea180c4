//! Changing a member's role or active flag, and the rule that an organization always keeps an
//! active admin.

use super::{Role, User};

/// A requested change of role and/or active flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AccessChange {
    pub role: Option<Role>,
    pub is_active: Option<bool>,
}

impl AccessChange {
    pub fn is_empty(&self) -> bool {
        self.role.is_none() && self.is_active.is_none()
    }

    /// The user as they would be after the change.
    pub fn applied_to(&self, user: &User) -> (Role, bool) {
        (
            self.role.unwrap_or(user.role),
            self.is_active.unwrap_or(user.is_active),
        )
    }

    /// True when the change takes admin rights away from an active admin.
    pub fn removes_active_admin(&self, user: &User) -> bool {
        let (role, active) = self.applied_to(user);
        user.is_active && user.role == Role::Admin && (role != Role::Admin || !active)
    }

    /// True when the user's sessions must end: their role changed or they were deactivated.
    pub fn ends_sessions(&self, user: &User) -> bool {
        let (role, active) = self.applied_to(user);
        role != user.role || (user.is_active && !active)
    }
}

/// What applying an access change did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessChangeOutcome {
    Updated(User),
    NotFound,
    /// The change would leave the organization without an active admin.
    LastAdmin,
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::identity::{Email, FullName, PasswordHash};
    use crate::ids::{OrganizationId, UserId};

    fn user(role: Role, is_active: bool) -> User {
        User {
            id: UserId::generate(),
            organization_id: OrganizationId::generate(),
            email: Email::parse("a@b.example").unwrap(),
            full_name: FullName::parse("A").unwrap(),
            role,
            is_active,
            password_hash: PasswordHash::new("x".into()),
            created_at: Utc::now(),
            updated_at: Utc::now(),
            last_login_at: None,
        }
    }

    #[test]
    fn demoting_or_deactivating_an_active_admin_removes_one() {
        let admin = user(Role::Admin, true);
        let demote = AccessChange {
            role: Some(Role::SocLead),
            is_active: None,
        };
        let deactivate = AccessChange {
            role: None,
            is_active: Some(false),
        };
        let rename_only = AccessChange {
            role: Some(Role::Admin),
            is_active: Some(true),
        };
        assert!(demote.removes_active_admin(&admin));
        assert!(deactivate.removes_active_admin(&admin));
        assert!(!rename_only.removes_active_admin(&admin));
        assert!(!demote.removes_active_admin(&user(Role::Admin, false)));
        assert!(!deactivate.removes_active_admin(&user(Role::Analyst, true)));
    }

    #[test]
    fn sessions_end_on_role_change_or_deactivation() {
        let analyst = user(Role::Analyst, true);
        assert!(
            AccessChange {
                role: Some(Role::Viewer),
                is_active: None
            }
            .ends_sessions(&analyst)
        );
        assert!(
            AccessChange {
                role: None,
                is_active: Some(false)
            }
            .ends_sessions(&analyst)
        );
        assert!(
            !AccessChange {
                role: Some(Role::Analyst),
                is_active: Some(true)
            }
            .ends_sessions(&analyst)
        );
        assert!(AccessChange::default().is_empty());
    }
}
