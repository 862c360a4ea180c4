//! Organizations, users, roles, sessions and the rules of signing in.

mod access_change;
mod email;
mod invitation;
mod lockout;
mod organization;
mod password_policy;
mod role;
mod session;
mod user;

pub use access_change::{AccessChange, AccessChangeOutcome};
pub use email::{Email, EmailError};
pub use invitation::{
    Acceptance, INVITATION_TTL_DAYS, Invitation, InvitationStatus, NewInvitation, invitation_expiry,
};
pub use lockout::{
    AttemptDecision, AttemptOutcome, BUSY_RETRY_AFTER_SECONDS, EndedLock, LockoutPolicy,
    RESERVATION_TTL_SECONDS, ThrottleState,
};
pub use organization::{
    NewOrganization, OnboardingStatus, Organization, OrganizationName, OrganizationNameError, Slug,
};
pub use password_policy::{
    MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, PasswordPolicyError, check_password,
};
pub use role::{Role, UnknownRole};
pub use session::{NewSession, RefreshOutcome, RevocationReason, Session, TokenHash};
pub use user::{FullName, FullNameError, NewUser, PasswordHash, User};
