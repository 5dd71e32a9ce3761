//! [`Pass::MoveEarlier`](super::Pass::MoveEarlier): steps that do not depend on changing inputs move
//! earlier, so a source or dependency edit does not rerun them. Two kinds of RUN move:
//!
//! - **Directory setup**: only `mkdir`, `chown`, `chmod`, `ln`, `touch`, `true`, with a known working
//!   directory and every path operand resolving to an absolute path without wildcards. It moves past
//!   COPYs from the context (no `--from`, no `--chown` by name, which reads `/etc/passwd`) when no RUN
//!   path is, contains or lies in a path the COPY writes, and every directory both may create (their
//!   common ancestors) is the working directory or one of its ancestors, which `WORKDIR` made first.
//!   It also moves past `ENV` that sets none of `PATH`, `IFS`, `ENV`, `BASH_ENV`, `POSIXLY_CORRECT`,
//!   `TMPDIR`, `LD_*`: these tools read no other variable, and the RUN names none (a RUN with
//!   an expansion is not a plain list: [`Script::simple_list`]).
//! - **Account setup**: only `groupadd`, `useradd`, `addgroup`, `adduser` with plain words. Their
//!   footprint is the user database and home directories (`/etc`, `/home`, `/var/mail`, and any
//!   absolute path named). They move past COPYs (any source, no `--chown` by name: that needs the user)
//!   whose writes avoid the footprint, and past RUNs that only create a virtual environment at an
//!   absolute path (`python -m venv /opt/venv`) or run that environment's pip (`/opt/venv/bin/pip
//!   install ...`, no `--user`, `--target`, `--prefix` or `--root`), whose footprint is the environment
//!   and pip's cache. The stated assumption: the packages pip installs run no build code that touches
//!   the user database.
//!
//! Both kinds also move past steps that only set image metadata (`EXPOSE`, `LABEL`, `CMD`,
//! `ENTRYPOINT`, `HEALTHCHECK`, `STOPSIGNAL`, `ONBUILD`: [`Step::metadata_only`]): no RUN or COPY reads
//! what they set, and they read nothing a RUN writes. Both need shell form with the default shell and no
//! RUN flags. A RUN never moves past anything else (ARG, USER, WORKDIR, SHELL, VOLUME, comments, other
//! RUNs), so its user and the variables it may read stay the same; each writes what the other never
//! reads or writes, so the order does not matter to the final filesystem. A RUN only moves if it
//! passes at least one COPY or RUN (passing metadata alone gains nothing), and lands right above the
//! highest one it passes. A RUN that stops moving stays put in later rounds: the pass is idempotent.
//! What stops a RUN is reported by [`declined`](super::declined).
//!
//! Which RUNs are directory, account or virtual-environment setup, and what they write, is analysis's
//! fact ([`RunFacts::activity`], [`RunFacts::writes`]); this pass adds only its own conditions (no RUN
//! flags, default shell, a known working directory).
//!
//! [`Step::metadata_only`]: crate::analysis::Step::metadata_only
//! [`Script::simple_list`]: crate::import::shell::Script::simple_list

use super::paths;
use super::{Change, Declined, Pass, at};
use crate::analysis::{Activity, Analysis, RunFacts, RunWrites, Step};
use crate::model::{Copy, Dockerfile, Instruction, Run};

pub(crate) fn run(dockerfile: &mut Dockerfile, analysis: &Analysis) -> Vec<Change> {
    for stage in 0..analysis.stages().len() {
        for index in 0..dockerfile.stages[stage].instructions.len() {
            let Some(plan) = plan(dockerfile, analysis, stage, index) else { continue };
            if plan.to == index {
                continue;
            }
            let passed: Vec<String> = (plan.to..index)
                .filter_map(|i| step_of(analysis, stage, i).filter(|s| s.layer))
                .map(|s| format!("`{}`", s.label.instruction))
                .collect();
            let reason = format!(
                "moved before {}: {}, so an edit to their inputs no longer reruns it",
                super::listed(&passed),
                plan.why
            );
            let change = Change::new(Pass::MoveEarlier, analysis, at(stage, index), reason);
            let instructions = &mut dockerfile.stages[stage].instructions;
            let moved = instructions.remove(index);
            instructions.insert(plan.to, moved);
            return vec![change];
        }
    }
    Vec::new()
}

/// The movable RUNs that cannot move, with what stops each: only where a COPY, ADD or RUN sits at or
/// above the blocker (a RUN with nothing but config above it gains nothing by moving).
pub(crate) fn declined(dockerfile: &Dockerfile, analysis: &Analysis) -> Vec<Declined> {
    let mut out = Vec::new();
    for stage in 0..analysis.stages().len() {
        for index in 0..dockerfile.stages[stage].instructions.len() {
            let Some(plan) = plan(dockerfile, analysis, stage, index) else { continue };
            let Some((blocker, reason)) = plan.blocker else { continue };
            if plan.to != index || !(0..=blocker).any(|i| step_of(analysis, stage, i).is_some_and(|s| s.layer)) {
                continue;
            }
            out.push(Declined {
                pass: Pass::MoveEarlier,
                location: at(stage, index),
                step: super::label(analysis, at(stage, index)),
                blocker: Some(super::instruction_label(dockerfile, analysis, at(stage, blocker))),
                reason,
            });
        }
    }
    out
}

