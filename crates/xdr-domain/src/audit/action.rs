//! The actions the audit log can record. Which ones the code writes, and when, is
//! listed in docs/audit.md ("What is recorded"); some are declared ahead of the
//! features that will write them.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

/// One kind of audited event. The string form is stored and shown in the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    AuthRegister,
    AuthLogin,
    AuthLoginFailed,
    AuthLocked,
    AuthLogout,
    AuthRefreshReuseDetected,
    AuthPasswordChanged,
    UserInvited,
    UserJoined,
    UserUpdated,
    InvitationRevoked,
    CredentialCreated,
    CredentialUpdated,
    CredentialDeleted,
    CredentialUsed,
    IncidentUpdated,
    ActionExecuted,
    AgentEnrolled,
    EnrollmentTokenCreated,
    EnrollmentTokenRevoked,
    OnboardingCompleted,
    WebhookConfigured,
    WebhookSecretRotated,
    WebhookDeleted,
    OnboardingStarted,
    OnboardingStepCompleted,
    OnboardingSkipped,
    DiscoveryScanStarted,
    DiscoveryScanCancelled,
    AgentRevoked,
    AgentUnenrolled,
    AgentSuperseded,
    AgentCloneDetected,
    AgentSecretRotated,
    IngestTokenCreated,
    IngestTokenRevoked,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown audit action `{0}`")]
pub struct UnknownAuditAction(pub String);

impl AuditAction {
    pub const ALL: [AuditAction; 36] = [
        AuditAction::AuthRegister,
        AuditAction::AuthLogin,
        AuditAction::AuthLoginFailed,
        AuditAction::AuthLocked,
        AuditAction::AuthLogout,
        AuditAction::AuthRefreshReuseDetected,
        AuditAction::AuthPasswordChanged,
        AuditAction::UserInvited,
        AuditAction::UserJoined,
        AuditAction::UserUpdated,
        AuditAction::InvitationRevoked,
        AuditAction::CredentialCreated,
        AuditAction::CredentialUpdated,
        AuditAction::CredentialDeleted,
        AuditAction::CredentialUsed,
        AuditAction::IncidentUpdated,
        AuditAction::ActionExecuted,
        AuditAction::AgentEnrolled,
        AuditAction::EnrollmentTokenCreated,
        AuditAction::EnrollmentTokenRevoked,
        AuditAction::OnboardingCompleted,
        AuditAction::WebhookConfigured,
        AuditAction::WebhookSecretRotated,
        AuditAction::WebhookDeleted,
        AuditAction::OnboardingStarted,
        AuditAction::OnboardingStepCompleted,
        AuditAction::OnboardingSkipped,
        AuditAction::DiscoveryScanStarted,
        AuditAction::DiscoveryScanCancelled,
        AuditAction::AgentRevoked,
        AuditAction::AgentUnenrolled,
        AuditAction::AgentSuperseded,
        AuditAction::AgentCloneDetected,
        AuditAction::AgentSecretRotated,
        AuditAction::IngestTokenCreated,
        AuditAction::IngestTokenRevoked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::AuthRegister => "auth.register",
            AuditAction::AuthLogin => "auth.login",
            AuditAction::AuthLoginFailed => "auth.login_failed",
            AuditAction::AuthLocked => "auth.locked",
            AuditAction::AuthLogout => "auth.logout",
            AuditAction::AuthRefreshReuseDetected => "auth.refresh_reuse_detected",
            AuditAction::AuthPasswordChanged => "auth.password_changed",
            AuditAction::UserInvited => "user.invited",
            AuditAction::UserJoined => "user.joined",
            AuditAction::UserUpdated => "user.updated",
            AuditAction::InvitationRevoked => "invitation.revoked",
            AuditAction::CredentialCreated => "credential.created",
            AuditAction::CredentialUpdated => "credential.updated",
            AuditAction::CredentialDeleted => "credential.deleted",
            AuditAction::CredentialUsed => "credential.used",
            AuditAction::IncidentUpdated => "incident.updated",
            AuditAction::ActionExecuted => "action.executed",
            AuditAction::AgentEnrolled => "agent.enrolled",
            AuditAction::EnrollmentTokenCreated => "enrollment_token.created",
            AuditAction::EnrollmentTokenRevoked => "enrollment_token.revoked",
            AuditAction::OnboardingCompleted => "onboarding.completed",
            AuditAction::WebhookConfigured => "webhook.configured",
            AuditAction::WebhookSecretRotated => "webhook.secret_rotated",
            AuditAction::WebhookDeleted => "webhook.deleted",
            AuditAction::OnboardingStarted => "onboarding.started",
            AuditAction::OnboardingStepCompleted => "onboarding.step_completed",
            AuditAction::OnboardingSkipped => "onboarding.skipped",
            AuditAction::DiscoveryScanStarted => "discovery.scan_started",
            AuditAction::DiscoveryScanCancelled => "discovery.scan_cancelled",
            AuditAction::AgentRevoked => "agent.revoked",
            AuditAction::AgentUnenrolled => "agent.unenrolled",
            AuditAction::AgentSuperseded => "agent.superseded",
            AuditAction::AgentCloneDetected => "agent.clone_detected",
            AuditAction::AgentSecretRotated => "agent.secret_rotated",
            AuditAction::IngestTokenCreated => "ingest_token.created",
            AuditAction::IngestTokenRevoked => "ingest_token.revoked",
        }
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AuditAction {
    type Err = UnknownAuditAction;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AuditAction::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| UnknownAuditAction(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_round_trips_and_is_unique() {
        let mut seen = std::collections::HashSet::new();
        for action in AuditAction::ALL {
            assert_eq!(action.as_str().parse::<AuditAction>().unwrap(), action);
            assert!(seen.insert(action.as_str()));
        }
        assert!("auth.nope".parse::<AuditAction>().is_err());
    }
}
