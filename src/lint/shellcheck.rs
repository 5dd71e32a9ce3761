//! ShellCheck on the shell inside `RUN`: [`check_with`] lints a file as [`check`](super::check) does,
//! then hands each shell-form `RUN` script to a [`ShellCheck`] runner with the stage's shell as its
//! dialect (and each exec-form `RUN` that runs a shell with `-c`, with that shell), the `ARG` and
//! `ENV` variables in scope there declared first (see [`Script`]), and maps each finding (`SC2086`
//! ...) back to the Dockerfile text. The codes are
//! ShellCheck's own, passed through: [`Options`] and ignore comments (`# hadolint ignore=SC2086`)
//! name them directly, and rule DW3023 `shellcheck` turns the whole pass off.
//!
//! The core runs no program: a runner is given by the caller (the command line runs the `shellcheck`
//! program with [`arguments`]). A runner that cannot run gives one info finding (DW3023) saying
//! ShellCheck was not run and why, instead of silence.
//!
//! A caller that lints many files and wants to run ShellCheck once for all their scripts (the program
//! takes many files) uses [`prepare`] instead: it gives each file's findings and its [`Scripts`];
//! the caller runs every file's scripts as it likes, then [`Scripts::merge`] maps each file's output
//! back. [`check_with`] is [`prepare`], one [`ShellCheck::run`] per script, and [`Scripts::merge`].
//!
//! ```
//! use dockwright::lint::shellcheck::{ShellCheck, check_with};
//! use dockwright::lint::Options;
//!
//! /// A stand-in for the program: one SC2086 on `$DIR` of line 1.
//! struct Fake;
//! impl ShellCheck for Fake {
//!     fn run(&self, script: &str, dialect: &str) -> Result<String, String> {
//!         assert_eq!((script, dialect), ("rm -rf $DIR", "sh"));
//!         Ok(r#"{"comments":[{"line":1,"endLine":1,"column":8,"endColumn":12,"level":"info","code":2086,
//!               "message":"Double quote to prevent globbing and word splitting."}]}"#.into())
//!     }
//! }
//! let text = "FROM alpine:3.20\nRUN rm -rf $DIR\nUSER 1\n";
//! let found = check_with(text, &Options::default(), &Fake);
//! assert_eq!(found[0].to_string(), "2:12: info[SC2086]: Double quote to prevent globbing and word splitting.");
//! assert_eq!(&text[found[0].span.range()], "$DIR");
//! assert!(check_with(text, &Options::default().disable("SC2086"), &Fake).is_empty());
//! ```

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::{Mutex, OnceLock};

use super::context::{Context, Spans};
use super::ignore::Ignores;
use super::runs::runs;
use super::{Diagnostic, Options, Severity, Span, rule, sort};
use crate::import::{Lowered, Node, Parsed, lower, parse};
use crate::model::{Command, Instruction};

/// Runs ShellCheck on one script.
pub trait ShellCheck {
    /// ShellCheck's `-f json1` output for `script` read as shell `dialect` (`sh`, `bash`, `dash` or
    /// `ksh`), or why it could not run (`shellcheck is not installed`). The program exits 1 when it
    /// finds something: that is output, not failure.
    ///
    /// # Errors
    ///
    /// Why ShellCheck could not run, in a few words.
    fn run(&self, script: &str, dialect: &str) -> Result<String, String>;
}

/// The command-line arguments that make the `shellcheck` program read a script on its standard input
/// as `dialect` and print what [`ShellCheck::run`] returns. Sourced files cannot be followed, so
/// SC1090 and SC1091 are left out. The same arguments with file names in place of the last `-` read
/// those files, and print one output for all of them: each comment names its `file`.
///
/// ```
/// assert_eq!(
///     dockwright::lint::shellcheck::arguments("bash"),
///     ["--norc", "-s", "bash", "-f", "json1", "-e", "SC1090,SC1091", "-"]
/// );
/// ```
#[must_use]
pub fn arguments(dialect: &str) -> Vec<String> {
    ["--norc", "-s", dialect, "-f", "json1", "-e", "SC1090,SC1091", "-"].map(str::to_string).to_vec()
}

