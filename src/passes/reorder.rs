//! [`Pass::MoveEarlier`](super::Pass::MoveEarlier): steps that do not depend on changing inputs move
//! earlier, so a source or dependency edit does not rerun them. Two kinds of RUN move:
//!
//! - **Directory setup**: only `mkdir`, `chown`, `chmod`, `ln`, `touch`, `true`, with a known working
//!   directory and every path operand resolving to an absolute path without wildcards. It moves past
//!   COPYs from the context (no `--from`, no `--chown` by name, which reads `/etc/passwd`) when no RUN
//!   path is, contains or lies in a path the COPY writes, and every directory both may create (their
//!   common ancestors) is the working directory or one of its ancestors, which `WORKDIR` made first.
//!   It also moves past `ENV` that sets none of `PATH`, `IFS`, `ENV`, `BASH_ENV`, `POSIXLY_CORRECT`,
//!   `TMPDIR`, `LD_*`: these tools read no other variable, and the RUN names none (the shell reading
//!   rejects `$`).
//! - **Account setup**: only `groupadd`, `useradd`, `addgroup`, `adduser` with plain words. Their
//!   footprint is the user database and home directories (`/etc`, `/home`, `/var/mail`, and any
//!   absolute path named). They move past COPYs (any source, no `--chown` by name: that needs the user)
//!   whose writes avoid the footprint, and past RUNs that only create a virtual environment at an
//!   absolute path (`python -m venv /opt/venv`) or run that environment's pip (`/opt/venv/bin/pip
//!   install ...`, no `--user`, `--target`, `--prefix` or `--root`), whose footprint is the environment
//!   and pip's cache. The stated assumption: the packages pip installs run no build code that touches
//!   the user database.
//!
//! Both kinds need shell form with the default shell and no RUN flags. A RUN never moves past anything
//! else (ARG, USER, WORKDIR, SHELL, other RUNs), so its user and the variables it may read stay the same;
//! each writes what the other never reads or writes, so the order does not matter to the final
//! filesystem. A RUN that stops moving stays put in later rounds: the pass is idempotent.

use super::shell;
use super::{Change, Pass, at};
use crate::analysis::Analysis;
use crate::model::{Dockerfile, Instruction, Run};

