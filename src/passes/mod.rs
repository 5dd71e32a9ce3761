//! Optimizer passes: [`Dockerfile`] → [`Dockerfile`], each behaviour-preserving and idempotent, each
//! reporting what it changed and why ([`Change`]).
//!
//! [`optimize`] computes the [`analysis`](crate::analysis) once per round, hands it to every pass, and
//! repeats the passes in a fixed order ([`Pass::ALL`]) until none changes anything (a fixed point, so
//! `optimize` twice is `optimize` once). A pass that cannot prove a rewrite safe leaves the model as it
//! is. The passes, in order:
//!
//! 1. [`Pass::SplitContextCopy`]: `COPY . <dir>` followed by dependency installs becomes a COPY of the
//!    dependency manifests, the installs, then `COPY . <dir>` (the exact rule is on [`Pass::SplitContextCopy`]).
//! 2. [`Pass::DropUnreachableStages`]: stages no build target needs are removed ([`Config::targets`]).
//! 3. [`Pass::MergeAptUpdate`]: a RUN that only runs `apt-get update` joins the `apt-get install` RUN
//!    right after it, with list cleanup; `apk update` followed by `apk add` becomes `apk add --no-cache`.
//! 4. [`Pass::CacheMounts`] (only with [`Config::buildkit`]): package-manager caches become cache mounts.
//! 5. [`Pass::MoveEarlier`]: a RUN that only makes directories or sets permissions moves before
//!    the context COPYs just before it, when their paths are disjoint; a RUN that only creates accounts
//!    moves before COPYs and virtual-environment installs that leave the user database alone. Steps
//!    that only set image metadata (`EXPOSE`, `LABEL`, `CMD`, ...) never stand in the way.
//! 6. [`Pass::Link`] (only with [`Config::link`]): a COPY whose destination does not exist yet, under
//!    directories known to be plain, becomes `COPY --link`.
//!
//! Every [`Change`] names the step it is about (`app: RUN mkdir -p /app/data`) and says why; when a
//! pass leaves a step where it is, [`declined`] says what stood in the way.
//!
//! "Behaviour" is the final filesystem and image config of every build target, and whether the build succeeds,
//! with one stated exception: package-manager caches and indexes (`/var/lib/apt/lists`, the apk index,
//! pip's, npm's and Go's build caches) are not behaviour, since removing them is the point of passes 3
//! and 4 and no program in the image reads them.
//!
//! ```
//! use dockwright::passes::{optimize, Config, Pass};
//! use dockwright::{Base, Image, Stage};
//!
//! let mut image = Image::new();
//! image.stage(
//!     Stage::new("app", Base::python("3.12").slim())
//!         .workdir("/app")
//!         .copy(["."], "./")
//!         .run("pip install -r requirements.txt")
//!         .cmd(["python", "app.py"]),
//! );
//! let mut dockerfile = image.to_model().unwrap();
//! let config = Config::default().context_files(["app.py", "requirements.txt"]);
//! let changes = optimize(&mut dockerfile, &config);
//! assert_eq!(changes[0].pass, Pass::SplitContextCopy);
//! assert_eq!(
//!     dockwright::emit(&dockerfile),
//!     "FROM python:3.12-slim AS app\nWORKDIR /app\nCOPY [\"requirements.txt\", \"./\"]\n\
//!      RUN pip install -r requirements.txt\nCOPY [\".\", \"./\"]\nCMD [\"python\", \"app.py\"]\n"
//! );
//! ```

mod apt;
mod link;
mod mounts;
mod paths;
mod reorder;
mod split;
mod unreachable;

use std::fmt;

use crate::analysis::{Analysis, Location, StepLabel, Target, analyze};
use crate::model::Dockerfile;

