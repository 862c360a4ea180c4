//! Which peers may tell us the client's address through `X-Forwarded-For`.

use std::net::IpAddr;
use std::str::FromStr;

use thiserror::Error;
use xdr_domain::net::{IpRange, canonical};

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0:?} is not an IP address or CIDR range")]
pub struct InvalidProxy(pub String);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpRange>);

impl TrustedProxies {
    pub fn none() -> Self {
        Self(Vec::new())
    }

    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<Self, InvalidProxy> {
        entries
            .iter()
            .map(|e| {
                e.as_ref()
                    .parse()
                    .map_err(|_| InvalidProxy(e.as_ref().to_owned()))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|c| c.contains(ip))
    }

    /// The client address: the peer, unless the peer is a trusted proxy; then the right-most
    /// `X-Forwarded-For` entry that is not itself a trusted proxy. Unparseable entries end the
    /// walk (everything left of them is client-controlled).
    pub fn client_ip(&self, peer: Option<IpAddr>, forwarded_for: &[&str]) -> Option<IpAddr> {
        let peer = peer.map(canonical)?;
        if !self.contains(peer) {
            return Some(peer);
        }
        let mut client = peer;
        for entry in forwarded_for.iter().flat_map(|h| h.split(',')).rev() {
            match IpAddr::from_str(entry.trim()) {
                Ok(ip) => {
                    client = canonical(ip);
                    if !self.contains(client) {
                        return Some(client);
                    }
                }
                Err(_) => return Some(client),
            }
        }
        Some(client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn parses_ips_and_cidrs() {
        let t = TrustedProxies::parse(&["10.0.0.0/8", "192.168.1.5", "fd00::/8"]).unwrap();
        assert!(t.contains(ip("10.1.2.3")));
        assert!(t.contains(ip("192.168.1.5")));
        assert!(!t.contains(ip("192.168.1.6")));
        assert!(t.contains(ip("fd12::1")));
        assert!(t.contains(ip("::ffff:10.9.9.9")));
        for bad in ["10.0.0.0/33", "nope", "1.2.3.4/x", ""] {
            assert!(TrustedProxies::parse(&[bad]).is_err(), "{bad}");
        }
    }

    #[test]
    fn untrusted_peer_ignores_forwarded_for() {
        let t = TrustedProxies::parse(&["10.0.0.1"]).unwrap();
        assert_eq!(
            t.client_ip(Some(ip("203.0.113.9")), &["1.1.1.1"]),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(
            TrustedProxies::none().client_ip(Some(ip("10.0.0.1")), &["1.1.1.1"]),
            Some(ip("10.0.0.1"))
        );
    }

    #[test]
    fn trusted_peer_uses_rightmost_untrusted_entry() {
        let t = TrustedProxies::parse(&["10.0.0.0/8"]).unwrap();
        let peer = Some(ip("10.0.0.1"));
        // The client may prepend anything; only the right-most untrusted entry counts.
        assert_eq!(
            t.client_ip(peer, &["6.6.6.6, 198.51.100.7, 10.0.0.2"]),
            Some(ip("198.51.100.7"))
        );
        assert_eq!(
            t.client_ip(peer, &["6.6.6.6", "198.51.100.7"]),
            Some(ip("198.51.100.7"))
        );
        assert_eq!(t.client_ip(peer, &[]), Some(ip("10.0.0.1")));
        assert_eq!(
            t.client_ip(peer, &["garbage, 198.51.100.7"]),
            Some(ip("198.51.100.7"))
        );
        assert_eq!(
            t.client_ip(peer, &["198.51.100.7, garbage"]),
            Some(ip("10.0.0.1"))
        );
    }
}
