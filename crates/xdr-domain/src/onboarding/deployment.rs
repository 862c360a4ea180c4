//! The deployment plan: which discovered hosts get an agent first, on which platform, and why.

use std::net::IpAddr;

use super::asset::{AgentPlatform, AssetOs, AssetPriority, AssetRole};

/// What the plan needs to know of a discovered asset.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedAsset<Id> {
    pub id: Id,
    pub ip: IpAddr,
    pub os: AssetOs,
    pub role: AssetRole,
    pub priority: AssetPriority,
    /// Whether an agent already reports from it.
    pub has_agent: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanItem<Id> {
    pub asset_id: Id,
    pub ip: IpAddr,
    pub priority: AssetPriority,
    pub recommended_platform: AgentPlatform,
    pub reason: String,
}

fn role_reason(role: AssetRole) -> &'static str {
    match role {
        AssetRole::DomainController => "a domain controller holds every account's keys",
        AssetRole::DatabaseServer => "a database server holds the organization's data",
        AssetRole::WindowsServer => "a Windows server runs shared services",
        AssetRole::LinuxServer => "a Linux server runs shared services",
        AssetRole::WebServer => "a web server faces its users and often the internet",
        AssetRole::Workstation => "a workstation is where phishing and malware land",
        AssetRole::Printer => "a printer",
        AssetRole::NetworkDevice => "a network device",
        AssetRole::Unknown => "a host whose services do not say what it is",
    }
}

fn recommendation<Id>(asset: &PlannedAsset<Id>) -> (AgentPlatform, String) {
    let why = role_reason(asset.role);
    if asset.has_agent {
        return (
            AgentPlatform::None,
            format!("{why}; an agent already reports from it"),
        );
    }
    match asset.os {
        AssetOs::Windows => (
            AgentPlatform::Windows,
            format!("{why}; install the Windows agent"),
        ),
        AssetOs::Linux => (
            AgentPlatform::Linux,
            format!("{why}; install the Linux agent"),
        ),
        AssetOs::Macos => (
            AgentPlatform::Macos,
            format!("{why}; install the macOS agent"),
        ),
        AssetOs::Printer | AssetOs::NetworkDevice => (
            AgentPlatform::None,
            format!("{why}: no agent runs on it; forward its logs through an ingest token"),
        ),
        AssetOs::Unknown => (
            AgentPlatform::None,
            format!("{why}: identify its operating system before choosing an agent"),
        ),
    }
}

/// One item per asset, most urgent first (critical before high...), then by address.
pub fn deployment_plan<Id: Clone>(assets: &[PlannedAsset<Id>]) -> Vec<PlanItem<Id>> {
    let mut ordered: Vec<&PlannedAsset<Id>> = assets.iter().collect();
    ordered.sort_by_key(|a| (a.priority, a.ip));
    ordered
        .into_iter()
        .map(|asset| {
            let (recommended_platform, reason) = recommendation(asset);
            PlanItem {
                asset_id: asset.id.clone(),
                ip: asset.ip,
                priority: asset.priority,
                recommended_platform,
                reason,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn asset(id: u32, ip: &str, os: AssetOs, role: AssetRole) -> PlannedAsset<u32> {
        PlannedAsset {
            id,
            ip: ip.parse().unwrap(),
            os,
            role,
            priority: role.priority(),
            has_agent: false,
        }
    }

    #[test]
    fn critical_hosts_come_first_with_their_platform_and_reason() {
        let assets = vec![
            asset(1, "10.0.0.9", AssetOs::Printer, AssetRole::Printer),
            asset(2, "10.0.0.7", AssetOs::Linux, AssetRole::WebServer),
            asset(3, "10.0.0.5", AssetOs::Windows, AssetRole::DomainController),
            asset(4, "10.0.0.3", AssetOs::Linux, AssetRole::DatabaseServer),
            asset(5, "10.0.0.4", AssetOs::Macos, AssetRole::Workstation),
        ];
        let plan = deployment_plan(&assets);
        let ids: Vec<u32> = plan.iter().map(|i| i.asset_id).collect();
        assert_eq!(ids, vec![4, 3, 2, 5, 1]);
        assert_eq!(plan[0].recommended_platform, AgentPlatform::Linux);
        assert_eq!(plan[1].recommended_platform, AgentPlatform::Windows);
        assert!(plan[1].reason.contains("domain controller"));
        assert_eq!(plan[3].recommended_platform, AgentPlatform::Macos);
        assert_eq!(plan[4].recommended_platform, AgentPlatform::None);
        assert!(plan[4].reason.contains("ingest token"));
    }

    #[test]
    fn covered_and_unknown_hosts_get_no_agent() {
        let mut covered = asset(1, "10.0.0.1", AssetOs::Linux, AssetRole::LinuxServer);
        covered.has_agent = true;
        let unknown = asset(2, "10.0.0.2", AssetOs::Unknown, AssetRole::Unknown);
        let plan = deployment_plan(&[covered, unknown]);
        assert!(
            plan.iter()
                .all(|i| i.recommended_platform == AgentPlatform::None)
        );
        assert!(plan[0].reason.contains("already"));
        assert!(plan[1].reason.contains("identify"));
        assert!(deployment_plan::<u32>(&[]).is_empty());
    }
}
