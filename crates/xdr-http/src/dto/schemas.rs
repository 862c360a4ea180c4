//! Schemas of values the API checks against a closed set or a format, written from the domain's
//! own lists, so the document admits exactly what the server accepts.

use utoipa::openapi::schema::{
    ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::{KnownFormat, RefOr};
use xdr_domain::audit::AuditAction;
use xdr_domain::containment::ContainmentAction;
use xdr_domain::detection::severity::{IncidentStatus, Severity};
use xdr_domain::identity::Role;
use xdr_domain::inventory::{LogSourceType, ModelStatus};

fn one_of_strings<'a>(values: impl IntoIterator<Item = &'a str>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
        .into()
}

/// The same, or `null` (an optional field of a body: `null` leaves it as it is).
fn one_of_strings_or_null<'a>(values: impl IntoIterator<Item = &'a str>) -> RefOr<Schema> {
    let values: Vec<serde_json::Value> = values
        .into_iter()
        .map(Into::into)
        .chain([serde_json::Value::Null])
        .collect();
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .enum_values(Some(values))
        .into()
}

pub fn role_or_null() -> RefOr<Schema> {
    one_of_strings_or_null(Role::ALL.map(Role::as_str))
}

pub fn incident_status_or_null() -> RefOr<Schema> {
    one_of_strings_or_null(IncidentStatus::ALL.map(IncidentStatus::as_str))
}

pub fn log_source_type_or_null() -> RefOr<Schema> {
    one_of_strings_or_null(LogSourceType::ALL.map(LogSourceType::as_str))
}

pub fn model_status_or_null() -> RefOr<Schema> {
    one_of_strings_or_null(ModelStatus::ALL.map(ModelStatus::as_str))
}

pub fn containment_action_or_null() -> RefOr<Schema> {
    one_of_strings_or_null(ContainmentAction::ALL.map(ContainmentAction::as_str))
}

pub fn role() -> RefOr<Schema> {
    one_of_strings(Role::ALL.map(Role::as_str))
}

pub fn audit_action() -> RefOr<Schema> {
    one_of_strings(AuditAction::ALL.map(AuditAction::as_str))
}

pub fn severity() -> RefOr<Schema> {
    one_of_strings(Severity::ALL.map(Severity::as_str))
}

pub fn incident_status() -> RefOr<Schema> {
    one_of_strings(IncidentStatus::ALL.map(IncidentStatus::as_str))
}

pub fn export_format() -> RefOr<Schema> {
    one_of_strings(["ndjson", "csv"])
}

/// An IPv4 or IPv6 address (no CIDR, no zone).
pub fn ip_address() -> RefOr<Schema> {
    let format = |known| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(known)))
    };
    OneOfBuilder::new()
        .item(format(KnownFormat::Ipv4))
        .item(format(KnownFormat::Ipv6))
        .into()
}

pub fn log_source_type() -> RefOr<Schema> {
    one_of_strings(LogSourceType::ALL.map(LogSourceType::as_str))
}

pub fn model_status() -> RefOr<Schema> {
    one_of_strings(ModelStatus::ALL.map(ModelStatus::as_str))
}

pub fn containment_action() -> RefOr<Schema> {
    one_of_strings(ContainmentAction::ALL.map(ContainmentAction::as_str))
}
