//! What discovery says about a host, and where an agent can run.

use std::net::IpAddr;

use chrono::{DateTime, Utc};

use crate::closed_set::closed_set;
use crate::ids::{AgentId, AssetId, ScanId};

closed_set!(
    /// The operating system a host's services point to.
    AssetOs {
        Windows => "windows",
        Linux => "linux",
        Macos => "macos",
        NetworkDevice => "network_device",
        Printer => "printer",
        Unknown => "unknown",
    }
);

closed_set!(
    /// What a host does on the network.
    AssetRole {
        DomainController => "domain_controller",
        WindowsServer => "windows_server",
        LinuxServer => "linux_server",
        WebServer => "web_server",
        DatabaseServer => "database_server",
        Workstation => "workstation",
        Printer => "printer",
        NetworkDevice => "network_device",
        Unknown => "unknown",
    }
);

closed_set!(
    /// How urgently a host needs an agent. Ordered: `Critical` sorts first.
    AssetPriority {
        Critical => "critical",
        High => "high",
        Medium => "medium",
        Low => "low",
    }
);

closed_set!(
    /// Where an agent can be installed (`None`: not on this host).
    AgentPlatform {
        Linux => "linux",
        Windows => "windows",
        Macos => "macos",
        Docker => "docker",
        None => "none",
    }
);

impl AssetRole {
    /// Domain controllers and databases hold the keys and the data; servers next; a
    /// workstation is one user; printers, network devices and unknown hosts run no agent.
    pub fn priority(self) -> AssetPriority {
        match self {
            AssetRole::DomainController | AssetRole::DatabaseServer => AssetPriority::Critical,
            AssetRole::WindowsServer | AssetRole::LinuxServer | AssetRole::WebServer => {
                AssetPriority::High
            }
            AssetRole::Workstation => AssetPriority::Medium,
            AssetRole::Printer | AssetRole::NetworkDevice | AssetRole::Unknown => {
                AssetPriority::Low
            }
        }
    }
}

/// An open TCP port and what the service said first, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedService {
    pub port: u16,
    pub banner: Option<String>,
}

impl ObservedService {
    pub fn new(port: u16, banner: Option<&str>) -> Self {
        Self {
            port,
            banner: banner.map(str::to_owned),
        }
    }
}

/// A discovered host, one per IP and organization; a later scan updates it.
#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    pub id: AssetId,
    pub ip: IpAddr,
    pub hostname: Option<String>,
    pub os: AssetOs,
    /// 0..=1.
    pub os_confidence: f64,
    pub role: AssetRole,
    pub priority: AssetPriority,
    pub services: Vec<ObservedService>,
    pub agent_id: Option<AgentId>,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub scan_id: ScanId,
}
