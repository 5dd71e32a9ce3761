//! The syntax tree BuildKit's Dockerfile parser builds, and its text dump.
//!
//! This module owns the data types the [`parse`](super::parse) function returns
//! ([`Parsed`], [`Ast`], [`Node`], [`Heredoc`], [`Directives`], [`ParseError`],
//! [`Warning`]) and BuildKit's `Node.Dump()` rendering of them ([`Node::dump`],
//! [`Ast::dump`]), including a port of Go's `strconv.Quote` so that dumps are byte for
//! byte what BuildKit writes in its parser golden files (`testfiles/*/result`).
//!
//! It also owns where things came from: byte spans of instructions, heredoc bodies and
//! comment lines ([`Node::span`], [`Segment`], [`CommentLine`]) and the [`LineIndex`] that
//! turns a byte offset into a line and column. BuildKit's dump ignores them.

use std::fmt;
use std::ops::Range;

/// Parser directives found at the top of the file (`# syntax=…`, `# escape=…`,
/// `# check=…`).
///
/// Directives are only recognised in the comment lines before anything else; the first
/// line that is not a known directive ends them (BuildKit's `DirectiveParser`).
///
/// ```
/// let parsed = dockwright::import::parse("# syntax=docker/dockerfile:1\n# escape=`\nFROM x\n");
/// let d = &parsed.ast.directives;
/// assert_eq!(d.escape, '`');
/// assert_eq!(d.syntax.as_deref(), Some("docker/dockerfile:1"));
/// assert_eq!(d.check, None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directives {
    /// The escape character: `\` (the default) or `` ` ``. It ends continued lines and
    /// escapes characters in words and flags.
    pub escape: char,
    /// The value of a `# syntax=` directive, trimmed, if there was one.
    pub syntax: Option<String>,
    /// The value of a `# check=` directive, trimmed, if there was one.
    pub check: Option<String>,
    /// The frontend image BuildKit's `DetectSyntax` selects for this file: the first word of a
    /// `syntax` directive written at the very start of a line (after an optional byte-order mark
    /// and `#!` line), or `None` when the built-in frontend reads the file. The parser also takes
    /// an indented `  # syntax=…` as a directive, but that one selects nothing.
    ///
    /// ```
    /// let parsed = dockwright::import::parse("  # syntax=docker/dockerfile:1\nFROM x\n");
    /// assert_eq!(parsed.ast.directives.syntax.as_deref(), Some("docker/dockerfile:1"));
    /// assert_eq!(parsed.ast.directives.frontend, None);
    ///
    /// let parsed = dockwright::import::parse("#!/usr/bin/env buildctl\n# syntax=docker/dockerfile:1 x=y\nFROM x\n");
    /// assert_eq!(parsed.ast.directives.syntax, None);
    /// assert_eq!(parsed.ast.directives.frontend.as_deref(), Some("docker/dockerfile:1"));
    /// ```
    pub frontend: Option<String>,
    /// Each line read as a directive: the directive's name (`syntax`, `escape` or `check`) and the
    /// line's bytes (line break excluded), in order.
    ///
    /// ```
    /// let parsed = dockwright::import::parse("# escape=`\n#CHECK=error=true\nFROM x\n");
    /// assert_eq!(parsed.ast.directives.lines, [("escape", 0..10), ("check", 11..28)]);
    /// ```
    pub lines: Vec<(&'static str, std::ops::Range<usize>)>,
}

impl Default for Directives {
    /// No directives: escape `\`, no syntax, no check.
    ///
    /// ```
    /// let d = dockwright::import::Directives::default();
    /// assert_eq!((d.escape, d.syntax, d.check), ('\\', None, None));
    /// ```
    fn default() -> Self {
        Directives { escape: '\\', syntax: None, check: None, frontend: None, lines: Vec::new() }
    }
}

/// One instruction as BuildKit's parser sees it (its `Node` with the `Next` chain
/// flattened into [`args`](Node::args)).
///
/// The parser does not know which flags or how many arguments an instruction takes;
/// that is checked later (BuildKit's `instructions` package). An instruction the parser
/// does not know keeps its keyword and gets the single empty argument BuildKit gives it.
///
/// ```
/// let parsed = dockwright::import::parse("RUN --mount=type=cache,target=/c make \\\n  all\n");
/// let node = &parsed.ast.nodes[0];
/// assert_eq!(node.keyword, "run");
/// assert_eq!(node.flags, ["--mount=type=cache,target=/c"]);
/// assert_eq!(node.args, ["make   all"]);
/// assert!(!node.json);
/// assert_eq!((node.start_line, node.end_line), (1, 2));
/// assert_eq!(node.original, "RUN --mount=type=cache,target=/c make   all");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Node {
    /// The instruction keyword, lower-cased (Go's `strings.ToLower`), e.g. `"run"`.
    pub keyword: String,
    /// The `--x=y` words before the arguments, as BuildKit's `extractBuilderFlags`
    /// returns them: quotes removed and the escape character applied, a bare `--`
    /// (which ends the flags) dropped.
    pub flags: Vec<String>,
    /// The argument values exactly as BuildKit's per-instruction line parser produced
    /// them: one string for shell form, one per element for JSON form, `key, value, sep`
    /// triplets for ENV and LABEL (`sep` is `"="` or `""` for the legacy `KEY value`
    /// form), raw words for ARG, whitespace-split words for FROM, EXPOSE and shell-form
    /// COPY/ADD/VOLUME, the type word and then the command for HEALTHCHECK, and `[""]`
    /// for an instruction the parser does not know. Empty for ONBUILD (see
    /// [`inner`](Node::inner)).
    pub args: Vec<String>,
    /// ONBUILD's nested instruction. It has the same lines as the ONBUILD node (BuildKit
    /// leaves them at zero) and its own `original` (the text after `ONBUILD`).
    pub inner: Option<Box<Node>>,
    /// The arguments came from a JSON array (exec form). For ONBUILD this is false and
    /// the nested node carries its own flag.
    pub json: bool,
    /// The here-documents the instruction opens, in order of appearance. Only RUN, COPY
    /// and ADD in shell form (also under ONBUILD) take heredocs; for ONBUILD they are
    /// attached here, on the outer node, as BuildKit does.
    pub heredocs: Vec<Heredoc>,
    /// The instruction's text with continuations joined (escape character and line
    /// breaks removed, comment and blank lines inside it dropped), like BuildKit's
    /// `Original`. Heredoc bodies are not part of it.
    pub original: String,
    /// The 1-based physical line the instruction starts on.
    pub start_line: usize,
    /// The 1-based physical line the instruction ends on, heredoc bodies and their
    /// terminators included.
    pub end_line: usize,
    /// The bytes of the text the instruction takes: from its keyword to the end of its last
    /// line (heredoc bodies and terminators included), line break excluded. A nested ONBUILD
    /// instruction has its ONBUILD's span.
    pub span: Range<usize>,
    /// Where each piece of [`original`](Node::original) was read: one segment per physical
    /// line the instruction continues over, in order. Empty for a nested ONBUILD instruction
    /// (its text is the end of the outer one's).
    pub segments: Vec<Segment>,
    /// The bytes each here-document takes, body and terminator line (its line break
    /// excluded), in the order of [`heredocs`](Node::heredocs).
    pub heredoc_spans: Vec<Range<usize>>,
}

