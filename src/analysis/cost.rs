//! Expected rebuild cost: the number the optimizer passes minimise and users see.
//!
//! The formula (after `research/corpora.md` §5, "Suggested cache-reuse metric"):
//!
//! ```text
//! expected = Σ over layer steps i of the target's stages:  P(miss_i) × weight_i
//! P(miss_i) = 1 − Π over events e in inputs(i) of (1 − p_e)
//! ```
//!
//! An *event* is "something changed since the last build": one per [`PathLikelihood`] rule (some file
//! matching it changed, with its likelihood), one for "any other context file" ([`ChangeModel::other`]),
//! one per base image ([`ChangeModel::base_image`]; `scratch` never changes) and one per build arg
//! listed in [`ChangeModel::args`]. Events are independent; the same event reaching a step twice counts
//! once. `inputs(i)` follows the cache-key rules: the events of the step's own content inputs (context
//! sources, source stages' results, images), of the build args in its key, and — unless it is a
//! `COPY --link` — every event its parent chain has seen, back to the base image and the build args
//! its `FROM` line reads ([`StageInfo::base_args`](super::StageInfo::base_args), of the stage and of
//! the stages it is built on: a new value may name another image). A context source maps to events
//! like this (worked out once per distinct source, so the cost is linear in the number of steps):
//!
//! - a source that a rule covers entirely (a file the rule matches, or a directory under a rule ending
//!   in `/**`, like `vendor/wheels` under `**/vendor/**`) has that rule's event only (the first rule in
//!   order wins);
//! - a file with no rule has the "other" event;
//! - a directory (`.`, `src/`, a name without an extension) or wildcard has the "other" event and every
//!   rule's event that can match something it includes.
//!
//! Weights ([`CostWeights`]): a RUN that installs or builds with a package manager or compiler
//! (apt-get, apk, dnf, pip, npm, go build, cargo, ...) is expensive, any other RUN medium, COPY/ADD
//! cheap, config steps free. Everything is deterministic: no randomness, fixed iteration orders.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use super::glob;
use super::{Analysis, ContentInput, ContextRead, Location, Parent, RunFacts, Step, StepKind, StepLabel, Target};
use crate::error::Error;

/// A change likelihood for context paths matching any of some patterns: one rule is one event,
/// "some file it matches changed since the last build".
///
/// Patterns use `.dockerignore` syntax (`**` for any directories); a pattern without `/` matches a
/// file name at any depth, like `requirements*.txt`.
///
/// ```
/// use dockwright::analysis::PathLikelihood;
///
/// let rule = PathLikelihood::new("uv.lock", 0.05);
/// assert_eq!((rule.patterns.as_slice(), rule.likelihood), (&["uv.lock".to_string()][..], 0.05));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PathLikelihood {
    /// The path patterns.
    pub patterns: Vec<String>,
    /// The probability that some matching file changes in one edit, in `0.0..=1.0`.
    pub likelihood: f64,
}

impl PathLikelihood {
    /// A rule for one pattern.
    ///
    /// ```
    /// assert_eq!(dockwright::analysis::PathLikelihood::new("*.py", 0.8).likelihood, 0.8);
    /// ```
    pub fn new(pattern: &str, likelihood: f64) -> Self {
        PathLikelihood::any_of([pattern], likelihood)
    }

