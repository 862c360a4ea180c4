//! Event ids carry the instant their event was received: a UUID v7 made from the reception
//! time, not from whenever the id happened to be generated. Storage relies on it: the events
//! received from a time on are exactly the ids from [`EventId::first_received_at`] on (among
//! those also received from that time on), so that no separate index on the reception time is
//! needed.

use chrono::{DateTime, Utc};
use uuid::timestamp::context::ContextV7;
use uuid::{Builder, Timestamp, Uuid};

use crate::ids::EventId;

/// The ids of one batch's events, all received at the same instant: increasing in the order
/// they are taken, all carrying that instant's millisecond.
#[derive(Debug)]
pub struct EventIds {
    context: ContextV7,
    seconds: u64,
    nanos: u32,
}

impl EventIds {
    pub fn received_at(at: DateTime<Utc>) -> Self {
        Self {
            context: ContextV7::new(),
            // Reception times come from the server's clock and are never before 1970.
            seconds: u64::try_from(at.timestamp()).unwrap_or(0),
            nanos: at.timestamp_subsec_nanos(),
        }
    }

    pub fn next_id(&self) -> EventId {
        EventId::from_uuid(Uuid::new_v7(Timestamp::from_unix(
            &self.context,
            self.seconds,
            self.nanos,
        )))
    }
}

impl EventId {
    /// The least id an event received at `at` or later can have (in the UUID's order, which is
    /// also the order of its hyphenated text).
    pub fn first_received_at(at: DateTime<Utc>) -> Self {
        let millis = u64::try_from(at.timestamp_millis()).unwrap_or(0);
        Self::from_uuid(Builder::from_unix_timestamp_millis(millis, &[0; 10]).into_uuid())
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn instant(millis: i64, nanos: u32) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(millis).unwrap() + Duration::nanoseconds(i64::from(nanos))
    }

    #[test]
    fn ids_of_a_batch_increase_and_carry_its_millisecond() {
        let at = instant(1_795_000_000_123, 456_789);
        let ids = EventIds::received_at(at);
        let taken: Vec<EventId> = (0..1000).map(|_| ids.next_id()).collect();
        assert!(taken.windows(2).all(|w| w[0] < w[1]));
        assert!(
            taken
                .windows(2)
                .all(|w| w[0].to_string() < w[1].to_string())
        );
        for id in &taken {
            let (secs, nanos) = id.as_uuid().get_timestamp().unwrap().to_unix();
            assert_eq!(
                secs * 1000 + u64::from(nanos / 1_000_000),
                1_795_000_000_123
            );
            assert_eq!(id.as_uuid().get_version_num(), 7);
        }
    }

    #[test]
    fn first_received_at_bounds_exactly_the_ids_received_from_then_on() {
        let since = instant(1_795_000_000_500, 250_000);
        let bound = EventId::first_received_at(since);
        // The bound is a millisecond: within it, every id is at or above it.
        for (millis, nanos, above) in [
            (1_795_000_000_499, 999_999, false),
            (1_795_000_000_400, 0, false),
            (1_795_000_000_500, 0, true),
            (1_795_000_000_500, 250_000, true),
            (1_795_000_000_501, 0, true),
            (1_795_000_100_000, 0, true),
        ] {
            let ids = EventIds::received_at(instant(millis, nanos));
            for _ in 0..50 {
                let id = ids.next_id();
                assert_eq!(id >= bound, above, "{millis}.{nanos}");
                assert_eq!(
                    id.to_string() >= bound.to_string(),
                    above,
                    "{millis}.{nanos}"
                );
            }
        }
    }
}
