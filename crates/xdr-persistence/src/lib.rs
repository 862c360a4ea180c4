//! xdr-persistence
