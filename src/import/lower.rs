//! From BuildKit's syntax tree to the model: [`lower`] turns a [`Parsed`] file into a
//! [`Dockerfile`], a [`SourceMap`] saying where each part was read, and [`Diagnostic`]s.
//!
//! Lowering never fails and never panics. It keeps what the text means, exactly:
//!
//! - Variable references stay references: `ENV PATH=/opt/bin:$PATH` becomes a [`Value`] template,
//!   `FROM python:${PY}` an [`ImageTemplate`]; values are read from the
//!   raw arguments with BuildKit's own lexer, not from their expansion.
//! - What the model cannot hold exactly (a variable where the model wants a literal, a
//!   `${NAME:-default}` form, an instruction BuildKit rejects, `MAINTAINER`) is kept as a
//!   [`Raw`] instruction with its original text, and a diagnostic says so. Where not even a raw
//!   instruction can hold it (a `FROM` line, a heredoc), the closest form that keeps the meaning of a
//!   build without `--build-arg` is used, and a warning says what differs.
//! - Instructions are checked as BuildKit's builder would, with the variables in scope at each one
//!   (global ARGs and BuildKit's platform ARGs for `FROM`, each stage's ARGs and ENVs in order), so
//!   `FROM --platform=$BUILDPLATFORM`, `VOLUME "$X"` after `ENV X=…` and `FROM ${BASE}` with a global
//!   `ARG BASE` lower without errors.
//! - Comments are kept: the comment lines just before a `FROM` become the stage's comment, comments
//!   at the top the file's comment, and other comment lines comment instructions in the stage.
//! - Parser directives are read as BuildKit's frontend reads them: the `syntax` the model keeps is the
//!   one that selects the frontend ([`Directives::frontend`](super::Directives::frontend)).
//!
//! Emitting a lowered file and lowering the text again gives the same model (see the book's
//! "Importing Dockerfiles" page for the counts over BuildKit's corpus and the named exceptions).

pub(crate) mod scope;
mod source_map;
mod words;

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;

pub use source_map::{Origin, SourceMap, Span, StageOrigin};

use self::scope::Scope;
use self::words::{Piece, Unreadable};
use super::ast::{CommentLine, Heredoc, Node, Parsed};
use super::decode::{self, Command as Decoded, ShellOrExec, decode};
use crate::emit::{could_be_directive, is_heredoc_body, is_one_line_shell};
use crate::error::ErrorKind;
use crate::model::{
    self, Add, Arg, BaseImage, Chmod, Cmd, Command, Comment, CommentLine as ModelComment, Copy, Dockerfile, Duration,
    Entrypoint, Env, Escape, Expose, FlagValue, FromInstruction, FromSource, HealthOptions, Healthcheck, ImageRef,
    ImageTemplate, Instruction, Label, LabelKey, Line, Mount, Network, OnBuild, Part, Pattern, Platform, Port, Raw,
    Run, Security, Sharing, Shell, ShellScript, Signal, Source, Stage, StageName, StopSignal, Text, User, UserSpec,
    Value, VarName, Volume, Workdir,
};

/// What [`lower`] gives: the model, where each part of it was read, and what could not be kept as
/// written.
///
/// ```
/// use dockwright::import::{lower, parse};
///
/// let lowered = lower(&parse("FROM alpine\nMAINTAINER ops@example.com\n"));
/// assert_eq!(lowered.dockerfile.stages[0].instructions[0].keyword(), "MAINTAINER");
/// assert_eq!(lowered.diagnostics.len(), 1);
/// assert!(!lowered.has_errors());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lowered {
    /// The model.
    pub dockerfile: Dockerfile,
    /// Where each part of the model was read.
    pub source_map: SourceMap,
    /// Everything the model does not hold as written, in the order found.
    pub diagnostics: Vec<Diagnostic>,
}

impl Lowered {
    /// Whether a diagnostic is an error: the text is one BuildKit would refuse (as far as the parser
    /// and instruction checks tell without the build context and base images), or part of it could
    /// not be kept.
    ///
    /// ```
    /// use dockwright::import::{lower, parse};
    ///
    /// assert!(lower(&parse("FROM alpine\nCOPY --from build /a /b\n")).has_errors());
    /// assert!(!lower(&parse("FROM alpine\nCOPY /a /b\n")).has_errors());
    /// ```
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|diagnostic| diagnostic.severity == Severity::Error)
    }

    /// Whether BuildKit would refuse the text: its parser stops, or an instruction fails BuildKit's
    /// checks (as far as they can be made without the build context and base images). A file that is
    /// not refused can still have errors: parts the model could not keep.
    ///
    /// ```
    /// use dockwright::import::{lower, parse};
    ///
    /// assert!(lower(&parse("FROM alpine\nFOO bar\n")).rejected());
    /// let lowered = lower(&parse("FROM alpine\nUSER <<x\n"));
    /// assert!(!lowered.rejected() && lowered.has_errors());
    /// ```
    #[must_use]
    pub fn rejected(&self) -> bool {
        self.diagnostics.iter().any(|diagnostic| {
            diagnostic.severity == Severity::Error
                && matches!(diagnostic.kind, DiagnosticKind::Syntax | DiagnosticKind::Rejected)
        })
    }
}

/// Something the model does not hold as written, located in the text.
///
/// ```
/// use dockwright::import::{lower, parse, DiagnosticKind, Severity};
///
/// let text = "FROM alpine\nUSER $APP_USER\n";
/// let lowered = lower(&parse(text));
/// let diagnostic = &lowered.diagnostics[0];
/// assert_eq!((diagnostic.severity, diagnostic.kind), (Severity::Note, DiagnosticKind::Raw));
/// assert_eq!(&text[diagnostic.span.unwrap().range()], "USER $APP_USER");
/// assert_eq!(
///     diagnostic.to_string(),
///     "2:1: note: USER is kept as written: USER \"$APP_USER\" reads variable APP_USER, and the model holds a user \
///      literally"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// How much it matters.
    pub severity: Severity,
    /// What happened.
    pub kind: DiagnosticKind,
    /// What, naming the input.
    pub message: String,
    /// How to do better, when there is something to do.
    pub help: Option<String>,
    /// Where, when it is about a place in the text.
    pub span: Option<Span>,
}

/// `line:column: severity: message`.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(span) = &self.span {
            write!(f, "{}: ", span.from)?;
        }
        write!(f, "{}: {}", self.severity, self.message)
    }
}

/// How much a [`Diagnostic`] matters.
///
/// ```
/// assert_eq!(dockwright::import::Severity::Warning.to_string(), "warning");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Severity {
    /// BuildKit would refuse the text, or part of it is lost.
    Error,
    /// The model holds something close to the text whose meaning can differ (said how).
    Warning,
    /// The text is kept with its meaning, in another form (raw, moved, reformatted).
    Note,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        })
    }
}

/// What a [`Diagnostic`] reports.
///
/// ```
/// use dockwright::import::{lower, parse, DiagnosticKind};
///
/// let lowered = lower(&parse("FROM alpine\nENV PATH\n"));
/// assert_eq!(lowered.diagnostics[0].kind, DiagnosticKind::Syntax);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// BuildKit's parser stops here (the instruction is missing from the model) or warns.
    Syntax,
    /// BuildKit's instruction checks refuse this instruction (kept raw or as a comment).
    Rejected,
    /// Kept as a raw instruction with its original text: the model has no typed form for it.
    Raw,
    /// The closest form the model can hold, which can mean something else (said how).
    Changed,
    /// Kept, but elsewhere or in another layout (a comment moved, an instruction split, a stage named).
    Moved,
    /// A parser directive that is not used, or that the model cannot hold.
    Directive,
    /// The model fails dockwright's validation ([`Dockerfile::validate`]): BuildKit refuses it when it
    /// builds (a duplicate stage name, a stage used before it is defined, a COPY without a destination),
    /// or dockwright cannot vouch for what it would emit (an image reference that needs a value known
    /// only during the build). The model is kept as read.
    Invalid,
}

