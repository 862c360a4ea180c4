//! Which network addresses a webhook may be delivered to (the SSRF guard's rule).
//!
//! A webhook URL is chosen by a tenant, so the server must never be made to reach its own
//! machine, its private network or a cloud metadata service. Only global unicast addresses pass;
//! `allow_private_networks` additionally lets loopback, RFC 1918, CGNAT and IPv6 unique-local
//! addresses through (a receiver inside the operator's network, or a test on 127.0.0.1). Some
//! ranges are never allowed: unspecified, link-local (where metadata services live), multicast,
//! broadcast, documentation, benchmarking and reserved space. IPv6 forms that embed an IPv4
//! address (IPv4-mapped, IPv4-compatible, NAT64, 6to4) are judged by the embedded address.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use thiserror::Error;

/// Why an address is not a public one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressClass {
    Loopback,
    /// RFC 1918.
    Private,
    /// 100.64.0.0/10 (RFC 6598).
    SharedCgnat,
    /// fc00::/7.
    UniqueLocal,
    Unspecified,
    /// 169.254.0.0/16, fe80::/10 (cloud metadata services answer at 169.254.169.254).
    LinkLocal,
    Multicast,
    Broadcast,
    Documentation,
    Benchmarking,
    /// Any other special-purpose or unallocated range.
    Reserved,
}

impl AddressClass {
    /// True for the classes `allow_private_networks` lets through.
    pub fn is_private_network(self) -> bool {
        matches!(
            self,
            AddressClass::Loopback
                | AddressClass::Private
                | AddressClass::SharedCgnat
                | AddressClass::UniqueLocal
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AddressClass::Loopback => "loopback",
            AddressClass::Private => "private",
            AddressClass::SharedCgnat => "shared (CGNAT)",
            AddressClass::UniqueLocal => "unique-local",
            AddressClass::Unspecified => "unspecified",
            AddressClass::LinkLocal => "link-local",
            AddressClass::Multicast => "multicast",
            AddressClass::Broadcast => "broadcast",
            AddressClass::Documentation => "reserved for documentation",
            AddressClass::Benchmarking => "reserved for benchmarking",
            AddressClass::Reserved => "reserved",
        }
    }
}

impl fmt::Display for AddressClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A refused address, worded for the action log: `address 10.0.0.5 is private`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("address {ip} is {class}")]
pub struct AddressRefusal {
    pub ip: IpAddr,
    pub class: AddressClass,
}

/// `None` for a global unicast address, else what it is.
pub fn classify(ip: IpAddr) -> Option<AddressClass> {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

/// Whether a webhook may be delivered to `ip`.
pub fn check_address(ip: IpAddr, allow_private_networks: bool) -> Result<(), AddressRefusal> {
    match classify(ip) {
        None => Ok(()),
        Some(class) if allow_private_networks && class.is_private_network() => Ok(()),
        Some(class) => Err(AddressRefusal { ip, class }),
    }
}

fn in_v4(ip: Ipv4Addr, network: [u8; 4], prefix: u32) -> bool {
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(network)) & mask
}

