//! Words as written: where they are in an instruction's text, and what BuildKit's lexer makes of them
//! with the variables left as references.

use std::cell::RefCell;
use std::ops::Range;

use crate::import::lex::Lexer;

/// One piece of a lexed word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Piece {
    /// Text that reaches the builder as it is.
    Literal(String),
    /// `$NAME` or `${NAME}`: the value of a variable when the builder expands the word.
    Var(String),
}

/// Why a word cannot be read as literal text and plain variable references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Unreadable {
    /// `${NAME:-…}`, `${NAME#…}`, `${NAME/…}` and the other modifier forms.
    Modifier,
    /// The lexer rejects the word (unterminated quote, bad substitution); BuildKit's message.
    Lex(String),
    /// The word holds a character this reader uses as a marker (U+E000 or U+E001).
    Marker,
}

const OPEN: char = '\u{e000}';
const CLOSE: char = '\u{e001}';

/// What BuildKit's lexer makes of `word` (quotes removed, escapes applied) with each variable kept
/// as a reference. The lexer itself does the reading: every variable it looks up is given a marker
/// value, and the markers are turned back into references.
pub(super) fn lex(word: &str, escape: char) -> Result<Vec<Piece>, Unreadable> {
    if word.contains([OPEN, CLOSE]) {
        return Err(Unreadable::Marker);
    }
    if has_modifier(word, escape) {
        return Err(Unreadable::Modifier);
    }
    let names: RefCell<Vec<String>> = RefCell::new(Vec::new());
    let env = |name: &str| {
        let mut names = names.borrow_mut();
        names.push(name.to_string());
        Some(format!("{OPEN}{}{CLOSE}", names.len() - 1))
    };
    let text = Lexer::new(escape).process_word(word, &env).map_err(|err| Unreadable::Lex(err.to_string()))?;
    let names = names.into_inner();
    let mut pieces = Vec::new();
    let mut rest = text.as_str();
    while let Some(open) = rest.find(OPEN) {
        if open > 0 {
            pieces.push(Piece::Literal(rest[..open].to_string()));
        }
        let after = &rest[open + OPEN.len_utf8()..];
        let close = after.find(CLOSE).unwrap_or(after.len());
        let name = after[..close].parse::<usize>().ok().and_then(|index| names.get(index)).cloned().unwrap_or_default();
        pieces.push(Piece::Var(name));
        rest = after.get(close + CLOSE.len_utf8()..).unwrap_or("");
    }
    if !rest.is_empty() {
        pieces.push(Piece::Literal(rest.to_string()));
    }
    Ok(pieces)
}

/// The literal text of `word` after the lexer, when it reads no variable.
pub(super) fn literal(word: &str, escape: char) -> Option<String> {
    let pieces = lex(word, escape).ok()?;
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Literal(text) => out.push_str(&text),
            Piece::Var(_) => return None,
        }
    }
    Some(out)
}

/// Whether `word` holds `${NAME` followed by anything but `}` outside single quotes and escapes: a
/// modifier form the model cannot hold. Conservative: a modifier inside something the lexer would
/// take literally still counts.
fn has_modifier(word: &str, escape: char) -> bool {
    let chars: Vec<char> = word.chars().collect();
    let mut in_double = false;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c == escape {
            i += 2;
            continue;
        }
        if c == '\'' && !in_double {
            i += 1;
            while chars.get(i).is_some_and(|&c| c != '\'') {
                i += 1;
            }
            i += 1;
            continue;
        }
        if c == '"' {
            in_double = !in_double;
        }
        if c == '$' && chars.get(i + 1) == Some(&'{') {
            let mut j = i + 2;
            while chars.get(j).is_some_and(|c| c.is_alphanumeric() || *c == '_') {
                j += 1;
            }
            if chars.get(j) != Some(&'}') {
                return true;
            }
        }
        i += 1;
    }
    false
}

/// The words of `text` from byte `from` on, as byte ranges: separated by white space outside quotes,
/// the escape character keeping the next character in its word (BuildKit's `parseWords` layout).
pub(super) fn words(text: &str, from: usize, escape: char) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut chars = text.get(from..).unwrap_or("").char_indices().map(|(at, c)| (at + from, c)).peekable();
    while let Some((at, c)) = chars.next() {
        if quote.is_none() && c.is_whitespace() {
            if let Some(begin) = start.take() {
                out.push(begin..at);
            }
            continue;
        }
        if start.is_none() {
            start = Some(at);
        }
        match quote {
            Some(q) if c == q => quote = None,
            Some('\'') => {}
            _ if c == escape => {
                chars.next();
            }
            None if c == '\'' || c == '"' => quote = Some(c),
            _ => {}
        }
    }
    if let Some(begin) = start {
        out.push(begin..text.len());
    }
    out
}

/// The string elements of the JSON array that starts at byte `from` of `text`, as byte ranges with
/// their quotes.
pub(super) fn json_strings(text: &str, from: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        if bytes[i] == b'"' {
            let start = i;
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                if bytes[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            out.push(start..(i + 1).min(bytes.len()));
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(word: &str) -> Result<Vec<Piece>, Unreadable> {
        lex(word, '\\')
    }

    #[test]
    fn variables_stay_references() {
        let lit = |s: &str| Piece::Literal(s.to_string());
        let var = |s: &str| Piece::Var(s.to_string());
        assert_eq!(pieces("/opt/${APP}/bin:$PATH"), Ok(vec![lit("/opt/"), var("APP"), lit("/bin:"), var("PATH")]));
        assert_eq!(pieces(r#""a b"'$X'\$Y"#), Ok(vec![lit("a b$X$Y")]));
        assert_eq!(pieces(r#""$X""#), Ok(vec![var("X")]));
        assert_eq!(pieces("$1"), Ok(vec![var("1")]));
        assert_eq!(pieces("${X:-a}"), Err(Unreadable::Modifier));
        assert_eq!(pieces("${X#a}"), Err(Unreadable::Modifier));
        assert_eq!(pieces("'${X:-a}'"), Ok(vec![lit("${X:-a}")]));
        assert!(matches!(pieces("'open"), Err(Unreadable::Lex(_))));
        assert_eq!(pieces("\u{e000}"), Err(Unreadable::Marker));
        assert_eq!(lex("a`$b", '`'), Ok(vec![lit("a$b")]));
        assert_eq!(literal("x$Y", '\\'), None);
        assert_eq!(literal("\"x y\"", '\\').as_deref(), Some("x y"));
    }

    #[test]
    fn word_ranges() {
        let text = r#"ENV A="x y" B=\ c  'd e'"#;
        let got: Vec<&str> = words(text, 3, '\\').into_iter().map(|r| &text[r]).collect();
        assert_eq!(got, ["A=\"x y\"", "B=\\ c", "'d e'"]);
        let text = r#"CMD ["a\"b", "c"]"#;
        let got: Vec<&str> = json_strings(text, 4).into_iter().map(|r| &text[r]).collect();
        assert_eq!(got, [r#""a\"b""#, r#""c""#]);
    }
}