/// Lints `text` as [`check`](super::check) does, and runs `shellcheck` on every shell-form `RUN`
/// script, and every exec-form one that runs a shell with `-c` (unless DW3023 is disabled): its
/// findings, coded `SC####`, are merged in text order.
///
/// ```
/// use dockwright::lint::shellcheck::{ShellCheck, check_with};
/// use dockwright::lint::Options;
///
/// struct Absent;
/// impl ShellCheck for Absent {
///     fn run(&self, _: &str, _: &str) -> Result<String, String> {
///         Err("shellcheck is not installed".into())
///     }
/// }
/// let text = "FROM alpine:3.20\nRUN make\nUSER 1\n";
/// let found = check_with(text, &Options::default(), &Absent);
/// assert_eq!(found[0].to_string(), "2:1: info[DW3023]: ShellCheck was not run on the RUN scripts: shellcheck is not installed");
/// assert!(check_with(text, &Options::default().disable("shellcheck"), &Absent).is_empty());
/// ```
#[must_use]
pub fn check_with(text: &str, options: &Options, checker: &dyn ShellCheck) -> Vec<Diagnostic> {
    let (found, scripts) = prepare(text, options);
    let mut outputs = Vec::new();
    for script in scripts.iter() {
        let output = checker.run(script.text, script.dialect);
        let failed = output.is_err();
        outputs.push(output);
        // A runner that cannot run once will not run for the next script either.
        if failed {
            break;
        }
    }
    scripts.merge(found, &outputs)
}

/// Lints `text` as [`check`](super::check) does, and reads the shell-form `RUN` scripts ShellCheck
/// is to check (none when DW3023 is disabled): what [`check_with`] does before it runs anything.
/// Run each of [`Scripts::iter`] with [`arguments`] (many at once if you like), then hand the outputs,
/// in the same order, to [`Scripts::merge`].
///
/// ```
/// use dockwright::lint::shellcheck::{Script, prepare};
/// use dockwright::lint::Options;
///
/// let text = "FROM alpine:3.20\nRUN cd $DIR\nSHELL [\"/bin/bash\", \"-c\"]\nRUN [[ -d x ]] && ls\nRUN [\"ls\"]\nUSER 1\n";
/// let (found, scripts) = prepare(text, &Options::default());
/// assert!(found.is_empty());
/// let listed: Vec<Script<'_>> = scripts.iter().collect();
/// assert_eq!(listed, [Script { text: "cd $DIR", dialect: "sh" }, Script { text: "[[ -d x ]] && ls", dialect: "bash" }]);
/// let output = r#"{"comments":[{"line":1,"column":4,"endLine":1,"endColumn":8,"level":"info","code":2086,"message":"Double quote"}]}"#;
/// let merged = scripts.merge(found, &[Ok(output.into()), Ok(r#"{"comments":[]}"#.into())]);
/// assert_eq!(merged[0].to_string(), "2:8: info[SC2086]: Double quote");
/// ```
#[must_use]
pub fn prepare(text: &str, options: &Options) -> (Vec<Diagnostic>, Scripts) {
    let parsed = parse(text);
    let lowered = lower(&parsed);
    prepare_parsed(text, parsed, &lowered, options)
}

fn prepare_parsed(text: &str, parsed: Parsed, lowered: &Lowered, options: &Options) -> (Vec<Diagnostic>, Scripts) {
    let enabled = rule("DW3023").is_some_and(|info| options.is_enabled(&info));
    let (found, entries, ignores) = {
        let cx = super::context(text, &parsed, lowered, options);
        let ignores = Ignores::read(&cx);
        let mut found = super::run_rules(&cx, &ignores, options);
        sort(&mut found);
        let entries = if enabled { entries(&cx) } else { Vec::new() };
        (found, entries, ignores)
    };
    if entries.is_empty() {
        return (found, Scripts::default());
    }
    let file = File { text: text.to_string(), parsed, options: options.clone(), ignores };
    (found, Scripts { file: Some(Box::new(file)), entries })
}

