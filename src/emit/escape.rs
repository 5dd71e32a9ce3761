//! The only place that quotes: every piece of user data reaches Dockerfile text through a function here.
//!
//! Each function takes the file's escape character (`\` or `` ` ``) and returns text that BuildKit reads
//! back as exactly the input. The rules follow BuildKit's parser, flag parser and shell lexer; the
//! property tests in `tests/emit_roundtrip.rs` check them against an independent BuildKit-faithful parser.

use crate::model::{Part, Value};

/// Characters a literal value may contain and still be written without quotes.
fn is_bare_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '@' | ':' | '+' | ',' | '%' | '=' | '-')
}

/// A value for ENV, LABEL, ARG or WORKDIR: bare when every literal character is plain, otherwise in
/// double quotes with the escape character, `"` and `$` escaped. Variables are written as `${NAME}`.
///
/// ```text
/// /app                  -> /app
/// costs $5 "now"        -> "costs \$5 \"now\""
/// /opt/venv/bin:${PATH} -> /opt/venv/bin:${PATH}
/// ```
pub(crate) fn value(value: &Value, escape: char) -> String {
    let plain = value.parts().iter().all(|part| match part {
        Part::Literal(text) => text.as_str().chars().all(is_bare_char),
        Part::Var(_) => true,
    });
    if plain && !value.parts().is_empty() && !starts_with_dashes(value) {
        return value.to_string();
    }
    let mut out = String::from("\"");
    for part in value.parts() {
        match part {
            Part::Literal(text) => push_double_quoted(&mut out, text.as_str(), escape),
            Part::Var(name) => {
                out.push_str("${");
                out.push_str(name.as_str());
                out.push('}');
            }
        }
    }
    out.push('"');
    out
}

fn starts_with_dashes(value: &Value) -> bool {
    matches!(value.parts().first(), Some(Part::Literal(text)) if text.as_str().starts_with('-'))
}

/// Literal text inside double quotes: escape the escape character, `"` and `$`; nothing else is special.
fn push_double_quoted(out: &mut String, text: &str, escape: char) {
    for c in text.chars() {
        if c == escape || c == '"' || c == '$' {
            out.push(escape);
        }
        out.push(c);
    }
}

/// A LABEL key: bare when it is plain (`org.opencontainers.image.title`), otherwise double-quoted.
pub(crate) fn label_key(key: &str, escape: char) -> String {
    if key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-')) && !key.starts_with('-') {
        return key.to_string();
    }
    let mut out = String::from("\"");
    push_double_quoted(&mut out, key, escape);
    out.push('"');
    out
}

/// A JSON array of strings, written by a JSON encoder: `["a", "b"]`. Exec-form arguments are never
/// expanded by BuildKit, so nothing but JSON escaping applies.
pub(crate) fn json_array<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let encoded: Vec<String> =
        items.into_iter().map(|item| serde_json::Value::String(item.to_string()).to_string()).collect();
    format!("[{}]", encoded.join(", "))
}

/// A path for the JSON form of COPY, ADD and VOLUME. BuildKit runs every element through its shell
/// lexer, so the escape character, quotes and `$` are escaped for the lexer before JSON encoding. The
/// lexer's scanner also drops a byte-order mark at the start of a word, and BuildKit takes any COPY/ADD
/// argument shaped like `<<WORD` (after optional digits) for a heredoc, even in JSON form: the first
/// character of such a path is escaped, which the lexer undoes.
pub(crate) fn lexed_path(path: &str, escape: char) -> String {
    let looks_like_heredoc = path.trim_start_matches(|c: char| c.is_ascii_digit()).starts_with("<<");
    let mut out = String::with_capacity(path.len());
    for (index, c) in path.chars().enumerate() {
        let first_needs_escape = index == 0 && (c == '\u{feff}' || looks_like_heredoc);
        if c == escape || matches!(c, '"' | '\'' | '$') || first_needs_escape {
            out.push(escape);
        }
        out.push(c);
    }
    out
}

/// A list of paths in JSON form, each escaped for the lexer.
pub(crate) fn path_array<'a>(paths: impl IntoIterator<Item = &'a str>, escape: char) -> String {
    let lexed: Vec<String> = paths.into_iter().map(|p| lexed_path(p, escape)).collect();
    json_array(lexed.iter().map(String::as_str))
}

/// True when `text` can follow `RUN`, `CMD` or `ENTRYPOINT` on one line and reach the shell unchanged:
/// one line, not read as JSON, flags or a heredoc, not joined to the next line, no whitespace BuildKit
/// would trim.
pub(crate) fn is_one_line_shell(text: &str, escape: char) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    let Some(last) = text.chars().next_back() else {
        return false;
    };
    !text.contains(['\n', '\r'])
        && !first.is_whitespace()
        && !last.is_whitespace()
        && first != '['
        && first != '-'
        && last != escape
        && !text.contains("<<")
}

