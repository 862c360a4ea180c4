//! `mini-xdr-agent`, the endpoint agent of Mini-XDR: it enrolls with a one-time token, then
//! tails cowrie and OpenSSH logs into HMAC-signed event batches and heartbeats (API.md,
//! "Agents"). It carries none of the server.
//!
//! # The state directory (default `/var/lib/mini-xdr-agent`, mode 0700)
//! | file | what | written |
//! |---|---|---|
//! | `agent.json` (0600) | server URL, `instance_id`, `agent_id`, `agent_secret`, heartbeat interval | by `enroll` (the `instance_id` before the first attempt), `rotate-secret`, `unenroll` |
//! | `offsets.json` | per followed file (`<kind>:<path>`): device, inode and offset of the next unread line | by `run`, only after the lines before it are spooled |
//! | `spool/<seq>-<events>-<batch_id>.json` | one batch each, the exact body of its `POST /agents/events` | by `run`: fsynced before the offsets move; deleted after the server's 202 |
//! | `counters.json` | `dropped_events`: events lost to the spool cap or refused by the server | by `run` |
//!
//! Every file is replaced atomically (temporary file, fsync, rename, fsync of the directory).
//!
//! # Delivery
//! Lines → in-memory batch → spool file (fsync) → offsets saved → sent oldest first → deleted
//! on 202. A crash re-reads at most the lines after the last saved offset; a resent batch
//! keeps its `batch_id`, which the server de-duplicates. The spool is capped
//! (`--buffer-max-bytes`): the oldest batches are dropped first and counted.

pub mod backoff;
pub mod client;
pub mod collect;
mod collect_loop;
pub mod enroll;
pub mod fsutil;
mod heartbeat;
pub mod host;
pub mod manage;
pub mod offsets;
pub mod reply;
pub mod run;
mod sender;
pub mod signing;
pub mod source;
pub mod spool;
pub mod state;
pub mod tail;
pub mod trust;
pub mod wire;

#[cfg(test)]
mod testdir;
#[cfg(test)]
mod testserver;

#[cfg(test)]
#[path = "run_tests.rs"]
mod run_tests;

#[cfg(test)]
#[path = "trust_tests.rs"]
mod trust_tests;