/// What the passes may do, and the facts they need that the model does not hold.
///
/// ```
/// use dockwright::passes::Config;
///
/// let config = Config::default();
/// assert!(!config.buildkit && !config.link && config.targets.is_empty());
/// assert!(config.manifests.iter().any(|m| m == "requirements*.txt"));
/// assert!(config.context_files.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// The engine builds with BuildKit: cache mounts are allowed ([`Pass::CacheMounts`]).
    pub buildkit: bool,
    /// `COPY --link` is allowed (BuildKit with Dockerfile frontend 1.4 or later): [`Pass::Link`] adds it
    /// where it provably builds the same files.
    pub link: bool,
    /// The build targets, by stage name: the stages the file is built with `--target` for. Every
    /// stage one of them needs is kept, and so is the last stage (what `docker build` builds without
    /// `--target`), whatever this says. Empty (the default): every named stage may be a target, so
    /// only stages without a name that the last stage does not need can go.
    pub targets: Vec<String>,
    /// Patterns (COPY source syntax, relative to the copied directory) of dependency manifests that
    /// [`Pass::SplitContextCopy`] copies before the installs; a pattern ending in `/` names a directory.
    pub manifests: Vec<String>,
    /// The paths the build context sends (after `.dockerignore`), relative to the context root, `/`
    /// separated. The core does no IO, so the caller lists them; with an empty list
    /// [`Pass::SplitContextCopy`] only fires for installs that need no manifest.
    pub context_files: Vec<String>,
    /// Assume that the manifests name no other context file: no `-e .` or local paths inside
    /// requirements files, no `replace` to a local directory in `go.mod`, no lifecycle script of the root
    /// `package.json` that reads sources. When `false`, [`Pass::SplitContextCopy`] only moves installs
    /// that read no manifest at all (system packages).
    pub manifests_self_contained: bool,
    /// Passes to skip.
    pub disabled: Vec<Pass>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            buildkit: false,
            link: false,
            targets: Vec::new(),
            manifests: DEFAULT_MANIFESTS.iter().map(|m| m.to_string()).collect(),
            context_files: Vec::new(),
            manifests_self_contained: true,
            disabled: Vec::new(),
        }
    }
}

/// The manifest patterns [`Config::default`] uses.
///
/// ```
/// assert!(dockwright::passes::DEFAULT_MANIFESTS.contains(&"go.sum"));
/// ```
pub const DEFAULT_MANIFESTS: &[&str] = &[
    "requirements*.txt",
    "constraints*.txt",
    "pyproject.toml",
    "poetry.lock",
    "uv.lock",
    "go.mod",
    "go.sum",
    "vendor/",
    "wheels/",
    "package.json",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    ".npmrc",
    ".yarnrc.yml",
    "Cargo.toml",
    "Cargo.lock",
];

impl Config {
    /// Sets the context's file list.
    ///
    /// ```
    /// use dockwright::passes::Config;
    ///
    /// assert_eq!(Config::default().context_files(["a.py"]).context_files, ["a.py"]);
    /// ```
    #[must_use]
    pub fn context_files<I, S>(mut self, files: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.context_files = files.into_iter().map(Into::into).collect();
        self
    }

    /// Turns BuildKit features on or off: cache mounts and `COPY --link` together.
    ///
    /// ```
    /// use dockwright::passes::Config;
    ///
    /// let config = Config::default().buildkit(true);
    /// assert!(config.buildkit && config.link);
    /// ```
    #[must_use]
    pub fn buildkit(mut self, on: bool) -> Self {
        self.buildkit = on;
        self.link = on;
        self
    }

    /// Allows or forbids `COPY --link` alone ([`Pass::Link`]).
    ///
    /// ```
    /// use dockwright::passes::Config;
    ///
    /// let config = Config::default().link(true);
    /// assert!(config.link && !config.buildkit);
    /// ```
    #[must_use]
    pub fn link(mut self, on: bool) -> Self {
        self.link = on;
        self
    }

    /// Sets the build targets ([`Config::targets`]).
    ///
    /// ```
    /// use dockwright::passes::Config;
    ///
    /// assert_eq!(Config::default().targets(["dev", "prod"]).targets, ["dev", "prod"]);
    /// ```
    #[must_use]
    pub fn targets<I, S>(mut self, stages: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.targets = stages.into_iter().map(Into::into).collect();
        self
    }

    /// The build targets the passes keep: [`Config::targets`] (or every stage `--target` can name when
    /// it is empty), then the default target.
    fn build_targets(&self, analysis: &Analysis) -> Vec<Target> {
        let mut targets: Vec<Target> = if self.targets.is_empty() {
            analysis.targets()
        } else {
            self.targets.iter().map(|name| Target::stage(name.as_str())).collect()
        };
        if !targets.contains(&Target::Default) {
            targets.push(Target::Default);
        }
        targets
    }

