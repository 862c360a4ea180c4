#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::testdir::TestDir;

fn events(n: usize, tag: &str) -> Vec<String> {
    (0..n)
        .map(|i| format!(r#"{{"event_type":"t","src_ip":"10.0.0.1","message":"{tag}-{i}"}}"#))
        .collect()
}

fn open(dir: &TestDir, max: u64) -> Spool {
    Spool::open(
        &dir.path().join("spool"),
        &dir.path().join("counters.json"),
        max,
    )
    .unwrap()
}

fn message_of(body: &[u8]) -> String {
    let v: serde_json::Value = serde_json::from_slice(body).unwrap();
    v["events"][0]["message"].as_str().unwrap().to_owned()
}

#[test]
fn batches_come_back_oldest_first_and_survive_reopen() {
    let dir = TestDir::new("spool-order");
    let mut spool = open(&dir, 1 << 20);
    let first = Uuid::new_v4();
    spool.push(first, &events(2, "a")).unwrap();
    spool.push(Uuid::new_v4(), &events(3, "b")).unwrap();
    assert_eq!(spool.buffered_events(), 5);
    drop(spool);

    let mut spool = open(&dir, 1 << 20);
    assert_eq!((spool.len(), spool.buffered_events()), (2, 5));
    let (entry, body) = spool.begin_send().unwrap().unwrap();
    assert_eq!(entry.batch_id, first);
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["batch_id"], first.to_string());
    assert_eq!(message_of(&body), "a-0");
    spool.complete(&entry).unwrap();
    spool.push(Uuid::new_v4(), &events(1, "c")).unwrap();
    let (entry, body) = spool.begin_send().unwrap().unwrap();
    assert_eq!(message_of(&body), "b-0");
    spool.complete(&entry).unwrap();
    let (_, body) = spool.begin_send().unwrap().unwrap();
    assert_eq!(message_of(&body), "c-0");
    assert_eq!(spool.dropped_events(), 0);
}

#[test]
fn the_cap_drops_the_oldest_and_counts_their_events() {
    let dir = TestDir::new("spool-cap");
    let one = events(4, "x");
    let size = events_body(Uuid::nil(), &one).len() as u64;
    let mut spool = open(&dir, size * 3);
    for tag in ["a", "b", "c", "d", "e"] {
        spool.push(Uuid::new_v4(), &events(4, tag)).unwrap();
        assert!(spool.total_bytes() <= size * 3);
    }
    assert_eq!(spool.len(), 3);
    assert_eq!(spool.dropped_events(), 8);
    let (_, body) = spool.begin_send().unwrap().unwrap();
    assert_eq!(message_of(&body), "c-0", "a and b, the oldest, went first");
    spool.release();
    drop(spool);
    let spool = open(&dir, size * 3);
    assert_eq!(spool.dropped_events(), 8, "the dropped count is kept");
    let files = fs::read_dir(dir.path().join("spool")).unwrap().count();
    assert_eq!(files, 3);
}

#[test]
fn the_batch_being_sent_is_not_dropped_and_discards_are_counted() {
    let dir = TestDir::new("spool-inflight");
    let size = events_body(Uuid::nil(), &events(1, "x")).len() as u64;
    let mut spool = open(&dir, size * 2);
    spool.push(Uuid::new_v4(), &events(1, "a")).unwrap();
    let (sending, _) = spool.begin_send().unwrap().unwrap();
    spool.push(Uuid::new_v4(), &events(1, "b")).unwrap();
    spool.push(Uuid::new_v4(), &events(1, "c")).unwrap();
    assert_eq!(
        spool.dropped_events(),
        1,
        "b was dropped, not a (in flight)"
    );
    spool.discard(&sending).unwrap();
    assert_eq!(spool.dropped_events(), 2);
    let (_, body) = spool.begin_send().unwrap().unwrap();
    assert_eq!(message_of(&body), "c-0");
}

#[test]
fn a_smaller_cap_on_reopen_applies_at_once() {
    let dir = TestDir::new("spool-reopen-cap");
    let mut spool = open(&dir, 1 << 20);
    for tag in ["a", "b", "c"] {
        spool.push(Uuid::new_v4(), &events(2, tag)).unwrap();
    }
    let size = spool.total_bytes() / 3;
    drop(spool);
    let spool = open(&dir, size);
    assert_eq!((spool.len(), spool.dropped_events()), (1, 4));
}
