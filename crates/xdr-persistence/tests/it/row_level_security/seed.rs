//! An organization with rows in every tenant table, written through the real repositories.

use std::net::{IpAddr, Ipv4Addr};

use chrono::Duration;
use xdr_domain::audit::AuditAction;
use xdr_domain::containment::{ActionLog, ActionStatus, ContainmentAction};
use xdr_domain::detection::rule::COWRIE_LOGIN_FAILED;
use xdr_domain::detection::{NewEvent, RuleKind};
use xdr_domain::identity::{Email, NewInvitation, Organization, Role, User};
use xdr_domain::inventory::{
    IngestTally, IngestTokenInput, LogSource, LogSourceType, MlModel, ModelStatus,
};
use xdr_domain::ports::{
    AuditLogRepository, DetectionRepository, IngestRepository, InventoryRepository,
    InvitationRepository, SessionRepository,
};
use xdr_domain::{
    ActionLogId, EventId, IncidentId, InvitationId, LogSourceId, MlModelId, OrganizationId,
};
use xdr_persistence::Database;
use xdr_persistence::test_support::execute_sql;

use crate::credentials::create as create_credential;
use crate::support::{audit_entry, now, on_reuse, session, tenant, token};

/// Registers an organization and gives it rows in every tenant table but `audit_anchors`
/// (see [`anchor_audit_logs`]).
pub fn organization(db: &Database) -> (Organization, User) {
    let (org, admin) = tenant(db);
    let (_, refresh) = session(db, &admin);
    db.sessions()
        .rotate_refresh(&refresh, &token("next"), now(), &on_reuse)
        .unwrap();
    create_credential(db, &admin, "aws", true);
    invite(db, &admin);
    detect(db, &admin);
    inventory(db, &org);
    webhook(db, &org);
    onboarding(db, &org);
    (org, admin)
}

fn webhook(db: &Database, org: &Organization) {
    use xdr_domain::ports::WebhookRepository;
    use xdr_domain::secrets::SealedSecret;
    use xdr_domain::webhooks::{WebhookEndpoint, WebhookPutAudit};
    let endpoint = WebhookEndpoint {
        id: xdr_domain::WebhookId::generate(),
        organization_id: org.id,
        url: "https://hooks.example.com/mini-xdr".to_owned(),
        enabled: true,
        secret: SealedSecret::new(1, "v1:1:c2VhbGVk".to_owned()),
        secret_preview: "abcd\u{2026}".to_owned(),
        created_at: now(),
        updated_at: now(),
    };
    let entry =
        || xdr_domain::audit::NewAuditEntry::new(org.id, AuditAction::WebhookConfigured, "webhook");
    let audit = WebhookPutAudit {
        created: entry(),
        replaced: entry(),
    };
    db.webhooks().put(&endpoint, audit).unwrap();
}

/// Prunes every organization's audit log (which anchors it), then appends one entry to each
/// of `orgs`, so that both `audit_anchors` and `audit_logs` have rows of each.
pub fn anchor_audit_logs(db: &Database, orgs: &[&Organization]) {
    let pruned = db
        .audit()
        .prune(now() + Duration::seconds(1), now())
        .unwrap();
    assert_eq!(pruned.len(), orgs.len(), "{pruned:?}");
    for org in orgs {
        db.audit()
            .append(
                audit_entry(org, AuditAction::UserUpdated),
                now() + Duration::seconds(2),
            )
            .unwrap();
    }
}

fn invite(db: &Database, admin: &User) {
    let tag = uuid::Uuid::new_v4().simple();
    let invitation = NewInvitation {
        id: InvitationId::generate(),
        organization_id: admin.organization_id,
        email: Email::parse(&format!("invitee-{tag}@example.com")).unwrap(),
        role: Role::Analyst,
        invited_by: admin.id,
        token_hash: token("invitation"),
        expires_at: now() + Duration::days(7),
        created_at: now(),
    };
    let audit = xdr_domain::audit::NewAuditEntry::new(
        admin.organization_id,
        AuditAction::UserInvited,
        "invitation",
    );
    db.invitations().create(invitation, now(), audit).unwrap();
}

