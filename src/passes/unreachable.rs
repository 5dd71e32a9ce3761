//! [`Pass::DropUnreachableStages`](super::Pass::DropUnreachableStages): stages that no build target
//! needs (neither its base chain nor anything it copies or mounts from, transitively) are removed.
//!
//! The build targets are [`Config::targets`](super::Config::targets), or, when that is empty, every
//! stage `docker build --target` can name (every named stage); the last stage, which `docker build`
//! builds without `--target`, is always one. BuildKit does not build a stage no target needs, so every
//! target's result is unchanged, and so is the default target. The pass does nothing when a stage could
//! be referenced in a way the analysis cannot follow (an unmodelled (raw) instruction, `ONBUILD`, or
//! `--from` naming a stage by number), or when a configured target is not a stage; [`super::declined`]
//! says which.

use super::{Change, Config, Declined, Pass, at};
use crate::analysis::{Analysis, Location, StepLabel};
use crate::model::{Dockerfile, FromSource, Instruction, Mount};

pub(crate) fn run(dockerfile: &mut Dockerfile, analysis: &Analysis, config: &Config) -> Vec<Change> {
    let Ok(keep) = plan(dockerfile, analysis, config) else { return Vec::new() };
    let mut names: Vec<String> = Vec::new();
    for target in config.build_targets(analysis) {
        if let Ok(index) = analysis.resolve(&target) {
            let name = analysis.stage_name(index);
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    let mut changes = Vec::new();
    for index in (0..dockerfile.stages.len()).rev() {
        if keep.contains(&index) {
            continue;
        }
        changes.push(Change {
            pass: Pass::DropUnreachableStages,
            location: at(index, 0),
            step: analysis.stage_label(index),
            reason: format!("no build target ({}) needs the stage, so it was removed", names.join(", ")),
        });
    }
    let mut index = 0;
    dockerfile.stages.retain(|_| {
        let kept = keep.contains(&index);
        index += 1;
        kept
    });
    changes
}

/// Why the pass keeps every stage of `dockerfile`, when it does.
pub(crate) fn declined(dockerfile: &Dockerfile, analysis: &Analysis, config: &Config) -> Vec<Declined> {
    match plan(dockerfile, analysis, config) {
        Ok(_) => Vec::new(),
        Err((location, step, reason)) => {
            vec![Declined { pass: Pass::DropUnreachableStages, location, step, blocker: None, reason }]
        }
    }
}

/// Where and why every stage stays.
type Refusal = (Location, StepLabel, String);

/// The stages to keep, in index order, or where and why every stage must stay.
fn plan(dockerfile: &Dockerfile, analysis: &Analysis, config: &Config) -> Result<Vec<usize>, Refusal> {
    for (stage, instructions) in dockerfile.stages.iter().map(|s| &s.instructions).enumerate() {
        if let Some(index) = instructions.iter().position(opaque_reference) {
            let reason = "it may name a stage in a way the analysis cannot follow, so every stage is kept";
            return Err((at(stage, index), super::label(analysis, at(stage, index)), reason.to_string()));
        }
    }
    let mut keep = Vec::new();
    for target in config.build_targets(analysis) {
        match analysis.resolve(&target) {
            Ok(index) => keep.extend(analysis.reachable_from(index)),
            Err(error) => {
                let last = dockerfile.stages.len().saturating_sub(1);
                return Err((at(last, 0), analysis.stage_label(last), format!("{error}, so every stage is kept")));
            }
        }
    }
    keep.sort_unstable();
    keep.dedup();
    Ok(keep)
}

fn opaque_reference(instruction: &Instruction) -> bool {
    let numeric = |from: &FromSource| matches!(from, FromSource::Image(image) if image.to_string().bytes().all(|b| b.is_ascii_digit()));
    match instruction {
        Instruction::Raw(_) => true,
        Instruction::Copy(copy) => copy.from.as_ref().is_some_and(numeric),
        Instruction::Run(run) => run.mounts.iter().any(|mount| match mount {
            Mount::Bind { from: Some(from), .. } | Mount::Cache { from: Some(from), .. } => numeric(from),
            _ => false,
        }),
        // A trigger may name a stage; validation checks it, so keep every stage.
        Instruction::OnBuild(_) => true,
        _ => false,
    }
}