    /// A rule for several patterns that change together (one event: "a source file changed").
    ///
    /// ```
    /// use dockwright::analysis::PathLikelihood;
    ///
    /// let rule = PathLikelihood::any_of(["*.go", "*.s"], 0.8);
    /// assert_eq!(rule.patterns, ["*.go", "*.s"]);
    /// ```
    pub fn any_of<I, S>(patterns: I, likelihood: f64) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        PathLikelihood { patterns: patterns.into_iter().map(Into::into).collect(), likelihood }
    }

    fn matches_path(&self, path: &str) -> bool {
        self.patterns.iter().any(|pattern| pattern_matches_path(pattern, path))
    }

    /// Whether every path under `dir` (a cleaned context path) matches: a pattern is `X/**` and `X`
    /// matches `dir` or one of its ancestors.
    fn covers_dir(&self, dir: &str) -> bool {
        self.patterns.iter().any(|pattern| {
            let pattern = glob::clean(pattern);
            let Some(prefix) = pattern.strip_suffix("/**") else { return false };
            let mut candidate = Some(dir);
            while let Some(path) = candidate {
                if pattern_matches_path(prefix, path) {
                    return true;
                }
                candidate = path.rfind('/').map(|at| &path[..at]);
            }
            false
        })
    }

    /// Whether some path this rule matches, and `.dockerignore` keeps, can be included by the
    /// directory or wildcard source `source`.
    fn overlaps(&self, source: &str, wildcard: bool, dockerignore: &[String]) -> bool {
        self.patterns.iter().any(|pattern| {
            !glob::ignored(dockerignore, &glob::sample(pattern)) && pattern_overlaps(pattern, source, wildcard)
        })
    }
}

fn pattern_matches_path(pattern: &str, path: &str) -> bool {
    let pattern = glob::clean(pattern);
    if pattern.contains('/') {
        glob::matches(&pattern, path, true)
    } else {
        glob::matches(&pattern, path.rsplit('/').next().unwrap_or(path), true)
    }
}

fn pattern_overlaps(pattern: &str, source: &str, wildcard: bool) -> bool {
    let pattern = glob::clean(pattern);
    if source.is_empty() {
        return true;
    }
    if wildcard {
        let last = source.rsplit('/').next().unwrap_or(source);
        let target = if pattern.contains('/') { source } else { last };
        let sample = glob::sample(&pattern);
        let sample_last = if pattern.contains('/') { sample.as_str() } else { sample.rsplit('/').next().unwrap_or("") };
        return glob::matches(target, sample_last, false) || pattern_matches_path(&pattern, &glob::sample(source));
    }
    // A directory: a file-name pattern can match at any depth below it; an anchored one only when its
    // fixed prefix and the directory lie on one path.
    if !pattern.contains('/') || pattern.starts_with("**") {
        return true;
    }
    let fixed: String = pattern.chars().take_while(|c| !matches!(c, '*' | '?' | '[' | '\\')).collect();
    fixed.starts_with(&format!("{source}/")) || source.starts_with(fixed.trim_end_matches('/'))
}

/// Per-step cost weights, by what the step does.
///
/// ```
/// use dockwright::analysis::CostWeights;
///
/// let weights = CostWeights::default();
/// assert_eq!((weights.install, weights.run, weights.copy, weights.config), (10.0, 3.0, 1.0, 0.0));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CostWeights {
    /// A RUN that installs packages or dependencies, or builds with a compiler.
    pub install: f64,
    /// Any other RUN.
    pub run: f64,
    /// COPY and ADD.
    pub copy: f64,
    /// Config steps (ENV, LABEL, ...): they make no layer.
    pub config: f64,
}

impl Default for CostWeights {
    fn default() -> Self {
        CostWeights { install: 10.0, run: 3.0, copy: 1.0, config: 0.0 }
    }
}

/// Commands that install packages or dependencies, or compile: a RUN using one is expensive.
const INSTALLERS: &[&str] = &[
    "apt-get", "apt", "apk", "dnf", "microdnf", "yum", "zypper", "pip", "pip3", "pipenv", "poetry", "uv", "conda",
    "mamba", "npm", "yarn", "pnpm", "bun", "cargo", "gem", "bundle", "composer", "mvn", "gradle", "dotnet",
];

