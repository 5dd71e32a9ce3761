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

use super::{Change, Pass, at};
use crate::analysis::{Analysis, Install, Manager, PackageAction, Step};
use crate::import::shell::{Joined, ShellCommand};
use crate::model::{Command, Dockerfile, Instruction, Run, ShellScript, Text};

const APT_CLEANUP: &str = "rm -rf /var/lib/apt/lists/*";

pub(crate) fn run(dockerfile: &mut Dockerfile, analysis: &Analysis) -> Vec<Change> {
    for stage_index in 0..analysis.stages().len() {
        let step_at = |instruction: usize| analysis.step_at(at(stage_index, instruction));
        let default_shell = |instruction: usize| {
            step_at(instruction)
                .and_then(|step| step.key.as_ref())
                .and_then(|k| k.command.as_deref())
                .is_some_and(|c| c.starts_with(r#"["/bin/sh","-c","#))
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
            let (Some(update), Some(install)) =
                (step_at(index).and_then(and_chain), step_at(index + 1).and_then(and_chain))
            else {
                continue;
            };
            let [update_cmd] = update.commands else { continue };
            let (Some(u), Some(i)) = (update.installs.first(), install.installs.first()) else { continue };
            if u.command != 0 || i.command != 0 {
                continue;
            }
            let merged: Vec<String>;
            let reason;
            let texts = install.commands.iter().map(|c| c.text.clone());
            if tool(u) == "apt-get"
                && u.action == PackageAction::Update
                && tool(i) == "apt-get"
                && i.action == PackageAction::Install
            {
                let mut steps = vec![update_cmd.text.clone()];
                steps.extend(texts);
                if !i.cleaned {
                    steps.push(APT_CLEANUP.to_string());
                }
                merged = steps;
                reason = format!(
                    "merged with `{}` below it, the package lists removed in the same RUN: an update in its own \
                     layer goes stale in the cache and leaves its lists in the image",
                    super::label(analysis, at(stage_index, index + 1)).instruction
                );
            } else if u.manager == Manager::Apk
                && update_cmd.words().eq(["apk", "update"])
                && tool(i) == "apk"
                && i.action == PackageAction::Install
            {
                let mut steps: Vec<String> = texts.collect();
                if !i.no_cache {
                    let Some(rest) = steps[0].trim_start().strip_prefix("apk add") else { continue };
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

/// The program's file name, as the command names it (`apt-get`, not `apt`).
fn tool(install: &Install) -> &str {
    install.program.rsplit('/').next().unwrap_or(&install.program)
}

/// A RUN's commands and installs, when it is simple commands joined by `&&` only.
struct Chain<'a> {
    commands: &'a [ShellCommand],
    installs: &'a [Install],
}

fn and_chain(step: &Step) -> Option<Chain<'_>> {
    let facts = step.run.as_ref()?;
    let commands = facts.script.simple_list()?;
    // Nothing that sequences or backgrounds: the merged chain stops at the first failure.
    if !commands.iter().skip(1).all(|c| c.joined == Joined::And) || commands.is_empty() {
        return None;
    }
    Some(Chain { commands, installs: &facts.installs })
}
