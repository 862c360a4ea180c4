//! The tamper-evident audit log: what is recorded, how entries are filtered and paged, and the
//! canonical encoding every entry's hash is computed over (the hashing itself happens in storage;
//! this crate stays free of crypto).

mod action;
mod canonical;
mod entry;
mod filter;

pub use action::{AuditAction, UnknownAuditAction};
pub use canonical::{GENESIS_HASH, canonical_bytes, canonical_json};
pub use entry::{AuditEntry, AuditVerification, NewAuditEntry, PruneReport};
pub use filter::{
    AuditCursor, AuditFilter, AuditPage, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, page_size,
};
