//! BuildKit's line-level Dockerfile parser, ported from `moby/buildkit`
//! `frontend/dockerfile/parser` (`parser.go`, `line_parsers.go`, `split_command.go`,
//! `directives.go`, and the parts of `shell/lex.go` its heredoc detection uses).
//!
//! This module owns turning Dockerfile text into an [`Ast`]: physical lines (BOM, `\r\n`,
//! the 65535-byte limit), parser directives, line continuations with either escape
//! character, comment and blank lines inside continuations, instruction keywords, flag
//! extraction, JSON (exec form) detection, each instruction's line parser (ENV/LABEL
//! name-value triplets, ARG words, FROM/EXPOSE words, HEALTHCHECK, ONBUILD nesting, …)
//! and heredoc detection and bodies. It follows BuildKit's order of operations and
//! regular expressions; the places where it cannot or does not are listed here:
//!
//! - BuildKit stops at its first error; [`parse`] records the error and goes on with the
//!   next line, so that everything else is still parsed. An instruction whose line
//!   parser fails is left out; an instruction whose heredoc is unterminated keeps the
//!   heredocs that were terminated. After an over-long line nothing more is read, as in
//!   BuildKit.
//! - BuildKit reads flag words and the HEALTHCHECK type byte by byte, each byte as a
//!   Latin-1 character; that is reproduced (`--chown=josé` gives `--chown=josÃ©`), but
//!   where it cuts a multi-byte UTF-8 character in two, the orphaned bytes of the rest of
//!   the line become U+FFFD here (Go keeps the invalid bytes).
//! - To keep the stack bounded: ONBUILD nested more than 128 deep is an error; a line
//!   with `${…}` nested more than 128 deep is taken to open no heredoc; a JSON array
//!   nested more than 128 deep (`serde_json`'s limit; Go's is 10000) is shell form where
//!   Go would report the strings-only error. None of these is a real Dockerfile.
//! - Directive errors are reported on their physical line (BuildKit's location for them
//!   is one less, the count of lines read before).
//! - Variable names in heredoc lines are scanned with Rust's `char::is_alphabetic` and
//!   `char::is_numeric` where Go uses `unicode.IsLetter` and `unicode.IsDigit`; this
//!   changes nothing but which exotic `${…}` forms count as malformed.

use super::ast::{
    Ast, CommentLine, Directives, Heredoc, LineIndex, Node, ParseError, Parsed, Segment, Warning, go_quote, go_to_lower,
};
use super::lex::Lexer;

/// bufio.Scanner's limit: `bufio.MaxScanTokenSize - 1`.
const MAX_LINE: usize = 65535;

/// How deep ONBUILD and `${…}` may nest.
const MAX_NESTING: usize = 128;

const NOT_STRING_ARRAY: &str = "when using JSON array syntax, arrays must be comprised of strings only";

