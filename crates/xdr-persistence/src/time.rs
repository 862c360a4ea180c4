//! Timestamps are stored as UTC `NaiveDateTime`, truncated to microseconds (PostgreSQL's
//! precision) so that both backends give back exactly what was stored.

use chrono::{DateTime, NaiveDateTime, SubsecRound, TimeZone, Utc};

pub(crate) fn to_db(at: DateTime<Utc>) -> NaiveDateTime {
    at.trunc_subsecs(6).naive_utc()
}

pub(crate) fn from_db(at: NaiveDateTime) -> DateTime<Utc> {
    Utc.from_utc_datetime(&at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_microseconds() {
        let now = Utc::now();
        let back = from_db(to_db(now));
        assert_eq!(back, now.trunc_subsecs(6));
    }
}
