//! A request string that must never be printed (passwords, refresh tokens).

use std::fmt;

use serde::Deserialize;
use xdr_domain::secrets::SecretText;
use zeroize::Zeroize;

/// Deserializes like a string; `Debug` prints `<redacted>`; zeroed on drop.
#[derive(Deserialize)]
#[serde(transparent)]
pub struct SecretString(String);

impl SecretString {
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Moves the secret out (for a type that guards it from here on) without a copy.
    pub fn into_secret_text(mut self) -> SecretText {
        SecretText::new(std::mem::take(&mut self.0))
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
