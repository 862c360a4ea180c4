//! The caller's address and user agent, for sessions and (later) the audit log.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use xdr_auth::ClientInfo;

use crate::error::ApiError;
use crate::state::AppState;

/// Extracts [`ClientInfo`]: the client IP (see `TrustedProxies::client_ip`) and user agent.
#[derive(Debug, Clone)]
pub struct Client(pub ClientInfo);

const X_FORWARDED_FOR: &str = "x-forwarded-for";

pub fn client_info(req: &HttpRequest) -> ClientInfo {
    let forwarded: Vec<&str> = req
        .headers()
        .get_all(X_FORWARDED_FOR)
        .filter_map(|v| v.to_str().ok())
        .collect();
    let peer = req.peer_addr().map(|a| a.ip());
    let ip = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.config.trusted_proxies.client_ip(peer, &forwarded))
        .unwrap_or(peer);
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    ClientInfo::new(ip.map(|ip| ip.to_string()), user_agent)
}

impl FromRequest for Client {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Client(client_info(req))))
    }
}
