//! A stored timestamp with a fast SQLite text codec, for the columns written and read in bulk
//! (events, incidents).
//!
//! SQLite keeps timestamps as text. diesel encodes a `NaiveDateTime` through chrono's
//! `format("%F %T%.f")` and decodes by trying up to 18 `parse_from_str` patterns, both
//! interpreting the pattern on every value: slow enough to matter while an ingest holds
//! SQLite's write lock and when decoding a page of incidents. [`DbTime`] writes exactly the
//! same text (so that it compares and sorts with values diesel wrote) with plain digit
//! arithmetic, and reads that shape the same way, falling back to chrono for any other shape.
//! PostgreSQL's binary encoding is diesel's own.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Timestamp;
use diesel::sqlite::Sqlite;

use crate::connection::MultiBackend;
use crate::time::{from_db, to_db};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, AsExpression, FromSqlRow)]
#[diesel(sql_type = Timestamp)]
pub(crate) struct DbTime(pub NaiveDateTime);

impl DbTime {
    pub(crate) fn utc(self) -> DateTime<Utc> {
        from_db(self.0)
    }
}

impl From<DateTime<Utc>> for DbTime {
    fn from(at: DateTime<Utc>) -> Self {
        Self(to_db(at))
    }
}

/// chrono's `%F %T%.f`: the fraction has 0, 3, 6 or 9 digits, as many as it needs.
fn encode(at: &NaiveDateTime) -> String {
    let (date, time) = (at.date(), at.time());
    let nanos = time.nanosecond();
    let year = date.year();
    if !(0..=9999).contains(&year) || nanos >= 1_000_000_000 {
        // Outside four-digit years, or a leap second: chrono's own rendering.
        return at.format("%F %T%.f").to_string();
    }
    let mut out = String::with_capacity(29);
    push_digits(&mut out, year.unsigned_abs(), 4);
    out.push('-');
    push_digits(&mut out, date.month(), 2);
    out.push('-');
    push_digits(&mut out, date.day(), 2);
    out.push(' ');
    push_digits(&mut out, time.hour(), 2);
    out.push(':');
    push_digits(&mut out, time.minute(), 2);
    out.push(':');
    push_digits(&mut out, time.second(), 2);
    if nanos != 0 {
        out.push('.');
        if nanos % 1_000_000 == 0 {
            push_digits(&mut out, nanos / 1_000_000, 3);
        } else if nanos % 1_000 == 0 {
            push_digits(&mut out, nanos / 1_000, 6);
        } else {
            push_digits(&mut out, nanos, 9);
        }
    }
    out
}

fn push_digits(out: &mut String, value: u32, width: u32) {
    let mut divisor = 10u32.pow(width - 1);
    while divisor > 0 {
        let digit = (value / divisor) % 10;
        out.push(char::from(b'0' + u8::try_from(digit).unwrap_or(0)));
        divisor /= 10;
    }
}

fn number(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |n, b| {
        b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
    })
}

/// `YYYY-MM-DD HH:MM:SS` with an optional fraction of 1 to 9 digits; `None` for any other shape.
fn decode_fast(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b' ' || b[13] != b':' {
        return None;
    }
    if b[16] != b':' {
        return None;
    }
    let nanos = match &b[19..] {
        [] => 0,
        [b'.', digits @ ..] if (1..=9).contains(&digits.len()) => {
            let width = u32::try_from(digits.len()).ok()?;
            number(digits)? * 10u32.pow(9 - width)
        }
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(number(&b[0..4])?).ok()?,
        number(&b[5..7])?,
        number(&b[8..10])?,
    )?;
    let time = NaiveTime::from_hms_nano_opt(
        number(&b[11..13])?,
        number(&b[14..16])?,
        number(&b[17..19])?,
        nanos,
    )?;
    Some(NaiveDateTime::new(date, time))
}

/// Other shapes SQLite may hold (written by hand or by SQLite's own date functions).
fn decode_slow(text: &str) -> Option<NaiveDateTime> {
    [
        "%F %T%.f",
        "%FT%T%.f",
        "%F %T%.fZ",
        "%FT%T%.fZ",
        "%F %R",
        "%FT%R",
    ]
    .iter()
    .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
}

