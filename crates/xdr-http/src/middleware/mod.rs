//! What wraps every request, outermost first: the request id and its log span
//! ([`request_id`]), the access log and metrics ([`request_log`]), `Connection: close` while
//! draining ([`drain`]), the security headers ([`security_headers`]) and CORS ([`cors`]).

pub mod cors;
pub mod drain;
pub mod request_id;
pub mod request_log;
pub mod security_headers;
