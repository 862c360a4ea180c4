//! What a discovery scan may probe, decided before any packet is sent: at most four ranges of
//! at most 1,024 addresses each (an IPv4 /22), inside private, loopback or link-local space
//! unless the operator allows more, never an address the operator or the request excludes.

use std::collections::BTreeSet;
use std::net::IpAddr;

use crate::net::IpRange;
use crate::validation::FieldErrors;

/// The ports probed when a request names none: remote access, directory, file and print
/// sharing, databases and web servers, the services that tell what a host is.
pub const DEFAULT_PORTS: [u16; 30] = [
    22, 23, 53, 80, 88, 135, 139, 389, 443, 445, 515, 548, 631, 636, 902, 1433, 1521, 3268, 3306,
    3389, 5432, 5900, 5985, 5986, 6379, 8006, 8080, 8443, 9100, 27017,
];
pub const MAX_RANGES: usize = 4;
pub const MAX_PORTS: usize = 100;
/// Addresses per range: an IPv4 /22 (IPv6 ranges: a /118).
pub const MAX_RANGE_SIZE: u128 = 1024;

/// Address space a scan may target without the operator's say-so: RFC 1918, loopback and
/// link-local for IPv4; loopback, link-local and unique local (RFC 4193) for IPv6.
const PERMITTED: [&str; 8] = [
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "::1/128",
    "fe80::/10",
    "fc00::/7",
];

/// The operator's configuration of discovery.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiscoveryPolicy {
    /// Ranges scans may target beyond the permitted space.
    pub allowed_ranges: Vec<IpRange>,
    /// Addresses never probed, whatever a request says.
    pub excluded_ranges: Vec<IpRange>,
}

/// A scan as requested, unvalidated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanRequest {
    pub network_ranges: Vec<String>,
    pub ports: Option<Vec<i64>>,
    pub exclude: Vec<String>,
}

/// A validated scan: what to probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanPlan {
    pub ranges: Vec<IpRange>,
    pub ports: Vec<u16>,
    /// The request's exclusions followed by the operator's.
    pub excluded: Vec<IpRange>,
}

impl ScanPlan {
    /// Every address to probe, once (ranges may overlap), in order, none excluded.
    pub fn targets(&self) -> Vec<IpAddr> {
        let set: BTreeSet<IpAddr> = self
            .ranges
            .iter()
            .flat_map(IpRange::hosts)
            .filter(|ip| !self.excluded.iter().any(|x| x.contains(*ip)))
            .collect();
        set.into_iter().collect()
    }
}

fn permitted(range: &IpRange, policy: &DiscoveryPolicy) -> bool {
    PERMITTED
        .iter()
        .filter_map(|p| p.parse::<IpRange>().ok())
        .chain(policy.allowed_ranges.iter().copied())
        .any(|space| space.covers(range))
}

fn parse_ranges(field: &str, raw: &[String], errors: &mut FieldErrors) -> Vec<IpRange> {
    raw.iter()
        .filter_map(|r| {
            errors.check(
                field,
                r.parse::<IpRange>()
                    .map_err(|_| format!("{r:?} is not an IP address or CIDR range")),
            )
        })
        .collect()
}

/// Validates `request` under `policy`: every problem at once, and no plan unless none.
pub fn plan_scan(request: &ScanRequest, policy: &DiscoveryPolicy) -> Result<ScanPlan, FieldErrors> {
    let mut errors = FieldErrors::new();
    const RANGES: &str = "network_ranges";
    if request.network_ranges.is_empty() {
        errors.add(RANGES, "name at least one range");
    }
    if request.network_ranges.len() > MAX_RANGES {
        errors.add(RANGES, format!("at most {MAX_RANGES} ranges"));
    }
    let ranges = parse_ranges(RANGES, &request.network_ranges, &mut errors);
    for range in &ranges {
        if range.size() > MAX_RANGE_SIZE {
            errors.add(
                RANGES,
                format!("{range} is larger than {MAX_RANGE_SIZE} addresses (an IPv4 /22)"),
            );
        } else if !permitted(range, policy) {
            errors.add(
                RANGES,
                format!(
                    "{range} is outside private, loopback and link-local space and not in the \
                     operator's discovery.allowed_ranges"
                ),
            );
        }
    }
    let ports = match &request.ports {
        None => DEFAULT_PORTS.to_vec(),
        Some(list) => {
            if list.is_empty() {
                errors.add("ports", "name at least one port, or leave ports out");
            }
            if list.len() > MAX_PORTS {
                errors.add("ports", format!("at most {MAX_PORTS} ports"));
            }
            let mut ports = BTreeSet::new();
            for port in list {
                match u16::try_from(*port) {
                    Ok(p) if p >= 1 => {
                        ports.insert(p);
                    }
                    _ => errors.add("ports", format!("{port} is not a port (1-65535)")),
                }
            }
            ports.into_iter().collect()
        }
    };
    let mut excluded = parse_ranges("exclude", &request.exclude, &mut errors);
    if request.exclude.len() > MAX_PORTS {
        errors.add("exclude", format!("at most {MAX_PORTS} exclusions"));
    }
    excluded.extend(policy.excluded_ranges.iter().copied());
    if errors.is_empty() {
        Ok(ScanPlan {
            ranges,
            ports,
            excluded,
        })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
#[path = "discovery_tests.rs"]
mod tests;
