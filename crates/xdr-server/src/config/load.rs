//! Building [`Settings`] from its sources, lowest to highest precedence: built-in defaults, the
//! TOML file, the environment, command-line flags.

use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::env::env_layer;
use super::error::ConfigError;
use super::secrets::{DatabaseUrl, resolve_secret_files};
use super::settings::{SQLITE_FILE_NAME, Settings};
use super::validate::validate;

/// Values given as command-line flags; they win over every other source.
#[derive(Debug, Clone, Default)]
pub struct CliOverrides {
    pub bind: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<DatabaseUrl>,
    /// `Some(false)` for `--no-migrate`.
    pub run_migrations: Option<bool>,
}

impl CliOverrides {
    fn apply(&self, settings: &mut Settings) {
        if let Some(bind) = self.bind {
            settings.server.bind = bind;
        }
        if let Some(dir) = &self.data_dir {
            settings.server.data_dir.clone_from(dir);
        }
        if let Some(url) = &self.database_url {
            settings.database.url.clone_from(url);
        }
        if let Some(run) = self.run_migrations {
            settings.server.run_migrations = run;
        }
    }
}

/// Loads, completes and validates the configuration.
///
/// `file` must exist when given. `env` is the process environment (only variables starting with
/// `MINI_XDR__` are read); `main` passes `std::env::vars()`, tests pass their own.
pub fn load(
    file: Option<&Path>,
    env: impl IntoIterator<Item = (String, String)>,
    overrides: &CliOverrides,
) -> Result<Settings, ConfigError> {
    let mut merged = toml::Table::new();
    if let Some(path) = file {
        let mut layer = file_layer(path)?;
        resolve_secret_files(
            &mut layer,
            &format!("configuration file {}", path.display()),
        )?;
        merge(&mut merged, layer);
    }
    let mut layer = env_layer(env)?;
    resolve_secret_files(&mut layer, "the environment")?;
    merge(&mut merged, layer);

    let mut settings = Settings::deserialize(toml::Value::Table(merged))
        .map_err(|e| ConfigError::Structure(one_line(&e.to_string())))?;
    overrides.apply(&mut settings);
    if settings.database.url.is_empty() {
        settings.database.url = default_database_url(&settings.server.data_dir);
    }
    validate(&settings)?;
    Ok(settings)
}

/// `sqlite://<data_dir>/mini-xdr.db`.
pub fn default_database_url(data_dir: &Path) -> DatabaseUrl {
    DatabaseUrl::new(format!(
        "sqlite://{}",
        data_dir.join(SQLITE_FILE_NAME).display()
    ))
}

fn file_layer(path: &Path) -> Result<toml::Table, ConfigError> {
    let text = fs::read_to_string(path).map_err(|source| ConfigError::ReadFile {
        path: path.to_owned(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| ConfigError::ParseFile {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

/// Deep merge: tables merge key by key, any other value of `layer` replaces the one in `base`.
fn merge(base: &mut toml::Table, layer: toml::Table) {
    for (key, value) in layer {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(below)), toml::Value::Table(above)) => merge(below, above),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// serde's messages end with "\nin `section.key`"; keep them on one line.
fn one_line(message: &str) -> String {
    message.trim().replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_is_deep() {
        let mut base: toml::Table = toml::from_str("[a]\nx = 1\ny = 2\n[a.m]\nk1 = 1").unwrap();
        let layer: toml::Table = toml::from_str("[a]\ny = 3\n[a.m]\nk2 = 2").unwrap();
        merge(&mut base, layer);
        let expected: toml::Table =
            toml::from_str("[a]\nx = 1\ny = 3\n[a.m]\nk1 = 1\nk2 = 2").unwrap();
        assert_eq!(base, expected);
    }
}