/// Parses Dockerfile text the way BuildKit's parser does (`parser.Parse`).
///
/// Never panics and never fails: where BuildKit's parser would return an error the error
/// is recorded in [`Parsed::errors`] (with a message like BuildKit's) and parsing goes on
/// with the next line, keeping every instruction that could be parsed.
///
/// ```
/// use dockwright::import::parse;
/// assert_eq!(parse("RUN echo hi\n").ast.dump(), "(run \"echo hi\")\n");
///
/// let parsed = parse("FROM alpine AS build\nCOPY --from=build [\"/a\", \"/b\"]\nENV A=1 B=\"2 3\"\n");
/// assert!(parsed.errors.is_empty());
/// assert_eq!(
///     parsed.ast.dump(),
///     "(from \"alpine\" \"AS\" \"build\")\n\
///      (copy [\"--from=build\"] \"/a\" \"/b\")\n\
///      (env \"A\" \"1\" \"=\" \"B\" \"\\\"2 3\\\"\" \"=\")\n"
/// );
///
/// let bad = parse("");
/// assert_eq!(bad.errors[0].message, "file with no instructions");
/// ```
pub fn parse(text: &str) -> Parsed {
    let mut lines = Lines::new(text);
    let mut directives = DirectiveParser::default();
    let mut info = Directives::default();
    let mut nodes: Vec<Node> = Vec::new();
    let mut errors: Vec<ParseError> = Vec::new();
    let mut warnings: Vec<Warning> = Vec::new();
    let mut current = 0usize;
    let mut comments: Vec<CommentLine> = Vec::new();

    while let Some((at, raw)) = lines.next_line() {
        let mut read = raw;
        if current == 0 {
            read = read.strip_prefix('\u{feff}').unwrap_or(read);
        }
        let read_at = at + (raw.len() - read.len());
        // processLine(d, bytesRead, true)
        let untrimmed = trim_newline(read);
        let token = trim_left_space(untrimmed);
        let token_at = read_at + (untrimmed.len() - token.len());
        let mut directive = false;
        match directives.parse_line(token) {
            Ok(Some((name, value))) => {
                directive = true;
                let key = match name {
                    DirectiveName::Escape => "escape",
                    DirectiveName::Syntax => "syntax",
                    DirectiveName::Check => "check",
                };
                info.lines.push((key, read_at..read_at + untrimmed.len()));
                match name {
                    DirectiveName::Escape => {
                        // Valid by construction (parse_line checked it).
                        info.escape = value.chars().next().unwrap_or('\\');
                    }
                    DirectiveName::Syntax => info.syntax = Some(value),
                    DirectiveName::Check => info.check = Some(value),
                }
            }
            Ok(None) => {}
            Err(message) => errors.push(ParseError { line: current + 1, message }),
        }
        if is_comment(token) && !directive {
            comments.push(CommentLine {
                line: current + 1,
                span: read_at..read_at + untrimmed.len(),
                text: untrimmed.to_string(),
                in_instruction: false,
            });
        }
        let token = if is_comment(token) { "" } else { token };
        current += 1;

        let start = current;
        let (first, mut end_of_line) = trim_continuation(token, info.escape);
        if end_of_line && first.is_empty() {
            continue;
        }
        let mut line = first.to_string();
        let mut segments = vec![Segment { logical: 0, source: token_at, len: first.len() }];
        let mut end = token_at + token.len();
        let mut empty_continuation = false;
        while !end_of_line {
            let Some((at, raw)) = lines.next_line() else {
                break;
            };
            // processLine(d, bytes, false): directives are done by now (the line that
            // started this instruction was not one), so only the newline goes.
            let token = trim_newline(raw);
            current += 1;
            end = at + token.len();
            if is_comment(raw) {
                comments.push(CommentLine {
                    line: current,
                    span: at..at + token.len(),
                    text: token.to_string(),
                    in_instruction: true,
                });
                continue;
            }
            if trim_left_space(token).is_empty() {
                empty_continuation = true;
                continue;
            }
            let (more, eol) = trim_continuation(token, info.escape);
            end_of_line = eol;
            segments.push(Segment { logical: line.len(), source: at, len: more.len() });
            line.push_str(more);
        }

        if empty_continuation {
            warnings.push(Warning { line: current, message: format!("Empty continuation line found in: {line}") });
        }

        let mut node = match node_from_line(&line, info.escape, 0) {
            Ok(node) => node,
            Err(message) => {
                errors.push(ParseError { line: start, message });
                continue;
            }
        };

        if can_contain_heredoc(&node) && line.contains("<<") {
            match heredocs_from_line(&line) {
                Err(message) => errors.push(ParseError { line: start, message }),
                Ok(docs) => {
                    for mut doc in docs {
                        let mut terminated = false;
                        let body = lines.offset();
                        while let Some((at, raw)) = lines.next_line() {
                            current += 1;
                            end = at + trim_newline(raw).len();
                            let mut candidate = trim_newline(raw);
                            if doc.chomp {
                                candidate = candidate.trim_start_matches('\t');
                            }
                            if candidate == doc.name {
                                terminated = true;
                                break;
                            }
                            doc.content.push_str(raw);
                        }
                        if !terminated {
                            errors.push(ParseError { line: start, message: "unterminated heredoc".to_string() });
                            break;
                        }
                        node.heredocs.push(doc);
                        node.heredoc_spans.push(body..end);
                    }
                }
            }
        }

        set_lines(&mut node, start, current);
        set_span(&mut node, token_at..end);
        node.segments = segments;
        nodes.push(node);
    }

    if let Some(line) = lines.too_long {
        errors
            .push(ParseError { line, message: format!("dockerfile line greater than max allowed size of {MAX_LINE}") });
    }
    if nodes.is_empty() && errors.is_empty() {
        errors.push(ParseError { line: current, message: "file with no instructions".to_string() });
    }
    info.frontend = detect_syntax(text);

    Parsed { ast: Ast { directives: info, nodes, comments, lines: LineIndex::new(text) }, errors, warnings }
}

/// Gives `node` and its nested ONBUILD instructions the bytes `span`.
fn set_span(node: &mut Node, span: std::ops::Range<usize>) {
    node.span = span.clone();
    let mut inner = node.inner.as_deref_mut();
    while let Some(n) = inner {
        n.span = span.clone();
        inner = n.inner.as_deref_mut();
    }
}

