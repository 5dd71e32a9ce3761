//! `dockwright estimate`: the image's size per stage and layer, and a budget check.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use serde_json::{Value as Json, json};

use super::Exit;
use super::input::{self, ArgValues, BuildArgs, Source};
use super::output::{ADDED, Failure, REMOVED, Session};
use crate::analysis::{Target, analyze};
use crate::estimate::{
    Budget, BudgetFailure, BuiltinPackages, CatalogOracle, Composite, ContextOracle, Figure, Missing, Options,
    SizeReport, WheelsOracle, estimate_with,
};
use crate::model::Dockerfile;

const EXAMPLES: &str = "\
Examples:
  dockwright estimate Dockerfile
  dockwright estimate --context . --catalog base-images.tsv Dockerfile
  dockwright estimate --budget 500MB --context . Dockerfile         exit 1 when it may be over 500 MB
  dockwright estimate --budget 500MB --allow-unknown Dockerfile     check the known parts only
  dockwright estimate --format json --target runtime Dockerfile

Figures come from: --catalog tables (base image sizes: a TSV whose first column is the image and
whose `uncompressed...` column, or else second column, is its size), the built-in Debian bookworm
package table (apt installs), and with --context the files COPY takes from the build context and
vendored wheels. Anything else is reported as unknown, never guessed. A budget check fails when the
upper bound is over the budget, or when a part is unknown (unless --allow-unknown).";

/// Estimate the image's size per stage and layer, before building it.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct EstimateArgs {
    /// The Dockerfile; `-` reads standard input.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Exit 1 when the image may be larger than this (`500MB`, `1.5 GiB`, `64MiB`, bytes).
    #[arg(long, value_name = "SIZE")]
    budget: Option<Budget>,
    /// With --budget: check the known parts only, listing what was left out, instead of failing.
    #[arg(long, requires = "budget")]
    allow_unknown: bool,
    /// A table of base image sizes (TSV). Repeatable; the first that knows an image answers.
    #[arg(long, value_name = "FILE")]
    catalog: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    build: BuildArgs,
    #[command(flatten)]
    values: ArgValues,
}

/// How to print the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// A table for people.
    Text,
    /// One JSON object (the schema is in the book's CLI chapter).
    Json,
}

pub(crate) fn run(session: &mut Session<'_>, args: &EstimateArgs) {
    let Some(Prepared { source, dockerfile }) = prepare(session, &args.file, &args.build, &args.values, "estimate")
    else {
        return;
    };
    let mut oracle = Composite::new();
    for path in &args.catalog {
        match std::fs::read_to_string(path) {
            Ok(text) => oracle = oracle.with(CatalogOracle::from_tsv(&text)),
            Err(error) => {
                return session.fail(&Failure::because(format!("cannot read catalogue '{}'", path.display()), error));
            }
        }
    }
    let context = match args.build.context_dir() {
        Ok(context) => context,
        Err(failure) => return session.fail(&failure),
    };
    let report = match estimate_in_context(&source, &dockerfile, &args.build, oracle) {
        Ok((report, _)) => report,
        Err(failure) => return session.fail(&failure),
    };
    let budget = args.budget.map(|budget| if args.allow_unknown { budget.allow_unknown() } else { budget });
    let check = budget.map(|budget| report.check(budget));
    match args.format {
        Format::Text => {
            session.out.text(&report.to_string());
            let hints = hints(&report, context.is_some(), !args.catalog.is_empty());
            for hint in hints {
                session.err.line(&format!("hint: {hint}"));
            }
            match &check {
                Some(Ok(fit)) => session.out.styled_line(ADDED, &fit.to_string()),
                Some(Err(failure)) => session.out.styled_line(REMOVED, &budget_failure(failure)),
                None => {}
            }
        }
        Format::Json => {
            let mut json = to_json(&source.name, &report);
            if let (Some(budget), Some(check)) = (budget, &check) {
                json["budget"] = json!({
                    "bytes": budget.bytes(),
                    "allow_unknown": budget.allows_unknown(),
                    "fits": check.is_ok(),
                    "message": match check {
                        Ok(fit) => fit.to_string(),
                        Err(failure) => budget_failure(failure),
                    },
                });
            }
            let text = serde_json::to_string_pretty(&json).unwrap_or_default();
            session.out.line(&text);
        }
    }
    if matches!(check, Some(Err(_))) {
        session.exit(Exit::Findings);
    }
}

/// A Dockerfile read and lowered, with the `--build-arg` values applied and `--target` checked.
pub(crate) struct Prepared {
    pub(crate) source: Source,
    pub(crate) dockerfile: Dockerfile,
}

