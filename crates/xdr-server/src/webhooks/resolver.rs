//! A DNS resolver for the webhook client that refuses internal addresses. The client connects
//! only to the addresses this returns, so a name cannot resolve to a public address when
//! checked and to an internal one when connected (DNS rebinding).

use std::error::Error;
use std::fmt;
use std::net::SocketAddr;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use xdr_domain::webhooks::{AddressRefusal, check_address};

/// The resolver refused a name: one of its addresses is internal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuardRefusal(pub AddressRefusal);

impl fmt::Display for GuardRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Error for GuardRefusal {}

/// The name did not resolve.
#[derive(Debug)]
struct LookupFailed {
    host: String,
    detail: String,
}

impl fmt::Display for LookupFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DNS lookup of {} failed: {}", self.host, self.detail)
    }
}

impl Error for LookupFailed {}

#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver {
    pub allow_private_networks: bool,
}

impl GuardedResolver {
    /// Every address of `host`, or a refusal when any of them is internal.
    pub async fn lookup(
        &self,
        host: &str,
    ) -> Result<Vec<SocketAddr>, Box<dyn Error + Send + Sync>> {
        let failed = |detail: String| LookupFailed {
            host: host.to_owned(),
            detail,
        };
        let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, 0))
            .await
            .map_err(|e| failed(e.to_string()))?
            .collect();
        if addrs.is_empty() {
            return Err(Box::new(failed("no addresses".into())));
        }
        guard(&addrs, self.allow_private_networks)?;
        Ok(addrs)
    }
}

/// Refuses when **any** of `addrs` is refused: a name with one public and one internal address
/// must not be delivered to (the connection could pick either).
pub fn guard(addrs: &[SocketAddr], allow_private_networks: bool) -> Result<(), GuardRefusal> {
    for addr in addrs {
        check_address(addr.ip(), allow_private_networks).map_err(GuardRefusal)?;
    }
    Ok(())
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let resolver = *self;
        Box::pin(async move {
            let addrs = resolver.lookup(name.as_str()).await?;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(e: &(dyn Error + Send + Sync + 'static)) -> Option<GuardRefusal> {
        e.downcast_ref::<GuardRefusal>().copied()
    }

    #[tokio::test]
    async fn names_of_internal_addresses_are_refused() {
        let strict = GuardedResolver {
            allow_private_networks: false,
        };
        for host in ["localhost", "127.0.0.1", "::1"] {
            let err = strict.lookup(host).await.unwrap_err();
            let refused = refusal(err.as_ref()).unwrap_or_else(|| panic!("{host}: {err}"));
            assert_eq!(
                refused.to_string(),
                format!("address {} is loopback", refused.0.ip)
            );
        }
    }

    #[test]
    fn one_internal_address_refuses_the_name() {
        let addrs: Vec<SocketAddr> = ["93.184.216.34:0", "10.0.0.5:0", "8.8.8.8:0"]
            .iter()
            .map(|a| a.parse().unwrap())
            .collect();
        let refused = guard(&addrs, false).unwrap_err();
        assert_eq!(refused.to_string(), "address 10.0.0.5 is private");
        assert!(guard(&addrs, true).is_ok());
        assert!(guard(&[addrs[0], addrs[2]], false).is_ok());
    }

    #[tokio::test]
    async fn private_networks_can_be_allowed() {
        let lax = GuardedResolver {
            allow_private_networks: true,
        };
        let addrs = lax.lookup("127.0.0.1").await.unwrap();
        assert_eq!(addrs, ["127.0.0.1:0".parse().unwrap()]);
    }

    #[tokio::test]
    async fn unresolvable_names_fail_without_a_refusal() {
        let strict = GuardedResolver {
            allow_private_networks: false,
        };
        let err = strict.lookup("no-such-host.invalid").await.unwrap_err();
        assert!(refusal(err.as_ref()).is_none(), "{err}");
        assert!(
            err.to_string()
                .contains("DNS lookup of no-such-host.invalid failed"),
            "{err}"
        );
    }
}
