//! xdr-auth
