//! IP address ranges in CIDR notation: trusted proxies, discovery targets and exclusions.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0:?} is not an IP address or CIDR range")]
pub struct InvalidRange(pub String);

/// A network and its prefix length; the host bits of the network are zero. A bare address is
/// the range of that one address. IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`) are IPv4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

/// IPv4-mapped IPv6 addresses compare as the IPv4 address they carry.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn bits(ip: IpAddr) -> u32 {
    if ip.is_ipv4() { 32 } else { 128 }
}

/// The host part of a `width`-bit address under `prefix`.
fn host_mask(prefix: u8, width: u32) -> u128 {
    let host_bits = width.saturating_sub(u32::from(prefix));
    1u128.checked_shl(host_bits).map_or(u128::MAX, |v| v - 1)
}

/// The network part of a `width`-bit address under `prefix`.
fn mask(prefix: u8, width: u32) -> u128 {
    let all = if width == 32 {
        u128::from(u32::MAX)
    } else {
        u128::MAX
    };
    all & !host_mask(prefix, width)
}

fn to_u128(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

fn from_u128(value: u128, v4: bool) -> IpAddr {
    if v4 {
        IpAddr::V4(Ipv4Addr::from(u32::try_from(value).unwrap_or(u32::MAX)))
    } else {
        IpAddr::V6(Ipv6Addr::from(value))
    }
}

impl IpRange {
    pub fn network(&self) -> IpAddr {
        self.network
    }

    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    pub fn is_ipv4(&self) -> bool {
        self.network.is_ipv4()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        if ip.is_ipv4() != self.is_ipv4() {
            return false;
        }
        let width = bits(ip);
        let m = mask(self.prefix, width);
        to_u128(ip) & m == to_u128(self.network) & m
    }

    /// Whether every address of `other` is in this range.
    pub fn covers(&self, other: &IpRange) -> bool {
        self.prefix <= other.prefix && self.contains(other.network)
    }

    /// The number of addresses in the range (saturating for the largest IPv6 ranges).
    pub fn size(&self) -> u128 {
        host_mask(self.prefix, bits(self.network)).saturating_add(1)
    }

    pub fn first(&self) -> IpAddr {
        self.network
    }

    pub fn last(&self) -> IpAddr {
        let host = host_mask(self.prefix, bits(self.network));
        from_u128(to_u128(self.network) | host, self.is_ipv4())
    }

    /// The addresses a scan probes: all of them, except an IPv4 range's network and broadcast
    /// addresses when it has more than two.
    pub fn hosts(&self) -> impl Iterator<Item = IpAddr> + use<> {
        let start = to_u128(self.network);
        let end = to_u128(self.last());
        let (start, end) = if self.is_ipv4() && self.prefix < 31 {
            (start + 1, end - 1)
        } else {
            (start, end)
        };
        let v4 = self.is_ipv4();
        (start..=end).map(move |n| from_u128(n, v4))
    }

    /// The number of addresses `hosts` yields.
    pub fn host_count(&self) -> u128 {
        if self.is_ipv4() && self.prefix < 31 {
            self.size() - 2
        } else {
            self.size()
        }
    }
}

impl FromStr for IpRange {
    type Err = InvalidRange;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || InvalidRange(s.to_owned());
        let trimmed = s.trim();
        let (addr, prefix) = match trimmed.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (trimmed, None),
        };
        let parsed = IpAddr::from_str(addr).map_err(|_| invalid())?;
        let mapped = parsed != canonical(parsed);
        let network = canonical(parsed);
        let width = bits(network);
        let prefix = match prefix {
            // Digits only: `u8::from_str` would also take "+24".
            Some(p) if !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()) => {
                p.parse::<u32>().map_err(|_| invalid())?
            }
            Some(_) => return Err(invalid()),
            None if mapped => 128,
            None => width,
        };
        // A mapped address's prefix counts the 96 bits of the mapping.
        let prefix = if mapped {
            prefix.checked_sub(96).ok_or_else(invalid)?
        } else {
            prefix
        };
        if prefix > width {
            return Err(invalid());
        }
        let prefix = u8::try_from(prefix).map_err(|_| invalid())?;
        let m = mask(prefix, width);
        let network = from_u128(to_u128(network) & m, network.is_ipv4());
        Ok(Self { network, prefix })
    }
}

impl fmt::Display for IpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

#[cfg(test)]
#[path = "net_tests.rs"]
mod tests;