    /// Skips a pass.
    ///
    /// ```
    /// use dockwright::passes::{Config, Pass};
    ///
    /// assert_eq!(Config::default().disable(Pass::MoveEarlier).disabled, [Pass::MoveEarlier]);
    /// ```
    #[must_use]
    pub fn disable(mut self, pass: Pass) -> Self {
        self.disabled.push(pass);
        self
    }

    fn enabled(&self, pass: Pass) -> bool {
        !self.disabled.contains(&pass)
            && match pass {
                Pass::CacheMounts => self.buildkit,
                Pass::Link => self.link,
                _ => true,
            }
    }
}

/// One optimizer pass.
///
/// ```
/// use dockwright::passes::Pass;
///
/// assert_eq!(Pass::ALL[0], Pass::SplitContextCopy);
/// assert_eq!(Pass::MergeAptUpdate.to_string(), "merge-apt-update");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Pass {
    /// Split `COPY . <dir>` (or `COPY <src>/ <dir>`) into manifests, installs, rest.
    ///
    /// The rule: the COPY reads the context root, or one directory of the context whose contents it
    /// copies (manifests are then looked up inside that directory), with no `--from`, `--exclude` or
    /// `--parents`, into a
    /// known directory outside the system directories (`/usr`, `/etc`, `/var`, `/opt`, `/root`, `/go`,
    /// `/tmp`, `/home`, ...). The instructions moved before the rest of the copy are those right after it
    /// up to the last RUN that passes these checks, and at least one is a dependency install: RUNs without
    /// context or stage mounts (shell form, default shell, known working
    /// directory, a plain list of simple commands as `import::shell` reads them: no expansions, pipes or redirections), `ENV`, `ARG`,
    /// comments, and steps that only set image metadata (`EXPOSE`, `LABEL`, `CMD`, ...). Each command's tool is on a list whose implicit reads are manifests:
    /// `apt-get`/`apk`/`dnf`/`microdnf`/`yum` package operations, `pip install` (no `-e`),
    /// `python -m venv|pip`, `npm ci`, `yarn install --frozen-lockfile`, `pnpm install --frozen-lockfile`,
    /// `go mod download`, `poetry install --no-root`, `uv sync --no-install-project`, and `mkdir`,
    /// `chown`, `chmod`, `ln`, `rm`, `touch`, `useradd`, `groupadd`, `adduser`, `addgroup`, `true`, `set`
    /// (Cargo is not: `cargo fetch` needs the sources). Every path word is absolute outside the
    /// directory or a manifest ([`Config::manifests`], or named by `-r`, `-c`, `--find-links`, which must
    /// exist in [`Config::context_files`]); what the tools write implicitly (`node_modules/`, `.venv/`)
    /// is absent from the context. The full copy then writes the same files last, so the final
    /// filesystem is unchanged.
    SplitContextCopy,
    /// Drop stages that no build target needs ([`Config::targets`]; the last stage always stays).
    DropUnreachableStages,
    /// Merge `apt-get update` with its install and cleanup.
    MergeAptUpdate,
    /// Cache mounts for package managers.
    CacheMounts,
    /// Move directory-making RUNs before context COPYs.
    MoveEarlier,
    /// `COPY --link` where the destination does not exist yet and every directory above it is absent
    /// or a plain `0755 root:root` directory, as followed from known base images through the earlier
    /// instructions (the rule is in the module docs of `passes::link`, restated here: no `--chown`,
    /// `--chmod`, `--parents` or heredoc source; bases known: official `python`, `debian`, `ubuntu`,
    /// `alpine`, Red Hat UBI, `scratch`; a RUN that does more than create accounts, make or fill a
    /// virtual environment, or make directories and set permissions on literal paths ends what is known).
    /// Only with [`Config::link`].
    ///
    /// ```
    /// use dockwright::passes::{optimize, Config, Pass};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// let builder = image.stage(Stage::new("builder", Base::python("3.12").slim()).run("python3 -m venv /opt/venv"));
    /// image.stage(
    ///     Stage::new("runtime", Base::python("3.12").slim())
    ///         .copy_from(&builder, ["/opt/venv"], "/opt/venv")
    ///         .copy(["app.py"], "/tmp/"),
    /// );
    /// let mut dockerfile = image.to_model().unwrap();
    /// let changes = optimize(&mut dockerfile, &Config::default().link(true));
    /// assert_eq!(changes.iter().map(|c| c.pass).collect::<Vec<_>>(), [Pass::Link]);
    /// let text = dockwright::emit(&dockerfile);
    /// assert!(text.contains("COPY --from=builder --link [\"/opt/venv\", \"/opt/venv\"]\n"), "{text}");
    /// // /tmp is not a plain 0755 directory (it is 1777): --link would change its mode.
    /// assert!(text.contains("COPY [\"app.py\", \"/tmp/\"]\n"));
    /// ```
    Link,
}