/// Lowers a parsed Dockerfile into the model. Never fails: see the [module docs](self) for what is
/// kept how, and [`Lowered::diagnostics`] for everything that is not kept as written.
///
/// ```
/// use dockwright::import::{lower, parse};
/// use dockwright::model::Instruction;
///
/// let text = "\
/// ## syntax=docker/dockerfile:1
/// ARG PY=3.12
///
/// ## build the wheels
/// FROM --platform=$BUILDPLATFORM python:${PY}-slim AS build
/// ENV PATH=/opt/venv/bin:$PATH
/// RUN apt-get update \\
///  && apt-get install -y gcc
///
/// FROM python:${PY}-slim
/// COPY --from=build /opt/venv /opt/venv
/// CMD [\"python\", \"-m\", \"app\"]
/// ";
/// let lowered = lower(&parse(text));
/// assert!(lowered.diagnostics.is_empty(), "{:?}", lowered.diagnostics);
/// let model = &lowered.dockerfile;
/// assert_eq!(model.directives.syntax.as_ref().unwrap().to_string(), "docker/dockerfile:1");
/// assert_eq!(model.stages[0].comment.as_ref().unwrap().as_str(), "build the wheels");
/// assert_eq!(model.stages[0].from.base.to_string(), "python:${PY}-slim");
/// let Instruction::Env(env) = &model.stages[0].instructions[0] else { panic!() };
/// assert_eq!(env.vars[0].to_string(), "/opt/venv/bin:${PATH}");
/// assert_eq!(dockwright::emit(model), "\
/// ## syntax=docker/dockerfile:1
///
/// ARG PY=3.12
///
/// ## build the wheels
/// FROM --platform=$BUILDPLATFORM python:${PY}-slim AS build
/// ENV PATH=/opt/venv/bin:${PATH}
/// RUN apt-get update \\
///  && apt-get install -y gcc
///
/// FROM python:${PY}-slim
/// COPY --from=build [\"/opt/venv\", \"/opt/venv\"]
/// CMD [\"python\", \"-m\", \"app\"]
/// ");
/// ```
#[must_use]
pub fn lower(parsed: &Parsed) -> Lowered {
    Lowerer::new(parsed).lower_file()
}

/// Why an instruction has no typed form: said in the diagnostic that keeps it raw.
struct NotModelled(String);

fn not_modelled<T>(message: impl Into<String>) -> Result<T, NotModelled> {
    Err(NotModelled(message.into()))
}

/// How an instruction is being lowered: at the top of a stage, or as an ONBUILD trigger (decoded
/// and resolved in the build of a child image, not this one).
#[derive(Clone, Copy)]
struct Place<'n> {
    /// The node that owns the text, segments and span (the ONBUILD node for a trigger).
    outer: &'n Node,
    /// Where this node's `original` starts in `outer.original`.
    base: usize,
    /// The heredocs this instruction opens (a trigger's are on the ONBUILD node).
    heredocs: &'n [Heredoc],
    trigger: bool,
}

struct Lowerer<'a> {
    parsed: &'a Parsed,
    escape: char,
    dockerfile: Dockerfile,
    map: SourceMap,
    diagnostics: Vec<Diagnostic>,
    scope: Scope,
    /// Every stage's name (lower-case), by index, including names given to stages that are referred
    /// to by number.
    stage_names: Vec<Option<String>>,
    /// The file comment's lines and where they were read.
    file_comment: Vec<(String, Span)>,
    /// The index of the stage being lowered.
    stage: Option<usize>,
    /// The shell shell-form instructions run with in the stage being lowered (the emitter's
    /// assumption: `/bin/sh -c` unless a `SHELL` instruction, here or in a parent stage, says
    /// otherwise).
    shell: Vec<String>,
    /// The shell at the end of each named stage.
    shells: std::collections::HashMap<String, Vec<String>>,
}

impl<'a> Lowerer<'a> {
    fn new(parsed: &'a Parsed) -> Self {
        let escape = parsed.ast.directives.escape;
        Lowerer {
            parsed,
            escape,
            dockerfile: Dockerfile::default(),
            map: SourceMap::default(),
            diagnostics: Vec::new(),
            scope: Scope::default(),
            stage_names: Vec::new(),
            file_comment: Vec::new(),
            stage: None,
            shell: default_shell(),
            shells: std::collections::HashMap::new(),
        }
    }

    fn span(&self, range: Range<usize>) -> Span {
        Span::new(range, &self.parsed.ast.lines)
    }

    fn diagnose(&mut self, severity: Severity, kind: DiagnosticKind, message: String, span: Option<Span>) {
        self.diagnostics.push(Diagnostic { severity, kind, message, help: None, span });
    }

    fn help(&mut self, help: impl Into<String>) {
        if let Some(last) = self.diagnostics.last_mut() {
            last.help = Some(help.into());
        }
    }

    fn lower_file(mut self) -> Lowered {
        let parsed = self.parsed;
        for error in &parsed.errors {
            let span = self.line_span(error.line);
            self.diagnose(Severity::Error, DiagnosticKind::Syntax, error.message.clone(), span);
        }
        for warning in &parsed.warnings {
            let span = self.line_span(warning.line);
            self.diagnose(Severity::Warning, DiagnosticKind::Syntax, warning.message.clone(), span);
        }
        self.directives();
        self.name_stages();

        let comments = self.comment_lines();
        let mut next = 0;
        for node in &parsed.ast.nodes {
            let before: Vec<&CommentLine> =
                comments.iter().skip(next).take_while(|c| c.line < node.start_line).copied().collect();
            next += before.len();
            let inside: Vec<&CommentLine> =
                comments.iter().skip(next).take_while(|c| c.line <= node.end_line).copied().collect();
            next += inside.len();
            let is_from = node.keyword == "from";
            let (before, doc) = if is_from { split_doc(&before, node.start_line) } else { (before, Vec::new()) };
            self.comments(&before);
            if !inside.is_empty() {
                let what = keyword_as_written(node);
                let span = inside.first().map(|c| self.span(c.span.clone()));
                self.diagnose(
                    Severity::Note,
                    DiagnosticKind::Moved,
                    format!(
                        "a comment inside the continued {what} instruction is kept before it (BuildKit drops comment \
                         lines inside an instruction)"
                    ),
                    span,
                );
                self.comments(&inside);
            }
            if is_from {
                self.from(node, &doc);
            } else if self.stage.is_some() {
                self.instruction(node);
            } else {
                self.global(node);
            }
        }
        let rest: Vec<&CommentLine> = comments.iter().skip(next).copied().collect();
        self.comments(&rest);
        self.finish_file_comment();
        self.validate();
        Lowered { dockerfile: self.dockerfile, source_map: self.map, diagnostics: self.diagnostics }
    }

    /// Says what the model's validation refuses, each at the instruction or `FROM` line it is about,
    /// unless a warning or error already points into that line (or the parser found no stage).
    fn validate(&mut self) {
        let Err(errors) = self.dockerfile.validate() else { return };
        for error in errors.0 {
            let span = error.place().and_then(|place| match place.instruction {
                Some(index) => self.map.instruction(place.stage, index).map(|origin| origin.span),
                None => self.map.stages.get(place.stage).map(|stage| stage.from.span),
            });
            // Nothing to add where the parser refused the file or lowering already warned about the line.
            let said = |diagnostic: &Diagnostic| {
                diagnostic.severity != Severity::Note
                    && matches!((diagnostic.span, span), (Some(said), Some(here))
                        if here.range().contains(&said.range().start))
            };
            if error.kind() == ErrorKind::NoStage || self.diagnostics.iter().any(said) {
                continue;
            }
            let message = match span {
                Some(_) => error.message().to_string(),
                None => error.to_string(),
            };
            self.diagnose(Severity::Warning, DiagnosticKind::Invalid, message, span);
        }
    }

    /// The span of physical line `line` (1-based), if the text has it.
    fn line_span(&self, line: usize) -> Option<Span> {
        self.parsed.ast.lines.line(line).map(|range| self.span(range))
    }

    fn directives(&mut self) {
        let directives = &self.parsed.ast.directives;
        self.map.directives = directives.lines.iter().map(|(_, range)| self.span(range.clone())).collect();
        self.dockerfile.directives.escape = if self.escape == '`' { Escape::Backtick } else { Escape::Backslash };
        let at = |name: &str| {
            directives.lines.iter().find(|(key, _)| *key == name).map(|(_, range)| self.span(range.clone()))
        };
        let syntax_at = at("syntax");
        let check_at = at("check");
        match (&directives.syntax, &directives.frontend) {
            (Some(syntax), None) => {
                let message = format!(
                    "the syntax directive {syntax:?} is read by the parser but does not select the frontend \
                     (BuildKit looks for it only at the very start of a line): the built-in frontend builds this \
                     file, and the model keeps no syntax"
                );
                self.diagnose(Severity::Note, DiagnosticKind::Directive, message, syntax_at);
            }
            (_, Some(frontend)) => match ImageRef::parse(frontend) {
                Ok(image) => self.dockerfile.directives.syntax = Some(image),
                Err(err) => {
                    let message = format!("the syntax directive's frontend {frontend:?} cannot be kept: {err}");
                    self.diagnose(Severity::Error, DiagnosticKind::Directive, message, syntax_at);
                }
            },
            (None, None) => {}
        }
        if let Some(check) = &directives.check {
            match model::CheckOptions::new(check.as_str()) {
                Ok(options) => self.dockerfile.directives.check = Some(options),
                Err(err) => {
                    let message = format!("the check directive cannot be kept: {err}");
                    self.diagnose(Severity::Warning, DiagnosticKind::Directive, message, check_at);
                }
            }
        }
    }

