//! What every subcommand shares to report: the streams, colour, the exit code so far, errors with
//! their cause chain, located diagnostics, and unified diffs.

use std::error::Error as StdError;
use std::fmt;
use std::io::{Read, Write};

use anstyle::{AnsiColor, Style};

use super::Exit;
use crate::import::{Diagnostic, Lowered, Position, Severity};

/// Something the command could not do, with what caused it: printed as `error: message` and one
/// `caused by:` line per cause.
#[derive(Debug)]
pub(crate) struct Failure {
    message: String,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

impl Failure {
    /// A failure with no underlying cause.
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Failure { message: message.into(), source: None }
    }

    /// A failure caused by `source`.
    pub(crate) fn because(message: impl Into<String>, source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        Failure { message: message.into(), source: Some(source.into()) }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for Failure {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source.as_deref().map(|source| source as &(dyn StdError + 'static))
    }
}

/// How much a reported item matters; its label and colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Level {
    Error,
    Warning,
    /// A lint finding of severity `info`.
    Info,
    /// A lint finding of severity `style`.
    Style,
    Note,
}

impl Level {
    fn label(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "info",
            Level::Style => "style",
            Level::Note => "note",
        }
    }

    fn style(self) -> Style {
        match self {
            Level::Error => AnsiColor::Red.on_default().bold(),
            Level::Warning => AnsiColor::Yellow.on_default().bold(),
            Level::Info => AnsiColor::Blue.on_default().bold(),
            Level::Style => AnsiColor::Magenta.on_default().bold(),
            Level::Note => AnsiColor::Cyan.on_default().bold(),
        }
    }
}

impl From<Severity> for Level {
    fn from(severity: Severity) -> Self {
        match severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
            _ => Level::Note,
        }
    }
}

impl From<crate::lint::Severity> for Level {
    fn from(severity: crate::lint::Severity) -> Self {
        use crate::lint::Severity as Lint;
        match severity {
            Lint::Error => Level::Error,
            Lint::Warning => Level::Warning,
            Lint::Info => Level::Info,
            _ => Level::Style,
        }
    }
}

/// One item to report about a file: `file:line:column: level[code]: message`, then `help: ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Report<'a> {
    pub(crate) level: Level,
    /// A rule code (`DW001`), shown after the level.
    pub(crate) code: Option<&'a str>,
    pub(crate) at: Option<Position>,
    pub(crate) message: &'a str,
    pub(crate) help: Option<&'a str>,
}

impl<'a> From<&'a Diagnostic> for Report<'a> {
    fn from(diagnostic: &'a Diagnostic) -> Self {
        Report {
            level: diagnostic.severity.into(),
            code: None,
            at: diagnostic.span.map(|span| span.from),
            message: &diagnostic.message,
            help: diagnostic.help.as_deref(),
        }
    }
}

/// Bold, for headings.
pub(crate) const HEADING: Style = Style::new().bold();
/// Dim, for secondary text.
pub(crate) const DIM: Style = Style::new().dimmed();
/// Green, for lines a diff adds and for good news.
pub(crate) const ADDED: Style = AnsiColor::Green.on_default();
/// Red, for lines a diff removes and for bad news.
pub(crate) const REMOVED: Style = AnsiColor::Red.on_default();

/// One output stream and whether it is coloured.
pub(crate) struct Stream<'a> {
    inner: &'a mut dyn Write,
    colour: bool,
    /// The first write error; later writes are skipped and the run ends with exit 2.
    broken: Option<std::io::Error>,
}

impl Stream<'_> {
    /// Writes `text` as it is.
    pub(crate) fn text(&mut self, text: &str) {
        if self.broken.is_none() {
            if let Err(error) = self.inner.write_all(text.as_bytes()) {
                self.broken = Some(error);
            }
        }
    }

    /// Writes `text` in `style` (plain without colour).
    pub(crate) fn styled(&mut self, style: Style, text: &str) {
        if self.colour && !text.is_empty() {
            let styled = format!("{}{text}{}", style.render(), style.render_reset());
            self.text(&styled);
        } else {
            self.text(text);
        }
    }

    /// Writes `text` and a line break.
    pub(crate) fn line(&mut self, text: &str) {
        self.text(text);
        self.text("\n");
    }

    /// Writes `text` in `style`, and a line break.
    pub(crate) fn styled_line(&mut self, style: Style, text: &str) {
        self.styled(style, text);
        self.text("\n");
    }

    /// Writes one located item about `file`: `file:line:column: level[CODE]: message`, then the help
    /// line.
    pub(crate) fn report(&mut self, file: &str, report: &Report<'_>) {
        let at = match report.at {
            Some(at) => format!("{file}:{at}: "),
            None => format!("{file}: "),
        };
        self.styled(HEADING, &at);
        let label = match report.code {
            Some(code) => format!("{}[{code}]", report.level.label()),
            None => report.level.label().to_string(),
        };
        self.styled(report.level.style(), &label);
        self.line(&format!(": {}", report.message));
        if let Some(help) = report.help {
            self.styled(DIM, "  = help");
            self.line(&format!(": {help}"));
        }
    }
}