impl Pass {
    /// Every pass, in the order [`optimize`] runs them.
    ///
    /// ```
    /// assert_eq!(dockwright::passes::Pass::ALL.len(), 6);
    /// ```
    pub const ALL: [Pass; 6] = [
        Pass::SplitContextCopy,
        Pass::DropUnreachableStages,
        Pass::MergeAptUpdate,
        Pass::CacheMounts,
        Pass::MoveEarlier,
        Pass::Link,
    ];

    /// The pass's name, kebab-case.
    ///
    /// ```
    /// assert_eq!(dockwright::passes::Pass::CacheMounts.name(), "cache-mounts");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Pass::SplitContextCopy => "split-context-copy",
            Pass::DropUnreachableStages => "drop-unreachable-stages",
            Pass::MergeAptUpdate => "merge-apt-update",
            Pass::CacheMounts => "cache-mounts",
            Pass::MoveEarlier => "move-earlier",
            Pass::Link => "link",
        }
    }
}

impl fmt::Display for Pass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One change a pass made: which pass, where (stage and instruction index in the model as it was just
/// before the change), the step it is about, and why, in words a user can read.
///
/// ```
/// use dockwright::passes::{optimize, Config};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")).run("apk update").run("apk add curl"));
/// let mut dockerfile = image.to_model().unwrap();
/// let changes = optimize(&mut dockerfile, &Config::default());
/// assert_eq!(changes[0].step.to_string(), "app: RUN apk update");
/// assert_eq!(
///     changes[0].to_string(),
///     "merge-apt-update at `app: RUN apk update`: merged into `RUN apk add curl` below it as `apk add \
///      --no-cache`, which fetches the index and keeps none: an update in its own layer goes stale in the cache \
///      and leaves its index in the image"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Change {
    /// The pass.
    pub pass: Pass,
    /// Where.
    pub location: Location,
    /// The step (or, for a whole stage, its `FROM` line) as it was before the change.
    pub step: StepLabel,
    /// Why, for a user.
    pub reason: String,
}

impl Change {
    /// A change to the instruction at `location` of the model `analysis` describes.
    fn new(pass: Pass, analysis: &Analysis, location: Location, reason: String) -> Self {
        Change { pass, location, step: label(analysis, location), reason }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at `{}`: {}", self.pass, self.step, self.reason)
    }
}

/// A rewrite a pass considered and did not make, and what stood in the way: the answer to "why is this
/// step still here?". [`declined`] lists them.
///
/// ```
/// use dockwright::passes::{declined, Config, Pass};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(
///     Stage::new("app", Base::python("3.12").slim())
///         .workdir("/app")
///         .copy(["."], "./")
///         .run("mkdir -p /app/data"),
/// );
/// let kept = declined(&image.to_model().unwrap(), &Config::default());
/// assert_eq!(kept[0].pass, Pass::MoveEarlier);
/// assert_eq!(kept[0].blocker.as_ref().unwrap().instruction, "COPY . ./");
/// assert_eq!(
///     kept[0].to_string(),
///     "move-earlier kept `app: RUN mkdir -p /app/data` after `COPY . ./`: the copy writes /app, which holds \
///      /app/data that the RUN touches"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Declined {
    /// The pass.
    pub pass: Pass,
    /// Where the step is.
    pub location: Location,
    /// The step the pass would have rewritten or moved (for a whole stage, its `FROM` line).
    pub step: StepLabel,
    /// The step that stood in the way, if one did.
    pub blocker: Option<StepLabel>,
    /// Why, for a user.
    pub reason: String,
}

