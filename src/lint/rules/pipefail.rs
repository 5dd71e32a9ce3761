//! DW3019: a pipe in a `RUN` whose shell has `pipefail` but does not set it: the step's status is
//! the last command's, so `curl ... | tar x` succeeds when the download fails. Only where the shell
//! running the step has the option: bash, zsh, ksh, busybox's ash (Alpine's and busybox's `/bin/sh`)
//! and Red Hat's `/bin/sh` (bash). Debian's `/bin/sh` is dash, which has no pipefail; there (and on
//! images dockwright does not know) the rule says nothing, since its remedy would be another shell.
//! The shell is the one that runs the step: the stage's `SHELL` for a shell-form `RUN`, the shell an
//! exec-form `RUN` names (`["/bin/bash", "-c", "a | b"]` runs bash whatever the `SHELL`); an exec
//! form that runs no shell has no pipe; a `RUN <<EOF` body starting with `#!` runs the shell that
//! line names.

use super::{Rule, info, root_image, run_shell, sh_has_pipefail};
use crate::import::shell::Joined;
use crate::lint::context::Context;
use crate::lint::runs::runs;
use crate::lint::{Finding, Fix, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info("DW3019", "pipefail", Severity::Warning, true, &["DL4006"], None, "a pipe without set -o pipefail"),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for site in runs(cx) {
        let commands = site.commands();
        let Some(pipe) = commands.iter().position(|command| command.joined == Joined::Pipe) else { continue };
        // The shell that runs the step: the stage's SHELL, or the one an exec form names.
        let Some(shell) = run_shell(cx, &site) else { continue };
        if shell.iter().any(|arg| arg.contains("pipefail")) {
            continue;
        }
        let has_pipefail = match shell.first().map(|program| program.rsplit('/').next().unwrap_or("")) {
            None => root_image(cx, site.stage).and_then(|image| sh_has_pipefail(&image)).unwrap_or(false),
            Some("sh") if shell.len() <= 2 => {
                root_image(cx, site.stage).and_then(|image| sh_has_pipefail(&image)).unwrap_or(false)
            }
            Some("bash" | "zsh" | "ksh" | "mksh" | "ash") => true,
            Some(_) => false,
        };
        if !has_pipefail {
            continue;
        }
        // `set -o pipefail` (or `set -eo pipefail`) before the pipe.
        let set_before = commands[..pipe]
            .iter()
            .any(|command| command.tool() == Some("set") && command.args().any(|arg| arg == "pipefail"));
        if set_before {
            continue;
        }
        let fix = if site.is_heredoc_body() {
            site.command_source(cx, 0).map(|range| Fix::replace(range.start..range.start, "set -o pipefail\n"))
        } else {
            site.command_source(cx, 0).map(|range| Fix::replace(range.start..range.start, "set -o pipefail && "))
        };
        let program = commands[pipe - 1].tool().unwrap_or("the command");
        out.push(
            Finding::new(
                site.commands_span(cx, pipe - 1, pipe),
                format!(
                    "RUN pipes '{program}' into '{}' without pipefail: the step succeeds if '{program}' fails",
                    commands[pipe].tool().unwrap_or("a command")
                ),
                if site.shebang().is_some() {
                    // Its `#!` line names the shell: SHELL does not change it.
                    "add set -o pipefail after the script's #! line"
                } else if !is_exec(cx, site.stage, site.index) {
                    "start the script with set -o pipefail && (or set SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"])"
                } else {
                    // An exec form runs the shell it names: SHELL does not change it.
                    "start the script with set -o pipefail && (or run the shell with it: [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\", \"...\"])"
                },
            )
            .fix(fix),
        );
    }
}

/// Whether instruction `index` of `stage` is an exec-form `RUN`.
fn is_exec(cx: &Context<'_>, stage: usize, index: usize) -> bool {
    let instruction = cx.lowered.dockerfile.stages.get(stage).and_then(|stage| stage.instructions.get(index));
    matches!(instruction, Some(crate::model::Instruction::Run(run)) if matches!(run.command, crate::model::Command::Exec(_)))
}
