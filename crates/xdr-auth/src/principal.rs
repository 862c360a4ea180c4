//! The verified caller of a request.

use xdr_domain::identity::Role;
use xdr_domain::{OrganizationId, SessionId, UserId};

/// Who is calling: built only by [`crate::AuthService::authenticate`] from a verified access
/// token whose session is active. The organization of a request comes from here and nowhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Principal {
    pub user_id: UserId,
    pub organization_id: OrganizationId,
    pub role: Role,
    pub session_id: SessionId,
}

/// Where a request came from, recorded on sessions (and later in the audit log).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// Longest user agent stored with a session.
const MAX_USER_AGENT_CHARS: usize = 256;

impl ClientInfo {
    pub fn new(ip: Option<String>, user_agent: Option<&str>) -> Self {
        let user_agent = user_agent.map(|ua| {
            ua.chars()
                .filter(|c| !c.is_control())
                .take(MAX_USER_AGENT_CHARS)
                .collect()
        });
        Self { ip, user_agent }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agent_is_bounded_and_cleaned() {
        let long = format!("curl\n{}", "x".repeat(1000));
        let info = ClientInfo::new(None, Some(&long));
        let ua = info.user_agent.unwrap();
        assert_eq!(ua.chars().count(), MAX_USER_AGENT_CHARS);
        assert!(!ua.contains('\n'));
    }
}
