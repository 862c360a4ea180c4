//! Multi-row statements of fixed row counts.
//!
//! diesel prepares a statement once per connection and caches it only when its shape is known
//! at compile time: a multi-row statement over a slice of run-time length is parsed again on
//! every call (on SQLite, while the write lock is held). Rows cut into arrays of a few fixed
//! sizes give a handful of cached statements that cover any row count.

/// Runs `$body` with `$chunk` bound to each piece of `$rows` (a slice): arrays of
/// `$sizes.0`, `$sizes.1` and `$sizes.2` rows (a tuple of constants), then the single rows left
/// (`&T`). `$body` returns a
/// `Result`; the first error is returned from the enclosing function.
macro_rules! for_fixed_chunks {
    ($rows:expr, $sizes:expr, |$chunk:ident| $body:expr) => {{
        let (whole, rest) = $rows.as_chunks::<{ $sizes.0 }>();
        for $chunk in whole {
            $body?;
        }
        let (large, rest) = rest.as_chunks::<{ $sizes.1 }>();
        for $chunk in large {
            $body?;
        }
        let (small, rest) = rest.as_chunks::<{ $sizes.2 }>();
        for $chunk in small {
            $body?;
        }
        for $chunk in rest {
            $body?;
        }
    }};
}

pub(crate) use for_fixed_chunks;