    /// Names the unnamed stages that `COPY --from=<n>` or `RUN --mount=from=<n>` refer to by number,
    /// so the model can refer to them.
    fn name_stages(&mut self) {
        let nodes = &self.parsed.ast.nodes;
        let mut words: HashSet<String> = HashSet::new();
        for node in nodes.iter().filter(|node| node.keyword == "from") {
            let name = match node.args.as_slice() {
                [_, as_word, name] if as_word.eq_ignore_ascii_case("as") => {
                    let name = name.to_lowercase();
                    StageName::new(name.as_str()).ok().map(|_| name)
                }
                _ => None,
            };
            words.extend(node.args.iter().map(|word| word.to_lowercase()));
            self.stage_names.push(name);
        }
        let mut referenced: Vec<usize> = Vec::new();
        for node in nodes {
            for flag in &node.flags {
                let index = match node.keyword.as_str() {
                    "copy" => flag.strip_prefix("--from=").and_then(|v| v.parse::<usize>().ok()),
                    "run" => flag.strip_prefix("--mount=").and_then(|mount| {
                        mount.split(',').find_map(|field| {
                            let (key, value) = field.split_once('=')?;
                            key.eq_ignore_ascii_case("from").then(|| value.parse::<usize>().ok()).flatten()
                        })
                    }),
                    _ => None,
                };
                if let Some(index) = index {
                    referenced.push(index);
                }
            }
        }
        referenced.sort_unstable();
        referenced.dedup();
        for index in referenced {
            if self.stage_names.get(index).is_some_and(Option::is_none) {
                let mut name = format!("stage-{index}");
                let mut n = 0;
                while words.contains(&name) || self.stage_names.iter().flatten().any(|taken| *taken == name) {
                    n += 1;
                    name = format!("stage-{index}-{n}");
                }
                self.stage_names[index] = Some(name);
            }
        }
    }

