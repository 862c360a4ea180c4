//! xdr-http
