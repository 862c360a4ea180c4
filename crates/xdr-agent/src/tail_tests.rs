#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs::{self, OpenOptions};
use std::io::Write;

use super::*;
use crate::testdir::TestDir;

fn append(path: &Path, text: &str) {
    let mut f = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

fn drain(t: &mut Tailer) -> Vec<String> {
    t.refill();
    let mut lines = Vec::new();
    while let Some(line) = t.next_line().unwrap() {
        lines.push(line);
    }
    lines
}

#[test]
fn starts_at_the_end_and_returns_only_complete_lines() {
    let dir = TestDir::new("tail-new");
    let path = dir.path().join("auth.log");
    append(&path, "old line\n");
    let mut t = Tailer::new(&path, None, Start::End);
    assert!(drain(&mut t).is_empty());
    append(&path, "a\r\nb\npar");
    assert_eq!(drain(&mut t), ["a", "b"]);
    assert_eq!(t.position().offset, "old line\na\r\nb\n".len() as u64);
    append(&path, "tial\n");
    assert_eq!(drain(&mut t), ["partial"]);
}

#[test]
fn from_start_reads_everything_and_a_late_file_is_read_whole() {
    let dir = TestDir::new("tail-start");
    let path = dir.path().join("c.json");
    let mut late = Tailer::new(&path, None, Start::End);
    assert!(drain(&mut late).is_empty(), "no file yet");
    append(&path, "x\ny\n");
    assert_eq!(
        drain(&mut late),
        ["x", "y"],
        "a file that appears later is new"
    );
    let mut backfill = Tailer::new(&path, None, Start::Beginning);
    assert_eq!(drain(&mut backfill), ["x", "y"]);
}

#[test]
fn truncation_starts_again_at_zero() {
    let dir = TestDir::new("tail-trunc");
    let path = dir.path().join("f.log");
    append(&path, "");
    let mut t = Tailer::new(&path, None, Start::End);
    append(&path, "first line\nsecond line\n");
    assert_eq!(drain(&mut t).len(), 2);
    OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(0)
        .unwrap();
    append(&path, "new\n");
    assert_eq!(drain(&mut t), ["new"]);
    assert_eq!(t.position().offset, 4);
}

#[test]
fn rotation_finishes_the_old_file_then_reads_the_new_one() {
    let dir = TestDir::new("tail-rotate");
    let path = dir.path().join("f.log");
    let rotated = dir.path().join("f.log.1");
    append(&path, "");
    let mut t = Tailer::new(&path, None, Start::End);
    append(&path, "1\n");
    assert_eq!(drain(&mut t), ["1"]);
    fs::rename(&path, &rotated).unwrap();
    append(&rotated, "2\n");
    append(&path, "3\n");
    assert_eq!(
        drain(&mut t),
        ["2"],
        "the old file first; the switch waits a poll"
    );
    append(&rotated, "4\nunterminated");
    let lines = drain(&mut t);
    assert_eq!(lines, ["4", "unterminated", "3"]);
    assert_eq!(t.position().offset, 2);
    assert_eq!(t.position().file, file_id(&fs::metadata(&path).unwrap()));
}

#[test]
fn a_saved_position_resumes_after_a_restart() {
    let dir = TestDir::new("tail-resume");
    let path = dir.path().join("f.log");
    append(&path, "");
    let mut t = Tailer::new(&path, None, Start::End);
    append(&path, "a\nb\n");
    assert_eq!(drain(&mut t), ["a", "b"]);
    let saved = t.position();
    drop(t);
    append(&path, "c\n");
    let mut t = Tailer::new(&path, Some(saved), Start::End);
    assert_eq!(
        drain(&mut t),
        ["c"],
        "only what came after the saved position"
    );

    // Rotated while the agent was down: the file now at the path is read from its start.
    fs::rename(&path, dir.path().join("f.log.1")).unwrap();
    append(&path, "d\n");
    let mut t = Tailer::new(&path, Some(saved), Start::End);
    assert_eq!(drain(&mut t), ["d"]);
}

#[test]
fn overlong_lines_are_skipped() {
    let dir = TestDir::new("tail-long");
    let path = dir.path().join("f.log");
    append(&path, "");
    let mut t = Tailer::new(&path, None, Start::End);
    let long = "z".repeat(MAX_LINE + 5000);
    append(&path, &format!("ok1\n{long}\nok2\n"));
    assert_eq!(drain(&mut t), ["ok1", "ok2"]);
    assert_eq!(t.skipped_long(), 1);
    assert_eq!(t.position().offset, fs::metadata(&path).unwrap().len());
}

#[test]
fn the_read_budget_bounds_one_poll() {
    let dir = TestDir::new("tail-budget");
    let path = dir.path().join("f.log");
    let line = format!("{}\n", "q".repeat(999));
    append(&path, &line.repeat(2 * READ_BUDGET / 1000));
    let mut t = Tailer::new(&path, None, Start::Beginning);
    let first = drain(&mut t).len();
    assert!(first < 2 * READ_BUDGET / 1000 && first > 0);
    assert_eq!(first + drain(&mut t).len(), 2 * READ_BUDGET / 1000);
}
