//! Password hashing off the async workers, with bounded concurrency.
//!
//! bcrypt only reads the first 72 bytes of its input, so the password is first reduced to
//! base64(SHA-256(password)) (44 bytes): long passwords keep all their strength and no two
//! passwords that share a 72-byte prefix collide.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use thiserror::Error;
use tokio::sync::Semaphore;
use xdr_domain::identity::{PasswordHash, PasswordPolicyError, check_password};
use xdr_domain::telemetry::Telemetry;
use zeroize::Zeroizing;

#[derive(Debug, Error)]
pub enum PasswordHashError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("password hashing pool is closed")]
    PoolClosed,
}

/// Computes and verifies bcrypt hashes on the blocking pool, at most `concurrency` at a time, so
/// that a login storm queues (asynchronously) instead of starving other requests.
#[derive(Debug, Clone)]
pub struct PasswordHasher {
    cost: u32,
    permits: Arc<Semaphore>,
    /// A real hash of a random password at the configured cost: unknown users are verified
    /// against it so that their sign-in takes as long as a known user's.
    dummy_hash: Arc<String>,
    /// bcrypt verifications run so far, the dummy ones included.
    verifications: Arc<AtomicU64>,
    /// Where the queue for the bounded slots is counted (`password_hashing`).
    telemetry: Arc<Telemetry>,
}

impl PasswordHasher {
    /// Builds the hasher, with a dummy hash made without hashing ([`unmatchable_hash`]).
    pub fn new(cost: u32, concurrency: usize) -> Result<Self, PasswordHashError> {
        let dummy = unmatchable_hash(cost)?;
        Ok(Self {
            cost,
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            dummy_hash: Arc::new(dummy),
            verifications: Arc::new(AtomicU64::new(0)),
            telemetry: Arc::default(),
        })
    }

    /// Counts its queue (depth and wait) in `telemetry` instead of a private one.
    pub fn with_telemetry(mut self, telemetry: Arc<Telemetry>) -> Self {
        self.telemetry = telemetry;
        self
    }

    pub fn cost(&self) -> u32 {
        self.cost
    }

    /// Checks `password` against the policy (`check_password`: length, the user's own inputs,
    /// zxcvbn) on the same bounded pool as bcrypt: on long adversarial inputs zxcvbn takes
    /// milliseconds (docs/benchmarks.md), too long for an async worker.
    pub async fn check_policy(
        &self,
        password: &str,
        user_inputs: &[&str],
    ) -> Result<Result<(), PasswordPolicyError>, PasswordHashError> {
        let password = Zeroizing::new(password.to_owned());
        let inputs: Vec<String> = user_inputs.iter().map(|s| (*s).to_owned()).collect();
        self.run(move || {
            let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
            check_password(&password, &inputs)
        })
        .await
    }

    /// Whether `hash` was made at another cost than the configured one (or cannot be read):
    /// a sign-in that verified the password then stores a hash at the configured cost.
    pub fn needs_rehash(&self, hash: &PasswordHash) -> bool {
        hash_cost(hash.as_str()) != Some(self.cost)
    }

    /// How many bcrypt verifications this hasher has run (known and unknown users alike).
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }

    pub async fn hash(&self, password: &str) -> Result<PasswordHash, PasswordHashError> {
        let input = prehash(password);
        let cost = self.cost;
        let encoded = self
            .run(move || bcrypt::hash(input.as_bytes(), cost))
            .await?
            .map_err(|e| PasswordHashError::Hash(e.to_string()))?;
        Ok(PasswordHash::new(encoded))
    }

    /// Verifies `password` against `hash`, or against the dummy hash when there is no user
    /// (always false then). A malformed stored hash verifies as false.
    pub async fn verify(
        &self,
        password: &str,
        hash: Option<&PasswordHash>,
    ) -> Result<bool, PasswordHashError> {
        let input = prehash(password);
        let (target, real) = match hash {
            Some(h) => (h.as_str().to_owned(), true),
            None => (self.dummy_hash.as_str().to_owned(), false),
        };
        let counter = Arc::clone(&self.verifications);
        let matched = self
            .run(move || {
                counter.fetch_add(1, Ordering::Relaxed);
                bcrypt::verify(input.as_bytes(), &target).unwrap_or(false)
            })
            .await?;
        Ok(matched && real)
    }

    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PasswordHashError> {
        let queue = &self.telemetry.password_hashing;
        let waiting = queue.enqueue();
        let queued_at = Instant::now();
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| PasswordHashError::PoolClosed)?;
        drop(waiting);
        queue.started(queued_at.elapsed());
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || span.in_scope(job))
            .await
            .map_err(|_| PasswordHashError::PoolClosed)
    }
}

/// The cost of a bcrypt hash (`$2b$12$...` → 12).
/// The costs bcrypt accepts.
const BCRYPT_COSTS: std::ops::RangeInclusive<u32> = 4..=31;

