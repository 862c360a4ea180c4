//! The install scripts handed out with an enrollment token, rendered from the templates in
//! `install/`. Every value (server URL, token, file name, digest, label) is substituted in one
//! pass (a value is never scanned for placeholders again) and quoted for the script's shell,
//! so that no value can become code, whatever it holds.

use std::path::PathBuf;

use xdr_domain::onboarding::AgentPlatform;
use xdr_domain::onboarding::shell_quote::{posix, powershell};

use super::OnboardingConfig;

const LINUX: &str = include_str!("install/linux.sh");
const MACOS: &str = include_str!("install/macos.sh");
const WINDOWS: &str = include_str!("install/windows.ps1");
const DOCKER: &str = include_str!("install/docker.sh");

/// An agent binary the server offers under `GET /downloads/{file_name}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentDownload {
    pub platform: AgentPlatform,
    pub file_name: String,
    /// Lowercase hex SHA-256 of the file, written into the scripts that download it.
    pub sha256: String,
    /// Where the file is.
    pub path: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallScripts {
    pub linux: String,
    pub macos: String,
    pub windows: String,
    pub docker: String,
}

/// Replaces each `{{name}}` of `template` with `value(name)`; an unknown name stays as it is.
fn substitute(template: &str, value: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() + 256);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => match value(&after[..end]) {
                Some(v) => {
                    out.push_str(&v);
                    rest = &after[end + 2..];
                }
                None => {
                    out.push_str("{{");
                    rest = after;
                }
            },
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Control characters (newlines above all) never reach a script, not even a comment.
fn one_line(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn download(config: &OnboardingConfig, platform: AgentPlatform) -> (String, String) {
    config
        .downloads
        .iter()
        .find(|d| d.platform == platform)
        .map(|d| (d.file_name.clone(), d.sha256.clone()))
        .unwrap_or_default()
}

fn script(
    template: &str,
    quote: fn(&str) -> String,
    config: &OnboardingConfig,
    platform: AgentPlatform,
    token: &str,
    label: Option<&str>,
) -> String {
    let (file, sha256) = download(config, platform);
    let (linux_file, linux_sha256) = download(config, AgentPlatform::Linux);
    let server = config.public_url.trim_end_matches('/');
    substitute(template, &|name| {
        let raw = match name {
            "server" => server.to_owned(),
            "token" => token.to_owned(),
            "file" => file.clone(),
            "sha256" => sha256.clone(),
            "linux_file" => linux_file.clone(),
            "linux_sha256" => linux_sha256.clone(),
            "label" => label.unwrap_or("none").to_owned(),
            _ => return None,
        };
        Some(quote(&one_line(&raw)))
    })
}

pub(super) fn render(
    config: &OnboardingConfig,
    token: &str,
    label: Option<&str>,
) -> InstallScripts {
    InstallScripts {
        linux: script(LINUX, posix, config, AgentPlatform::Linux, token, label),
        macos: script(MACOS, posix, config, AgentPlatform::Macos, token, label),
        windows: script(
            WINDOWS,
            powershell,
            config,
            AgentPlatform::Windows,
            token,
            label,
        ),
        docker: script(DOCKER, posix, config, AgentPlatform::Docker, token, label),
    }
}

#[cfg(test)]
#[path = "install_tests.rs"]
mod tests;
