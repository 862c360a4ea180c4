//! Facts about this host sent at enrollment.

use std::path::Path;

/// The host name: the kernel's, else `/etc/hostname`, else `$HOSTNAME`/`$COMPUTERNAME`.
pub fn hostname() -> String {
    let read = |p: &str| std::fs::read_to_string(p).ok();
    read("/proc/sys/kernel/hostname")
        .or_else(|| read("/etc/hostname"))
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// `linux`, `windows`, `macos` or `docker` (Linux inside a container).
pub fn platform() -> &'static str {
    if cfg!(target_os = "windows") {
        "windows"
    } else if cfg!(target_os = "macos") {
        "macos"
    } else if Path::new("/.dockerenv").exists() || Path::new("/run/.containerenv").exists() {
        "docker"
    } else {
        "linux"
    }
}

/// `PRETTY_NAME` of `/etc/os-release`, when there is one.
pub fn os_version() -> Option<String> {
    let text = std::fs::read_to_string("/etc/os-release").ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("PRETTY_NAME="))
        .map(|v| v.trim().trim_matches('"').to_owned())
        .filter(|v| !v.is_empty())
}

/// What tells this machine from a copy of its disk: the systemd/D-Bus machine id (which a
/// prepared clone regenerates), else the host name.
pub fn machine_fingerprint() -> String {
    let read = |p: &str| std::fs::read_to_string(p).ok();
    read("/etc/machine-id")
        .or_else(|| read("/var/lib/dbus/machine-id"))
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty())
        .map(|id| format!("machine-id:{id}"))
        .unwrap_or_else(|| format!("hostname:{}", hostname()))
}

pub const AGENT_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_are_never_empty() {
        assert!(!hostname().is_empty());
        assert!(["linux", "windows", "macos", "docker"].contains(&platform()));
        assert!(os_version().is_none_or(|v| !v.is_empty()));
        assert_eq!(machine_fingerprint(), machine_fingerprint());
        assert!(machine_fingerprint().len() > "hostname:".len());
    }
}