/// Detection settings and the events that open an SSH brute-force incident in `org`.
pub(crate) fn open_incident(db: &Database, org: OrganizationId) -> IncidentId {
    let rule = RuleKind::SshBruteForce;
    let settings = rule.default_settings();
    db.detection()
        .set_rule_settings(org, rule, settings, now())
        .unwrap();
    let src_ip = IpAddr::V4(Ipv4Addr::new(203, 0, 113, 9));
    let events = (0..settings.threshold)
        .map(|_| NewEvent {
            id: EventId::generate(),
            organization_id: org,
            event_type: COWRIE_LOGIN_FAILED.to_owned(),
            src_ip,
            dst_ip: None,
            dst_port: Some(22),
            hostname: None,
            username: Some("root".into()),
            message: None,
            raw: None,
            occurred_at: now(),
            received_at: now(),
        })
        .collect();
    let outcome = db.detection().ingest(org, events, now()).unwrap();
    *outcome.incidents_opened.first().expect("an incident opens")
}

/// Detection settings, events, an incident and an action on it.
fn detect(db: &Database, admin: &User) {
    let org = admin.organization_id;
    let incident = open_incident(db, org);
    let action = ActionLog {
        id: ActionLogId::generate(),
        organization_id: org,
        incident_id: incident,
        policy_id: None,
        action: ContainmentAction::Notify,
        params: "{}".into(),
        status: ActionStatus::Recorded,
        executor: "tests".into(),
        result: None,
        created_by: Some(admin.id),
        created_at: now(),
    };
    db.repositories()
        .containment
        .record_action(
            &action,
            &xdr_domain::audit::NewAuditEntry::new(org, AuditAction::ActionExecuted, "action"),
        )
        .unwrap();
}

fn inventory(db: &Database, org: &Organization) {
    let source = LogSource {
        id: LogSourceId::generate(),
        name: "honeypot".into(),
        source_type: LogSourceType::Cowrie,
        hostname: None,
        description: None,
        enabled: true,
        created_at: now(),
        updated_at: now(),
    };
    db.inventory().create_log_source(org.id, &source).unwrap();
    // An ingest token of the source, and its ingest status (an empty request counts one).
    let token = IngestTokenInput::default()
        .validate(source.id, None, now())
        .unwrap();
    let hash = format!("{}-ingest", org.id);
    let audit = audit_entry(org, AuditAction::IngestTokenCreated);
    assert!(
        db.ingest()
            .create_ingest_token(org.id, &token, &hash, audit)
            .unwrap()
    );
    let found = db.ingest().find_ingest_token(&hash).unwrap().unwrap();
    let tally = IngestTally {
        received: 1,
        rejected: 1,
        ..IngestTally::default()
    };
    db.ingest()
        .ingest_from_source(&found, Vec::new(), &tally, now())
        .unwrap();
    let model = MlModel {
        id: MlModelId::generate(),
        name: "anomaly".into(),
        kind: "isolation_forest".into(),
        version: "1".into(),
        status: ModelStatus::Draft,
        metrics: "{}".into(),
        created_at: now(),
        updated_at: now(),
    };
    db.inventory().create_ml_model(org.id, &model).unwrap();
}

/// Rows of the onboarding and agent tables, in SQL until their repositories land.
fn onboarding(db: &Database, org: &Organization) {
    let o = org.id;
    let [scan, token, agent, asset] = [(); 4].map(|()| uuid::Uuid::now_v7());
    let t = "'2026-12-02 12:00:00'";
    for sql in [
        format!(
            "INSERT INTO onboarding_states VALUES ('{o}', 'in_progress', 'profile', 'eu', \
             'finance', '1-50', false, {t}, {t})"
        ),
        format!(
            "INSERT INTO discovery_scans VALUES ('{scan}', '{o}', 'completed', '[]', '[]', \
             '[]', 0, 0, 0, {t}, {t}, {t}, NULL, NULL)"
        ),
        format!(
            "INSERT INTO enrollment_tokens VALUES ('{token}', '{o}', '{token}', 'linux', \
             NULL, NULL, {t}, {t}, 1, 1, NULL)"
        ),
        format!(
            "INSERT INTO agents VALUES ('{agent}', '{o}', '{agent}', 'h', 'linux', NULL, \
             NULL, NULL, 'active', '{token}', {t}, NULL, 0, 0, NULL, NULL)"
        ),
        format!("INSERT INTO agent_secrets VALUES ('{agent}', '{o}', 'v1:0:x', 0, NULL, NULL)"),
        format!("INSERT INTO agent_nonces VALUES ('{agent}', 'ab', '{o}', {t})"),
        format!("INSERT INTO agent_batches VALUES ('{agent}', '{scan}', '{o}', 1, {t})"),
        format!(
            "INSERT INTO assets VALUES ('{asset}', '{o}', '127.0.0.2', NULL, 'linux', 0.5, \
             'linux_server', 'high', '[]', '{agent}', '{scan}', {t}, {t})"
        ),
    ] {
        assert_eq!(execute_sql(db, &sql), 1, "{sql}");
    }
}
