#![allow(clippy::unwrap_used)]

use serde_json::json;

use super::*;

const MAX: usize = 100;

fn split(body: &str) -> Result<Vec<HecEnvelope>, HecError> {
    split_hec_events(body, MAX)
}

#[test]
fn one_envelope_with_all_its_metadata() {
    let body = r#"{"time": 1733134530.5, "host": "honeypot-1", "source": "cowrie", "sourcetype": "cowrie",
        "index": "main", "fields": {"env": "prod"}, "event": {"eventid": "cowrie.session.connect"}}"#;
    let envelopes = split(body).unwrap();
    assert_eq!(envelopes.len(), 1);
    let e = &envelopes[0];
    assert_eq!(e.host.as_deref(), Some("honeypot-1"));
    assert_eq!(e.source.as_deref(), Some("cowrie"));
    assert_eq!(e.sourcetype.as_deref(), Some("cowrie"));
    assert_eq!(e.index.as_deref(), Some("main"));
    assert_eq!(e.fields.as_ref().unwrap()["env"], "prod");
    assert_eq!(
        e.time().unwrap().unwrap().to_rfc3339(),
        "2024-12-02T10:15:30.500+00:00"
    );
    let HecEvent::Object(event) = &e.event else {
        unreachable!("the event is an object")
    };
    assert_eq!(event["eventid"], "cowrie.session.connect");
}

#[test]
fn concatenated_envelopes_with_and_without_whitespace() {
    let glued = r#"{"event":"a"}{"event":"b"}{"event":{"k":1}}"#;
    let spaced = "\n {\"event\":\"a\"}\n\n\t{\"event\":\"b\"}\r\n{\"event\":{\"k\":1}}\n";
    for body in [glued, spaced] {
        let events: Vec<HecEvent> = split(body).unwrap().into_iter().map(|e| e.event).collect();
        assert_eq!(
            events,
            vec![
                HecEvent::Text("a".into()),
                HecEvent::Text("b".into()),
                HecEvent::Object(json!({"k": 1}).as_object().unwrap().clone()),
            ],
            "{body:?}"
        );
    }
}

#[test]
fn times_as_number_text_absent_or_garbage() {
    let time = |t: &str| {
        let body = format!(r#"{{"time":{t},"event":"x"}}"#);
        split(&body).unwrap().remove(0).time()
    };
    assert_eq!(time("1733134530").unwrap(), time("\"1733134530\"").unwrap());
    assert!(time("1733134530").unwrap().is_some());
    assert_eq!(time("null").unwrap(), None);
    let absent = split(r#"{"event":"x"}"#).unwrap().remove(0);
    assert_eq!(absent.time(), Ok(None));
    for garbage in ["\"soon\"", "-1", "1e300", "[1]", "99999999999999999"] {
        assert_eq!(
            time(garbage),
            Err(ParseError::Malformed("time")),
            "an unreadable time ({garbage}) is the event's failure, not the request's"
        );
    }
}

#[test]
fn empty_bodies_are_no_data() {
    for body in ["", " ", "\n\r\n\t"] {
        assert_eq!(split(body), Err(HecError::NoData), "{body:?}");
        assert_eq!(split_hec_raw(body, MAX), Err(HecError::NoData), "{body:?}");
    }
}

#[test]
fn an_unusable_envelope_refuses_the_request_with_its_index() {
    let cases = [
        (r#"{"event":"a"} not json"#, 1),
        (r#"{"event":"a"}{"event":"b"}[1,2]"#, 2),
        (r#"{"event":"a"} "text""#, 1),
        (r#"{"host":"h"}"#, 0),
        (r#"{"event":"a"}{"event":null}"#, 1),
        (r#"{"event":""}"#, 0),
        (r#"{"event":"   "}"#, 0),
        (r#"{"event":{}}"#, 0),
        (r#"{"event":42}"#, 0),
        (r#"{"event":"a","host":7}"#, 0),
        (r#"{"event":"a","fields":"x"}"#, 0),
        (r#"{"event":"a"}{"event":"b""#, 1),
    ];
    for (body, index) in cases {
        assert_eq!(
            split(body),
            Err(HecError::InvalidFormat { index }),
            "{body}"
        );
    }
}

#[test]
fn the_count_of_envelopes_is_capped() {
    let body = r#"{"event":"a"}"#.repeat(3);
    assert_eq!(split_hec_events(&body, 3).unwrap().len(), 3);
    assert_eq!(
        split_hec_events(&body, 2),
        Err(HecError::TooManyEvents { max: 2 })
    );
    // The cap stops reading: what follows the last allowed envelope is never parsed.
    let body = format!("{}{}", r#"{"event":"a"}"#, "x".repeat(1000));
    assert_eq!(
        split_hec_events(&body, 1),
        Err(HecError::TooManyEvents { max: 1 })
    );
}

#[test]
fn deep_or_huge_json_is_refused_without_a_panic() {
    let deep = format!(
        r#"{{"event":{{"a":{}1{}}}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert_eq!(split(&deep), Err(HecError::InvalidFormat { index: 0 }));
    let unclosed = format!(r#"{{"event":{}"#, "{\"a\":".repeat(50_000));
    assert_eq!(split(&unclosed), Err(HecError::InvalidFormat { index: 0 }));
    let wide = format!(r#"{{"event":{{"k":"{}"}}}}"#, "x".repeat(1_000_000));
    assert_eq!(split(&wide).unwrap().len(), 1);
    let many = r#"{"event":"a"}"#.repeat(10_000);
    assert_eq!(split(&many), Err(HecError::TooManyEvents { max: MAX }));
}

#[test]
fn raw_lines_skip_blanks_and_tolerate_crlf() {
    let body = "first line\r\n\r\n  \nsecond line\n\nthird\r\n";
    assert_eq!(
        split_hec_raw(body, MAX).unwrap(),
        vec!["first line", "second line", "third"]
    );
    assert_eq!(split_hec_raw("only", MAX).unwrap(), vec!["only"]);
    assert_eq!(
        split_hec_raw("a\nb\nc", 2),
        Err(HecError::TooManyEvents { max: 2 })
    );
    assert_eq!(split_hec_raw("a\n\n\nb", 2).unwrap().len(), 2);
}