/// A run of bytes of a node's [`original`](Node::original) and where it was read in the
/// text: continuation lines are joined without their escape character and line break, so
/// a logical offset maps to the text through the segment that holds it.
///
/// ```
/// let text = "RUN make \\\n  all\n";
/// let node = &dockwright::import::parse(text).ast.nodes[0];
/// assert_eq!(node.original, "RUN make   all");
/// let second = &node.segments[1];
/// assert_eq!((second.logical, second.source, second.len), (9, 11, 5));
/// assert_eq!(&text[second.source..second.source + second.len], "  all");
/// assert_eq!(node.source_offset(11), Some(13));
/// assert_eq!(&text[node.span.clone()], "RUN make \\\n  all");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// The segment's first byte in the node's `original`.
    pub logical: usize,
    /// The same byte in the parsed text.
    pub source: usize,
    /// Its length in bytes.
    pub len: usize,
}

/// A comment line, as the parser skipped it: at the top level, or inside an instruction
/// that continues over it (which BuildKit drops). Parser directives are not comments.
///
/// ```
/// let parsed = dockwright::import::parse("# escape=`\n  # hello\nRUN a `\n#inside\n b\n");
/// let comments = &parsed.ast.comments;
/// assert_eq!(comments.len(), 2);
/// assert_eq!((comments[0].line, comments[0].text.as_str(), comments[0].in_instruction), (2, "  # hello", false));
/// assert_eq!((comments[1].line, comments[1].text.as_str(), comments[1].in_instruction), (4, "#inside", true));
/// assert_eq!(comments[0].span, 11..20);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentLine {
    /// The 1-based physical line.
    pub line: usize,
    /// The line's bytes, line break (and a byte-order mark on line 1) excluded.
    pub span: Range<usize>,
    /// The line as written, without line break or byte-order mark: leading white space, then `#`.
    pub text: String,
    /// Inside an instruction's continuation lines.
    pub in_instruction: bool,
}

/// Where each physical line of a text starts, to turn byte offsets into lines and columns.
///
/// ```
/// use dockwright::import::{LineIndex, Position};
///
/// let index = LineIndex::new("FROM x\nRUN é\n");
/// assert_eq!(index.position(0), Position { line: 1, column: 1 });
/// assert_eq!(index.position(11), Position { line: 2, column: 5 });
/// assert_eq!(index.position(13), Position { line: 2, column: 7 });
/// assert_eq!(index.position(14), Position { line: 3, column: 1 });
/// assert_eq!(index.position(99), Position { line: 3, column: 1 });
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

/// A place in a text: 1-based line and 1-based column, the column counted in bytes.
///
/// ```
/// let p = dockwright::import::Position { line: 2, column: 5 };
/// assert_eq!(p.to_string(), "2:5");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// The 1-based line.
    pub line: usize,
    /// The 1-based column, in bytes from the start of the line.
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

impl LineIndex {
    /// Indexes the lines of `text` (lines end at `\n`, as BuildKit reads them). A UTF-8 byte order
    /// mark is no part of line 1: its columns count from the byte after it.
    ///
    /// ```
    /// use dockwright::import::{LineIndex, Position};
    ///
    /// let index = dockwright::import::LineIndex::new("a\nb");
    /// assert_eq!(index.position(2).line, 2);
    /// let marked = LineIndex::new("\u{feff}FROM x\n");
    /// assert_eq!(marked.position(8), Position { line: 1, column: 6 });
    /// assert_eq!(marked.position(0), Position { line: 1, column: 1 });
    /// assert_eq!(marked.line(1), Some(3..9));
    /// ```
    #[must_use]
    pub fn new(text: &str) -> Self {
        let mut starts = vec![if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 }];
        starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
        LineIndex { starts, len: text.len() }
    }

    /// The bytes of 1-based line `line`, its line break (and on line 1 a byte order mark) excluded.
    ///
    /// ```
    /// let index = dockwright::import::LineIndex::new("ab\ncd\n");
    /// assert_eq!(index.line(1), Some(0..2));
    /// assert_eq!(index.line(2), Some(3..5));
    /// assert_eq!(index.line(3), Some(6..6));
    /// assert_eq!(index.line(4), None);
    /// ```
    #[must_use]
    pub fn line(&self, line: usize) -> Option<Range<usize>> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        let end = self.starts.get(line).map_or(self.len, |next| next - 1);
        Some(start..end)
    }

    /// The line and column of byte `offset` (an offset past the end is the end).
    ///
    /// ```
    /// let index = dockwright::import::LineIndex::new("ab\ncd");
    /// assert_eq!(index.position(4), dockwright::import::Position { line: 2, column: 2 });
    /// ```
    #[must_use]
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.len);
        let line = self.starts.partition_point(|&start| start <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        // An offset inside the byte order mark is the line's start.
        Position { line, column: offset.saturating_sub(start) + 1 }
    }
}

