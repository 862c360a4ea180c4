//! Static files embedded in the binary, served under names that carry a hash of their content:
//! a browser may keep them for a year, and a new release's files have new names.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, web};

use crate::console::ConsoleState;
use crate::error::ConsoleError;

/// htmx 2.0.11 as published on npm (`htmx.org`, 0BSD; licence in `assets/htmx-LICENSE`).
const HTMX: &[u8] = include_bytes!("../assets/htmx-2.0.11.min.js");
const STYLESHEET: &[u8] = include_bytes!("../assets/console.css");

pub(crate) const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";
/// The stylesheet under a name that does not change, for pages rendered without the console's
/// state (error pages).
const STYLESHEET_ALIAS: &str = "console.css";

#[derive(Debug)]
pub(crate) struct Asset {
    /// The file name in `/assets/`: `htmx.<hash>.js`.
    file: String,
    bytes: &'static [u8],
    content_type: &'static str,
}

impl Asset {
    fn new(stem: &str, ext: &str, bytes: &'static [u8], content_type: &'static str) -> Self {
        let hash = xdr_crypto::sha256_hex(bytes);
        Self {
            file: format!("{stem}.{}.{ext}", &hash[..16]),
            bytes,
            content_type,
        }
    }

    pub(crate) fn url(&self) -> String {
        format!("/assets/{}", self.file)
    }
}

#[derive(Debug)]
pub(crate) struct Assets {
    pub(crate) htmx: Asset,
    pub(crate) stylesheet: Asset,
}

impl Assets {
    pub(crate) fn new() -> Self {
        Self {
            htmx: Asset::new("htmx", "js", HTMX, "text/javascript; charset=utf-8"),
            stylesheet: Asset::new("console", "css", STYLESHEET, "text/css; charset=utf-8"),
        }
    }

    /// The asset named `file`, and whether that name is hashed (cached for good) or the
    /// stylesheet's plain alias, which error pages link (checked again on every use).
    fn find(&self, file: &str) -> Option<(&Asset, bool)> {
        if file == STYLESHEET_ALIAS {
            return Some((&self.stylesheet, false));
        }
        [&self.htmx, &self.stylesheet]
            .into_iter()
            .find(|a| a.file == file)
            .map(|a| (a, true))
    }
}

/// `GET /assets/{file}`: only the current names exist (an old hash is a 404).
pub(crate) async fn serve(
    state: web::Data<ConsoleState>,
    file: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    let (asset, hashed) = state.assets.find(&file).ok_or(ConsoleError::NotFound)?;
    let cache = if hashed { IMMUTABLE } else { REVALIDATE };
    Ok(HttpResponse::Ok()
        .content_type(asset.content_type)
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static(cache)))
        .body(asset.bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_content_hash() {
        let assets = Assets::new();
        let hash = xdr_crypto::sha256_hex(HTMX);
        assert_eq!(
            assets.htmx.url(),
            format!("/assets/htmx.{}.js", &hash[..16])
        );
        assert!(matches!(
            assets.find(&assets.stylesheet.file),
            Some((_, true))
        ));
        assert!(matches!(assets.find("console.css"), Some((_, false))));
        assert!(assets.find("htmx.js").is_none());
    }
}