    /// The comment lines to place, the emitter's guard line left out: an empty `#` first line before a
    /// comment BuildKit could take for a directive.
    fn comment_lines(&self) -> Vec<&'a CommentLine> {
        let comments = &self.parsed.ast.comments;
        let guard = match comments.as_slice() {
            [first, second, ..] => {
                first.line == 1
                    && comment_text(&first.text).is_empty()
                    && second.line == 2
                    && could_be_directive(second.text.trim_start())
            }
            _ => false,
        };
        comments.iter().skip(usize::from(guard)).collect()
    }

    /// Places comment lines: in the stage being lowered (before what comes next), else in the file
    /// comment.
    fn comments(&mut self, lines: &[&CommentLine]) {
        if lines.is_empty() {
            return;
        }
        let mut texts = Vec::new();
        let mut spans = Vec::new();
        let mut hash = None;
        for line in lines {
            let text = comment_text(&line.text);
            let span = self.span(line.span.clone());
            let at = line.span.start + (line.text.len() - line.text.trim_start().len());
            hash = hash.or(Some(self.span(at..at + 1)));
            match Comment::new(text) {
                Ok(_) => {
                    texts.push(text.to_string());
                    spans.push(span);
                }
                Err(err) => {
                    let message = format!("a comment line cannot be kept: {err}");
                    self.diagnose(Severity::Error, DiagnosticKind::Changed, message, Some(span));
                }
            }
        }
        match self.stage {
            Some(stage) => {
                if texts.is_empty() {
                    return;
                }
                // Comment lines with no instruction between them are one comment, as they are written.
                let last = self.dockerfile.stages.get_mut(stage).and_then(|stage| stage.instructions.last_mut());
                if let Some(Instruction::Comment(before)) = last {
                    if let Ok(text) = Comment::new(format!("{}\n{}", before.text.as_str(), texts.join("\n"))) {
                        before.text = text;
                        if let Some(origin) = self.map.stages.get_mut(stage).and_then(|s| s.instructions.last_mut()) {
                            let mut lines = origin.args.clone();
                            lines.extend(spans);
                            *origin = Origin::comment(&lines, origin.keyword);
                        }
                        return;
                    }
                }
                let Ok(text) = Comment::new(texts.join("\n")) else {
                    return;
                };
                let Some(hash) = hash else {
                    return;
                };
                self.push(stage, Instruction::Comment(ModelComment { text }), Origin::comment(&spans, hash));
            }
            None => {
                if !self.dockerfile.args.is_empty() {
                    let message = "a comment between global ARGs is kept at the top of the file, with the file's \
                                   comment (the model keeps no comments among global ARGs)"
                        .to_string();
                    self.diagnose(Severity::Note, DiagnosticKind::Moved, message, spans.first().copied());
                }
                self.file_comment.extend(texts.into_iter().zip(spans));
            }
        }
    }

    fn finish_file_comment(&mut self) {
        if self.file_comment.is_empty() {
            return;
        }
        let text = self.file_comment.iter().map(|(text, _)| text.as_str()).collect::<Vec<_>>().join("\n");
        if let Ok(comment) = Comment::new(text) {
            self.dockerfile.comment = Some(comment);
            let spans: Vec<Span> = self.file_comment.iter().map(|(_, span)| *span).collect();
            self.map.comment = spans.first().map(|first| Origin::comment(&spans, *first).span);
        }
    }

    fn push(&mut self, stage: usize, instruction: Instruction, origin: Origin) {
        if let (Some(model), Some(map)) = (self.dockerfile.stages.get_mut(stage), self.map.stages.get_mut(stage)) {
            model.instructions.push(instruction);
            map.instructions.push(origin);
        }
    }

    /// An instruction before the first `FROM`: a global `ARG`, or something BuildKit refuses.
    fn global(&mut self, node: &Node) {
        let span = self.span(node.span.clone());
        if node.keyword != "arg" {
            let what = keyword_as_written(node);
            let message = format!(
                "{what} before the first FROM: BuildKit allows only ARG there; the line is kept as a comment at the \
                 top of the file"
            );
            self.diagnose(Severity::Error, DiagnosticKind::Rejected, message, Some(span));
            self.file_comment.push((node.original.clone(), span));
            return;
        }
        let lookup = |name: &str| self.scope.lookup(name);
        let decoded = decode(node, self.escape, &lookup);
        let origin = self.origin(node, Place { outer: node, base: 0, heredocs: &[], trigger: false });
        match decoded {
            Ok(Decoded::Arg(values)) => {
                for ((name, value), word) in values.into_iter().zip(node.args.iter().zip(&origin.args)) {
                    self.scope.global_arg(&name, value);
                    let arg_origin = Origin { args: vec![*word.1], ..origin.clone() };
                    match arg(word.0, self.escape) {
                        Ok(arg) => {
                            self.dockerfile.args.push(arg);
                            self.map.args.push(arg_origin);
                        }
                        Err(NotModelled(why)) => {
                            let message =
                                format!("the global ARG {:?} cannot be kept: {why}; it is kept as a comment", word.0);
                            self.diagnose(Severity::Error, DiagnosticKind::Changed, message, Some(*word.1));
                            self.file_comment.push((format!("ARG {}", word.0), *word.1));
                        }
                    }
                }
            }
            Ok(_) => {}
            Err(err) => {
                let message = format!("BuildKit rejects this ARG: {err}; it is kept as a comment");
                self.diagnose(Severity::Error, DiagnosticKind::Rejected, message, Some(span));
                self.file_comment.push((node.original.clone(), span));
            }
        }
    }

    fn from(&mut self, node: &Node, doc: &[&CommentLine]) {
        let index = self.dockerfile.stages.len();
        let previous = self.stage.and_then(|stage| self.stage_names.get(stage).cloned().flatten());
        self.scope.end_stage(previous.as_deref());
        if let Some(previous) = &previous {
            self.shells.insert(previous.clone(), self.shell.clone());
        }
        let span = self.span(node.span.clone());
        let origin = self.origin(node, Place { outer: node, base: 0, heredocs: &[], trigger: false });
        let lookup = |name: &str| self.scope.global(name);
        let decoded = decode(node, self.escape, &lookup);
        let (image, platform) = match &decoded {
            Ok(Decoded::From { image, platform, .. }) => (Some(image.clone()), platform.clone()),
            Ok(_) => (None, None),
            Err(err) => {
                let message = format!("BuildKit rejects this FROM: {err}");
                self.diagnose(Severity::Error, DiagnosticKind::Rejected, message, Some(span));
                (None, None)
            }
        };
        let word_span = origin.args.first().copied().unwrap_or(span);
        let base = self.base(node.args.first().map(String::as_str).unwrap_or(""), image.as_deref(), index, word_span);
        let flag_span = origin.flags.first().copied();
        let platform = self.platform(node, platform.as_deref(), flag_span.unwrap_or(span));
        let name = self.stage_names.get(index).cloned().flatten();
        let written = match node.args.as_slice() {
            [_, _, name] => Some(name.to_lowercase()),
            _ => None,
        };
        if name.is_some() && written.is_none() {
            let message = format!(
                "stage {} has no name and a later instruction refers to it by number: it is named '{}' so the \
                 model can refer to it",
                index + 1,
                name.as_deref().unwrap_or_default()
            );
            self.diagnose(Severity::Note, DiagnosticKind::Moved, message, Some(span));
        } else if written.is_some() && name.is_none() {
            let written = written.unwrap_or_default();
            let why = StageName::new(written.as_str()).err().map(|err| err.to_string()).unwrap_or_default();
            let message = format!("stage name {written:?} cannot be kept, the stage is lowered without a name: {why}");
            self.diagnose(Severity::Error, DiagnosticKind::Changed, message, node.args.get(2).map(|_| span));
        }
        let mut stage = Stage::new(FromInstruction {
            platform,
            base: base.clone(),
            name: name.and_then(|name| StageName::new(name).ok()),
        });
        let doc_texts: Vec<&str> = doc.iter().map(|line| comment_text(&line.text)).collect();
        let mut doc_span = None;
        if !doc.is_empty() {
            match Comment::new(doc_texts.join("\n")) {
                Ok(comment) => {
                    stage.comment = Some(comment);
                    let spans: Vec<Span> = doc.iter().map(|line| self.span(line.span.clone())).collect();
                    doc_span = spans.first().map(|first| Origin::comment(&spans, *first).span);
                }
                Err(err) => {
                    let message = format!("the stage's comment cannot be kept: {err}");
                    let at = doc.first().map(|line| self.span(line.span.clone()));
                    self.diagnose(Severity::Error, DiagnosticKind::Changed, message, at);
                }
            }
        }
        self.dockerfile.stages.push(stage);
        self.map.stages.push(StageOrigin { comment: doc_span, from: origin, instructions: Vec::new() });
        let parent = match &base {
            BaseImage::Stage(name) => Some(name.as_str().to_string()),
            _ => None,
        };
        self.scope.start_stage(parent.as_deref());
        self.shell = parent.and_then(|name| self.shells.get(&name).cloned()).unwrap_or_else(default_shell);
        self.stage = Some(index);
    }

    /// What a stage starts from: an earlier stage, an image, or an image named by global ARGs.
    fn base(&mut self, word: &str, expanded: Option<&str>, index: usize, at: Span) -> BaseImage {
        let earlier = |text: &str| {
            self.stage_names.iter().take(index).flatten().any(|name| name == text).then(|| StageName::new(text).ok())?
        };
        let why = match words::lex(word, self.escape) {
            Ok(pieces) if pieces.iter().all(|piece| matches!(piece, Piece::Literal(_))) => {
                let text: String = pieces
                    .iter()
                    .map(|piece| match piece {
                        Piece::Literal(text) | Piece::Var(text) => text.as_str(),
                    })
                    .collect();
                if let Some(stage) = earlier(&text) {
                    return BaseImage::Stage(stage);
                }
                match ImageRef::parse(&text) {
                    Ok(image) => return BaseImage::Image(image),
                    Err(err) => err.to_string(),
                }
            }
            Ok(pieces) => {
                let mut template = String::new();
                let mut vars = Vec::new();
                for piece in &pieces {
                    match piece {
                        Piece::Literal(text) => template.push_str(text),
                        Piece::Var(name) => {
                            template.push_str(&format!("${{{name}}}"));
                            vars.push(name.clone());
                        }
                    }
                }
                match ImageTemplate::parse(&template) {
                    Ok(template) => {
                        for name in vars {
                            if self.scope.is_global(&name) {
                                continue;
                            }
                            let message = if model::PLATFORM_ARGS.contains(&name.as_str()) {
                                format!(
                                    "FROM {word} reads {name}, which BuildKit sets for each build: the model keeps \
                                     the reference, and validation refuses it (an image reference may use only \
                                     global ARGs with defaults)"
                                )
                            } else {
                                format!(
                                    "FROM {word} reads {name}, which is not declared before the first FROM, so \
                                     BuildKit expands it to nothing: the model keeps the reference, and validation \
                                     refuses it"
                                )
                            };
                            self.diagnose(Severity::Warning, DiagnosticKind::Changed, message, Some(at));
                            self.help(format!("declare ARG {name} with a default before the first FROM"));
                        }
                        return BaseImage::Template(template);
                    }
                    Err(err) => err.to_string(),
                }
            }
            Err(Unreadable::Modifier) => {
                format!("{word} uses a ${{NAME:...}} form, and the model keeps only plain ${{NAME}} references")
            }
            Err(Unreadable::Lex(message)) => message,
            Err(Unreadable::Marker) => format!("{word} holds U+E000 or U+E001"),
        };
        if let Some(text) = expanded {
            let closest =
                earlier(text).map(BaseImage::Stage).or_else(|| ImageRef::parse(text).ok().map(BaseImage::Image));
            if let Some(closest) = closest {
                let message = format!(
                    "FROM {word} cannot be kept as written ({why}): it is lowered as {text}, what a build without \
                     --build-arg uses"
                );
                self.diagnose(Severity::Warning, DiagnosticKind::Changed, message, Some(at));
                return closest;
            }
        }
        let (kind, message) = match expanded {
            Some(text) => (
                DiagnosticKind::Rejected,
                format!(
                    "BuildKit cannot pull FROM {word}: {text:?} is not an image reference or an earlier stage ({why}); \
                     the stage is lowered as starting from scratch"
                ),
            ),
            None => (
                DiagnosticKind::Changed,
                format!("FROM {word} cannot be kept ({why}): the stage is lowered as starting from scratch"),
            ),
        };
        self.diagnose(Severity::Error, kind, message, Some(at));
        BaseImage::Image(ImageRef::parse("scratch").unwrap_or_else(|_| unreachable!("scratch is a valid reference")))
    }

    fn platform(&mut self, node: &Node, expanded: Option<&str>, at: Span) -> Option<Platform> {
        let raw = node.flags.iter().rev().find_map(|flag| flag.strip_prefix("--platform="))?;
        if raw.is_empty() {
            return None;
        }
        let written = if raw.contains('$') { Some(raw.to_string()) } else { words::literal(raw, self.escape) };
        if let Some(platform) = written.and_then(|text| Platform::parse(&text).ok()) {
            return Some(platform);
        }
        if let Some(platform) = expanded.and_then(|text| Platform::parse(text).ok()) {
            let message = format!(
                "FROM --platform={raw} cannot be kept as written: it is lowered as {platform}, what a build without \
                 --build-arg uses"
            );
            self.diagnose(Severity::Warning, DiagnosticKind::Changed, message, Some(at));
            return Some(platform);
        }
        let message = format!("FROM --platform={raw} cannot be kept: the model holds os/arch[/variant] or one $NAME");
        self.diagnose(Severity::Error, DiagnosticKind::Changed, message, Some(at));
        None
    }

    /// An instruction inside a stage.
    fn instruction(&mut self, node: &Node) {
        let Some(stage) = self.stage else {
            return;
        };
        let place = Place { outer: node, base: 0, heredocs: &node.heredocs, trigger: false };
        let origin = match node.inner.as_deref() {
            Some(inner) => {
                let base = suffix_offset(&node.original, &inner.original).unwrap_or(0);
                self.origin(inner, Place { base, ..place })
            }
            None => self.origin(node, place),
        };
        let span = origin.span;
        if node.keyword == "onbuild" {
            let trigger = node.inner.as_deref().map(|inner| inner.keyword.as_str());
            let refused = match trigger {
                None => Some("ONBUILD requires at least one argument".to_string()),
                Some("onbuild") => Some("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".to_string()),
                Some(keyword @ ("from" | "maintainer")) => {
                    Some(format!("{} isn't allowed as an ONBUILD trigger", keyword.to_uppercase()))
                }
                Some(_) => None,
            };
            let lowered = match refused {
                Some(message) => {
                    self.diagnose(
                        Severity::Error,
                        DiagnosticKind::Rejected,
                        format!("BuildKit rejects this ONBUILD: {message}"),
                        Some(span),
                    );
                    Err(None)
                }
                None => self.onbuild(node, &origin),
            };
            let instruction = match lowered {
                Ok(instruction) => Some(instruction),
                Err(why) => self.raw_or_comment(node, place, why, span),
            };
            if let Some(instruction) = instruction {
                self.push(stage, instruction, origin);
            }
            return;
        }
        let lookup = |name: &str| self.scope.lookup(name);
        let decoded = decode(node, self.escape, &lookup);
        let lowered = match &decoded {
            Ok(decoded) => self.typed(node, decoded, place, &origin),
            Err(err) => {
                let what = keyword_as_written(node);
                let message = format!("BuildKit rejects this {what}: {err}");
                self.diagnose(Severity::Error, DiagnosticKind::Rejected, message, Some(span));
                Err(None)
            }
        };
        match lowered {
            Ok(instructions) => {
                for (instruction, origin) in instructions {
                    if let Instruction::Shell(shell) = &instruction {
                        self.shell = shell.argv.iter().map(|arg| arg.as_str().to_string()).collect();
                    }
                    self.push(stage, instruction, origin);
                }
            }
            Err(why) => {
                if let Some(instruction) = self.raw_or_comment(node, place, why, span) {
                    self.push(stage, instruction, origin);
                }
            }
        }
        if let Ok(decoded) = decoded {
            match decoded {
                Decoded::Env(pairs) => {
                    for (name, value) in pairs {
                        self.scope.env(&name, value);
                    }
                }
                Decoded::Arg(pairs) => {
                    for (name, value) in pairs {
                        self.scope.stage_arg(&name, value);
                    }
                }
                _ => {}
            }
        }
    }

    /// The instruction kept raw (said in a note when `why` is given), else as a comment (an error).
    fn raw_or_comment(
        &mut self,
        node: &Node,
        place: Place<'_>,
        why: Option<String>,
        span: Span,
    ) -> Option<Instruction> {
        let what = keyword_as_written(node);
        let args = node.original.get(what.len()..).unwrap_or("").trim_start();
        let raw = Raw::new(&what, args);
        match raw {
            Ok(raw) => {
                let instruction = Instruction::Raw(raw);
                if let Some(why) = why {
                    let message = format!("{what} is kept as written: {why}");
                    self.diagnose(Severity::Note, DiagnosticKind::Raw, message, Some(span));
                }
                Some(instruction)
            }
            Err(err) => {
                let message = format!(
                    "{what} cannot be kept{}: {err}; the line is kept as a comment",
                    why.map(|why| format!(" ({why})")).unwrap_or_default()
                );
                self.diagnose(Severity::Error, DiagnosticKind::Changed, message, Some(span));
                Comment::new(place.outer.original.as_str()).ok().map(|text| Instruction::Comment(ModelComment { text }))
            }
        }
    }

    /// The typed instructions for a decoded node, with their origins; `Err(Some(why))` when the model
    /// has no typed form for it, `Err(None)` when that was already said.
    #[allow(clippy::too_many_lines)]
    fn typed(
        &mut self,
        node: &Node,
        decoded: &Decoded,
        place: Place<'_>,
        origin: &Origin,
    ) -> Result<Vec<(Instruction, Origin)>, Option<String>> {
        let one = |instruction: Instruction| Ok(vec![(instruction, origin.clone())]);
        let modelled = match decoded {
            Decoded::Env(_) => self.env(node).map(Instruction::Env),
            Decoded::Label(_) => self.label(node).map(Instruction::Label),
            Decoded::Arg(_) => {
                let mut out = Vec::new();
                for (word, span) in node.args.iter().zip(&origin.args) {
                    match arg(word, self.escape) {
                        Ok(arg) => out.push((Instruction::Arg(arg), Origin { args: vec![*span], ..origin.clone() })),
                        Err(NotModelled(why)) => return Err(Some(why)),
                    }
                }
                if out.len() > 1 {
                    let message = format!("ARG with {} names is kept as {} ARG instructions", out.len(), out.len());
                    self.diagnose(Severity::Note, DiagnosticKind::Moved, message, Some(origin.span));
                }
                return Ok(out);
            }
            Decoded::Workdir(_) => {
                let word = node.args.first().map(String::as_str).unwrap_or("");
                value(word, self.escape, "WORKDIR path").map(|path| Instruction::Workdir(Workdir { path }))
            }
            Decoded::User(_) => {
                let word = node.args.first().map(String::as_str).unwrap_or("");
                literal(word, self.escape, "USER", "a user").and_then(|text| {
                    UserSpec::new(text)
                        .map(|user| Instruction::User(User { user }))
                        .map_err(|err| NotModelled(err.to_string()))
                })
            }
            Decoded::StopSignal(_) => {
                let word = node.args.first().map(String::as_str).unwrap_or("");
                literal(word, self.escape, "STOPSIGNAL", "a signal").and_then(|text| {
                    Signal::new(text)
                        .map(|signal| Instruction::StopSignal(StopSignal { signal }))
                        .map_err(|err| NotModelled(err.to_string()))
                })
            }
            Decoded::Expose(_) => self.expose(node).map(Instruction::Expose),
            Decoded::Volume(_) => self.volume(node).map(Instruction::Volume),
            Decoded::Shell(argv) => texts(argv).map(|argv| Instruction::Shell(Shell { argv })),
            Decoded::Cmd(form) => command(form, "CMD")
                .map(|command| self.one_line(command, "CMD", origin))
                .map(|command| Instruction::Cmd(Cmd { command })),
            Decoded::Entrypoint(form) => command(form, "ENTRYPOINT")
                .map(|command| self.one_line(command, "ENTRYPOINT", origin))
                .map(|command| Instruction::Entrypoint(Entrypoint { command })),
            Decoded::Healthcheck(check) => healthcheck(check)
                .map(|check| match check {
                    Healthcheck::Check { options, command } => {
                        Healthcheck::Check { options, command: self.one_line(command, "HEALTHCHECK", origin) }
                    }
                    other => other,
                })
                .map(Instruction::Healthcheck),
            Decoded::Maintainer(_) => not_modelled("MAINTAINER is deprecated and has no typed form"),
            Decoded::Run(run) => self.run(node, run, place, origin).map(Instruction::Run),
            Decoded::Copy(copy) | Decoded::Add(copy) => {
                let add = matches!(decoded, Decoded::Add(_));
                return match self.copy(node, copy, add, place, origin) {
                    Ok(instructions) => Ok(instructions.into_iter().map(|i| (i, origin.clone())).collect()),
                    Err(NotModelled(why)) => Err(Some(why)),
                };
            }
            Decoded::OnBuild(_) => return self.onbuild(node, origin).map(|i| vec![(i, origin.clone())]),
            Decoded::From { .. } => not_modelled("FROM starts a stage"),
        };
        match modelled {
            Ok(instruction) => one(instruction),
            Err(NotModelled(why)) => Err(Some(why)),
        }
    }

    fn env(&self, node: &Node) -> Result<Env, NotModelled> {
        let mut env = Env::default();
        for triplet in node.args.chunks(3) {
            let [key, raw, _] = triplet else {
                return not_modelled("its arguments are not key-value pairs");
            };
            let name = literal(key, self.escape, "ENV", "a variable name")?;
            let name = VarName::new(name).map_err(|err| NotModelled(err.to_string()))?;
            env.vars.insert(name, value(raw, self.escape, "ENV value")?);
        }
        Ok(env)
    }

    fn label(&self, node: &Node) -> Result<Label, NotModelled> {
        let mut label = Label::default();
        for triplet in node.args.chunks(3) {
            let [key, raw, _] = triplet else {
                return not_modelled("its arguments are not key-value pairs");
            };
            let key = literal(key, self.escape, "LABEL", "a label key")?;
            let key = LabelKey::new(key).map_err(|err| NotModelled(err.to_string()))?;
            label.labels.insert(key, value(raw, self.escape, "LABEL value")?);
        }
        Ok(label)
    }

    fn expose(&self, node: &Node) -> Result<Expose, NotModelled> {
        let mut ports = Vec::new();
        for word in &node.args {
            let text = literal(word, self.escape, "EXPOSE", "a port")?;
            for port in text.split_whitespace() {
                ports.push(Port::parse(port).map_err(|err| NotModelled(err.to_string()))?);
            }
        }
        if ports.is_empty() {
            return not_modelled("EXPOSE names no port once its words are read");
        }
        Ok(Expose { ports })
    }

    fn volume(&self, node: &Node) -> Result<Volume, NotModelled> {
        let mut paths = Vec::new();
        for word in &node.args {
            let text = literal(word.trim(), self.escape, "VOLUME", "a path")?;
            if text.trim() != text || text.is_empty() {
                return not_modelled(format!("VOLUME path {text:?} is blank or starts or ends with white space"));
            }
            paths.push(Line::new(text).map_err(|err| NotModelled(err.to_string()))?);
        }
        Ok(Volume { paths })
    }

    fn run(&mut self, node: &Node, run: &decode::Run, place: Place<'_>, origin: &Origin) -> Result<Run, NotModelled> {
        if node.flags.iter().any(|flag| flag.starts_with("--mount=") && flag.contains('$')) {
            return not_modelled("a --mount value reads a variable, and the model holds mount options literally");
        }
        let mut mounts = Vec::new();
        for mount in &run.mounts {
            mounts.push(self.mount(mount, place.trigger)?);
        }
        let given = |name: &str| node.flags.iter().any(|flag| flag.starts_with(&format!("--{name}=")));
        let network = given("network").then_some(match run.network.as_str() {
            "none" => Network::None,
            "host" => Network::Host,
            _ => Network::Default,
        });
        let security =
            given("security").then(|| if run.security == "insecure" { Security::Insecure } else { Security::Sandbox });
        let command = match &run.form {
            ShellOrExec::Exec(argv) => Command::Exec(texts(argv)?),
            ShellOrExec::Shell(text) if place.heredocs.is_empty() => match self.steps(place, text) {
                Some(steps) => Command::Shell(steps),
                None => self.written_shell(ShellScript::Text(text_of(text)?), "RUN", origin),
            },
            ShellOrExec::Shell(cmdline) => {
                let script = self.heredoc_script(cmdline, place.heredocs, origin)?;
                self.written_shell(script, "RUN", origin)
            }
        };
        Ok(Run { mounts, network, security, command })
    }

    /// A `RUN` shell script as the emitter writes it: shell text that can be neither one line nor a
    /// heredoc is written as the exec form of the stage's shell, and is kept in that form.
    fn written_shell(&mut self, script: ShellScript, keyword: &str, origin: &Origin) -> Command {
        match script {
            ShellScript::Text(text)
                if !is_one_line_shell(text.as_str(), self.escape) && !is_heredoc_body(text.as_str()) =>
            {
                self.exec_form(text, keyword, origin)
            }
            script => Command::Shell(script),
        }
    }

    /// A `CMD`, `ENTRYPOINT` or `HEALTHCHECK` command as the emitter writes it: shell text that cannot
    /// be one line is written (and kept) as the exec form of the stage's shell.
    fn one_line(&mut self, command: Command, keyword: &str, origin: &Origin) -> Command {
        match command {
            Command::Shell(ShellScript::Text(text)) if !is_one_line_shell(text.as_str(), self.escape) => {
                self.exec_form(text, keyword, origin)
            }
            command => command,
        }
    }

    fn exec_form(&mut self, text: Text, keyword: &str, origin: &Origin) -> Command {
        let shell = self.shell.join(" ");
        let message = format!(
            "the shell-form {keyword} {:?} cannot be written back in shell form: it is kept as the exec form \
             [\"{}\", <text>] of the stage's shell ({shell})",
            text.as_str().chars().take(40).collect::<String>(),
            self.shell.join("\", \"")
        );
        self.diagnose(Severity::Note, DiagnosticKind::Changed, message, Some(origin.span));
        let mut argv: Vec<Text> = self.shell.iter().filter_map(|arg| Text::new(arg.as_str()).ok()).collect();
        argv.push(text);
        Command::Exec(argv)
    }

    /// A shell-form `RUN` continued over lines that each start with ` && `, as the emitter writes
    /// [`ShellScript::Steps`]: the steps, when the text is exactly their shell text and the emitter
    /// would write them the same way.
    fn steps(&self, place: Place<'_>, text: &str) -> Option<ShellScript> {
        let original = place.outer.original.get(place.base..)?.trim_end();
        let start = place.base + original.len().checked_sub(text.len())?;
        if !original.ends_with(text) || place.outer.segments.len() < 2 {
            return None;
        }
        let mut steps = Vec::new();
        let mut from = 0;
        for segment in place.outer.segments.iter().skip(1) {
            let Some(at) = segment.logical.checked_sub(start) else {
                continue;
            };
            if at == 0 || at >= text.len() {
                continue;
            }
            if text.get(at - 1..at) == Some(" ") && text.get(at..)?.starts_with(" && ") && from < at {
                steps.push(text.get(from..at - 1)?);
                from = at + 4;
            }
        }
        if steps.is_empty() {
            return None;
        }
        steps.push(text.get(from..)?);
        if !steps.iter().all(|step| is_one_line_shell(step, self.escape)) {
            return None;
        }
        let steps: Vec<Text> = steps.into_iter().map(Text::new).collect::<Result<_, _>>().ok()?;
        let script = ShellScript::Steps(steps);
        (script.shell_text() == text).then_some(script)
    }

    /// The shell text BuildKit runs for a `RUN` with heredocs (its `dispatchRun`): the body of a single
    /// heredoc that is the whole command, else the command line with each heredoc written after it for
    /// the shell to read.
    fn heredoc_script(
        &mut self,
        cmdline: &str,
        heredocs: &[Heredoc],
        origin: &Origin,
    ) -> Result<ShellScript, NotModelled> {
        let text = match (decode::parse_heredoc_word(cmdline), heredocs.first()) {
            (Some(_), Some(doc)) => {
                let data = doc.chomped_content();
                if data.starts_with("#!") {
                    let message = format!(
                        "RUN <<{} starts with '#!', so BuildKit runs the body as an executable file; the model runs \
                         it with the stage's shell",
                        doc.name
                    );
                    self.diagnose(Severity::Warning, DiagnosticKind::Changed, message, Some(origin.span));
                    self.help("write the script to a file and RUN it, or start the body without '#!'");
                }
                data.strip_suffix('\n').unwrap_or(&data).to_string()
            }
            _ => {
                let mut text = cmdline.to_string();
                for doc in heredocs {
                    text.push('\n');
                    text.push_str(&doc.content);
                    text.push_str(&doc.name);
                }
                text
            }
        };
        if let Some(lines) = text.strip_prefix("set -e\n") {
            if is_heredoc_body(&text) {
                return lines.split('\n').map(text_of).collect::<Result<_, _>>().map(ShellScript::Script);
            }
        }
        text_of(&text).map(ShellScript::Text)
    }

    fn mount(&self, mount: &decode::Mount, trigger: bool) -> Result<Mount, NotModelled> {
        let mut ty = "bind".to_string();
        let (mut target, mut source, mut from, mut id, mut sharing, mut mode, mut uid, mut gid, mut size, mut env) =
            (None, None, None, None, None, None, None, None, None, None);
        let (mut required, mut readonly) = (false, None::<bool>);
        let flag = |value: &str| FlagValue::new(value).map_err(|err| NotModelled(err.to_string()));
        for (key, value) in &mount.fields {
            let text = value.as_deref();
            match (key.as_str(), text) {
                ("type", Some(value)) => ty = value.to_lowercase(),
                ("target" | "dst" | "destination", Some(value)) => target = Some(flag(value)?),
                ("source" | "src", Some(value)) => source = Some(flag(value)?),
                ("from", Some(value)) => from = Some(self.source_of(value, trigger)?),
                ("id", Some(value)) => id = Some(flag(value)?),
                ("sharing", Some(value)) => {
                    sharing = Some(match value.to_lowercase().as_str() {
                        "private" => Sharing::Private,
                        "locked" => Sharing::Locked,
                        _ => Sharing::Shared,
                    })
                }
                ("mode", Some(value)) => mode = Some(Chmod::new(value).map_err(|err| NotModelled(err.to_string()))?),
                ("uid", Some(value)) => uid = value.parse::<u32>().ok(),
                ("gid", Some(value)) => gid = value.parse::<u32>().ok(),
                ("size", Some(value)) => size = decode::ram_in_bytes(value).and_then(|n| u64::try_from(n).ok()),
                ("env", Some(value)) => env = Some(VarName::new(value).map_err(|err| NotModelled(err.to_string()))?),
                ("required", value) => required = value.is_none_or(|v| decode::go_parse_bool(v).unwrap_or(false)),
                ("readonly" | "ro", value) => {
                    readonly = Some(value.is_none_or(|v| decode::go_parse_bool(v).unwrap_or(false)))
                }
                ("readwrite" | "rw", value) => {
                    readonly = Some(!value.is_none_or(|v| decode::go_parse_bool(v).unwrap_or(false)))
                }
                (key, _) => return not_modelled(format!("the mount option {key} has no place in the model")),
            }
        }
        let extra = |present: &[(&str, bool)]| -> Result<(), NotModelled> {
            match present.iter().find(|(_, set)| *set) {
                Some((name, _)) => not_modelled(format!("a {ty} mount with {name} has no place in the model")),
                None => Ok(()),
            }
        };
        let missing_target = || NotModelled(format!("a {ty} mount without a target has no place in the model"));
        match ty.as_str() {
            "bind" => {
                extra(&[
                    ("id", id.is_some()),
                    ("sharing", sharing.is_some()),
                    ("mode", mode.is_some()),
                    ("uid", uid.is_some()),
                    ("gid", gid.is_some()),
                    ("size", size.is_some()),
                    ("env", env.is_some()),
                ])?;
                Ok(Mount::Bind {
                    target: target.ok_or_else(missing_target)?,
                    source,
                    from,
                    rw: readonly == Some(false),
                })
            }
            "cache" => {
                extra(&[("size", size.is_some()), ("env", env.is_some())])?;
                Ok(Mount::Cache {
                    target: target.ok_or_else(missing_target)?,
                    id,
                    sharing,
                    from,
                    source,
                    mode,
                    uid,
                    gid,
                    readonly: readonly == Some(true),
                })
            }
            "tmpfs" => {
                extra(&[
                    ("id", id.is_some()),
                    ("source", source.is_some()),
                    ("from", from.is_some()),
                    ("env", env.is_some()),
                    ("read-only", readonly == Some(true)),
                ])?;
                Ok(Mount::Tmpfs { target: target.ok_or_else(missing_target)?, size })
            }
            "secret" => {
                extra(&[
                    ("source", source.is_some()),
                    ("from", from.is_some()),
                    ("size", size.is_some()),
                    ("read-write", readonly == Some(false)),
                ])?;
                Ok(Mount::Secret { id, target, env, required, mode, uid, gid })
            }
            "ssh" => {
                extra(&[
                    ("source", source.is_some()),
                    ("from", from.is_some()),
                    ("size", size.is_some()),
                    ("env", env.is_some()),
                    ("read-write", readonly == Some(false)),
                ])?;
                Ok(Mount::Ssh { id, target, required, mode, uid, gid })
            }
            _ => not_modelled(format!("mount type {ty:?} has no place in the model")),
        }
    }

    /// `COPY --from` or `--mount=from=`: a stage by number or name, else an image.
    fn source_of(&self, value: &str, trigger: bool) -> Result<FromSource, NotModelled> {
        if let Ok(index) = value.parse::<usize>() {
            if trigger {
                return not_modelled(format!(
                    "--from={value} names a stage by number, which a trigger resolves in the child image's build"
                ));
            }
            return match self.stage_names.get(index).cloned().flatten().and_then(|name| StageName::new(name).ok()) {
                Some(name) => Ok(FromSource::Stage(name)),
                None => not_modelled(format!("--from={value} names no stage")),
            };
        }
        // In a trigger the name is resolved in the child's build; either reading writes the same text, so a
        // name of this file's stages reads as a stage, anything else as an image when it is one.
        let lower = value.to_lowercase();
        let is_stage = self.stage_names.iter().flatten().any(|name| *name == lower)
            || (trigger && ImageRef::parse(value).is_err());
        if is_stage {
            if let Ok(name) = StageName::new(lower) {
                return Ok(FromSource::Stage(name));
            }
        }
        ImageRef::parse(value).map(FromSource::Image).map_err(|err| NotModelled(err.to_string()))
    }

    fn copy(
        &mut self,
        node: &Node,
        copy: &decode::CopyAdd,
        add: bool,
        place: Place<'_>,
        origin: &Origin,
    ) -> Result<Vec<Instruction>, NotModelled> {
        let keyword = if add { "ADD" } else { "COPY" };
        for flag in &node.flags {
            if ["--chown=", "--chmod=", "--checksum="].iter().any(|name| flag.starts_with(name)) && flag.contains('$') {
                return not_modelled(format!("{flag} reads a variable, and the model holds it literally"));
            }
        }
        for word in &node.args {
            if decode::parse_heredoc_word(word).is_none() || node.json {
                literal(word, self.escape, keyword, "a path")?;
            }
        }
        let line = |text: &str| Line::new(text).map_err(|err| NotModelled(err.to_string()));
        let from = copy.from.as_deref().map(|from| self.source_of(from, place.trigger)).transpose()?;
        let chown = copy.chown.as_deref().map(UserSpec::new).transpose().map_err(|err| NotModelled(err.to_string()))?;
        let chmod = copy.chmod.as_deref().map(Chmod::new).transpose().map_err(|err| NotModelled(err.to_string()))?;
        let excludes = copy
            .excludes
            .iter()
            .map(Pattern::new)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| NotModelled(e.to_string()))?;
        let checksum = copy
            .checksum
            .as_deref()
            .map(model::Checksum::new)
            .transpose()
            .map_err(|err| NotModelled(err.to_string()))?;
        let make = |sources: Vec<Source>, dest: Line| -> Instruction {
            if add {
                let mut add = Add::new(sources, dest);
                add.chown = chown.clone();
                add.chmod = chmod.clone();
                add.link = copy.link;
                add.checksum = checksum.clone();
                add.keep_git_dir = copy.keep_git_dir.unwrap_or(false);
                add.unpack = copy.unpack;
                add.excludes = excludes.clone();
                Instruction::Add(add)
            } else {
                let mut out = Copy::new(sources, dest);
                out.from = from.clone();
                out.chown = chown.clone();
                out.chmod = chmod.clone();
                out.link = copy.link;
                out.parents = copy.parents;
                out.excludes = excludes.clone();
                Instruction::Copy(out)
            }
        };
        let paths: Vec<Source> =
            copy.sources.iter().map(|path| line(path).map(Source::Path)).collect::<Result<_, _>>()?;
        if copy.heredoc_sources.is_empty() {
            return Ok(vec![make(paths, line(&copy.dest)?)]);
        }
        let mut inline = Vec::new();
        for file in &copy.heredoc_sources {
            let written = place.heredocs.iter().find(|doc| doc.name == file.path).map(|doc| doc.content.as_str());
            if file.expand && written.is_some_and(|content| content.contains('$')) {
                let message = format!(
                    "the body of {keyword} <<{} reads variables, and the model holds file contents literally: it is \
                     kept expanded with the values a build without --build-arg uses",
                    file.path
                );
                self.diagnose(Severity::Warning, DiagnosticKind::Changed, message, Some(origin.span));
                self.help(format!("quote the delimiter (<<'{}') to keep the body as written", file.path));
            }
            inline.push((file.path.as_str(), Text::new(file.data.as_str()).map_err(|e| NotModelled(e.to_string()))?));
        }
        let dest = copy.dest.as_str();
        if inline.len() == 1 && paths.is_empty() && !dest.ends_with('/') {
            let (_, content) = inline.remove(0);
            return Ok(vec![make(vec![Source::Inline(content)], line(dest)?)]);
        }
        if !dest.ends_with('/') {
            return not_modelled(format!("{keyword} copies several sources to {dest:?}, which does not end with '/'"));
        }
        let mut out = Vec::new();
        if !paths.is_empty() {
            out.push(make(paths, line(dest)?));
        }
        for (name, content) in inline {
            out.push(make(vec![Source::Inline(content)], line(&format!("{dest}{name}"))?));
        }
        let message = if out.len() == 1 {
            format!(
                "{keyword} <<{0} {dest} is kept as {keyword} <<{0} {dest}{0}: the file it writes",
                copy.heredoc_sources[0].path
            )
        } else {
            format!(
                "{keyword} with heredoc sources is kept as {} {keyword} instructions, one per inline file",
                out.len()
            )
        };
        self.diagnose(Severity::Note, DiagnosticKind::Moved, message, Some(origin.span));
        Ok(out)
    }

    fn onbuild(&mut self, node: &Node, origin: &Origin) -> Result<Instruction, Option<String>> {
        let Some(inner) = node.inner.as_deref() else {
            return Err(Some("ONBUILD has no trigger".to_string()));
        };
        let base = suffix_offset(&node.original, &inner.original).unwrap_or(0);
        let place = Place { outer: node, base, heredocs: &node.heredocs, trigger: true };
        // The parser gives a trigger's heredocs to the ONBUILD node; the trigger reads them.
        let with_heredocs;
        let inner = if inner.heredocs.is_empty() && !node.heredocs.is_empty() {
            let mut copy = inner.clone();
            copy.heredocs = node.heredocs.clone();
            with_heredocs = copy;
            &with_heredocs
        } else {
            inner
        };
        let trigger = match decode(inner, self.escape, &|_| None) {
            Ok(decoded) => match self.typed(inner, &decoded, place, origin) {
                Ok(mut instructions) if instructions.len() == 1 => instructions.pop().map(|(i, _)| i),
                Ok(_) => None,
                Err(why) => {
                    let raw = self.trigger_raw(inner, why, origin.span);
                    Some(raw.ok_or(None)?)
                }
            },
            Err(err) => {
                let message =
                    format!("the ONBUILD trigger {} fails when a child image builds: {err}", keyword_as_written(inner));
                self.diagnose(Severity::Warning, DiagnosticKind::Rejected, message, Some(origin.span));
                Some(self.trigger_raw(inner, None, origin.span).ok_or(None)?)
            }
        };
        match trigger {
            Some(trigger) => Ok(Instruction::OnBuild(OnBuild { trigger: Box::new(trigger) })),
            None => {
                let raw =
                    self.trigger_raw(inner, Some("the trigger is written as several instructions".into()), origin.span);
                raw.map(|trigger| Instruction::OnBuild(OnBuild { trigger: Box::new(trigger) })).ok_or(None)
            }
        }
    }

    fn trigger_raw(&mut self, inner: &Node, why: Option<String>, span: Span) -> Option<Instruction> {
        let what = keyword_as_written(inner);
        let args = inner.original.get(what.len()..).unwrap_or("").trim_start();
        match Raw::new(&what, args) {
            Ok(raw) => {
                if let Some(why) = why {
                    let message = format!("the ONBUILD trigger {what} is kept as written: {why}");
                    self.diagnose(Severity::Note, DiagnosticKind::Raw, message, Some(span));
                }
                Some(Instruction::Raw(raw))
            }
            Err(err) => {
                let message = format!("the ONBUILD trigger cannot be kept: {err}; the line is kept as a comment");
                self.diagnose(Severity::Error, DiagnosticKind::Changed, message, Some(span));
                None
            }
        }
    }

    /// Where the parts of `place`'s node are in the text.
    fn origin(&self, node: &Node, place: Place<'_>) -> Origin {
        let outer = place.outer;
        let text = outer.original.as_str();
        let to_span = |range: Range<usize>| -> Span {
            let start = outer.source_offset(range.start).unwrap_or(outer.span.start);
            let end = match range.end.checked_sub(1) {
                Some(last) if range.end > range.start => outer.source_offset(last).map_or(outer.span.end, |at| at + 1),
                _ => start,
            };
            self.span(start..end)
        };
        let span = self.span(outer.span.clone());
        let outer_keyword = text.find(char::is_whitespace).unwrap_or(text.len());
        let keyword = to_span(0..outer_keyword);
        let heredocs = outer.heredoc_spans.iter().map(|range| self.span(range.clone())).collect();
        let own = text.get(place.base..).unwrap_or("");
        let keyword_end = place.base + own.find(char::is_whitespace).unwrap_or(own.len());
        let words = words::words(text, keyword_end, self.escape);
        let mut flags = Vec::new();
        let mut rest_start = text.trim_end().len();
        let mut rest_words = Vec::new();
        let mut in_flags = true;
        for range in words {
            let word = text.get(range.clone()).unwrap_or("");
            if in_flags && word.starts_with("--") {
                if word != "--" {
                    flags.push(to_span(range));
                }
                continue;
            }
            if in_flags {
                in_flags = false;
                rest_start = range.start;
            }
            rest_words.push(range);
        }
        let rest_end = text.trim_end().len().max(rest_start);
        let args: Vec<Span> = match node.keyword.as_str() {
            _ if node.json && node.keyword == "healthcheck" => {
                let mut args: Vec<Span> = rest_words.first().cloned().map(to_span).into_iter().collect();
                let after = rest_words.first().map_or(rest_start, |range| range.end);
                args.extend(words::json_strings(text, after).into_iter().map(to_span));
                args
            }
            _ if node.json => words::json_strings(text, rest_start).into_iter().map(to_span).collect(),
            "healthcheck" => {
                let mut args: Vec<Span> = rest_words.first().cloned().map(to_span).into_iter().collect();
                if let Some(second) = rest_words.get(1) {
                    args.push(to_span(second.start..rest_end));
                }
                args
            }
            "run" | "cmd" | "entrypoint" | "maintainer" | "stopsignal" | "user" | "workdir" => {
                if rest_start < rest_end { vec![to_span(rest_start..rest_end)] } else { Vec::new() }
            }
            "onbuild" => Vec::new(),
            _ => rest_words.into_iter().map(to_span).collect(),
        };
        Origin { span, keyword, flags, args, heredocs }
    }
}

