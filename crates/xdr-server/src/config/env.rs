//! The environment layer: `MINI_XDR__SECTION__KEY=value` variables as a TOML table.
//!
//! Values are typed by the key they set (found in the serialized defaults): numbers and booleans
//! are parsed, lists are comma-separated, `auth.jwt_keys` entries are `MINI_XDR__AUTH__JWT_KEYS__<KID>`,
//! keys of a nested table (`server.tls`) are `MINI_XDR__SERVER__TLS__CERT_FILE`. Section and key
//! names are case-insensitive; a kid is kept as written. Unknown keys are errors.

use serde_json::Value as Schema;

use super::error::ConfigError;
use super::secrets::is_secret_file_key;
use super::settings::Settings;

/// Prefix of the variables the configuration reads.
pub const ENV_PREFIX: &str = "MINI_XDR__";
const SEPARATOR: &str = "__";
const LIST_SEPARATOR: char = ',';
/// Optional numeric keys: unset by default, so their type cannot be read from the defaults.
const OPTIONAL_NUMBER_KEYS: [(&str, &str); 2] =
    [("audit", "retention_days"), ("events", "retention_days")];
/// Keys that are tables of named settings (not maps of entries such as `auth.jwt_keys`):
/// their third part is a key name, case-insensitive and typed by its default.
const NESTED_TABLES: [(&str, &str); 1] = [("server", "tls")];

/// The variables of `vars` that start with [`ENV_PREFIX`], as a table shaped like the TOML file.
pub(crate) fn env_layer(
    vars: impl IntoIterator<Item = (String, String)>,
) -> Result<toml::Table, ConfigError> {
    let schema = serde_json::to_value(Settings::default())
        .map_err(|e| ConfigError::Internal(format!("cannot describe the defaults: {e}")))?;
    let mut ours: Vec<(String, String)> = vars
        .into_iter()
        .filter(|(name, _)| name.starts_with(ENV_PREFIX))
        .collect();
    // Sorted, so that the first error reported does not depend on the environment's order.
    ours.sort();
    let mut layer = toml::Table::new();
    for (var, raw) in ours {
        let error = |message: &str| ConfigError::Env {
            var: var.clone(),
            message: message.to_owned(),
        };
        let path: Vec<&str> = var[ENV_PREFIX.len()..].split(SEPARATOR).collect();
        let (section, key, kid) = match path.as_slice() {
            [section, key] => (section.to_ascii_lowercase(), key.to_ascii_lowercase(), None),
            [section, key, kid] if !kid.is_empty() => (
                section.to_ascii_lowercase(),
                key.to_ascii_lowercase(),
                Some(*kid),
            ),
            _ => return Err(error("expected MINI_XDR__<SECTION>__<KEY>")),
        };
        let Some(fields) = schema.get(&section).and_then(Schema::as_object) else {
            return Err(error(&format!("unknown configuration section `{section}`")));
        };
        let nested = NESTED_TABLES.contains(&(section.as_str(), key.as_str()));
        let value = if is_secret_file_key(&section, &key) && kid.is_none() {
            Some(toml::Value::String(raw))
        } else if let (true, Some(name)) = (nested, kid) {
            let name = name.to_ascii_lowercase();
            let Some(kind) = fields.get(&key).and_then(|table| table.get(&name)) else {
                return Err(error(&format!(
                    "unknown configuration key `{section}.{key}.{name}`"
                )));
            };
            typed_value(kind, false, raw).map_err(|m| error(&m))?
        } else {
            let Some(kind) = fields.get(&key) else {
                return Err(error(&format!(
                    "unknown configuration key `{section}.{key}`"
                )));
            };
            let number = Schema::from(0);
            let optional_number = OPTIONAL_NUMBER_KEYS.contains(&(section.as_str(), key.as_str()));
            let kind = if optional_number && !raw.is_empty() {
                &number
            } else {
                kind
            };
            typed_value(kind, kid.is_some(), raw).map_err(|m| error(&m))?
        };
        let Some(value) = value else { continue };
        let entry = layer
            .entry(section)
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        let Some(table) = entry.as_table_mut() else {
            return Err(ConfigError::Internal("section is not a table".into()));
        };
        match kid {
            None => {
                table.insert(key, value);
            }
            Some(kid) => {
                let kid = if nested {
                    kid.to_ascii_lowercase()
                } else {
                    kid.to_owned()
                };
                let map = table
                    .entry(key)
                    .or_insert_with(|| toml::Value::Table(toml::Table::new()));
                if let Some(map) = map.as_table_mut() {
                    map.insert(kid, value);
                }
            }
        }
    }
    Ok(layer)
}

