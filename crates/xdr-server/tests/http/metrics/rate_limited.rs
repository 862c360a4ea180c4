//! Sign-ins the per-IP limit refuses are counted as `rate_limited`, and the others still as
//! what they were; the limiter counts its refusals in `mini_xdr_instance_rate_limited_total`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::num::NonZeroU32;

use actix_web::http::StatusCode;
use xdr_http::{HttpConfig, RateLimitConfig};

use super::scrape;
use crate::common::*;

async fn refused_sign_ins_are_counted_as_rate_limited(backend: Backend) {
    let limit = RateLimitConfig {
        per_minute: NonZeroU32::new(1).unwrap(),
        burst: NonZeroU32::new(3).unwrap(),
        ipv6_prefix: 64,
    };
    let http = HttpConfig {
        rate_limit: Some(limit),
        ..HttpConfig::default()
    };
    let t = TestApp::with_http_config(backend, http);
    let app = t.service().await;
    let mut limited = 0.0;
    for i in 0..6 {
        let reply = login(&app, "nobody@acme.example", &format!("wrong password {i}")).await;
        if reply.status == StatusCode::TOO_MANY_REQUESTS {
            limited += 1.0;
        }
    }
    assert!(limited >= 2.0, "{limited}");
    let s = scrape(&app).await;
    assert_eq!(
        s.get("mini_xdr_sign_ins_total", &[("outcome", "rate_limited")]),
        limited
    );
    assert_eq!(
        s.get("mini_xdr_sign_ins_total", &[("outcome", "invalid")]),
        6.0 - limited
    );
    assert_eq!(s.requests("/api/v1/auth/login", "POST", "429"), limited);
    // The limiter's own count: this instance's refusals (limits are per instance).
    assert_eq!(
        s.get(
            "mini_xdr_instance_rate_limited_total",
            &[("limit", "sign_in_ip")]
        ),
        limited
    );
    assert_eq!(
        s.get(
            "mini_xdr_instance_rate_limited_total",
            &[("limit", "ingest_token")]
        ),
        0.0
    );
}

on_both_backends!(refused_sign_ins_are_counted_as_rate_limited);