/// The shell BuildKit uses for shell-form instructions on Linux when no `SHELL` is set.
fn default_shell() -> Vec<String> {
    vec!["/bin/sh".to_string(), "-c".to_string()]
}

/// The comment lines of `before` that are the stage's own (a block ending on the line before the
/// `FROM`, with no blank line in it), split from the rest.
fn split_doc<'c>(before: &[&'c CommentLine], from_line: usize) -> (Vec<&'c CommentLine>, Vec<&'c CommentLine>) {
    let mut split = before.len();
    let mut expected = from_line;
    while split > 0 && before[split - 1].line + 1 == expected && !before[split - 1].in_instruction {
        split -= 1;
        expected = before[split].line;
    }
    (before[..split].to_vec(), before[split..].to_vec())
}

/// A comment line's text: after the `#` and one space.
fn comment_text(line: &str) -> &str {
    let text = line.trim_start().strip_prefix('#').unwrap_or(line);
    text.strip_prefix(' ').unwrap_or(text)
}

/// The keyword as written (BuildKit's parser lower-cases it).
fn keyword_as_written(node: &Node) -> String {
    let word = node.original.split(char::is_whitespace).next().unwrap_or("");
    if word.is_empty() { node.keyword.to_uppercase() } else { word.to_string() }
}