/// BuildKit's `DetectSyntax` (`directives.go`): the frontend image a file asks for. After a
/// byte-order mark and a `#!` first line are dropped, the `syntax` directive is looked for in
/// the leading `#` lines (`#` at the very start of the line), then in leading `//` lines, then
/// as the `syntax` key of a file that is a JSON object; only the value's first word is the
/// image.
///
/// ```
/// use dockwright::import::parser::detect_syntax;
///
/// assert_eq!(detect_syntax("# syntax = docker/dockerfile:1.7 \nFROM x\n").as_deref(), Some("docker/dockerfile:1.7"));
/// assert_eq!(detect_syntax("\u{feff}#!/bin/x\n//syntax=a/b\n").as_deref(), Some("a/b"));
/// assert_eq!(detect_syntax("{\"syntax\": \"a/b\"}").as_deref(), Some("a/b"));
/// assert_eq!(detect_syntax(" # syntax=a/b\nFROM x\n"), None);
/// assert_eq!(detect_syntax("# hello\n# syntax=a/b\n"), None);
/// ```
#[must_use]
pub fn detect_syntax(text: &str) -> Option<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    let text = if first.starts_with("#!") { rest } else { text };
    let first_word = |value: &str| value.split(' ').next().unwrap_or("").to_string();
    for prefix in ["#", "//"] {
        let mut parser = DirectiveParser::default();
        for line in text.split('\n') {
            // bufio.ScanLines drops one carriage return; longer lines stop the scanner.
            let line = line.strip_suffix('\r').unwrap_or(line);
            if parser.done || line.len() > MAX_LINE {
                break;
            }
            match parser.parse_prefixed(line, prefix) {
                Ok(Some((DirectiveName::Syntax, value))) => return Some(first_word(&value)),
                Ok(_) => {}
                Err(_) => break,
            }
        }
    }
    let object = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text).ok()?;
    match object.get("syntax") {
        Some(serde_json::Value::String(value)) => Some(first_word(value)),
        _ => None,
    }
}

/// Gives `node` and its nested ONBUILD instructions the lines `start..=end`.
fn set_lines(node: &mut Node, start: usize, end: usize) {
    node.start_line = start;
    node.end_line = end;
    let mut inner = node.inner.as_deref_mut();
    while let Some(n) = inner {
        n.start_line = start;
        n.end_line = end;
        inner = n.inner.as_deref_mut();
    }
}

/// Physical lines as BuildKit's scanner (`scanLines`) gives them: each with its `\n`,
/// the last one possibly without, and the byte it starts at. A line longer than
/// [`MAX_LINE`] bytes (its `\n` not counted) ends the input, as `bufio.ErrTooLong` does.
struct Lines<'a> {
    rest: &'a str,
    /// The byte `rest` starts at.
    offset: usize,
    count: usize,
    /// The 1-based line that was too long, if one was.
    too_long: Option<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Lines { rest: text, offset: 0, count: 0, too_long: None }
    }

    /// The byte the next line starts at.
    fn offset(&self) -> usize {
        self.offset
    }

    fn next_line(&mut self) -> Option<(usize, &'a str)> {
        if self.rest.is_empty() || self.too_long.is_some() {
            return None;
        }
        let (content_len, line_len) = match self.rest.find('\n') {
            Some(i) => (i, i + 1),
            None => (self.rest.len(), self.rest.len()),
        };
        if content_len > MAX_LINE {
            self.too_long = Some(self.count + 1);
            return None;
        }
        let (line, rest) = self.rest.split_at(line_len);
        let at = self.offset;
        self.rest = rest;
        self.offset += line_len;
        self.count += 1;
        Some((at, line))
    }
}

/// `bytes.TrimRight(line, "\r\n")`.
fn trim_newline(line: &str) -> &str {
    line.trim_end_matches(['\r', '\n'])
}

/// `bytes.TrimLeftFunc(line, unicode.IsSpace)`; Rust's `char::is_whitespace` is the same
/// set as Go's `unicode.IsSpace`.
fn trim_left_space(line: &str) -> &str {
    line.trim_start_matches(char::is_whitespace)
}

/// `isComment`: the first non-space character is `#`.
fn is_comment(line: &str) -> bool {
    trim_left_space(line).starts_with('#')
}