/// A bcrypt hash at `cost` with a random salt and a random digest. Verifying a password
/// against it runs bcrypt's whole key schedule at `cost` (the digest is compared only at the
/// end), so an unknown user's sign-in takes as long as a known user's; no password matches it
/// (one would need a 184-bit preimage). Made without hashing: start-up used to spend one hash
/// on it (~250 ms at cost 12, most of the time to ready).
fn unmatchable_hash(cost: u32) -> Result<String, PasswordHashError> {
    if !BCRYPT_COSTS.contains(&cost) {
        return Err(PasswordHashError::Hash(format!(
            "cost {cost} is outside bcrypt's {}..={}",
            BCRYPT_COSTS.start(),
            BCRYPT_COSTS.end()
        )));
    }
    let salt = xdr_crypto::random_bytes::<16>();
    let digest = xdr_crypto::random_bytes::<23>();
    Ok(format!(
        "$2b${cost:02}${}{}",
        bcrypt::BASE_64.encode(salt),
        bcrypt::BASE_64.encode(digest)
    ))
}

fn hash_cost(hash: &str) -> Option<u32> {
    let mut parts = hash.split('$');
    let (_, _, cost) = (parts.next()?, parts.next()?, parts.next()?);
    cost.parse().ok()
}

fn prehash(password: &str) -> Zeroizing<String> {
    Zeroizing::new(STANDARD.encode(xdr_crypto::sha256(password.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEST_COST: u32 = 4;

    #[tokio::test]
    async fn hash_and_verify() {
        let hasher = PasswordHasher::new(TEST_COST, 2).unwrap();
        let hash = hasher.hash("violet tractor mango fjord").await.unwrap();
        assert!(hash.as_str().starts_with("$2b$04$"));
        assert!(
            hasher
                .verify("violet tractor mango fjord", Some(&hash))
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify("violet tractor mango fjorD", Some(&hash))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn the_queue_is_counted() {
        let telemetry = Arc::new(Telemetry::default());
        let hasher = PasswordHasher::new(TEST_COST, 1)
            .unwrap()
            .with_telemetry(Arc::clone(&telemetry));
        hasher.hash("violet tractor mango fjord").await.unwrap();
        let queue = &telemetry.password_hashing;
        assert_eq!(queue.queue_depth(), 0, "nothing waits once it is done");
        assert_eq!(queue.wait().snapshot().count(), 1);
    }

    #[tokio::test]
    async fn unknown_user_never_verifies() {
        let hasher = PasswordHasher::new(TEST_COST, 1).unwrap();
        assert_eq!(hasher.verifications(), 0);
        assert!(!hasher.verify("anything at all here", None).await.unwrap());
        // The unknown user still cost one real bcrypt verification (no timing tell).
        assert_eq!(hasher.verifications(), 1);
        let hash = hasher.hash("anything at all here").await.unwrap();
        assert!(
            hasher
                .verify("anything at all here", Some(&hash))
                .await
                .unwrap()
        );
        assert_eq!(hasher.verifications(), 2, "hashing is not a verification");
    }

    #[tokio::test]
    async fn a_hash_of_another_cost_needs_rehashing() {
        let hasher = PasswordHasher::new(TEST_COST, 1).unwrap();
        let same = hasher.hash("violet tractor mango fjord").await.unwrap();
        assert!(!hasher.needs_rehash(&same));
        let costlier = PasswordHasher::new(TEST_COST + 1, 1).unwrap();
        let other = costlier.hash("violet tractor mango fjord").await.unwrap();
        assert!(hasher.needs_rehash(&other));
        assert!(costlier.needs_rehash(&same));
        assert!(hasher.needs_rehash(&PasswordHash::new("not a bcrypt hash".into())));
        assert_eq!(hash_cost("$2b$12$abcdefghijklmnopqrstuv"), Some(12));
    }

    #[tokio::test]
    async fn long_passwords_differ_beyond_72_bytes() {
        let hasher = PasswordHasher::new(TEST_COST, 1).unwrap();
        let base = "x".repeat(100);
        let hash = hasher.hash(&format!("{base}a")).await.unwrap();
        assert!(
            !hasher
                .verify(&format!("{base}b"), Some(&hash))
                .await
                .unwrap()
        );
    }

    #[test]
    fn the_dummy_hash_costs_a_full_verification_and_matches_nothing() {
        let dummy = unmatchable_hash(TEST_COST).unwrap();
        assert_eq!(dummy.len(), 60, "{dummy}");
        assert_eq!(hash_cost(&dummy), Some(TEST_COST));
        // Ok(false), not an error: a refused hash would return before the key schedule runs,
        // and unknown users would answer faster than known ones.
        let input = prehash("violet tractor mango fjord");
        assert_eq!(bcrypt::verify(input.as_bytes(), &dummy).ok(), Some(false));
        assert_ne!(
            dummy,
            unmatchable_hash(TEST_COST).unwrap(),
            "random each time"
        );
        let twelve = unmatchable_hash(12).unwrap();
        assert!(twelve.starts_with("$2b$12$"), "{twelve}");
        assert!(unmatchable_hash(3).is_err());
        assert!(unmatchable_hash(32).is_err());
    }

    #[tokio::test]
    async fn malformed_hash_is_false_not_error() {
        let hasher = PasswordHasher::new(TEST_COST, 1).unwrap();
        let bad = PasswordHash::new("not a bcrypt hash".into());
        assert!(
            !hasher
                .verify("whatever password", Some(&bad))
                .await
                .unwrap()
        );
    }
}