/// Where `inner` starts in `outer`, when it is the end of it (an ONBUILD trigger's text).
fn suffix_offset(outer: &str, inner: &str) -> Option<usize> {
    let outer = outer.trim_end();
    outer.ends_with(inner).then(|| outer.len() - inner.len())
}

/// A word as a [`Value`]: literal text and plain variable references.
fn value(word: &str, escape: char, what: &str) -> Result<Value, NotModelled> {
    let pieces = words::lex(word, escape).map_err(|why| unreadable(word, what, why))?;
    let mut parts = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Literal(text) => {
                parts.push(Part::Literal(Line::new(text).map_err(|err| NotModelled(err.to_string()))?));
            }
            Piece::Var(name) => parts
                .push(Part::Var(VarName::new(name.as_str()).map_err(|_| {
                    NotModelled(format!("{what} {word:?} reads ${name}, which the model cannot name"))
                })?)),
        }
    }
    Ok(Value::from_parts(parts))
}

/// A word that must be literal (the model holds a typed value there).
fn literal(word: &str, escape: char, keyword: &str, what: &str) -> Result<String, NotModelled> {
    let pieces = words::lex(word, escape).map_err(|why| unreadable(word, keyword, why))?;
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Literal(text) => out.push_str(&text),
            Piece::Var(name) => {
                return not_modelled(format!(
                    "{keyword} {word:?} reads variable {name}, and the model holds {what} literally"
                ));
            }
        }
    }
    Ok(out)
}