/// `trimContinuationCharacter`: the regex `([^E])E[ \t]*$|^E[ \t]*$` (E the escape
/// character) replaced by `$1`. Returns the line and whether the instruction ends here.
/// An escape character preceded by another one does not continue the line.
fn trim_continuation(line: &str, escape: char) -> (&str, bool) {
    let body = line.trim_end_matches([' ', '\t']);
    let Some(before) = body.strip_suffix(escape) else {
        return (line, true);
    };
    match before.chars().next_back() {
        None => ("", false),
        Some(c) if c != escape => (before, false),
        Some(_) => (line, true),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DirectiveName {
    Syntax,
    Escape,
    Check,
}

/// BuildKit's `DirectiveParser` with the `#` comment prefix.
#[derive(Debug, Default)]
struct DirectiveParser {
    done: bool,
    seen: Vec<DirectiveName>,
}

impl DirectiveParser {
    /// `ParseLine` + `setEscapeToken`: the directive `line` holds, if it is one.
    fn parse_line(&mut self, line: &str) -> Result<Option<(DirectiveName, String)>, String> {
        self.parse_prefixed(line, "#")
    }

    /// `ParseLine` with the comment prefix `prefix` (`SetComment`).
    fn parse_prefixed(&mut self, line: &str, prefix: &str) -> Result<Option<(DirectiveName, String)>, String> {
        if self.done {
            return Ok(None);
        }
        let Some(rest) = line.strip_prefix(prefix) else {
            self.done = true;
            return Ok(None);
        };
        let Some((key, value)) = match_directive(trim_left_space(rest)) else {
            self.done = true;
            return Ok(None);
        };
        let name = match key.to_ascii_lowercase().as_str() {
            "syntax" => DirectiveName::Syntax,
            "escape" => DirectiveName::Escape,
            "check" => DirectiveName::Check,
            _ => {
                self.done = true;
                return Ok(None);
            }
        };
        if self.seen.contains(&name) {
            return Err(format!("only one {} parser directive can be used", key.to_ascii_lowercase()));
        }
        self.seen.push(name);
        if name == DirectiveName::Escape && value != "`" && value != "\\" {
            return Err(format!("invalid escape token '{value}' does not match ` or \\"));
        }
        Ok(Some((name, value.to_string())))
    }
}

/// Go's regexp `\s`: `[\t\n\f\r ]`.
fn is_re_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\u{c}' | '\r' | ' ')
}

/// `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` on `line`: the key and the value.
fn match_directive(line: &str) -> Option<(&str, &str)> {
    if !line.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let key_end = line.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(line.len());
    let (key, after_key) = line.split_at(key_end);
    let after_eq = after_key.trim_start_matches(is_re_space).strip_prefix('=')?;
    // `\s*` is greedy and `(.+?)` lazy: the value runs from the first non-space
    // character to the last one; if only spaces follow `=`, it is the last of them.
    let value_start = after_eq.trim_start_matches(is_re_space);
    let value = if value_start.is_empty() {
        let last = after_eq.chars().next_back()?;
        after_eq.get(after_eq.len() - last.len_utf8()..)?
    } else {
        value_start.trim_end_matches(is_re_space)
    };
    // `.` does not match a newline; `\s*$` may, but only at the end.
    if value.contains('\n') {
        return None;
    }
    Some((key, value))
}

/// `newNodeFromLine`: splits the command, its flags and its arguments and runs the
/// instruction's line parser.
fn node_from_line(line: &str, escape: char, depth: usize) -> Result<Node, String> {
    let (cmd, flags, rest) = split_command(line, escape);
    let keyword = go_to_lower(&cmd);
    let mut inner = None;
    let mut json = false;
    let args = match keyword.as_str() {
        "add" | "copy" | "volume" => {
            let (args, is_json) = maybe_json_to_list(&rest)?;
            json = is_json;
            args
        }
        "arg" => parse_words(&rest, escape),
        "cmd" | "entrypoint" | "run" | "shell" => {
            let (args, is_json) = maybe_json(&rest)?;
            json = is_json;
            args
        }
        "env" => name_val(&rest, "ENV", escape)?,
        "label" => name_val(&rest, "LABEL", escape)?,
        "expose" | "from" => strings_whitespace_delimited(&rest),
        "healthcheck" => {
            let (args, is_json) = health_config(&rest)?;
            json = is_json;
            args
        }
        "maintainer" | "stopsignal" | "user" | "workdir" => {
            if rest.is_empty() {
                Vec::new()
            } else {
                vec![rest.clone()]
            }
        }
        "onbuild" => {
            if !rest.is_empty() {
                if depth >= MAX_NESTING {
                    return Err(format!("ONBUILD nested more than {MAX_NESTING} levels deep"));
                }
                inner = Some(Box::new(node_from_line(&rest, escape, depth + 1)?));
            }
            Vec::new()
        }
        // parseIgnore: BuildKit keeps the node, with one empty argument node.
        _ => vec![String::new()],
    };
    Ok(Node {
        keyword,
        flags,
        args,
        inner,
        json,
        heredocs: Vec::new(),
        original: line.to_string(),
        start_line: 0,
        end_line: 0,
        span: 0..0,
        segments: Vec::new(),
        heredoc_spans: Vec::new(),
    })
}

/// `reWhitespace`: `[\t\v\f\r ]`.
fn is_ascii_ws(c: char) -> bool {
    matches!(c, '\t' | '\u{b}' | '\u{c}' | '\r' | ' ')
}

/// Go's `reWhitespace.Split(s, n)` (`n` is `None` for -1), with its quirks: an empty
/// string gives `[""]`, leading or trailing white space gives an empty first or last
/// part.
fn split_whitespace_go(s: &str, n: Option<usize>) -> Vec<&str> {
    if s.is_empty() {
        return vec![""];
    }
    // The matches: maximal runs of white space, at most n of them.
    let mut matches: Vec<(usize, usize)> = Vec::new();
    let mut iter = s.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if n.is_some_and(|n| matches.len() >= n) {
            break;
        }
        if is_ascii_ws(c) {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = iter.peek() {
                if !is_ascii_ws(d) {
                    break;
                }
                end = j + d.len_utf8();
                iter.next();
            }
            matches.push((i, end));
        }
    }
    let mut parts = Vec::new();
    let (mut beg, mut end) = (0usize, 0usize);
    for (m_start, m_end) in matches {
        if n.is_some_and(|n| parts.len() + 1 == n) {
            break;
        }
        end = m_start;
        if m_end != 0 {
            parts.push(s.get(beg..end).unwrap_or(""));
        }
        beg = m_end;
    }
    if end != s.len() {
        parts.push(s.get(beg..).unwrap_or(""));
    }
    parts
}