/// A here-document an instruction opens (`<<NAME`, `<<-NAME`, `3<<'NAME'`, …).
///
/// ```
/// let parsed = dockwright::import::parse("RUN 3<<-'EOF' cat\n\thello $X\n\tEOF\n");
/// let doc = &parsed.ast.nodes[0].heredocs[0];
/// assert_eq!(doc.name, "EOF");
/// assert_eq!(doc.content, "\thello $X\n");
/// assert!(!doc.expand);
/// assert!(doc.chomp);
/// assert_eq!(doc.file_descriptor, 3);
/// assert_eq!(doc.chomped_content(), "hello $X\n");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter word with quotes removed; the body ends at a line equal to it.
    pub name: String,
    /// The body lines exactly as written, each with its line ending (`\n` or `\r\n`),
    /// the terminator line excluded. Leading tabs are kept even for `<<-`; see
    /// [`chomped_content`](Heredoc::chomped_content).
    pub content: String,
    /// Variables in the body are expanded (COPY/ADD): no part of the delimiter was
    /// quoted.
    pub expand: bool,
    /// `<<-`: leading tabs are stripped from the body lines (and from the terminator
    /// when looking for it).
    pub chomp: bool,
    /// The file descriptor written before `<<` (`3<<EOF`), or 0. A number too large
    /// for `u32` saturates to `u32::MAX` (BuildKit's `strconv.ParseUint` gives the
    /// largest `uint`).
    pub file_descriptor: u32,
}

impl Heredoc {
    /// The content as BuildKit uses it: for `<<-` every line's leading tabs removed
    /// (`ChompHeredocContent`), otherwise the content unchanged.
    ///
    /// ```
    /// let parsed = dockwright::import::parse("COPY <<-EOF /f\n\t\ta\n\tb\nEOF\n");
    /// assert_eq!(parsed.ast.nodes[0].heredocs[0].chomped_content(), "a\nb\n");
    /// ```
    pub fn chomped_content(&self) -> String {
        if !self.chomp {
            return self.content.clone();
        }
        self.content.split_inclusive('\n').map(|line| line.trim_start_matches('\t')).collect()
    }
}

/// A parsed Dockerfile: its directives and its instructions.
///
/// ```
/// let parsed = dockwright::import::parse("FROM alpine\nCMD [\"sh\"]\n");
/// assert_eq!(parsed.ast.nodes.len(), 2);
/// assert_eq!(parsed.ast.directives.escape, '\\');
/// assert_eq!(parsed.ast.dump(), "(from \"alpine\")\n(cmd \"sh\")\n");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ast {
    /// The parser directives at the top of the file.
    pub directives: Directives,
    /// The instructions, in order.
    pub nodes: Vec<Node>,
    /// The comment lines, in order (parser directives excluded).
    pub comments: Vec<CommentLine>,
    /// Where the lines of the parsed text start.
    pub lines: LineIndex,
}

/// An error BuildKit's parser would stop at. The parser here records it and goes on.
///
/// ```
/// let parsed = dockwright::import::parse("FROM x\nENV PATH\n");
/// let err = &parsed.errors[0];
/// assert_eq!(err.line, 2);
/// assert_eq!(err.message, "ENV must have two arguments");
/// assert_eq!(err.to_string(), "line 2: ENV must have two arguments");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The 1-based physical line the error is about (for an instruction, its first
    /// line); 0 only for an empty file.
    pub line: usize,
    /// BuildKit's message, e.g. `unterminated heredoc`.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

/// A warning BuildKit's parser gives: an empty line inside a continued instruction.
///
/// ```
/// let parsed = dockwright::import::parse("RUN a \\\n\n  b\n");
/// let w = &parsed.warnings[0];
/// assert_eq!(w.line, 3);
/// assert_eq!(w.message, "Empty continuation line found in: RUN a   b");
/// assert_eq!(w.to_string(), "line 3: Empty continuation line found in: RUN a   b");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The 1-based physical line BuildKit reports: the instruction's last line.
    pub line: usize,
    /// BuildKit's short message, `Empty continuation line found in: <instruction>`.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// What [`parse`](super::parse) returns: everything that could be parsed, and the
/// errors and warnings found on the way. `errors` is empty exactly when BuildKit's
/// parser would have accepted the file.
///
/// ```
/// let parsed = dockwright::import::parse("FROM x\nRUN [\"a\", 1]\nRUN ok\n");
/// assert_eq!(parsed.ast.dump(), "(from \"x\")\n(run \"ok\")\n");
/// assert_eq!(parsed.errors.len(), 1);
/// assert!(parsed.warnings.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The directives and the instructions that parsed.
    pub ast: Ast,
    /// The errors, in the order found.
    pub errors: Vec<ParseError>,
    /// The warnings, in the order found.
    pub warnings: Vec<Warning>,
}

impl Node {
    /// The byte of the text that byte `logical` of [`original`](Node::original) was read
    /// from, if the node has segments and `logical` is inside one.
    ///
    /// ```
    /// let node = &dockwright::import::parse("ENV A=1 \\\n    B=2\n").ast.nodes[0];
    /// assert_eq!(node.original, "ENV A=1     B=2");
    /// assert_eq!(node.source_offset(12), Some(14));
    /// assert_eq!(node.source_offset(99), None);
    /// ```
    #[must_use]
    pub fn source_offset(&self, logical: usize) -> Option<usize> {
        let index = self.segments.partition_point(|segment| segment.logical <= logical).checked_sub(1)?;
        let segment = self.segments.get(index)?;
        (logical < segment.logical + segment.len).then(|| segment.source + (logical - segment.logical))
    }

