//! The dashboard's events-per-hour chart, drawn on the server as SVG rectangles (no script,
//! no inline style: the stylesheet colours them).

use chrono::{DateTime, Utc};

pub(crate) const WIDTH: u32 = 480;
pub(crate) const HEIGHT: u32 = 120;
const GAP: u32 = 2;

#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Bar {
    pub(crate) x: u32,
    pub(crate) y: u32,
    pub(crate) width: u32,
    pub(crate) height: u32,
    /// What a hover or a screen reader says: "09:00 UTC: 42 events".
    pub(crate) label: String,
}

#[derive(Debug)]
pub(crate) struct Chart {
    pub(crate) bars: Vec<Bar>,
    pub(crate) max: u64,
    pub(crate) total: u64,
}

/// One bar per hour, scaled to the busiest hour; an hour with events is at least 1 unit tall.
pub(crate) fn events_per_hour(hours: &[(DateTime<Utc>, u64)]) -> Chart {
    let max = hours.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let slots = u32::try_from(hours.len()).unwrap_or(1).max(1);
    let slot = WIDTH / slots;
    let bars = hours
        .iter()
        .zip(0u32..)
        .map(|((start, n), i)| {
            let height = if max == 0 {
                0
            } else {
                let scaled = (u128::from(*n) * u128::from(HEIGHT)) / u128::from(max);
                u32::try_from(scaled)
                    .unwrap_or(HEIGHT)
                    .max(u32::from(*n > 0))
            };
            Bar {
                x: i * slot,
                y: HEIGHT - height,
                width: slot.saturating_sub(GAP).max(1),
                height,
                label: format!(
                    "{} UTC: {n} event{}",
                    start.format("%H:00"),
                    if *n == 1 { "" } else { "s" }
                ),
            }
        })
        .collect();
    Chart {
        bars,
        max,
        total: hours
            .iter()
            .fold(0u64, |sum, (_, n)| sum.saturating_add(*n)),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn hours(counts: &[u64]) -> Vec<(DateTime<Utc>, u64)> {
        let start = Utc.with_ymd_and_hms(2026, 12, 4, 0, 0, 0).unwrap();
        counts
            .iter()
            .zip(0..)
            .map(|(n, i)| (start + Duration::hours(i), *n))
            .collect()
    }

    #[test]
    fn the_busiest_hour_fills_the_height() {
        let chart = events_per_hour(&hours(&[0, 1, 50, 100]));
        let heights: Vec<u32> = chart.bars.iter().map(|b| b.height).collect();
        assert_eq!(heights, vec![0, 1, 60, 120]);
        assert!(chart.bars.iter().all(|b| b.y + b.height == HEIGHT));
        assert_eq!(chart.bars[3].label, "03:00 UTC: 100 events");
        assert_eq!(chart.bars[1].label, "01:00 UTC: 1 event");
        assert_eq!((chart.max, chart.total), (100, 151));
    }

    #[test]
    fn bars_stay_inside_the_chart() {
        let chart = events_per_hour(&hours(&[u64::MAX; 24]));
        assert_eq!(chart.bars.len(), 24);
        assert!(
            chart
                .bars
                .iter()
                .all(|b| b.x + b.width <= WIDTH && b.height == HEIGHT)
        );
        assert!(
            events_per_hour(&hours(&[0; 24]))
                .bars
                .iter()
                .all(|b| b.height == 0)
        );
    }
}