/// `splitCommand`: the command word, the flags, and the trimmed rest.
fn split_command(line: &str, escape: char) -> (String, Vec<String>, String) {
    let parts = split_whitespace_go(line.trim(), Some(2));
    let cmd = parts.first().copied().unwrap_or("").to_string();
    match parts.get(1) {
        Some(rest) => {
            let (args, flags) = extract_builder_flags(rest, escape);
            (cmd, flags, args.trim().to_string())
        }
        None => (cmd, Vec::new(), String::new()),
    }
}

/// Go's `unicode.IsSpace(rune(b))` for a byte read as a Latin-1 character.
fn is_latin1_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | 0x85 | 0xa0)
}

/// `extractBuilderFlags`: the leading `--` words (quotes removed, the escape character
/// applied, a bare `--` ending them and dropped) and the rest of the line. Bytes are
/// read one at a time as Latin-1 characters, as BuildKit does.
fn extract_builder_flags(line: &str, escape: char) -> (String, Vec<String>) {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let bytes = line.as_bytes();
    let rest_from = |pos: usize| String::from_utf8_lossy(bytes.get(pos..).unwrap_or(&[])).into_owned();
    // The escape character is `\` or `` ` ``, both ASCII.
    let escape = u8::try_from(u32::from(escape)).unwrap_or(b'\\');
    let mut words: Vec<String> = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut quote = 0u8;
    let mut blank_ok = false;
    let mut pos = 0usize;
    let len = bytes.len();
    while pos <= len {
        let ch = bytes.get(pos).copied().unwrap_or(0);
        if phase == Phase::Spaces {
            if pos == len {
                break;
            }
            if is_latin1_space(ch) {
                pos += 1;
                continue;
            }
            if ch != b'-' || bytes.get(pos + 1) != Some(&b'-') {
                return (rest_from(pos), words);
            }
            phase = Phase::Word;
        }
        if pos == len {
            if word != "--" && (blank_ok || !word.is_empty()) {
                words.push(word);
            }
            break;
        }
        if phase == Phase::Word {
            if is_latin1_space(ch) {
                phase = Phase::Spaces;
                if word == "--" {
                    return (rest_from(pos), words);
                }
                if blank_ok || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                word.clear();
                blank_ok = false;
                pos += 1;
                continue;
            }
            if ch == b'\'' || ch == b'"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
                pos += 1;
                continue;
            }
            let mut c = ch;
            if ch == escape {
                if pos + 1 == len {
                    pos += 1;
                    continue;
                }
                pos += 1;
                c = bytes.get(pos).copied().unwrap_or(0);
            }
            word.push(char::from(c));
            pos += 1;
            continue;
        }
        // In quotes.
        if ch == quote {
            phase = Phase::Word;
            pos += 1;
            continue;
        }
        let mut c = ch;
        if ch == escape {
            if pos + 1 == len {
                phase = Phase::Word;
                pos += 1;
                continue;
            }
            pos += 1;
            c = bytes.get(pos).copied().unwrap_or(0);
        }
        word.push(char::from(c));
        pos += 1;
    }
    (String::new(), words)
}