/// True when `text` can be the body of a heredoc and reach the shell unchanged (a final newline aside):
/// no carriage return, which BuildKit trims from line ends, and no `#!` start, which makes BuildKit run
/// the body as a file instead of through the shell.
pub(crate) fn is_heredoc_body(text: &str) -> bool {
    !text.is_empty() && !text.contains('\r') && !text.starts_with("#!")
}

/// A heredoc delimiter that is not a line of `body`: `EOF`, else `EOF_1`, `EOF_2`, ...
pub(crate) fn heredoc_delimiter(body: &str) -> String {
    let lines: Vec<&str> = body.split('\n').collect();
    let mut delimiter = String::from("EOF");
    let mut n = 0;
    while lines.contains(&delimiter.as_str()) {
        n += 1;
        delimiter = format!("EOF_{n}");
    }
    delimiter
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Value;

    fn lit(s: &str) -> Value {
        Value::literal(s).unwrap()
    }

    #[test]
    fn values_are_bare_only_when_plain() {
        assert_eq!(value(&lit("/app"), '\\'), "/app");
        assert_eq!(value(&lit(""), '\\'), "\"\"");
        assert_eq!(value(&lit("a b"), '\\'), "\"a b\"");
        assert_eq!(value(&lit("--x"), '\\'), "\"--x\"");
    }

    #[test]
    fn e4_double_quoted_escapes_escape_quote_and_dollar() {
        assert_eq!(value(&lit("back\\slash"), '\\'), "\"back\\\\slash\"");
        assert_eq!(value(&lit("quote\"d"), '\\'), "\"quote\\\"d\"");
        assert_eq!(value(&lit("dollar$HOME"), '\\'), "\"dollar\\$HOME\"");
        assert_eq!(value(&lit("C:\\"), '\\'), "\"C:\\\\\"");
        assert_eq!(value(&lit("back\\slash"), '`'), "\"back\\slash\"");
        assert_eq!(value(&lit("quote\"d"), '`'), "\"quote`\"d\"");
        assert_eq!(value(&lit("a`b"), '`'), "\"a``b\"");
    }

    #[test]
    fn variables_stay_unescaped_inside_quotes() {
        let v = Value::template("my dir ${HOME}").unwrap();
        assert_eq!(value(&v, '\\'), "\"my dir ${HOME}\"");
    }

    #[test]
    fn e7_exec_form_uses_a_json_encoder() {
        assert_eq!(json_array(["a\"b", "c\\d", "e\nf", "$HOME"]), r#"["a\"b", "c\\d", "e\nf", "$HOME"]"#);
    }

    #[test]
    fn e8_paths_are_lexer_escaped_then_json_encoded() {
        assert_eq!(
            path_array(["it's.txt", "price$5.txt", "a\\b.txt"], '\\'),
            r#"["it\\'s.txt", "price\\$5.txt", "a\\\\b.txt"]"#
        );
        assert_eq!(path_array(["q\"uote.txt"], '\\'), r#"["q\\\"uote.txt"]"#);
        assert_eq!(path_array(["a`b"], '`'), r#"["a``b"]"#);
        assert_eq!(lexed_path("\u{feff}x", '\\'), "\\\u{feff}x");
        assert_eq!(lexed_path("<<EOF", '\\'), "\\<<EOF");
        assert_eq!(lexed_path("12<<x", '`'), "`12<<x");
    }

    #[test]
    fn e12_one_line_shell_rules() {
        assert!(is_one_line_shell("echo hi", '\\'));
        assert!(!is_one_line_shell("[ -f x ] && echo", '\\'));
        assert!(!is_one_line_shell("--version", '\\'));
        assert!(!is_one_line_shell("echo \\", '\\'));
        assert!(is_one_line_shell("echo \\", '`'));
        assert!(!is_one_line_shell("cat <<EOF", '\\'));
        assert!(!is_one_line_shell("a\nb", '\\'));
        assert!(!is_one_line_shell(" echo", '\\'));
        assert!(!is_one_line_shell("", '\\'));
    }

    #[test]
    fn e13_delimiter_never_occurs_as_a_body_line() {
        assert_eq!(heredoc_delimiter("echo hi"), "EOF");
        assert_eq!(heredoc_delimiter("a\nEOF\nEOF_1\nb"), "EOF_2");
        assert_eq!(heredoc_delimiter("EOF "), "EOF");
    }
}
