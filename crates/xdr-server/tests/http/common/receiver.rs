//! A tiny webhook receiver on 127.0.0.1 for the delivery tests: answers each request with the
//! next step of its script (the last step repeats) and records what it received.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the receiver does with one request.
#[derive(Debug, Clone, Copy)]
pub enum Step {
    /// Answer at once with this status.
    Status(u16),
    /// Answer 200 only after this long (longer than the client's timeout).
    Stall(Duration),
    /// Answer `302 Found` with `Location: <this path>` on the same receiver.
    Redirect(&'static str),
}

#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    /// Header names in lower case.
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

#[derive(Debug, Clone)]
pub struct Receiver {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    pub fn start(script: &[Step]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hooks/mini-xdr", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let script = script.to_vec();
        let log = Arc::clone(&received);
        std::thread::spawn(move || {
            for (n, stream) in listener.incoming().enumerate() {
                let Ok(stream) = stream else { continue };
                let step = *script
                    .get(n)
                    .or(script.last())
                    .unwrap_or(&Step::Status(200));
                let log = Arc::clone(&log);
                std::thread::spawn(move || serve(stream, step, &log));
            }
        });
        Self { url, received }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, step: Step, log: &Mutex<Vec<Received>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut parts = request_line.split_whitespace();
    let (method, path) = (
        parts.next().unwrap_or_default().to_owned(),
        parts.next().unwrap_or_default().to_owned(),
    );
    let mut headers = BTreeMap::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }
    let length = headers
        .get("content-length")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    log.lock().unwrap().push(Received {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let (status, location) = match step {
        Step::Status(status) => (status, String::new()),
        Step::Stall(wait) => {
            std::thread::sleep(wait);
            (200, String::new())
        }
        Step::Redirect(path) => (302, format!("Location: {path}\r\n")),
    };
    let mut stream = stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status} Whatever\r\n{location}Content-Length: 2\r\nConnection: close\r\n\r\nok"
    );
}