pub(crate) fn run(dockerfile: &mut Dockerfile, analysis: &Analysis) -> Vec<Change> {
    for (stage_index, info) in analysis.stages().iter().enumerate() {
        let step_of = |instruction: usize| {
            info.steps.iter().map(|&s| &analysis.steps()[s]).find(|s| s.location.instruction == instruction)
        };
        let instructions = &dockerfile.stages[stage_index].instructions;
        for (index, instruction) in instructions.iter().enumerate() {
            let Instruction::Run(run) = instruction else { continue };
            let Some(step) = step_of(index) else { continue };
            let default_shell = step
                .key
                .as_ref()
                .and_then(|k| k.command.as_deref())
                .is_some_and(|c| c.starts_with(r#"["/bin/sh","-c","#));
            let Some(workdir) = step.reads.workdir.clone().filter(|w| !w.contains('$')) else { continue };
            if !default_shell {
                continue;
            }
            if let Some(footprint) = account_footprint(run) {
                let mut to = index;
                while to > 0 {
                    let passable = match &instructions[to - 1] {
                        Instruction::Copy(copy) => {
                            let Some(copy_step) = step_of(to - 1) else { break };
                            !named_owner(copy)
                                && !copy_step.writes.any_path
                                && copy_step.writes.paths.iter().all(|w| {
                                    !w.contains('$')
                                        && footprint.iter().all(|f| !shell::overlaps(&shell::absolute(w), f))
                                })
                        }
                        Instruction::Run(other) => venv_footprint(other, &workdir).is_some_and(|paths| {
                            paths.iter().all(|p| footprint.iter().all(|f| !shell::overlaps(p, f)))
                        }),
                        _ => false,
                    };
                    if !passable {
                        break;
                    }
                    to -= 1;
                }
                if to < index {
                    return vec![move_to(dockerfile, stage_index, index, to, "it only creates accounts")];
                }
                continue;
            }
            let Some(paths) = run_paths(run, &workdir) else { continue };
            let mut to = index;
            while to > 0 {
                let copy = match &instructions[to - 1] {
                    Instruction::Env(env) if env.vars.keys().all(|key| !sensitive(key.as_str())) => {
                        to -= 1;
                        continue;
                    }
                    Instruction::Copy(copy) => copy,
                    _ => break,
                };
                let Some(copy_step) = step_of(to - 1) else { break };
                if copy.from.is_some() || named_owner(copy) || copy_step.writes.any_path {
                    break;
                }
                let writes: Vec<String> = copy_step.writes.paths.iter().map(|p| shell::absolute(p)).collect();
                if writes.is_empty() || writes.iter().any(|w| w.contains('$')) {
                    break;
                }
                let independent = paths.iter().all(|path| {
                    writes.iter().all(|written| {
                        !shell::overlaps(path, written) && shell::within(&workdir, &common_ancestor(path, written))
                    })
                });
                if !independent {
                    break;
                }
                to -= 1;
            }
            if to == index {
                continue;
            }
            return vec![move_to(dockerfile, stage_index, index, to, "it touches none of their paths")];
        }
    }
    Vec::new()
}

/// The absolute paths a movable RUN touches, or `None` if it is not movable.
pub(super) fn run_paths(run: &Run, workdir: &str) -> Option<Vec<String>> {
    if !run.mounts.is_empty() || run.network.is_some() || run.security.is_some() {
        return None;
    }
    let commands = shell::commands(run)?;
    let mut paths = Vec::new();
    for command in &commands {
        let operands: Vec<&String> = command.args.iter().filter(|a| !a.starts_with('-')).collect();
        let skip = match command.tool.as_str() {
            "mkdir" | "touch" | "ln" | "true" => 0,
            // The first operand is the owner or the mode.
            "chown" | "chmod" => 1,
            _ => return None,
        };
        if command.args.iter().any(|a| a.starts_with('-') && a.contains('=')) {
            return None;
        }
        for operand in operands.into_iter().skip(skip) {
            if operand.contains(['*', '?', '[']) {
                return None;
            }
            let path = crate::analysis::resolve_path(workdir, operand);
            paths.push(path);
        }
    }
    if paths.is_empty() {
        return None;
    }
    Some(paths)
}

/// The longest common ancestor directory of two absolute paths.
fn common_ancestor(a: &str, b: &str) -> String {
    let common: Vec<&str> =
        a.split('/').zip(b.split('/')).take_while(|(x, y)| x == y).map(|(x, _)| x).filter(|p| !p.is_empty()).collect();
    format!("/{}", common.join("/"))
}

fn move_to(dockerfile: &mut Dockerfile, stage: usize, from: usize, to: usize, why: &str) -> Change {
    let instructions = &mut dockerfile.stages[stage].instructions;
    let moved = instructions.remove(from);
    instructions.insert(to, moved);
    let count = from - to;
    Change {
        pass: Pass::MoveEarlier,
        location: at(stage, from),
        reason: format!(
            "moved before the {count} step{} above it: {why}, so an edit to their inputs no longer reruns it",
            if count == 1 { "" } else { "s" }
        ),
    }
}

fn named_owner(copy: &crate::model::Copy) -> bool {
    copy.chown.as_ref().is_some_and(|c| {
        !c.as_str().split(':').all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// The paths an account-creating RUN may touch, or `None` if it does anything else.
pub(super) fn account_footprint(run: &Run) -> Option<Vec<String>> {
    if !run.mounts.is_empty() || run.network.is_some() || run.security.is_some() {
        return None;
    }
    let commands = shell::commands(run)?;
    let mut footprint: Vec<String> = ["/etc", "/home", "/var/mail", "/var/spool/mail"].map(String::from).to_vec();
    for command in &commands {
        if !matches!(command.tool.as_str(), "groupadd" | "useradd" | "addgroup" | "adduser") {
            return None;
        }
        for arg in &command.args {
            let value = arg.split_once('=').map_or(arg.as_str(), |(_, v)| v);
            if value.contains('/') {
                if !value.starts_with('/') || value.contains(['*', '?', '[']) {
                    return None;
                }
                footprint.push(shell::absolute(value));
            }
        }
    }
    (!commands.is_empty()).then_some(footprint)
}

/// The paths a RUN that only makes or fills a virtual environment at an absolute path touches.
pub(super) fn venv_footprint(run: &Run, workdir: &str) -> Option<Vec<String>> {
    if !run.mounts.iter().all(|m| matches!(m, crate::model::Mount::Cache { from: None, .. })) || run.security.is_some()
    {
        return None;
    }
    let crate::model::Command::Shell(script) = &run.command else { return None };
    let mut paths = vec!["/root/.cache/pip".to_string()];
    for command in shell::parse(&script.shell_text())? {
        let args: Vec<&str> = command.args.iter().map(String::as_str).collect();
        match args.as_slice() {
            ["-m", "venv", dir] if shell::is_python(&command.tool) && dir.starts_with('/') => {
                paths.push(shell::absolute(dir));
            }
            ["install", rest @ ..] if shell::is_pip(&command.tool) => {
                if rest.iter().any(|a| {
                    ["--user", "--target", "-t", "--prefix", "--root", "-e", "--editable"]
                        .iter()
                        .any(|f| a == f || a.starts_with(&format!("{f}=")))
                }) {
                    return None;
                }
                // The tool must be named by its absolute path inside a venv: `<venv>/bin/pip`.
                let venv = command.path.strip_suffix(&format!("/bin/{}", command.tool)).filter(|v| v.starts_with('/'));
                paths.push(shell::absolute(venv?));
                for arg in rest {
                    let value = arg.split_once('=').map_or(*arg, |(_, v)| v);
                    if value.contains(['*', '?', '[']) {
                        return None;
                    }
                    if value.starts_with('/') {
                        paths.push(shell::absolute(value));
                    } else if !arg.starts_with('-') || arg.contains('=') {
                        paths.push(crate::analysis::resolve_path(workdir, value));
                    }
                }
            }
            _ => return None,
        }
    }
    Some(paths)
}

/// Variables that change what `mkdir`, `chown`, `chmod`, `ln` or `touch` do (which binary runs, what
/// it loads, how the shell reads the script).
pub(super) fn sensitive(name: &str) -> bool {
    matches!(name, "PATH" | "IFS" | "ENV" | "BASH_ENV" | "POSIXLY_CORRECT" | "TMPDIR") || name.starts_with("LD_")
}
