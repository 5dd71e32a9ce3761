//! The only place that quotes: every piece of user data reaches Dockerfile text through a function here.
//!
//! Each function takes the file's escape character (`\` or `` ` ``) and returns text that BuildKit reads
//! back as exactly the input. The rules follow BuildKit's parser, flag parser and shell lexer; the
//! property tests in `tests/emit_roundtrip.rs` check them against an independent BuildKit-faithful parser.

use crate::model::{MAX_LINE, Part, Value};

/// The width long instructions are wrapped to with line continuations, well under BuildKit's
/// [`MAX_LINE`]. Only an instruction with a line over `MAX_LINE` is written in the long form at all.
pub(crate) const WRAP_AT: usize = 16 * 1024;

/// How many literal characters one double-quoted segment holds in the long form: `"…""…"` reads back
/// as one word, and the boundary between two segments is a place a line can always be broken.
const SEGMENT: usize = 1024;

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
///
/// In the `long` form, quoted text is cut into segments (`"…""…"`) so that [`wrap`] always finds a
/// place to break the line, whatever the value holds.
pub(crate) fn value(value: &Value, escape: char, long: bool) -> String {
    let plain = value.parts().iter().all(|part| match part {
        Part::Literal(text) => text.as_str().chars().all(is_bare_char),
        Part::Var(_) => true,
    });
    if plain && !value.parts().is_empty() && !starts_with_dashes(value) {
        let mut out = String::with_capacity(32);
        for part in value.parts() {
            match part {
                Part::Literal(text) => out.push_str(text.as_str()),
                Part::Var(name) => out.extend(["${", name.as_str(), "}"]),
            }
        }
        return out;
    }
    let mut quoted = Quoted::new(escape, long);
    for part in value.parts() {
        match part {
            Part::Literal(text) => quoted.text(text.as_str()),
            Part::Var(name) => quoted.out.extend(["${", name.as_str(), "}"]),
        }
    }
    quoted.finish()
}

fn starts_with_dashes(value: &Value) -> bool {
    matches!(value.parts().first(), Some(Part::Literal(text)) if text.as_str().starts_with('-'))
}

/// A double-quoted word being written: literal text inside double quotes escapes the escape
/// character, `"` and `$`; nothing else is special. In the long form a new segment starts every
/// [`SEGMENT`] characters.
struct Quoted {
    out: String,
    escape: char,
    long: bool,
    run: usize,
}

impl Quoted {
    fn new(escape: char, long: bool) -> Self {
        let mut out = String::with_capacity(32);
        out.push('"');
        Quoted { out, escape, long, run: 0 }
    }

    fn text(&mut self, text: &str) {
        for c in text.chars() {
            if self.long && self.run == SEGMENT {
                self.out.push_str("\"\"");
                self.run = 0;
            }
            if c == self.escape || c == '"' || c == '$' {
                self.out.push(self.escape);
            }
            self.out.push(c);
            self.run += 1;
        }
    }

    fn finish(mut self) -> String {
        self.out.push('"');
        self.out
    }
}

/// A LABEL key: bare when it is plain (`org.opencontainers.image.title`), otherwise double-quoted
/// (in segments, in the `long` form).
pub(crate) fn label_key(key: &str, escape: char, long: bool) -> String {
    if key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-')) && !key.starts_with('-') {
        return key.to_string();
    }
    let mut quoted = Quoted::new(escape, long);
    quoted.text(key);
    quoted.finish()
}

/// A JSON array of strings: `["a", "b"]`, each string as serde_json writes it. Exec-form arguments
/// are never expanded by BuildKit, so nothing but JSON escaping applies.
///
/// In the `long` form every character but an ASCII letter or digit is written as a `\uXXXX` escape,
/// so that [`wrap`] can break the line between any two escapes: no run of spaces, `#` or escape
/// characters is left where a line must break.
pub(crate) fn json_array<'a>(items: impl IntoIterator<Item = &'a str>, long: bool) -> String {
    let mut out = String::with_capacity(64);
    out.push('[');
    for (index, item) in items.into_iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        if long {
            json_string_escaped(&mut out, item);
        } else {
            json_string(&mut out, item);
        }
    }
    out.push(']');
    out
}

/// Appends `text` as a JSON string, as serde_json writes it: `"` and `\` escaped, the short escapes
/// for backspace, form feed, newline, carriage return and tab, `\u00XX` for the other control
/// characters, everything else as is (a unit test checks it against serde_json on arbitrary text).
fn json_string(out: &mut String, text: &str) {
    out.push('"');
    // Everything escaped is ASCII, so bytes can be read: the text between escapes is copied whole.
    let mut plain = 0;
    for (at, byte) in text.bytes().enumerate() {
        let short = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        out.push_str(&text[plain..at]);
        if short.is_empty() {
            out.push_str(&format!("\\u{byte:04x}"));
        } else {
            out.push_str(short);
        }
        plain = at + 1;
    }
    out.push_str(&text[plain..]);
    out.push('"');
}

