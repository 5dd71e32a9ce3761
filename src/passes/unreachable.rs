//! [`Pass::DropUnreachableStages`](super::Pass::DropUnreachableStages): stages the target does not
//! need (neither its base chain nor anything it copies or mounts from, transitively) are removed,
//! along with every stage after the target. BuildKit does not build them; the target's result is
//! unchanged. The pass does nothing when a stage could be referenced in a way the analysis cannot
//! follow: an unmodelled (raw) instruction, or `--from` naming a stage by number.

use super::{Change, Config, Pass, at};
use crate::analysis::Analysis;
use crate::model::{Dockerfile, FromSource, Instruction, Mount};

pub(crate) fn run(dockerfile: &mut Dockerfile, analysis: &Analysis, config: &Config) -> Vec<Change> {
    let target = match &config.target {
        Some(name) => match analysis.stage_index(name) {
            Some(index) => index,
            None => return Vec::new(),
        },
        None => match analysis.target() {
            Some(index) => index,
            None => return Vec::new(),
        },
    };
    if dockerfile.stages.iter().flat_map(|s| &s.instructions).any(opaque_reference) {
        return Vec::new();
    }
    let keep = analysis.reachable_from(target);
    let mut changes = Vec::new();
    for (index, stage) in dockerfile.stages.iter().enumerate().rev() {
        if keep.contains(&index) {
            continue;
        }
        let name = stage.name().map_or_else(|| format!("stage {index}"), |n| format!("stage '{n}'"));
        let target_name = dockerfile.stages[target].name().map_or_else(|| format!("{target}"), str::to_string);
        changes.push(Change {
            pass: Pass::DropUnreachableStages,
            location: at(index, 0),
            reason: format!("{name} is not needed to build the target '{target_name}', so it was removed"),
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