/// One script ShellCheck is to read: its text and the dialect to read it as (`sh`, `bash`, `dash`
/// or `ksh`: the stage's shell). When the script mentions variables in scope at its `RUN` (the
/// stage's `ARG`s and `ENV`s, those of the stages it is built on, BuildKit's proxy `ARG`s), the text
/// declares them on a first line (`export FOO`, after a `#!` line if the script has one), as
/// hadolint does but without a value (a build argument may be anything, so ShellCheck still says
/// where one needs quotes): ShellCheck then does not take them for unassigned. [`Scripts::merge`]
/// maps lines back past that line.
///
/// ```
/// use dockwright::lint::shellcheck::{Script, prepare};
///
/// let script = Script { text: "make", dialect: "sh" };
/// assert_eq!(dockwright::lint::shellcheck::arguments(script.dialect)[2], "sh");
/// let text = "FROM alpine:3.20\nARG FOO\nENV BAR=1\nRUN echo $FOO $BAZ\nRUN make\nUSER 1\n";
/// let (_, scripts) = prepare(text, &Default::default());
/// let texts: Vec<&str> = scripts.iter().map(|script| script.text).collect();
/// assert_eq!(texts, ["export FOO\necho $FOO $BAZ", "make"]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Script<'a> {
    /// The script as the shell receives it, after the line declaring its variables in scope, if any.
    pub text: &'a str,
    /// The shell to read it as.
    pub dialect: &'a str,
}

/// The shell-form `RUN` scripts of one file that ShellCheck is to read ([`prepare`]), and what maps
/// ShellCheck's findings back to the file's text.
///
/// ```
/// use dockwright::lint::shellcheck::prepare;
/// use dockwright::lint::Options;
///
/// let (_, scripts) = prepare("FROM alpine:3.20\nRUN make\nRUN make install\nUSER 1\n", &Options::default());
/// assert_eq!((scripts.len(), scripts.is_empty()), (2, false));
/// let (_, none) = prepare("FROM alpine:3.20\nRUN make\nUSER 1\n", &Options::default().disable("DW3023"));
/// assert!(none.is_empty());
/// ```
#[derive(Debug, Clone, Default)]
pub struct Scripts {
    /// The file, when it has scripts.
    file: Option<Box<File>>,
    entries: Vec<Entry>,
}

/// What locating and filtering ShellCheck's findings reads.
#[derive(Debug, Clone)]
struct File {
    text: String,
    parsed: Parsed,
    options: Options,
    ignores: Ignores,
}

/// One script, and where it is in the file.
#[derive(Debug, Clone)]
struct Entry {
    script: String,
    /// What ShellCheck reads: the script with the variables in scope declared ([`declare_scope`]).
    checked: String,
    /// The line of `checked` that declares them, when one does.
    declared_at: Option<usize>,
    dialect: &'static str,
    /// Its `RUN` node, by index in the syntax tree.
    node: usize,
    locator: Locator,
}

