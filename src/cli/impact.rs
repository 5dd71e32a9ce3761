//! `dockwright impact`: which steps of a build rerun after a change, and why, stage by stage.

use std::path::PathBuf;

use clap::{ArgGroup, Args};

use super::input::{self, ArgValues, BuildArgs};
use super::output::{ADDED, DIM, Failure, REMOVED, Session};
use crate::analysis::{ChangeSet, Target, analyze, cache_impact, glob};

const EXAMPLES: &str = "\
Examples:
  dockwright impact Dockerfile --changed src/app.py
  dockwright impact Dockerfile --changed requirements.txt --target runtime
  dockwright impact Dockerfile --changed-arg PY_VERSION=3.13 --changed-base python:3.12-slim

Paths are relative to the build context. A path the .dockerignore excludes is not sent to the
builder, so changing it reruns nothing.";

/// Say which steps of a build rerun after a change, and why.
///
/// Follows BuildKit's cache keys: a COPY or ADD misses when a file it copies changed, a RUN when a
/// build arg it sees changed, and every later step of the same chain misses after a miss. Only the
/// stages the target needs are built; config steps (ENV, LABEL, ...) have no cache key of their own.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
#[command(group(ArgGroup::new("change").required(true).multiple(true).args(["changed", "changed_arg", "changed_base"])))]
pub(crate) struct ImpactArgs {
    /// The Dockerfile; `-` reads standard input.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Context paths whose content changed.
    #[arg(long, value_name = "PATH", num_args = 1..)]
    changed: Vec<String>,
    /// A build arg whose value changed (`NAME` alone: no longer passed).
    #[arg(long = "changed-arg", value_name = "NAME[=VALUE]")]
    changed_arg: Vec<String>,
    /// A base image that was updated, as written in FROM (`python` matches every tag).
    #[arg(long = "changed-base", value_name = "IMAGE")]
    changed_base: Vec<String>,
    #[command(flatten)]
    build: BuildArgs,
    #[command(flatten)]
    values: ArgValues,
}

pub(crate) fn run(session: &mut Session<'_>, args: &ImpactArgs) {
    let source = match input::read(session, &args.file) {
        Ok(source) => source,
        Err(failure) => return session.fail(&failure),
    };
    let Some(lowered) = input::lowered(session, &source, "analyse") else { return };
    let mut dockerfile = lowered.dockerfile;
    if let Err(failure) = args.values.apply(session, &source.name, &mut dockerfile) {
        return session.fail(&failure);
    }
    let (ignore_name, ignore) = match args.build.ignore_file(&source) {
        Ok(Some((path, text))) => (path.display().to_string(), input::ignore_patterns(&text)),
        Ok(None) => (String::new(), Vec::new()),
        Err(failure) => return session.fail(&failure),
    };
    let paths: Vec<String> =
        args.changed.iter().map(|path| path.trim_start_matches("./").trim_end_matches('/').to_string()).collect();
    for path in &paths {
        if glob::ignored(&ignore, path) {
            session.err.line(&format!("{path}: excluded by {ignore_name}, so not in the build context"));
        }
    }
    let changes = ChangeSet {
        paths,
        args: args
            .changed_arg
            .iter()
            .map(|arg| match arg.split_once('=') {
                Some((name, value)) => (name.to_string(), Some(value.to_string())),
                None => (arg.clone(), None),
            })
            .collect(),
        bases: args.changed_base.clone(),
        dockerignore: ignore,
    };
    let target = match &args.build.target {
        Some(name) => Target::stage(name.as_str()),
        None => Target::Default,
    };
    let analysis = analyze(&dockerfile);
    let report = match cache_impact(&analysis, target, &changes) {
        Ok(report) => report,
        Err(error) => return session.fail(&Failure::because(format!("cannot analyse '{}'", source.name), error)),
    };
    let missed = report.missed().count();
    let plural = if report.layer_steps == 1 { "" } else { "s" };
    session
        .out
        .line(&format!("target '{}': {missed} of {} layer step{plural} rerun", report.target_name, report.layer_steps));
    let mut stage = None;
    for step in &report.steps {
        if !analysis.steps().get(step.step).is_some_and(|s| s.layer) {
            continue;
        }
        if stage != Some(step.location.stage) {
            stage = Some(step.location.stage);
            let rerun = report.steps.iter().filter(|s| s.location.stage == step.location.stage && s.miss).count();
            session.out.line(&format!("stage '{}': {rerun} rerun", step.label.stage));
        }
        if step.miss {
            session.out.text("  ");
            session.out.styled(REMOVED, "rerun ");
            session.out.line(&format!(" {}", step.label.instruction));
            for reason in &step.reasons {
                session.out.styled_line(DIM, &format!("          {reason}"));
            }
        } else {
            session.out.text("  ");
            session.out.styled(ADDED, "cached");
            session.out.line(&format!(" {}", step.label.instruction));
        }
    }
}
