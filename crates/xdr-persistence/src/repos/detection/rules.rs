//! Per-organization settings of the built-in detection rules.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use xdr_domain::OrganizationId;
use xdr_domain::detection::{RuleKind, RuleSettings};
use xdr_domain::ports::RepoResult;

use crate::connection::AnyConnection;
use crate::error::{DbResultExt, corrupt};
use crate::schema::detection_rules;
use crate::time::to_db;

/// Every built-in rule with the stored settings, defaults where none are stored.
pub(crate) fn load(
    conn: &mut AnyConnection,
    org: OrganizationId,
) -> RepoResult<Vec<(RuleKind, RuleSettings)>> {
    let stored: Vec<(String, bool, i32, i32)> = detection_rules::table
        .filter(detection_rules::organization_id.eq(org.to_string()))
        .select((
            detection_rules::rule,
            detection_rules::enabled,
            detection_rules::threshold,
            detection_rules::window_seconds,
        ))
        .load(conn)
        .repo()?;
    RuleKind::ALL
        .into_iter()
        .map(|rule| {
            let Some((_, enabled, threshold, window)) =
                stored.iter().find(|(name, ..)| name == rule.as_str())
            else {
                return Ok((rule, rule.default_settings()));
            };
            let threshold =
                u32::try_from(*threshold).map_err(|e| corrupt("detection_rules.threshold", e))?;
            let window_seconds =
                u32::try_from(*window).map_err(|e| corrupt("detection_rules.window_seconds", e))?;
            let settings = RuleSettings {
                enabled: *enabled,
                threshold,
                window_seconds,
            };
            Ok((rule, settings))
        })
        .collect()
}

pub(crate) fn store(
    conn: &mut AnyConnection,
    org: OrganizationId,
    rule: RuleKind,
    settings: RuleSettings,
    now: DateTime<Utc>,
) -> RepoResult<()> {
    let threshold = i32::try_from(settings.threshold).unwrap_or(i32::MAX);
    let window = i32::try_from(settings.window_seconds).unwrap_or(i32::MAX);
    let key = (
        detection_rules::organization_id.eq(org.to_string()),
        detection_rules::rule.eq(rule.as_str()),
    );
    let values = (
        detection_rules::enabled.eq(settings.enabled),
        detection_rules::threshold.eq(threshold),
        detection_rules::window_seconds.eq(window),
        detection_rules::updated_at.eq(to_db(now)),
    );
    let updated = diesel::update(detection_rules::table)
        .filter(key.0.clone())
        .filter(key.1)
        .set(values)
        .execute(conn)
        .repo()?;
    if updated == 0 {
        diesel::insert_into(detection_rules::table)
            .values((key.0, key.1, values.0, values.1, values.2, values.3))
            .execute(conn)
            .repo()?;
    }
    Ok(())
}