/// `parseWords`: words separated by white space outside quotes, quotes and escape
/// characters kept (an escape character at the very end dropped).
fn parse_words(rest: &str, escape: char) -> Vec<String> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let chars: Vec<char> = rest.chars().collect();
    let len = chars.len();
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut pos = 0usize;
    while pos <= len {
        let ch = chars.get(pos).copied().unwrap_or('\0');
        if phase == Phase::Spaces {
            if pos == len {
                break;
            }
            if ch.is_whitespace() {
                pos += 1;
                continue;
            }
            phase = Phase::Word;
        }
        if pos == len {
            if blank_ok || !word.is_empty() {
                words.push(word);
            }
            break;
        }
        if phase == Phase::Word {
            if ch.is_whitespace() {
                phase = Phase::Spaces;
                if blank_ok || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                word.clear();
                blank_ok = false;
                pos += 1;
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
            }
            let mut c = ch;
            if ch == escape {
                if pos + 1 == len {
                    pos += 1;
                    continue;
                }
                word.push(ch);
                pos += 1;
                c = chars.get(pos).copied().unwrap_or('\0');
            }
            word.push(c);
            pos += 1;
            continue;
        }
        // In quotes.
        if ch == quote {
            phase = Phase::Word;
        }
        let mut c = ch;
        if ch == escape && quote != '\'' {
            if pos + 1 == len {
                phase = Phase::Word;
                pos += 1;
                continue;
            }
            pos += 1;
            word.push(ch);
            c = chars.get(pos).copied().unwrap_or('\0');
        }
        word.push(c);
        pos += 1;
    }
    words
}

/// `parseNameVal` (ENV, LABEL): `key, value, "="` per `key=value` word, or the legacy
/// `key value-rest-of-line` form as `key, value, ""`.
fn name_val(rest: &str, key: &str, escape: char) -> Result<Vec<String>, String> {
    let words = parse_words(rest, escape);
    let Some(first) = words.first() else {
        return Ok(Vec::new());
    };
    if !first.contains('=') {
        let parts = split_whitespace_go(rest, Some(2));
        return match (parts.first(), parts.get(1)) {
            (Some(k), Some(v)) => Ok(vec![k.to_string(), v.to_string(), String::new()]),
            _ => Err(format!("{key} must have two arguments")),
        };
    }
    let mut out = Vec::with_capacity(words.len() * 3);
    for word in &words {
        let Some((k, v)) = word.split_once('=') else {
            return Err(format!("Syntax error - can't find = in {}. Must be of the form: name=value", go_quote(word)));
        };
        out.push(k.to_string());
        out.push(v.to_string());
        out.push("=".to_string());
    }
    Ok(out)
}

/// `parseStringsWhitespaceDelimited`.
fn strings_whitespace_delimited(rest: &str) -> Vec<String> {
    if rest.is_empty() {
        return Vec::new();
    }
    split_whitespace_go(rest, None).into_iter().map(str::to_string).collect()
}

/// What `parseJSON` makes of an argument text.
enum JsonArgs {
    /// A JSON array of strings.
    Strings(Vec<String>),
    /// Valid JSON with an element that is not a string: an error.
    NotStrings,
    /// Anything else: not exec form.
    Invalid,
}

/// `parseJSON`: left-trimmed text starting with `[` that is, as a whole, a JSON array
/// (Go's `json.Unmarshal`; lone surrogate escapes decode to U+FFFD as in Go).
fn parse_json(rest: &str) -> JsonArgs {
    let rest = rest.trim_start();
    if !rest.starts_with('[') {
        return JsonArgs::Invalid;
    }
    let text = replace_lone_surrogates(rest);
    let Ok(values) = serde_json::from_str::<Vec<serde_json::Value>>(&text) else {
        return JsonArgs::Invalid;
    };
    let mut out = Vec::with_capacity(values.len());
    for value in values {
        match value {
            serde_json::Value::String(s) => out.push(s),
            _ => return JsonArgs::NotStrings,
        }
    }
    JsonArgs::Strings(out)
}

