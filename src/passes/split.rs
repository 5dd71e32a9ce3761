//! [`Pass::SplitContextCopy`](super::Pass::SplitContextCopy): `COPY . <dir>` (or `COPY <src>/ <dir>`)
//! followed by dependency installs becomes `COPY <manifests> <dir>/...`, the installs, then the
//! original copy.
//!
//! The rule (conservative; every condition must hold, else nothing moves):
//!
//! - The COPY reads the context root (`.`) or one directory of the context (`backend/`, whose contents
//!   it copies; manifests are then looked up inside it), has no `--from`, `--exclude` or `--parents`, and its
//!   destination `<dir>` resolves to a known absolute directory that is not `/` and does not overlap a
//!   system directory (`/usr`, `/etc`, `/var`, `/lib*`, `/bin`, `/sbin`, `/opt`, `/root`, `/go`, `/tmp`,
//!   `/home`, `/run`, `/dev`, `/proc`, `/sys`), where package managers write.
//! - The instructions moved before the rest of the copy are the ones right after it, up to and including
//!   the last RUN that passes these checks; they are RUNs without mounts other than cache and tmpfs, `ENV`, `ARG`,
//!   comments, or steps that only set image metadata (`EXPOSE`, `LABEL`, `CMD`, `ENTRYPOINT`,
//!   `HEALTHCHECK`, `STOPSIGNAL`, `ONBUILD`: `Step::metadata_only`). Each RUN is shell form with the default shell, has a known working directory,
//!   and is a plain list of simple commands (`import::shell::Script::simple_list`, read once by analysis) from a known set of tools whose implicit reads are
//!   manifests: package managers installing named packages (`apt-get`, `apk`, `dnf`, `microdnf`, `yum`),
//!   `pip install` without `-e`, `python -m venv|pip`, `npm ci`, `yarn install --frozen-lockfile|--immutable`,
//!   `pnpm install --frozen-lockfile`, `go mod download`, `poetry install --no-root`,
//!   `uv sync --no-install-project`, and `mkdir`, `chown`, `chmod`, `ln`, `rm`, `touch`, `useradd`,
//!   `groupadd`, `adduser`, `addgroup`, `true`, `set`.
//!   Cargo is not on the list: `cargo fetch` needs the crate's sources to exist.
//! - Every word that names a path (contains `/`, or is a top-level name in the context) is an absolute
//!   path outside `<dir>`, or resolves inside `<dir>` to a manifest: a context file matching
//!   [`Config::manifests`](super::Config::manifests) or named explicitly (`-r deps.txt`,
//!   `--find-links wheels/`); a named file missing from the context stops the pass.
//! - What the tools write implicitly inside `<dir>` (`node_modules/`, `.venv/`) is absent from the
//!   context, so the later full copy cannot overwrite it.
//! - When the COPY has `--chown` by name, no moved RUN creates accounts (the copy needs the user to exist
//!   where it was written, so the build result must not change from failure to success).
//! - At least one moved RUN is a dependency install, and (unless
//!   [`Config::manifests_self_contained`](super::Config::manifests_self_contained)) none of them reads a
//!   manifest.
//!
//! The manifests copied are the files named explicitly plus those matching the patterns of
//! [`Config::manifests`](super::Config::manifests) that belong to the tools used (pip: requirements and
//! constraints files; npm, yarn, pnpm: `package.json`, their lockfile and rc files; Go: `go.mod`,
//! `go.sum`, `vendor/`; poetry and uv: `pyproject.toml` and their lockfile).
//! The manifest copies go right before the first moved RUN that reads a manifest (the RUNs before it
//! touch nothing in `<dir>`). Then the installs see the same manifest files (copied with the same `--chown`, `--chmod` and
//! `--link`), write nothing the full copy overwrites, and the full copy writes the same files last:
//! the final filesystem is unchanged. After the split the full copy is followed by no movable install,
//! so the pass does not fire again.

use std::collections::BTreeMap;

use super::paths;
use super::{Change, Config, Declined, Pass, at};
use crate::analysis::{Analysis, ContextRead, CostWeights, StepKind};
use crate::import::shell::ShellCommand;
use crate::model::{Copy, Dockerfile, Instruction, Line, Mount, Source};