impl Scripts {
    /// The scripts, in text order.
    ///
    /// ```
    /// use dockwright::lint::shellcheck::prepare;
    ///
    /// let (_, scripts) = prepare("FROM alpine:3.20\nRUN a \\\n  && b\nUSER 1\n", &Default::default());
    /// assert_eq!(scripts.iter().map(|s| s.text).collect::<Vec<_>>(), ["a   && b"]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = Script<'_>> + '_ {
        self.entries.iter().map(|entry| Script { text: &entry.checked, dialect: entry.dialect })
    }

    /// How many scripts there are.
    ///
    /// ```
    /// let (_, scripts) = dockwright::lint::shellcheck::prepare("FROM alpine:3.20\nUSER 1\n", &Default::default());
    /// assert_eq!(scripts.len(), 0);
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there is no script to check.
    ///
    /// ```
    /// let (_, scripts) = dockwright::lint::shellcheck::prepare("FROM alpine:3.20\nRUN [\"make\"]\n", &Default::default());
    /// assert!(scripts.is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// `found` (the file's other findings) with ShellCheck's findings merged in, in text order.
    /// `outputs[i]` is what ShellCheck printed for script `i` of [`Scripts::iter`] (`-f json1`), or
    /// why it could not run: the first such failure gives one DW3023 info finding, and the scripts
    /// after it are not looked at (nor are scripts past the end of `outputs`). Comments that are not
    /// ShellCheck's json1 are left out.
    ///
    /// ```
    /// use dockwright::lint::shellcheck::prepare;
    ///
    /// let text = "FROM alpine:3.20\nRUN make\nUSER 1\n";
    /// let (found, scripts) = prepare(text, &Default::default());
    /// let merged = scripts.merge(found, &[Err("shellcheck exited with 3".into())]);
    /// assert_eq!(merged[0].message, "ShellCheck was not run on the RUN scripts: shellcheck exited with 3");
    /// ```
    #[must_use]
    pub fn merge(&self, mut found: Vec<Diagnostic>, outputs: &[Result<String, String>]) -> Vec<Diagnostic> {
        let (Some(info), Some(file)) = (rule("DW3023"), &self.file) else { return found };
        let spans = Spans { text: &file.text, parsed: &file.parsed };
        let options = &file.options;
        for (entry, output) in self.entries.iter().zip(outputs) {
            let Some(node) = file.parsed.ast.nodes.get(entry.node) else { continue };
            let json = match output {
                Ok(json) => json,
                Err(why) => {
                    let message = format!("ShellCheck was not run on the RUN scripts: {why}");
                    found.push(Diagnostic {
                        code: info.code,
                        rule: info.name,
                        severity: options.severity_override(&info).unwrap_or(info.severity),
                        message,
                        span: spans.node_span(node),
                        help: "install shellcheck (Debian: apt-get install shellcheck) and lint again".into(),
                        fix: None,
                    });
                    break;
                }
            };
            for mut comment in comments(json) {
                // Back to the script's own lines, past the line that declares the scope.
                if let Some(declared) = entry.declared_at {
                    if comment.line == declared {
                        continue;
                    }
                    let back = |line: usize| if line > declared { line - 1 } else { line };
                    (comment.line, comment.end_line) = (back(comment.line), back(comment.end_line));
                }
                let id = code(comment.code);
                if options.is_disabled_id(id) {
                    continue;
                }
                let span = entry.locator.span(&spans, node, &entry.script, &comment);
                if file.ignores.silences_id(id, &span) {
                    continue;
                }
                let severity =
                    options.severity_for_id(id).or_else(|| options.severity_override(&info)).unwrap_or(comment.level);
                found.push(Diagnostic {
                    code: id,
                    rule: info.name,
                    severity,
                    message: comment.message,
                    span,
                    help: format!("see https://www.shellcheck.net/wiki/{id}"),
                    fix: None,
                });
            }
        }
        sort(&mut found);
        found
    }
}

