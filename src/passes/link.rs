//! [`Pass::Link`](super::Pass::Link): `COPY` becomes `COPY --link` where that provably builds the same
//! files.
//!
//! `COPY --link` copies into an empty layer and lays it over the stage (Dockerfile reference, "Benefits
//! of using --link"), which differs from a plain COPY in two ways: it does not follow a symlink on the
//! destination path, and the layer carries every parent directory of the destination as a fresh
//! `0755 root:root` directory, which replaces the mode and owner of a directory already there
//! (moby/buildkit#3912, #4964; with `--chown` the parents take that owner instead). So the pass adds
//! `--link` only when, just before the COPY:
//!
//! - the COPY has no `--chown`, `--chmod`, `--parents` or heredoc source, and its destination resolves
//!   to a known absolute path (no variables);
//! - what it creates does not exist: `<dest>/<name>` for a context file (one of
//!   [`Config::context_files`](super::Config::context_files)) copied into a directory, else the
//!   destination itself (a directory's contents or a wildcard's matches land under it by names the
//!   pass cannot know, and a file copied onto an existing directory lands inside it);
//! - every directory above that either does not exist or is a real `0755 root:root` directory.
//!
//! What exists is followed from the stage's base image through every earlier instruction of its chain
//! of stages ([`State`]). Base images are known only for the official `python`, `debian`, `ubuntu` and
//! `alpine` images, Red Hat UBI and `scratch`: their top-level directories are the usual ones (`/opt`,
//! `/srv` and `/mnt` empty; `/etc`, `/home`, `/usr`, `/usr/local/{bin,lib,share}`, `/usr/share`,
//! `/var`, `/var/lib` plain), and nothing else exists at the top level. Any other base leaves every
//! path unknown, and the pass adds nothing. Earlier instructions: `WORKDIR` as root creates plain
//! directories; a COPY or ADD makes its destination unknown (and creates plain parents without
//! `--chown`/`--chmod`); a RUN as root that only creates accounts, makes or fills a virtual
//! environment, or runs `mkdir`/`chown`/`chmod`/`ln`/`touch` on literal paths makes those paths unknown
//! (accounts: their home and files inside `/etc`, `/home` and the mail spools); any other RUN, a RUN as
//! another user or with `PATH`-like variables in scope, `ONBUILD` and raw instructions make everything
//! unknown.

use super::reorder::{account_footprint, run_paths, sensitive, venv_footprint};
use super::{Change, Config, Pass, at, paths};
use crate::analysis::{Analysis, StageBase, Step};
use crate::model::{Copy, Dockerfile, Instruction, Source};

/// What is known of one path at one point of a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Nothing is there.
    Absent,
    /// A real directory, mode `0755`, owned by `root:root`.
    Plain,
    /// Anything, as far as the pass can tell.
    Unknown,
}

/// What an earlier instruction did, as far as the states of paths go.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Event {
    /// Created missing directories down to this path: plain when `plain`, else unknown.
    Create { path: String, plain: bool },
    /// Wrote this path (and below) with unknown attributes; missing parents were created, plain when
    /// `plain_parents`.
    Write { path: String, plain_parents: bool },
    /// Changed what is strictly inside this directory (not the directory itself).
    Inside { path: String },
    /// Anything may have happened anywhere.
    Opaque,
}

impl Event {
    fn apply(&self, path: &str, state: State) -> State {
        match self {
            Event::Create { path: made, plain } => {
                if state == State::Absent && paths::within(made, path) {
                    if *plain { State::Plain } else { State::Unknown }
                } else {
                    state
                }
            }
            Event::Write { path: written, plain_parents } => {
                if paths::within(path, written) {
                    State::Unknown
                } else if state == State::Absent && paths::within(written, path) {
                    if *plain_parents { State::Plain } else { State::Unknown }
                } else {
                    state
                }
            }
            Event::Inside { path: dir } => {
                if path != dir && paths::within(path, dir) {
                    State::Unknown
                } else {
                    state
                }
            }
            Event::Opaque => State::Unknown,
        }
    }
}

