//! `config check`: the effective configuration with every secret hidden.

use crate::config_support::{TempDir, env};
use xdr_server::config::{CliOverrides, load};

const JWT_SECRET: &str = "jwt-secret-0123456789abcdefghijklmnopqrstuv";
const KEY_ONE: &str = "key-one-secret-0123456789abcdefghijklmnop";
const KEY_TWO: &str = "key-two-secret-0123456789abcdefghijklmnop";
const DB_PASSWORD: &str = "db-pa55word-xyz";

#[test]
fn redacted_output_hides_every_secret() {
    let dir = TempDir::new();
    let file = dir.write(
        "c.toml",
        &format!("[auth]\njwt_secret = \"{JWT_SECRET}\"\n[auth.jwt_keys]\nk1 = \"{KEY_ONE}\"\n"),
    );
    let url = format!("postgres://xdr:{DB_PASSWORD}@db:5432/xdr?sslmode=require");
    let environment = env(&[
        ("MINI_XDR__DATABASE__URL", &url),
        ("MINI_XDR__AUTH__JWT_KEYS__k2", KEY_TWO),
    ]);
    let settings = load(Some(&file), environment, &CliOverrides::default()).unwrap();

    let shown = settings.redacted();
    let debug = format!("{settings:?}");
    for output in [&shown, &debug] {
        for secret in [JWT_SECRET, KEY_ONE, KEY_TWO, DB_PASSWORD] {
            assert!(!output.contains(secret), "{secret} leaked in:\n{output}");
        }
        assert!(
            output.contains("postgres://xdr:<redacted>@db:5432/xdr?sslmode=require"),
            "{output}"
        );
    }

    let parsed: toml::Table = toml::from_str(&shown).unwrap();
    assert_eq!(parsed["auth"]["jwt_secret"].as_str(), Some("<redacted>"));
    assert_eq!(
        parsed["auth"]["jwt_keys"]["k1"].as_str(),
        Some("<redacted>")
    );
    assert_eq!(
        parsed["auth"]["jwt_keys"]["k2"].as_str(),
        Some("<redacted>")
    );
    assert_eq!(parsed["server"]["bind"].as_str(), Some("127.0.0.1:8080"));
    assert_eq!(parsed["auth"]["bcrypt_cost"].as_integer(), Some(12));
    assert_eq!(parsed["log"]["format"].as_str(), Some("auto"));
}

#[test]
fn default_configuration_renders_completely() {
    let settings = load(None, env(&[]), &CliOverrides::default()).unwrap();
    let parsed: toml::Table = toml::from_str(&settings.redacted()).unwrap();
    for section in ["server", "database", "auth", "rate_limit", "log"] {
        assert!(parsed.contains_key(section), "{section} missing");
    }
    assert_eq!(
        parsed["database"]["url"].as_str(),
        Some("sqlite://./data/mini-xdr.db")
    );
}
