//! A webhook URL as an organization configures it: checked when it is set and again before
//! every delivery (the configuration may have changed in between).

use std::fmt;
use std::net::IpAddr;

use thiserror::Error;
use url::{Host, Url};

use super::address::{AddressRefusal, check_address};

/// Longest URL accepted.
pub const MAX_URL_CHARS: usize = 2048;

/// What the operator allows beyond public `https://` receivers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UrlPolicy {
    /// Accept `http://` (tests, a receiver on a trusted network).
    pub allow_http: bool,
    /// Accept loopback, private, CGNAT and unique-local addresses (see [`super::address`]).
    pub allow_private_networks: bool,
}

/// Why a URL is refused. Messages describe the rule; only an address is ever repeated.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WebhookUrlError {
    #[error("must be at most {MAX_URL_CHARS} characters")]
    TooLong,
    #[error("must be an absolute URL without spaces, such as https://hooks.example.com/mini-xdr")]
    Malformed,
    #[error("must use https://")]
    NotHttps,
    #[error("must use https:// or http://")]
    NotHttp,
    #[error("must name a host")]
    NoHost,
    #[error("must not contain a user name or password")]
    UserInfo,
    #[error("must not contain a fragment (#...)")]
    Fragment,
    #[error("refused: {0}")]
    Address(AddressRefusal),
    #[error("refused: host {0} is this machine")]
    Localhost(String),
}

/// A URL webhooks may be sent to under some [`UrlPolicy`]. Its text is the normalized form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(Url);

impl WebhookUrl {
    pub fn parse(raw: &str, policy: UrlPolicy) -> Result<Self, WebhookUrlError> {
        if raw.chars().count() > MAX_URL_CHARS {
            return Err(WebhookUrlError::TooLong);
        }
        // The parser would quietly drop spaces, tabs and newlines; refuse them instead.
        if raw.is_empty() || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(WebhookUrlError::Malformed);
        }
        let url = Url::parse(raw).map_err(|_| WebhookUrlError::Malformed)?;
        match (url.scheme(), policy.allow_http) {
            ("https", _) | ("http", true) => {}
            (_, false) => return Err(WebhookUrlError::NotHttps),
            (_, true) => return Err(WebhookUrlError::NotHttp),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(WebhookUrlError::UserInfo);
        }
        if url.fragment().is_some() {
            return Err(WebhookUrlError::Fragment);
        }
        match url.host() {
            None => return Err(WebhookUrlError::NoHost),
            Some(Host::Domain(domain)) => {
                let domain = domain.trim_end_matches('.').to_ascii_lowercase();
                let local = domain == "localhost" || domain.ends_with(".localhost");
                if local && !policy.allow_private_networks {
                    return Err(WebhookUrlError::Localhost(domain));
                }
            }
            Some(Host::Ipv4(ip)) => check_address(IpAddr::V4(ip), policy.allow_private_networks)
                .map_err(WebhookUrlError::Address)?,
            Some(Host::Ipv6(ip)) => check_address(IpAddr::V6(ip), policy.allow_private_networks)
                .map_err(WebhookUrlError::Address)?,
        }
        Ok(Self(url))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The host as written in the URL (for logs: the path may carry a receiver's token).
    pub fn host(&self) -> &str {
        self.0.host_str().unwrap_or_default()
    }

    /// The address when the host is an IP literal (no name to resolve).
    pub fn literal_ip(&self) -> Option<IpAddr> {
        match self.0.host()? {
            Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
            Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
            Host::Domain(_) => None,
        }
    }
}

impl fmt::Display for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRICT: UrlPolicy = UrlPolicy {
        allow_http: false,
        allow_private_networks: false,
    };
    const LAX: UrlPolicy = UrlPolicy {
        allow_http: true,
        allow_private_networks: true,
    };

    #[test]
    fn accepts_public_https_urls_and_normalizes_them() {
        let url =
            WebhookUrl::parse("HTTPS://Hooks.Example.COM:8443/mini-xdr?team=soc", STRICT).unwrap();
        assert_eq!(
            url.as_str(),
            "https://hooks.example.com:8443/mini-xdr?team=soc"
        );
        assert_eq!(url.host(), "hooks.example.com");
        assert_eq!(url.literal_ip(), None);
        let ip = WebhookUrl::parse("https://8.8.8.8/x", STRICT).unwrap();
        assert_eq!(ip.literal_ip(), Some("8.8.8.8".parse().unwrap()));
    }

    #[test]
    fn refuses_other_schemes_and_shapes() {
        use WebhookUrlError::*;
        for (raw, expected) in [
            ("http://hooks.example.com/x", NotHttps),
            ("ftp://hooks.example.com/x", NotHttps),
            ("file:///etc/passwd", NotHttps),
            ("hooks.example.com/x", Malformed),
            ("", Malformed),
            ("https://hooks.example.com/a b", Malformed),
            ("https://hooks.example.com/a\nb", Malformed),
            ("https://user:pw@hooks.example.com/", UserInfo),
            ("https://user@hooks.example.com/", UserInfo),
            ("https://hooks.example.com/#frag", Fragment),
            ("https://", Malformed),
        ] {
            assert_eq!(WebhookUrl::parse(raw, STRICT), Err(expected), "{raw:?}");
        }
        let long = format!("https://hooks.example.com/{}", "a".repeat(MAX_URL_CHARS));
        assert_eq!(WebhookUrl::parse(&long, STRICT), Err(TooLong));
        assert_eq!(
            WebhookUrl::parse("gopher://hooks.example.com/", LAX),
            Err(NotHttp)
        );
    }

    #[test]
    fn refuses_internal_literal_addresses_and_localhost() {
        for raw in [
            "https://127.0.0.1/",
            "https://127.1/",
            "https://0x7f000001/",
            "https://10.0.0.1/",
            "https://[::1]/",
            "https://169.254.169.254/latest/meta-data/",
            "https://[::ffff:127.0.0.1]/",
            "https://[::ffff:a9fe:a9fe]/",
            "https://0.0.0.0/",
            "https://localhost/",
            "https://api.LOCALHOST./",
        ] {
            let err = WebhookUrl::parse(raw, STRICT).unwrap_err();
            assert!(
                matches!(
                    err,
                    WebhookUrlError::Address(_) | WebhookUrlError::Localhost(_)
                ),
                "{raw}: {err:?}"
            );
            assert!(err.to_string().starts_with("refused: "), "{err}");
        }
        assert_eq!(
            WebhookUrl::parse("https://10.0.0.1/", STRICT)
                .unwrap_err()
                .to_string(),
            "refused: address 10.0.0.1 is private"
        );
    }

    #[test]
    fn the_policy_lifts_http_and_private_networks() {
        for raw in [
            "http://127.0.0.1:9000/hook",
            "https://localhost/",
            "https://[::1]/",
        ] {
            assert!(WebhookUrl::parse(raw, LAX).is_ok(), "{raw}");
        }
        // Metadata services and other never-allowed ranges stay refused.
        assert!(WebhookUrl::parse("http://169.254.169.254/", LAX).is_err());
        assert!(WebhookUrl::parse("http://0.0.0.0:9000/", LAX).is_err());
    }
}