/// Top-level entries of the known base images; anything else at the top level is absent.
const TOP_LEVEL: &[&str] = &[
    "afs", "bin", "boot", "dev", "etc", "home", "lib", "lib32", "lib64", "libx32", "media", "mnt", "opt", "proc",
    "root", "run", "sbin", "srv", "sys", "tmp", "usr", "var",
];

/// Empty directories of the known base images.
const EMPTY: &[&str] = &["/opt", "/srv", "/mnt"];

/// Real `0755 root:root` directories of the known base images (besides [`EMPTY`]).
const PLAIN: &[&str] = &[
    "/etc",
    "/home",
    "/usr",
    "/usr/local",
    "/usr/local/bin",
    "/usr/local/lib",
    "/usr/local/share",
    "/usr/share",
    "/var",
    "/var/lib",
];

/// The repository of an image reference, without registry (for Docker Hub), tag or digest.
fn repository(image: &str) -> &str {
    let image = image.split('@').next().unwrap_or(image);
    let last_slash = image.rfind('/').map_or(0, |i| i + 1);
    let image = match image[last_slash..].find(':') {
        Some(colon) => &image[..last_slash + colon],
        None => image,
    };
    let image = image.strip_prefix("docker.io/").or_else(|| image.strip_prefix("index.docker.io/")).unwrap_or(image);
    image.strip_prefix("library/").unwrap_or(image)
}

/// What the base image `image` has at `path`.
fn base_state(image: &str, path: &str) -> State {
    let repository = repository(image);
    if repository == "scratch" {
        return State::Absent;
    }
    let known = matches!(repository, "python" | "debian" | "ubuntu" | "alpine")
        || repository.strip_prefix("registry.access.redhat.com/").is_some_and(|r| r.starts_with("ubi"));
    if !known {
        return State::Unknown;
    }
    if path == "/" || EMPTY.contains(&path) || PLAIN.contains(&path) {
        return State::Plain;
    }
    if EMPTY.iter().any(|dir| paths::within(path, dir)) {
        return State::Absent;
    }
    let top = path.trim_start_matches('/').split('/').next().unwrap_or_default();
    if TOP_LEVEL.contains(&top) { State::Unknown } else { State::Absent }
}

/// The base image a stage's chain starts from, and the instructions before `(stage, instruction)` in
/// that chain, in build order, as events.
fn history(dockerfile: &Dockerfile, analysis: &Analysis, stage: usize, instruction: usize) -> (String, Vec<Event>) {
    let mut chain = vec![(stage, instruction)];
    let mut current = stage;
    let image = loop {
        match &analysis.stages()[current].base {
            StageBase::Image(image) => break image.clone(),
            StageBase::Stage(base) if *base < current => {
                current = *base;
                chain.push((current, dockerfile.stages[current].instructions.len()));
            }
            StageBase::Stage(_) => return (String::new(), vec![Event::Opaque]),
        }
    };
    let mut events = Vec::new();
    for &(stage, end) in chain.iter().rev() {
        let info = &analysis.stages()[stage];
        for (index, instruction) in dockerfile.stages[stage].instructions[..end].iter().enumerate() {
            let step = info.steps.iter().map(|&s| &analysis.steps()[s]).find(|s| s.location.instruction == index);
            events.extend(effects(instruction, step));
        }
    }
    (image, events)
}

fn is_root(step: &Step) -> bool {
    step.reads.user.as_deref().is_none_or(|user| {
        let user = user.split(':').next().unwrap_or_default();
        user == "root" || (!user.is_empty() && user.bytes().all(|b| b == b'0'))
    })
}

