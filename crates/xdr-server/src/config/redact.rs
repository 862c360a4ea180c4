//! Showing the configuration without its secrets (`mini-xdr config check`, logs).

use super::settings::Settings;

/// What a secret is shown as.
pub const REDACTED: &str = "<redacted>";
/// Query parameters of a database URL that carry a password (compared case-insensitively).
const PASSWORD_PARAMS: [&str; 2] = ["password", "sslpassword"];

impl Settings {
    /// The effective configuration as TOML, every secret shown as `<redacted>`: `auth.jwt_secret`,
    /// the values of `auth.jwt_keys` and the password inside `database.url`.
    pub fn redacted(&self) -> String {
        // Secret types serialize as `<redacted>` themselves, so plain serialization is safe.
        toml::to_string_pretty(self)
            .unwrap_or_else(|e| format!("# cannot render the configuration: {e}\n"))
    }
}

/// `url` with the password of its user part and any `password=` query parameter replaced by
/// `<redacted>`. Errs on the side of hiding too much when the URL is malformed.
pub fn mask_database_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let mut masked = format!("{scheme}://");
    // The last '@' ends the user part, even if an unencoded password contains '@', '/' or '?'.
    let location = match rest.rsplit_once('@') {
        Some((userinfo, location)) => {
            match userinfo.split_once(':') {
                Some((user, _password)) => masked.push_str(&format!("{user}:{REDACTED}@")),
                None => masked.push_str(&format!("{userinfo}@")),
            }
            location
        }
        None => rest,
    };
    match location.split_once('?') {
        Some((path, query)) => {
            masked.push_str(path);
            masked.push('?');
            masked.push_str(&mask_query(query));
        }
        None => masked.push_str(location),
    }
    masked
}

fn mask_query(query: &str) -> String {
    query
        .split('&')
        .map(|param| match param.split_once('=') {
            Some((name, _)) if PASSWORD_PARAMS.iter().any(|p| name.eq_ignore_ascii_case(p)) => {
                format!("{name}={REDACTED}")
            }
            _ => param.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_user_password() {
        assert_eq!(
            mask_database_url("postgres://xdr:s3cret@db:5432/xdr"),
            "postgres://xdr:<redacted>@db:5432/xdr"
        );
    }

    #[test]
    fn masks_unencoded_special_characters_in_password() {
        let masked = mask_database_url("postgresql://u:p@ss/w?rd@db/x?sslmode=require");
        assert_eq!(masked, "postgresql://u:<redacted>@db/x?sslmode=require");
    }

    #[test]
    fn masks_password_query_parameter() {
        let masked = mask_database_url("postgres://db/x?user=u&PASSWORD=hunter2&sslmode=require");
        assert_eq!(
            masked,
            "postgres://db/x?user=u&PASSWORD=<redacted>&sslmode=require"
        );
    }

    #[test]
    fn leaves_urls_without_secrets_alone() {
        for url in [
            "sqlite://./data/mini-xdr.db",
            "sqlite:data/x.db",
            "postgres://u@db/x",
            "postgres://db/x",
        ] {
            assert_eq!(mask_database_url(url), url);
        }
    }
}