    /// The node as BuildKit's `Node.Dump()` writes it: the keyword, the flags as Go's
    /// `%q` of a `[]string`, then each argument as Go's `strconv.Quote` (ONBUILD's
    /// nested instruction in parentheses), all trimmed of surrounding white space.
    ///
    /// ```
    /// let parsed = dockwright::import::parse("ONBUILD COPY --chown=me [\"a b\", \"/c\"]\n");
    /// assert_eq!(parsed.ast.nodes[0].dump(), "onbuild (copy [\"--chown=me\"] \"a b\" \"/c\")");
    /// ```
    pub fn dump(&self) -> String {
        let mut out = go_to_lower(&self.keyword);
        if !self.flags.is_empty() {
            out.push_str(" [");
            for (i, flag) in self.flags.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(&go_quote(flag));
            }
            out.push(']');
        }
        for arg in &self.args {
            out.push(' ');
            out.push_str(&go_quote(arg));
        }
        if let Some(inner) = &self.inner {
            out.push_str(" (");
            out.push_str(&inner.dump());
            out.push(')');
        }
        out.trim_matches(char::is_whitespace).to_string()
    }
}

impl Ast {
    /// The tree in the format of BuildKit's parser golden files (`result`): for each
    /// node `(` + [`Node::dump`] + `)` and a newline. A tree without nodes dumps to the
    /// empty string (BuildKit never dumps one: a file without instructions is an error).
    ///
    /// ```
    /// let parsed = dockwright::import::parse("ENV a=b c=d\nLABEL k v\n");
    /// assert_eq!(
    ///     parsed.ast.dump(),
    ///     "(env \"a\" \"b\" \"=\" \"c\" \"d\" \"=\")\n(label \"k\" \"v\" \"\")\n"
    /// );
    /// ```
    pub fn dump(&self) -> String {
        let mut out = String::new();
        for node in &self.nodes {
            out.push('(');
            out.push_str(&node.dump());
            out.push_str(")\n");
        }
        out
    }
}