/// The events of one instruction.
fn effects(instruction: &Instruction, step: Option<&Step>) -> Vec<Event> {
    let Some(step) = step else { return vec![Event::Opaque] };
    let workdir = step.reads.workdir.clone().unwrap_or_else(|| "/".to_string());
    match instruction {
        Instruction::Workdir(_) => match step.writes.paths.as_slice() {
            [path] if !path.contains('$') => vec![Event::Create { path: paths::absolute(path), plain: is_root(step) }],
            _ => vec![Event::Opaque],
        },
        Instruction::Copy(copy) => {
            let plain_parents = copy.chown.is_none() && copy.chmod.is_none();
            write_events(&destination(&workdir, copy.dest.as_str()), plain_parents)
        }
        Instruction::Add(add) => {
            let plain_parents = add.chown.is_none() && add.chmod.is_none();
            write_events(&destination(&workdir, add.dest.as_str()), plain_parents)
        }
        Instruction::Run(run) => {
            if !is_root(step) || workdir.contains('$') || step.scope.iter().any(|var| sensitive(&var.name)) {
                return vec![Event::Opaque];
            }
            if let Some(footprint) = account_footprint(run, step) {
                // The account tools add files inside these directories; an explicit path (a home) is
                // created or changed itself.
                return footprint
                    .into_iter()
                    .map(|path| {
                        if ["/etc", "/home", "/var/mail", "/var/spool/mail"].contains(&path.as_str()) {
                            Event::Inside { path }
                        } else {
                            Event::Write { path, plain_parents: false }
                        }
                    })
                    .collect();
            }
            match venv_footprint(run, step).or_else(|| run_paths(run, step)) {
                Some(paths) => paths.into_iter().map(|path| Event::Write { path, plain_parents: false }).collect(),
                None => vec![Event::Opaque],
            }
        }
        Instruction::OnBuild(_) | Instruction::Raw(_) => vec![Event::Opaque],
        _ => Vec::new(),
    }
}

/// The absolute destination of a COPY or ADD, or `None` when it depends on a variable.
fn destination(workdir: &str, dest: &str) -> Option<String> {
    if dest.contains('$') || workdir.contains('$') {
        return None;
    }
    Some(crate::analysis::resolve_path(workdir, dest))
}

fn write_events(dest: &Option<String>, plain_parents: bool) -> Vec<Event> {
    match dest {
        Some(path) => vec![Event::Write { path: path.clone(), plain_parents }],
        None => vec![Event::Opaque],
    }
}

/// The state of `path` after `events`, starting from `image`.
fn state(image: &str, events: &[Event], path: &str) -> State {
    events.iter().fold(base_state(image, path), |state, event| event.apply(path, state))
}

/// Whether `copy` can take `--link` here (the rule is in the module docs). `files` are the context's files
/// ([`Config::context_files`](super::Config::context_files)).
fn linkable(copy: &Copy, workdir: &str, image: &str, events: &[Event], files: &[String]) -> bool {
    if copy.link || copy.chown.is_some() || copy.chmod.is_some() || copy.parents {
        return false;
    }
    let mut sources = Vec::new();
    for source in &copy.sources {
        // A heredoc source.
        let Source::Path(path) = source else { return false };
        sources.push(path.as_str());
    }
    // A destination that depends on a variable.
    let Some(dest) = destination(workdir, copy.dest.as_str()) else { return false };
    let written = copy.dest.as_str();
    let into_dir = written.ends_with('/') || written.ends_with("/.") || written == "." || sources.len() > 1;
    // What the copy creates: `dest/<name>` for a context file copied into a directory, else `dest`
    // itself (a directory's contents or a wildcard's matches land under it, by names unknown here).
    let mut created = Vec::new();
    for source in &sources {
        let cleaned = paths::clean(source);
        // A pattern (or an escape) names files by match, not by this text: only a plain name is known.
        let plain = !source.contains(['*', '?', '[', '\\']);
        let known_file = copy.from.is_none() && plain && !source.ends_with('/') && files.contains(&cleaned);
        let path = match cleaned.rsplit('/').next() {
            Some(name) if into_dir && known_file => paths::absolute(&format!("{dest}/{name}")),
            _ => dest.clone(),
        };
        if !created.contains(&path) {
            created.push(path);
        }
    }
    for path in &created {
        if path == "/" || state(image, events, path) != State::Absent {
            // It may already exist.
            return false;
        }
        let mut parent = path.as_str();
        while let Some(index) = parent.rfind('/').filter(|&index| index > 0) {
            parent = &parent[..index];
            if state(image, events, parent) == State::Unknown {
                // It may be a symlink or have another mode or owner.
                return false;
            }
        }
    }
    true
}

