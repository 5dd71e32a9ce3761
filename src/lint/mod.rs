//! Diagnostics for any Dockerfile: [`check`] reads the text the way BuildKit does (the syntax tree,
//! the lowered model and its [`Analysis`](crate::analysis::Analysis)) and returns a [`Diagnostic`] for
//! every finding of every enabled rule, in text order.
//!
//! Each rule lives in its own file under `lint/rules/` and is listed once in [`rules`], with its
//! stable code (`DW1001` ...), name, default severity, whether it is on by default, and the hadolint
//! codes and BuildKit build check it corresponds to: that list is the published mapping (the book's
//! lint page is checked against it). Codes group by concern: `DW1xxx` security, `DW2xxx`
//! reproducibility, `DW3xxx` correctness, `DW5xxx` style.
//!
//! A diagnostic names the offending input, is located by byte range and line/column (the word at
//! fault where there is one), says how to fix it in [`Diagnostic::help`], and carries a [`Fix`] when
//! the fix is mechanical: text edits on the original text that make the finding go away.
//!
//! Findings can be silenced in the file: `# dockwright ignore=DW3011` (or hadolint's
//! `# hadolint ignore=DL4000`, mapped through [`rules`]) on the comment lines just before an
//! instruction silences those codes for it; `# hadolint global ignore=...` for the whole file; and
//! BuildKit's own `# check=skip=<Check>` directive and per-instruction comments silence the rules that
//! correspond to those BuildKit checks.
//!
//! ```
//! use dockwright::lint::{check, Options};
//!
//! let text = "FROM alpine:latest\nMAINTAINER ops@example.com\nCMD run-app\n";
//! let found: Vec<String> = check(text, &Options::default()).iter().map(ToString::to_string).collect();
//! assert_eq!(
//!     found,
//!     [
//!         "1:1: warning[DW1001]: the final image runs as the user of base image 'alpine:latest' (root, unless the \
//!          image sets another): no USER instruction sets one",
//!         "1:6: warning[DW2002]: base image 'alpine:latest' uses the 'latest' tag, which moves",
//!         "2:1: warning[DW3011]: MAINTAINER is deprecated: write the author as a label",
//!         "3:5: warning[DW3001]: CMD in shell form runs under /bin/sh -c, which does not pass signals on to 'run-app'",
//!     ]
//! );
//! ```

mod context;
mod ignore;
mod rules;
mod runs;
pub mod shellcheck;
mod vars;

use std::collections::BTreeSet;
use std::fmt;
use std::ops::Range;

pub use crate::import::Span;
use crate::import::{Lowered, Parsed, lower, parse};

use self::context::Context;
pub use self::shellcheck::{ShellCheck, check_with};
use crate::analysis::FrontendVersion;

/// Lints Dockerfile `text` with `options`: every finding of every enabled rule, sorted by place in the
/// text, then by code. Never fails and never panics: text BuildKit would refuse is linted as far as it
/// can be read (what the parser keeps).
///
/// ```
/// use dockwright::lint::{check, Options, Severity};
///
/// let text = "FROM python:3.12-slim\nWORKDIR app\nUSER 10001\nEXPOSE 8000\n";
/// let found = check(text, &Options::default());
/// assert_eq!(found.len(), 2);
/// assert_eq!((found[0].code, found[0].severity), ("DW3006", Severity::Warning));
/// assert_eq!(&text[found[0].span.range()], "app");
/// assert_eq!(found[1].code, "DW3014");
/// assert!(check(text, &Options::default().disable("DW3006").disable("DW3014")).is_empty());
/// ```
#[must_use]
pub fn check(text: &str, options: &Options) -> Vec<Diagnostic> {
    let parsed = parse(text);
    let lowered = lower(&parsed);
    check_parsed(text, &parsed, &lowered, options)
}

/// Lints a file that is already parsed and lowered (`parsed` and `lowered` must come from `text`):
/// the same findings as [`check`], without reading the text again.
///
/// ```
/// use dockwright::import::{lower, parse};
/// use dockwright::lint::{check_parsed, Options};
///
/// let text = "FROM alpine:3.20\nUSER root\n";
/// let parsed = parse(text);
/// let found = check_parsed(text, &parsed, &lower(&parsed), &Options::default());
/// assert_eq!(found[0].to_string(), "2:6: warning[DW1001]: the final image runs as root: USER root");
/// ```
#[must_use]
pub fn check_parsed(text: &str, parsed: &Parsed, lowered: &Lowered, options: &Options) -> Vec<Diagnostic> {
    let context = context(text, parsed, lowered, options);
    let ignores = ignore::Ignores::read(&context);
    let mut out = run_rules(&context, &ignores, options);
    sort(&mut out);
    out
}