/// Rewrites `\uXXXX` escapes of UTF-16 surrogates that do not form a pair into
/// `\uFFFD`, which is what Go's decoder makes of them (`serde_json` refuses them).
fn replace_lone_surrogates(text: &str) -> String {
    fn hex4(chars: &[char], at: usize) -> Option<u32> {
        if chars.get(at) != Some(&'\\') || chars.get(at + 1) != Some(&'u') {
            return None;
        }
        let mut n = 0u32;
        for i in 0..4 {
            n = n * 16 + chars.get(at + 2 + i)?.to_digit(16)?;
        }
        Some(n)
    }
    if !text.contains("\\u") {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut i = 0usize;
    while let Some(&c) = chars.get(i) {
        if !in_string {
            if c == '"' {
                in_string = true;
            }
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '"' => {
                in_string = false;
                out.push(c);
                i += 1;
            }
            '\\' => match hex4(&chars, i) {
                Some(unit) if (0xd800..0xe000).contains(&unit) => {
                    let paired = (0xd800..0xdc00).contains(&unit)
                        && hex4(&chars, i + 6).is_some_and(|low| (0xdc00..0xe000).contains(&low));
                    if paired {
                        out.extend(chars.get(i..i + 12).unwrap_or(&[]));
                        i += 12;
                    } else {
                        out.push_str("\\uFFFD");
                        i += 6;
                    }
                }
                _ => {
                    // Any other escape: copy it and the character it escapes.
                    out.push(c);
                    if let Some(&next) = chars.get(i + 1) {
                        out.push(next);
                    }
                    i += 2;
                }
            },
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// `parseMaybeJSON`: a JSON array of strings, or the whole text as one argument.
fn maybe_json(rest: &str) -> Result<(Vec<String>, bool), String> {
    if rest.is_empty() {
        return Ok((Vec::new(), false));
    }
    match parse_json(rest) {
        JsonArgs::Strings(args) => Ok((args, true)),
        JsonArgs::NotStrings => Err(NOT_STRING_ARRAY.to_string()),
        JsonArgs::Invalid => Ok((vec![rest.to_string()], false)),
    }
}

/// `parseMaybeJSONToList`: a JSON array of strings, or the text split at white space.
fn maybe_json_to_list(rest: &str) -> Result<(Vec<String>, bool), String> {
    match parse_json(rest) {
        JsonArgs::Strings(args) => Ok((args, true)),
        JsonArgs::NotStrings => Err(NOT_STRING_ARRAY.to_string()),
        JsonArgs::Invalid => Ok((strings_whitespace_delimited(rest), false)),
    }
}

/// `parseHealthConfig`: the type word (`CMD`, `NONE`, …), then the rest as
/// `parseMaybeJSON`. The type's end is found byte by byte, as BuildKit does.
fn health_config(rest: &str) -> Result<(Vec<String>, bool), String> {
    let bytes = rest.as_bytes();
    let sep = bytes.iter().position(|&b| is_latin1_space(b)).unwrap_or(bytes.len());
    if sep == 0 {
        return Ok((Vec::new(), false));
    }
    let next = bytes
        .get(sep..)
        .and_then(|tail| tail.iter().position(|&b| !is_latin1_space(b)))
        .map_or(bytes.len(), |p| sep + p);
    let kind = String::from_utf8_lossy(bytes.get(..sep).unwrap_or(&[])).into_owned();
    let command = String::from_utf8_lossy(bytes.get(next..).unwrap_or(&[])).into_owned();
    let (cmd, json) = maybe_json(&command)?;
    let mut args = Vec::with_capacity(cmd.len() + 1);
    args.push(kind);
    args.extend(cmd);
    Ok((args, json))
}

/// `canContainHeredoc`: RUN, COPY or ADD (also as ONBUILD's instruction), not in JSON
/// form.
fn can_contain_heredoc(node: &Node) -> bool {
    let n = if node.keyword == "onbuild" { node.inner.as_deref().unwrap_or(node) } else { node };
    matches!(n.keyword.as_str(), "add" | "copy" | "run") && !n.json
}

/// BuildKit's lexer as heredoc detection configures it: escape `\\` whatever the file's escape
/// directive, no variables set, and references to them kept as written (`SkipUnsetEnv`).
fn heredoc_lexer() -> Lexer {
    Lexer::new('\\').skip_unset_env(true)
}

/// `heredocsFromLine`: the line lexed into words with quotes and escapes kept (a lexing
/// error means no heredocs), each word tried as a heredoc opener.
fn heredocs_from_line(line: &str) -> Result<Vec<Heredoc>, String> {
    let words = heredoc_lexer().raw_quotes(true).raw_escapes(true).process_words(line, &|_| None).unwrap_or_default();
    let mut docs = Vec::new();
    for word in words {
        if let Some(doc) = parse_heredoc(&word)? {
            docs.push(doc);
        }
    }
    Ok(docs)
}

/// `ParseHeredoc`: `^(\d*)<<(-?)\s*([^<]*)$` on `word`, the rest lexed once without and
/// once with quotes to find the name and whether any of it was quoted.
fn parse_heredoc(word: &str) -> Result<Option<Heredoc>, String> {
    let digits_len = word.len() - word.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let (digits, after) = word.split_at(digits_len);
    let Some(after) = after.strip_prefix("<<") else {
        return Ok(None);
    };
    let (chomp, after) = match after.strip_prefix('-') {
        Some(a) => (true, a),
        None => (false, after),
    };
    let rest = after.trim_start_matches(is_re_space);
    if rest.contains('<') || rest.is_empty() {
        return Ok(None);
    }
    let file_descriptor = if digits.is_empty() { 0 } else { digits.parse::<u32>().unwrap_or(u32::MAX) };
    let words = heredoc_lexer().process_words(rest, &|_| None).map_err(|e| e.to_string())?;
    let [name] = words.as_slice() else {
        return Ok(None);
    };
    let raw = heredoc_lexer().raw_quotes(true).process_words(rest, &|_| None).map_err(|e| e.to_string())?;
    let [raw_name] = raw.as_slice() else {
        return Err(format!("internal lexing of heredoc produced inconsistent results: {rest}"));
    };
    let quotes = |s: &str| s.chars().filter(|&c| c == '\'' || c == '"').count();
    Ok(Some(Heredoc {
        name: name.clone(),
        content: String::new(),
        expand: quotes(name) == quotes(raw_name),
        chomp,
        file_descriptor,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_whitespace_matches_go() {
        assert_eq!(split_whitespace_go("", None), [""]);
        assert_eq!(split_whitespace_go("a", Some(2)), ["a"]);
        assert_eq!(split_whitespace_go("a  b c", Some(2)), ["a", "b c"]);
        assert_eq!(split_whitespace_go("a  b c", None), ["a", "b", "c"]);
        assert_eq!(split_whitespace_go("a ", None), ["a", ""]);
        assert_eq!(split_whitespace_go(" a", None), ["", "a"]);
        assert_eq!(split_whitespace_go("a\u{a0}b\nc", None), ["a\u{a0}b\nc"]);
    }

    #[test]
    fn directive_regex() {
        assert_eq!(match_directive("escape=`"), Some(("escape", "`")));
        assert_eq!(match_directive("escape = ` "), Some(("escape", "`")));
        assert_eq!(match_directive("escape=  "), Some(("escape", " ")));
        assert_eq!(match_directive("escape="), None);
        assert_eq!(match_directive("1x=y"), None);
        assert_eq!(match_directive("syntax = a b "), Some(("syntax", "a b")));
        assert_eq!(match_directive("k-e=y"), None);
    }

    #[test]
    fn heredoc_words() {
        for src in
            ["<<EOF", "<<'EOF'", "<<\"EOF\"", "<<-EOF", "<<-'EOF'", "<<-\"EOF\"", "<<EO\"F\"", "<< EOF", "<<- EOF"]
        {
            let doc = parse_heredoc(src).ok().flatten().map(|d| d.name);
            assert_eq!(doc.as_deref(), Some("EOF"), "{src}");
        }
        for src in ["<<'EOF", "<<\"EOF", "<<EOF'", "<<EOF\""] {
            assert!(parse_heredoc(src).is_err(), "{src}");
        }
        for src in ["", "EOF", "<<", "<<-", "<EOF", "<<<EOF", "<<EOF sh"] {
            assert_eq!(parse_heredoc(src), Ok(None), "{src}");
        }
    }

    #[test]
    fn heredocs_in_lines() {
        let names = |line: &str| -> Vec<String> {
            heredocs_from_line(line).unwrap_or_default().into_iter().map(|d| d.name).collect()
        };
        assert_eq!(names("RUN <<EOF"), ["EOF"]);
        assert_eq!(names("RUN <<-EOF"), ["EOF"]);
        // Upstream's TestHeredocsFromLine lists `<<- EOF` as `EOF`, but its loop checks
        // nothing when no heredoc is found: the lexer keeps only white space right after
        // `<<` in the word, so `<<-` and `EOF` are two words and neither is a heredoc.
        assert!(names("RUN <<- EOF").is_empty());
        assert_eq!(names("RUN << -EOF"), ["-EOF"]);
        assert_eq!(names("RUN <<'EOF'"), ["EOF"]);
        assert_eq!(names("RUN 4<<EOF"), ["EOF"]);
        assert_eq!(names("RUN <<EOF <<EOF2"), ["EOF", "EOF2"]);
        assert!(names("RUN '<<EOF'").is_empty());
        assert!(names("RUN \"<<EOF\"").is_empty());
        assert_eq!(names("RUN <<$EOF"), ["$EOF"]);
    }

    #[test]
    fn flags_are_latin1() {
        let (rest, flags) = extract_builder_flags("--chown=jos\u{e9} a b", '\\');
        assert_eq!(flags, ["--chown=jos\u{c3}\u{a9}"]);
        assert_eq!(rest, "a b");
    }

    #[test]
    fn lone_surrogates() {
        assert_eq!(replace_lone_surrogates(r#"["\ud800"]"#), r#"["\uFFFD"]"#);
        assert_eq!(replace_lone_surrogates(r#"["\ud83d\ude00"]"#), r#"["\ud83d\ude00"]"#);
        assert_eq!(replace_lone_surrogates(r#"["\\ud800"]"#), r#"["\\ud800"]"#);
        assert_eq!(replace_lone_surrogates(r#"["\udc00\ud800\udc00"]"#), r#"["\uFFFD\ud800\udc00"]"#);
    }
}
