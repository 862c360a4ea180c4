//! What a service says about itself: the greeting of a service that speaks first (SSH, SMTP,
//! FTP), else the `Server` header of an answer to `HEAD /`.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

/// Bytes read of a greeting or an HTTP answer: enough for a status line and a few headers.
const READ_LIMIT: usize = 2048;
/// Characters kept of a banner.
const BANNER_LIMIT: usize = 200;

/// The banner of the service behind `stream`, or `None` when it says nothing useful in time.
pub(super) async fn read(mut stream: TcpStream, wait: Duration) -> Option<String> {
    let mut buffer = vec![0u8; READ_LIMIT];
    if let Ok(Ok(n)) = timeout(wait, stream.read(&mut buffer)).await {
        // A service that speaks first (or closed the connection: nothing to say).
        return first_line(buffer.get(..n)?);
    }
    let request = b"HEAD / HTTP/1.0\r\nUser-Agent: mini-xdr-discovery\r\n\r\n";
    timeout(wait, stream.write_all(request)).await.ok()?.ok()?;
    let mut answer = Vec::new();
    let read_all = async {
        let mut chunk = [0u8; 512];
        while answer.len() < READ_LIMIT {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(chunk.get(..n).unwrap_or_default()),
            }
            if answer.windows(4).any(|w| w == b"\r\n\r\n") {
                break;
            }
        }
    };
    let _ = timeout(wait, read_all).await;
    server_header(&answer)
}

/// Printable ASCII only (a banner is shown to analysts and stored), trimmed and bounded.
fn clean(raw: &[u8]) -> Option<String> {
    let text: String = String::from_utf8_lossy(raw)
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                ' '
            }
        })
        .take(BANNER_LIMIT)
        .collect();
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

fn first_line(bytes: &[u8]) -> Option<String> {
    let line = bytes.split(|b| *b == b'\n').next()?;
    clean(line)
}

/// The `Server` header of an HTTP answer; an HTTP answer without one is "HTTP".
pub(super) fn server_header(answer: &[u8]) -> Option<String> {
    if !answer.starts_with(b"HTTP/") {
        return None;
    }
    let server = answer
        .split(|b| *b == b'\n')
        .skip(1)
        .take_while(|line| !line.iter().all(|b| b.is_ascii_whitespace()))
        .find_map(|line| {
            let (name, value) = line.split_at(line.iter().position(|b| *b == b':')?);
            name.eq_ignore_ascii_case(b"server")
                .then(|| clean(value.get(1..).unwrap_or_default()))
                .flatten()
        });
    server.or_else(|| Some("HTTP".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_header_of_an_http_answer() {
        let answer = b"HTTP/1.1 200 OK\r\nDate: x\r\nserver: nginx/1.24.0 (Ubuntu)\r\n\r\n";
        assert_eq!(
            server_header(answer).as_deref(),
            Some("nginx/1.24.0 (Ubuntu)")
        );
        assert_eq!(
            server_header(b"HTTP/1.0 404 Not Found\r\n\r\n").as_deref(),
            Some("HTTP")
        );
        assert_eq!(server_header(b"SSH-2.0-OpenSSH"), None);
        // A header after the blank line is body, not a header.
        let body = b"HTTP/1.1 200 OK\r\n\r\nServer: fake\r\n";
        assert_eq!(server_header(body).as_deref(), Some("HTTP"));
    }

    #[test]
    fn banners_are_printable_and_bounded() {
        assert_eq!(
            first_line(b"SSH-2.0-OpenSSH_9.6\r\nmore").as_deref(),
            Some("SSH-2.0-OpenSSH_9.6")
        );
        assert_eq!(
            first_line(b"220 \x1b[31mevil\x07\r\n").as_deref(),
            Some("220  [31mevil")
        );
        assert_eq!(first_line(b"\r\n"), None);
        assert_eq!(
            first_line(&[b'a'; 5000]).map(|s| s.len()),
            Some(BANNER_LIMIT)
        );
    }
}
