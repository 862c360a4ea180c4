//! The role check every use case starts with.

use xdr_auth::Principal;
use xdr_domain::identity::Role;

/// The caller's role is below what the operation needs. Each area's error turns it into its
/// own `Forbidden`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Forbidden;

/// Ok when the caller's role is `role` or above (`?` turns the refusal into the area's error).
pub(crate) fn require(principal: &Principal, role: Role) -> Result<(), Forbidden> {
    if principal.role.satisfies(role) {
        Ok(())
    } else {
        Err(Forbidden)
    }
}
