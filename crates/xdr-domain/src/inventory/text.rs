//! Shared checks of free text and identifiers of inventory records.

use std::net::IpAddr;

use crate::validation::FieldErrors;

/// A trimmed name of 1..=max characters without control characters, or an error under `field`.
pub(crate) fn name(errors: &mut FieldErrors, field: &str, raw: &str, max: usize) -> Option<String> {
    let trimmed = raw.trim();
    let count = trimmed.chars().count();
    if count == 0 || count > max {
        errors.add(field, format!("must be between 1 and {max} characters"));
        None
    } else if trimmed.chars().any(char::is_control) {
        errors.add(field, "must not contain control characters");
        None
    } else {
        Some(trimmed.to_owned())
    }
}

/// A token of 1..=max ASCII letters, digits and the characters of `extra`.
pub(crate) fn token(
    errors: &mut FieldErrors,
    field: &str,
    raw: &str,
    max: usize,
    extra: &str,
) -> Option<String> {
    let ok = !raw.is_empty()
        && raw.len() <= max
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || extra.contains(c));
    if ok {
        Some(raw.to_owned())
    } else {
        errors.add(
            field,
            format!("must be 1-{max} characters of letters, digits or any of '{extra}'"),
        );
        None
    }
}

/// Optional text of at most `max` characters; blank text counts as absent.
pub(crate) fn optional_text(
    errors: &mut FieldErrors,
    field: &str,
    raw: Option<&str>,
    max: usize,
) -> Option<String> {
    let value = raw.map(str::trim).filter(|v| !v.is_empty())?;
    if value.chars().count() > max {
        errors.add(field, format!("must be at most {max} characters"));
        return None;
    }
    Some(value.to_owned())
}

pub(crate) const MAX_HOSTNAME_LEN: usize = 255;
const MAX_LABEL_LEN: usize = 63;

/// A host name (RFC 1123 labels of letters, digits and '-', joined by '.') or an IP address.
pub(crate) fn is_hostname(host: &str) -> bool {
    if host.parse::<IpAddr>().is_ok() {
        return true;
    }
    let host = host.strip_suffix('.').unwrap_or(host);
    !host.is_empty()
        && host.len() <= MAX_HOSTNAME_LEN
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= MAX_LABEL_LEN
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// Optional host name; blank counts as absent.
pub(crate) fn hostname(errors: &mut FieldErrors, raw: Option<&str>) -> Option<String> {
    let value = raw.map(str::trim).filter(|v| !v.is_empty())?;
    if value.len() > MAX_HOSTNAME_LEN || !is_hostname(value) {
        errors.add(
            "hostname",
            format!(
                "must be a host name (letters, digits, '-' and '.', at most {MAX_HOSTNAME_LEN} characters) or an IP address"
            ),
        );
        return None;
    }
    Some(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostnames() {
        for good in [
            "web-01",
            "db.acme.example",
            "10.0.0.1",
            "::1",
            "host.example.",
        ] {
            assert!(is_hostname(good), "{good}");
        }
        let long_label = "a".repeat(64);
        for bad in [
            "",
            "-web",
            "web-",
            "we b",
            "a..b",
            "x_y",
            long_label.as_str(),
            "h;rm",
        ] {
            assert!(!is_hostname(bad), "{bad}");
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        let mut errors = FieldErrors::new();
        assert_eq!(name(&mut errors, "name", "  fw  ", 5), Some("fw".into()));
        assert_eq!(name(&mut errors, "name", "   ", 5), None);
        assert_eq!(name(&mut errors, "name", "abcdef", 5), None);
        assert_eq!(name(&mut errors, "name", "a\u{7}", 5), None);
        assert_eq!(errors.into_map()["name"].len(), 3);
    }
}
