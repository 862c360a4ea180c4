//! Export encodings: NDJSON (one entry view per line, byte-faithful) and CSV (RFC 4180
//! quoting, header row, spreadsheet formulas neutralized).

use xdr_domain::audit::{AuditEntry, canonical_json};

use super::audit::AuditEntryView;

pub const CSV_HEADER: &str = "id,created_at,actor_id,actor_email,action,resource_type,resource_id,success,error,ip,user_agent,details,hash\r\n";

/// Entries as NDJSON lines.
pub fn ndjson(entries: &[AuditEntry]) -> Vec<u8> {
    let mut out = Vec::with_capacity(entries.len() * 512);
    for entry in entries {
        // Serializing a plain view cannot fail; skip rather than panic if it ever did.
        if serde_json::to_writer(&mut out, &AuditEntryView::from(entry)).is_ok() {
            out.push(b'\n');
        }
    }
    out
}

/// Entries as CSV rows (without the header).
pub fn csv(entries: &[AuditEntry]) -> Vec<u8> {
    let mut out = String::with_capacity(entries.len() * 512);
    for stored in entries {
        let e = &stored.entry;
        let created = stored
            .created_at
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        let fields: [Option<String>; 13] = [
            Some(stored.id.to_string()),
            Some(created),
            e.actor_id.map(|a| a.to_string()),
            e.actor_email.clone(),
            Some(e.action.as_str().to_owned()),
            Some(e.resource_type.clone()),
            e.resource_id.clone(),
            Some(e.success.to_string()),
            e.error.clone(),
            e.ip.clone(),
            e.user_agent.clone(),
            Some(canonical_json(&e.details)),
            Some(stored.hash.clone()),
        ];
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            if let Some(value) = field {
                push_csv_field(&mut out, value);
            }
        }
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// Quotes a field when it holds a separator, quote or line break (doubling quotes), and
/// prefixes `'` to text a spreadsheet would run as a formula.
fn push_csv_field(out: &mut String, value: &str) {
    let formula = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let needs_quotes = formula || value.contains([',', '"', '\r', '\n']);
    if !needs_quotes {
        out.push_str(value);
        return;
    }
    out.push('"');
    if formula {
        out.push('\'');
    }
    out.push_str(&value.replace('"', "\"\""));
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(value: &str) -> String {
        let mut out = String::new();
        push_csv_field(&mut out, value);
        out
    }

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("=HYPERLINK(1)"), "\"'=HYPERLINK(1)\"");
        assert_eq!(CSV_HEADER.split(',').count(), 13);
    }
}
