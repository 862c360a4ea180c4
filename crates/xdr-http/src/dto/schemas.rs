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

/// For each closed set of the domain, `name()` (one of its values) and `name_or_null()` (the
/// same, or `null`), written from the set's own `ALL` list.
macro_rules! closed_sets {
    ($($name:ident, $or_null:ident => $set:ident;)*) => {$(
        pub fn $name() -> RefOr<Schema> {
            one_of_strings($set::ALL.map($set::as_str))
        }

        pub fn $or_null() -> RefOr<Schema> {
            one_of_strings_or_null($set::ALL.map($set::as_str))
        }
    )*};
}

closed_sets! {
    role, role_or_null => Role;
    audit_action, audit_action_or_null => AuditAction;
    severity, severity_or_null => Severity;
    incident_status, incident_status_or_null => IncidentStatus;
    log_source_type, log_source_type_or_null => LogSourceType;
    model_status, model_status_or_null => ModelStatus;
    containment_action, containment_action_or_null => ContainmentAction;
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
