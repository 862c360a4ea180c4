//! What a host's open ports and banners say it is: operating system with a confidence, role
//! and priority. Strongest evidence first: a domain controller's service set, a printer's
//! ports, a banner that names its system, then the port families of each system.

use super::asset::{AssetOs, AssetPriority, AssetRole, ObservedService};

#[derive(Debug, Clone, PartialEq)]
pub struct Classification {
    pub os: AssetOs,
    /// 0 (a guess) to 1 (certain).
    pub os_confidence: f64,
    pub role: AssetRole,
    pub priority: AssetPriority,
}

const KERBEROS: u16 = 88;
const LDAP: [u16; 2] = [389, 636];
const GLOBAL_CATALOG: u16 = 3268;
const WINDOWS: [u16; 6] = [135, 139, 445, 3389, 5985, 5986];
const SSH: u16 = 22;
const TELNET: u16 = 23;
const MAC: [u16; 2] = [548, 5900];
const AFP: u16 = 548;
const PRINTER: [u16; 3] = [9100, 515, 631];
const DATABASE: [u16; 6] = [1433, 1521, 3306, 5432, 6379, 27017];
const WEB: [u16; 4] = [80, 443, 8080, 8443];
/// Proxmox VE's web interface: a Linux hypervisor.
const PROXMOX: u16 = 8006;

/// Words in a banner that name the system behind it (matched case-insensitively).
const WINDOWS_WORDS: [&str; 3] = ["windows", "microsoft", "iis"];
const LINUX_WORDS: [&str; 9] = [
    "ubuntu", "debian", "linux", "centos", "red hat", "fedora", "alpine", "raspbian", "suse",
];
const MAC_WORDS: [&str; 2] = ["darwin", "macos"];
const NETWORK_WORDS: [&str; 8] = [
    "cisco", "mikrotik", "routeros", "juniper", "fortinet", "zyxel", "ubiquiti", "rosssh",
];

struct Evidence<'a> {
    services: &'a [ObservedService],
}

impl Evidence<'_> {
    fn has(&self, port: u16) -> bool {
        self.services.iter().any(|s| s.port == port)
    }

    fn count(&self, ports: &[u16]) -> usize {
        ports.iter().filter(|p| self.has(**p)).count()
    }

    fn any(&self, ports: &[u16]) -> bool {
        self.count(ports) > 0
    }

    /// The system a banner names, the SSH banner first (it names the build most precisely).
    fn banner_os(&self) -> Option<AssetOs> {
        let mut banners: Vec<&ObservedService> = self
            .services
            .iter()
            .filter(|s| s.banner.is_some())
            .collect();
        banners.sort_by_key(|s| s.port != SSH);
        banners.iter().find_map(|s| {
            let text = s.banner.as_deref()?.to_lowercase();
            let names = |words: &[&str]| words.iter().any(|w| text.contains(w));
            if names(&NETWORK_WORDS) {
                Some(AssetOs::NetworkDevice)
            } else if names(&WINDOWS_WORDS) {
                Some(AssetOs::Windows)
            } else if names(&MAC_WORDS) {
                Some(AssetOs::Macos)
            } else if names(&LINUX_WORDS) {
                Some(AssetOs::Linux)
            } else {
                None
            }
        })
    }
}

fn confidence(base: f64, extra_indicators: usize) -> f64 {
    let extra = f64::from(u32::try_from(extra_indicators).unwrap_or(u32::MAX));
    (base + 0.1 * extra).min(0.95)
}

fn classified(os: AssetOs, os_confidence: f64, role: AssetRole) -> Classification {
    Classification {
        os,
        os_confidence: (os_confidence * 100.0).round() / 100.0,
        role,
        priority: role.priority(),
    }
}

/// The role of a host whose system is `os`, from the services it offers.
fn server_role(e: &Evidence<'_>, os: AssetOs) -> AssetRole {
    if e.any(&DATABASE) {
        AssetRole::DatabaseServer
    } else if e.any(&WEB) && os != AssetOs::Windows {
        AssetRole::WebServer
    } else {
        match os {
            AssetOs::Windows => {
                // Remote management, web or directory services make a Windows host a server;
                // file sharing and remote desktop alone are any workstation's.
                if e.any(&[5985, 5986, 389, 636]) || e.any(&WEB) {
                    AssetRole::WindowsServer
                } else {
                    AssetRole::Workstation
                }
            }
            AssetOs::Linux => AssetRole::LinuxServer,
            AssetOs::Macos => AssetRole::Workstation,
            AssetOs::NetworkDevice => AssetRole::NetworkDevice,
            AssetOs::Printer => AssetRole::Printer,
            AssetOs::Unknown => AssetRole::Unknown,
        }
    }
}

pub fn classify(services: &[ObservedService]) -> Classification {
    let e = Evidence { services };
    if e.has(KERBEROS) && e.any(&LDAP) && e.has(GLOBAL_CATALOG) {
        return classified(AssetOs::Windows, 0.95, AssetRole::DomainController);
    }
    if e.any(&PRINTER) && !e.any(&WINDOWS) && !e.has(SSH) {
        return classified(
            AssetOs::Printer,
            confidence(0.7, e.count(&PRINTER) - 1),
            AssetRole::Printer,
        );
    }
    let windows_ports = e.count(&WINDOWS);
    let os = match e.banner_os() {
        Some(os) => (os, 0.9),
        None if windows_ports > 0 => (AssetOs::Windows, confidence(0.6, windows_ports - 1)),
        None if e.has(AFP) => (AssetOs::Macos, 0.8),
        None if e.has(SSH) && e.has(5900) => (AssetOs::Macos, 0.5),
        // SSH next to SMB (or any Windows port) was taken for Windows above.
        None if e.has(SSH) || e.has(PROXMOX) => (AssetOs::Linux, 0.6),
        None if e.has(TELNET) && services.len() == 1 => (AssetOs::NetworkDevice, 0.5),
        None if e.any(&MAC) => (AssetOs::Macos, 0.4),
        None => (AssetOs::Unknown, 0.0),
    };
    let (os, os_confidence) = os;
    let role = match os {
        AssetOs::Unknown if e.any(&DATABASE) => AssetRole::DatabaseServer,
        AssetOs::Unknown if e.any(&WEB) => AssetRole::WebServer,
        AssetOs::NetworkDevice => AssetRole::NetworkDevice,
        _ => server_role(&e, os),
    };
    classified(os, os_confidence, role)
}

#[cfg(test)]
#[path = "classification_tests.rs"]
mod tests;