impl ToSql<Timestamp, Sqlite> for DbTime {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(encode(&self.0));
        Ok(IsNull::No)
    }
}

impl FromSql<Timestamp, Sqlite> for DbTime {
    fn from_sql(mut value: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        let text = value.read_text();
        decode_fast(text)
            .or_else(|| decode_slow(text))
            .map(Self)
            .ok_or_else(|| format!("invalid timestamp {text:?}").into())
    }
}

impl ToSql<Timestamp, Pg> for DbTime {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <NaiveDateTime as ToSql<Timestamp, Pg>>::to_sql(&self.0, &mut out.reborrow())
    }
}

impl FromSql<Timestamp, Pg> for DbTime {
    fn from_sql(value: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        <NaiveDateTime as FromSql<Timestamp, Pg>>::from_sql(value).map(Self)
    }
}

impl ToSql<Timestamp, MultiBackend> for DbTime {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
        out.set_value((Timestamp, self));
        Ok(IsNull::No)
    }
}

impl FromSql<Timestamp, MultiBackend> for DbTime {
    fn from_sql(value: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        value.from_sql::<Self, Timestamp>()
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn chrono_text(at: &NaiveDateTime) -> String {
        at.format("%F %T%.f").to_string()
    }

    fn samples() -> Vec<NaiveDateTime> {
        let base = Utc
            .with_ymd_and_hms(2026, 11, 23, 17, 5, 9)
            .unwrap()
            .naive_utc();
        let mut out = vec![
            base,
            base + Duration::milliseconds(120),
            base + Duration::microseconds(1),
            base + Duration::microseconds(987_654),
            base + Duration::nanoseconds(5),
            base + Duration::nanoseconds(123_456_789),
            NaiveDate::from_ymd_opt(1, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
            NaiveDate::from_ymd_opt(9999, 12, 31)
                .unwrap()
                .and_hms_nano_opt(23, 59, 59, 999_999_999)
                .unwrap(),
            NaiveDate::from_ymd_opt(1970, 1, 1)
                .unwrap()
                .and_hms_nano_opt(0, 0, 0, 1_000)
                .unwrap(),
        ];
        // A spread of instants with every fraction length.
        let mut t = base;
        for i in 0..2000i64 {
            t += Duration::nanoseconds(i * 7_919_111_003 + (i % 4) * 1_000_000);
            out.push(t);
            out.push(t.with_nanosecond(0).unwrap());
            out.push(t.with_nanosecond((t.nanosecond() / 1000) * 1000).unwrap());
        }
        out
    }

    #[test]
    fn encodes_exactly_as_chrono_does() {
        for at in samples() {
            assert_eq!(encode(&at), chrono_text(&at), "{at:?}");
        }
    }

    #[test]
    fn decodes_what_it_and_chrono_wrote() {
        for at in samples() {
            assert_eq!(decode_fast(&encode(&at)), Some(at), "{at:?}");
        }
        let at = samples()[3];
        assert_eq!(
            decode_fast("2026-11-23 17:05:09.9"),
            Some(samples()[0] + Duration::milliseconds(900))
        );
        assert_eq!(decode_slow(&at.format("%FT%T%.f").to_string()), Some(at));
    }

    #[test]
    fn text_order_is_time_order() {
        let mut by_time = samples();
        by_time.sort();
        let mut by_text = by_time.clone();
        by_text.sort_by_key(encode);
        assert_eq!(by_time, by_text);
    }

    #[test]
    fn refuses_other_shapes() {
        for bad in [
            "",
            "2026-11-23",
            "2026-11-23 17:05",
            "2026-11-23 17:05:09.",
            "2026-11-23 17:05:09.1234567890",
            "2026-13-23 17:05:09",
            "2026-11-23 24:05:09",
            "2026-11-23 17:05:09+01:00",
            "2026/11/23 17:05:09",
            "２026-11-23 17:05:09",
        ] {
            assert_eq!(decode_fast(bad), None, "{bad}");
        }
    }
}