fn unreadable(word: &str, what: &str, why: Unreadable) -> NotModelled {
    NotModelled(match why {
        Unreadable::Modifier => format!(
            "{what} {word:?} uses a ${{NAME:...}}-style form, and the model keeps only plain ${{NAME}} references"
        ),
        Unreadable::Lex(message) => message,
        Unreadable::Marker => format!("{what} {word:?} holds U+E000 or U+E001"),
    })
}

/// `ARG name[=default]`.
fn arg(word: &str, escape: char) -> Result<Arg, NotModelled> {
    let (name, default) = match word.split_once('=') {
        Some((name, default)) => (name, Some(value(default, escape, "ARG default")?)),
        None => (word, None),
    };
    let name = VarName::new(name).map_err(|err| NotModelled(err.to_string()))?;
    Ok(Arg { name, default })
}

fn text_of(text: &str) -> Result<Text, NotModelled> {
    Text::new(text).map_err(|err| NotModelled(err.to_string()))
}

fn texts(argv: &[String]) -> Result<Vec<Text>, NotModelled> {
    argv.iter().map(|arg| text_of(arg)).collect()
}

fn command(form: &ShellOrExec, keyword: &str) -> Result<Command, NotModelled> {
    match form {
        ShellOrExec::Exec(argv) => Ok(Command::Exec(texts(argv)?)),
        ShellOrExec::Shell(text) if text.is_empty() => not_modelled(format!(
            "a {keyword} without arguments runs the shell without a command, which the model cannot write"
        )),
        ShellOrExec::Shell(text) => Ok(Command::Shell(ShellScript::Text(text_of(text)?))),
    }
}

fn healthcheck(check: &decode::Healthcheck) -> Result<Healthcheck, NotModelled> {
    match check {
        decode::Healthcheck::None => Ok(Healthcheck::None),
        decode::Healthcheck::Cmd { test, interval, timeout, start_period, start_interval, retries } => {
            let duration = |d: &std::time::Duration| {
                if d.is_zero() { Ok(None) } else { Duration::new(*d).map(Some).map_err(|e| NotModelled(e.to_string())) }
            };
            let options = HealthOptions {
                interval: duration(interval)?,
                timeout: duration(timeout)?,
                start_period: duration(start_period)?,
                start_interval: duration(start_interval)?,
                retries: (*retries > 0).then_some(*retries),
            };
            Ok(Healthcheck::Check { options, command: command(test, "HEALTHCHECK CMD")? })
        }
    }
}