/// The scripts of the file's shell-form `RUN`s, and exec-form ones running a shell with `-c`, whose
/// shell ShellCheck reads.
fn entries(cx: &Context<'_>) -> Vec<Entry> {
    let mut out = Vec::new();
    let scopes = super::vars::scopes(cx).runs;
    for site in runs(cx) {
        let Some(Instruction::Run(run)) =
            cx.lowered.dockerfile.stages.get(site.stage).and_then(|stage| stage.instructions.get(site.index))
        else {
            continue;
        };
        // The shell that runs it: the stage's, or the one an exec form names (`["/bin/sh", "-c", "..."]`).
        let Some(dialect) = super::rules::run_shell(cx, &site).and_then(|shell| shell_dialect(&shell)) else {
            continue;
        };
        let script = match &run.command {
            Command::Shell(script) => script.shell_text(),
            Command::Exec(argv) => {
                let argv: Vec<String> = argv.iter().map(|arg| arg.as_str().to_string()).collect();
                let Some(text) = crate::analysis::shell_c(&argv) else { continue };
                text.to_string()
            }
            #[allow(unreachable_patterns)]
            _ => continue,
        };
        let Some(node) = cx.parsed.ast.nodes.iter().position(|node| std::ptr::eq(node, site.node)) else { continue };
        let locator = Locator::new(cx, &site, &script);
        let scope = scopes.iter().find(|(run, _)| std::ptr::eq(*run, site.node)).map_or(&[][..], |(_, names)| names);
        let (checked, declared_at) = declare_scope(&script, scope);
        out.push(Entry { script, checked, declared_at, dialect, node, locator });
    }
    out
}

/// `script` as ShellCheck is to read it: with one line `export NAME ...` declaring the variables
/// of `scope` the script mentions (as hadolint declares them, but without a value), so that reading
/// an `ARG` or `ENV` is no unassigned variable to ShellCheck. The line goes first, or after a `#!`
/// line; it is given with its line number. Without such a variable, the script unchanged and `None`.
fn declare_scope(script: &str, scope: &[String]) -> (String, Option<usize>) {
    let is_name = |name: &str| {
        name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    // Sorted and once each: the same scope gives the same text (ShellCheck runs identical texts once).
    let names: std::collections::BTreeSet<&str> = scope
        .iter()
        .map(String::as_str)
        .filter(|name| *name != "PATH" && is_name(name) && script.contains(name))
        .collect();
    if names.is_empty() {
        return (script.to_string(), None);
    }
    // Declared without a value: the build may give an ARG any value, so ShellCheck still says where
    // one needs quotes (hadolint's `NAME=1` would hide that: `1` needs none).
    let mut declare = String::from("export");
    for name in names {
        declare.push(' ');
        declare.push_str(name);
    }
    declare.push('\n');
    if !script.starts_with("#!") {
        return (declare + script, Some(1));
    }
    let (first, rest) = match script.find('\n') {
        Some(end) => script.split_at(end + 1),
        None => (script, ""),
    };
    let newline = if first.ends_with('\n') { "" } else { "\n" };
    (format!("{first}{newline}{declare}{rest}"), Some(2))
}

/// The number of a ShellCheck code (`SC2086` or `sc2086`), if `id` is one.
pub(crate) fn code_number(id: &str) -> Option<u32> {
    let digits = id.get(..2).filter(|prefix| prefix.eq_ignore_ascii_case("SC")).and(id.get(2..))?;
    (digits.len() == 4 && digits.chars().all(|c| c.is_ascii_digit())).then(|| digits.parse().ok()).flatten()
}

/// The shell `argv` runs (`sh` when none is given) as a ShellCheck dialect, when ShellCheck reads it.
fn shell_dialect(argv: &[String]) -> Option<&'static str> {
    let Some(program) = argv.first() else { return Some("sh") };
    match program.rsplit('/').next().unwrap_or(program) {
        "sh" | "ash" => Some("sh"),
        "bash" => Some("bash"),
        "dash" => Some("dash"),
        "ksh" | "mksh" => Some("ksh"),
        _ => None,
    }
}

/// `SC` and the number, as a `'static` code. ShellCheck's codes are four digits, so at most a few
/// thousand strings are ever made, each once.
fn code(number: u32) -> &'static str {
    static CODES: OnceLock<Mutex<BTreeMap<u32, &'static str>>> = OnceLock::new();
    let mut codes = CODES.get_or_init(|| Mutex::new(BTreeMap::new())).lock().unwrap_or_else(|e| e.into_inner());
    codes.entry(number).or_insert_with(|| Box::leak(format!("SC{number:04}").into_boxed_str()))
}

