//! [`Pass::CacheMounts`](super::Pass::CacheMounts) (BuildKit only): package managers keep their
//! download and build caches in a cache mount instead of the image.
//!
//! - `pip install` → `--mount=type=cache,target=/root/.cache/pip`, and `--no-cache-dir` is dropped
//!   (with the mount, the cache is not in the image either).
//! - `npm ci` / `npm install` → `--mount=type=cache,target=/root/.npm`.
//! - `go build` → `--mount=type=cache,target=/root/.cache/go-build` (the build cache only: a module
//!   cache mount would take the downloaded modules out of the image, which later steps may need).
//!
//! Only for RUNs in shell form with the default shell, that run as root (no `USER`, or `root`/`0`), so
//! the cache sits under `/root`, with no `HOME`, `PIP_CACHE_DIR`, `npm_config_cache` or `GOCACHE`
//! variable in scope that would move it, and that have no mount at that target yet. apt is left alone:
//! a cache mount on `/var/lib/apt` would change what list cleanup removes from the image.
//! The image loses only the cache directories, which are not behaviour.

use super::paths;
use super::{Change, Pass, at};
use crate::analysis::Analysis;
use crate::model::{Command, Dockerfile, FlagValue, Instruction, Mount, ShellScript, Text};

pub(crate) fn run(dockerfile: &mut Dockerfile, analysis: &Analysis) -> Vec<Change> {
    let mut changes = Vec::new();
    for step in analysis.steps() {
        let location = step.location;
        let Some(Instruction::Run(run)) = dockerfile.stages[location.stage].instructions.get_mut(location.instruction)
        else {
            continue;
        };
        let default_shell =
            step.key.as_ref().and_then(|k| k.command.as_deref()).is_some_and(|c| c.starts_with(r#"["/bin/sh","-c","#));
        let root = step.reads.user.as_deref().is_none_or(|u| matches!(u.split(':').next(), Some("root" | "0")));
        let moved = step.scope.iter().any(|v| {
            matches!(
                v.name.as_str(),
                "HOME" | "PIP_CACHE_DIR" | "npm_config_cache" | "NPM_CONFIG_CACHE" | "GOCACHE" | "XDG_CACHE_HOME"
            )
        });
        if !default_shell || !root || moved {
            continue;
        }
        let Some(commands) = step.run.as_ref().and_then(|facts| facts.script.simple_list()) else { continue };
        let mut targets: Vec<&str> = Vec::new();
        for command in commands {
            let sub = command.args().find(|a| !a.starts_with('-'));
            let target = match (command.tool().unwrap_or_default(), sub) {
                (tool, Some("install")) if paths::is_pip(tool) => "/root/.cache/pip",
                ("npm", Some("ci" | "install")) => "/root/.npm",
                ("go", Some("build")) => "/root/.cache/go-build",
                _ => continue,
            };
            if !targets.contains(&target) {
                targets.push(target);
            }
        }
        let existing: Vec<String> = run
            .mounts
            .iter()
            .filter_map(|m| match m {
                Mount::Cache { target, .. } | Mount::Bind { target, .. } | Mount::Tmpfs { target, .. } => {
                    Some(paths::absolute(target.as_str()))
                }
                _ => None,
            })
            .collect();
        let added: Vec<&str> =
            targets.into_iter().filter(|t| !existing.iter().any(|e| paths::overlaps(e, t))).collect();
        if added.is_empty() {
            continue;
        }
        for target in &added {
            run.mounts.push(Mount::cache(FlagValue::new(*target).expect("a valid flag value")));
        }
        if added.contains(&"/root/.cache/pip") {
            drop_no_cache_dir(&mut run.command);
        }
        changes.push(Change::new(
            Pass::CacheMounts,
            analysis,
            at(location.stage, location.instruction),
            format!(
                "the package manager's cache now lives in a cache mount at {}: later builds reuse it and the \
                 image does not carry it",
                added.join(", ")
            ),
        ));
    }
    changes
}

/// Removes pip's `--no-cache-dir` word from a shell script (the mount keeps the cache out of the image).
fn drop_no_cache_dir(command: &mut Command) {
    let Command::Shell(script) = command else { return };
    let fix = |text: &Text| -> Text {
        let words: Vec<&str> = text.as_str().split(' ').collect();
        let kept: Vec<&str> = words.into_iter().filter(|w| *w != "--no-cache-dir").collect();
        Text::new(kept.join(" ")).unwrap_or_else(|_| text.clone())
    };
    match script {
        ShellScript::Text(text) => *text = fix(text),
        ShellScript::Steps(steps) | ShellScript::Script(steps) => steps.iter_mut().for_each(|s| *s = fix(s)),
    }
}
