//! The common shape every parser's output is normalised to before it is
//! compared with BuildKit's dump. A field is `None` when the parser does not
//! expose that information for that instruction (then the check is "n/a",
//! not a failure).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Exec,
    Shell,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Heredoc {
    pub content: String,
    /// `None` when the parser does not say whether the body is expanded.
    pub expand: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CopyArg {
    Path(String),
    /// A heredoc source; matches a BuildKit argument word like `<<EOF`.
    Heredoc,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ArgRepr {
    /// `name[=value]` pairs, value already unquoted by the parser.
    Pairs(Vec<(String, Option<String>)>),
    /// The whole argument text of the instruction.
    Text(String),
    /// BuildKit's raw tokens (compared exactly; dockwright column).
    #[cfg_attr(not(feature = "dockwright"), allow(dead_code))]
    Tokens(Vec<String>),
}

#[derive(Debug, Clone, Default)]
pub struct Inst {
    /// Lower-case keyword.
    pub keyword: String,
    pub lines: Option<(usize, usize)>,
    /// Flags rendered `--name=value` / `--name`.
    pub flags: Option<Vec<String>>,
    /// RUN / CMD / ENTRYPOINT / HEALTHCHECK CMD.
    pub form: Option<Form>,
    /// Command in BuildKit dump space: exec elements, or `[shell text]`.
    /// For HEALTHCHECK CMD the leading `CMD` is not included.
    pub command: Option<Vec<String>>,
    /// parse-dockerfile only: the raw shell span after *we* apply BuildKit's
    /// continuation joining to it (tells whether the span itself is right).
    pub raw_shell_joined: Option<String>,
    /// ENV / LABEL key-value pairs.
    pub kv: Option<Vec<(String, String)>>,
    /// ENV / LABEL whole argument text (parsers that do not split pairs).
    pub kv_text: Option<String>,
    pub arg: Option<ArgRepr>,
    /// COPY / ADD sources followed by destination.
    pub copy_args: Option<Vec<CopyArg>>,
    /// Everything else in dump space (FROM, USER, WORKDIR, EXPOSE, VOLUME,
    /// SHELL, STOPSIGNAL, MAINTAINER, HEALTHCHECK NONE, ONBUILD rendered child).
    pub other_args: Option<Vec<String>>,
    pub heredocs: Option<Vec<Heredoc>>,
    /// ONBUILD's sub-instruction.
    pub child: Option<Box<Inst>>,
}

/// 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Line range of a byte span (end exclusive; an end just after a newline is
/// counted on the line the newline ends).
pub fn lines_of(text: &str, start: usize, end: usize) -> (usize, usize) {
    let last = if end > start { end - 1 } else { start };
    (line_of(text, start), line_of(text, last))
}

/// BuildKit's shell-lexer quote/escape removal for one word, *without*
/// variable expansion (`$X` stays `$X`). Used only to normalise: a parser that
/// unquotes ENV/LABEL/ARG values is compared with this form of BuildKit's
/// raw value. Returns `None` on an unterminated quote.
pub fn dequote(s: &str, esc: char) -> Option<String> {
    let c: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch == '\'' {
            i += 1;
            loop {
                let x = *c.get(i)?;
                i += 1;
                if x == '\'' {
                    break;
                }
                out.push(x);
            }
        } else if ch == '"' {
            i += 1;
            loop {
                let x = *c.get(i)?;
                i += 1;
                if x == '"' {
                    break;
                }
                if x == esc {
                    match c.get(i) {
                        None => return None,
                        Some(&n) => {
                            if !(n == '"' || n == '$' || n == esc) {
                                out.push(esc);
                            }
                            out.push(n);
                            i += 1;
                        }
                    }
                } else {
                    out.push(x);
                }
            }
        } else if ch == esc {
            if let Some(&n) = c.get(i + 1) {
                out.push(n);
            }
            i += 2;
        } else {
            out.push(ch);
            i += 1;
        }
    }
    Some(out)
}

/// BuildKit's line continuation rule applied to a raw multi-line span:
/// a line whose last non-blank char is the escape char (not itself escaped)
/// continues; the escape and trailing blanks are removed, nothing is inserted;
/// comment lines and blank lines inside a continuation are dropped. The result
/// is trimmed like BuildKit trims an instruction line.
pub fn join_continuations(raw: &str, esc: char) -> String {
    let mut out = String::new();
    let mut first = true;
    for line in raw.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if !first {
            let t = line.trim_start_matches([' ', '\t']);
            if t.starts_with('#') || t.trim().is_empty() {
                continue;
            }
        }
        first = false;
        let (l, cont) = trim_continuation(line, esc);
        out.push_str(l);
        if !cont {
            break;
        }
    }
    out.trim().to_string()
}

fn trim_continuation(line: &str, esc: char) -> (&str, bool) {
    let t = line.trim_end_matches([' ', '\t']);
    if let Some(before) = t.strip_suffix(esc) {
        if before.is_empty() || !before.ends_with(esc) {
            return (before, true);
        }
    }
    (line, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn dq() {
        assert_eq!(dequote(r#""a\"b""#, '\\').unwrap(), "a\"b");
        assert_eq!(dequote(r#""a\nb""#, '\\').unwrap(), "a\\nb");
        assert_eq!(dequote(r#"'a\'"#, '\\').unwrap(), "a\\");
        assert_eq!(dequote(r#"value\ value2"#, '\\').unwrap(), "value value2");
        assert_eq!(dequote(r#""$HOME""#, '\\').unwrap(), "$HOME");
        assert!(dequote(r#""abc"#, '\\').is_none());
    }
    #[test]
    fn join() {
        assert_eq!(
            join_continuations("echo hello\\\n  world\\\n  x", '\\'),
            "echo hello  world  x"
        );
        assert_eq!(join_continuations("a \\\n# c\n\n  b", '\\'), "a   b");
        assert_eq!(join_continuations("a\\\\", '\\'), "a\\\\");
        assert_eq!(join_continuations("echo hello  \\  \nworld", '\\'), "echo hello  world");
    }
}
