//! Seeds audit entries into one organization through the real repository (one transaction per
//! entry, exactly like the server writes them), for `bench/audit_export.sh`.
//!
//! Run: `cargo run --release -p xdr-server --example audit_seed -- <DATABASE_URL> <ORG_ID> <COUNT>`

use std::error::Error;
use std::io::Write;
use std::time::Instant;

use serde_json::json;
use xdr_domain::OrganizationId;
use xdr_domain::audit::{AuditAction, NewAuditEntry};
use xdr_domain::ports::AuditLogRepository;
use xdr_persistence::{Database, DatabaseConfig};

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, org, count] = args.as_slice() else {
        return Err("usage: audit_seed <DATABASE_URL> <ORG_ID> <COUNT>".into());
    };
    let org: OrganizationId = org.parse()?;
    let count: usize = count.parse()?;
    let db = Database::connect(&DatabaseConfig::new(url.as_str()))?;
    db.run_pending_migrations()?;
    let audit = db.audit();
    let start = Instant::now();
    for i in 0..count {
        let entry = NewAuditEntry::new(org, AuditAction::CredentialUsed, "credential")
            .resource(format!("cred-{}", i % 97))
            .client(Some("198.51.100.23"), Some("bench/1.0 (audit export)"))
            .details(json!({"n": i, "note": "seeded, with \"quotes\" and, commas"}));
        audit.append(entry, chrono::Utc::now())?;
    }
    let seconds = start.elapsed().as_secs_f64();
    writeln!(
        std::io::stdout(),
        "seeded {count} entries in {seconds:.1} s ({:.0} appends/s)",
        count as f64 / seconds
    )?;
    Ok(())
}