/// The streams, the colour choice and the exit code of one run.
pub(crate) struct Session<'a> {
    stdin: &'a mut dyn Read,
    /// Standard output: what the subcommand produces.
    pub(crate) out: Stream<'a>,
    /// Standard error: diagnostics, progress, errors.
    pub(crate) err: Stream<'a>,
    /// `--verbose`: notes are printed too.
    pub(crate) verbose: bool,
    exit: Exit,
    /// Whether standard input was read already (it can be read once).
    stdin_used: bool,
}

impl<'a> Session<'a> {
    pub(crate) fn new(
        stdin: &'a mut dyn Read,
        stdout: &'a mut dyn Write,
        stderr: &'a mut dyn Write,
        colour_out: bool,
        colour_err: bool,
        verbose: bool,
    ) -> Self {
        Session {
            stdin,
            out: Stream { inner: stdout, colour: colour_out, broken: None },
            err: Stream { inner: stderr, colour: colour_err, broken: None },
            verbose,
            exit: Exit::Ok,
            stdin_used: false,
        }
    }

    /// Standard input, once; `None` the second time.
    pub(crate) fn take_stdin(&mut self) -> Option<&mut dyn Read> {
        if self.stdin_used {
            return None;
        }
        self.stdin_used = true;
        Some(&mut *self.stdin)
    }

    /// Raises the exit code to at least `exit`.
    pub(crate) fn exit(&mut self, exit: Exit) {
        self.exit = self.exit.max(exit);
    }

    /// Prints `error: ...` with the cause chain on standard error, and sets exit 2.
    pub(crate) fn fail(&mut self, failure: &dyn StdError) {
        self.err.styled(Level::Error.style(), "error");
        self.err.line(&format!(": {failure}"));
        let mut cause = failure.source();
        while let Some(error) = cause {
            self.err.styled(DIM, "  caused by");
            self.err.line(&format!(": {error}"));
            cause = error.source();
        }
        self.exit(Exit::Error);
    }

    /// Prints one located item about `file` on standard error (it does not change the exit code).
    pub(crate) fn report(&mut self, file: &str, report: &Report<'_>) {
        self.err.report(file, report);
    }

    /// Prints what lowering `file` did not keep as written: errors and warnings, and notes with
    /// `--verbose`.
    pub(crate) fn lowering(&mut self, file: &str, lowered: &Lowered) {
        for diagnostic in &lowered.diagnostics {
            if diagnostic.severity == Severity::Note && !self.verbose {
                continue;
            }
            self.report(file, &Report::from(diagnostic));
        }
    }

    /// Writes a unified diff of `before` and `after` on standard output, under `header` lines (each
    /// printed as `# line`), with `a/name` and `b/name` file labels.
    pub(crate) fn diff(&mut self, name: &str, before: &str, after: &str, header: &[String]) {
        for line in header {
            self.out.styled_line(DIM, &format!("# {line}"));
        }
        let diff = similar::TextDiff::from_lines(before, after);
        let unified = diff
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{}", name.trim_start_matches('/')), &format!("b/{}", name.trim_start_matches('/')))
            .to_string();
        for line in unified.split_inclusive('\n') {
            let style = if line.starts_with("+++") || line.starts_with("---") {
                HEADING
            } else if line.starts_with('+') {
                ADDED
            } else if line.starts_with('-') {
                REMOVED
            } else if line.starts_with("@@") {
                AnsiColor::Cyan.on_default()
            } else {
                Style::new()
            };
            let (body, newline) = match line.strip_suffix('\n') {
                Some(body) => (body, "\n"),
                None => (line, ""),
            };
            self.out.styled(style, body);
            self.out.text(newline);
        }
    }

    /// Flushes both streams and returns the exit code: 2 when a stream could not be written (reported
    /// on standard error when that one still works).
    pub(crate) fn finish(mut self) -> Exit {
        for stream in [&mut self.out, &mut self.err] {
            if stream.broken.is_none() {
                if let Err(error) = stream.inner.flush() {
                    stream.broken = Some(error);
                }
            }
        }
        if let Some(error) = self.out.broken.take() {
            // A reader that went away (`dockwright ... | head`) is not worth a message.
            if error.kind() != std::io::ErrorKind::BrokenPipe {
                let failure = Failure::because("cannot write to standard output", error);
                self.fail(&failure);
                let _ = self.err.inner.flush();
            }
            self.exit(Exit::Error);
        }
        if self.err.broken.is_some() {
            self.exit(Exit::Error);
        }
        self.exit
    }
}