impl CostWeights {
    /// The weight of a step: [`install`](Self::install) for a RUN that runs a package manager or
    /// builder (one of its commands, as [`RunFacts`] reads them, is a package-manager install or runs
    /// `apt-get`, `apk`, `dnf`, `pip`, `npm`, `cargo`, ..., or `go build`, `install`, `mod` or `get`),
    /// [`run`](Self::run) for other RUNs,
    /// [`copy`](Self::copy) for COPY/ADD and [`config`](Self::config) for the rest.
    ///
    /// ```
    /// use dockwright::analysis::{analyze, CostWeights};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(
    ///     Stage::new("app", Base::python("3.12").slim())
    ///         .run("/opt/venv/bin/pip install -r requirements.txt")
    ///         .run("CGO_ENABLED=0 go build -o /out/app .")
    ///         .run("mkdir -p /data")
    ///         .copy(["a"], "/a")
    ///         .env("A", "1"),
    /// );
    /// let analysis = analyze(&image.to_model().unwrap());
    /// let weights: Vec<f64> = analysis.steps().iter().map(|s| CostWeights::default().weight(s)).collect();
    /// assert_eq!(weights, [10.0, 10.0, 3.0, 1.0, 0.0]);
    /// ```
    pub fn weight(&self, step: &Step) -> f64 {
        match step.kind {
            StepKind::Run => {
                if step.run.as_ref().is_some_and(installs) {
                    self.install
                } else {
                    self.run
                }
            }
            StepKind::Copy | StepKind::Add => self.copy,
            _ => self.config,
        }
    }
}

/// Whether a RUN installs or builds, as the shell reader reads its commands: a package-manager
/// command among its installs, or a command (after `sudo`, `env` and assignments) whose program is an
/// installer or builder, or `go build`/`install`/`mod`/`get`.
fn installs(run: &RunFacts) -> bool {
    !run.installs.is_empty()
        || run.script.commands().iter().any(|command| {
            let words = command.invoked();
            let Some(program) = words.first() else { return false };
            let program = program.text.rsplit('/').next().unwrap_or(&program.text);
            INSTALLERS.contains(&program)
                || (program == "go"
                    && words
                        .get(1)
                        .is_some_and(|next| matches!(next.text.as_str(), "build" | "install" | "mod" | "get")))
        })
}

/// How likely each input is to change between two builds, and what a rebuilt step costs.
///
/// ```
/// use dockwright::analysis::ChangeModel;
///
/// let model = ChangeModel::default();
/// assert_eq!(model.likelihood("app.py"), 0.8);
/// assert_eq!(model.likelihood("requirements-dev.txt"), 0.05);
/// assert_eq!(model.likelihood("backend/vendor/modules.txt"), 0.05);
/// assert_eq!(model.likelihood("nginx.conf"), 0.3);
/// assert_eq!(model.base_image, 0.01);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeModel {
    /// Rules for context paths, first match wins.
    pub paths: Vec<PathLikelihood>,
    /// The likelihood that some context file no rule matches changes.
    pub other: f64,
    /// The likelihood that a base image (or an image copied from) is updated.
    pub base_image: f64,
    /// Build args that may change, with their likelihood; args not listed never change.
    pub args: Vec<(String, f64)>,
    /// What rebuilt steps cost.
    pub weights: CostWeights,
    /// The `.dockerignore` lines: ignored paths never reach a step.
    pub dockerignore: Vec<String>,
}

/// Dependency manifests and lockfiles: they change rarely.
const MANIFESTS: &[&str] = &[
    "requirements*.txt",
    "constraints*.txt",
    "pyproject.toml",
    "poetry.lock",
    "uv.lock",
    "Pipfile",
    "Pipfile.lock",
    "go.mod",
    "go.sum",
    "**/vendor/**",
    "package.json",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "Cargo.toml",
    "Cargo.lock",
    "Gemfile",
    "Gemfile.lock",
    "composer.json",
    "composer.lock",
];

