//! Quoting for the install scripts: a value (the server URL, a token, a label) becomes one
//! literal word of the script, whatever it holds (quotes, `$()`, backticks, newlines).

/// POSIX shell: single quotes, each `'` written as `'\''`. Nothing inside single quotes is
/// special to the shell.
pub fn posix(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// PowerShell: single quotes, each single quote doubled. PowerShell also takes the typographic
/// quotes U+2018, U+2019, U+201A and U+201B as single quotes, so they are doubled too.
pub fn powershell(value: &str) -> String {
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('\'');
    for c in value.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            quoted.push(c);
        }
        quoted.push(c);
    }
    quoted.push('\'');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posix_quotes_everything() {
        assert_eq!(posix("plain"), "'plain'");
        assert_eq!(posix("it's"), r"'it'\''s'");
        assert_eq!(posix("$(rm -rf /)"), "'$(rm -rf /)'");
        assert_eq!(posix(""), "''");
    }

    #[test]
    fn powershell_doubles_every_single_quote() {
        assert_eq!(powershell("it's"), "'it''s'");
        assert_eq!(powershell("a\u{2019}b"), "'a\u{2019}\u{2019}b'");
        assert_eq!(powershell("$(Remove-Item C:\\)"), "'$(Remove-Item C:\\)'");
    }
}