/// `raw` typed like the default value `kind`; `None` leaves an optional key unset.
fn typed_value(kind: &Schema, has_kid: bool, raw: String) -> Result<Option<toml::Value>, String> {
    match (kind, has_kid) {
        (Schema::Object(_), true) => Ok(Some(toml::Value::String(raw))),
        (Schema::Object(_), false) => Err("set one entry as <VARIABLE>__<NAME>=value".into()),
        (_, true) => Err("this key has no entries".into()),
        (Schema::Bool(_), _) => match raw.trim().to_ascii_lowercase().as_str() {
            "true" => Ok(Some(toml::Value::Boolean(true))),
            "false" => Ok(Some(toml::Value::Boolean(false))),
            _ => Err(format!("expected true or false, got {raw:?}")),
        },
        (Schema::Number(_), _) => raw
            .trim()
            .parse::<i64>()
            .map(|n| Some(toml::Value::Integer(n)))
            .map_err(|_| format!("expected a whole number, got {raw:?}")),
        (Schema::Array(_), _) => Ok(Some(toml::Value::Array(
            raw.split(LIST_SEPARATOR)
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(|item| toml::Value::String(item.to_owned()))
                .collect(),
        ))),
        (Schema::Null, _) if raw.is_empty() => Ok(None),
        (Schema::Null | Schema::String(_), _) => Ok(Some(toml::Value::String(raw))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(vars: &[(&str, &str)]) -> Result<toml::Table, ConfigError> {
        env_layer(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())))
    }

    #[test]
    fn types_values_by_their_key() {
        let table = layer(&[
            ("MINI_XDR__AUTH__BCRYPT_COST", "11"),
            ("MINI_XDR__RATE_LIMIT__ENABLED", "FALSE"),
            (
                "MINI_XDR__SERVER__TRUSTED_PROXIES",
                "10.0.0.1, 10.1.0.0/16,",
            ),
            ("MINI_XDR__AUTH__ISSUER", "12345"),
            ("MINI_XDR__AUTH__JWT_KEYS__K1", "x"),
            ("OTHER", "ignored"),
        ])
        .unwrap();
        let expected: toml::Table = toml::from_str(
            r#"
            [auth]
            bcrypt_cost = 11
            issuer = "12345"
            jwt_keys = { K1 = "x" }
            [rate_limit]
            enabled = false
            [server]
            trusted_proxies = ["10.0.0.1", "10.1.0.0/16"]
            "#,
        )
        .unwrap();
        assert_eq!(table, expected);
    }

    #[test]
    fn nested_table_keys_are_names() {
        let table = layer(&[
            ("MINI_XDR__SERVER__TLS__CERT_FILE", "/etc/xdr/cert.pem"),
            ("MINI_XDR__SERVER__TLS__key_file", "/etc/xdr/key.pem"),
        ])
        .unwrap();
        let expected: toml::Table = toml::from_str(
            "[server.tls]\ncert_file = \"/etc/xdr/cert.pem\"\nkey_file = \"/etc/xdr/key.pem\"",
        )
        .unwrap();
        assert_eq!(table, expected);
        assert!(
            layer(&[("MINI_XDR__SERVER__TLS__CERT_FILE", "")])
                .unwrap()
                .is_empty()
        );
        let message = layer(&[("MINI_XDR__SERVER__TLS__CERT", "x")])
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("unknown configuration key `server.tls.cert`"),
            "{message}"
        );
        assert!(layer(&[("MINI_XDR__SERVER__TLS", "x")]).is_err());
    }

    #[test]
    fn optional_numbers_are_numbers() {
        let table = layer(&[("MINI_XDR__AUDIT__RETENTION_DAYS", "90")]).unwrap();
        let expected: toml::Table = toml::from_str("[audit]\nretention_days = 90").unwrap();
        assert_eq!(table, expected);
        assert!(
            layer(&[("MINI_XDR__AUDIT__RETENTION_DAYS", "")])
                .unwrap()
                .is_empty()
        );
        assert!(layer(&[("MINI_XDR__AUDIT__RETENTION_DAYS", "ninety")]).is_err());
    }

    #[test]
    fn empty_optional_value_is_unset() {
        let table = layer(&[("MINI_XDR__AUTH__JWT_ACTIVE_KID", "")]).unwrap();
        assert!(table.is_empty(), "{table:?}");
    }

    #[test]
    fn rejects_unknown_and_malformed_variables() {
        for (var, value, needle) in [
            (
                "MINI_XDR__SERVER__BINDD",
                "x",
                "unknown configuration key `server.bindd`",
            ),
            (
                "MINI_XDR__SERVR__BIND",
                "x",
                "unknown configuration section `servr`",
            ),
            (
                "MINI_XDR__SERVER",
                "x",
                "expected MINI_XDR__<SECTION>__<KEY>",
            ),
            (
                "MINI_XDR__AUTH__BCRYPT_COST",
                "twelve",
                "expected a whole number",
            ),
            (
                "MINI_XDR__RATE_LIMIT__ENABLED",
                "yes",
                "expected true or false",
            ),
            ("MINI_XDR__AUTH__JWT_KEYS", "x", "<VARIABLE>__<NAME>"),
            ("MINI_XDR__SERVER__BIND__X", "x", "has no entries"),
        ] {
            let message = layer(&[(var, value)]).unwrap_err().to_string();
            assert!(message.contains(var), "{message}");
            assert!(message.contains(needle), "{message}");
        }
    }
}
