//! A strict reader of the Prometheus text format, for the metrics tests: it asserts the
//! format's rules while it parses.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

/// A series: its name and its labels, sorted.
pub type SeriesKey = (String, Vec<(String, String)>);

/// A parsed scrape: every sample by name and labels (sorted), and every family's type.
#[derive(Debug, Default)]
pub struct Scraped {
    pub samples: BTreeMap<SeriesKey, f64>,
    pub types: BTreeMap<String, String>,
}

impl Scraped {
    pub fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let mut key: Vec<(String, String)> = labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        key.sort();
        self.samples.get(&(name.to_owned(), key)).copied()
    }

    /// `mini_xdr_http_requests_total` of the route template, method and status (0: none).
    pub fn requests(&self, route: &str, method: &str, status: &str) -> f64 {
        let labels = [("route", route), ("method", method), ("status", status)];
        self.value("mini_xdr_http_requests_total", &labels)
            .unwrap_or(0.0)
    }

    pub fn get(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.value(name, labels)
            .unwrap_or_else(|| panic!("no sample {name}{labels:?}"))
    }
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// `name="value",...` up to the closing brace, with the format's escapes undone; returns the
/// labels and the rest of the line after `}`.
fn parse_labels(text: &str) -> (Vec<(String, String)>, &str) {
    let mut labels = Vec::new();
    let mut rest = text;
    loop {
        if let Some(after) = rest.strip_prefix('}') {
            return (labels, after);
        }
        let (name, after) = rest.split_once("=\"").expect("label=\"value\"");
        assert!(
            valid_name(name) && !name.starts_with("__"),
            "label {name:?}"
        );
        let mut value = String::new();
        let mut chars = after.char_indices();
        let end = loop {
            match chars.next().expect("unterminated label value") {
                (i, '"') => break i,
                (_, '\\') => match chars.next().expect("dangling escape").1 {
                    'n' => value.push('\n'),
                    c @ ('\\' | '"') => value.push(c),
                    other => panic!("unknown escape \\{other}"),
                },
                (_, c) => {
                    assert_ne!(c, '\n');
                    value.push(c);
                }
            }
        };
        labels.push((name.to_owned(), value));
        rest = &after[end + 1..];
        rest = rest.strip_prefix(',').unwrap_or(rest);
    }
}

/// Parses the exposition, asserting the format's rules on the way: every line a comment or a
/// sample `name{labels} value`, each family typed once before its samples, counters named
/// `_total`, histograms with cumulative buckets ending in `+Inf` equal to their count.
pub fn parse(text: &str) -> Scraped {
    let mut scraped = Scraped::default();
    let mut family: Option<(String, String)> = None;
    for line in text.lines() {
        if let Some(comment) = line.strip_prefix("# ") {
            let mut parts = comment.splitn(3, ' ');
            let (keyword, name) = (parts.next().unwrap(), parts.next().unwrap());
            assert!(valid_name(name), "{line}");
            if keyword == "TYPE" {
                let kind = parts.next().unwrap().to_owned();
                assert!(
                    ["counter", "gauge", "histogram"].contains(&kind.as_str()),
                    "{line}"
                );
                assert!(name.starts_with("mini_xdr_"), "{line}");
                assert_eq!(kind == "counter", name.ends_with("_total"), "{line}");
                let old = scraped.types.insert(name.to_owned(), kind.clone());
                assert!(old.is_none(), "{name} typed twice");
                family = Some((name.to_owned(), kind));
            } else {
                assert_eq!(keyword, "HELP", "{line}");
            }
            continue;
        }
        assert!(!line.starts_with('#') && !line.is_empty(), "{line:?}");
        let end = line.find(['{', ' ']).expect("a name");
        let name = &line[..end];
        assert!(valid_name(name), "{line}");
        let (mut labels, rest) = match line[end..].strip_prefix('{') {
            Some(inner) => parse_labels(inner),
            None => (Vec::new(), &line[end..]),
        };
        let value = rest.strip_prefix(' ').expect("a value");
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            v => v.parse().unwrap_or_else(|_| panic!("value of {line}")),
        };
        let (family, kind) = family.as_ref().expect("a sample before any TYPE");
        let suffix = name.strip_prefix(family.as_str()).expect(line);
        let allowed: &[&str] = match kind.as_str() {
            "histogram" => &["_bucket", "_sum", "_count"],
            _ => &[""],
        };
        assert!(allowed.contains(&suffix), "{line} in family {family}");
        labels.sort();
        let key = (name.to_owned(), labels);
        assert!(scraped.samples.insert(key, value).is_none(), "{line} twice");
    }
    check_histograms(&scraped);
    scraped
}

fn check_histograms(scraped: &Scraped) {
    let mut buckets: BTreeMap<SeriesKey, Vec<(f64, f64)>> = BTreeMap::new();
    for ((name, labels), value) in &scraped.samples {
        let Some(family) = name.strip_suffix("_bucket") else {
            continue;
        };
        let le = labels
            .iter()
            .find(|(k, _)| k == "le")
            .expect("le")
            .1
            .clone();
        let le = if le == "+Inf" {
            f64::INFINITY
        } else {
            le.parse().unwrap()
        };
        let rest: Vec<_> = labels.iter().filter(|(k, _)| k != "le").cloned().collect();
        buckets
            .entry((family.to_owned(), rest))
            .or_default()
            .push((le, *value));
    }
    assert!(!buckets.is_empty());
    for ((family, labels), mut series) in buckets {
        series.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(
            series.windows(2).all(|w| w[0].1 <= w[1].1),
            "{family}{labels:?} cumulative"
        );
        let (last_le, last) = *series.last().unwrap();
        assert_eq!(last_le, f64::INFINITY, "{family}{labels:?} ends in +Inf");
        let count = scraped.samples[&(format!("{family}_count"), labels.clone())];
        assert_eq!(last, count, "{family}{labels:?}: +Inf is the count");
        assert!(
            scraped
                .samples
                .contains_key(&(format!("{family}_sum"), labels))
        );
    }
}