/// Reads `file` for `verb` (`estimate`, `build`): lowers it, applies `values`, checks the target.
/// Reports what goes wrong (exit 2) and returns `None` then.
pub(crate) fn prepare(
    session: &mut Session<'_>,
    file: &Path,
    build: &BuildArgs,
    values: &ArgValues,
    verb: &str,
) -> Option<Prepared> {
    let source = match input::read(session, file) {
        Ok(source) => source,
        Err(failure) => {
            session.fail(&failure);
            return None;
        }
    };
    let lowered = input::lowered(session, &source, verb)?;
    let mut dockerfile = lowered.dockerfile;
    if let Err(failure) = values.apply(session, &source.name, &mut dockerfile) {
        session.fail(&failure);
        return None;
    }
    if let Some(target) = &build.target {
        if let Err(error) = analyze(&dockerfile).resolve(&Target::stage(target.as_str())) {
            session.fail(&Failure::because(format!("cannot {verb} '{}'", source.name), error));
            return None;
        }
    }
    Some(Prepared { source, dockerfile })
}

/// The estimate of `dockerfile`, asking `oracle` first, then the built-in Debian package table, then
/// (with a context) the build context's files and vendored wheels after the ignore file that applies;
/// and that ignore file's text (empty when there is none).
pub(crate) fn estimate_in_context<'a>(
    source: &Source,
    dockerfile: &Dockerfile,
    build: &'a BuildArgs,
    oracle: Composite<'a>,
) -> Result<(SizeReport, String), Failure> {
    let mut oracle = oracle.with(BuiltinPackages::debian_bookworm());
    let context = build.context_dir()?;
    let ignore = build.ignore_file(source)?.map(|(_, text)| text).unwrap_or_default();
    if let Some(root) = context {
        oracle = oracle.with(ContextOracle::new(root).with_ignore(&ignore)).with(WheelsOracle::new(root));
    }
    let options = Options { target: build.target.clone(), dockerignore: Vec::new() };
    Ok((estimate_with(dockerfile, &oracle, &options), ignore))
}

/// Why the budget check failed, in the command line's words: the library's message names its own
/// API for opting in to unknown parts, which here is `--allow-unknown`.
fn budget_failure(failure: &BudgetFailure) -> String {
    match failure {
        BudgetFailure::Incomplete(incomplete) => {
            let text = incomplete.to_string();
            let first = text.lines().next().unwrap_or_default();
            let mut out = first.to_string();
            for unknown in incomplete.unknowns() {
                out.push_str(&format!("\n  {unknown}"));
            }
            out.push_str("\nto check the known parts only, pass --allow-unknown");
            out
        }
        _ => failure.to_string().trim_end().to_string(),
    }
}

/// What the command line can give for the unknowns of `report`, in its own words.
fn hints(report: &SizeReport, context: bool, catalog: bool) -> Vec<&'static str> {
    let unknowns = report.unknowns();
    let mut out = Vec::new();
    if unknowns.iter().any(|u| matches!(u.missing, Missing::BaseImage { .. })) {
        out.push(if catalog {
            "a base image is in no --catalog table: add a row for it (image, then its uncompressed size)"
        } else {
            "base image sizes come from --catalog FILE, a TSV of image sizes"
        });
    }
    if !context && unknowns.iter().any(|u| matches!(u.missing, Missing::Context { .. } | Missing::Wheels { .. })) {
        out.push("files from the build context are sized with --context DIR");
    }
    out
}

pub(crate) fn figure(figure: &Figure) -> Json {
    json!({ "low": figure.low, "high": figure.high, "source": figure.source })
}

/// The report as JSON: every stage and layer with its figures, the unknowns with how to supply them.
pub(crate) fn to_json(file: &str, report: &SizeReport) -> Json {
    let stages: Vec<Json> = report
        .stages
        .iter()
        .map(|stage| {
            let layers: Vec<Json> = stage
                .layers
                .iter()
                .map(|layer| {
                    json!({
                        "index": layer.index,
                        "instruction": layer.instruction,
                        "size": figure(&layer.size),
                        "parts": layer.parts.iter().map(figure).collect::<Vec<_>>(),
                        "unknown": layer.unknowns.iter().map(ToString::to_string).collect::<Vec<_>>(),
                        "waste": figure(&layer.waste),
                    })
                })
                .collect();
            json!({
                "name": stage.name,
                "from": stage.from,
                "in_image": stage.counted,
                "base": match &stage.base {
                    Ok(base) => figure(base),
                    Err(missing) => json!({ "unknown": missing.to_string() }),
                },
                "layers": layers,
                "total": figure(&stage.total),
            })
        })
        .collect();
    let unknowns: Vec<Json> = report
        .unknowns()
        .iter()
        .map(|unknown| {
            json!({
                "stage": unknown.stage,
                "instruction": unknown.instruction,
                "missing": unknown.missing.to_string(),
                "help": unknown.help(),
            })
        })
        .collect();
    json!({
        "file": file,
        "target": report.target,
        "total": figure(&report.total),
        "waste": figure(&report.waste),
        "complete": unknowns.is_empty(),
        "stages": stages,
        "unknown": unknowns,
    })
}
