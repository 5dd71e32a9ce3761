//! The only place in `deploy` that quotes: YAML scalars and keys for compose files, values for
//! `.env` files. Everything a user wrote goes through here.
//!
//! Compose reads YAML with go-yaml, which still resolves YAML 1.1 forms (`yes`, `on`, `1_000`, `0o17`)
//! in places, and then interpolates `$` in every string. So a string value is always written as a
//! double-quoted scalar (a string in YAML 1.1 and 1.2 alike) with `$` doubled, `"` and `\` escaped, and
//! every character outside printable ASCII-or-Unicode (controls, NEL, line and paragraph separators,
//! BOM) written as an escape; a key is written plain only when it cannot be read as anything else.

use std::fmt::Write;

/// A string value as a double-quoted YAML scalar whose text compose reads back exactly: `$` is
/// doubled so compose does not interpolate it.
pub(crate) fn string(text: &str) -> String {
    quoted(text, true)
}

/// `${NAME}` or `${NAME:-default}`: the one place an interpolation is written (the default's own `$`
/// doubled). `name` is a checked variable name and `default` holds no `}` (validation).
pub(crate) fn interpolation(name: &str, default: Option<&str>) -> String {
    let reference = match default {
        Some(default) => format!("${{{name}:-{}}}", default.replace('$', "$$")),
        None => format!("${{{name}}}"),
    };
    quoted(&reference, false)
}

/// A mapping key: plain when it is a name YAML 1.1 and 1.2 both read as that string, quoted otherwise.
pub(crate) fn key(text: &str) -> String {
    if plain_key(text) { text.to_string() } else { quoted(text, false) }
}

fn plain_key(text: &str) -> bool {
    const RESERVED: &[&str] = &["y", "n", "yes", "no", "on", "off", "true", "false", "null"];
    let mut chars = text.chars();
    matches!(chars.next(), Some('A'..='Z' | 'a'..='z' | '_'))
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && !RESERVED.contains(&text.to_ascii_lowercase().as_str())
}

fn quoted(text: &str, dollars: bool) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' if dollars => out.push_str("$$"),
            ' '..='~' => out.push(c),
            '\u{a0}'..='\u{2027}'
            | '\u{202a}'..='\u{d7ff}'
            | '\u{e000}'..='\u{fefe}'
            | '\u{ff00}'..='\u{fffd}'
            | '\u{10000}'..='\u{10ffff}' => out.push(c),
            c if (c as u32) <= 0xff => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// A value on a `NAME=value` line of an `.env` file, as compose's dotenv reader reads it back: bare
/// when it is made of safe characters, single-quoted (no expansion) otherwise, and double-quoted with
/// `\`, `"` and `$` escaped when it holds a single quote or a backslash (compose's reader takes `\'` as
/// an escaped quote even between single quotes, so a value ending in `\` cannot be single-quoted).
/// Values hold no line break (validation).
pub(crate) fn dotenv(value: &str) -> String {
    let bare = value.chars().all(|c| c.is_ascii_alphanumeric() || "_./:@+,-%".contains(c));
    if bare {
        value.to_string()
    } else if !value.contains(['\'', '\\']) {
        format!("'{value}'")
    } else {
        let mut out = String::from("\"");
        for c in value.chars() {
            if matches!(c, '\\' | '"' | '$') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_always_double_quoted_with_escapes() {
        let cases = [
            ("yes", "\"yes\""),
            ("1_000", "\"1_000\""),
            ("a\"b\\c", "\"a\\\"b\\\\c\""),
            ("cost $5 ${HOME}", "\"cost $$5 $${HOME}\""),
            ("bell\u{7}tab\tnl\n", "\"bell\\x07tab\\x09nl\\x0a\""),
            ("nel\u{85}ls\u{2028}bom\u{feff}", "\"nel\\x85ls\\u2028bom\\ufeff\""),
            ("é😀", "\"é😀\""),
        ];
        for (text, expected) in cases {
            pretty_assertions::assert_eq!(string(text), expected, "{text:?}");
        }
    }

    #[test]
    fn keys_are_plain_only_when_unambiguous() {
        let cases =
            [("app", "app"), ("GH_TOKEN", "GH_TOKEN"), ("on", "\"on\""), ("8000", "\"8000\""), ("a b", "\"a b\"")];
        for (text, expected) in cases {
            pretty_assertions::assert_eq!(key(text), expected, "{text:?}");
        }
    }

    #[test]
    fn interpolations_keep_their_dollar_and_escape_the_default() {
        assert_eq!(interpolation("A", None), "\"${A}\"");
        assert_eq!(interpolation("A", Some("x$y")), "\"${A:-x$$y}\"");
    }

    #[test]
    fn dotenv_values_pick_the_least_quoting() {
        let cases = [
            ("main", "main"),
            ("a b", "'a b'"),
            ("$HOME #x", "'$HOME #x'"),
            ("it's $x \"q\"", "\"it's \\$x \\\"q\\\"\""),
            // Regression: single-quoted, a final backslash escaped the closing quote for compose.
            ("ends\\", "\"ends\\\\\""),
            ("", ""),
        ];
        for (text, expected) in cases {
            pretty_assertions::assert_eq!(dotenv(text), expected, "{text:?}");
        }
    }
}
