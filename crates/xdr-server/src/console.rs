//! The web console over the same services as the API, with the API's view of the client
//! (trusted proxies) and its per-IP sign-in limit.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use actix_web::HttpRequest;
use xdr_console::{ClientResolver, Console, ConsoleConfig, ConsoleServices, SignInLimiter};
use xdr_http::AppState;
use xdr_http::extract::client_info;

/// The dashboard refreshes every 15 s in each open browser: its 24-hour aggregates are reused
/// this long per organization (docs/console.md).
pub const DASHBOARD_CACHE: Duration = Duration::from_secs(5);

/// Cookies are `Secure` (and `__Host-` named) when a request arrives over TLS, or when a
/// proxy in front says so (`X-Forwarded-Proto: https`).
pub fn console(state: &AppState) -> Console {
    let services = ConsoleServices {
        auth: Arc::clone(&state.auth),
        admin: Arc::clone(&state.admin),
        audit: Arc::clone(&state.audit),
        detection: Arc::clone(&state.detection),
        agents: Arc::clone(&state.agents),
        onboarding: Arc::clone(&state.onboarding),
        containment: Arc::clone(&state.containment),
        inventory: Arc::clone(&state.inventory),
        ingest: Arc::clone(&state.ingest),
        credentials: Arc::clone(&state.credentials),
    };
    let client: ClientResolver = Arc::new(client_info);
    let sign_in_limit = state.rate_limiter.clone().map(|limiter| {
        let limit: SignInLimiter = Arc::new(move |req: &HttpRequest| {
            let ip = client_info(req).ip.and_then(|ip| ip.parse::<IpAddr>().ok());
            // No address (not a TCP peer): one shared bucket, as for the API.
            limiter.check(ip.unwrap_or(IpAddr::from([0, 0, 0, 0])))
        });
        limit
    });
    Console::new(
        services,
        ConsoleConfig {
            secure_cookies: false,
            client,
            sign_in_limit,
            dashboard_cache: DASHBOARD_CACHE,
            export_timeout: state.config.export_timeout,
        },
    )
}
