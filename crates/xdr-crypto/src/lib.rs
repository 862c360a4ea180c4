//! xdr-crypto