/// Source files: they change on most edits.
const SOURCES: &[&str] = &[
    "*.py", "*.go", "*.rs", "*.js", "*.mjs", "*.cjs", "*.jsx", "*.ts", "*.tsx", "*.vue", "*.svelte", "*.html", "*.css",
    "*.scss", "*.java", "*.kt", "*.rb", "*.php", "*.c", "*.h", "*.cc", "*.cpp", "*.cs", "*.swift",
];

impl Default for ChangeModel {
    /// Each manifest and lockfile its own rule at 0.05 (listed first, so `vendor/**` wins over
    /// `*.go`), all source files one rule at 0.8, other files 0.3, base images 0.01, no build args.
    fn default() -> Self {
        let manifests = MANIFESTS.iter().map(|pattern| PathLikelihood::new(pattern, 0.05));
        ChangeModel {
            paths: manifests.chain([PathLikelihood::any_of(SOURCES.iter().copied(), 0.8)]).collect(),
            other: 0.3,
            base_image: 0.01,
            args: Vec::new(),
            weights: CostWeights::default(),
            dockerignore: Vec::new(),
        }
    }
}

impl ChangeModel {
    /// The same model with these `.dockerignore` lines.
    ///
    /// ```
    /// use dockwright::analysis::ChangeModel;
    ///
    /// let model = ChangeModel::default().with_dockerignore(["tests", "*.md"]);
    /// assert_eq!(model.dockerignore, ["tests", "*.md"]);
    /// ```
    #[must_use]
    pub fn with_dockerignore<I, S>(mut self, lines: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.dockerignore = lines.into_iter().map(Into::into).collect();
        self
    }

    /// The likelihood that the context file `path` changes: its first matching rule's, else
    /// [`other`](Self::other); 0 when `.dockerignore` leaves it out.
    ///
    /// ```
    /// use dockwright::analysis::ChangeModel;
    ///
    /// let model = ChangeModel::default().with_dockerignore(["tests"]);
    /// assert_eq!(model.likelihood("go.sum"), 0.05);
    /// assert_eq!(model.likelihood("tests/test_app.py"), 0.0);
    /// ```
    pub fn likelihood(&self, path: &str) -> f64 {
        let path = glob::clean(path);
        if glob::ignored(&self.dockerignore, &path) {
            return 0.0;
        }
        self.paths.iter().find(|rule| rule.matches_path(&path)).map_or(self.other, |rule| rule.likelihood)
    }

    fn probability(&self, event: &Event) -> f64 {
        match event {
            Event::Rule(rule) => self.paths[*rule].likelihood,
            Event::Other => self.other,
            Event::Image(_) => self.base_image,
            Event::Arg(name) => self.args.iter().find(|(arg, _)| arg == name).map_or(0.0, |(_, p)| *p),
        }
    }

    /// The events a context read can see.
    fn read_events(&self, read: &ContextRead) -> BTreeSet<Event> {
        let source = glob::clean(&read.pattern);
        let wildcard = glob::has_wildcard(&source);
        if !source.is_empty() && glob::ignored(&self.dockerignore, &source) {
            return BTreeSet::new();
        }
        let probe = if wildcard { glob::sample(&source) } else { source.clone() };
        let covering = self.paths.iter().position(|rule| {
            (!source.is_empty() && rule.matches_path(&probe)) || (!wildcard && rule.covers_dir(&source))
        });
        if let Some(rule) = covering {
            return BTreeSet::from([Event::Rule(rule)]);
        }
        let last = source.rsplit('/').next().unwrap_or_default();
        let file_like = !wildcard && !source.is_empty() && last.contains('.') && !read.pattern.ends_with('/');
        let mut events = BTreeSet::from([Event::Other]);
        if !file_like {
            for (index, rule) in self.paths.iter().enumerate() {
                if rule.overlaps(&source, wildcard, &self.dockerignore) {
                    events.insert(Event::Rule(index));
                }
            }
        }
        events
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    Rule(usize),
    Other,
    Image(String),
    Arg(String),
}

/// Every event the steps of one target can see, numbered in [`Event`] order, so a set of events is a
/// bitset whose bits run in the order a `BTreeSet<Event>` would (the product of their probabilities is
/// the same, to the last bit).
struct EventIndex<'a> {
    /// Each event's probability, by number.
    probability: Vec<f64>,
    images: HashMap<&'a str, usize>,
    args: HashMap<&'a str, usize>,
    /// Per stage, the numbers of the build args its base image is read with.
    origin_args: Vec<Vec<usize>>,
    rules: usize,
}

