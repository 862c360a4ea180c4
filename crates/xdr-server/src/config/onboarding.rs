//! `[discovery]` (what network scans may probe and how hard) and `[downloads]` (the agent
//! binaries the install scripts fetch), with `server.public_url` turned into the onboarding
//! use cases' configuration.

use std::net::SocketAddr;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use xdr_domain::net::IpRange;
use xdr_domain::onboarding::{AgentPlatform, DiscoveryPolicy};
use xdr_service::OnboardingConfig;
use xdr_service::onboarding::{AgentDownload, DEFAULT_SCAN_LEASE, ScanLimits};

use super::error::ConfigError;
use super::webhooks::check;

pub const CONCURRENCY_RANGE: RangeInclusive<usize> = 1..=4096;
pub const MAX_PROBES_RANGE: RangeInclusive<usize> = 1..=65_536;
pub const CONNECT_TIMEOUT_MS_RANGE: RangeInclusive<u64> = 50..=30_000;
pub const BUDGET_SECONDS_RANGE: RangeInclusive<u64> = 5..=86_400;
pub const SCAN_LEASE_SECONDS_RANGE: RangeInclusive<u64> = 2..=600;

/// The agent binaries a downloads directory may hold, by platform. Only these names are
/// served: a request can never name another file.
pub const AGENT_FILES: [(AgentPlatform, &str); 3] = [
    (AgentPlatform::Linux, "mini-xdr-agent-linux-x86_64"),
    (AgentPlatform::Macos, "mini-xdr-agent-macos-aarch64"),
    (AgentPlatform::Windows, "mini-xdr-agent-windows-x86_64.exe"),
];

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DiscoverySettings {
    /// Ranges scans may target beyond private, loopback and link-local space.
    pub allowed_ranges: Vec<String>,
    /// Addresses never probed, whatever a request says.
    pub excluded_ranges: Vec<String>,
    /// Probes in flight per scan.
    pub concurrency: usize,
    /// Probes in flight across every scan of every organization.
    pub max_probes: usize,
    pub connect_timeout_ms: u64,
    /// How long one scan may run.
    pub budget_seconds: u64,
    /// How long a running scan's claim lasts past its last progress write: a scan whose
    /// instance stopped or died is interrupted (by any instance) this long after.
    pub scan_lease_seconds: u64,
}

impl Default for DiscoverySettings {
    fn default() -> Self {
        let limits = ScanLimits::default();
        Self {
            allowed_ranges: Vec::new(),
            excluded_ranges: Vec::new(),
            concurrency: limits.concurrency,
            max_probes: OnboardingConfig::default().max_probes,
            connect_timeout_ms: u64::try_from(limits.connect_timeout.as_millis()).unwrap_or(0),
            budget_seconds: limits.budget.as_secs(),
            scan_lease_seconds: DEFAULT_SCAN_LEASE.as_secs(),
        }
    }
}

fn ranges(key: &str, raw: &[String]) -> Result<Vec<IpRange>, ConfigError> {
    raw.iter()
        .map(|r| {
            r.parse::<IpRange>().map_err(|_| {
                ConfigError::invalid(key, format!("{r:?} is not an IP address or CIDR range"))
            })
        })
        .collect()
}

impl DiscoverySettings {
    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        ranges("discovery.allowed_ranges", &self.allowed_ranges)?;
        ranges("discovery.excluded_ranges", &self.excluded_ranges)?;
        check("discovery.concurrency", self.concurrency, CONCURRENCY_RANGE)?;
        check("discovery.max_probes", self.max_probes, MAX_PROBES_RANGE)?;
        check(
            "discovery.connect_timeout_ms",
            self.connect_timeout_ms,
            CONNECT_TIMEOUT_MS_RANGE,
        )?;
        check(
            "discovery.budget_seconds",
            self.budget_seconds,
            BUDGET_SECONDS_RANGE,
        )?;
        check(
            "discovery.scan_lease_seconds",
            self.scan_lease_seconds,
            SCAN_LEASE_SECONDS_RANGE,
        )
    }

    fn policy(&self) -> Result<DiscoveryPolicy, ConfigError> {
        Ok(DiscoveryPolicy {
            allowed_ranges: ranges("discovery.allowed_ranges", &self.allowed_ranges)?,
            excluded_ranges: ranges("discovery.excluded_ranges", &self.excluded_ranges)?,
        })
    }

    fn limits(&self) -> ScanLimits {
        ScanLimits {
            concurrency: self.concurrency,
            connect_timeout: Duration::from_millis(self.connect_timeout_ms),
            budget: Duration::from_secs(self.budget_seconds),
            ..ScanLimits::default()
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DownloadSettings {
    /// Where the agent binaries are (`mini-xdr-agent-linux-x86_64`, ...); unset: none served.
    pub directory: Option<PathBuf>,
}

/// The agent binaries present in `directory`, each with its SHA-256 (read once, at start).
pub fn agent_downloads(directory: Option<&Path>) -> Result<Vec<AgentDownload>, ConfigError> {
    let Some(dir) = directory else {
        return Ok(Vec::new());
    };
    if !dir.is_dir() {
        return Err(ConfigError::invalid(
            "downloads.directory",
            format!("{} is not a directory", dir.display()),
        ));
    }
    let mut found = Vec::new();
    for (platform, name) in AGENT_FILES {
        let path = dir.join(name);
        if !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| {
            ConfigError::invalid("downloads.directory", format!("{}: {e}", path.display()))
        })?;
        found.push(AgentDownload {
            platform,
            file_name: name.to_owned(),
            sha256: xdr_crypto::sha256_hex(&bytes),
            path,
        });
    }
    Ok(found)
}

/// `server.public_url`, or where `bind` is reachable from this host when it is unset
/// (`https://` when the server answers TLS itself, `tls`).
pub fn public_url(configured: &str, bind: SocketAddr, tls: bool) -> String {
    if !configured.is_empty() {
        return configured.trim_end_matches('/').to_owned();
    }
    let host = match bind.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => "127.0.0.1".to_owned(),
        ip if ip.is_unspecified() => "[::1]".to_owned(),
        std::net::IpAddr::V4(ip) => ip.to_string(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
    };
    let scheme = if tls { "https" } else { "http" };
    format!("{scheme}://{host}:{}", bind.port())
}

/// `server.public_url` must be an absolute http(s) URL with nothing a script could misread.
pub(crate) fn check_public_url(url: &str) -> Result<(), ConfigError> {
    if url.is_empty() {
        return Ok(());
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let well_formed = rest
        .is_some_and(|r| !r.is_empty() && !r.starts_with('/') && !r.contains(['?', '#', '@']))
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "'\"`$\\".contains(c));
    if well_formed {
        Ok(())
    } else {
        Err(ConfigError::invalid(
            "server.public_url",
            "must be an http:// or https:// URL (host, optional port and path; no query, \
             fragment, user info, quotes or spaces)",
        ))
    }
}

pub fn onboarding_config(
    discovery: &DiscoverySettings,
    downloads: &DownloadSettings,
    public_url: String,
) -> Result<OnboardingConfig, ConfigError> {
    Ok(OnboardingConfig {
        public_url,
        discovery: discovery.policy()?,
        scan_limits: discovery.limits(),
        max_probes: discovery.max_probes,
        downloads: agent_downloads(downloads.directory.as_deref())?,
        scan_lease: Duration::from_secs(discovery.scan_lease_seconds),
    })
}