/// Whether a RUN may move above the instruction at an index, or why not.
type Passable<'a> = dyn Fn(usize) -> Result<(), String> + 'a;

/// How far a movable RUN can go.
struct Plan {
    /// Where it can go (its own index: nowhere).
    to: usize,
    /// Why moving it is safe, for the change.
    why: &'static str,
    /// The instruction that stops it, with the reason, if one does (not the start of the stage).
    blocker: Option<(usize, String)>,
}

/// The plan for the instruction at `index`, if it is a RUN of a movable kind.
fn plan(dockerfile: &Dockerfile, analysis: &Analysis, stage: usize, index: usize) -> Option<Plan> {
    let instructions = &dockerfile.stages[stage].instructions;
    let Instruction::Run(run) = &instructions[index] else { return None };
    let step = step_of(analysis, stage, index)?;
    let default_shell =
        step.key.as_ref().and_then(|k| k.command.as_deref()).is_some_and(|c| c.starts_with(r#"["/bin/sh","-c","#));
    let workdir = step.reads.workdir.clone().filter(|w| !w.contains('$'))?;
    if !default_shell {
        return None;
    }
    let (why, passable): (&'static str, Box<Passable<'_>>) = if let Some(footprint) = account_footprint(run, step) {
        let check = move |i: usize| match &instructions[i] {
            Instruction::Copy(copy) => {
                let copy_step = step_of(analysis, stage, i).ok_or_else(unknown_writes)?;
                let writes = copy_writes(copy, copy_step, "account setup")?;
                for written in &writes {
                    if let Some(owned) = footprint.iter().find(|f| paths::overlaps(written, f)) {
                        return Err(format!(
                            "the copy writes {written}, which account setup may also write (it owns {owned})"
                        ));
                    }
                }
                Ok(())
            }
            Instruction::Run(other) => {
                let Some(paths) = step_of(analysis, stage, i).and_then(|other_step| venv_footprint(other, other_step))
                else {
                    return Err("account setup only moves past COPYs and virtual-environment installs".to_string());
                };
                for path in &paths {
                    if let Some(owned) = footprint.iter().find(|f| paths::overlaps(path, f)) {
                        return Err(format!(
                            "the RUN writes {path}, which account setup may also write (it owns {owned})"
                        ));
                    }
                }
                Ok(())
            }
            other => inert(analysis, stage, i, other),
        };
        ("it only creates accounts", Box::new(check))
    } else {
        let paths = run_paths(run, step)?;
        let check = move |i: usize| match &instructions[i] {
            Instruction::Env(env) => match env.vars.keys().find(|key| sensitive(key.as_str())) {
                Some(key) => Err(format!("ENV sets {key}, which changes what the RUN's tools do")),
                None => Ok(()),
            },
            Instruction::Copy(copy) => {
                if copy.from.is_some() {
                    return Err(
                        "the copy reads another stage or image, which directory setup does not move past".to_string()
                    );
                }
                let copy_step = step_of(analysis, stage, i).ok_or_else(unknown_writes)?;
                let writes = copy_writes(copy, copy_step, "directory setup")?;
                if writes.is_empty() {
                    return Err(unknown_writes());
                }
                for path in &paths {
                    for written in &writes {
                        if paths::overlaps(path, written) {
                            return Err(if path == written {
                                format!("the copy writes {written}, which the RUN touches too")
                            } else if paths::within(path, written) {
                                format!("the copy writes {written}, which holds {path} that the RUN touches")
                            } else {
                                format!("the copy writes {written}, inside {path} that the RUN touches")
                            });
                        }
                        let shared = common_ancestor(path, written);
                        if !paths::within(&workdir, &shared) {
                            return Err(format!(
                                "both may create {shared}, and which goes first decides its owner and mode"
                            ));
                        }
                    }
                }
                Ok(())
            }
            Instruction::Run(_) => Err("directory setup only moves past context COPYs and ENV".to_string()),
            other => inert(analysis, stage, i, other),
        };
        ("it touches none of their paths", Box::new(check))
    };
    let mut to = index;
    let mut blocker = None;
    while to > 0 {
        if let Err(reason) = passable(to - 1) {
            blocker = Some((to - 1, reason));
            break;
        }
        to -= 1;
    }
    // Land right above the highest layer step passed: moving past metadata alone gains nothing.
    while to < index && !step_of(analysis, stage, to).is_some_and(|s| s.layer) {
        to += 1;
    }
    Some(Plan { to, why, blocker })
}

/// The step at an instruction index of a stage.
fn step_of(analysis: &Analysis, stage: usize, instruction: usize) -> Option<&Step> {
    analysis.step_at(crate::analysis::Location { stage, instruction })
}

/// Whether a RUN may pass a step other than a COPY or RUN: only one that sets metadata alone.
fn inert(analysis: &Analysis, stage: usize, index: usize, instruction: &Instruction) -> Result<(), String> {
    if step_of(analysis, stage, index).is_some_and(Step::metadata_only) {
        return Ok(());
    }
    Err(match instruction {
        Instruction::Env(_) | Instruction::Arg(_) => {
            format!("{} changes the environment the RUN runs with", instruction.keyword())
        }
        Instruction::User(_) => "USER changes the user the RUN runs as".to_string(),
        Instruction::Workdir(_) => "WORKDIR changes the directory the RUN runs in, and creates it".to_string(),
        Instruction::Shell(_) => "SHELL changes the shell the RUN runs in".to_string(),
        Instruction::Volume(_) => {
            "the classic builder discards what a RUN writes under a VOLUME declared before it".to_string()
        }
        Instruction::Add(_) => "ADD may unpack archives or fetch files, which the pass does not follow".to_string(),
        Instruction::Comment(_) => "a comment sits between them and may be about either".to_string(),
        other => format!("the pass does not know what {} does to a RUN", other.keyword()),
    })
}

/// The absolute paths a COPY writes, or why a RUN cannot pass it.
fn copy_writes(copy: &Copy, step: &Step, kind: &str) -> Result<Vec<String>, String> {
    if named_owner(copy) {
        return Err(format!("the copy's --chown names a user, and {kind} must not change whether it exists"));
    }
    if step.writes.any_path || step.writes.paths.iter().any(|w| w.contains('$')) {
        return Err(unknown_writes());
    }
    Ok(step.writes.paths.iter().map(|p| paths::absolute(p)).collect())
}

fn unknown_writes() -> String {
    "the pass cannot tell which paths the copy writes".to_string()
}

/// Whether a RUN has no flags (mounts, network, security).
fn plain(run: &Run) -> bool {
    run.mounts.is_empty() && run.network.is_none() && run.security.is_none()
}

/// The facts of a RUN step when it does only `activity`, with its write set.
fn doing(step: &Step, activity: Activity) -> Option<(Vec<String>, &RunFacts)> {
    let facts = step.run.as_ref()?;
    if facts.activity != Some(activity) {
        return None;
    }
    Some((facts.writes.all()?, facts))
}

/// The absolute paths a movable RUN touches (directory setup without flags, from analysis), or
/// `None` if it is not movable.
pub(super) fn run_paths(run: &Run, step: &Step) -> Option<Vec<String>> {
    if !plain(run) {
        return None;
    }
    let (paths, _) = doing(step, Activity::Directories)?;
    (!paths.is_empty()).then_some(paths)
}

/// The longest common ancestor directory of two absolute paths.
fn common_ancestor(a: &str, b: &str) -> String {
    let common: Vec<&str> =
        a.split('/').zip(b.split('/')).take_while(|(x, y)| x == y).map(|(x, _)| x).filter(|p| !p.is_empty()).collect();
    format!("/{}", common.join("/"))
}

fn named_owner(copy: &Copy) -> bool {
    copy.chown.as_ref().is_some_and(|c| {
        !c.as_str().split(':').all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// The paths an account-creating RUN may touch (the user database directories first), or `None` if it
/// does anything else or has flags.
pub(super) fn account_footprint(run: &Run, step: &Step) -> Option<Vec<String>> {
    if !plain(run) {
        return None;
    }
    let (_, facts) = doing(step, Activity::Accounts)?;
    let RunWrites::Paths { paths, inside } = &facts.writes else { return None };
    Some(inside.iter().chain(paths).cloned().collect())
}

/// The paths a RUN that only makes or fills a virtual environment at an absolute path touches: pip's
/// cache, the environment, and what it names. Cache mounts (from no stage) are allowed, a security
/// mode is not.
pub(super) fn venv_footprint(run: &Run, step: &Step) -> Option<Vec<String>> {
    if !run.mounts.iter().all(|m| matches!(m, crate::model::Mount::Cache { from: None, .. })) || run.security.is_some()
    {
        return None;
    }
    let (mut paths, _) = doing(step, Activity::VirtualEnv)?;
    if !paths.iter().any(|p| p == "/root/.cache/pip") {
        paths.insert(0, "/root/.cache/pip".to_string());
    }
    Some(paths)
}

/// Variables that change what `mkdir`, `chown`, `chmod`, `ln` or `touch` do (which binary runs, what
/// it loads, how the shell reads the script).
pub(super) fn sensitive(name: &str) -> bool {
    matches!(name, "PATH" | "IFS" | "ENV" | "BASH_ENV" | "POSIXLY_CORRECT" | "TMPDIR") || name.starts_with("LD_")
}
