//! The canonical encoding of an entry, the input of its chain hash.
//!
//! Format (version 1): the tag `mini-xdr-audit-v1`, then every field in a fixed order, each as
//! one presence byte (`0` absent, `1` present) followed, when present, by its length as a
//! big-endian u64 and its UTF-8 bytes. Length prefixes make the encoding unambiguous (no
//! field's content can be mistaken for a boundary); `details` is written as canonical JSON
//! (object keys sorted, no whitespace) so that storing and reading it back cannot change it.

use serde_json::Value;

use super::entry::AuditEntry;

/// `prev_hash` of the first entry of a chain.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const TAG: &str = "mini-xdr-audit-v1";

fn field(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        None => out.push(0),
        Some(v) => {
            out.push(1);
            out.extend_from_slice(&(v.len() as u64).to_be_bytes());
            out.extend_from_slice(v.as_bytes());
        }
    }
}

/// The bytes the hash of `entry` is computed over (its own `hash` excluded).
pub fn canonical_bytes(entry: &AuditEntry) -> Vec<u8> {
    let e = &entry.entry;
    let mut out = Vec::with_capacity(512);
    field(&mut out, Some(TAG));
    field(&mut out, Some(&e.organization_id.to_string()));
    field(&mut out, Some(&entry.seq.to_string()));
    field(&mut out, Some(&entry.id.to_string()));
    let created = entry
        .created_at
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    field(&mut out, Some(&created));
    field(&mut out, e.actor_id.map(|a| a.to_string()).as_deref());
    field(&mut out, e.actor_email.as_deref());
    field(&mut out, Some(e.action.as_str()));
    field(&mut out, Some(&e.resource_type));
    field(&mut out, e.resource_id.as_deref());
    field(&mut out, Some(if e.success { "true" } else { "false" }));
    field(&mut out, e.error.as_deref());
    field(&mut out, e.ip.as_deref());
    field(&mut out, e.user_agent.as_deref());
    field(&mut out, Some(&canonical_json(&e.details)));
    field(&mut out, Some(&entry.prev_hash));
    out
}

/// `value` as JSON with object keys sorted and no insignificant whitespace.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_json(&mut out, value);
    out
}

fn write_json(out: &mut String, value: &Value) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                if let Some(v) = map.get(key) {
                    write_json(out, v);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, item);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use serde_json::json;

    use super::*;
    use crate::audit::{AuditAction, NewAuditEntry};
    use crate::ids::{AuditEntryId, OrganizationId, UserId};

    fn entry() -> AuditEntry {
        let org = OrganizationId::from_uuid(uuid::Uuid::from_u128(1));
        AuditEntry {
            id: AuditEntryId::from_uuid(uuid::Uuid::from_u128(2)),
            seq: 7,
            created_at: Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap(),
            entry: NewAuditEntry::new(org, AuditAction::AuthLogin, "session")
                .actor(UserId::from_uuid(uuid::Uuid::from_u128(3)), Some("a@b.c"))
                .resource("s1")
                .client(Some("192.0.2.1"), Some("curl/8"))
                .details(json!({"b": 1, "a": [true, null, "x"]})),
            prev_hash: GENESIS_HASH.to_owned(),
            hash: String::new(),
        }
    }

    #[test]
    fn json_keys_are_sorted_at_every_depth() {
        let v = json!({"z": {"y": 1, "b": 2}, "a": [ {"d": 1, "c": 2} ]});
        assert_eq!(
            canonical_json(&v),
            r#"{"a":[{"c":2,"d":1}],"z":{"b":2,"y":1}}"#
        );
    }

    #[test]
    fn encoding_is_stable() {
        let a = canonical_bytes(&entry());
        assert_eq!(a, canonical_bytes(&entry()));
        // The stored hash itself is not part of the input.
        let mut e = entry();
        e.hash = "ff".into();
        assert_eq!(a, canonical_bytes(&e));
        // Key order of the details does not matter.
        let mut e = entry();
        e.entry.details = json!({"a": [true, null, "x"], "b": 1});
        assert_eq!(a, canonical_bytes(&e));
    }

    type Edit = Box<dyn Fn(&mut AuditEntry)>;

    #[test]
    fn every_field_changes_the_encoding() {
        let base = canonical_bytes(&entry());
        let edits: Vec<Edit> = vec![
            Box::new(|e| e.seq = 8),
            Box::new(|e| e.created_at += chrono::Duration::microseconds(1)),
            Box::new(|e| e.entry.actor_id = None),
            Box::new(|e| e.entry.actor_email = Some("a@b.d".into())),
            Box::new(|e| e.entry.action = AuditAction::AuthLogout),
            Box::new(|e| e.entry.resource_type = "user".into()),
            Box::new(|e| e.entry.resource_id = None),
            Box::new(|e| e.entry.success = false),
            Box::new(|e| e.entry.error = Some("x".into())),
            Box::new(|e| e.entry.ip = None),
            Box::new(|e| e.entry.user_agent = Some("other".into())),
            Box::new(|e| e.entry.details = json!({})),
            Box::new(|e| e.prev_hash = "1".repeat(64)),
        ];
        for edit in edits {
            let mut e = entry();
            edit(&mut e);
            assert_ne!(canonical_bytes(&e), base);
        }
    }

    #[test]
    fn field_boundaries_are_unambiguous() {
        // Moving characters between neighbouring fields changes the bytes.
        let mut a = entry();
        a.entry.ip = Some("ab".into());
        a.entry.user_agent = Some("c".into());
        let mut b = entry();
        b.entry.ip = Some("a".into());
        b.entry.user_agent = Some("bc".into());
        assert_ne!(canonical_bytes(&a), canonical_bytes(&b));
        // An absent value differs from an empty one.
        let mut c = entry();
        c.entry.error = Some(String::new());
        let mut d = entry();
        d.entry.error = None;
        assert_ne!(canonical_bytes(&c), canonical_bytes(&d));
    }
}
