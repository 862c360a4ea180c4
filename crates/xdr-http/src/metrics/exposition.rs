//! Writing the Prometheus text exposition format (version 0.0.4): `# HELP` and `# TYPE` once
//! per family, then `name{label="value",...} value` lines with label values escaped.

use std::fmt::{Display, Write};

use xdr_domain::telemetry::{DURATION_BUCKETS, HistogramSnapshot};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        }
    }
}

/// A label value as the format wants it: backslash, double quote and line feed escaped.
pub fn escape_label_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// HELP text: backslash and line feed escaped.
fn escape_help(text: &str) -> String {
    text.replace('\\', "\\\\").replace('\n', "\\n")
}

#[derive(Debug, Default)]
pub struct Exposition {
    out: String,
}

impl Exposition {
    /// Starts a family: its HELP and TYPE lines.
    pub fn family(&mut self, name: &str, kind: Kind, help: &str) {
        let _ = writeln!(self.out, "# HELP {name} {}", escape_help(help));
        let _ = writeln!(self.out, "# TYPE {name} {}", kind.as_str());
    }

    pub fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: impl Display) {
        self.out.push_str(name);
        self.labels(labels, None);
        let _ = writeln!(self.out, " {value}");
    }

    /// A histogram's `_bucket` lines (`le` last), `_sum` and `_count` under `name`.
    pub fn histogram(&mut self, name: &str, labels: &[(&str, &str)], h: &HistogramSnapshot) {
        let bounds = DURATION_BUCKETS.iter().map(|b| b.to_string());
        for (le, count) in bounds.chain(["+Inf".to_owned()]).zip(&h.cumulative) {
            let _ = write!(self.out, "{name}_bucket");
            self.labels(labels, Some(&le));
            let _ = writeln!(self.out, " {count}");
        }
        self.sample(&format!("{name}_sum"), labels, h.sum_seconds);
        self.sample(&format!("{name}_count"), labels, h.count());
    }

    fn labels(&mut self, labels: &[(&str, &str)], le: Option<&str>) {
        if labels.is_empty() && le.is_none() {
            return;
        }
        self.out.push('{');
        let all = labels.iter().copied().chain(le.map(|le| ("le", le)));
        for (i, (key, value)) in all.enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            let _ = write!(self.out, "{key}=\"{}\"", escape_label_value(value));
        }
        self.out.push('}');
    }

    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape_label_value(r#"a"b\c"#), r#"a\"b\\c"#);
        assert_eq!(escape_label_value("line\nbreak"), "line\\nbreak");
        assert_eq!(
            escape_label_value("/api/v1/incidents/{id}"),
            "/api/v1/incidents/{id}"
        );
    }

    #[test]
    fn families_samples_and_histograms() {
        let mut e = Exposition::default();
        e.family(
            "mini_xdr_things_total",
            Kind::Counter,
            "Things.\nSecond \\ line.",
        );
        e.sample("mini_xdr_things_total", &[("kind", "a\"b")], 3);
        e.sample("mini_xdr_plain", &[], 1.5);
        let mut cumulative = vec![0; DURATION_BUCKETS.len()];
        cumulative[1] = 1;
        cumulative.push(2);
        let h = HistogramSnapshot {
            cumulative,
            sum_seconds: 0.25,
        };
        e.histogram("mini_xdr_wait_seconds", &[("pool", "main")], &h);
        let text = e.finish();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "# HELP mini_xdr_things_total Things.\\nSecond \\\\ line."
        );
        assert_eq!(lines[1], "# TYPE mini_xdr_things_total counter");
        assert_eq!(lines[2], r#"mini_xdr_things_total{kind="a\"b"} 3"#);
        assert_eq!(lines[3], "mini_xdr_plain 1.5");
        assert_eq!(
            lines[4],
            r#"mini_xdr_wait_seconds_bucket{pool="main",le="0.0005"} 0"#
        );
        assert_eq!(
            lines[5],
            r#"mini_xdr_wait_seconds_bucket{pool="main",le="0.001"} 1"#
        );
        assert!(text.contains("mini_xdr_wait_seconds_bucket{pool=\"main\",le=\"10\"} 0\n"));
        assert!(text.contains("mini_xdr_wait_seconds_bucket{pool=\"main\",le=\"+Inf\"} 2\n"));
        assert!(text.contains("mini_xdr_wait_seconds_sum{pool=\"main\"} 0.25\n"));
        assert!(text.ends_with("mini_xdr_wait_seconds_count{pool=\"main\"} 2\n"));
    }
}
