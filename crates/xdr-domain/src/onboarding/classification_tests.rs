use super::*;

fn ports(list: &[u16]) -> Vec<ObservedService> {
    list.iter()
        .map(|p| ObservedService::new(*p, None))
        .collect()
}

fn with_banner(
    mut services: Vec<ObservedService>,
    port: u16,
    banner: &str,
) -> Vec<ObservedService> {
    services.retain(|s| s.port != port);
    services.push(ObservedService::new(port, Some(banner)));
    services
}

#[test]
fn a_domain_controller_is_critical() {
    let c = classify(&ports(&[53, 88, 135, 389, 445, 3268]));
    assert_eq!(c.role, AssetRole::DomainController);
    assert_eq!(c.os, AssetOs::Windows);
    assert_eq!(c.priority, AssetPriority::Critical);
    assert!(c.os_confidence >= 0.9);
    // Kerberos and LDAP without the global catalog are not enough.
    assert_ne!(
        classify(&ports(&[88, 389])).role,
        AssetRole::DomainController
    );
}

#[test]
fn windows_ports_make_windows_and_more_of_them_more_confidence() {
    let one = classify(&ports(&[3389]));
    let many = classify(&ports(&[135, 139, 445, 3389]));
    assert_eq!(one.os, AssetOs::Windows);
    assert_eq!(many.os, AssetOs::Windows);
    assert!(many.os_confidence > one.os_confidence);
    assert_eq!(many.role, AssetRole::Workstation);
    assert_eq!(many.priority, AssetPriority::Medium);
    let server = classify(&ports(&[135, 445, 5985]));
    assert_eq!(server.role, AssetRole::WindowsServer);
    assert_eq!(server.priority, AssetPriority::High);
    let sql = classify(&ports(&[135, 445, 1433]));
    assert_eq!(
        (sql.os, sql.role),
        (AssetOs::Windows, AssetRole::DatabaseServer)
    );
}

#[test]
fn ssh_without_smb_is_linux_and_its_banner_refines() {
    let bare = classify(&ports(&[22]));
    assert_eq!(
        (bare.os, bare.role),
        (AssetOs::Linux, AssetRole::LinuxServer)
    );
    let ubuntu = classify(&with_banner(
        ports(&[22]),
        22,
        "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13",
    ));
    assert_eq!(ubuntu.os, AssetOs::Linux);
    assert!(ubuntu.os_confidence > bare.os_confidence);
    let win = classify(&with_banner(
        ports(&[22]),
        22,
        "SSH-2.0-OpenSSH_for_Windows_8.1",
    ));
    assert_eq!(win.os, AssetOs::Windows);
    let cisco = classify(&with_banner(ports(&[22]), 22, "SSH-2.0-Cisco-1.25"));
    assert_eq!(
        (cisco.os, cisco.role),
        (AssetOs::NetworkDevice, AssetRole::NetworkDevice)
    );
    assert_eq!(cisco.priority, AssetPriority::Low);
    // SSH next to SMB is not taken for Linux.
    assert_eq!(classify(&ports(&[22, 445])).os, AssetOs::Windows);
}

#[test]
fn linux_services_set_the_role() {
    let web = classify(&ports(&[22, 80, 443]));
    assert_eq!((web.os, web.role), (AssetOs::Linux, AssetRole::WebServer));
    let db = classify(&ports(&[22, 5432]));
    assert_eq!(db.role, AssetRole::DatabaseServer);
    assert_eq!(db.priority, AssetPriority::Critical);
    let nginx = classify(&with_banner(ports(&[80]), 80, "nginx/1.24.0 (Ubuntu)"));
    assert_eq!(
        (nginx.os, nginx.role),
        (AssetOs::Linux, AssetRole::WebServer)
    );
    let iis = classify(&with_banner(ports(&[80]), 80, "Microsoft-IIS/10.0"));
    assert_eq!(
        (iis.os, iis.role),
        (AssetOs::Windows, AssetRole::WindowsServer)
    );
}

#[test]
fn macs_printers_and_network_devices() {
    let mac = classify(&ports(&[22, 548, 5900]));
    assert_eq!((mac.os, mac.role), (AssetOs::Macos, AssetRole::Workstation));
    let printer = classify(&ports(&[80, 515, 631, 9100]));
    assert_eq!(
        (printer.os, printer.role),
        (AssetOs::Printer, AssetRole::Printer)
    );
    assert_eq!(printer.priority, AssetPriority::Low);
    let telnet = classify(&ports(&[23]));
    assert_eq!(telnet.os, AssetOs::NetworkDevice);
    // A Linux print server is a server that prints, not a printer.
    assert_eq!(classify(&ports(&[22, 631])).os, AssetOs::Linux);
}

#[test]
fn unknown_hosts_keep_a_role_their_services_show() {
    let nothing = classify(&ports(&[]));
    assert_eq!(
        (nothing.os, nothing.role),
        (AssetOs::Unknown, AssetRole::Unknown)
    );
    assert_eq!(nothing.os_confidence, 0.0);
    let web = classify(&ports(&[8080]));
    assert_eq!((web.os, web.role), (AssetOs::Unknown, AssetRole::WebServer));
    let redis = classify(&ports(&[6379]));
    assert_eq!(redis.role, AssetRole::DatabaseServer);
    // Banners that name nothing change nothing.
    let plain = classify(&with_banner(ports(&[80]), 80, "SimpleHTTP/0.6 Python/3.12"));
    assert_eq!(plain.os, AssetOs::Unknown);
}

#[test]
fn confidence_stays_between_zero_and_one() {
    let all: Vec<u16> = (1..=u16::MAX).step_by(97).chain(super::WINDOWS).collect();
    let c = classify(&ports(&all));
    assert!((0.0..=1.0).contains(&c.os_confidence));
}
