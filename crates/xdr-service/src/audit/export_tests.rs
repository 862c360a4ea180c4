use chrono::TimeZone;
use xdr_domain::audit::{AuditAction, NewAuditEntry};
use xdr_domain::{AuditEntryId, OrganizationId, UserId};

use super::*;

fn field(value: &str) -> String {
    let mut out = String::new();
    push_csv_field(&mut out, value);
    out
}

fn entry(email: &str) -> AuditEntry {
    let org = OrganizationId::generate();
    AuditEntry {
        id: AuditEntryId::generate(),
        seq: 7,
        created_at: Utc
            .with_ymd_and_hms(2026, 12, 4, 10, 30, 0)
            .single()
            .unwrap_or_default(),
        entry: NewAuditEntry::new(org, AuditAction::UserInvited, "invitation")
            .actor(UserId::generate(), Some(email))
            .resource("inv-1")
            .client(Some("127.0.0.1"), Some("curl/8")),
        prev_hash: "0".repeat(64),
        hash: "ab".repeat(32),
    }
}

#[test]
fn csv_fields_are_quoted_only_when_needed() {
    assert_eq!(field("plain"), "plain");
    assert_eq!(field("a,b"), "\"a,b\"");
    assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(field("two\nlines"), "\"two\nlines\"");
    assert_eq!(CSV_HEADER.split(',').count(), 13);
}

#[test]
fn csv_neutralizes_what_a_spreadsheet_would_run() {
    for formula in ["=HYPERLINK(1)", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"] {
        let quoted = field(formula);
        assert!(quoted.starts_with("\"'"), "{formula:?} became {quoted:?}");
    }
    let row = String::from_utf8(csv(&[entry("=cmd|' /C calc'!A0")])).unwrap();
    assert!(row.contains(",\"'=cmd|' /C calc'!A0\","), "{row}");
    assert!(row.ends_with("\r\n"));
}

#[test]
fn ndjson_has_one_line_per_entry_with_the_api_fields() {
    let entries = [entry("a@example.test"), entry("b@example.test")];
    let text = String::from_utf8(ndjson(&entries)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(first["actor_email"], "a@example.test");
    assert_eq!(first["action"], "user.invited");
    assert_eq!(first["resource_id"], "inv-1");
    assert_eq!(first["created_at"], "2026-12-04T10:30:00Z");
    assert_eq!(first["hash"], "ab".repeat(32));
    let keys: Vec<&String> = first.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 13);
}

#[test]
fn formats_name_their_download() {
    assert_eq!(ExportFormat::default(), ExportFormat::Ndjson);
    assert_eq!(ExportFormat::Csv.file_name(), "audit-log.csv");
    assert!(ExportFormat::Csv.content_type().starts_with("text/csv"));
}
