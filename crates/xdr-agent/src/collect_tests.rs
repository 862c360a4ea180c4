#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use super::*;
use crate::testdir::TestDir;

const LONG: Duration = Duration::from_secs(3600);

fn cowrie(i: usize) -> String {
    format!(
        r#"{{"eventid":"cowrie.login.failed","src_ip":"203.0.113.{}","username":"root","timestamp":"2026-01-01T00:00:00Z"}}"#,
        i % 250
    ) + "\n"
}

fn append(path: &Path, text: &str) {
    let mut f = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

struct Setup {
    dir: TestDir,
    log: PathBuf,
}

impl Setup {
    fn new(label: &str) -> Self {
        let dir = TestDir::new(label);
        let log = dir.path().join("cowrie.json");
        append(&log, "");
        Self { dir, log }
    }

    fn spool(&self) -> Spool {
        let d = self.dir.path();
        Spool::open(&d.join("spool"), &d.join("counters.json"), 1 << 24).unwrap()
    }

    fn collector(&self, batch_max: usize) -> Collector {
        let files = [(SourceKind::Cowrie, self.log.clone())];
        Collector::new(
            &files,
            Offsets::load(self.dir.path()),
            Start::Beginning,
            batch_max,
        )
    }
}

fn messages_sent(spool: &mut Spool) -> Vec<serde_json::Value> {
    let mut all = Vec::new();
    while let Some((entry, body)) = spool.begin_send().unwrap() {
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        all.extend(v["events"].as_array().unwrap().iter().cloned());
        spool.complete(&entry).unwrap();
    }
    all
}

#[test]
fn full_batches_are_spooled_and_unparsed_lines_skipped() {
    let s = Setup::new("collect-full");
    let mut spool = s.spool();
    let mut c = s.collector(2);
    let mut text: String = (0..5).map(cowrie).collect();
    text.push_str("not json\n{\"eventid\":\"other\"}\n");
    append(&s.log, &text);
    assert_eq!(c.poll(&mut spool, LONG).unwrap(), 2);
    assert_eq!((spool.buffered_events(), c.pending_events()), (4, 1));
    let stats = c.stats();
    assert_eq!((stats.lines_read, stats.lines_skipped), (7, 2));
    c.flush(&mut spool).unwrap();
    let events = messages_sent(&mut spool);
    assert_eq!(events.len(), 5);
    assert_eq!(events[0]["event_type"], "cowrie.login.failed");
    assert_eq!(events[4]["src_ip"], "203.0.113.4");
}

#[test]
fn offsets_are_saved_only_after_the_batch_is_spooled() {
    let s = Setup::new("collect-order");
    let mut spool = s.spool();
    let mut c = s.collector(100);
    append(&s.log, &(cowrie(1) + &cowrie(2)));
    assert_eq!(c.poll(&mut spool, LONG).unwrap(), 0, "not full, not due");
    assert_eq!(c.pending_events(), 2);
    drop(c); // a crash: the in-memory batch is gone, and so is nothing else

    let mut c = s.collector(100);
    c.poll(&mut spool, LONG).unwrap();
    assert_eq!(c.pending_events(), 2, "the lines are read again");
    assert_eq!(
        c.poll(&mut spool, Duration::ZERO).unwrap(),
        1,
        "due: spooled"
    );
    drop(c);

    let mut c = s.collector(100);
    append(&s.log, &cowrie(3));
    c.poll(&mut spool, Duration::ZERO).unwrap();
    let events = messages_sent(&mut spool);
    let ips: Vec<_> = events
        .iter()
        .map(|e| e["src_ip"].as_str().unwrap())
        .collect();
    assert_eq!(ips, ["203.0.113.1", "203.0.113.2", "203.0.113.3"]);
}

#[test]
fn skipped_lines_alone_advance_the_offsets() {
    let s = Setup::new("collect-skipped");
    let mut spool = s.spool();
    let mut c = s.collector(100);
    append(&s.log, "noise\nmore noise\n");
    c.poll(&mut spool, LONG).unwrap();
    drop(c);
    let mut c = s.collector(100);
    c.poll(&mut spool, LONG).unwrap();
    assert_eq!(c.stats().lines_read, 0);
    assert!(spool.is_empty());
}