fn classify_v4(ip: Ipv4Addr) -> Option<AddressClass> {
    const RANGES: [([u8; 4], u32, AddressClass); 17] = [
        ([0, 0, 0, 0], 8, AddressClass::Unspecified),
        ([10, 0, 0, 0], 8, AddressClass::Private),
        ([100, 64, 0, 0], 10, AddressClass::SharedCgnat),
        ([127, 0, 0, 0], 8, AddressClass::Loopback),
        ([169, 254, 0, 0], 16, AddressClass::LinkLocal),
        ([172, 16, 0, 0], 12, AddressClass::Private),
        ([192, 0, 0, 0], 24, AddressClass::Reserved),
        ([192, 0, 2, 0], 24, AddressClass::Documentation),
        ([192, 31, 196, 0], 24, AddressClass::Reserved),
        ([192, 52, 193, 0], 24, AddressClass::Reserved),
        ([192, 88, 99, 0], 24, AddressClass::Reserved),
        ([192, 168, 0, 0], 16, AddressClass::Private),
        ([198, 18, 0, 0], 15, AddressClass::Benchmarking),
        ([198, 51, 100, 0], 24, AddressClass::Documentation),
        ([203, 0, 113, 0], 24, AddressClass::Documentation),
        ([224, 0, 0, 0], 4, AddressClass::Multicast),
        ([240, 0, 0, 0], 4, AddressClass::Reserved),
    ];
    if ip == Ipv4Addr::BROADCAST {
        return Some(AddressClass::Broadcast);
    }
    RANGES
        .iter()
        .find(|(network, prefix, _)| in_v4(ip, *network, *prefix))
        .map(|(_, _, class)| *class)
}

/// The IPv4 address an IPv6 address stands for, when it embeds one.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let o = ip.octets();
    let low = Ipv4Addr::new(o[12], o[13], o[14], o[15]);
    match ip.segments() {
        // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated; not :: and ::1).
        [0, 0, 0, 0, 0, 0xffff, _, _] => Some(low),
        [0, 0, 0, 0, 0, 0, _, _] if u128::from(ip) > 1 => Some(low),
        // 64:ff9b::/96 (NAT64 well-known prefix) and 64:ff9b:1::/48 (local-use NAT64).
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] | [0x64, 0xff9b, 1, _, _, _, _, _] => Some(low),
        // 2002::/16 (6to4): the IPv4 address follows the prefix.
        [0x2002, _, _, _, _, _, _, _] => Some(Ipv4Addr::new(o[2], o[3], o[4], o[5])),
        _ => None,
    }
}

fn in_v6(ip: Ipv6Addr, network: [u16; 8], prefix: u32) -> bool {
    let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
    u128::from(ip) & mask == u128::from(Ipv6Addr::from(network)) & mask
}

fn classify_v6(ip: Ipv6Addr) -> Option<AddressClass> {
    const RANGES: [([u16; 8], u32, AddressClass); 9] = [
        ([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10, AddressClass::LinkLocal),
        ([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10, AddressClass::Reserved),
        ([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7, AddressClass::UniqueLocal),
        ([0xff00, 0, 0, 0, 0, 0, 0, 0], 8, AddressClass::Multicast),
        (
            [0x2001, 0x0db8, 0, 0, 0, 0, 0, 0],
            32,
            AddressClass::Documentation,
        ),
        (
            [0x3fff, 0, 0, 0, 0, 0, 0, 0],
            20,
            AddressClass::Documentation,
        ),
        (
            [0x2001, 0x0002, 0, 0, 0, 0, 0, 0],
            48,
            AddressClass::Benchmarking,
        ),
        // IETF protocol assignments (Teredo, ORCHID...).
        ([0x2001, 0, 0, 0, 0, 0, 0, 0], 23, AddressClass::Reserved),
        ([0x0100, 0, 0, 0, 0, 0, 0, 0], 64, AddressClass::Reserved),
    ];
    if ip == Ipv6Addr::UNSPECIFIED {
        return Some(AddressClass::Unspecified);
    }
    if ip == Ipv6Addr::LOCALHOST {
        return Some(AddressClass::Loopback);
    }
    if let Some(v4) = embedded_v4(ip) {
        return classify_v4(v4);
    }
    if let Some((_, _, class)) = RANGES
        .iter()
        .find(|(network, prefix, _)| in_v6(ip, *network, *prefix))
    {
        return Some(*class);
    }
    // Only 2000::/3 is global unicast; everything else is unallocated or special.
    if in_v6(ip, [0x2000, 0, 0, 0, 0, 0, 0, 0], 3) {
        None
    } else {
        Some(AddressClass::Reserved)
    }
}

#[cfg(test)]
#[path = "address_tests.rs"]
mod tests;