/// The file read every way the rules need, with the options' settings.
fn context<'a>(text: &'a str, parsed: &'a Parsed, lowered: &'a Lowered, options: &'a Options) -> Context<'a> {
    let mut context = Context::new(text, parsed, lowered, options.target.as_deref());
    context.trusted_registries = &options.trusted;
    context.frontend = options.frontend_minimum();
    context
}

/// Every finding of every enabled rule that the file's ignore comments leave, unsorted.
fn run_rules(context: &Context<'_>, ignores: &ignore::Ignores, options: &Options) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in rules::RULES {
        let info = &rule.info;
        if !options.is_enabled(info) {
            continue;
        }
        let mut findings = Vec::new();
        (rule.check)(context, &mut findings);
        for finding in findings {
            if ignores.silences(info, &finding.span) {
                continue;
            }
            out.push(Diagnostic {
                code: info.code,
                rule: info.name,
                severity: options.severity_override(info).or(finding.severity).unwrap_or(info.severity),
                message: finding.message,
                span: finding.span,
                help: finding.help,
                fix: finding.fix,
            });
        }
    }
    out
}

/// Diagnostics in text order: by place, then by code.
fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| (a.span.start, a.span.end, a.code).cmp(&(b.span.start, b.span.end, b.code)));
}

/// One finding: which rule, how much it matters, what and where, and how to fix it.
///
/// ```
/// use dockwright::lint::{check, Options};
///
/// let text = "FROM alpine:3.20\nADD app.py /app/\nUSER 1000\n";
/// let found = check(text, &Options::default().disable("DW3014"));
/// let add = &found[0];
/// assert_eq!((add.code, add.rule), ("DW3015", "add-local-file"));
/// assert_eq!(add.message, "ADD copies the local file 'app.py': COPY does the same without ADD's URL and archive magic");
/// assert_eq!(add.help, "use COPY for files and directories of the build context");
/// let fixed = add.fix.as_ref().unwrap().apply(text);
/// assert_eq!(fixed, "FROM alpine:3.20\nCOPY app.py /app/\nUSER 1000\n");
/// assert!(check(&fixed, &Options::default().disable("DW3014")).is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule's stable code, e.g. `DW1001`.
    pub code: &'static str,
    /// The rule's name, e.g. `user-root`.
    pub rule: &'static str,
    /// How much it matters (the rule's default, or the [`Options`] override).
    pub severity: Severity,
    /// What is wrong, naming the offending input.
    pub message: String,
    /// Where: the offending word where there is one, else the instruction.
    pub span: Span,
    /// How to fix it.
    pub help: String,
    /// A mechanical fix, when there is one.
    pub fix: Option<Fix>,
}

/// `line:column: severity[CODE]: message`.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}[{}]: {}", self.span.from, self.severity, self.code, self.message)
    }
}

/// How much a [`Diagnostic`] matters, most severe first (so `a < b` means `a` is more severe).
///
/// ```
/// use dockwright::lint::Severity;
///
/// assert!(Severity::Error < Severity::Style);
/// assert_eq!(Severity::Info.to_string(), "info");
/// assert_eq!("warning".parse::<Severity>(), Ok(Severity::Warning));
/// assert!("fatal".parse::<Severity>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Severity {
    /// The build fails or does something other than what it says.
    Error,
    /// Works, but is unsafe, fragile or wasteful.
    Warning,
    /// Worth knowing; often a policy choice.
    Info,
    /// Formatting and casing.
    Style,
}

impl Severity {
    /// The lowercase name (`error`, `warning`, `info`, `style`).
    ///
    /// ```
    /// assert_eq!(dockwright::lint::Severity::Style.as_str(), "style");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Style => "style",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Severity {
    type Err = crate::error::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "error" => Ok(Severity::Error),
            "warning" => Ok(Severity::Warning),
            "info" => Ok(Severity::Info),
            "style" => Ok(Severity::Style),
            _ => Err(crate::error::Error::new(
                crate::error::ErrorKind::InvalidInstruction,
                format!("unknown severity {s:?}: use error, warning, info or style"),
            )),
        }
    }
}