impl<'a> EventIndex<'a> {
    fn new(analysis: &'a Analysis, stages: &[usize], origin_args: &[Vec<&'a str>], model: &ChangeModel) -> Self {
        let mut images: BTreeSet<&str> = BTreeSet::new();
        let mut args: BTreeSet<&str> = BTreeSet::new();
        for &stage in stages {
            let info = &analysis.stages[stage];
            args.extend(origin_args[stage].iter().copied());
            if let Parent::Image(image) = &info.tip {
                images.insert(image);
            }
            for key in info.steps.iter().filter_map(|&step| analysis.steps[step].key.as_ref()) {
                if let Parent::Image(image) = &key.parent {
                    images.insert(image);
                }
                for input in &key.content {
                    match input {
                        ContentInput::Image(image) => {
                            images.insert(image);
                        }
                        ContentInput::Stage(read) => {
                            if let Parent::Image(image) = &analysis.stages[read.stage].tip {
                                images.insert(image);
                            }
                        }
                        _ => {}
                    }
                }
                args.extend(key.args.iter().map(String::as_str));
            }
        }
        // `Event` order: the rules, other, the images, the args (names in order).
        let rules = model.paths.len();
        let mut probability: Vec<f64> = (0..rules).map(|rule| model.probability(&Event::Rule(rule))).collect();
        probability.push(model.probability(&Event::Other));
        let images: HashMap<&str, usize> = images
            .into_iter()
            .map(|image| {
                probability.push(model.probability(&Event::Image(image.to_string())));
                (image, probability.len() - 1)
            })
            .collect();
        let args: HashMap<&str, usize> = args
            .into_iter()
            .map(|name| {
                probability.push(model.probability(&Event::Arg(name.to_string())));
                (name, probability.len() - 1)
            })
            .collect();
        // Only the stages the target builds have their args numbered; the others are never read.
        let origin_args =
            origin_args.iter().map(|names| names.iter().filter_map(|name| args.get(name).copied()).collect()).collect();
        EventIndex { probability, images, args, origin_args, rules }
    }

    /// How many 64-bit words a set takes.
    fn words(&self) -> usize {
        self.probability.len().div_ceil(64)
    }

    fn insert(set: &mut [u64], id: usize) {
        set[id / 64] |= 1 << (id % 64);
    }

    fn insert_image(&self, set: &mut [u64], image: &str) {
        if let Some(&id) = self.images.get(image) {
            Self::insert(set, id);
        }
    }

    fn insert_arg(&self, set: &mut [u64], name: &str) {
        if let Some(&id) = self.args.get(name) {
            Self::insert(set, id);
        }
    }

    /// Adds the events the state `parent` has seen: a step's, or a base image's with the build args
    /// `stage`'s chain reads it with.
    fn parent(&self, set: &mut [u64], state: &[u64], parent: &Parent, stage: usize) {
        match parent {
            Parent::Step(step) => union(set, &state[step * set.len()..(step + 1) * set.len()]),
            Parent::Image(image) => {
                self.insert_image(set, image);
                for &id in &self.origin_args[stage] {
                    Self::insert(set, id);
                }
            }
            _ => {}
        }
    }

    /// The set of a context read's events (rules and "other" only).
    fn set(&self, events: BTreeSet<Event>) -> Vec<u64> {
        let mut set = vec![0; self.words()];
        for event in events {
            match event {
                Event::Rule(rule) => Self::insert(&mut set, rule),
                Event::Other => Self::insert(&mut set, self.rules),
                Event::Image(image) => self.insert_image(&mut set, &image),
                Event::Arg(name) => self.insert_arg(&mut set, &name),
            }
        }
        set
    }

    /// The events of `set`, by number, in order.
    fn ids<'s>(&self, set: &'s [u64]) -> impl Iterator<Item = usize> + 's {
        set.iter().enumerate().flat_map(|(index, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    index * 64 + bit
                })
            })
        })
    }
}

