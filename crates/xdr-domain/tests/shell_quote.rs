//! The quoted words, run through a real `sh`: each hostile value comes back as itself.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use xdr_domain::onboarding::shell_quote::posix;

#[test]
fn hostile_values_stay_literal_in_sh() {
    let marker = std::env::temp_dir().join(format!("quote-test-{}", std::process::id()));
    let hostile = [
        "https://x.example/'; touch MARKER; echo '"
            .replace("MARKER", &marker.display().to_string()),
        format!("$(touch {})", marker.display()),
        format!("`touch {}`", marker.display()),
        "line one\nline two\r\n\"double\" 'single' \\ $HOME ${PATH} ; | & > <".to_owned(),
        "ünïcødé ☃ \u{2019}".to_owned(),
        String::new(),
    ];
    for value in &hostile {
        let script = format!("printf '%s' {}", posix(value));
        let out = Command::new("sh")
            .arg("-c")
            .arg(&script)
            .output()
            .expect("sh runs");
        assert!(out.status.success(), "{script}");
        assert_eq!(String::from_utf8(out.stdout).unwrap(), *value);
    }
    assert!(!marker.exists(), "no quoted value ran a command");
}