impl fmt::Display for Declined {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.blocker {
            Some(blocker) => {
                write!(f, "{} kept `{}` after `{}`: {}", self.pass, self.step, blocker.instruction, self.reason)
            }
            None => write!(f, "{} left `{}` as it is: {}", self.pass, self.step, self.reason),
        }
    }
}

/// The label of the step at `location`, or of the stage's `FROM` line when there is none.
fn label(analysis: &Analysis, location: Location) -> StepLabel {
    match analysis.step_at(location) {
        Some(step) => step.label.clone(),
        None => analysis.stage_label(location.stage),
    }
}

/// The label of the instruction at `location` of the model `analysis` describes, comments included.
fn instruction_label(dockerfile: &Dockerfile, analysis: &Analysis, location: Location) -> StepLabel {
    let instruction = dockerfile.stages.get(location.stage).and_then(|s| s.instructions.get(location.instruction));
    match (analysis.step_at(location), instruction) {
        (None, Some(instruction)) => StepLabel::new(analysis.stage_name(location.stage), instruction),
        _ => label(analysis, location),
    }
}

/// What each enabled pass declines to do on `dockerfile` as it is, with the reason: a RUN that
/// [`Pass::MoveEarlier`] cannot move past the step above it, a step [`Pass::SplitContextCopy`] cannot
/// move before a context COPY that a dependency install follows, or stages kept because a reference
/// cannot be followed or a build target is not a stage. On an optimized model (where no pass changes anything) this is why each remaining step
/// stays where it is. Steps that no pass would move anyway (a RUN that installs packages, a step with
/// nothing above it to pass) are not listed.
///
/// ```
/// use dockwright::passes::{declined, optimize, Config};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(
///     Stage::new("app", Base::python("3.12").slim())
///         .workdir("/app")
///         .copy(["conf/"], "/etc/app/")
///         .expose(8000)
///         .run("useradd --system app"),
/// );
/// let mut dockerfile = image.to_model().unwrap();
/// let reasons: Vec<String> = declined(&dockerfile, &Config::default()).iter().map(|d| d.reason.clone()).collect();
/// assert_eq!(reasons, ["the copy writes /etc/app, which account setup may also write (it owns /etc)"]);
/// assert!(optimize(&mut dockerfile, &Config::default()).is_empty());
/// ```
pub fn declined(dockerfile: &Dockerfile, config: &Config) -> Vec<Declined> {
    let analysis = analyze(dockerfile);
    let mut out = Vec::new();
    for pass in Pass::ALL {
        if !config.enabled(pass) {
            continue;
        }
        match pass {
            Pass::SplitContextCopy => out.extend(split::declined(dockerfile, &analysis, config)),
            Pass::DropUnreachableStages => out.extend(unreachable::declined(dockerfile, &analysis, config)),
            Pass::MoveEarlier => out.extend(reorder::declined(dockerfile, &analysis)),
            _ => {}
        }
    }
    out
}

/// Runs every enabled pass, in [`Pass::ALL`] order, until none changes anything; returns the changes in
/// the order they were made. The result validates whenever the input does.
///
/// ```
/// use dockwright::passes::{optimize, Config};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("unused", Base::alpine("3.19")).run("true"));
/// image.stage(Stage::new("app", Base::alpine("3.19")).run("apk update").run("apk add curl"));
/// let mut dockerfile = image.to_model().unwrap();
/// let config = Config::default().targets(["app"]);
/// let changes = optimize(&mut dockerfile, &config);
/// assert_eq!(changes.len(), 2);
/// assert_eq!(dockwright::emit(&dockerfile), "FROM alpine:3.19 AS app\nRUN apk add --no-cache curl\n");
/// let again = dockerfile.clone();
/// assert!(optimize(&mut dockerfile, &config).is_empty());
/// assert_eq!(dockerfile, again);
/// ```
pub fn optimize(dockerfile: &mut Dockerfile, config: &Config) -> Vec<Change> {
    let mut changes = Vec::new();
    // Every pass strictly shrinks a finite measure (see each pass); the bound is a safety net.
    for _ in 0..64 {
        let mut changed = false;
        for pass in Pass::ALL {
            if !config.enabled(pass) {
                continue;
            }
            let analysis = analyze(dockerfile);
            let made = run_pass(pass, dockerfile, &analysis, config);
            changed |= !made.is_empty();
            changes.extend(made);
        }
        if !changed {
            break;
        }
    }
    changes
}