/// A mechanical fix: edits of the original text. Applying them makes the finding go away.
///
/// ```
/// use dockwright::lint::{Edit, Fix};
///
/// let fix = Fix { edits: vec![Edit { range: 0..4, replacement: "FROM".into() }, Edit { range: 12..14, replacement: "AS".into() }] };
/// assert_eq!(fix.apply("from alpine as base\n"), "FROM alpine AS base\n");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// The edits, in text order, not overlapping.
    pub edits: Vec<Edit>,
}

impl Fix {
    /// One edit.
    pub(crate) fn replace(range: Range<usize>, replacement: impl Into<String>) -> Fix {
        Fix { edits: vec![Edit { range, replacement: replacement.into() }] }
    }

    /// `text` with the edits made. Edits outside the text or overlapping an earlier one are skipped.
    ///
    /// ```
    /// use dockwright::lint::{Edit, Fix};
    ///
    /// let fix = Fix { edits: vec![Edit { range: 4..4, replacement: " --link".into() }] };
    /// assert_eq!(fix.apply("COPY a b"), "COPY --link a b");
    /// ```
    #[must_use]
    pub fn apply(&self, text: &str) -> String {
        apply_edits(text, self.edits.iter())
    }
}

/// Replace the bytes `range` of the original text with `replacement`.
///
/// ```
/// let edit = dockwright::lint::Edit { range: 0..3, replacement: "COPY".into() };
/// assert_eq!(edit.range.len(), 3);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The bytes replaced.
    pub range: Range<usize>,
    /// What replaces them.
    pub replacement: String,
}

/// `text` with the fixes of all `diagnostics` made, each fix whole or not at all: a fix with an edit
/// overlapping one already taken is left out (run [`check`] and this again to reach it).
///
/// ```
/// use dockwright::lint::{apply_fixes, check, Options};
///
/// let text = "FROM alpine:3.20 as base\nMAINTAINER me\nEXPOSE 80/TCP\n";
/// let options = Options::default().disable("DW1001").disable("DW3014");
/// let fixed = apply_fixes(text, &check(text, &options));
/// assert_eq!(fixed, "FROM alpine:3.20 AS base\nLABEL org.opencontainers.image.authors=me\nEXPOSE 80/tcp\n");
/// assert!(check(&fixed, &options).is_empty());
/// ```
#[must_use]
pub fn apply_fixes(text: &str, diagnostics: &[Diagnostic]) -> String {
    let mut taken: Vec<&Edit> = Vec::new();
    for fix in diagnostics.iter().filter_map(|diagnostic| diagnostic.fix.as_ref()) {
        let overlaps = fix.edits.iter().any(|edit| {
            taken.iter().any(|other| {
                edit.range.start < other.range.end && other.range.start < edit.range.end
                    || (edit.range.is_empty() || other.range.is_empty()) && edit.range.start == other.range.start
            })
        });
        if !overlaps {
            taken.extend(fix.edits.iter());
        }
    }
    apply_edits(text, taken.into_iter())
}

