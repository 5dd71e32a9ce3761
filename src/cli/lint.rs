//! `dockwright lint`: every finding of [`lint::check`](crate::lint::check) on each file, as text,
//! JSON, SARIF, Checkstyle or JUnit XML, with a failure threshold, a config file, rule switches and
//! mechanical fixes.

mod format;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::Exit;
use super::config::{self, Found};
use super::input::{self, Source};
use super::output::{Failure, Level, Report, Session};
use super::shellcheck::ShellCheckProgram;
use crate::lint::shellcheck::{Script, Scripts, prepare};
use crate::lint::{Diagnostic, Options, Severity, apply_fixes, rules};

const EXAMPLES: &str = "\
Examples:
  dockwright lint                                   lint ./Dockerfile
  dockwright lint Dockerfile build/*.Dockerfile     several files
  cat Dockerfile | dockwright lint -                standard input
  dockwright lint --failure-threshold error .      exit 1 only for errors
  dockwright lint --format sarif Dockerfile > dockwright.sarif
  dockwright lint --disable DL3008 --severity DW1001=error Dockerfile
  dockwright lint --fix Dockerfile                  apply the mechanical fixes in place
  dockwright lint --fix --diff Dockerfile           show them as a diff, write nothing
  dockwright lint --list-rules                      every rule, with its hadolint and BuildKit names
  dockwright lint --no-shellcheck Dockerfile        without ShellCheck's checks of the RUN scripts

Rules are named by code (DW1001), name (user-root), hadolint code (DL3002) or BuildKit check name
(JSONArgsRecommended). In the file, `# dockwright ignore=CODE` (or hadolint's `# hadolint ignore=DL3002`)
on the comment lines right above an instruction silences those rules for it.

ShellCheck: when the `shellcheck` program is on PATH (or given with --shellcheck), it checks every
shell-form RUN script, all files' scripts in one batch; its findings carry its own codes (SC2086) and
are named like rules (`--disable SC2086`, `# hadolint ignore=SC2086`). When it is missing, a note on
standard error (and the reports' `shellcheck` status) says so. Off: --no-shellcheck, or
`ignore = [\"shellcheck\"]` in the config file.

Config: .dockwright.toml next to the Dockerfile, or in a directory above it up to the repository's
root (or --config FILE):
  [lint]
  ignore = [\"DL3008\"]
  enable = [\"DW2003\"]
  failure-threshold = \"warning\"
  trusted-registries = [\"docker.io\", \"*.example.com\"]
  help-url = \"https://docs.example.com/dockwright/lint.html\"
  [lint.severity]
  DW1001 = \"error\"
Command-line flags win over the config file.

Exit codes: 0 no finding at or above the failure threshold; 1 some; 2 usage or input/output error.";

/// Lint Dockerfiles: security, reproducibility, correctness, size and cache.
///
/// Each file is read the way BuildKit reads it and every enabled rule runs on it; each finding has a
/// code, a severity, a location, a message and a help line. Findings at or above the failure
/// threshold make the exit code 1.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct LintArgs {
    /// Dockerfiles to lint; `-` reads standard input. Default: ./Dockerfile.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Exit 1 when a finding is at least this severe (`none`: never). Default: info, or the config
    /// file's `failure-threshold`.
    #[arg(long, short = 't', value_enum, value_name = "SEVERITY")]
    failure_threshold: Option<Threshold>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Run a rule that is off by default (code, name, hadolint code or BuildKit check). Repeatable;
    /// with --disable, the last flag naming a rule wins.
    #[arg(long, value_name = "RULE")]
    enable: Vec<String>,
    /// Do not run a rule. Repeatable; with --enable, the last flag naming a rule wins.
    #[arg(long, value_name = "RULE")]
    disable: Vec<String>,
    /// `--enable` (`true`) and `--disable` (`false`) in the order typed ([`LintArgs::order_switches`]).
    #[arg(skip)]
    switches: Vec<(bool, String)>,
    /// Report a rule with another severity (error, warning, info, style). Repeatable.
    #[arg(long, value_name = "RULE=SEVERITY", value_parser = parse_severity)]
    severity: Vec<(String, Severity)>,
    /// Judge this build stage's image where rules judge the final image (as `docker build --target`).
    #[arg(long, value_name = "STAGE")]
    target: Option<String>,
    /// Apply the mechanical fixes, in place (atomically); then report what is left.
    #[arg(long)]
    fix: bool,
    /// With --fix: print the fixes as a unified diff and write nothing (findings go to standard error).
    #[arg(long, requires = "fix")]
    diff: bool,
    /// The config file to use instead of the .dockwright.toml found next to the Dockerfile.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Do not read any config file.
    #[arg(long)]
    no_config: bool,
    /// Do not run ShellCheck on the RUN scripts (as `--disable shellcheck`).
    #[arg(long, conflicts_with = "shellcheck")]
    no_shellcheck: bool,
    /// The shellcheck program to run. Default: `shellcheck` on PATH.
    #[arg(long, value_name = "PATH")]
    shellcheck: Option<PathBuf>,
    /// Where the book's lint page is published: SARIF's `helpUri` of each rule is this and the rule's
    /// anchor. Default: the config file's `help-url`.
    #[arg(long, value_name = "URL")]
    help_url: Option<String>,
    /// Print every rule (code, name, default severity, on or off, hadolint codes, BuildKit check) and
    /// exit.
    #[arg(long, exclusive = true)]
    list_rules: bool,
}

impl LintArgs {
    /// Puts `--enable` and `--disable` in the order they were typed, from clap's indices in
    /// `matches` (the `lint` subcommand's): `--disable DW3019 --enable DW3019` enables the rule,
    /// the other order disables it, whatever id each flag uses.
    pub(crate) fn order_switches(&mut self, matches: &clap::ArgMatches) {
        // clap gives each value of these one-value flags its index on the command line.
        let typed = |id: &str, on: bool, values: &[String]| -> Vec<(usize, bool, String)> {
            let indices = matches.indices_of(id).into_iter().flatten();
            indices.zip(values).map(|(at, value)| (at, on, value.clone())).collect()
        };
        let mut switches = typed("enable", true, &self.enable);
        switches.extend(typed("disable", false, &self.disable));
        switches.sort_by_key(|(at, _, _)| *at);
        self.switches = switches.into_iter().map(|(_, on, id)| (on, id)).collect();
    }
}

/// The lowest severity that fails the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Threshold {
    /// Errors only.
    Error,
    /// Warnings and errors.
    Warning,
    /// Everything but style.
    Info,
    /// Every finding.
    Style,
    /// Never fail on findings.
    None,
}

impl Threshold {
    fn parse(text: &str) -> Option<Threshold> {
        Threshold::from_str(text, true).ok()
    }

    /// Whether a finding of `severity` fails the run.
    fn fails(self, severity: Severity) -> bool {
        let limit = match self {
            Threshold::Error => Severity::Error,
            Threshold::Warning => Severity::Warning,
            Threshold::Info => Severity::Info,
            Threshold::Style => Severity::Style,
            Threshold::None => return false,
        };
        severity <= limit
    }
}

/// How to print the findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// `file:line:column: severity[CODE]: message` and a help line, for people.
    Text,
    /// One JSON document (the schema is in the book's lint chapter).
    Json,
    /// SARIF 2.1.0, for code-scanning UIs.
    Sarif,
    /// Checkstyle XML.
    Checkstyle,
    /// JUnit XML: one test case per finding.
    Junit,
}

/// `RULE=SEVERITY`.
fn parse_severity(text: &str) -> Result<(String, Severity), String> {
    let Some((rule, level)) = text.split_once('=') else {
        return Err(format!("expected RULE=SEVERITY, got '{text}'"));
    };
    let severity = level
        .parse::<Severity>()
        .map_err(|_| format!("unknown severity '{level}': use error, warning, info or style"))?;
    Ok((rule.to_string(), severity))
}

/// One file's findings, as the formats print them.
pub(crate) struct Linted {
    /// The name for messages (`<stdin>` for standard input).
    pub(crate) name: String,
    /// Whether it came from standard input.
    pub(crate) stdin: bool,
    /// The text the findings are located in.
    pub(crate) text: String,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// A linted file's threshold, and its scripts waiting for ShellCheck.
struct Pending {
    threshold: Threshold,
    /// Whether ShellCheck is on for it.
    shellcheck: bool,
    scripts: Scripts,
}

/// What came of ShellCheck in one run: the JSON report's `shellcheck` object and SARIF's
/// notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ShellCheckStatus {
    /// `checked` (every script was checked; there may have been none), `off`, `missing` or `failed`.
    pub(crate) status: &'static str,
    /// How many RUN scripts ShellCheck checked, or would have.
    pub(crate) scripts: usize,
    /// Why it was not run (`missing`, `failed`).
    pub(crate) message: Option<String>,
}

pub(crate) fn run(session: &mut Session<'_>, args: &LintArgs) {
    if args.list_rules {
        list_rules(session);
        return;
    }
    if args.diff && args.format != Format::Text {
        session.fail(&Failure::new(
            "--diff prints the fixes on standard output, which --format needs for the report: drop one of them",
        ));
        return;
    }
    if args.fix && !args.diff && args.files.iter().any(|file| file.as_os_str() == "-") {
        session.fail(&Failure::new(
            "standard input cannot be fixed in place: use --fix --diff to see the fixes, or give the file",
        ));
        return;
    }
    let given = match &args.config {
        Some(path) => match config::read(path) {
            Ok(found) => Some(found),
            Err(failure) => return session.fail(&failure),
        },
        None => None,
    };
    let default = [PathBuf::from("Dockerfile")];
    let files: &[PathBuf] = if args.files.is_empty() { &default } else { &args.files };
    let mut discovered: BTreeMap<PathBuf, Option<Found>> = BTreeMap::new();
    let mut settings: BTreeMap<Option<PathBuf>, Option<Settings>> = BTreeMap::new();
    let mut linted = Vec::new();
    let mut help_url =
        args.help_url.clone().or_else(|| given.as_ref().and_then(|found| found.config.lint.help_url.clone()));
    let mut pending: Vec<Pending> = Vec::new();
    for file in files {
        let source = match input::read(session, file) {
            Ok(source) => source,
            Err(failure) => {
                session.fail(&failure);
                continue;
            }
        };
        let found = if args.no_config {
            None
        } else if given.is_some() {
            given.clone()
        } else {
            let dir = source.path.as_deref().and_then(Path::parent).map(Path::to_path_buf).unwrap_or_default();
            match discovered.get(&dir) {
                Some(found) => found.clone(),
                None => {
                    let found = match config::discover(&dir).map(|path| config::read(&path)).transpose() {
                        Ok(found) => found,
                        Err(failure) => {
                            session.fail(&failure);
                            discovered.insert(dir, None);
                            continue;
                        }
                    };
                    discovered.insert(dir, found.clone());
                    found
                }
            }
        };
        if help_url.is_none() {
            help_url = found.as_ref().and_then(|found| found.config.lint.help_url.clone());
        }
        let key = found.as_ref().map(|found| found.path.clone());
        let setting = match settings.get(&key) {
            Some(setting) => setting.clone(),
            None => {
                let setting = match Settings::new(args, found.as_ref()) {
                    Ok(setting) => Some(setting),
                    Err(failure) => {
                        session.fail(&failure);
                        None
                    }
                };
                settings.insert(key, setting.clone());
                setting
            }
        };
        let Some(setting) = setting else { continue };
        if let Some((result, scripts)) = lint_one(session, args, &setting, source) {
            linted.push(result);
            let shellcheck = setting.options.runs("DW3023");
            pending.push(Pending { threshold: setting.threshold, shellcheck, scripts });
        }
    }
    let shellcheck = shellcheck(session, args, &mut linted, &pending);
    for (file, pending) in linted.iter().zip(&pending) {
        if file.diagnostics.iter().any(|diagnostic| pending.threshold.fails(diagnostic.severity)) {
            session.exit(Exit::Findings);
        }
    }
    match args.format {
        Format::Text => {
            for file in &linted {
                for diagnostic in &file.diagnostics {
                    let report = Report {
                        level: diagnostic.severity.into(),
                        code: Some(diagnostic.code),
                        at: Some(diagnostic.span.from),
                        message: &diagnostic.message,
                        help: Some(&diagnostic.help),
                    };
                    if args.diff {
                        session.err.report(&file.name, &report);
                    } else {
                        session.out.report(&file.name, &report);
                    }
                }
            }
        }
        Format::Json => session.out.line(&format::json(&linted, &shellcheck)),
        Format::Sarif => session.out.line(&format::sarif(&linted, help_url.as_deref(), &shellcheck)),
        Format::Checkstyle => session.out.text(&format::checkstyle(&linted)),
        Format::Junit => session.out.text(&format::junit(&linted)),
    }
}

/// What applies to one file: the lint options and the threshold, from the command line over the
/// config file.
#[derive(Debug, Clone)]
struct Settings {
    options: Options,
    threshold: Threshold,
}

impl Settings {
    fn new(args: &LintArgs, found: Option<&Found>) -> Result<Settings, Failure> {
        let mut options = Options::default();
        let mut threshold = Threshold::Info;
        if let Some(Found { path, config }) = found {
            let lint = &config.lint;
            let name = path.display();
            for id in &lint.enable {
                options = options.enable(id);
            }
            if !lint.trusted_registries.is_empty() {
                options = options.enable("DW2010");
                for registry in &lint.trusted_registries {
                    options = options.trust_registry(registry);
                }
            }
            for id in &lint.ignore {
                options = options.disable(id);
            }
            // One rule named by two keys (DW1001 and DL3002) would leave the choice to the keys' order.
            let mut named: BTreeMap<&str, &str> = BTreeMap::new();
            for (id, level) in &lint.severity {
                if let Some(other) = crate::lint::rule(id).and_then(|info| named.insert(info.code, id)) {
                    return Err(Failure::new(format!(
                        "config file '{name}': [lint.severity] names one rule twice, as {other} and {id}: keep one \
                         of them"
                    )));
                }
                let severity = level.parse::<Severity>().map_err(|_| {
                    Failure::new(format!(
                        "config file '{name}': [lint.severity] {id} = \"{level}\" is no severity: use error, \
                         warning, info or style"
                    ))
                })?;
                options = options.severity(id, severity);
            }
            if let Some(level) = &lint.failure_threshold {
                threshold = Threshold::parse(level).ok_or_else(|| {
                    Failure::new(format!(
                        "config file '{name}': failure-threshold = \"{level}\" is not one of error, warning, \
                         info, style, none"
                    ))
                })?;
            }
            let unknown = options.unknown();
            if !unknown.is_empty() {
                return Err(unknown_rules(&format!("config file '{name}'"), &unknown));
            }
        }
        let mut cli = Options::default();
        // In the order typed: the last flag naming a rule wins (over the config file too).
        for (on, id) in &args.switches {
            if *on {
                options = options.enable(id);
                cli = cli.enable(id);
            } else {
                options = options.disable(id);
                cli = cli.disable(id);
            }
        }
        for (id, severity) in &args.severity {
            options = options.severity(id, *severity);
            cli = cli.severity(id, *severity);
        }
        let unknown = cli.unknown();
        if !unknown.is_empty() {
            return Err(unknown_rules("the command line", &unknown));
        }
        if args.no_shellcheck {
            options = options.disable("DW3023");
        }
        if let Some(target) = &args.target {
            options = options.target(target);
        }
        if let Some(given) = args.failure_threshold {
            threshold = given;
        }
        Ok(Settings { options, threshold })
    }
}

fn unknown_rules(place: &str, unknown: &[String]) -> Failure {
    let list = unknown.iter().map(|id| format!("'{id}'")).collect::<Vec<_>>().join(", ");
    Failure::new(format!(
        "{place} names no rule {list}: give a code (DW1001), a name (user-root), a hadolint code (DL3002) or \
         a BuildKit check name; `dockwright lint --list-rules` lists them"
    ))
}

/// How many times fixes are applied at most: a fix left out because it overlapped another is reached
/// in the next round.
const FIX_ROUNDS: usize = 8;

/// Lints one file (fixing it first with `--fix`), with its scripts for ShellCheck; `None` when it could
/// not be written back.
fn lint_one(
    session: &mut Session<'_>,
    args: &LintArgs,
    settings: &Settings,
    source: Source,
) -> Option<(Linted, Scripts)> {
    let Source { name, path, text } = source;
    if args.target.is_some() {
        if let Some(failure) = unknown_target(&text, args.target.as_deref().unwrap_or_default(), &name) {
            session.fail(&failure);
            return None;
        }
    }
    let (mut diagnostics, mut scripts) = prepare(&text, &settings.options);
    if !args.fix {
        return Some((Linted { name, stdin: path.is_none(), text, diagnostics }, scripts));
    }
    let mut fixed = text.clone();
    let mut count = 0;
    for _ in 0..FIX_ROUNDS {
        let fixable: Vec<Diagnostic> = diagnostics.iter().filter(|d| d.fix.is_some()).cloned().collect();
        if fixable.is_empty() {
            break;
        }
        let next = apply_fixes(&fixed, &fixable);
        if next == fixed {
            break;
        }
        let (after, after_scripts) = prepare(&next, &settings.options);
        count += diagnostics.len().saturating_sub(after.len());
        fixed = next;
        diagnostics = after;
        scripts = after_scripts;
    }
    if fixed != text {
        if args.diff {
            session.diff(&name, &text, &fixed, &[]);
        } else {
            let Some(path) = &path else {
                // Refused before reading anything (`run`).
                return None;
            };
            if let Err(failure) = input::write_atomically(path, &fixed) {
                session.fail(&failure);
                return None;
            }
            let s = if count == 1 { "" } else { "s" };
            session.err.line(&format!("{name}: fixed {count} finding{s}"));
        }
    }
    Some((Linted { name, stdin: path.is_none(), text: fixed, diagnostics }, scripts))
}

/// Runs ShellCheck once for the scripts of every file (`pending`, one per file of `linted`) and merges
/// its findings into each file's; says on standard error when it could not run.
fn shellcheck(
    session: &mut Session<'_>,
    args: &LintArgs,
    linted: &mut [Linted],
    pending: &[Pending],
) -> ShellCheckStatus {
    let all: Vec<Script<'_>> = pending.iter().flat_map(|file| file.scripts.iter()).collect();
    let count = all.len();
    if !pending.iter().any(|file| file.shellcheck) {
        return ShellCheckStatus { status: "off", scripts: 0, message: None };
    }
    if count == 0 {
        return ShellCheckStatus { status: "checked", scripts: 0, message: None };
    }
    let program = match &args.shellcheck {
        Some(path) => Some(ShellCheckProgram::at(path)),
        None => ShellCheckProgram::find(),
    };
    let (status, why) = match program.map(|program| program.run_all(&all)) {
        Some(Ok(outputs)) => {
            let mut outputs = outputs.into_iter();
            for (file, pending) in linted.iter_mut().zip(pending) {
                let scripts = &pending.scripts;
                let mine: Vec<Result<String, String>> = outputs.by_ref().take(scripts.len()).map(Ok).collect();
                file.diagnostics = scripts.merge(std::mem::take(&mut file.diagnostics), &mine);
            }
            return ShellCheckStatus { status: "checked", scripts: count, message: None };
        }
        Some(Err(why)) => ("failed", why),
        None => ("missing", "shellcheck is not on PATH".to_string()),
    };
    let s = if count == 1 { "" } else { "s" };
    let message = format!("ShellCheck did not check the {count} RUN script{s} (no SC findings): {why}");
    session.err.report(
        "dockwright lint",
        &Report {
            level: Level::Note,
            code: Some("DW3023"),
            at: None,
            message: &message,
            help: Some(
                "install shellcheck (Debian: apt-get install shellcheck) or give it with --shellcheck PATH; \
                 --no-shellcheck turns this off",
            ),
        },
    );
    ShellCheckStatus { status, scripts: count, message: Some(message) }
}

/// A failure when `--target` names no stage of the file.
fn unknown_target(text: &str, target: &str, name: &str) -> Option<Failure> {
    use crate::analysis::{Target, analyze};
    let lowered = crate::import::lower(&crate::import::parse(text));
    let analysis = analyze(&lowered.dockerfile);
    analysis
        .resolve(&Target::stage(target))
        .err()
        .map(|error| Failure::because(format!("{name}: --target {target} cannot be judged"), error))
}

fn list_rules(session: &mut Session<'_>) {
    session.out.line("code\tname\tseverity\tdefault\thadolint\tbuildkit\tsummary");
    for info in rules() {
        let hadolint = if info.hadolint.is_empty() { "-".to_string() } else { info.hadolint.join(",") };
        session.out.line(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            info.code,
            info.name,
            info.severity,
            if info.enabled { "on" } else { "off" },
            hadolint,
            info.buildkit.unwrap_or("-"),
            info.summary
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn thresholds_fail_at_or_above_their_severity() {
        let all = [Severity::Error, Severity::Warning, Severity::Info, Severity::Style];
        let cases = [
            (Threshold::Error, [true, false, false, false]),
            (Threshold::Warning, [true, true, false, false]),
            (Threshold::Info, [true, true, true, false]),
            (Threshold::Style, [true, true, true, true]),
            (Threshold::None, [false, false, false, false]),
        ];
        for (threshold, expected) in cases {
            assert_eq!(all.map(|severity| threshold.fails(severity)), expected, "{threshold:?}");
        }
        assert_eq!(Threshold::parse("WARNING"), Some(Threshold::Warning));
        assert_eq!(Threshold::parse("fatal"), None);
    }

    #[test]
    fn severity_overrides_are_rule_equals_level() {
        assert_eq!(parse_severity("DW1001=error"), Ok(("DW1001".into(), Severity::Error)));
        assert_eq!(parse_severity("DW1001"), Err("expected RULE=SEVERITY, got 'DW1001'".into()));
        assert_eq!(
            parse_severity("DW1001=fatal"),
            Err("unknown severity 'fatal': use error, warning, info or style".into())
        );
    }
}
