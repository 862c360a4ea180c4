//! Roles, least to most privileged: viewer < analyst < soc_lead < admin.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The derived ordering is the privilege ordering: `Role::Viewer < Role::Admin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Viewer,
    Analyst,
    SocLead,
    Admin,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown role (expected viewer, analyst, soc_lead or admin)")]
pub struct UnknownRole;

impl Role {
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Analyst, Role::SocLead, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Analyst => "analyst",
            Role::SocLead => "soc_lead",
            Role::Admin => "admin",
        }
    }

    /// True when this role is at least `required`.
    pub fn satisfies(self, required: Role) -> bool {
        self >= required
    }

    /// The role just below this one, if any (used by role-matrix tests).
    pub fn below(self) -> Option<Role> {
        match self {
            Role::Viewer => None,
            Role::Analyst => Some(Role::Viewer),
            Role::SocLead => Some(Role::Analyst),
            Role::Admin => Some(Role::SocLead),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or(UnknownRole)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordering_is_privilege() {
        assert!(Role::Viewer < Role::Analyst);
        assert!(Role::Analyst < Role::SocLead);
        assert!(Role::SocLead < Role::Admin);
        assert!(Role::Admin.satisfies(Role::Viewer));
        assert!(!Role::Analyst.satisfies(Role::SocLead));
    }

    #[test]
    fn string_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert!("root".parse::<Role>().is_err());
        assert!("Admin".parse::<Role>().is_err());
    }

    #[test]
    fn below_walks_down() {
        assert_eq!(Role::Admin.below(), Some(Role::SocLead));
        assert_eq!(Role::Viewer.below(), None);
    }
}