/// One ShellCheck comment.
struct Comment {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    level: Severity,
    code: u32,
    message: String,
}

/// The comments of `-f json1` output; what does not read as one is left out.
fn comments(json: &str) -> Vec<Comment> {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(json) else { return Vec::new() };
    let list = value.get("comments").and_then(|c| c.as_array()).cloned().unwrap_or_default();
    let number = |item: &serde_json::Value, key: &str| item.get(key).and_then(serde_json::Value::as_u64);
    list.iter()
        .filter_map(|item| {
            let code = u32::try_from(number(item, "code")?).ok().filter(|code| (1000..10000).contains(code))?;
            let line = usize::try_from(number(item, "line")?).ok()?;
            let column = usize::try_from(number(item, "column")?).ok()?;
            let end_line = number(item, "endLine").and_then(|n| usize::try_from(n).ok()).unwrap_or(line);
            let end_column = number(item, "endColumn").and_then(|n| usize::try_from(n).ok()).unwrap_or(column);
            let level = match item.get("level").and_then(|l| l.as_str()).unwrap_or("warning") {
                "error" => Severity::Error,
                "info" => Severity::Info,
                "style" => Severity::Style,
                _ => Severity::Warning,
            };
            let message = item.get("message").and_then(|m| m.as_str()).unwrap_or("").to_string();
            Some(Comment { line, column, end_line, end_column, level, code, message })
        })
        .collect()
}

/// Turns a place in a script (line and column, 1-based, in characters) into a span of the file.
#[derive(Debug, Clone)]
struct Locator {
    /// Where the script starts: in the node's joined text (`true`), or in the source text.
    start: Option<(bool, usize)>,
    /// For a `<<-` heredoc: the tabs stripped from each line.
    tabs: Vec<usize>,
}

impl Locator {
    fn new(cx: &Context<'_>, site: &super::runs::RunSite<'_>, script: &str) -> Self {
        let node = site.node;
        let mut tabs = Vec::new();
        let start = if site.is_heredoc_body() {
            let doc = &node.heredocs[0];
            if doc.chomp {
                tabs = doc.content.split('\n').map(|line| line.len() - line.trim_start_matches('\t').len()).collect();
            }
            node.heredoc_spans.first().map(|span| (false, span.start))
        } else {
            let from = cx.args(node).first().map_or(node.original.len(), |(range, _)| range.start);
            node.original.get(from..).and_then(|rest| rest.find(script)).map(|at| (true, from + at))
        };
        Locator { start, tabs }
    }

    /// The byte offset in `script` of `line`:`column`.
    fn offset(script: &str, line: usize, column: usize) -> Option<usize> {
        let mut at = 0;
        for _ in 1..line {
            at += script.get(at..)?.find('\n')? + 1;
        }
        let rest = script.get(at..)?;
        let line_end = rest.find('\n').unwrap_or(rest.len());
        let within = rest[..line_end]
            .char_indices()
            .map(|(i, _)| i)
            .chain([line_end])
            .nth(column.saturating_sub(1))
            .unwrap_or(line_end);
        Some(at + within)
    }

    fn span(&self, spans: &Spans<'_>, node: &Node, script: &str, comment: &Comment) -> Span {
        let (Some((joined, start)), Some(from), Some(to)) = (
            self.start,
            Self::offset(script, comment.line, comment.column),
            Self::offset(script, comment.end_line, comment.end_column),
        ) else {
            return spans.node_span(node);
        };
        let to = to.max(from);
        if joined {
            return spans.logical(node, start + from..start + to);
        }
        // The tabs `<<-` stripped from this line and every line before it.
        let shift = |line: usize| self.tabs.iter().take(line).sum::<usize>();
        let range: Range<usize> =
            start + from + shift(comment.line)..start + to + shift(comment.end_line).max(shift(comment.line));
        spans.span(range)
    }
}