pub(crate) fn run(dockerfile: &mut Dockerfile, analysis: &Analysis, config: &Config) -> Vec<Change> {
    let mut changes = Vec::new();
    for (stage_index, info) in analysis.stages().iter().enumerate() {
        for &step_index in &info.steps {
            let step = &analysis.steps()[step_index];
            let index = step.location.instruction;
            let Instruction::Copy(copy) = &dockerfile.stages[stage_index].instructions[index] else { continue };
            let workdir = step.reads.workdir.clone().unwrap_or_else(|| "/".to_string());
            let (image, events) = history(dockerfile, analysis, stage_index, index);
            if !linkable(copy, &workdir, &image, &events, &config.context_files) {
                continue;
            }
            let dest = destination(&workdir, copy.dest.as_str()).unwrap_or_default();
            changes.push(Change::new(
                Pass::Link,
                analysis,
                at(stage_index, index),
                format!(
                    "{dest} does not exist yet and every directory above it is absent or a plain 0755 root \
                     directory, so the copy can be built apart from the layers before it"
                ),
            ));
        }
    }
    for change in &changes {
        if let Instruction::Copy(copy) =
            &mut dockerfile.stages[change.location.stage].instructions[change.location.instruction]
        {
            copy.link = true;
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories() {
        assert_eq!(repository("python:3.12-slim"), "python");
        assert_eq!(repository("docker.io/library/debian:bookworm-slim@sha256:ab"), "debian");
        assert_eq!(
            repository("registry.access.redhat.com/ubi9/ubi-minimal:9.4"),
            "registry.access.redhat.com/ubi9/ubi-minimal"
        );
        assert_eq!(repository("localhost:5000/python"), "localhost:5000/python");
    }

    #[test]
    fn base_states() {
        assert_eq!(base_state("python:3.12-slim", "/opt"), State::Plain);
        assert_eq!(base_state("python:3.12-slim", "/opt/venv"), State::Absent);
        assert_eq!(base_state("python:3.12-slim", "/app"), State::Absent);
        assert_eq!(base_state("python:3.12-slim", "/tmp"), State::Unknown);
        assert_eq!(base_state("python:3.12-slim", "/bin"), State::Unknown);
        assert_eq!(base_state("node:20-slim", "/opt"), State::Unknown);
        assert_eq!(base_state("scratch", "/etc"), State::Absent);
    }

    #[test]
    fn events() {
        let root = Event::Create { path: "/app/data".into(), plain: true };
        assert_eq!(root.apply("/app", State::Absent), State::Plain);
        assert_eq!(root.apply("/app", State::Unknown), State::Unknown);
        assert_eq!(root.apply("/app/data/x", State::Absent), State::Absent);
        let write = Event::Write { path: "/app".into(), plain_parents: true };
        assert_eq!(write.apply("/app/x", State::Absent), State::Unknown);
        assert_eq!(write.apply("/", State::Plain), State::Plain);
        let inside = Event::Inside { path: "/home".into() };
        assert_eq!(
            (inside.apply("/home", State::Plain), inside.apply("/home/a", State::Absent)),
            (State::Plain, State::Unknown)
        );
    }
}