/// Appends a JSON string with every character but an ASCII letter or digit as `\uXXXX` (UTF-16 units).
fn json_string_escaped(out: &mut String, text: &str) {
    out.reserve(text.len() * 6 + 2);
    out.push('"');
    let mut units = [0u16; 2];
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else {
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out.push('"');
}

/// A path for the JSON form of COPY, ADD and VOLUME. BuildKit runs every element through its shell
/// lexer, so the escape character, quotes and `$` are escaped for the lexer before JSON encoding. The
/// lexer's scanner also drops a byte-order mark at the start of a word, and BuildKit takes any COPY/ADD
/// argument shaped like `<<WORD` (after optional digits) for a heredoc, even in JSON form: the first
/// character of such a path is escaped, which the lexer undoes.
pub(crate) fn lexed_path(path: &str, escape: char) -> String {
    let mut out = String::with_capacity(path.len());
    push_lexed_path(&mut out, path, escape);
    out
}

/// [`lexed_path`], appended to `out`.
fn push_lexed_path(out: &mut String, path: &str, escape: char) {
    let looks_like_heredoc = path.trim_start_matches(|c: char| c.is_ascii_digit()).starts_with("<<");
    for (index, c) in path.chars().enumerate() {
        let first_needs_escape = index == 0 && (c == '\u{feff}' || looks_like_heredoc);
        if c == escape || matches!(c, '"' | '\'' | '$') || first_needs_escape {
            out.push(escape);
        }
        out.push(c);
    }
}

/// A list of paths in JSON form, each escaped for the lexer.
pub(crate) fn path_array<'a>(paths: impl IntoIterator<Item = &'a str>, escape: char, long: bool) -> String {
    let mut out = String::with_capacity(64);
    let mut lexed = String::new();
    out.push('[');
    for (index, path) in paths.into_iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        lexed.clear();
        push_lexed_path(&mut lexed, path, escape);
        if long {
            json_string_escaped(&mut out, &lexed);
        } else {
            json_string(&mut out, &lexed);
        }
    }
    out.push(']');
    out
}

/// True when `text` can follow `RUN`, `CMD` or `ENTRYPOINT` on one line and reach the shell unchanged:
/// one line, not read as JSON, flags or a heredoc, not joined to the next line, no whitespace BuildKit
/// would trim.
///
/// ```
/// use dockwright::emit::is_one_line_shell;
///
/// assert!(is_one_line_shell("make install", '\\'));
/// assert!(!is_one_line_shell("[ -f x ] && make", '\\'));
/// assert!(!is_one_line_shell("make \\", '\\'));
/// assert!(is_one_line_shell("make \\", '`'));
/// ```
pub fn is_one_line_shell(text: &str, escape: char) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    let Some(last) = text.chars().next_back() else {
        return false;
    };
    if first.is_whitespace() || last.is_whitespace() || first == '[' || first == '-' || last == escape {
        return false;
    }
    // No line break and no `<<`, in one pass over each byte and the one before it (no early exit:
    // the compiler can then check many bytes at once).
    let bytes = text.as_bytes();
    let breaks = |byte: u8| u8::from(byte == b'\n') | u8::from(byte == b'\r');
    let found = bytes.iter().zip(&bytes[1..]).fold(breaks(bytes[0]), |found, (&before, &byte)| {
        found | breaks(byte) | (u8::from(before == b'<') & u8::from(byte == b'<'))
    });
    found == 0
}

/// True when `text` can be the body of a heredoc and reach the shell unchanged. BuildKit gives the shell
/// the body with a final newline, so the text must not end with a backslash (the shell would join it to
/// that newline); no carriage return, which BuildKit trims from line ends; no `#!` start, which makes
/// BuildKit run the body as a file instead of through the shell; and no line longer than BuildKit reads.
///
/// ```
/// use dockwright::emit::is_heredoc_body;
///
/// assert!(is_heredoc_body("set -e\nmake"));
/// assert!(!is_heredoc_body("printf '%s' a > /val \\"));
/// assert!(!is_heredoc_body("#!/usr/bin/env python3\nprint(1)"));
/// ```
pub fn is_heredoc_body(text: &str) -> bool {
    !text.is_empty()
        && !text.contains('\r')
        && !text.starts_with("#!")
        && !text.ends_with('\\')
        && text.split('\n').all(|line| line.len() <= MAX_LINE)
}

/// True when a comment line, written at the top of a file, could be read as a parser directive by some
/// BuildKit: after `#` and any Unicode spaces, a word of ASCII letters and digits starting with a
/// letter, Go's `\s*`, then `=`. This is wider than BuildKit's rule (`key = value` with a known key and
/// a value), so that no comment is ever taken for a directive, whatever keys a frontend knows.
///
/// ```
/// use dockwright::emit::could_be_directive;
///
/// assert!(could_be_directive("# escape= "));
/// assert!(could_be_directive("#\u{3000}Syntax =x"));
/// assert!(!could_be_directive("# runtime stage: only what the app needs"));
/// ```
pub fn could_be_directive(line: &str) -> bool {
    let Some(rest) = line.strip_prefix('#') else {
        return false;
    };
    let rest = rest.trim_start_matches(char::is_whitespace);
    if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return false;
    }
    let after_key = rest.trim_start_matches(|c: char| c.is_ascii_alphanumeric());
    after_key.trim_start_matches(['\t', '\n', '\u{c}', '\r', ' ']).starts_with('=')
}