fn apply_edits<'e>(text: &str, edits: impl Iterator<Item = &'e Edit>) -> String {
    let mut edits: Vec<&Edit> = edits.collect();
    edits.sort_by_key(|edit| (edit.range.start, edit.range.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in edits {
        let ok = edit.range.start >= at
            && edit.range.end >= edit.range.start
            && text.is_char_boundary(edit.range.start)
            && text.get(edit.range.end..).is_some();
        if !ok {
            continue;
        }
        out.push_str(&text[at..edit.range.start]);
        out.push_str(&edit.replacement);
        at = edit.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// What a rule is, and what it corresponds to in hadolint and BuildKit: one entry of the published
/// mapping ([`rules`]).
///
/// ```
/// let info = dockwright::lint::rule("DL3025").unwrap();
/// assert_eq!((info.code, info.name), ("DW3001", "shell-form-command"));
/// assert_eq!(info.hadolint, ["DL3025"]);
/// assert_eq!(info.buildkit, Some("JSONArgsRecommended"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RuleInfo {
    /// The stable code, `DW` and four digits.
    pub code: &'static str,
    /// A short kebab-case name.
    pub name: &'static str,
    /// The severity it reports with unless [`Options::severity`] says otherwise.
    pub severity: Severity,
    /// Whether it runs unless [`Options::enable`] or [`Options::disable`] says otherwise.
    pub enabled: bool,
    /// The hadolint codes it covers (their `# hadolint ignore=` comments silence it).
    pub hadolint: &'static [&'static str],
    /// The BuildKit build check it matches, whose warnings it agrees with.
    pub buildkit: Option<&'static str>,
    /// One line: what it reports.
    pub summary: &'static str,
}

/// Every rule, in code order: the mapping from each dockwright code to hadolint and BuildKit.
///
/// ```
/// let rules = dockwright::lint::rules();
/// assert!(rules.windows(2).all(|pair| pair[0].code < pair[1].code));
/// assert_eq!(rules[0].code, "DW1001");
/// assert!(rules.iter().any(|rule| rule.buildkit == Some("SecretsUsedInArgOrEnv")));
/// ```
#[must_use]
pub fn rules() -> Vec<RuleInfo> {
    rules::RULES.iter().map(|rule| rule.info).collect()
}

/// The rule a code, name, hadolint code or BuildKit check name refers to (case-insensitive).
///
/// ```
/// use dockwright::lint::rule;
///
/// assert_eq!(rule("dw3011").unwrap().name, "maintainer");
/// assert_eq!(rule("MaintainerDeprecated").unwrap().code, "DW3011");
/// assert_eq!(rule("DL4000").unwrap().code, "DW3011");
/// assert_eq!(rule("user-root").unwrap().code, "DW1001");
/// assert!(rule("DW9999").is_none());
/// ```
#[must_use]
pub fn rule(id: &str) -> Option<RuleInfo> {
    rules::RULES.iter().map(|rule| rule.info).find(|info| refers_to(info, id))
}

fn refers_to(info: &RuleInfo, id: &str) -> bool {
    info.code.eq_ignore_ascii_case(id)
        || info.name.eq_ignore_ascii_case(id)
        || info.buildkit.is_some_and(|name| name.eq_ignore_ascii_case(id))
        || info.hadolint.iter().any(|code| code.eq_ignore_ascii_case(id))
}

/// Which rules run and how severe they are. Rules are named by code, name, hadolint code or BuildKit
/// check name; [`Options::unknown`] lists the names no rule answers to, for a caller to report.
///
/// ```
/// use dockwright::lint::{check, Options, Severity};
///
/// let text = "FROM alpine\nUSER 1000\n";
/// let options = Options::default().enable("DW2003").severity("DL3006", Severity::Error).disable("DW3014");
/// let found: Vec<String> = check(text, &options).iter().map(ToString::to_string).collect();
/// assert_eq!(
///     found,
///     [
///         "1:6: error[DW2001]: base image 'alpine' has no tag: it means 'latest', which moves",
///         "1:6: info[DW2003]: base image 'alpine' is not pinned by digest",
///     ]
/// );
/// assert_eq!(Options::default().disable("DW0000").unknown(), ["DW0000"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// [`enable`](Options::enable) (`true`) and [`disable`](Options::disable) (`false`), in the order
    /// given: the last that names a rule wins.
    switches: Vec<(String, bool)>,
    /// In the order given: the last that names a rule wins.
    severities: Vec<(String, Severity)>,
    target: Option<String>,
    trusted: BTreeSet<String>,
    frontend: Option<FrontendVersion>,
}

impl Options {
    /// The defaults: every rule that is on by default, with its own severity.
    ///
    /// ```
    /// assert_eq!(dockwright::lint::Options::new(), dockwright::lint::Options::default());
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Options::default()
    }

    /// Runs the rule `id` names, even if it is off by default. Of several [`enable`](Options::enable)
    /// and [`disable`](Options::disable) calls naming one rule, by any of its ids, the last wins.
    ///
    /// ```
    /// use dockwright::lint::{check, Options};
    ///
    /// assert!(check("FROM alpine:3.20\nUSER 1\n", &Options::default().disable("DW3014")).is_empty());
    /// assert_eq!(check("FROM alpine:3.20\nUSER 1\n", &Options::default().enable("DW2003").disable("DW3014")).len(), 1);
    /// let later = Options::default().disable("DW3014").enable("no-healthcheck").disable("base-undigested");
    /// assert_eq!(check("FROM alpine:3.20\nEXPOSE 80\nUSER 1\n", &later)[0].code, "DW3014");
    /// ```
    #[must_use]
    pub fn enable(mut self, id: &str) -> Self {
        self.switches.push((id.to_string(), true));
        self
    }

    /// Does not run the rule `id` names (the last of several calls naming one rule wins, as for
    /// [`enable`](Options::enable)).
    ///
    /// ```
    /// use dockwright::lint::{check, Options};
    ///
    /// assert!(check("FROM alpine:3.20\nUSER root\n", &Options::default().disable("DL3002").disable("DW3014")).is_empty());
    /// ```
    #[must_use]
    pub fn disable(mut self, id: &str) -> Self {
        self.switches.push((id.to_string(), false));
        self
    }

    /// Reports the rule `id` names with `severity`. When several calls name the same rule, by any of
    /// its ids (`DW1001`, `user-root`, `DL3002`), the last one wins, whatever the ids.
    ///
    /// ```
    /// use dockwright::lint::{check, Options, Severity};
    ///
    /// let found = check("FROM alpine:3.20\nUSER root\n", &Options::default().severity("user-root", Severity::Error));
    /// assert_eq!(found[0].severity, Severity::Error);
    /// let both = Options::default().severity("DL3002", Severity::Error).severity("DW1001", Severity::Info);
    /// assert_eq!(check("FROM alpine:3.20\nUSER root\n", &both)[0].severity, Severity::Info);
    /// ```
    #[must_use]
    pub fn severity(mut self, id: &str, severity: Severity) -> Self {
        self.severities.push((id.to_string(), severity));
        self
    }

    /// Judges the image of build target `stage` (`docker build --target <stage>`) where rules judge
    /// the final image (DW1001 user-root, DW3014 no-healthcheck), instead of the last stage. Stage
    /// names match as BuildKit matches them, ignoring case; a name that is no stage judges no image
    /// (check it first with [`Analysis::resolve`](crate::analysis::Analysis::resolve), which says
    /// which stages there are).
    ///
    /// ```
    /// use dockwright::lint::{check, Options};
    ///
    /// let text = "FROM alpine:3.20 AS runtime\nUSER 10001\n\nFROM runtime AS debug\nUSER root\n";
    /// assert_eq!(check(text, &Options::default())[0].code, "DW1001");
    /// assert!(check(text, &Options::default().target("runtime")).is_empty());
    /// ```
    #[must_use]
    pub fn target(mut self, stage: &str) -> Self {
        self.target = Some(stage.to_string());
        self
    }

    /// Trusts base images from `registry` (a host, with its port if it has one; `*.example.com` for
    /// every host under a domain; `docker.io` for Docker Hub, where images without a registry come
    /// from). DW2010 (untrusted-registry, hadolint's DL3026), when enabled, reports base images from
    /// any other registry; with no registry trusted, only Docker Hub is.
    ///
    /// ```
    /// use dockwright::lint::{check, Options};
    ///
    /// let text = "FROM registry.example.com/base/python:3.12\nFROM alpine:3.20\nUSER 1\n";
    /// let options = Options::default().enable("DW2010").disable("DW3014");
    /// let found = check(text, &options.clone().trust_registry("*.example.com"));
    /// assert_eq!(found[0].message, "base image 'alpine:3.20' comes from Docker Hub (docker.io), which is not a trusted registry");
    /// assert!(check(text, &options.trust_registry("registry.example.com").trust_registry("docker.io")).is_empty());
    /// ```
    #[must_use]
    pub fn trust_registry(mut self, registry: &str) -> Self {
        self.trusted.insert(registry.to_ascii_lowercase());
        self
    }

    /// The oldest Dockerfile frontend the file must build with (DW3022 frontend-version reports what
    /// it refuses or ignores). By default [`Options::DEFAULT_FRONTEND`], what Docker 26's built-in
    /// frontend supports: an engine that cannot pull `docker/dockerfile` builds with that.
    ///
    /// ```
    /// use dockwright::analysis::FrontendVersion;
    /// use dockwright::lint::{check, Options};
    ///
    /// let text = "FROM alpine:3.20\nCOPY --exclude=*.md . /src/\nUSER 1\n";
    /// let codes = |options: &Options| check(text, options).iter().map(|d| d.code).collect::<Vec<_>>();
    /// assert_eq!(codes(&Options::default()), ["DW3022"]);
    /// assert!(codes(&Options::default().frontend(FrontendVersion(1, 19))).is_empty());
    /// ```
    #[must_use]
    pub fn frontend(mut self, version: FrontendVersion) -> Self {
        self.frontend = Some(version);
        self
    }

    /// The frontend [`Options::frontend`] falls back to: 1.6, the newest whose features Docker 26's
    /// built-in frontend (BuildKit 0.13) supports.
    ///
    /// ```
    /// assert_eq!(dockwright::lint::Options::DEFAULT_FRONTEND.to_string(), "1.6");
    /// ```
    pub const DEFAULT_FRONTEND: FrontendVersion = FrontendVersion(1, 6);

    /// The names given to [`enable`](Options::enable), [`disable`](Options::disable) and
    /// [`severity`](Options::severity) that no rule answers to, sorted.
    ///
    /// ```
    /// use dockwright::lint::Options;
    ///
    /// assert!(Options::default().disable("DL3002").unknown().is_empty());
    /// assert_eq!(Options::default().enable("nope").unknown(), ["nope"]);
    /// ```
    #[must_use]
    pub fn unknown(&self) -> Vec<String> {
        let names = self.switches.iter().map(|(id, _)| id).chain(self.severities.iter().map(|(id, _)| id));
        let unknown: BTreeSet<String> =
            names.filter(|id| rule(id).is_none() && shellcheck::code_number(id).is_none()).cloned().collect();
        unknown.into_iter().collect()
    }

    /// Whether the rule `id` names runs with these options (`false` when no rule answers to `id`).
    ///
    /// ```
    /// use dockwright::lint::Options;
    ///
    /// assert!(Options::default().runs("shellcheck"));
    /// assert!(!Options::default().disable("DW3023").runs("shellcheck"));
    /// assert!(!Options::default().runs("DW2003"));
    /// assert!(!Options::default().runs("nope"));
    /// ```
    #[must_use]
    pub fn runs(&self, id: &str) -> bool {
        rule(id).is_some_and(|info| self.is_enabled(&info))
    }

    fn is_enabled(&self, info: &RuleInfo) -> bool {
        self.switches.iter().rev().find(|(id, _)| refers_to(info, id)).map_or(info.enabled, |(_, on)| *on)
    }

    fn severity_override(&self, info: &RuleInfo) -> Option<Severity> {
        self.severities.iter().rev().find(|(id, _)| refers_to(info, id)).map(|(_, severity)| *severity)
    }

    /// Whether the ShellCheck code `id` (`SC2086`) is switched off.
    fn is_disabled_id(&self, id: &str) -> bool {
        self.switches.iter().rev().find(|(name, _)| name.eq_ignore_ascii_case(id)).is_some_and(|(_, on)| !on)
    }

    /// The severity given for the ShellCheck code `id` (`SC2086`), if any.
    fn severity_for_id(&self, id: &str) -> Option<Severity> {
        self.severities.iter().rev().find(|(name, _)| name.eq_ignore_ascii_case(id)).map(|(_, severity)| *severity)
    }

    fn frontend_minimum(&self) -> FrontendVersion {
        self.frontend.unwrap_or(Options::DEFAULT_FRONTEND)
    }
}

/// What a rule found, before the registry adds its code and severity.
#[derive(Debug)]
pub(crate) struct Finding {
    span: Span,
    message: String,
    help: String,
    fix: Option<Fix>,
    /// Its severity, when not the rule's (unless [`Options::severity`] overrides the rule).
    severity: Option<Severity>,
}

impl Finding {
    pub(crate) fn new(span: Span, message: impl Into<String>, help: impl Into<String>) -> Self {
        Finding { span, message: message.into(), help: help.into(), fix: None, severity: None }
    }

    #[must_use]
    pub(crate) fn severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }

    #[must_use]
    pub(crate) fn fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }
}
