//! Newtype ids: an id of one kind can never be passed where another is expected.
//!
//! Ids are UUID v7 (time-ordered) so that newest-first listings can use the primary key.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh, time-ordered id (UUID v7).
            pub fn generate() -> Self {
                Self(Uuid::now_v7())
            }

            /// Wraps a UUID that came from a trusted source (storage, or a verified credential).
            pub fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// The tenant. Obtained only from a verified credential or from the repository that created it.
    OrganizationId
);
id_type!(UserId);
id_type!(SessionId);
id_type!(InvitationId);
id_type!(EventId);
id_type!(IncidentId);
id_type!(PolicyId);
id_type!(ActionLogId);
id_type!(
    /// A stored cloud credential (credential vault).
    CredentialId
);
id_type!(
    /// One audit log entry.
    AuditEntryId
);
id_type!(LogSourceId);
id_type!(MlModelId);
id_type!(
    /// An enrolled endpoint agent.
    AgentId
);
id_type!(EnrollmentTokenId);
id_type!(
    /// A log source's ingest token (agentless ingest).
    IngestTokenId
);
id_type!(
    /// One discovery scan.
    ScanId
);
id_type!(
    /// A host discovery found (one per IP and organization).
    AssetId
);
id_type!(
    /// An organization's webhook endpoint (a new one each time it is configured from scratch).
    WebhookId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_v7_and_ordered() {
        let a = UserId::generate();
        let b = UserId::generate();
        assert_eq!(a.as_uuid().get_version_num(), 7);
        assert!(a <= b);
    }

    #[test]
    fn parse_round_trip() {
        let id = OrganizationId::generate();
        let parsed: OrganizationId = id.to_string().parse().unwrap();
        assert_eq!(id, parsed);
        assert!("not-a-uuid".parse::<SessionId>().is_err());
    }
}