fn union(set: &mut [u64], other: &[u64]) {
    for (word, other) in set.iter_mut().zip(other) {
        *word |= other;
    }
}

/// One step's share of the expected rebuild cost.
///
/// ```
/// use dockwright::analysis::{analyze, expected_rebuild_cost, ChangeModel, Target};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")).run("apk add --no-cache curl"));
/// let cost = expected_rebuild_cost(&analyze(&image.to_model().unwrap()), Target::Default, &ChangeModel::default()).unwrap();
/// let step = &cost.per_step[0];
/// // Only the base image can change: P = 1 − (1 − 0.01).
/// assert!((step.miss_probability - 0.01).abs() < 1e-12 && (step.expected - 0.1).abs() < 1e-12);
/// assert_eq!((step.keyword.as_str(), step.weight), ("RUN", 10.0));
/// assert_eq!(step.to_string(), "app: RUN apk add --no-cache curl: 0.100 (miss 1.0% x weight 10)");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StepCost {
    /// Index into [`Analysis::steps`].
    pub step: usize,
    /// Where it is.
    pub location: Location,
    /// Its keyword.
    pub keyword: String,
    /// Its stage and instruction, for a reader.
    pub label: StepLabel,
    /// The probability that it misses the cache.
    pub miss_probability: f64,
    /// What rebuilding it costs.
    pub weight: f64,
    /// `miss_probability × weight`.
    pub expected: f64,
}

impl fmt::Display for StepCost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {:.3} (miss {:.1}% x weight {})",
            self.label,
            self.expected,
            self.miss_probability * 100.0,
            self.weight
        )
    }
}

/// The expected cost of rebuilding a target after one edit, and each step's share.
///
/// Its `Display` names the target and lists the steps that cost something, dearest first (ties in
/// build order):
///
/// ```
/// use dockwright::analysis::{analyze, expected_rebuild_cost, ChangeModel, Target};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")).copy(["app.py"], "/app/").env("A", "1"));
/// let cost = expected_rebuild_cost(&analyze(&image.to_model().unwrap()), Target::Default, &ChangeModel::default()).unwrap();
/// // COPY app.py: 1 − (1 − 0.01 base) × (1 − 0.8 *.py) = 0.802, weight 1.
/// assert!((cost.expected - 0.802).abs() < 1e-12);
/// assert_eq!(cost.per_step.len(), 2);
/// assert_eq!(
///     cost.to_string(),
///     "target app: expected rebuild cost 0.802\n- app: COPY app.py /app/: 0.802 (miss 80.2% x weight 1)\n"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct RebuildCost {
    /// The target stage, by index.
    pub target: usize,
    /// The target stage's name (`stage <index>` when it has none).
    pub target_name: String,
    /// The sum of the steps' expected costs.
    pub expected: f64,
    /// Every step of the target's stages, in build order.
    pub per_step: Vec<StepCost>,
}

impl fmt::Display for RebuildCost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "target {}: expected rebuild cost {:.3}", self.target_name, self.expected)?;
        let mut steps: Vec<&StepCost> = self.per_step.iter().filter(|step| step.expected > 0.0).collect();
        steps.sort_by(|a, b| b.expected.total_cmp(&a.expected));
        for step in steps {
            writeln!(f, "- {step}")?;
        }
        Ok(())
    }
}

