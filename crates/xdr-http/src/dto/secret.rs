//! A request string that must never be printed (passwords, refresh tokens).

use std::fmt;

use serde::Deserialize;
use zeroize::Zeroize;

/// Deserializes like a string; `Debug` prints `<redacted>`; zeroed on drop.
#[derive(Deserialize)]
#[serde(transparent)]
pub struct SecretString(String);

impl SecretString {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Drop for SecretString {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}