/// Go's `strings.ToLower`: Unicode simple lower-case mapping, rune by rune. (Rust's
/// full mapping differs for U+0130, which Go maps to a plain `i`, and for a final sigma.)
pub(crate) fn go_to_lower(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '\u{130}' {
            out.push('i');
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Go's `strconv.Quote` of a valid UTF-8 string: `"` and `\` escaped, printable runes
/// (Go's `unicode.IsPrint`) kept, `\a \b \f \n \r \t \v` as such, other runes as
/// `\xHH`, `\uHHHH` or `\UHHHHHHHH` (lower-case hex).
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            _ if go_is_print(c) => out.push(c),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            _ => {
                let n = u32::from(c);
                if n < 0x20 || n == 0x7f {
                    out.push_str(&format!("\\x{n:02x}"));
                } else if n < 0x10000 {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

/// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII
/// space.
fn go_is_print(c: char) -> bool {
    let n = u32::from(c);
    if (0x20..0x7f).contains(&n) {
        return true;
    }
    // Index of the first range whose end is >= n.
    let pairs = NOT_PRINT.len() / 2;
    let (mut lo, mut hi) = (0usize, pairs);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let end = NOT_PRINT.get(2 * mid + 1).copied().unwrap_or(u32::MAX);
        if end < n {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    match NOT_PRINT.get(2 * lo) {
        Some(&start) => n < start,
        None => true,
    }
}

/// Inclusive ranges `start, end, start, end, …` of the code points Go's
/// `unicode.IsPrint` rejects: general categories Z (but U+0020) and C (Cc, Cf, Cs, Co and
/// unassigned Cn). Generated from the Unicode 15.0.0 character database, the version of
/// Go's `unicode` tables.
#[rustfmt::skip]
const NOT_PRINT: &[u32] = &[
    0x0, 0x1F, 0x7F, 0xA0, 0xAD, 0xAD, 0x378, 0x379,
    0x380, 0x383, 0x38B, 0x38B, 0x38D, 0x38D, 0x3A2, 0x3A2,
    0x530, 0x530, 0x557, 0x558, 0x58B, 0x58C, 0x590, 0x590,
    0x5C8, 0x5CF, 0x5EB, 0x5EE, 0x5F5, 0x605, 0x61C, 0x61C,
    0x6DD, 0x6DD, 0x70E, 0x70F, 0x74B, 0x74C, 0x7B2, 0x7BF,
    0x7FB, 0x7FC, 0x82E, 0x82F, 0x83F, 0x83F, 0x85C, 0x85D,
    0x85F, 0x85F, 0x86B, 0x86F, 0x88F, 0x897, 0x8E2, 0x8E2,
    0x984, 0x984, 0x98D, 0x98E, 0x991, 0x992, 0x9A9, 0x9A9,
    0x9B1, 0x9B1, 0x9B3, 0x9B5, 0x9BA, 0x9BB, 0x9C5, 0x9C6,
    0x9C9, 0x9CA, 0x9CF, 0x9D6, 0x9D8, 0x9DB, 0x9DE, 0x9DE,
    0x9E4, 0x9E5, 0x9FF, 0xA00, 0xA04, 0xA04, 0xA0B, 0xA0E,
    0xA11, 0xA12, 0xA29, 0xA29, 0xA31, 0xA31, 0xA34, 0xA34,
    0xA37, 0xA37, 0xA3A, 0xA3B, 0xA3D, 0xA3D, 0xA43, 0xA46,
    0xA49, 0xA4A, 0xA4E, 0xA50, 0xA52, 0xA58, 0xA5D, 0xA5D,
    0xA5F, 0xA65, 0xA77, 0xA80, 0xA84, 0xA84, 0xA8E, 0xA8E,
    0xA92, 0xA92, 0xAA9, 0xAA9, 0xAB1, 0xAB1, 0xAB4, 0xAB4,
    0xABA, 0xABB, 0xAC6, 0xAC6, 0xACA, 0xACA, 0xACE, 0xACF,
    0xAD1, 0xADF, 0xAE4, 0xAE5, 0xAF2, 0xAF8, 0xB00, 0xB00,
    0xB04, 0xB04, 0xB0D, 0xB0E, 0xB11, 0xB12, 0xB29, 0xB29,
    0xB31, 0xB31, 0xB34, 0xB34, 0xB3A, 0xB3B, 0xB45, 0xB46,
    0xB49, 0xB4A, 0xB4E, 0xB54, 0xB58, 0xB5B, 0xB5E, 0xB5E,
    0xB64, 0xB65, 0xB78, 0xB81, 0xB84, 0xB84, 0xB8B, 0xB8D,
    0xB91, 0xB91, 0xB96, 0xB98, 0xB9B, 0xB9B, 0xB9D, 0xB9D,
    0xBA0, 0xBA2, 0xBA5, 0xBA7, 0xBAB, 0xBAD, 0xBBA, 0xBBD,
    0xBC3, 0xBC5, 0xBC9, 0xBC9, 0xBCE, 0xBCF, 0xBD1, 0xBD6,
    0xBD8, 0xBE5, 0xBFB, 0xBFF, 0xC0D, 0xC0D, 0xC11, 0xC11,
    0xC29, 0xC29, 0xC3A, 0xC3B, 0xC45, 0xC45, 0xC49, 0xC49,
    0xC4E, 0xC54, 0xC57, 0xC57, 0xC5B, 0xC5C, 0xC5E, 0xC5F,
    0xC64, 0xC65, 0xC70, 0xC76, 0xC8D, 0xC8D, 0xC91, 0xC91,
    0xCA9, 0xCA9, 0xCB4, 0xCB4, 0xCBA, 0xCBB, 0xCC5, 0xCC5,
    0xCC9, 0xCC9, 0xCCE, 0xCD4, 0xCD7, 0xCDC, 0xCDF, 0xCDF,
    0xCE4, 0xCE5, 0xCF0, 0xCF0, 0xCF4, 0xCFF, 0xD0D, 0xD0D,
    0xD11, 0xD11, 0xD45, 0xD45, 0xD49, 0xD49, 0xD50, 0xD53,
    0xD64, 0xD65, 0xD80, 0xD80, 0xD84, 0xD84, 0xD97, 0xD99,
    0xDB2, 0xDB2, 0xDBC, 0xDBC, 0xDBE, 0xDBF, 0xDC7, 0xDC9,
    0xDCB, 0xDCE, 0xDD5, 0xDD5, 0xDD7, 0xDD7, 0xDE0, 0xDE5,
    0xDF0, 0xDF1, 0xDF5, 0xE00, 0xE3B, 0xE3E, 0xE5C, 0xE80,
    0xE83, 0xE83, 0xE85, 0xE85, 0xE8B, 0xE8B, 0xEA4, 0xEA4,
    0xEA6, 0xEA6, 0xEBE, 0xEBF, 0xEC5, 0xEC5, 0xEC7, 0xEC7,
    0xECF, 0xECF, 0xEDA, 0xEDB, 0xEE0, 0xEFF, 0xF48, 0xF48,
    0xF6D, 0xF70, 0xF98, 0xF98, 0xFBD, 0xFBD, 0xFCD, 0xFCD,
    0xFDB, 0xFFF, 0x10C6, 0x10C6, 0x10C8, 0x10CC, 0x10CE, 0x10CF,
    0x1249, 0x1249, 0x124E, 0x124F, 0x1257, 0x1257, 0x1259, 0x1259,
    0x125E, 0x125F, 0x1289, 0x1289, 0x128E, 0x128F, 0x12B1, 0x12B1,
    0x12B6, 0x12B7, 0x12BF, 0x12BF, 0x12C1, 0x12C1, 0x12C6, 0x12C7,
    0x12D7, 0x12D7, 0x1311, 0x1311, 0x1316, 0x1317, 0x135B, 0x135C,
    0x137D, 0x137F, 0x139A, 0x139F, 0x13F6, 0x13F7, 0x13FE, 0x13FF,
    0x1680, 0x1680, 0x169D, 0x169F, 0x16F9, 0x16FF, 0x1716, 0x171E,
    0x1737, 0x173F, 0x1754, 0x175F, 0x176D, 0x176D, 0x1771, 0x1771,
    0x1774, 0x177F, 0x17DE, 0x17DF, 0x17EA, 0x17EF, 0x17FA, 0x17FF,
    0x180E, 0x180E, 0x181A, 0x181F, 0x1879, 0x187F, 0x18AB, 0x18AF,
    0x18F6, 0x18FF, 0x191F, 0x191F, 0x192C, 0x192F, 0x193C, 0x193F,
    0x1941, 0x1943, 0x196E, 0x196F, 0x1975, 0x197F, 0x19AC, 0x19AF,
    0x19CA, 0x19CF, 0x19DB, 0x19DD, 0x1A1C, 0x1A1D, 0x1A5F, 0x1A5F,
    0x1A7D, 0x1A7E, 0x1A8A, 0x1A8F, 0x1A9A, 0x1A9F, 0x1AAE, 0x1AAF,
    0x1ACF, 0x1AFF, 0x1B4D, 0x1B4F, 0x1B7F, 0x1B7F, 0x1BF4, 0x1BFB,
    0x1C38, 0x1C3A, 0x1C4A, 0x1C4C, 0x1C89, 0x1C8F, 0x1CBB, 0x1CBC,
    0x1CC8, 0x1CCF, 0x1CFB, 0x1CFF, 0x1F16, 0x1F17, 0x1F1E, 0x1F1F,
    0x1F46, 0x1F47, 0x1F4E, 0x1F4F, 0x1F58, 0x1F58, 0x1F5A, 0x1F5A,
    0x1F5C, 0x1F5C, 0x1F5E, 0x1F5E, 0x1F7E, 0x1F7F, 0x1FB5, 0x1FB5,
    0x1FC5, 0x1FC5, 0x1FD4, 0x1FD5, 0x1FDC, 0x1FDC, 0x1FF0, 0x1FF1,
    0x1FF5, 0x1FF5, 0x1FFF, 0x200F, 0x2028, 0x202F, 0x205F, 0x206F,
    0x2072, 0x2073, 0x208F, 0x208F, 0x209D, 0x209F, 0x20C1, 0x20CF,
    0x20F1, 0x20FF, 0x218C, 0x218F, 0x2427, 0x243F, 0x244B, 0x245F,
    0x2B74, 0x2B75, 0x2B96, 0x2B96, 0x2CF4, 0x2CF8, 0x2D26, 0x2D26,
    0x2D28, 0x2D2C, 0x2D2E, 0x2D2F, 0x2D68, 0x2D6E, 0x2D71, 0x2D7E,
    0x2D97, 0x2D9F, 0x2DA7, 0x2DA7, 0x2DAF, 0x2DAF, 0x2DB7, 0x2DB7,
    0x2DBF, 0x2DBF, 0x2DC7, 0x2DC7, 0x2DCF, 0x2DCF, 0x2DD7, 0x2DD7,
    0x2DDF, 0x2DDF, 0x2E5E, 0x2E7F, 0x2E9A, 0x2E9A, 0x2EF4, 0x2EFF,
    0x2FD6, 0x2FEF, 0x2FFC, 0x3000, 0x3040, 0x3040, 0x3097, 0x3098,
    0x3100, 0x3104, 0x3130, 0x3130, 0x318F, 0x318F, 0x31E4, 0x31EF,
    0x321F, 0x321F, 0xA48D, 0xA48F, 0xA4C7, 0xA4CF, 0xA62C, 0xA63F,
    0xA6F8, 0xA6FF, 0xA7CB, 0xA7CF, 0xA7D2, 0xA7D2, 0xA7D4, 0xA7D4,
    0xA7DA, 0xA7F1, 0xA82D, 0xA82F, 0xA83A, 0xA83F, 0xA878, 0xA87F,
    0xA8C6, 0xA8CD, 0xA8DA, 0xA8DF, 0xA954, 0xA95E, 0xA97D, 0xA97F,
    0xA9CE, 0xA9CE, 0xA9DA, 0xA9DD, 0xA9FF, 0xA9FF, 0xAA37, 0xAA3F,
    0xAA4E, 0xAA4F, 0xAA5A, 0xAA5B, 0xAAC3, 0xAADA, 0xAAF7, 0xAB00,
    0xAB07, 0xAB08, 0xAB0F, 0xAB10, 0xAB17, 0xAB1F, 0xAB27, 0xAB27,
    0xAB2F, 0xAB2F, 0xAB6C, 0xAB6F, 0xABEE, 0xABEF, 0xABFA, 0xABFF,
    0xD7A4, 0xD7AF, 0xD7C7, 0xD7CA, 0xD7FC, 0xF8FF, 0xFA6E, 0xFA6F,
    0xFADA, 0xFAFF, 0xFB07, 0xFB12, 0xFB18, 0xFB1C, 0xFB37, 0xFB37,
    0xFB3D, 0xFB3D, 0xFB3F, 0xFB3F, 0xFB42, 0xFB42, 0xFB45, 0xFB45,
    0xFBC3, 0xFBD2, 0xFD90, 0xFD91, 0xFDC8, 0xFDCE, 0xFDD0, 0xFDEF,
    0xFE1A, 0xFE1F, 0xFE53, 0xFE53, 0xFE67, 0xFE67, 0xFE6C, 0xFE6F,
    0xFE75, 0xFE75, 0xFEFD, 0xFF00, 0xFFBF, 0xFFC1, 0xFFC8, 0xFFC9,
    0xFFD0, 0xFFD1, 0xFFD8, 0xFFD9, 0xFFDD, 0xFFDF, 0xFFE7, 0xFFE7,
    0xFFEF, 0xFFFB, 0xFFFE, 0xFFFF, 0x1000C, 0x1000C, 0x10027, 0x10027,
    0x1003B, 0x1003B, 0x1003E, 0x1003E, 0x1004E, 0x1004F, 0x1005E, 0x1007F,
    0x100FB, 0x100FF, 0x10103, 0x10106, 0x10134, 0x10136, 0x1018F, 0x1018F,
    0x1019D, 0x1019F, 0x101A1, 0x101CF, 0x101FE, 0x1027F, 0x1029D, 0x1029F,
    0x102D1, 0x102DF, 0x102FC, 0x102FF, 0x10324, 0x1032C, 0x1034B, 0x1034F,
    0x1037B, 0x1037F, 0x1039E, 0x1039E, 0x103C4, 0x103C7, 0x103D6, 0x103FF,
    0x1049E, 0x1049F, 0x104AA, 0x104AF, 0x104D4, 0x104D7, 0x104FC, 0x104FF,
    0x10528, 0x1052F, 0x10564, 0x1056E, 0x1057B, 0x1057B, 0x1058B, 0x1058B,
    0x10593, 0x10593, 0x10596, 0x10596, 0x105A2, 0x105A2, 0x105B2, 0x105B2,
    0x105BA, 0x105BA, 0x105BD, 0x105FF, 0x10737, 0x1073F, 0x10756, 0x1075F,
    0x10768, 0x1077F, 0x10786, 0x10786, 0x107B1, 0x107B1, 0x107BB, 0x107FF,
    0x10806, 0x10807, 0x10809, 0x10809, 0x10836, 0x10836, 0x10839, 0x1083B,
    0x1083D, 0x1083E, 0x10856, 0x10856, 0x1089F, 0x108A6, 0x108B0, 0x108DF,
    0x108F3, 0x108F3, 0x108F6, 0x108FA, 0x1091C, 0x1091E, 0x1093A, 0x1093E,
    0x10940, 0x1097F, 0x109B8, 0x109BB, 0x109D0, 0x109D1, 0x10A04, 0x10A04,
    0x10A07, 0x10A0B, 0x10A14, 0x10A14, 0x10A18, 0x10A18, 0x10A36, 0x10A37,
    0x10A3B, 0x10A3E, 0x10A49, 0x10A4F, 0x10A59, 0x10A5F, 0x10AA0, 0x10ABF,
    0x10AE7, 0x10AEA, 0x10AF7, 0x10AFF, 0x10B36, 0x10B38, 0x10B56, 0x10B57,
    0x10B73, 0x10B77, 0x10B92, 0x10B98, 0x10B9D, 0x10BA8, 0x10BB0, 0x10BFF,
    0x10C49, 0x10C7F, 0x10CB3, 0x10CBF, 0x10CF3, 0x10CF9, 0x10D28, 0x10D2F,
    0x10D3A, 0x10E5F, 0x10E7F, 0x10E7F, 0x10EAA, 0x10EAA, 0x10EAE, 0x10EAF,
    0x10EB2, 0x10EFC, 0x10F28, 0x10F2F, 0x10F5A, 0x10F6F, 0x10F8A, 0x10FAF,
    0x10FCC, 0x10FDF, 0x10FF7, 0x10FFF, 0x1104E, 0x11051, 0x11076, 0x1107E,
    0x110BD, 0x110BD, 0x110C3, 0x110CF, 0x110E9, 0x110EF, 0x110FA, 0x110FF,
    0x11135, 0x11135, 0x11148, 0x1114F, 0x11177, 0x1117F, 0x111E0, 0x111E0,
    0x111F5, 0x111FF, 0x11212, 0x11212, 0x11242, 0x1127F, 0x11287, 0x11287,
    0x11289, 0x11289, 0x1128E, 0x1128E, 0x1129E, 0x1129E, 0x112AA, 0x112AF,
    0x112EB, 0x112EF, 0x112FA, 0x112FF, 0x11304, 0x11304, 0x1130D, 0x1130E,
    0x11311, 0x11312, 0x11329, 0x11329, 0x11331, 0x11331, 0x11334, 0x11334,
    0x1133A, 0x1133A, 0x11345, 0x11346, 0x11349, 0x1134A, 0x1134E, 0x1134F,
    0x11351, 0x11356, 0x11358, 0x1135C, 0x11364, 0x11365, 0x1136D, 0x1136F,
    0x11375, 0x113FF, 0x1145C, 0x1145C, 0x11462, 0x1147F, 0x114C8, 0x114CF,
    0x114DA, 0x1157F, 0x115B6, 0x115B7, 0x115DE, 0x115FF, 0x11645, 0x1164F,
    0x1165A, 0x1165F, 0x1166D, 0x1167F, 0x116BA, 0x116BF, 0x116CA, 0x116FF,
    0x1171B, 0x1171C, 0x1172C, 0x1172F, 0x11747, 0x117FF, 0x1183C, 0x1189F,
    0x118F3, 0x118FE, 0x11907, 0x11908, 0x1190A, 0x1190B, 0x11914, 0x11914,
    0x11917, 0x11917, 0x11936, 0x11936, 0x11939, 0x1193A, 0x11947, 0x1194F,
    0x1195A, 0x1199F, 0x119A8, 0x119A9, 0x119D8, 0x119D9, 0x119E5, 0x119FF,
    0x11A48, 0x11A4F, 0x11AA3, 0x11AAF, 0x11AF9, 0x11AFF, 0x11B0A, 0x11BFF,
    0x11C09, 0x11C09, 0x11C37, 0x11C37, 0x11C46, 0x11C4F, 0x11C6D, 0x11C6F,
    0x11C90, 0x11C91, 0x11CA8, 0x11CA8, 0x11CB7, 0x11CFF, 0x11D07, 0x11D07,
    0x11D0A, 0x11D0A, 0x11D37, 0x11D39, 0x11D3B, 0x11D3B, 0x11D3E, 0x11D3E,
    0x11D48, 0x11D4F, 0x11D5A, 0x11D5F, 0x11D66, 0x11D66, 0x11D69, 0x11D69,
    0x11D8F, 0x11D8F, 0x11D92, 0x11D92, 0x11D99, 0x11D9F, 0x11DAA, 0x11EDF,
    0x11EF9, 0x11EFF, 0x11F11, 0x11F11, 0x11F3B, 0x11F3D, 0x11F5A, 0x11FAF,
    0x11FB1, 0x11FBF, 0x11FF2, 0x11FFE, 0x1239A, 0x123FF, 0x1246F, 0x1246F,
    0x12475, 0x1247F, 0x12544, 0x12F8F, 0x12FF3, 0x12FFF, 0x13430, 0x1343F,
    0x13456, 0x143FF, 0x14647, 0x167FF, 0x16A39, 0x16A3F, 0x16A5F, 0x16A5F,
    0x16A6A, 0x16A6D, 0x16ABF, 0x16ABF, 0x16ACA, 0x16ACF, 0x16AEE, 0x16AEF,
    0x16AF6, 0x16AFF, 0x16B46, 0x16B4F, 0x16B5A, 0x16B5A, 0x16B62, 0x16B62,
    0x16B78, 0x16B7C, 0x16B90, 0x16E3F, 0x16E9B, 0x16EFF, 0x16F4B, 0x16F4E,
    0x16F88, 0x16F8E, 0x16FA0, 0x16FDF, 0x16FE5, 0x16FEF, 0x16FF2, 0x16FFF,
    0x187F8, 0x187FF, 0x18CD6, 0x18CFF, 0x18D09, 0x1AFEF, 0x1AFF4, 0x1AFF4,
    0x1AFFC, 0x1AFFC, 0x1AFFF, 0x1AFFF, 0x1B123, 0x1B131, 0x1B133, 0x1B14F,
    0x1B153, 0x1B154, 0x1B156, 0x1B163, 0x1B168, 0x1B16F, 0x1B2FC, 0x1BBFF,
    0x1BC6B, 0x1BC6F, 0x1BC7D, 0x1BC7F, 0x1BC89, 0x1BC8F, 0x1BC9A, 0x1BC9B,
    0x1BCA0, 0x1CEFF, 0x1CF2E, 0x1CF2F, 0x1CF47, 0x1CF4F, 0x1CFC4, 0x1CFFF,
    0x1D0F6, 0x1D0FF, 0x1D127, 0x1D128, 0x1D173, 0x1D17A, 0x1D1EB, 0x1D1FF,
    0x1D246, 0x1D2BF, 0x1D2D4, 0x1D2DF, 0x1D2F4, 0x1D2FF, 0x1D357, 0x1D35F,
    0x1D379, 0x1D3FF, 0x1D455, 0x1D455, 0x1D49D, 0x1D49D, 0x1D4A0, 0x1D4A1,
    0x1D4A3, 0x1D4A4, 0x1D4A7, 0x1D4A8, 0x1D4AD, 0x1D4AD, 0x1D4BA, 0x1D4BA,
    0x1D4BC, 0x1D4BC, 0x1D4C4, 0x1D4C4, 0x1D506, 0x1D506, 0x1D50B, 0x1D50C,
    0x1D515, 0x1D515, 0x1D51D, 0x1D51D, 0x1D53A, 0x1D53A, 0x1D53F, 0x1D53F,
    0x1D545, 0x1D545, 0x1D547, 0x1D549, 0x1D551, 0x1D551, 0x1D6A6, 0x1D6A7,
    0x1D7CC, 0x1D7CD, 0x1DA8C, 0x1DA9A, 0x1DAA0, 0x1DAA0, 0x1DAB0, 0x1DEFF,
    0x1DF1F, 0x1DF24, 0x1DF2B, 0x1DFFF, 0x1E007, 0x1E007, 0x1E019, 0x1E01A,
    0x1E022, 0x1E022, 0x1E025, 0x1E025, 0x1E02B, 0x1E02F, 0x1E06E, 0x1E08E,
    0x1E090, 0x1E0FF, 0x1E12D, 0x1E12F, 0x1E13E, 0x1E13F, 0x1E14A, 0x1E14D,
    0x1E150, 0x1E28F, 0x1E2AF, 0x1E2BF, 0x1E2FA, 0x1E2FE, 0x1E300, 0x1E4CF,
    0x1E4FA, 0x1E7DF, 0x1E7E7, 0x1E7E7, 0x1E7EC, 0x1E7EC, 0x1E7EF, 0x1E7EF,
    0x1E7FF, 0x1E7FF, 0x1E8C5, 0x1E8C6, 0x1E8D7, 0x1E8FF, 0x1E94C, 0x1E94F,
    0x1E95A, 0x1E95D, 0x1E960, 0x1EC70, 0x1ECB5, 0x1ED00, 0x1ED3E, 0x1EDFF,
    0x1EE04, 0x1EE04, 0x1EE20, 0x1EE20, 0x1EE23, 0x1EE23, 0x1EE25, 0x1EE26,
    0x1EE28, 0x1EE28, 0x1EE33, 0x1EE33, 0x1EE38, 0x1EE38, 0x1EE3A, 0x1EE3A,
    0x1EE3C, 0x1EE41, 0x1EE43, 0x1EE46, 0x1EE48, 0x1EE48, 0x1EE4A, 0x1EE4A,
    0x1EE4C, 0x1EE4C, 0x1EE50, 0x1EE50, 0x1EE53, 0x1EE53, 0x1EE55, 0x1EE56,
    0x1EE58, 0x1EE58, 0x1EE5A, 0x1EE5A, 0x1EE5C, 0x1EE5C, 0x1EE5E, 0x1EE5E,
    0x1EE60, 0x1EE60, 0x1EE63, 0x1EE63, 0x1EE65, 0x1EE66, 0x1EE6B, 0x1EE6B,
    0x1EE73, 0x1EE73, 0x1EE78, 0x1EE78, 0x1EE7D, 0x1EE7D, 0x1EE7F, 0x1EE7F,
    0x1EE8A, 0x1EE8A, 0x1EE9C, 0x1EEA0, 0x1EEA4, 0x1EEA4, 0x1EEAA, 0x1EEAA,
    0x1EEBC, 0x1EEEF, 0x1EEF2, 0x1EFFF, 0x1F02C, 0x1F02F, 0x1F094, 0x1F09F,
    0x1F0AF, 0x1F0B0, 0x1F0C0, 0x1F0C0, 0x1F0D0, 0x1F0D0, 0x1F0F6, 0x1F0FF,
    0x1F1AE, 0x1F1E5, 0x1F203, 0x1F20F, 0x1F23C, 0x1F23F, 0x1F249, 0x1F24F,
    0x1F252, 0x1F25F, 0x1F266, 0x1F2FF, 0x1F6D8, 0x1F6DB, 0x1F6ED, 0x1F6EF,
    0x1F6FD, 0x1F6FF, 0x1F777, 0x1F77A, 0x1F7DA, 0x1F7DF, 0x1F7EC, 0x1F7EF,
    0x1F7F1, 0x1F7FF, 0x1F80C, 0x1F80F, 0x1F848, 0x1F84F, 0x1F85A, 0x1F85F,
    0x1F888, 0x1F88F, 0x1F8AE, 0x1F8AF, 0x1F8B2, 0x1F8FF, 0x1FA54, 0x1FA5F,
    0x1FA6E, 0x1FA6F, 0x1FA7D, 0x1FA7F, 0x1FA89, 0x1FA8F, 0x1FABE, 0x1FABE,
    0x1FAC6, 0x1FACD, 0x1FADC, 0x1FADF, 0x1FAE9, 0x1FAEF, 0x1FAF9, 0x1FAFF,
    0x1FB93, 0x1FB93, 0x1FBCB, 0x1FBEF, 0x1FBFA, 0x1FFFF, 0x2A6E0, 0x2A6FF,
    0x2B73A, 0x2B73F, 0x2B81E, 0x2B81F, 0x2CEA2, 0x2CEAF, 0x2EBE1, 0x2F7FF,
    0x2FA1E, 0x2FFFF, 0x3134B, 0x3134F, 0x323B0, 0xE00FF, 0xE01F0, 0x10FFFF,
];
