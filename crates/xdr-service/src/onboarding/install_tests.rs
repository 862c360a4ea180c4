use std::process::Command;

use super::*;

const NASTY: &str = "http://x'; touch /tmp/pwned-$(id -u)`id`\"\n{{token}}";

fn config(url: &str) -> OnboardingConfig {
    OnboardingConfig {
        public_url: url.into(),
        downloads: vec![AgentDownload {
            platform: AgentPlatform::Linux,
            file_name: "mini-xdr-agent-linux-x86_64".into(),
            sha256: "ab".repeat(32),
            path: "/nonexistent".into(),
        }],
        ..OnboardingConfig::default()
    }
}

/// The script's variable assignments, run by bash, then the variables printed.
fn assigned(script: &str) -> Vec<String> {
    let assignments: Vec<&str> = script
        .lines()
        .filter(|l| {
            ["SERVER=", "TOKEN=", "AGENT_FILE=", "AGENT_SHA256="]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .collect();
    assert_eq!(assignments.len(), 4, "{script}");
    let program = format!(
        "{}\nprintf '%s\\0' \"$SERVER\" \"$TOKEN\" \"$AGENT_FILE\" \"$AGENT_SHA256\"",
        assignments.join("\n")
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(program)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .split_terminator('\0')
        .map(str::to_owned)
        .collect()
}

#[test]
fn values_are_substituted_once_and_never_rescanned() {
    let out = substitute("a {{x}} b {{y}} {{unknown}} {{open", &|name| match name {
        "x" => Some("{{y}}".into()),
        "y" => Some("Y".into()),
        _ => None,
    });
    assert_eq!(out, "a {{y}} b Y {{unknown}} {{open");
}

#[test]
fn a_hostile_url_and_label_stay_data_in_the_posix_scripts() {
    let scripts = render(
        &config(NASTY),
        "tok-en_123",
        Some("lab $(reboot) 'x'\nrm -rf /"),
    );
    for script in [&scripts.linux, &scripts.macos] {
        for name in ["server", "file", "sha256", "label", "linux_file"] {
            let placeholder = format!("{{{{{name}}}}}");
            assert!(
                !script.contains(&placeholder),
                "{placeholder} filled: {script}"
            );
        }
        // The URL's own "{{token}}" stays text: values are never scanned again.
        assert!(script.contains("{{token}}") && script.contains("TOKEN='tok-en_123'"));
        let values = assigned(script);
        assert_eq!(
            values[0],
            NASTY.replace('\n', " "),
            "the URL, one line, verbatim"
        );
        assert_eq!(values[1], "tok-en_123");
        let comment = script.lines().nth(1).unwrap();
        assert!(
            comment.starts_with("# ") && comment.contains("rm -rf /"),
            "{comment}"
        );
        let status = Command::new("bash")
            .arg("-n")
            .arg("-c")
            .arg(script)
            .status()
            .unwrap();
        assert!(status.success(), "the script parses");
    }
    let values = assigned(&scripts.linux);
    assert_eq!(values[2], "mini-xdr-agent-linux-x86_64");
    assert_eq!(values[3], "ab".repeat(32));
    assert_eq!(
        assigned(&scripts.macos)[2],
        "",
        "no macOS download is offered"
    );
}

#[test]
fn the_docker_line_is_one_command_with_quoted_values() {
    let scripts = render(&config(NASTY), "tok", None);
    assert_eq!(scripts.docker.trim_end().lines().count(), 1);
    let words = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "docker() {{ printf '%s\\0' \"$@\"; }}; {}",
            scripts.docker
        ))
        .output()
        .unwrap();
    assert!(words.status.success(), "{words:?}");
    let words = String::from_utf8(words.stdout).unwrap();
    let words: Vec<&str> = words.split('\0').collect();
    let server = format!("MINI_XDR_SERVER={}", NASTY.replace('\n', " "));
    assert!(words.contains(&server.as_str()), "{words:?}");
    assert!(words.contains(&"MINI_XDR_ENROLLMENT_TOKEN=tok"));
    assert!(words.contains(&"AGENT_FILE=mini-xdr-agent-linux-x86_64"));
}

#[test]
fn powershell_values_are_single_quoted() {
    let scripts = render(&config("https://xdr.example.com/"), "tok", Some("it's"));
    assert!(
        scripts
            .windows
            .contains("$Server = 'https://xdr.example.com'")
    );
    assert!(scripts.windows.contains("$Token = 'tok'"));
    assert!(
        scripts.windows.contains("$AgentFile = ''"),
        "no Windows download"
    );
    assert!(scripts.windows.contains("label: 'it''s'"));
}
