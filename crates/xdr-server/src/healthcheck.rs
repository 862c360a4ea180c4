//! `mini-xdr healthcheck`: the binary asks its own server's `/readyz` (for container health
//! checks: no curl in the image). One HTTP/1.1 GET over a plain TCP connection, to loopback or
//! to the configured bind address only, with a short timeout; ready means `200`.

use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use thiserror::Error;

pub const READYZ_PATH: &str = "/readyz";
pub const DEFAULT_TIMEOUT_MS: u64 = 2000;
/// The status line must arrive within this many bytes.
const MAX_STATUS_LINE: usize = 512;

#[derive(Debug, Error)]
pub enum HealthcheckError {
    #[error("--url {url:?}: {reason}")]
    BadUrl { url: String, reason: &'static str },
    #[error("{addr}: {source}")]
    Io { addr: SocketAddr, source: io::Error },
    #[error("{addr}: timed out")]
    Timeout { addr: SocketAddr },
    #[error("{addr}: the answer is not HTTP")]
    NotHttp { addr: SocketAddr },
    #[error("{addr}{path} answered {status}, not 200")]
    NotReady {
        addr: SocketAddr,
        path: String,
        status: u16,
    },
}

/// Where to ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub addr: SocketAddr,
    pub path: String,
}

/// `/readyz` on the bind address (loopback when bound to all addresses), or `url` when given:
/// `http://HOST[:PORT][/PATH]` whose host is a loopback address, `localhost` or the bind
/// address (never elsewhere: this is a probe of this server, not an HTTP client).
pub fn target(bind: SocketAddr, url: Option<&str>) -> Result<Target, HealthcheckError> {
    let Some(url) = url else {
        let ip = match bind.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        return Ok(Target {
            addr: SocketAddr::new(ip, bind.port()),
            path: READYZ_PATH.to_owned(),
        });
    };
    let bad = |reason| HealthcheckError::BadUrl {
        url: url.to_owned(),
        reason,
    };
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| bad("only http:// is supported"))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, "/"),
    };
    if path
        .bytes()
        .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return Err(bad("the path has spaces or control characters"));
    }
    let addr = parse_authority(authority).ok_or_else(|| bad("expected HOST[:PORT]"))?;
    if !(addr.ip().is_loopback() || addr.ip() == bind.ip()) {
        return Err(bad(
            "the host must be loopback or the configured server.bind address",
        ));
    }
    Ok(Target {
        addr,
        path: path.to_owned(),
    })
}

fn parse_authority(authority: &str) -> Option<SocketAddr> {
    let with_port = |host: &str, port: Option<&str>| -> Option<SocketAddr> {
        let ip: IpAddr = if host.eq_ignore_ascii_case("localhost") {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        } else {
            host.parse().ok()?
        };
        let port = port.map_or(Some(80), |p| p.parse().ok())?;
        Some(SocketAddr::new(ip, port))
    };
    if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?),
        };
        return with_port(host, port);
    }
    match authority.split_once(':') {
        Some((host, port)) => with_port(host, Some(port)),
        None => with_port(authority, None),
    }
}

/// Asks once; `Ok` when the answer is `200`. The whole exchange shares one `timeout`.
pub fn check(target: &Target, timeout: Duration) -> Result<(), HealthcheckError> {
    let addr = target.addr;
    let io = |source: io::Error| match source.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => HealthcheckError::Timeout { addr },
        _ => HealthcheckError::Io { addr, source },
    };
    let deadline = Instant::now() + timeout;
    let left = || {
        deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or(HealthcheckError::Timeout { addr })
    };
    let mut stream = TcpStream::connect_timeout(&addr, timeout).map_err(io)?;
    stream.set_write_timeout(Some(left()?)).map_err(io)?;
    write!(
        stream,
        "GET {} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: mini-xdr-healthcheck\r\nConnection: close\r\n\r\n",
        target.path
    )
    .map_err(io)?;
    let mut head = Vec::with_capacity(MAX_STATUS_LINE);
    let mut chunk = [0u8; 128];
    while !head.windows(2).any(|w| w == b"\r\n") {
        if head.len() >= MAX_STATUS_LINE {
            return Err(HealthcheckError::NotHttp { addr });
        }
        stream.set_read_timeout(Some(left()?)).map_err(io)?;
        let n = stream.read(&mut chunk).map_err(io)?;
        if n == 0 {
            return Err(HealthcheckError::NotHttp { addr });
        }
        head.extend_from_slice(&chunk[..n]);
    }
    let status = status_code(&head).ok_or(HealthcheckError::NotHttp { addr })?;
    if status == 200 {
        Ok(())
    } else {
        Err(HealthcheckError::NotReady {
            addr,
            path: target.path.clone(),
            status,
        })
    }
}

/// The status of `HTTP/1.x SSS ...`.
fn status_code(head: &[u8]) -> Option<u16> {
    let line = std::str::from_utf8(head).ok()?.lines().next()?;
    let mut parts = line.split(' ');
    let version = parts.next()?;
    let status = parts.next()?;
    (version.starts_with("HTTP/1.") && status.len() == 3)
        .then(|| status.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn defaults_to_readyz_on_the_bind_address_or_loopback() {
        let t = target(addr("0.0.0.0:8080"), None).unwrap();
        assert_eq!(
            (t.addr, t.path.as_str()),
            (addr("127.0.0.1:8080"), "/readyz")
        );
        assert_eq!(target(addr("[::]:9"), None).unwrap().addr, addr("[::1]:9"));
        assert_eq!(
            target(addr("10.0.0.5:81"), None).unwrap().addr,
            addr("10.0.0.5:81")
        );
    }

    #[test]
    fn a_url_names_loopback_or_the_bind_address_only() {
        let bind = addr("10.0.0.5:8080");
        let ok = |url: &str| target(bind, Some(url)).unwrap();
        assert_eq!(
            ok("http://127.0.0.1:9000/readyz").addr,
            addr("127.0.0.1:9000")
        );
        assert_eq!(ok("http://localhost/readyz").addr, addr("127.0.0.1:80"));
        assert_eq!(ok("http://[::1]:7/x").addr, addr("[::1]:7"));
        assert_eq!(ok("http://10.0.0.5:8080").path, "/");
        for bad in [
            "https://127.0.0.1/readyz",
            "http://10.0.0.6:8080/readyz",
            "http://example.com/readyz",
            "http://127.0.0.1:99999/",
            "http://127.0.0.1:80/a b",
            "http://[::1/",
            "127.0.0.1:8080",
        ] {
            assert!(target(bind, Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn reads_the_status_of_an_http_answer() {
        assert_eq!(status_code(b"HTTP/1.1 200 OK\r\n"), Some(200));
        assert_eq!(
            status_code(b"HTTP/1.0 503 Service Unavailable\r\n"),
            Some(503)
        );
        assert_eq!(status_code(b"SSH-2.0-OpenSSH\r\n"), None);
        assert_eq!(status_code(b"HTTP/1.1 2000 x\r\n"), None);
    }

    #[test]
    fn nothing_listening_is_not_ready() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let free = listener.local_addr().unwrap();
        drop(listener);
        let t = target(free, None).unwrap();
        assert!(check(&t, Duration::from_millis(500)).is_err());
    }
}
