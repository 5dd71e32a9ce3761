//! The only place in `deploy` that quotes: YAML scalars and keys for compose files, values for
//! `.env` files, values and words of Quadlet units (systemd's quoting, `%` specifiers and the `$`
//! of `ExecStart=`). Everything a user wrote goes through here.
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

/// A value of a Quadlet key Podman's generator reads whole (`Image=`, `Volume=`, `PublishPort=`,
/// `HealthCmd=`...): written as is, with systemd's specifier `%` and the `$` the generated `ExecStart=`
/// would expand both doubled. `None` when no unit-file line can carry it: a line break or other
/// control character, leading or trailing whitespace (trimmed), a trailing `\` (a line continuation),
/// or a value wrapped in double quotes (the generator strips them).
pub(crate) fn unit_raw(value: &str) -> Option<String> {
    let unsafe_edge = value.starts_with(char::is_whitespace)
        || value.ends_with(char::is_whitespace)
        || value.ends_with('\\')
        || (value.len() >= 2 && value.starts_with('"') && value.ends_with('"'));
    if unsafe_edge || value.chars().any(char::is_control) {
        return None;
    }
    Some(unit_escape(value))
}

/// One word of a Quadlet key the generator splits like systemd (`Exec=`, `Environment=`): always
/// double-quoted, `\` and `"` escaped, control characters written as C escapes, and `%` and `$`
/// doubled as in [`unit_raw`].
pub(crate) fn unit_word(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in unit_escape(value).chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() && (c as u32) <= 0xff => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn unit_escape(value: &str) -> String {
    value.replace('%', "%%").replace('$', "$$")
}

/// A JSON string (for `HealthCmd=["CMD", ...]`, which Podman reads as a JSON array).
pub(crate) fn json(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A word for a POSIX shell script: bare when it is made of safe characters, single-quoted otherwise
/// (a `'` written as `'\''`).
pub(crate) fn sh_word(value: &str) -> String {
    let bare = !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || "_./:@+,-=".contains(c));
    if bare { value.to_string() } else { format!("'{}'", value.replace('\'', "'\\''")) }
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

    #[test]
    fn quadlet_values_double_specifiers_and_dollars() {
        let raw = [
            ("docker.io/library/alpine:3.19", Some("docker.io/library/alpine:3.19")),
            ("./da ta:/data", Some("./da ta:/data")),
            ("100% $HOME ${X} \\ \"q\"", Some("100%% $$HOME $${X} \\ \"q\"")),
            ("\"quoted\"", None),
            (" lead", None),
            ("trail ", None),
            ("cont\\", None),
            ("a\nb", None),
            ("a\u{7}b", None),
        ];
        for (text, expected) in raw {
            pretty_assertions::assert_eq!(unit_raw(text).as_deref(), expected, "{text:?}");
        }
        let words = [
            ("a b", "\"a b\""),
            ("\"q\" \\ 5% $x", "\"\\\"q\\\" \\\\ 5%% $$x\""),
            ("tab\tline\nbell\u{7}", "\"tab\\tline\\nbell\\x07\""),
            ("", "\"\""),
        ];
        for (text, expected) in words {
            pretty_assertions::assert_eq!(unit_word(text), expected, "{text:?}");
        }
        pretty_assertions::assert_eq!(json("a \"b\" \\ \n"), "\"a \\\"b\\\" \\\\ \\u000a\"");
    }

    #[test]
    fn shell_words_are_single_quoted_unless_safe() {
        for (text, expected) in
            [("whoseonfirst:latest", "whoseonfirst:latest"), ("a b", "'a b'"), ("it's $x", "'it'\\''s $x'"), ("", "''")]
        {
            pretty_assertions::assert_eq!(sh_word(text), expected, "{text:?}");
        }
    }
}
