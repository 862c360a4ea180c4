//! Password policy per OWASP ASVS: length 12–128, no composition rules, and rejected when
//! the zxcvbn strength estimator (which bundles lists of common passwords) scores it below 3,
//! with the user's email and organization name as user-specific inputs.

use thiserror::Error;
use zxcvbn::{Score, zxcvbn};

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 128;
/// zxcvbn score (0–4) a password must reach: 3 = "safely unguessable".
const MIN_SCORE: Score = Score::Three;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PasswordPolicyError {
    #[error("must be at least 12 characters")]
    TooShort,
    #[error("must be at most 128 characters")]
    TooLong,
    #[error("must not be the same as your email address")]
    SameAsEmail,
    #[error("is too easy to guess{}", hint_suffix(.0))]
    TooWeak(Option<String>),
}

fn hint_suffix(hint: &Option<String>) -> String {
    hint.as_ref().map(|h| format!(": {h}")).unwrap_or_default()
}

/// Checks a new password. `user_inputs` are words an attacker would try first
/// (the email, its local part, the organization name, the person's name).
pub fn check_password(password: &str, user_inputs: &[&str]) -> Result<(), PasswordPolicyError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordPolicyError::TooShort);
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(PasswordPolicyError::TooLong);
    }
    if user_inputs
        .iter()
        .any(|input| !input.is_empty() && input.trim().eq_ignore_ascii_case(password.trim()))
    {
        return Err(PasswordPolicyError::SameAsEmail);
    }
    let expanded = expand_user_inputs(user_inputs);
    let words: Vec<&str> = expanded.iter().map(String::as_str).collect();
    let estimate = zxcvbn(password, &words);
    if estimate.score() < MIN_SCORE {
        let hint = estimate
            .feedback()
            .and_then(|f| f.warning())
            .map(|w| w.to_string());
        return Err(PasswordPolicyError::TooWeak(hint));
    }
    Ok(())
}

/// Each input, its words ("acme", "security") and its words run together ("acmesecurity"):
/// people build passwords from the parts of their organization's name and email.
fn expand_user_inputs(inputs: &[&str]) -> Vec<String> {
    let mut expanded = Vec::new();
    for input in inputs {
        let lower = input.to_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        expanded.push(words.concat());
        expanded.extend(words.iter().map(|w| (*w).to_owned()));
        expanded.push(lower.clone());
    }
    expanded.retain(|w| !w.is_empty());
    expanded.sort();
    expanded.dedup();
    expanded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_bounds() {
        assert_eq!(
            check_password("short", &[]),
            Err(PasswordPolicyError::TooShort)
        );
        assert_eq!(
            check_password(&"x".repeat(129), &[]),
            Err(PasswordPolicyError::TooLong)
        );
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // 12 characters, 24 bytes: long enough.
        assert_ne!(
            check_password("ßñüéøåçðþæœƒ", &[]),
            Err(PasswordPolicyError::TooShort)
        );
    }

    #[test]
    fn common_passwords_are_rejected() {
        for weak in [
            "password1234",
            "qwertyuiop123",
            "123456789012",
            "iloveyou1234",
        ] {
            assert!(
                matches!(
                    check_password(weak, &[]),
                    Err(PasswordPolicyError::TooWeak(_))
                ),
                "{weak}"
            );
        }
    }

    #[test]
    fn user_inputs_weaken_a_password() {
        let pw = "acmesecurity2024";
        assert!(matches!(
            check_password(pw, &["admin@acmesecurity.com", "acmesecurity"]),
            Err(PasswordPolicyError::TooWeak(_))
        ));
    }

    #[test]
    fn organization_name_words_count_as_user_inputs() {
        assert!(matches!(
            check_password("acmesecurity2024!", &["Acme Security"]),
            Err(PasswordPolicyError::TooWeak(_))
        ));
        assert_eq!(
            expand_user_inputs(&["Acme Security", "ada@acme.io"]),
            [
                "acme",
                "acme security",
                "acmesecurity",
                "ada",
                "ada@acme.io",
                "adaacmeio",
                "io",
                "security"
            ]
        );
    }

    #[test]
    fn equal_to_email_is_rejected() {
        assert_eq!(
            check_password("long.person@example.com", &["long.person@example.com"]),
            Err(PasswordPolicyError::SameAsEmail)
        );
    }

    #[test]
    fn no_composition_rules() {
        // All lower case, no digits, no symbols: fine when long and unpredictable.
        assert_eq!(check_password("correct horse battery staple", &[]), Ok(()));
        assert_eq!(check_password("violet tractor mango fjord", &[]), Ok(()));
    }
}
