//! `docs/configuration.md` lists every key, its environment variable and its default, and no
//! key that does not exist.

use std::path::Path;

use serde_json::Value;
use xdr_server::config::Settings;

#[allow(clippy::unwrap_used)] // a test helper: failing loudly is its job
fn doc() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/configuration.md");
    std::fs::read_to_string(path).unwrap()
}

/// `(section.key, default)` for every key, from the serialized defaults; the keys of a nested
/// table of settings (a non-empty object, e.g. `server.tls`) as `section.table.key`. Maps of
/// entries (`auth.jwt_keys`) are empty by default and documented as one key.
#[allow(clippy::unwrap_used)] // a test helper: failing loudly is its job
fn keys() -> Vec<(String, Value)> {
    let Value::Object(sections) = serde_json::to_value(Settings::default()).unwrap() else {
        unreachable!("settings serialize as an object")
    };
    let mut keys = Vec::new();
    for (section, fields) in sections {
        for (key, default) in fields.as_object().unwrap() {
            match default {
                Value::Object(nested) if !nested.is_empty() => {
                    for (name, default) in nested {
                        keys.push((format!("{section}.{key}.{name}"), default.clone()));
                    }
                }
                _ => keys.push((format!("{section}.{key}"), default.clone())),
            }
        }
    }
    keys
}

fn default_cell(default: &Value) -> String {
    match default {
        Value::Null => "unset".to_owned(),
        Value::String(s) if s.is_empty() => "`\"\"`".to_owned(),
        Value::String(s) => format!("`{s}`"),
        Value::Array(a) if a.is_empty() => "`[]`".to_owned(),
        Value::Object(o) if o.is_empty() => "`{}`".to_owned(),
        other => format!("`{other}`"),
    }
}

#[test]
fn every_key_is_documented_with_its_variable_and_default() {
    let doc = doc();
    for (key, default) in keys() {
        let row = doc
            .lines()
            .find(|line| line.starts_with(&format!("| `{key}` |")))
            .unwrap_or_else(|| panic!("{key} has no row"));
        let var = format!("MINI_XDR__{}", key.replace('.', "__").to_uppercase());
        assert!(row.contains(&format!("`{var}")), "{key}: {var} missing");
        let cell = default_cell(&default);
        assert!(row.contains(&cell), "{key}: default {cell} missing");
    }
}

#[test]
fn no_documented_key_is_unknown() {
    let known: Vec<String> = keys().into_iter().map(|(key, _)| key).collect();
    for line in doc().lines().filter(|l| l.starts_with("| `")) {
        let key = line.split('`').nth(1).unwrap();
        if key.contains('.') && !key.contains(' ') {
            assert!(
                known.iter().any(|k| k == key),
                "documented key {key} does not exist"
            );
        }
    }
}