fn run_pass(pass: Pass, dockerfile: &mut Dockerfile, analysis: &Analysis, config: &Config) -> Vec<Change> {
    match pass {
        Pass::SplitContextCopy => split::run(dockerfile, analysis, config),
        Pass::DropUnreachableStages => unreachable::run(dockerfile, analysis, config),
        Pass::MergeAptUpdate => apt::run(dockerfile, analysis),
        Pass::CacheMounts => mounts::run(dockerfile, analysis),
        Pass::MoveEarlier => reorder::run(dockerfile, analysis),
        Pass::Link => link::run(dockerfile, analysis, config),
    }
}

/// A `.dockerignore` that sends only what the builds read: `*`, then `!<path>` for every context path a
/// COPY, ADD or bind mount of a stage some build target needs reads (every stage `--target` can name,
/// and the last; one context serves them all), in order, without duplicates. When some step reads the
/// whole context (`COPY . ...`), nothing can be ignored and the list is empty; when nothing is read, it
/// is just `*`.
///
/// ```
/// use dockwright::analysis::analyze;
/// use dockwright::passes::dockerignore_allowlist;
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// let app = image.stage(Stage::new("app", Base::alpine("3.19")).copy(["./app.py"], "/app/").copy(["templates/"], "/app/templates/"));
/// image.stage(Stage::new("dev", &app).copy(["requirements-dev.txt"], "/tmp/"));
/// image.stage(Stage::new("prod", &app));
/// let lines = dockerignore_allowlist(&analyze(&image.to_model().unwrap()));
/// assert_eq!(lines, ["*", "!app.py", "!templates", "!requirements-dev.txt"]);
/// ```
pub fn dockerignore_allowlist(analysis: &Analysis) -> Vec<String> {
    let mut stages = Vec::new();
    for target in Config::default().build_targets(analysis) {
        if let Ok(target) = analysis.resolve(&target) {
            stages.extend(analysis.reachable_from(target));
        }
    }
    let mut lines = vec!["*".to_string()];
    for step in analysis.steps().iter().filter(|step| stages.contains(&step.location.stage)) {
        for read in &step.reads.context {
            let path = paths::clean(&read.pattern);
            if path.is_empty() {
                return Vec::new();
            }
            let line = format!("!{path}");
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
    }
    lines
}

/// `a`, `a and b`, `a, b and c`, `a, b, c and 2 more steps`.
pub(crate) fn listed(items: &[String]) -> String {
    match items {
        [] => "nothing".to_string(),
        [one] => one.clone(),
        [init @ .., last] if items.len() <= 3 => format!("{} and {last}", init.join(", ")),
        _ => format!("{} and {} more steps", items[..3].join(", "), items.len() - 3),
    }
}

/// The location of a change, for passes.
fn at(stage: usize, instruction: usize) -> Location {
    Location { stage, instruction }
}

/// What keeps a script from being a plain list of simple commands, for a reason: `an expansion`,
/// `a redirection`, `a pipe`, ...
pub(crate) fn not_simple(script: &crate::import::shell::Script) -> String {
    use crate::import::shell::Joined;
    if let Some(opaque) = script.opaque().first() {
        return opaque.to_string();
    }
    for command in script.commands() {
        if let Some(opaque) = command.opaque.first() {
            return opaque.to_string();
        }
        if !command.redirections.is_empty() {
            return "a redirection".to_string();
        }
        match command.joined {
            Joined::Or => return "`||`".to_string(),
            Joined::Pipe => return "a pipe".to_string(),
            Joined::Background => return "a background job".to_string(),
            _ => {}
        }
    }
    "nothing the passes follow".to_string()
}
