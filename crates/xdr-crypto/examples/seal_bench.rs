//! Times seal + open of a 100-byte secret.
//! Run: `cargo run --release -p xdr-crypto --example seal_bench`

use std::error::Error;
use std::hint::black_box;
use std::io::Write;
use std::time::Instant;

use xdr_crypto::{Key, KeyRing, aad};

const ITERATIONS: u32 = 100_000;
const SECRET_LEN: usize = 100;

fn main() -> Result<(), Box<dyn Error>> {
    let ring = KeyRing::new([(1, Key::generate())], 1)?;
    let secret = [0x42u8; SECRET_LEN];
    let bound_to = aad(&[
        ("org", "org-1"),
        ("credential", "cred-1"),
        ("field", "secret"),
    ]);

    let start = Instant::now();
    for _ in 0..ITERATIONS {
        let sealed = ring.seal(black_box(&secret), &bound_to)?;
        let opened = ring.open(black_box(&sealed), &bound_to)?;
        black_box(opened);
    }
    let elapsed = start.elapsed();

    let per_op = elapsed.as_nanos() / u128::from(ITERATIONS);
    writeln!(
        std::io::stdout().lock(),
        "{ITERATIONS} x seal+open of {SECRET_LEN} bytes: {elapsed:?} total, {per_op} ns/op"
    )?;
    Ok(())
}