const SYSTEM: &[&str] = &[
    "/usr", "/etc", "/var", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin", "/opt", "/root", "/go", "/tmp",
    "/home", "/run", "/dev", "/proc", "/sys",
];

const PIP: &[&str] = &["requirements*.txt", "constraints*.txt"];
const NPM: &[&str] = &["package.json", "package-lock.json", "npm-shrinkwrap.json", ".npmrc"];
const YARN: &[&str] = &["package.json", "yarn.lock", ".npmrc", ".yarnrc.yml"];
const PNPM: &[&str] = &["package.json", "pnpm-lock.yaml", ".npmrc"];
const GO: &[&str] = &["go.mod", "go.sum", "vendor/"];
const POETRY: &[&str] = &["pyproject.toml", "poetry.lock"];
const UV: &[&str] = &["pyproject.toml", "uv.lock"];

pub(crate) fn run(dockerfile: &mut Dockerfile, analysis: &Analysis, config: &Config) -> Vec<Change> {
    for (stage_index, info) in analysis.stages().iter().enumerate() {
        let stage = &dockerfile.stages[stage_index];
        for (index, instruction) in stage.instructions.iter().enumerate() {
            let Instruction::Copy(copy) = instruction else { continue };
            let Ok(plan) = plan(dockerfile, analysis, info.steps.as_slice(), stage_index, index, copy, config) else {
                continue;
            };
            let runs: Vec<String> = (index + 1..=index + plan.moved)
                .filter_map(|i| analysis.step_at(at(stage_index, i)))
                .filter(|step| step.kind == crate::analysis::StepKind::Run)
                .map(|step| format!("`{}`", step.label.instruction))
                .collect();
            let (runs, them) = (super::listed(&runs), if runs.len() == 1 { "it" } else { "them" });
            let reason = if plan.manifests.is_empty() {
                format!(
                    "moved {runs} before the copy, which writes nothing {} read{}, so a source edit does not rerun \
                     {them}",
                    if them == "it" { "it" } else { "they" },
                    if them == "it" { "s" } else { "" }
                )
            } else {
                format!(
                    "{} copied first, then {runs} before the full copy, so a source edit does not rerun {them}",
                    plan.manifests.join(", ")
                )
            };
            let stage = &mut dockerfile.stages[stage_index];
            let full = stage.instructions.remove(index);
            let moved: Vec<Instruction> = stage.instructions.drain(index..index + plan.moved).collect();
            let mut replacement: Vec<Instruction> = moved[..plan.first_reader].to_vec();
            replacement.extend(plan.copies);
            replacement.extend_from_slice(&moved[plan.first_reader..]);
            replacement.push(full);
            stage.instructions.splice(index..index, replacement);
            return vec![Change::new(Pass::SplitContextCopy, analysis, at(stage_index, index), reason)];
        }
    }
    Vec::new()
}

/// The context COPYs followed by a dependency install that the pass does not split, and why: the step
/// that cannot move before the copy (kept after it), or the copy itself when no single step is to blame.
pub(crate) fn declined(dockerfile: &Dockerfile, analysis: &Analysis, config: &Config) -> Vec<Declined> {
    let weights = CostWeights::default();
    let mut out = Vec::new();
    for (stage_index, info) in analysis.stages().iter().enumerate() {
        for (index, instruction) in dockerfile.stages[stage_index].instructions.iter().enumerate() {
            let Instruction::Copy(copy) = instruction else { continue };
            let installs_after = info.steps.iter().map(|&s| &analysis.steps()[s]).any(|step| {
                step.location.instruction > index
                    && step.kind == StepKind::Run
                    && weights.weight(step) == weights.install
            });
            if !installs_after {
                continue;
            }
            let Err(Refusal::Declined { blocker, reason }) =
                plan(dockerfile, analysis, info.steps.as_slice(), stage_index, index, copy, config)
            else {
                continue;
            };
            // A step that cannot move before the copy is kept after it; otherwise the copy stays whole.
            let copy_at = at(stage_index, index);
            let (location, blocker) = match blocker {
                Some(step) => (at(stage_index, step), Some(super::label(analysis, copy_at))),
                None => (copy_at, None),
            };
            let step = super::instruction_label(dockerfile, analysis, location);
            out.push(Declined { pass: Pass::SplitContextCopy, location, step, blocker, reason });
        }
    }
    out
}