/// Breaks the lines of an instruction written in the long form into lines of about [`WRAP_AT`] bytes
/// with line continuations, which BuildKit joins back byte for byte before reading the instruction.
/// With `heredoc`, only the first line is the instruction's; the rest is a heredoc body and stays as is.
///
/// A line is broken only where BuildKit joins it back exactly: not after the escape character (an
/// escaped escape does not continue a line), and not before whitespace or `#` (a continuation line
/// that starts with `#` is dropped as a comment, one that is blank is skipped).
pub(crate) fn wrap(text: &str, escape: char, heredoc: bool) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / WRAP_AT * 2);
    for (index, line) in text.split('\n').enumerate() {
        if index > 0 {
            out.push('\n');
        }
        if heredoc && index > 0 {
            out.push_str(line);
            continue;
        }
        let mut rest = line;
        while rest.len() > WRAP_AT {
            let Some(at) = break_point(rest, escape) else {
                break;
            };
            out.push_str(&rest[..at]);
            out.push(escape);
            out.push('\n');
            rest = &rest[at..];
        }
        out.push_str(rest);
    }
    out
}

/// The last place at or before [`WRAP_AT`] where `line` can be broken, else the first one after it.
fn break_point(line: &str, escape: char) -> Option<usize> {
    let can_break = |at: usize| {
        line.is_char_boundary(at)
            && line[..at].chars().next_back().is_some_and(|before| before != escape)
            && line[at..].chars().next().is_some_and(|after| !after.is_whitespace() && after != '#')
    };
    (1..=WRAP_AT).rev().find(|&at| can_break(at)).or_else(|| (WRAP_AT + 1..line.len()).find(|&at| can_break(at)))
}

/// A heredoc delimiter that is not a line of `body`: `EOF`, else `EOF_1`, `EOF_2`, ... BuildKit keeps
/// a body's carriage returns but drops one at the end of a line before comparing it with the
/// delimiter (checked on the engine: a body line `EOF\r` ends a `<<EOF` heredoc), so lines are
/// compared without it.
pub(crate) fn heredoc_delimiter(body: &str) -> String {
    let lines: Vec<&str> = body.split('\n').map(|line| line.strip_suffix('\r').unwrap_or(line)).collect();
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
        assert_eq!(value(&lit("/app"), '\\', false), "/app");
        assert_eq!(value(&lit(""), '\\', false), "\"\"");
        assert_eq!(value(&lit("a b"), '\\', false), "\"a b\"");
        assert_eq!(value(&lit("--x"), '\\', false), "\"--x\"");
    }

    #[test]
    fn e4_double_quoted_escapes_escape_quote_and_dollar() {
        assert_eq!(value(&lit("back\\slash"), '\\', false), "\"back\\\\slash\"");
        assert_eq!(value(&lit("quote\"d"), '\\', false), "\"quote\\\"d\"");
        assert_eq!(value(&lit("dollar$HOME"), '\\', false), "\"dollar\\$HOME\"");
        assert_eq!(value(&lit("C:\\"), '\\', false), "\"C:\\\\\"");
        assert_eq!(value(&lit("back\\slash"), '`', false), "\"back\\slash\"");
        assert_eq!(value(&lit("quote\"d"), '`', false), "\"quote`\"d\"");
        assert_eq!(value(&lit("a`b"), '`', false), "\"a``b\"");
    }

    #[test]
    fn variables_stay_unescaped_inside_quotes() {
        let v = Value::template("my dir ${HOME}").unwrap();
        assert_eq!(value(&v, '\\', false), "\"my dir ${HOME}\"");
    }

    proptest::proptest! {
        #[test]
        fn json_strings_are_what_serde_json_writes(text in "\\PC*|[\\x00-\\x20\"\\\\\\x7f\u{80}-\u{a0}\u{2028}\u{2029}a]*") {
            let mut ours = String::new();
            json_string(&mut ours, &text);
            proptest::prop_assert_eq!(ours, serde_json::to_string(&text).unwrap());
        }
    }

    #[test]
    fn e7_exec_form_uses_a_json_encoder() {
        assert_eq!(json_array(["a\"b", "c\\d", "e\nf", "$HOME"], false), r#"["a\"b", "c\\d", "e\nf", "$HOME"]"#);
    }

    #[test]
    fn e8_paths_are_lexer_escaped_then_json_encoded() {
        assert_eq!(
            path_array(["it's.txt", "price$5.txt", "a\\b.txt"], '\\', false),
            r#"["it\\'s.txt", "price\\$5.txt", "a\\\\b.txt"]"#
        );
        assert_eq!(path_array(["q\"uote.txt"], '\\', false), r#"["q\\\"uote.txt"]"#);
        assert_eq!(path_array(["a`b"], '`', false), r#"["a``b"]"#);
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
