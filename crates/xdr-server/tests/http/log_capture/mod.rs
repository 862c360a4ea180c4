//! Everything the test process logs, at TRACE level from every crate and every thread (the
//! blocking pool included), while a test holds a [`Capture`], to search for secrets.
//!
//! A tracing subscriber (and the `log` bridge) can only be installed once per process, and every
//! test of the binary runs in it: the one subscriber is installed on first use and records only
//! while at least one [`Capture`] is alive, so tests that do not look at the logs neither pay
//! for TRACE formatting nor fill the buffer. A capture sees every line logged since it started,
//! including those of tests running at the same time (more to search, never less); when the
//! last capture ends, the buffer is emptied.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};

use tracing_subscriber::Layer;
use tracing_subscriber::filter::dynamic_filter_fn;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// What was captured, and by how many live captures.
struct Buffer {
    captures: usize,
    bytes: Vec<u8>,
}

static BUFFER: Mutex<Buffer> = Mutex::new(Buffer {
    captures: 0,
    bytes: Vec::new(),
});
/// `BUFFER.captures`, readable by the subscriber's filter without the lock.
static CAPTURING: AtomicUsize = AtomicUsize::new(0);

fn buffer() -> MutexGuard<'static, Buffer> {
    BUFFER.lock().unwrap_or_else(PoisonError::into_inner)
}

#[derive(Clone, Copy)]
struct Writer;

impl Write for Writer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut buffer = buffer();
        // An event that passed the filter just before the last capture ended is dropped.
        if buffer.captures > 0 {
            buffer.bytes.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Writer {
    type Writer = Writer;
    fn make_writer(&'a self) -> Writer {
        *self
    }
}

fn install() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        // A dynamic filter: asked again for every event and span, never cached per callsite.
        let capturing = dynamic_filter_fn(|_, _| CAPTURING.load(Ordering::SeqCst) > 0);
        tracing_subscriber::registry()
            .with(
                tracing_subscriber::fmt::layer()
                    .with_ansi(false)
                    .with_writer(Writer)
                    .with_filter(capturing),
            )
            .init();
    });
}

/// A capture of everything logged from its start to its end (drop).
#[derive(Debug)]
#[must_use = "the capture ends when dropped"]
pub struct Capture {
    start: usize,
}

impl Capture {
    /// Starts capturing (installs the subscriber on first use).
    pub fn start() -> Capture {
        install();
        let mut buffer = buffer();
        buffer.captures += 1;
        CAPTURING.store(buffer.captures, Ordering::SeqCst);
        Capture {
            start: buffer.bytes.len(),
        }
    }

    /// Everything logged since this capture started.
    pub fn logs(&self) -> String {
        String::from_utf8_lossy(&buffer().bytes[self.start..]).into_owned()
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        let mut buffer = buffer();
        buffer.captures -= 1;
        CAPTURING.store(buffer.captures, Ordering::SeqCst);
        if buffer.captures == 0 {
            buffer.bytes = Vec::new();
        }
    }
}