/// Why a COPY is not split.
enum Refusal {
    /// It is not a copy the pass splits, or no install follows it: nothing to report.
    NotCandidate,
    /// It is, and this stopped it.
    Declined {
        /// The instruction that cannot move before the copy, if one.
        blocker: Option<usize>,
        reason: String,
    },
}

struct Plan {
    /// The manifest COPYs to insert.
    copies: Vec<Instruction>,
    /// Manifest paths, for the reason.
    manifests: Vec<String>,
    /// How many instructions after the COPY move before it.
    moved: usize,
    /// Where among the moved instructions the manifest copies go.
    first_reader: usize,
}

fn plan(
    dockerfile: &Dockerfile,
    analysis: &Analysis,
    steps: &[usize],
    stage_index: usize,
    index: usize,
    copy: &Copy,
    config: &Config,
) -> Result<Plan, Refusal> {
    if copy.from.is_some() || !copy.excludes.is_empty() || copy.parents || copy.sources.len() != 1 {
        return Err(Refusal::NotCandidate);
    }
    // The copied directory: the context root, or a directory of the context (its contents are copied).
    let Source::Path(source) = &copy.sources[0] else { return Err(Refusal::NotCandidate) };
    let prefix = paths::clean(source.as_str());
    // A pattern or an escape names directories by match, not by this text.
    if prefix.contains(['*', '?', '[', '\\', '$']) {
        return Err(Refusal::NotCandidate);
    }
    let all: Vec<String> = config.context_files.iter().map(|f| paths::clean(f)).collect();
    let context: Vec<String> = if prefix.is_empty() {
        all
    } else {
        if all.contains(&prefix) {
            return Err(Refusal::NotCandidate);
        }
        all.iter().filter_map(|f| f.strip_prefix(&format!("{prefix}/")).map(str::to_string)).collect()
    };
    if !prefix.is_empty() && context.is_empty() {
        return Err(Refusal::NotCandidate);
    }
    let step_of = |instruction: usize| {
        steps.iter().map(|&s| &analysis.steps()[s]).find(|s| s.location.instruction == instruction)
    };
    let copy_step = step_of(index).ok_or(Refusal::NotCandidate)?;
    let dest = copy_step.writes.paths.first().ok_or(Refusal::NotCandidate)?.clone();
    if dest.contains('$') || dest == "/" || SYSTEM.iter().any(|system| paths::overlaps(&dest, system)) {
        return Err(Refusal::NotCandidate);
    }
    let root = ContextRead { pattern: ".".into(), excludes: Vec::new() };
    let mut needed: Vec<String> = Vec::new();
    let mut reads_manifest = false;
    let mut creates_accounts = false;
    let mut ecosystems: Vec<&'static [&'static str]> = Vec::new();
    let mut moved = 0;
    let mut moved_installs = 0;
    let mut pending = 0;
    // The first moved instruction that reads a manifest: the manifest copies go right before it.
    let mut first_reader: Option<usize> = None;
    // The instruction that ended the scan, and why it cannot move before the copy.
    let mut stopped: Option<(usize, String)> = None;
    let instructions = &dockerfile.stages[stage_index].instructions;
    for (offset, instruction) in instructions[index + 1..].iter().enumerate() {
        let position = index + 1 + offset;
        match instruction {
            Instruction::Env(_) | Instruction::Arg(_) | Instruction::Comment(_) => {
                pending += 1;
                continue;
            }
            // Metadata (EXPOSE, LABEL, CMD, ...) is read by no step, so it may go before the copy too.
            _ if step_of(position).is_some_and(crate::analysis::Step::metadata_only) => {
                pending += 1;
                continue;
            }
            // Cache and tmpfs mounts read nothing from the context.
            Instruction::Run(run)
                if run.mounts.iter().all(|m| matches!(m, Mount::Cache { from: None, .. } | Mount::Tmpfs { .. })) =>
            {
                let step = step_of(position).ok_or(Refusal::NotCandidate)?;
                let default_shell = step
                    .key
                    .as_ref()
                    .and_then(|key| key.command.as_deref())
                    .is_some_and(|command| command.starts_with(r#"["/bin/sh","-c","#));
                let workdir = step.reads.workdir.clone().filter(|w| !w.contains('$'));
                let script = step.run.as_ref().map(|facts| &facts.script);
                let verdict = match (script.map(|s| s.simple_list().ok_or(s)), default_shell, workdir) {
                    (_, false, _) => Err("the RUN uses another shell".to_string()),
                    (_, _, None) => Err("the RUN's working directory is not known".to_string()),
                    (None, ..) => Err("the RUN is not a shell command".to_string()),
                    (Some(Err(script)), ..) => {
                        Err(format!("the RUN is not a list of simple commands: it has {}", super::not_simple(script)))
                    }
                    (Some(Ok(commands)), true, Some(workdir)) => {
                        classify(commands, &workdir, &dest, &context, config).map(|verdict| (verdict, commands))
                    }
                };
                let (verdict, commands) = match verdict {
                    Ok(found) => found,
                    Err(reason) => {
                        stopped = Some((position, reason));
                        break;
                    }
                };
                creates_accounts |=
                    commands.iter().any(|c| matches!(c.tool(), Some("useradd" | "adduser" | "groupadd" | "addgroup")));
                if verdict.reads_manifest && first_reader.is_none() {
                    first_reader = Some(pending);
                }
                pending += 1;
                reads_manifest |= verdict.reads_manifest;
                needed.extend(verdict.needs);
                ecosystems.extend(verdict.ecosystems);
                moved = pending;
                moved_installs += usize::from(verdict.install);
            }
            Instruction::Run(_) => {
                stopped = Some((position, "the RUN mounts files from the context or another stage".to_string()));
                break;
            }
            // Another copy: the installs after it belong to that copy's split, if any.
            Instruction::Copy(_) | Instruction::Add(_) => break,
            other => {
                let reason = format!("{} may change what the RUNs after it do", other.keyword());
                stopped = Some((position, reason));
                break;
            }
        }
    }
    if moved_installs == 0 {
        return Err(match stopped {
            Some((blocker, reason)) => Refusal::Declined { blocker: Some(blocker), reason },
            None => Refusal::NotCandidate,
        });
    }
    if reads_manifest && !config.manifests_self_contained {
        let reason = "the installs read dependency manifests, which may name other files \
                      (Config::manifests_self_contained is off)";
        return Err(Refusal::Declined { blocker: None, reason: reason.to_string() });
    }
    // `--chown` by name needs the user to exist: do not move account creation before the copy.
    let named_owner =
        copy.chown.as_ref().is_some_and(|c| c.as_str().split(':').any(|p| !p.bytes().all(|b| b.is_ascii_digit())));
    if named_owner && creates_accounts {
        let reason = "the copy's --chown names a user and a RUN to move creates accounts: moving it first could \
                      make a failing build succeed";
        return Err(Refusal::Declined { blocker: None, reason: reason.to_string() });
    }
    // Every explicitly named file must exist; then add every manifest present at the copied root.
    let mut files: Vec<String> = Vec::new();
    for name in &needed {
        let present: Vec<&String> =
            context.iter().filter(|f| *f == name || f.starts_with(&format!("{name}/"))).collect();
        if present.is_empty() {
            let reason = format!("a RUN names {name}, which is not among the context files");
            return Err(Refusal::Declined { blocker: None, reason });
        }
        files.push(name.clone());
    }
    if reads_manifest {
        let wanted = |pattern: &String| ecosystems.iter().any(|e| e.contains(&pattern.as_str()));
        for pattern in config.manifests.iter().filter(|p| wanted(p)) {
            let read = ContextRead { pattern: pattern.clone(), excludes: Vec::new() };
            for file in context.iter().filter(|f| read.covers(f, &[]) && root.covers(f, &[])) {
                let entry = if pattern.ends_with('/') { paths::clean(pattern) } else { file.clone() };
                if !files.contains(&entry) {
                    files.push(entry);
                }
            }
        }
    }
    files.sort();
    files.dedup();
    // Group by parent directory: one COPY per directory; a directory manifest gets its own COPY.
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut dirs = Vec::new();
    let base = {
        let written = copy.dest.as_str();
        if written.ends_with('/') { written.to_string() } else { format!("{written}/") }
    };
    let is_dir = |name: &String| context.iter().any(|f| f.starts_with(&format!("{name}/")));
    // Sources are context paths: the copied directory's name, then the manifest's path inside it.
    let in_context = |name: &str| if prefix.is_empty() { name.to_string() } else { format!("{prefix}/{name}") };
    for file in &files {
        if is_dir(file) {
            dirs.push(
                manifest_copy(copy, vec![format!("{}/", in_context(file))], &format!("{base}{file}/"))
                    .ok_or(Refusal::NotCandidate)?,
            );
        } else {
            let parent = file.rsplit_once('/').map_or(String::new(), |(parent, _)| parent.to_string());
            groups.entry(parent).or_default().push(in_context(file));
        }
    }
    let mut copies = Vec::new();
    for (parent, names) in groups {
        let dest = if parent.is_empty() { base.clone() } else { format!("{base}{parent}/") };
        copies.push(manifest_copy(copy, names, &dest).ok_or(Refusal::NotCandidate)?);
    }
    copies.extend(dirs);
    let manifests = files.iter().map(|file| in_context(file)).collect();
    Ok(Plan { copies, manifests, moved, first_reader: first_reader.unwrap_or(0) })
}

fn manifest_copy(template: &Copy, sources: Vec<String>, dest: &str) -> Option<Instruction> {
    let mut copy = template.clone();
    copy.sources = sources.iter().map(|s| Source::literal(s).ok()).collect::<Option<_>>()?;
    copy.dest = Line::new(dest).ok()?;
    Some(Instruction::Copy(copy))
}

struct Verdict {
    install: bool,
    /// The manifest patterns of the tools used.
    ecosystems: Vec<&'static [&'static str]>,
    reads_manifest: bool,
    /// Context paths named explicitly (relative to the copied root).
    needs: Vec<String>,
}

