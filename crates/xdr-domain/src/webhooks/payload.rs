//! What a webhook delivery sends: the JSON body, its headers and the bytes that are signed.
//! (The HMAC itself is computed by the caller; this crate holds no crypto.)

use chrono::SecondsFormat;
use serde_json::{Value, json};

use crate::containment::ActionLog;
use crate::detection::Incident;

/// The action log id; receivers deduplicate deliveries by it.
pub const DELIVERY_HEADER: &str = "X-MiniXDR-Delivery";
/// Unix seconds when the attempt was signed.
pub const TIMESTAMP_HEADER: &str = "X-MiniXDR-Timestamp";
/// `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`.
pub const SIGNATURE_HEADER: &str = "X-MiniXDR-Signature";
pub const SIGNATURE_PREFIX: &str = "sha256=";

/// The body of the delivery of `log` about `incident` (compact JSON).
pub fn delivery_body(log: &ActionLog, incident: &Incident) -> String {
    let params = serde_json::from_str::<Value>(&log.params)
        .ok()
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({}));
    json!({
        "delivery_id": log.id,
        "organization_id": log.organization_id,
        "action": log.action.as_str(),
        "params": params,
        "incident": {
            "id": incident.id,
            "rule": incident.rule.as_str(),
            "src_ip": incident.src_ip.to_string(),
            "severity": incident.severity.as_str(),
            "risk_score": crate::detection::rounded_risk(incident.risk_score),
            "event_count": incident.event_count,
            "status": incident.status.as_str(),
        },
        "created_at": log.created_at.to_rfc3339_opts(SecondsFormat::Micros, true),
    })
    .to_string()
}

/// The bytes the signature covers: `<timestamp>.<body>`.
pub fn signing_input(timestamp: i64, body: &str) -> Vec<u8> {
    format!("{timestamp}.{body}").into_bytes()
}

/// The signature header's value for a hex HMAC.
pub fn signature_header(hex_mac: &str) -> String {
    format!("{SIGNATURE_PREFIX}{hex_mac}")
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::containment::{ActionStatus, ContainmentAction};
    use crate::detection::{Detection, RuleKind, Severity};
    use crate::ids::{ActionLogId, OrganizationId};

    fn sample() -> (ActionLog, Incident) {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
        let org = OrganizationId::generate();
        let detection = Detection {
            rule: RuleKind::SshBruteForce,
            src_ip: "203.0.113.7".parse().unwrap(),
            title: "t".into(),
            severity: Severity::High,
            risk_score: 0.85,
            count: 25,
        };
        let incident = Incident::open(org, &detection, now, now);
        let log = ActionLog {
            id: ActionLogId::generate(),
            organization_id: org,
            incident_id: incident.id,
            policy_id: None,
            action: ContainmentAction::BlockIp,
            params: r#"{"duration_seconds":3600}"#.into(),
            status: ActionStatus::Pending,
            executor: "webhook".into(),
            result: None,
            created_by: None,
            created_at: now,
        };
        (log, incident)
    }

    #[test]
    fn body_describes_the_action_and_incident() {
        let (log, incident) = sample();
        let body: Value = serde_json::from_str(&delivery_body(&log, &incident)).unwrap();
        assert_eq!(body["delivery_id"], log.id.to_string());
        assert_eq!(body["organization_id"], log.organization_id.to_string());
        assert_eq!(body["action"], "block_ip");
        assert_eq!(body["params"], json!({"duration_seconds": 3600}));
        assert_eq!(body["incident"]["id"], incident.id.to_string());
        assert_eq!(body["incident"]["rule"], "ssh_brute_force");
        assert_eq!(body["incident"]["src_ip"], "203.0.113.7");
        assert_eq!(body["incident"]["severity"], "high");
        assert_eq!(body["incident"]["risk_score"], 0.85);
        assert_eq!(body["incident"]["event_count"], 25);
        assert_eq!(body["incident"]["status"], "open");
        assert_eq!(body["created_at"], "2026-11-23T10:00:00.000000Z");
        let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 6, "{keys:?}");
    }

    #[test]
    fn signing_input_is_timestamp_dot_body() {
        assert_eq!(
            signing_input(1_700_000_000, "{}"),
            b"1700000000.{}".to_vec()
        );
        assert_eq!(signature_header("ab12"), "sha256=ab12");
    }
}
