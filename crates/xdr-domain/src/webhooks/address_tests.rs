//! Unit tests of the address rules (every range, both IP versions, the policy switch).

use super::*;

fn class(ip: &str) -> Option<AddressClass> {
    classify(ip.parse().unwrap())
}

#[test]
fn public_addresses_pass() {
    for ip in [
        "8.8.8.8",
        "1.1.1.1",
        "93.184.216.34",
        "172.32.0.1",
        "100.128.0.1",
        "2606:4700:4700::1111",
        "2a00:1450:4001:80b::200e",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
        "2002:808:808::1",
    ] {
        assert_eq!(class(ip), None, "{ip}");
        assert!(check_address(ip.parse().unwrap(), false).is_ok(), "{ip}");
    }
}

#[test]
fn every_special_range_is_classified() {
    use AddressClass::*;
    for (ip, expected) in [
        ("127.0.0.1", Loopback),
        ("127.255.255.254", Loopback),
        ("::1", Loopback),
        ("10.0.0.5", Private),
        ("172.16.0.1", Private),
        ("172.31.255.255", Private),
        ("192.168.1.1", Private),
        ("100.64.0.1", SharedCgnat),
        ("100.127.255.255", SharedCgnat),
        ("fc00::1", UniqueLocal),
        ("fd12:3456::1", UniqueLocal),
        ("0.0.0.0", Unspecified),
        ("0.1.2.3", Unspecified),
        ("::", Unspecified),
        ("169.254.169.254", LinkLocal),
        ("fe80::1", LinkLocal),
        ("224.0.0.1", Multicast),
        ("239.255.255.250", Multicast),
        ("ff02::1", Multicast),
        ("255.255.255.255", Broadcast),
        ("192.0.2.1", Documentation),
        ("198.51.100.7", Documentation),
        ("203.0.113.9", Documentation),
        ("2001:db8::1", Documentation),
        ("3fff::1", Documentation),
        ("198.18.0.1", Benchmarking),
        ("198.19.255.255", Benchmarking),
        ("2001:2::1", Benchmarking),
        ("240.0.0.1", Reserved),
        ("192.0.0.8", Reserved),
        ("192.88.99.1", Reserved),
        ("2001::1", Reserved),
        ("fec0::1", Reserved),
        ("100::1", Reserved),
        ("4000::1", Reserved),
    ] {
        assert_eq!(class(ip), Some(expected), "{ip}");
    }
}

#[test]
fn ipv6_forms_of_ipv4_are_judged_by_the_ipv4_address() {
    use AddressClass::*;
    for (ip, expected) in [
        ("::ffff:127.0.0.1", Loopback),
        ("::ffff:10.0.0.1", Private),
        ("::ffff:169.254.169.254", LinkLocal),
        ("::ffff:0.0.0.0", Unspecified),
        ("::127.0.0.1", Loopback),
        ("64:ff9b::a00:1", Private),
        ("64:ff9b:1::a9fe:a9fe", LinkLocal),
        ("2002:7f00:1::", Loopback),
        ("2002:a9fe:a9fe::1", LinkLocal),
    ] {
        assert_eq!(class(ip), Some(expected), "{ip}");
    }
}

#[test]
fn allow_private_networks_lifts_only_private_classes() {
    for ip in [
        "127.0.0.1",
        "::1",
        "10.1.2.3",
        "100.64.1.1",
        "fd00::1",
        "::ffff:127.0.0.1",
    ] {
        let ip: IpAddr = ip.parse().unwrap();
        assert!(check_address(ip, false).is_err(), "{ip}");
        assert!(check_address(ip, true).is_ok(), "{ip}");
    }
    for ip in [
        "169.254.169.254",
        "0.0.0.0",
        "::",
        "224.0.0.1",
        "255.255.255.255",
        "fe80::1",
    ] {
        let ip: IpAddr = ip.parse().unwrap();
        assert!(check_address(ip, true).is_err(), "{ip}");
    }
}

#[test]
fn refusals_read_well() {
    let refusal = check_address("10.0.0.5".parse().unwrap(), false).unwrap_err();
    assert_eq!(refusal.to_string(), "address 10.0.0.5 is private");
    let refusal = check_address("169.254.169.254".parse().unwrap(), true).unwrap_err();
    assert_eq!(refusal.to_string(), "address 169.254.169.254 is link-local");
}