/// Whether a RUN's simple commands may run before the full copy; why not when not provably.
fn classify(
    commands: &[ShellCommand],
    workdir: &str,
    dest: &str,
    context: &[String],
    config: &Config,
) -> Result<Verdict, String> {
    let mut verdict = Verdict { install: false, ecosystems: Vec::new(), reads_manifest: false, needs: Vec::new() };
    let in_context = |relative: &str| context.iter().any(|f| f == relative || f.starts_with(&format!("{relative}/")));
    for command in commands {
        let args: Vec<&str> = command.args().collect();
        let tool = command.tool().unwrap_or_default();
        let sub = args.iter().find(|a| !a.starts_with('-')).copied().unwrap_or_default();
        let has = |flag: &str| args.iter().any(|a| *a == flag || a.starts_with(&format!("{flag}=")));
        // (install, implicit manifest read, implicit writes inside the working directory)
        let ecosystem: &'static [&'static str] = match tool {
            tool if paths::is_pip(tool) || paths::is_python(tool) => PIP,
            "npm" => NPM,
            "yarn" => YARN,
            "pnpm" => PNPM,
            "go" => GO,
            "poetry" => POETRY,
            "uv" => UV,
            _ => &[],
        };
        verdict.ecosystems.push(ecosystem);
        let (install, implicit, writes): (bool, bool, &[&str]) = match tool {
            "apt-get" | "apt" | "dnf" | "microdnf" | "yum" => {
                match sub {
                    "update" | "install" | "upgrade" | "dist-upgrade" | "clean" | "autoremove" | "remove" | "purge"
                    | "makecache" => {}
                    _ => return Err(format!("`{} {sub}` is not a package operation the split knows", tool)),
                }
                (matches!(sub, "install" | "upgrade" | "dist-upgrade"), false, &[])
            }
            "apk" => {
                if !matches!(sub, "add" | "update" | "upgrade" | "del") {
                    return Err(format!("`apk {sub}` is not a package operation the split knows"));
                }
                (matches!(sub, "add" | "upgrade"), false, &[])
            }
            tool if paths::is_pip(tool) => {
                if sub != "install" || has("-e") || has("--editable") {
                    return Err(if sub == "install" {
                        "`pip install -e` installs the project itself, which reads every source".to_string()
                    } else {
                        format!("`pip {sub}` is not an install the split knows")
                    });
                }
                (true, false, &[])
            }
            tool if paths::is_python(tool) => match args.as_slice() {
                ["-m", "venv", ..] => (false, false, &[]),
                ["-m", "pip", "install", rest @ ..]
                    if !rest.iter().any(|a| a.starts_with("-e") || *a == "--editable") =>
                {
                    (true, false, &[])
                }
                _ => return Err(format!("`{}` may read any file of the project", tool)),
            },
            "npm" if sub == "ci" => (true, true, &["node_modules"]),
            "yarn" if sub == "install" && (has("--frozen-lockfile") || has("--immutable")) => {
                (true, true, &["node_modules", ".yarn"])
            }
            "pnpm" if sub == "install" && has("--frozen-lockfile") => (true, true, &["node_modules"]),
            "go" if args.first() == Some(&"mod") && args.get(1) == Some(&"download") => (true, true, &[]),
            "poetry" if sub == "install" && has("--no-root") => (true, true, &[".venv"]),
            "uv" if sub == "sync" && has("--no-install-project") => (true, true, &[".venv"]),
            "mkdir" | "chown" | "chmod" | "ln" | "rm" | "touch" | "useradd" | "groupadd" | "adduser" | "addgroup"
            | "true" | "set" => (false, false, &[]),
            _ => {
                let words = format!("{} {sub}", tool);
                return Err(format!("`{}` may read files other than dependency manifests", words.trim_end()));
            }
        };
        // Package managers and npm-like tools with positional packages would edit the manifests.
        if implicit && args.iter().filter(|a| !a.starts_with('-')).count() > 1 + usize::from(tool == "go") {
            return Err(format!("`{}` with package names edits the manifests", tool));
        }
        if implicit {
            if workdir != dest {
                return Err(format!(
                    "`{}` reads its manifests from {workdir}, not from the copied directory {dest}",
                    tool
                ));
            }
            verdict.reads_manifest = true;
        }
        for written in writes {
            if in_context(written) {
                return Err(format!(
                    "`{}` writes {written}/, which the context also holds, so the full copy would replace it",
                    tool
                ));
            }
        }
        verdict.install |= install;
        // Every path-like word: flags carry theirs after `=`.
        for arg in &args {
            let word = if arg.starts_with('-') {
                match arg.split_once('=') {
                    Some((_, value)) => value,
                    None => continue,
                }
            } else {
                arg
            };
            let resolved = crate::analysis::resolve_path(workdir, word);
            let relative_to_dest =
                if paths::within(&resolved, dest) { Some(paths::clean(&resolved[dest.len()..])) } else { None };
            let looks_like_path = word.contains('/')
                || word.starts_with('.')
                || in_context(&paths::clean(word))
                || is_manifest_argument(&args, arg);
            if !looks_like_path {
                continue;
            }
            match relative_to_dest {
                None if word.starts_with('/') => {}
                None => return Err(format!("`{word}` is a relative path outside the copied directory")),
                Some(relative) => {
                    if relative.is_empty() {
                        return Err(format!(
                            "`{word}` is the copied directory itself, so the RUN reads every file of it"
                        ));
                    }
                    if relative.contains(['*', '?', '[']) {
                        return Err(format!("`{word}` is a pattern, which may match any file of the copied directory"));
                    }
                    let manifest = config
                        .manifests
                        .iter()
                        .any(|m| ContextRead { pattern: m.clone(), excludes: Vec::new() }.covers(&relative, &[]));
                    if !manifest && !is_manifest_argument(&args, arg) {
                        return Err(format!(
                            "`{word}` is inside the copied directory but is not a dependency manifest"
                        ));
                    }
                    verdict.reads_manifest = true;
                    verdict.needs.push(relative);
                }
            }
        }
    }
    Ok(verdict)
}

/// Whether `arg` is the value of a pip option that names a requirements, constraints or wheel location.
fn is_manifest_argument(args: &[&str], arg: &str) -> bool {
    const OPTIONS: &[&str] = &["-r", "--requirement", "-c", "--constraint", "-f", "--find-links"];
    if let Some((flag, _)) = arg.split_once('=') {
        return OPTIONS.contains(&flag);
    }
    args.windows(2).any(|pair| pair[1] == arg && OPTIONS.contains(&pair[0]))
}
