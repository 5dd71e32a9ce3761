//! Where each part of a lowered model was read: byte ranges and line/column positions in the text,
//! laid out like the model itself.

use std::fmt;
use std::ops::Range;

use crate::import::{LineIndex, Position};

/// A range of bytes of the parsed text, with the line and column of its ends. A range over
/// continued lines includes the escape characters and line breaks in between, so replacing it is a
/// text edit of exactly that part.
///
/// ```
/// use dockwright::import::{lower, parse};
///
/// let text = "FROM alpine\nENV A=1 \\\n    B=2\n";
/// let lowered = lower(&parse(text));
/// let env = &lowered.source_map.stages[0].instructions[0];
/// assert_eq!(&text[env.span.range()], "ENV A=1 \\\n    B=2");
/// assert_eq!(env.span.to_string(), "2:1-3:8");
/// assert_eq!(&text[env.args[1].range()], "B=2");
/// assert_eq!((env.args[1].from.line, env.args[1].from.column), (3, 5));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    /// The first byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// Where `start` is.
    pub from: Position,
    /// Where `end` is.
    pub to: Position,
}

impl Span {
    /// The span of `range`, positioned with `lines`.
    ///
    /// ```
    /// use dockwright::import::{LineIndex, Span};
    ///
    /// let span = Span::new(2..4, &LineIndex::new("a\nbc\n"));
    /// assert_eq!((span.from.line, span.from.column, span.to.column), (2, 1, 3));
    /// ```
    #[must_use]
    pub fn new(range: Range<usize>, lines: &LineIndex) -> Self {
        Span { start: range.start, end: range.end, from: lines.position(range.start), to: lines.position(range.end) }
    }

    /// The byte range, to index the text with.
    ///
    /// ```
    /// use dockwright::import::{LineIndex, Span};
    ///
    /// assert_eq!(Span::new(1..3, &LineIndex::new("abcd")).range(), 1..3);
    /// ```
    #[must_use]
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The smallest span holding both.
    fn cover(self, other: Span) -> Span {
        let (from, start) = if other.start < self.start { (other.from, other.start) } else { (self.from, self.start) };
        let (to, end) = if other.end > self.end { (other.to, other.end) } else { (self.to, self.end) };
        Span { start, end, from, to }
    }
}

/// `line:column-line:column`.
impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.from, self.to)
    }
}

/// Where one model instruction (or `FROM`, or global `ARG`) was read.
///
/// An instruction the model splits (`ARG A B` becomes two `ARG`s) gives each part the whole
/// instruction as [`span`](Origin::span) and its own word in [`args`](Origin::args). A comment's
/// keyword is the `#` of its first line and its arguments are its lines.
///
/// ```
/// use dockwright::import::{lower, parse};
///
/// let text = "FROM alpine\nCOPY --chown=app [\"a b\", \"/c/\"]\n";
/// let lowered = lower(&parse(text));
/// let copy = &lowered.source_map.stages[0].instructions[0];
/// assert_eq!(&text[copy.keyword.range()], "COPY");
/// assert_eq!(&text[copy.flags[0].range()], "--chown=app");
/// let args: Vec<&str> = copy.args.iter().map(|span| &text[span.range()]).collect();
/// assert_eq!(args, ["\"a b\"", "\"/c/\""]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The whole instruction: keyword to the end of its last line, heredoc bodies included.
    pub span: Span,
    /// The keyword.
    pub keyword: Span,
    /// Each `--flag` word, in order.
    pub flags: Vec<Span>,
    /// Each argument: a word (`key=value` is one), a JSON string with its quotes, or the whole command
    /// text of a shell-form `RUN`, `CMD`, `ENTRYPOINT` or `HEALTHCHECK`.
    pub args: Vec<Span>,
    /// Each heredoc body with its terminator line.
    pub heredocs: Vec<Span>,
}

impl Origin {
    /// A comment's origin: its lines (at least one) and the `#` of its first line.
    pub(super) fn comment(lines: &[Span], keyword: Span) -> Self {
        let span = lines.iter().fold(keyword, |all, line| all.cover(*line));
        Origin { span, keyword, flags: Vec::new(), args: lines.to_vec(), heredocs: Vec::new() }
    }
}

/// Where a stage was read.
///
/// ```
/// use dockwright::import::{lower, parse};
///
/// let text = "# the builder\nFROM alpine AS build\nRUN make\n";
/// let lowered = lower(&parse(text));
/// let stage = &lowered.source_map.stages[0];
/// assert_eq!(&text[stage.comment.unwrap().range()], "# the builder");
/// assert_eq!(&text[stage.from.span.range()], "FROM alpine AS build");
/// assert_eq!(&text[stage.instructions[0].span.range()], "RUN make");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageOrigin {
    /// The lines of the stage's comment.
    pub comment: Option<Span>,
    /// The `FROM` line.
    pub from: Origin,
    /// One per model instruction, in the order of [`Stage::instructions`](crate::model::Stage::instructions).
    pub instructions: Vec<Origin>,
}

/// Where each part of a lowered [`Dockerfile`](crate::model::Dockerfile) was read, laid out like it:
/// one entry per global `ARG`, per stage, and per instruction of each stage.
///
/// ```
/// use dockwright::import::{lower, parse};
///
/// let text = "# syntax=docker/dockerfile:1\n# notes\n\nARG V=1\nFROM alpine:${V}\n";
/// let lowered = lower(&parse(text));
/// let map = &lowered.source_map;
/// assert_eq!(&text[map.directives[0].range()], "# syntax=docker/dockerfile:1");
/// assert_eq!(&text[map.comment.unwrap().range()], "# notes");
/// assert_eq!(&text[map.args[0].args[0].range()], "V=1");
/// assert_eq!(map.instruction(0, 0), None);
/// assert_eq!(map.stages[0].from.span.from.line, 5);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceMap {
    /// Each parser directive line.
    pub directives: Vec<Span>,
    /// The lines of the file's comment (first to last).
    pub comment: Option<Span>,
    /// One per global `ARG`, in the order of [`Dockerfile::args`](crate::model::Dockerfile::args).
    pub args: Vec<Origin>,
    /// One per stage, in order.
    pub stages: Vec<StageOrigin>,
}

impl SourceMap {
    /// Where instruction `index` of stage `stage` was read.
    ///
    /// ```
    /// use dockwright::import::{lower, parse};
    ///
    /// let text = "FROM a\nRUN b\n";
    /// let lowered = lower(&parse(text));
    /// assert_eq!(&text[lowered.source_map.instruction(0, 0).unwrap().span.range()], "RUN b");
    /// assert!(lowered.source_map.instruction(0, 1).is_none());
    /// ```
    #[must_use]
    pub fn instruction(&self, stage: usize, index: usize) -> Option<&Origin> {
        self.stages.get(stage)?.instructions.get(index)
    }
}
