//! [`Pass::MergeAptUpdate`](super::Pass::MergeAptUpdate): a RUN that only refreshes the package index
//! is merged with the install RUN right after it.
//!
//! - `RUN apt-get update` + `RUN apt-get install ...` → one RUN: `apt-get update && apt-get install ...
//!   && rm -rf /var/lib/apt/lists/*` (the cleanup is added unless the install already removes the lists).
//! - `RUN apk update` + `RUN apk add ...` → `RUN apk add --no-cache ...` (`--no-cache` fetches the index
//!   itself and keeps none).
//!
//! Both RUNs must be adjacent in the same stage, shell form with the default shell, have no flags
//! (mounts, network, security), and be lists of simple commands joined by `&&` only, so the merged
//! chain stops at the first failure exactly as the two RUNs did. The only filesystem difference is the
//! package index, which is not behaviour (see the module docs of [`passes`](super)).

use super::shell;
use super::{Change, Pass, at};
use crate::analysis::Analysis;
use crate::model::{Command, Dockerfile, Instruction, Run, ShellScript, Text};

const APT_CLEANUP: &str = "rm -rf /var/lib/apt/lists/*";

pub(crate) fn run(dockerfile: &mut Dockerfile, analysis: &Analysis) -> Vec<Change> {
    for (stage_index, info) in analysis.stages().iter().enumerate() {
        let default_shell = |instruction: usize| {
            info.steps.iter().map(|&s| &analysis.steps()[s]).any(|step| {
                step.location.instruction == instruction
                    && step
                        .key
                        .as_ref()
                        .and_then(|k| k.command.as_deref())
                        .is_some_and(|c| c.starts_with(r#"["/bin/sh","-c","#))
            })
        };
        let instructions = &dockerfile.stages[stage_index].instructions;
        for index in 0..instructions.len().saturating_sub(1) {
            let (Instruction::Run(first), Instruction::Run(second)) = (&instructions[index], &instructions[index + 1])
            else {
                continue;
            };
            if !plain(first) || !plain(second) || !default_shell(index) || !default_shell(index + 1) {
                continue;
            }
            let (Some(update), Some(install)) = (and_chain(first), and_chain(second)) else { continue };
            let [update_cmd] = update.as_slice() else { continue };
            let update_words = shell::parse(update_cmd).unwrap_or_default();
            let Some(first_install) = install.first() else { continue };
            let install_words = shell::parse(first_install).unwrap_or_default();
            let (Some(u), Some(i)) = (update_words.first(), install_words.first()) else { continue };
            let sub = |s: &shell::Simple| s.args.iter().find(|a| !a.starts_with('-')).cloned().unwrap_or_default();
            let merged: Vec<String>;
            let reason;
            if u.tool == "apt-get" && sub(u) == "update" && i.tool == "apt-get" && sub(i) == "install" {
                let mut steps = vec![update_cmd.clone()];
                steps.extend(install.iter().cloned());
                if !install.iter().any(|s| s.trim() == APT_CLEANUP) {
                    steps.push(APT_CLEANUP.to_string());
                }
                merged = steps;
                reason = format!(
                    "merged with `{}` below it, the package lists removed in the same RUN: an update in its own \
                     layer goes stale in the cache and leaves its lists in the image",
                    super::label(analysis, at(stage_index, index + 1)).instruction
                );
            } else if u.tool == "apk" && u.args == ["update"] && i.tool == "apk" && sub(i) == "add" {
                let mut steps = install.clone();
                if !i.args.iter().any(|a| a == "--no-cache") {
                    let Some(rest) = first_install.trim_start().strip_prefix("apk add") else { continue };
                    steps[0] = format!("apk add --no-cache{rest}");
                }
                merged = steps;
                reason = format!(
                    "merged into `{}` below it as `apk add --no-cache`, which fetches the index and keeps none: an \
                     update in its own layer goes stale in the cache and leaves its index in the image",
                    super::label(analysis, at(stage_index, index + 1)).instruction
                );
            } else {
                continue;
            }
            let Some(texts) =
                merged.into_iter().map(|s| Text::new(s.trim().to_string()).ok()).collect::<Option<Vec<_>>>()
            else {
                continue;
            };
            let script = if texts.len() == 1 {
                ShellScript::Text(texts.into_iter().next().expect("one step"))
            } else {
                ShellScript::Steps(texts)
            };
            let stage = &mut dockerfile.stages[stage_index];
            stage.instructions[index] = Instruction::Run(Run::new(Command::Shell(script)));
            stage.instructions.remove(index + 1);
            return vec![Change::new(Pass::MergeAptUpdate, analysis, at(stage_index, index), reason)];
        }
    }
    Vec::new()
}

fn plain(run: &Run) -> bool {
    run.mounts.is_empty() && run.network.is_none() && run.security.is_none()
}

/// The commands of a shell RUN joined by `&&` only, or `None` if it is anything else.
fn and_chain(run: &Run) -> Option<Vec<String>> {
    let Command::Shell(script) = &run.command else { return None };
    let parts: Vec<String> = match script {
        ShellScript::Text(text) => text.as_str().split("&&").map(|s| s.trim().to_string()).collect(),
        ShellScript::Steps(steps) => {
            steps.iter().flat_map(|s| s.as_str().split("&&")).map(|s| s.trim().to_string()).collect()
        }
        _ => return None,
    };
    // Each part is one simple command: nothing that sequences or backgrounds.
    for part in &parts {
        if part.is_empty() || shell::parse(part).is_none_or(|commands| commands.len() != 1) || part.contains(';') {
            return None;
        }
    }
    Some(parts)
}
