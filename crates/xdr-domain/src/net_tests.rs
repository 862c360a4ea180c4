#![allow(clippy::unwrap_used)]

use super::*;

fn range(s: &str) -> IpRange {
    s.parse().unwrap()
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn parses_ranges_and_bare_addresses() {
    assert_eq!(range("10.0.0.0/24").to_string(), "10.0.0.0/24");
    assert_eq!(range(" 192.168.1.7 ").to_string(), "192.168.1.7/32");
    assert_eq!(range("fd00::/64").to_string(), "fd00::/64");
    assert_eq!(range("::1").to_string(), "::1/128");
    // Host bits are cleared: the range is the network's.
    assert_eq!(range("10.1.2.3/22").to_string(), "10.1.0.0/22");
    // A mapped IPv6 address is its IPv4 address, its prefix counted after the mapping.
    assert_eq!(range("::ffff:10.0.0.0/120").to_string(), "10.0.0.0/24");
    assert_eq!(range("::ffff:10.0.0.1").to_string(), "10.0.0.1/32");
}

#[test]
fn refuses_what_is_not_a_range() {
    for bad in [
        "",
        "10.0.0.0/",
        "10.0.0.0/33",
        "fd00::/129",
        "10.0.0.0/+24",
        "10.0.0.0/-1",
        "10.0.0/24",
        "example.com",
        "10.0.0.0/24/8",
        "::ffff:10.0.0.0/95",
        "10.0.0.0/0024",
    ] {
        assert!(bad.parse::<IpRange>().is_err(), "{bad:?}");
    }
}

#[test]
fn contains_compares_the_network_bits() {
    let net = range("10.0.0.0/22");
    assert!(net.contains(ip("10.0.3.255")));
    assert!(!net.contains(ip("10.0.4.0")));
    assert!(net.contains(ip("::ffff:10.0.1.1")));
    assert!(!net.contains(ip("::1")));
    assert!(range("0.0.0.0/0").contains(ip("203.0.113.9")));
    assert!(range("::/0").contains(ip("2001:db8::1")));
    assert!(!range("::/0").contains(ip("10.0.0.1")));
    assert!(range("fd00::/64").contains(ip("fd00::dead:beef")));
    assert!(!range("fd00::/64").contains(ip("fd00:0:0:1::1")));
}

#[test]
fn covers_needs_every_address() {
    assert!(range("10.0.0.0/8").covers(&range("10.20.0.0/16")));
    assert!(!range("10.20.0.0/16").covers(&range("10.0.0.0/8")));
    assert!(!range("10.0.0.0/24").covers(&range("10.0.1.0/24")));
}

#[test]
fn sizes_and_hosts() {
    let net = range("127.0.0.0/30");
    assert_eq!(net.size(), 4);
    assert_eq!(net.host_count(), 2);
    assert_eq!(
        net.hosts().collect::<Vec<_>>(),
        vec![ip("127.0.0.1"), ip("127.0.0.2")]
    );
    assert_eq!(
        range("127.0.0.5").hosts().collect::<Vec<_>>(),
        vec![ip("127.0.0.5")]
    );
    assert_eq!(range("127.0.0.4/31").host_count(), 2);
    assert_eq!(range("10.0.0.0/22").host_count(), 1022);
    assert_eq!(range("10.0.0.0/22").hosts().count(), 1022);
    assert_eq!(range("10.0.0.0/22").last(), ip("10.0.3.255"));
    assert_eq!(range("fd00::/120").host_count(), 256);
    assert_eq!(range("::/0").size(), u128::MAX);
    assert_eq!(range("0.0.0.0/0").size(), 1 << 32);
}