/// The expected rebuild cost of `target` under `model` (formula in the module docs): only the stages
/// the target needs count. `target` is [`Target::Default`] (the last stage) or a stage name; an
/// unknown name is an error that lists the stages ([`Analysis::resolve`]).
///
/// ```
/// use dockwright::analysis::{analyze, expected_rebuild_cost, ChangeModel, Target};
/// use dockwright::{Base, Image, Stage};
///
/// let naive = {
///     let mut image = Image::new();
///     image.stage(Stage::new("app", Base::python("3.12").slim()).copy(["."], "./").run("pip install -r requirements.txt"));
///     image.to_model().unwrap()
/// };
/// let ordered = {
///     let mut image = Image::new();
///     image.stage(
///         Stage::new("app", Base::python("3.12").slim())
///             .copy(["requirements.txt"], "./")
///             .run("pip install -r requirements.txt")
///             .copy(["."], "./"),
///     );
///     image.to_model().unwrap()
/// };
/// let model = ChangeModel::default();
/// let naive = expected_rebuild_cost(&analyze(&naive), Target::Default, &model).unwrap().expected;
/// let ordered = expected_rebuild_cost(&analyze(&ordered), Target::Default, &model).unwrap().expected;
/// assert!(ordered < naive / 3.0, "{ordered} vs {naive}");
/// ```
///
/// Every target of a multi-target file, each with its own cost:
///
/// ```
/// use dockwright::analysis::{analyze, expected_rebuild_cost, ChangeModel};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// let runtime = image.stage(Stage::new("runtime", Base::alpine("3.19")).copy(["app.py"], "/app/"));
/// image.stage(Stage::new("dev", &runtime).run("apk add --no-cache gdb"));
/// image.stage(Stage::new("prod", &runtime).env("MODE", "prod"));
/// let analysis = analyze(&image.to_model().unwrap());
/// let costs: Vec<String> = analysis
///     .targets()
///     .iter()
///     .map(|target| {
///         let cost = expected_rebuild_cost(&analysis, target, &ChangeModel::default()).unwrap();
///         format!("{}: {:.3}", cost.target_name, cost.expected)
///     })
///     .collect();
/// assert_eq!(costs, ["runtime: 0.802", "dev: 8.822", "prod: 0.802"]);
/// ```
pub fn expected_rebuild_cost(
    analysis: &Analysis,
    target: impl Into<Target>,
    model: &ChangeModel,
) -> Result<RebuildCost, Error> {
    let target = analysis.resolve(&target.into())?;
    let stages = analysis.reachable_from(target);
    // The global ARGs each stage's base image is read with: a change of one changes the base.
    let origin_args = analysis.origin_args();
    let events = EventIndex::new(analysis, &stages, &origin_args, model);
    let words = events.words();
    // The events the state after each step has seen: `words` bits per step.
    let mut state = vec![0u64; analysis.steps.len() * words];
    // The events of each distinct context read, worked out once (a long file reads the same sources
    // many times).
    let mut read_events: HashMap<&ContextRead, Vec<u64>> = HashMap::new();
    let mut parent = vec![0u64; words];
    let mut inputs = vec![0u64; words];
    let mut cost = RebuildCost { target, target_name: analysis.stage_name(target), ..RebuildCost::default() };
    cost.per_step.reserve(stages.iter().map(|&stage| analysis.stages[stage].steps.len()).sum());
    for stage in stages {
        for &index in &analysis.stages[stage].steps {
            let step = &analysis.steps[index];
            let mut probability = 0.0;
            if let Some(key) = &step.key {
                parent.fill(0);
                events.parent(&mut parent, &state, &key.parent, stage);
                if key.chains_parent {
                    inputs.copy_from_slice(&parent);
                } else {
                    inputs.fill(0);
                }
                for input in &key.content {
                    match input {
                        ContentInput::Context(read) => {
                            let set = read_events.entry(read).or_insert_with(|| events.set(model.read_events(read)));
                            union(&mut inputs, set);
                        }
                        ContentInput::Stage(read) => {
                            events.parent(&mut inputs, &state, &analysis.stages[read.stage].tip, read.stage)
                        }
                        ContentInput::Image(image) => events.insert_image(&mut inputs, image),
                        _ => {}
                    }
                }
                for name in &key.args {
                    events.insert_arg(&mut inputs, name);
                }
                let unchanged: f64 = events.ids(&inputs).map(|id| 1.0 - events.probability[id]).product();
                probability = 1.0 - unchanged;
                union(&mut inputs, &parent);
                state[index * words..(index + 1) * words].copy_from_slice(&inputs);
            }
            let weight = model.weights.weight(step);
            let expected = probability * weight;
            cost.expected += expected;
            cost.per_step.push(StepCost {
                step: index,
                location: step.location,
                keyword: step.keyword.clone(),
                label: step.label.clone(),
                miss_probability: probability,
                weight,
                expected,
            });
        }
    }
    Ok(cost)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(model: &ChangeModel, pattern: &str) -> Vec<String> {
        let read = ContextRead { pattern: pattern.to_string(), excludes: Vec::new() };
        model
            .read_events(&read)
            .into_iter()
            .map(|event| match event {
                Event::Rule(rule) => model.paths[rule].patterns[0].clone(),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn sources_map_to_events() {
        let model = ChangeModel::default();
        assert_eq!(events(&model, "requirements.txt"), ["requirements*.txt"]);
        assert_eq!(events(&model, "backend/go.mod"), ["go.mod"]);
        assert_eq!(events(&model, "vendor/wheels"), ["**/vendor/**"]);
        assert_eq!(events(&model, "backend/vendor/"), ["**/vendor/**"]);
        assert_eq!(events(&model, "app.py"), ["*.py"]);
        assert_eq!(events(&model, "*.py"), ["*.py"]);
        assert_eq!(events(&model, "build/nginx.conf"), ["Other"]);
        let dir = events(&model, "templates/");
        assert!(dir.contains(&"*.py".to_string()) && dir.contains(&"Other".to_string()));
        assert_eq!(events(&model, ".").len(), model.paths.len() + 1);
        let json = events(&model, "dashboard/*.json");
        assert!(json.contains(&"package.json".to_string()) && !json.contains(&"*.py".to_string()), "{json:?}");
        let ignored = model.clone().with_dockerignore(["tests"]);
        assert!(events(&ignored, "tests/").is_empty());
    }

    #[test]
    fn install_detection() {
        use crate::base::Base;
        use crate::dsl::{Image, Run, Stage};
        let cases = [
            (Run::sh("apt-get update && apt-get install -y curl"), true),
            (Run::sh("python -m pip install ."), true),
            (Run::sh("CGO_ENABLED=0 go build -o /out ."), true),
            (Run::sh("sudo /usr/bin/npm ci"), true),
            (Run::sh("cargo build --release"), true),
            (Run::sh("go version"), false),
            (Run::sh("useradd app"), false),
            (Run::sh("echo 'apt-get install x'"), false),
            (Run::exec(["npm", "ci"]), true),
            (Run::exec(["/bin/sh", "-c", "apk add curl"]), true),
        ];
        let mut stage = Stage::new("app", Base::debian("bookworm-slim"));
        for (run, _) in &cases {
            stage = stage.run(run.clone());
        }
        let mut image = Image::new();
        image.stage(stage);
        let analysis = super::super::analyze(&image.to_model().unwrap());
        let found: Vec<bool> = analysis.steps().iter().map(|step| installs(step.run.as_ref().unwrap())).collect();
        let expected: Vec<bool> = cases.iter().map(|(_, expected)| *expected).collect();
        assert_eq!(found, expected);
    }
}
