//! Time arithmetic of claims kept in storage (webhook deliveries, discovery scans): a lease
//! ends a `std` duration after now, a sweep looks a duration back. Saturating: an absurd
//! configured duration yields the far future or past, never a panic.

use std::time::Duration;

use chrono::{DateTime, Utc};

fn signed(by: Duration) -> chrono::Duration {
    chrono::Duration::from_std(by).unwrap_or(chrono::Duration::MAX)
}

/// `by` after `now`.
pub(crate) fn after(now: DateTime<Utc>, by: Duration) -> DateTime<Utc> {
    now.checked_add_signed(signed(by))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// `by` before `now`.
pub(crate) fn before(now: DateTime<Utc>, by: Duration) -> DateTime<Utc> {
    now.checked_sub_signed(signed(by))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leases_saturate_instead_of_overflowing() {
        let now = Utc::now();
        let minute = Duration::from_secs(60);
        assert_eq!(after(now, minute) - now, chrono::Duration::minutes(1));
        assert_eq!(now - before(now, minute), chrono::Duration::minutes(1));
        assert_eq!(after(now, Duration::MAX), DateTime::<Utc>::MAX_UTC);
        assert_eq!(before(now, Duration::MAX), DateTime::<Utc>::MIN_UTC);
    }
}
