//! How long the password policy (`check_password`, zxcvbn inside) takes on adversarial inputs of
//! the longest allowed length: it runs on every register, change-password and
//! accept-invitation. Run it in release: `cargo run --release -p xdr-domain --example
//! password_strength`. Prints the median and the worst of each input over 20 runs.
#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use xdr_domain::identity::check_password;

fn main() {
    let inputs: Vec<(&str, String)> = vec![
        ("128 x 'a'", "a".repeat(128)),
        ("128 chars of one repeated word", "password".repeat(16)),
        (
            "ascending digits",
            (0..128)
                .map(|i| char::from(b'0' + (i % 10) as u8))
                .collect(),
        ),
        (
            "keyboard walk",
            "qwertyuiopasdfghjklzxcvbnm".repeat(5)[..128].to_owned(),
        ),
        (
            "dictionary words",
            "correcthorsebatterystaple".repeat(6)[..128].to_owned(),
        ),
        ("date-like", "19840101".repeat(16)),
        (
            "mixed l33t",
            "p@ssw0rdDr4g0nM0nk3y".repeat(7)[..128].to_owned(),
        ),
        ("random-looking", "Zq7!mK2#vL9$wP4&".repeat(8)),
    ];
    let user_inputs = ["ada@acme.example", "ada", "Acme Security", "Ada Admin"];
    for (name, password) in &inputs {
        let mut times: Vec<Duration> = (0..20)
            .map(|_| {
                let started = Instant::now();
                let _ = check_password(password, &user_inputs);
                started.elapsed()
            })
            .collect();
        times.sort();
        println!(
            "{name:<32} median {:>9.3} ms   worst {:>9.3} ms",
            times[10].as_secs_f64() * 1e3,
            times[19].as_secs_f64() * 1e3
        );
    }
}
