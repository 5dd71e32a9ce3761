//! Read-only facts about a [`Dockerfile`], computed once by [`analyze`] and shared by the optimizer
//! passes, the lints and the size estimator: the stage graph, one [`Step`] per instruction (what it
//! reads, what it writes, whether it makes a layer) and each step's cache-key inputs. On top of it,
//! [`cache_impact`] says which steps of a build target ([`Target`]) miss the cache after a [`ChangeSet`] and why,
//! and [`expected_rebuild_cost`] turns a [`ChangeModel`] into the number the passes minimise.
//!
//! # Cache-key rules (BuildKit), with their sources
//!
//! The rules follow `research/corpora.md` §5, which cites moby/buildkit's solver and the Dockerfile
//! reference:
//!
//! 1. **A key is "operation + parent", recursively.** Every LLB op's `CacheMap` digest is combined with
//!    its inputs' keys (buildkit `solver/types.go`, `solver/cachekey.go`). So a miss propagates: every
//!    later layer step of the same chain misses ([`MissReason::ParentMissed`]); the first step of a stage
//!    chains from the base image ([`MissReason::BaseImageChanged`]) or, for `FROM <stage>`, from that
//!    stage's last layer step.
//! 2. **RUN** keys on the whole `ExecOp`: the argv including the shell prefix, the environment (ENV and
//!    the ARGs in scope), the working directory, the user, the mounts, network and security mode
//!    (`solver/llbsolver/ops/exec.go` `CacheMap`). Cache-mount *contents* do not enter the key
//!    (reference.md, "RUN --mount=type=cache"); a bind mount from the context is content-hashed
//!    (`dep.ContentBasedHash`) and a mount from a stage depends on that stage.
//! 3. **ARG**: a declared ARG is added to the environment of every later RUN in the stage
//!    (`dockerfile2llb/convert.go`, `dispatchArg` → `AddEnv`), so a new value misses at its first use,
//!    "not its definition" (reference.md, "Impact on build caching"): [`MissReason::BuildArgChanged`].
//!    Global ARGs (before the first `FROM`) are visible in `FROM` lines only, and inside a stage only once
//!    redeclared there (reference.md, "Understand how ARG and FROM interact"). A global ARG that a `FROM`
//!    line reads ([`StageInfo::base_args`], through other ARGs' defaults too) may name another base
//!    image, so its change misses the chain from that base as a base change would
//!    ([`MissReason::BaseArgChanged`]); a stage's ARG is in scope
//!    from its line to the end of the stage, and a stage built `FROM <stage>` inherits that stage's ARGs
//!    and ENV (`convert.go` copies the base stage's `buildArgs` and image config). Build args that no
//!    ARG declares, including the predefined proxy args, never change a key (their `ProxyEnv` is blanked).
//! 4. **COPY/ADD** key on the action (dest, mode, owner, patterns, flags) and the *content* of the
//!    selected source paths, not on the context as a whole (`ops/file.go`, `NewContentHashFunc`;
//!    mtime excluded, `cache/contenthash/tarsum.go`): [`MissReason::ReadsChangedPath`]. `COPY --from`
//!    reads the source stage's result: [`MissReason::SourceStageMissed`] (conservatively, a rebuilt
//!    stage is assumed to produce different files), or an image: [`MissReason::SourceImageChanged`].
//! 5. **ENV/ARG/LABEL/USER/WORKDIR/CMD/...** are image-config edits, not ops
//!    (`convert.go` `dispatchEnv`, `dispatchLabel`, ...): they make no layer and have no key of their
//!    own, they only change the keys of later steps (WORKDIR's cwd and USER enter later RUN keys;
//!    WORKDIR resolves a later relative COPY destination).
//! 6. **`COPY --link`** builds its layer independently of the layers before it and rebases it
//!    (reference.md, "Benefits of using --link"): its own key does not depend on its parent, but the
//!    state after it (and so every later step) still does.
//! 7. **Separate stages** only depend on what they copy or mount: a stage that nothing reachable from
//!    the target depends on is not built at all, and a change in one stage reaches another only through
//!    `FROM <stage>`, `COPY --from` or `RUN --mount=from=`.
//!
//! The analysis does no IO: context contents come in as path patterns ([`ChangeSet`], [`ChangeModel`]).
//!
//! ```
//! use dockwright::analysis::{analyze, cache_impact, ChangeSet, MissReason, Target};
//! use dockwright::{Base, Image, Stage};
//!
//! let mut image = Image::new();
//! image.stage(
//!     Stage::new("app", Base::python("3.12").slim())
//!         .workdir("/app")
//!         .copy(["requirements.txt"], "./")
//!         .run("pip install -r requirements.txt")
//!         .copy(["."], "./"),
//! );
//! let analysis = analyze(&image.to_model().unwrap());
//! let changes = ChangeSet { paths: vec!["app.py".into()], ..ChangeSet::default() };
//! let report = cache_impact(&analysis, Target::Default, &changes).unwrap();
//! let missed: Vec<&str> = report.missed().map(|step| step.keyword.as_str()).collect();
//! assert_eq!(missed, ["COPY"]);
//! assert_eq!(
//!     report.missed().next().unwrap().reasons,
//!     [MissReason::ReadsChangedPath { path: "app.py".into(), source: ".".into() }]
//! );
//! ```

mod config;
mod cost;
mod frontend;
pub(crate) mod glob;
mod impact;
mod label;
mod run;

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, ErrorKind};
use crate::model::{
    Add, BaseImage, Command, Copy, Dockerfile, FromSource, Instruction, Mount, Part, Run, Source, Value,
};

pub use config::{ImageConfig, image_config};
pub use cost::{ChangeModel, CostWeights, PathLikelihood, RebuildCost, StepCost, expected_rebuild_cost};
pub use frontend::{Feature, FrontendNeed, FrontendVersion, Older, frontend_needs};
pub use impact::{CacheReport, ChangeSet, MissReason, StepImpact, cache_impact};
pub use label::StepLabel;
pub use run::{Activity, Install, Manager, Package, PackageAction, RunFacts, RunWrites};
pub(crate) use run::{is_pip, is_python, script_and_installs, shell_c, shell_c_split};

/// Everything [`analyze`] found: the stage graph and one [`Step`] per instruction (comments aside).
///
/// ```
/// use dockwright::analysis::analyze;
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")).run("apk add --no-cache curl").env("A", "1"));
/// let analysis = analyze(&image.to_model().unwrap());
/// assert_eq!(analysis.stages().len(), 1);
/// assert_eq!(analysis.steps().len(), 2);
/// assert_eq!(analysis.target(), Some(0));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    stages: Vec<StageInfo>,
    steps: Vec<Step>,
    target: Option<usize>,
}

/// Analyses a Dockerfile once; the result is read-only and shared.
///
/// ```
/// use dockwright::analysis::{analyze, StageBase};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// let builder = image.stage(Stage::new("builder", Base::golang("1.22").alpine()).run("go build -o /out/app ."));
/// image.stage(Stage::new("runtime", Base::alpine("3.19")).copy_from(&builder, ["/out/app"], "/app"));
/// let analysis = analyze(&image.to_model().unwrap());
/// assert_eq!(analysis.stages()[1].base, StageBase::Image("alpine:3.19".into()));
/// assert_eq!(analysis.stages()[1].dependencies(), vec![0]);
/// assert_eq!(analysis.reachable_from(1), vec![0, 1]);
/// ```
pub fn analyze(dockerfile: &Dockerfile) -> Analysis {
    Analyzer::new(dockerfile).run()
}

/// Analyses a Dockerfile for one build target: the same facts as [`analyze`], with
/// [`Analysis::target`] set to the target's stage, so [`Analysis::built`] lists what building it
/// builds. An error names a target that is not a stage (as [`Analysis::resolve`] does).
///
/// ```
/// use dockwright::analysis::{analyze_for, Target};
/// use dockwright::{Base, ErrorKind, Image, Stage};
///
/// let mut image = Image::new();
/// let deps = image.stage(Stage::new("deps", Base::alpine("3.19")).run("apk add --no-cache curl"));
/// image.stage(Stage::new("test", &deps).run("true"));
/// image.stage(Stage::new("prod", Base::alpine("3.19")).copy_from(&deps, ["/usr/bin/curl"], "/usr/bin/"));
/// let model = image.to_model().unwrap();
/// let analysis = analyze_for(&model, Target::stage("test")).unwrap();
/// assert_eq!(analysis.target(), Some(1));
/// assert_eq!(analysis.built(), [0, 1]);
/// assert_eq!(analyze_for(&model, Target::Default).unwrap().built(), [0, 2]);
/// let err = analyze_for(&model, "lint").unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::NoStage);
/// assert_eq!(err.to_string(), "build target 'lint' is not a stage: use one of 'deps', 'test', 'prod'");
/// ```
pub fn analyze_for(dockerfile: &Dockerfile, target: impl Into<Target>) -> Result<Analysis, Error> {
    let mut analysis = analyze(dockerfile);
    analysis.target = Some(analysis.resolve(&target.into())?);
    Ok(analysis)
}

impl Analysis {
    /// The stages, in Dockerfile order.
    ///
    /// ```
    /// use dockwright::analysis::analyze;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("a", Base::alpine("3.19")));
    /// image.stage(Stage::new("b", Base::alpine("3.19")));
    /// let names: Vec<_> = analyze(&image.to_model().unwrap()).stages().iter().map(|s| s.name.clone()).collect();
    /// assert_eq!(names, [Some("a".to_string()), Some("b".to_string())]);
    /// ```
    pub fn stages(&self) -> &[StageInfo] {
        &self.stages
    }

    /// Every step, stage by stage, in instruction order; [`StageInfo::steps`] indexes into it.
    ///
    /// ```
    /// use dockwright::analysis::{analyze, Location};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).workdir("/app").run("true"));
    /// let analysis = analyze(&image.to_model().unwrap());
    /// assert_eq!(analysis.steps()[1].location, Location { stage: 0, instruction: 1 });
    /// ```
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The stage of the build target: the one [`analyze_for`] was given, else the default, what
    /// `docker build` builds without `--target`: the last stage (`None` for a Dockerfile without stages).
    ///
    /// ```
    /// use dockwright::analysis::analyze;
    ///
    /// assert_eq!(analyze(&dockwright::model::Dockerfile::default()).target(), None);
    /// ```
    pub fn target(&self) -> Option<usize> {
        self.target
    }

    /// The stages building the target builds ([`Analysis::target`] and what it needs), in index order.
    ///
    /// ```
    /// use dockwright::analysis::analyze;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("unused", Base::alpine("3.19")));
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// assert_eq!(analyze(&image.to_model().unwrap()).built(), [1]);
    /// assert!(analyze(&dockwright::model::Dockerfile::default()).built().is_empty());
    /// ```
    pub fn built(&self) -> Vec<usize> {
        self.target.map(|target| self.reachable_from(target)).unwrap_or_default()
    }

    /// Every package-manager command of every `RUN`, in step order ([`RunFacts::installs`]).
    ///
    /// ```
    /// use dockwright::analysis::{analyze, Manager};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::python("3.12").slim()).run("pip install flask==3.0.0").run("apk add git"));
    /// let managers: Vec<Manager> = analyze(&image.to_model().unwrap()).installs().map(|i| i.manager).collect();
    /// assert_eq!(managers, [Manager::Pip, Manager::Apk]);
    /// ```
    pub fn installs(&self) -> impl Iterator<Item = &Install> {
        self.steps.iter().filter_map(|step| step.run.as_ref()).flat_map(|run| run.installs.iter())
    }

    /// Every build target the Dockerfile offers, in stage order: each named stage (`--target <name>`
    /// can select any of them), and [`Target::Default`] last when the last stage has no name (a stage
    /// without a name cannot be selected, but it is what `docker build` builds by default).
    ///
    /// ```
    /// use dockwright::analysis::{analyze, Target};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// let runtime = image.stage(Stage::new("runtime", Base::alpine("3.19")));
    /// image.stage(Stage::new("dev", &runtime).env("MODE", "dev"));
    /// image.stage(Stage::new("prod", &runtime).env("MODE", "prod"));
    /// let analysis = analyze(&image.to_model().unwrap());
    /// assert_eq!(analysis.targets(), [Target::stage("runtime"), Target::stage("dev"), Target::stage("prod")]);
    /// ```
    pub fn targets(&self) -> Vec<Target> {
        let mut targets: Vec<Target> =
            self.stages.iter().filter_map(|stage| stage.name.clone().map(Target::Stage)).collect();
        if self.stages.last().is_some_and(|last| last.name.is_none()) {
            targets.push(Target::Default);
        }
        targets
    }

    /// The stage index of a build target, or an error naming the target and the stages that can be
    /// built (stage names are matched as BuildKit matches `--target`: ignoring ASCII case).
    ///
    /// ```
    /// use dockwright::analysis::{analyze, Target};
    /// use dockwright::{Base, ErrorKind, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("dev", Base::alpine("3.19")));
    /// image.stage(Stage::new("prod", Base::alpine("3.19")));
    /// let analysis = analyze(&image.to_model().unwrap());
    /// assert_eq!(analysis.resolve(&Target::Default).unwrap(), 1);
    /// assert_eq!(analysis.resolve(&Target::stage("dev")).unwrap(), 0);
    /// let err = analysis.resolve(&Target::stage("devel")).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::NoStage);
    /// assert_eq!(err.to_string(), "build target 'devel' is not a stage: use one of 'dev', 'prod'");
    /// ```
    pub fn resolve(&self, target: &Target) -> Result<usize, Error> {
        match target {
            Target::Default => self.target().ok_or_else(|| {
                Error::new(ErrorKind::NoStage, "the Dockerfile has no stages, so it has no build target: add a stage")
            }),
            Target::Stage(name) => self
                .stages
                .iter()
                .position(|stage| stage.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(name)))
                .ok_or_else(|| {
                    let names: Vec<String> =
                        self.stages.iter().filter_map(|s| s.name.as_ref()).map(|n| format!("'{n}'")).collect();
                    let help = if names.is_empty() {
                        "no stage has a name: name the stage to build with `AS <name>`".to_string()
                    } else {
                        format!("use one of {}", names.join(", "))
                    };
                    Error::new(ErrorKind::NoStage, format!("build target '{name}' is not a stage: {help}"))
                }),
        }
    }

    /// The name reports use for a stage: its `AS` name, or `stage <index>` when it has none.
    ///
    /// ```
    /// use dockwright::analysis::analyze;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// let analysis = analyze(&image.to_model().unwrap());
    /// assert_eq!((analysis.stage_name(0), analysis.stage_name(3)), ("app".to_string(), "stage 3".to_string()));
    /// ```
    pub fn stage_name(&self, stage: usize) -> String {
        label::stage_name(self.stages.get(stage).and_then(|s| s.name.as_deref()), stage)
    }

    /// A label for a stage's `FROM` line, for reports about whole stages.
    ///
    /// ```
    /// use dockwright::analysis::analyze;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// let base = image.stage(Stage::new("base", Base::alpine("3.19")));
    /// image.stage(Stage::new("app", &base));
    /// let analysis = analyze(&image.to_model().unwrap());
    /// assert_eq!(analysis.stage_label(0).to_string(), "base: FROM alpine:3.19");
    /// assert_eq!(analysis.stage_label(1).to_string(), "app: FROM base");
    /// ```
    pub fn stage_label(&self, stage: usize) -> StepLabel {
        let base = match self.stages.get(stage).map(|s| &s.base) {
            Some(StageBase::Image(image)) => image.clone(),
            Some(StageBase::Stage(base)) => self.stage_name(*base),
            None => String::new(),
        };
        StepLabel::from_line(self.stage_name(stage), &base)
    }

    /// The index of the stage named `name`.
    ///
    /// ```
    /// use dockwright::analysis::analyze;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("a", Base::alpine("3.19")));
    /// let analysis = analyze(&image.to_model().unwrap());
    /// assert_eq!((analysis.stage_index("a"), analysis.stage_index("b")), (Some(0), None));
    /// ```
    pub fn stage_index(&self, name: &str) -> Option<usize> {
        self.stages.iter().position(|stage| stage.name.as_deref() == Some(name))
    }

    /// The step at `location`, if that instruction is one (comments are not).
    ///
    /// ```
    /// use dockwright::analysis::{analyze, Location};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).comment("setup").run("true"));
    /// let analysis = analyze(&image.to_model().unwrap());
    /// assert_eq!(analysis.step_at(Location { stage: 0, instruction: 1 }).unwrap().keyword, "RUN");
    /// assert!(analysis.step_at(Location { stage: 0, instruction: 0 }).is_none());
    /// ```
    pub fn step_at(&self, location: Location) -> Option<&Step> {
        let stage = self.stages.get(location.stage)?;
        stage.steps.iter().map(|&step| &self.steps[step]).find(|step| step.location == location)
    }

    /// Per stage, the global ARGs its chain's base image is read with: those of its own `FROM` line and
    /// of the stages it is built on (a chain starts at the first `FROM` that names an image), sorted.
    /// A `--build-arg` for one of them may change the image the stage starts from.
    pub(crate) fn origin_args(&self) -> Vec<Vec<&str>> {
        let mut origin_args: Vec<Vec<&str>> = Vec::with_capacity(self.stages.len());
        for info in &self.stages {
            let mut args: Vec<&str> = info.base_args.iter().map(String::as_str).collect();
            if let StageBase::Stage(base) = info.base {
                args.extend(origin_args.get(base).into_iter().flatten().copied());
            }
            args.sort_unstable();
            args.dedup();
            origin_args.push(args);
        }
        origin_args
    }

    /// The stages building `target` needs, itself included, in index order: its base stage and every
    /// stage it copies or mounts from, transitively. Out-of-range targets give an empty list.
    ///
    /// ```
    /// use dockwright::analysis::analyze;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// let deps = image.stage(Stage::new("deps", Base::alpine("3.19")));
    /// image.stage(Stage::new("unused", Base::alpine("3.19")));
    /// image.stage(Stage::new("app", &deps));
    /// let analysis = analyze(&image.to_model().unwrap());
    /// assert_eq!(analysis.reachable_from(2), vec![0, 2]);
    /// assert_eq!(analysis.reachable_from(1), vec![1]);
    /// assert!(analysis.reachable_from(9).is_empty());
    /// ```
    pub fn reachable_from(&self, target: usize) -> Vec<usize> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![target];
        while let Some(stage) = todo.pop() {
            let Some(info) = self.stages.get(stage) else { continue };
            if seen.insert(stage) {
                todo.extend(info.dependencies());
            }
        }
        seen.into_iter().collect()
    }

    /// The layer step a stage's result ends with, following `FROM <stage>` when the stage itself has
    /// no layer step; `None` when the stage's result is its base image unchanged.
    ///
    /// ```
    /// use dockwright::analysis::analyze;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// let base = image.stage(Stage::new("base", Base::alpine("3.19")).run("true").env("A", "1"));
    /// image.stage(Stage::new("app", &base).env("B", "2"));
    /// let analysis = analyze(&image.to_model().unwrap());
    /// assert_eq!(analysis.tip(1), Some(0));
    /// ```
    pub fn tip(&self, stage: usize) -> Option<usize> {
        match self.stages.get(stage)?.tip {
            Parent::Step(step) => Some(step),
            _ => None,
        }
    }
}

/// A build target: the stage `docker build` builds, by name (`--target <name>`) or the default (the
/// last stage). Reports and the optimizer take one; `&str` and `String` convert into
/// [`Target::Stage`].
///
/// ```
/// use dockwright::analysis::Target;
///
/// assert_eq!(Target::from("dev"), Target::stage("dev"));
/// assert_eq!(Target::default(), Target::Default);
/// assert_eq!(Target::stage("dev").to_string(), "target 'dev'");
/// assert_eq!(Target::Default.to_string(), "the default target");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[non_exhaustive]
pub enum Target {
    /// The last stage: what `docker build` builds without `--target`.
    #[default]
    Default,
    /// The stage `--target <name>` selects.
    Stage(String),
}

impl Target {
    /// The stage called `name`.
    ///
    /// ```
    /// assert_eq!(dockwright::analysis::Target::stage("prod"), dockwright::analysis::Target::Stage("prod".into()));
    /// ```
    pub fn stage(name: impl Into<String>) -> Self {
        Target::Stage(name.into())
    }
}

impl From<&str> for Target {
    fn from(name: &str) -> Self {
        Target::stage(name)
    }
}

impl From<String> for Target {
    fn from(name: String) -> Self {
        Target::Stage(name)
    }
}

impl From<&Target> for Target {
    fn from(target: &Target) -> Self {
        target.clone()
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Default => f.write_str("the default target"),
            Target::Stage(name) => write!(f, "target '{name}'"),
        }
    }
}

/// One stage in the graph.
///
/// ```
/// use dockwright::analysis::{analyze, DependencyKind, StageBase, StageDependency};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// let base = image.stage(Stage::new("base", Base::alpine("3.19")));
/// image.stage(Stage::new("app", &base));
/// let analysis = analyze(&image.to_model().unwrap());
/// let app = &analysis.stages()[1];
/// assert_eq!(app.base, StageBase::Stage(0));
/// assert_eq!(app.depends_on, [StageDependency { stage: 0, kind: DependencyKind::Base, paths: vec![] }]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StageInfo {
    /// Index in the Dockerfile.
    pub index: usize,
    /// `AS name`, if any.
    pub name: Option<String>,
    /// What the stage starts from.
    pub base: StageBase,
    /// The global ARGs its `FROM` line reads, sorted ([`Dockerfile::from_args`]): a `--build-arg` for one
    /// of them may change the image it starts from.
    pub base_args: Vec<String>,
    /// Every other stage it uses, in instruction order (the base stage first).
    pub depends_on: Vec<StageDependency>,
    /// Its steps: indexes into [`Analysis::steps`].
    pub steps: Vec<usize>,
    tip: Parent,
}

impl StageInfo {
    /// The distinct stages this one depends on, sorted.
    ///
    /// ```
    /// use dockwright::analysis::analyze;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// let a = image.stage(Stage::new("a", Base::alpine("3.19")));
    /// image.stage(Stage::new("b", &a).copy_from(&a, ["/x"], "/y"));
    /// assert_eq!(analyze(&image.to_model().unwrap()).stages()[1].dependencies(), vec![0]);
    /// ```
    pub fn dependencies(&self) -> Vec<usize> {
        self.depends_on.iter().map(|dep| dep.stage).collect::<BTreeSet<_>>().into_iter().collect()
    }
}

/// What a stage starts from.
///
/// ```
/// use dockwright::analysis::StageBase;
///
/// assert_ne!(StageBase::Image("alpine:3.19".into()), StageBase::Stage(0));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StageBase {
    /// An image reference as written (`scratch` included); for a `FROM` that takes it from global ARGs,
    /// the image their defaults give ([`Dockerfile::base_image`](crate::model::Dockerfile::base_image)).
    Image(String),
    /// An earlier stage, by index.
    Stage(usize),
}

/// An edge of the stage graph.
///
/// ```
/// use dockwright::analysis::{DependencyKind, StageDependency};
///
/// let dep = StageDependency { stage: 0, kind: DependencyKind::CopyFrom { instruction: 2 }, paths: vec!["/out".into()] };
/// assert_eq!(dep.paths, ["/out"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageDependency {
    /// The stage depended on.
    pub stage: usize,
    /// How.
    pub kind: DependencyKind,
    /// The paths read from it (empty for a base: all of it).
    pub paths: Vec<String>,
}

/// How a stage uses another.
///
/// ```
/// use dockwright::analysis::DependencyKind;
///
/// assert_ne!(DependencyKind::Base, DependencyKind::MountFrom { instruction: 0 });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DependencyKind {
    /// `FROM <stage>`.
    Base,
    /// `COPY --from=<stage>` at this instruction index.
    CopyFrom {
        /// Instruction index in the dependent stage.
        instruction: usize,
    },
    /// `RUN --mount=from=<stage>` at this instruction index.
    MountFrom {
        /// Instruction index in the dependent stage.
        instruction: usize,
    },
}

/// Where a step is: stage index and instruction index within the stage.
///
/// ```
/// use dockwright::analysis::Location;
///
/// assert!(Location { stage: 0, instruction: 5 } < Location { stage: 1, instruction: 0 });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// Stage index.
    pub stage: usize,
    /// Index into the stage's instructions.
    pub instruction: usize,
}

/// What kind of build step an instruction is.
///
/// ```
/// use dockwright::analysis::{analyze, StepKind};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")).run("true").copy(["a"], "/a").label("k", "v"));
/// let kinds: Vec<_> = analyze(&image.to_model().unwrap()).steps().iter().map(|s| s.kind).collect();
/// assert_eq!(kinds, [StepKind::Run, StepKind::Copy, StepKind::Config]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StepKind {
    /// `RUN`: executes a command, makes a layer.
    Run,
    /// `COPY`: makes a layer from files.
    Copy,
    /// `ADD`: makes a layer from files, URLs or repositories.
    Add,
    /// Everything else: edits the image config (or nothing), makes no layer.
    Config,
}

/// What a raw instruction with `keyword` is to the build: `RUN`, `COPY` and `ADD` make a layer of
/// their kind; every other keyword only changes the image's configuration.
pub(crate) fn raw_step_kind(keyword: &str) -> StepKind {
    match keyword.to_ascii_uppercase().as_str() {
        "RUN" => StepKind::Run,
        "COPY" => StepKind::Copy,
        "ADD" => StepKind::Add,
        _ => StepKind::Config,
    }
}

/// One instruction as the builder sees it.
///
/// ```
/// use dockwright::analysis::analyze;
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")).arg("V").run("echo $V"));
/// let analysis = analyze(&image.to_model().unwrap());
/// let run = &analysis.steps()[1];
/// assert!(run.layer && !analysis.steps()[0].layer);
/// assert_eq!(run.key.as_ref().unwrap().args, ["V"]);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Step {
    /// Where it is.
    pub location: Location,
    /// The instruction keyword (`RUN`, `COPY`, ...).
    pub keyword: String,
    /// Its stage and instruction for a reader (`runtime: RUN pip install ...`).
    pub label: StepLabel,
    /// What kind of step.
    pub kind: StepKind,
    /// Whether it makes a filesystem layer (RUN, COPY, ADD).
    pub layer: bool,
    /// What it reads.
    pub reads: Reads,
    /// What it writes.
    pub writes: Writes,
    /// The variables in scope just before it, ENV then ARG, each in declaration order.
    pub scope: Vec<ScopedVar>,
    /// Its cache-key inputs; `None` for config steps, which have no key of their own.
    pub key: Option<CacheKey>,
    /// For a `RUN`: its shell commands, package installs and write set.
    pub run: Option<RunFacts>,
}

impl Step {
    /// Whether the step only sets image metadata that no `RUN`, `COPY` or `ADD` of the build reads:
    /// `EXPOSE`, `LABEL`, `CMD`, `ENTRYPOINT`, `HEALTHCHECK`, `STOPSIGNAL`, `ONBUILD` (its trigger runs
    /// in a later build, wherever it was declared). Such a step can trade places with a build step
    /// without changing what either does. `ENV`, `ARG`, `USER`, `WORKDIR` and `SHELL` are read by later
    /// steps (environment, user, working directory, shell), and `VOLUME` is too: the classic builder
    /// discards what later steps write under a volume. Unmodelled instructions are assumed to matter.
    ///
    /// ```
    /// use dockwright::analysis::analyze;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).expose(80).label("a", "b").volume("/data").user("1").run("true"));
    /// let only: Vec<bool> = analyze(&image.to_model().unwrap()).steps().iter().map(|s| s.metadata_only()).collect();
    /// assert_eq!(only, [true, true, false, false, false]);
    /// ```
    pub fn metadata_only(&self) -> bool {
        self.kind == StepKind::Config
            && self.writes.paths.is_empty()
            && !self.writes.any_path
            && self.writes.env.is_empty()
            && self.writes.args.is_empty()
            && self.writes.config.iter().all(|key| {
                matches!(
                    key,
                    ConfigKey::Label(_)
                        | ConfigKey::ExposedPorts
                        | ConfigKey::Cmd
                        | ConfigKey::Entrypoint
                        | ConfigKey::Healthcheck
                        | ConfigKey::StopSignal
                        | ConfigKey::OnBuild
                )
            })
            && !self.writes.config.is_empty()
    }
}

/// What a step reads.
///
/// ```
/// use dockwright::analysis::analyze;
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")).workdir("/app").user("10001").copy(["src/"], "./src/"));
/// let analysis = analyze(&image.to_model().unwrap());
/// let reads = &analysis.steps()[2].reads;
/// assert_eq!(reads.context[0].pattern, "src/");
/// assert_eq!((reads.workdir.as_deref(), reads.user.as_deref()), (Some("/app"), Some("10001")));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Reads {
    /// Build-context path patterns (COPY/ADD sources, context bind mounts).
    pub context: Vec<ContextRead>,
    /// Earlier stages and the paths taken from them.
    pub stages: Vec<StageRead>,
    /// Images read directly (`COPY --from=<image>`, mounts from images).
    pub images: Vec<String>,
    /// Remote sources (`ADD <url>`).
    pub remote: Vec<String>,
    /// Variables it reads: for RUN every variable in scope (they are its environment), otherwise the
    /// ones its values reference.
    pub vars: Vec<String>,
    /// The working directory in effect (`None`: the base image's, unknown here).
    pub workdir: Option<String>,
    /// The user in effect (`None`: the base image's).
    pub user: Option<String>,
}

/// A read from the build context.
///
/// ```
/// use dockwright::analysis::ContextRead;
///
/// let read = ContextRead { pattern: ".".into(), excludes: vec!["*.md".into()] };
/// assert!(read.covers("app.py", &[]));
/// assert!(!read.covers("README.md", &[]));
/// assert!(!read.covers("tests/a.py", &["tests".to_string()]));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContextRead {
    /// The source pattern as written.
    pub pattern: String,
    /// `--exclude` patterns.
    pub excludes: Vec<String>,
}

impl ContextRead {
    /// Whether this read includes the context path `path` given the `.dockerignore` lines: the pattern
    /// covers it (a directory covers everything under it), no `--exclude` does, and it is not ignored.
    ///
    /// ```
    /// use dockwright::analysis::ContextRead;
    ///
    /// let read = ContextRead { pattern: "src/".into(), excludes: vec![] };
    /// assert!(read.covers("src/pkg/a.py", &[]));
    /// assert!(!read.covers("app.py", &[]));
    /// ```
    pub fn covers(&self, path: &str, dockerignore: &[String]) -> bool {
        glob::source_covers(&self.pattern, path)
            && !self.excludes.iter().any(|exclude| glob::pattern_covers(exclude, path))
            && !glob::ignored(dockerignore, path)
    }
}

/// A read from another stage.
///
/// ```
/// use dockwright::analysis::StageRead;
///
/// assert_eq!(StageRead { stage: 0, paths: vec!["/opt/venv".into()] }.paths.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StageRead {
    /// The stage.
    pub stage: usize,
    /// The paths read from it (`/` for a whole-stage mount).
    pub paths: Vec<String>,
}

/// What a step writes.
///
/// ```
/// use dockwright::analysis::{analyze, ConfigKey};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")).workdir("/app").copy(["a.py"], "./").env("A", "1").expose(80));
/// let steps = analyze(&image.to_model().unwrap()).steps().to_vec();
/// assert_eq!(steps[1].writes.paths, ["/app/a.py"]);
/// assert_eq!(steps[2].writes.env, ["A"]);
/// assert_eq!(steps[3].writes.config, [ConfigKey::ExposedPorts]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Writes {
    /// Filesystem paths it writes, absolute.
    pub paths: Vec<String>,
    /// Whether it may write anywhere else too (RUN).
    pub any_path: bool,
    /// ENV keys it sets.
    pub env: Vec<String>,
    /// ARG names it declares.
    pub args: Vec<String>,
    /// Image-config keys it sets.
    pub config: Vec<ConfigKey>,
}

/// An image-config key a step sets.
///
/// ```
/// use dockwright::analysis::ConfigKey;
///
/// assert_eq!(ConfigKey::Label("a".into()), ConfigKey::Label("a".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ConfigKey {
    /// A label.
    Label(String),
    /// `USER`.
    User,
    /// `WORKDIR`.
    Workdir,
    /// `EXPOSE`.
    ExposedPorts,
    /// `VOLUME`.
    Volumes,
    /// `HEALTHCHECK`.
    Healthcheck,
    /// `CMD`.
    Cmd,
    /// `ENTRYPOINT`.
    Entrypoint,
    /// `SHELL`.
    Shell,
    /// `STOPSIGNAL`.
    StopSignal,
    /// `ONBUILD` triggers.
    OnBuild,
    /// An instruction dockwright does not model, by keyword.
    Other(String),
}

/// A variable in scope.
///
/// ```
/// use dockwright::analysis::{analyze, ScopedVar, VarKind};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")).arg_default("V", "1").run("true"));
/// let analysis = analyze(&image.to_model().unwrap());
/// assert_eq!(analysis.steps()[1].scope, [ScopedVar { name: "V".into(), kind: VarKind::Arg, value: Some("1".into()) }]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopedVar {
    /// The name.
    pub name: String,
    /// ENV or ARG.
    pub kind: VarKind,
    /// The value as far as the Dockerfile knows it (`None`: an ARG with no default, set only by
    /// `--build-arg`); references to variables the base image sets stay as `${NAME}`.
    pub value: Option<String>,
}

/// Whether a variable comes from ENV or ARG.
///
/// ```
/// assert_ne!(dockwright::analysis::VarKind::Env, dockwright::analysis::VarKind::Arg);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VarKind {
    /// `ENV`: part of the image.
    Env,
    /// `ARG`: build time only.
    Arg,
}

/// A step's cache-key inputs (see the module docs for the rules).
///
/// ```
/// use dockwright::analysis::{analyze, Parent};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")).run("apk add --no-cache curl").run("true"));
/// let analysis = analyze(&image.to_model().unwrap());
/// let first = analysis.steps()[0].key.clone().unwrap();
/// assert_eq!(first.parent, Parent::Image("alpine:3.19".into()));
/// assert_eq!(first.command.as_deref(), Some(r#"["/bin/sh","-c","apk add --no-cache curl"]"#));
/// assert_eq!(analysis.steps()[1].key.as_ref().unwrap().parent, Parent::Step(0));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CacheKey {
    /// What the step builds on.
    pub parent: Parent,
    /// Whether the key includes the parent's key (false for `COPY --link`, which is rebased).
    pub chains_parent: bool,
    /// RUN: the exact argv, shell prefix included, as a JSON array.
    pub command: Option<String>,
    /// RUN: the environment, `NAME=value` (ENV, then ARGs that have a value), sorted by name.
    pub env: Vec<String>,
    /// The build args whose value enters the key, sorted: for RUN every ARG in scope and those the
    /// environment and working directory were computed from; for COPY/ADD those a relative destination
    /// was resolved with.
    pub args: Vec<String>,
    /// RUN: working directory and user; COPY/ADD: flags and the resolved destination.
    pub options: Vec<String>,
    /// RUN: its mounts, as JSON.
    pub mounts: Vec<String>,
    /// Content-hashed inputs.
    pub content: Vec<ContentInput>,
}

/// The state a step builds on.
///
/// ```
/// use dockwright::analysis::Parent;
///
/// assert_eq!(Parent::default(), Parent::Scratch);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Parent {
    /// Empty (`FROM scratch`).
    #[default]
    Scratch,
    /// A base image, as written.
    Image(String),
    /// An earlier layer step, by index into [`Analysis::steps`].
    Step(usize),
}

/// An input whose content (not name) enters a key.
///
/// ```
/// use dockwright::analysis::{ContentInput, ContextRead};
///
/// let input = ContentInput::Context(ContextRead { pattern: "a".into(), excludes: vec![] });
/// assert!(matches!(input, ContentInput::Context(_)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ContentInput {
    /// Files from the build context.
    Context(ContextRead),
    /// Files from a stage's result.
    Stage(StageRead),
    /// Files from an image.
    Image(String),
    /// A URL or repository, keyed on what it serves.
    Remote(String),
    /// An inline file (heredoc): its text is part of the operation.
    Inline,
}

// ---------------------------------------------------------------------------------------------------
// The walk.

#[derive(Debug, Clone, Default)]
struct ScopeState {
    env: Vec<(String, Known)>,
    args: Vec<(String, Known)>,
    workdir: Option<Known>,
    user: Option<String>,
    shell: Option<Vec<String>>,
}

/// A value as far as it is known, with the build args it was computed from.
#[derive(Debug, Clone, Default)]
struct Known {
    value: Option<String>,
    args: BTreeSet<String>,
}

impl ScopeState {
    fn env(&self, name: &str) -> Option<&Known> {
        self.env.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
    fn arg(&self, name: &str) -> Option<&Known> {
        self.args.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
    fn set(list: &mut Vec<(String, Known)>, name: &str, known: Known) {
        match list.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = known,
            None => list.push((name.to_string(), known)),
        }
    }

    /// Expands a value: ENV wins over ARG (reference.md, "Using ARG variables"); unknown names stay
    /// as `${NAME}` (the base image may set them).
    fn expand(&self, value: &Value) -> Known {
        let mut out = String::new();
        let mut args = BTreeSet::new();
        for part in value.parts() {
            match part {
                Part::Literal(text) => out.push_str(text.as_str()),
                Part::Var(name) => {
                    let name = name.as_str();
                    if let Some(known) = self.env(name) {
                        out.push_str(known.value.as_deref().unwrap_or_default());
                        args.extend(known.args.iter().cloned());
                    } else if let Some(known) = self.arg(name) {
                        out.push_str(known.value.as_deref().unwrap_or_default());
                        args.insert(name.to_string());
                    } else {
                        out.push_str(&format!("${{{name}}}"));
                    }
                }
                #[allow(unreachable_patterns)]
                _ => {}
            }
        }
        Known { value: Some(out), args }
    }

    fn vars(&self) -> Vec<ScopedVar> {
        let env = self.env.iter().map(|(name, known)| (name, VarKind::Env, known));
        let args = self.args.iter().map(|(name, known)| (name, VarKind::Arg, known));
        env.chain(args)
            .map(|(name, kind, known)| ScopedVar { name: name.clone(), kind, value: known.value.clone() })
            .collect()
    }

    fn workdir(&self) -> Option<String> {
        self.workdir.as_ref().and_then(|known| known.value.clone())
    }

    /// Resolves a destination against the working directory.
    fn resolve(&self, dest: &str) -> String {
        let dir = self.workdir().unwrap_or_else(|| "/".to_string());
        resolve_path(&dir, dest)
    }
}

/// `path` resolved against the absolute directory `dir`, in canonical absolute form (`/a/b`, `/`):
/// no `.`, `..`, empty components or trailing `/`. The one path resolver that analysis, passes and the
/// estimator share.
pub(crate) fn resolve_path(dir: &str, path: &str) -> String {
    // Most paths are already canonical, or one plain name in a canonical directory.
    let plain_name = |name: &[u8]| !name.is_empty() && name != b"." && name != b".." && !name.contains(&b'/');
    let canonical = |p: &str| {
        p == "/" || (p.starts_with('/') && !p.ends_with('/') && p.as_bytes()[1..].split(|&b| b == b'/').all(plain_name))
    };
    if canonical(path) {
        return path.to_string();
    }
    if plain_name(path.as_bytes()) && canonical(dir) {
        return if dir == "/" { ["/", path].concat() } else { [dir, "/", path].concat() };
    }
    // One pass, one allocation: `/` + each component; `..` drops the last one (never above `/`).
    let mut resolved = String::with_capacity(dir.len() + path.len() + 1);
    let start = if path.starts_with('/') { None } else { Some(dir) };
    for part in start.into_iter().chain([path]).flat_map(|text| text.split('/')) {
        match part {
            "" | "." => {}
            ".." => resolved.truncate(resolved.rfind('/').unwrap_or(0)),
            part => {
                resolved.push('/');
                resolved.push_str(part);
            }
        }
    }
    if resolved.is_empty() {
        resolved.push('/');
    }
    resolved
}

/// Whether `inner` is `outer` or inside it (both absolute and canonical, as [`resolve_path`] gives).
pub(crate) fn within(inner: &str, outer: &str) -> bool {
    outer == "/" || inner == outer || inner.strip_prefix(outer).is_some_and(|rest| rest.starts_with('/'))
}

/// The stages by name, and what each stage starts from: the one place a `FROM <name>` or a
/// `--from=<name>` is resolved to a stage, for the analysis and the size estimator alike. BuildKit
/// resolves a name to a stage defined before the one using it (the latest of that name); a name that
/// is no earlier stage is an image. Built in one pass over the stages; a lookup is a hash lookup, so
/// resolving every reference of a file costs time linear in its size.
pub(crate) struct StageIndex<'a> {
    dockerfile: &'a Dockerfile,
    /// Each name's stages, in Dockerfile order.
    by_name: std::collections::HashMap<&'a str, Vec<usize>>,
}

impl<'a> StageIndex<'a> {
    pub(crate) fn new(dockerfile: &'a Dockerfile) -> Self {
        let mut by_name: std::collections::HashMap<&'a str, Vec<usize>> = std::collections::HashMap::new();
        for (index, stage) in dockerfile.stages.iter().enumerate() {
            if let Some(name) = stage.name() {
                by_name.entry(name).or_default().push(index);
            }
        }
        StageIndex { dockerfile, by_name }
    }

    /// The latest stage named `name` among the stages before `before`.
    pub(crate) fn lookup(&self, name: &str, before: usize) -> Option<usize> {
        let stages = self.by_name.get(name)?;
        let earlier = stages.partition_point(|&stage| stage < before);
        earlier.checked_sub(1).map(|last| stages[last])
    }

    /// What the stage at `index` starts from: an earlier stage of that name, else the image as written.
    /// The one place a `FROM` is resolved; everything about a stage's start (scope, parent, graph
    /// edge, labels, the estimator's base size) follows from its result.
    pub(crate) fn base(&self, index: usize, base: &BaseImage) -> StageBase {
        match base {
            BaseImage::Stage(name) => match self.lookup(name.as_str(), index) {
                Some(stage) => StageBase::Stage(stage),
                None => StageBase::Image(name.to_string()),
            },
            BaseImage::Image(_) | BaseImage::Template(_) => {
                // A template is the image its global ARG defaults give (as written if they give none).
                match self.dockerfile.base_image(base) {
                    Some(Ok(image)) => StageBase::Image(image.to_string()),
                    _ => StageBase::Image(base.to_string()),
                }
            }
        }
    }
}

struct Analyzer<'a> {
    dockerfile: &'a Dockerfile,
    index: StageIndex<'a>,
    globals: Vec<(String, Option<String>)>,
    stages: Vec<StageInfo>,
    finals: Vec<ScopeState>,
    steps: Vec<Step>,
}

impl<'a> Analyzer<'a> {
    fn new(dockerfile: &'a Dockerfile) -> Self {
        let globals = dockerfile
            .args
            .iter()
            .map(|arg| {
                // Global ARGs may only reference earlier global ARGs.
                let value = arg.default.as_ref().map(|value| value.to_string());
                (arg.name.as_str().to_string(), value)
            })
            .collect();
        let index = StageIndex::new(dockerfile);
        Analyzer { dockerfile, index, globals, stages: Vec::new(), finals: Vec::new(), steps: Vec::new() }
    }

    /// A stage by name, among the stages before `before` (BuildKit resolves names to earlier stages;
    /// a name that is not a stage is an image).
    fn lookup(&self, name: &str, before: usize) -> Option<usize> {
        self.index.lookup(name, before)
    }

    fn run(mut self) -> Analysis {
        for (index, stage) in self.dockerfile.stages.iter().enumerate() {
            let base = self.index.base(index, &stage.from.base);
            let (mut scope, mut parent, mut depends_on) = match &base {
                StageBase::Stage(base) => (
                    self.finals[*base].clone(),
                    self.stages[*base].tip.clone(),
                    vec![StageDependency { stage: *base, kind: DependencyKind::Base, paths: Vec::new() }],
                ),
                StageBase::Image(image) => (ScopeState::default(), image_parent(image), vec![]),
            };
            let mut step_ids = Vec::new();
            for (position, instruction) in stage.instructions.iter().enumerate() {
                if matches!(instruction, Instruction::Comment(_)) {
                    continue;
                }
                let location = Location { stage: index, instruction: position };
                let step = self.step(location, instruction, &mut scope, &parent, &mut depends_on);
                if step.layer {
                    parent = Parent::Step(self.steps.len());
                }
                step_ids.push(self.steps.len());
                self.steps.push(step);
            }
            self.stages.push(StageInfo {
                index,
                name: stage.name().map(str::to_string),
                base,
                base_args: self.dockerfile.from_args(&stage.from),
                depends_on,
                steps: step_ids,
                tip: parent,
            });
            self.finals.push(scope);
        }
        let target = self.stages.len().checked_sub(1);
        Analysis { stages: self.stages, steps: self.steps, target }
    }

    fn stage_read(&self, from: &FromSource, before: usize, paths: Vec<String>) -> Result<StageRead, String> {
        match from {
            FromSource::Stage(name) => match self.lookup(name.as_str(), before) {
                Some(stage) => Ok(StageRead { stage, paths }),
                None => Err(name.to_string()),
            },
            FromSource::Image(image) => Err(image.to_string()),
            #[allow(unreachable_patterns)]
            other => Err(other.to_string()),
        }
    }

    fn step(
        &self,
        location: Location,
        instruction: &Instruction,
        scope: &mut ScopeState,
        parent: &Parent,
        depends_on: &mut Vec<StageDependency>,
    ) -> Step {
        let vars = scope.vars();
        let mut reads = Reads { workdir: scope.workdir(), user: scope.user.clone(), ..Reads::default() };
        let mut writes = Writes::default();
        let mut key = None;
        let mut run_facts = None;
        let kind = match instruction {
            Instruction::Run(run) => {
                key = Some(self.run_key(location, run, scope, parent, &mut reads, depends_on));
                let facts = run::facts(run, location, scope.workdir().as_deref());
                match facts.writes.all() {
                    Some(paths) => writes.paths = paths,
                    None => writes.any_path = true,
                }
                run_facts = Some(facts);
                StepKind::Run
            }
            Instruction::Copy(copy) => {
                key = Some(self.copy_key(location, copy, scope, parent, &mut reads, &mut writes, depends_on));
                StepKind::Copy
            }
            Instruction::Add(add) => {
                key = Some(add_key(add, scope, parent, &mut reads, &mut writes));
                StepKind::Add
            }
            Instruction::Env(env) => {
                for (name, value) in &env.vars {
                    reads.vars.extend(value.vars().map(|v| v.as_str().to_string()));
                    // Each pair sees the environment before the instruction (reference.md, "ENV").
                    let known = scope.expand(value);
                    writes.env.push(name.as_str().to_string());
                    ScopeState::set(&mut scope.env, name.as_str(), known);
                }
                StepKind::Config
            }
            Instruction::Arg(arg) => {
                let name = arg.name.as_str();
                let mut known = match &arg.default {
                    Some(value) => scope.expand(value),
                    None => Known {
                        value: self.globals.iter().find(|(n, _)| n == name).and_then(|(_, v)| v.clone()),
                        args: BTreeSet::new(),
                    },
                };
                if let Some(value) = &arg.default {
                    reads.vars.extend(value.vars().map(|v| v.as_str().to_string()));
                }
                known.args.insert(name.to_string());
                writes.args.push(name.to_string());
                ScopeState::set(&mut scope.args, name, known);
                StepKind::Config
            }
            Instruction::Label(label) => {
                for (name, value) in &label.labels {
                    reads.vars.extend(value.vars().map(|v| v.as_str().to_string()));
                    writes.config.push(ConfigKey::Label(name.as_str().to_string()));
                }
                StepKind::Config
            }
            Instruction::User(user) => {
                scope.user = Some(user.user.as_str().to_string());
                writes.config.push(ConfigKey::User);
                StepKind::Config
            }
            Instruction::Workdir(workdir) => {
                reads.vars.extend(workdir.path.vars().map(|v| v.as_str().to_string()));
                let mut known = scope.expand(&workdir.path);
                let base = scope.workdir().unwrap_or_else(|| "/".to_string());
                if let Some(path) = known.value.take() {
                    known.value = Some(resolve_path(&base, &path));
                }
                if let Some(previous) = &scope.workdir {
                    if !workdir.path.to_string().starts_with('/') {
                        known.args.extend(previous.args.iter().cloned());
                    }
                }
                writes.paths.extend(known.value.clone());
                writes.config.push(ConfigKey::Workdir);
                scope.workdir = Some(known);
                StepKind::Config
            }
            Instruction::Expose(_) => config(&mut writes, ConfigKey::ExposedPorts),
            Instruction::Volume(_) => config(&mut writes, ConfigKey::Volumes),
            Instruction::Healthcheck(_) => config(&mut writes, ConfigKey::Healthcheck),
            Instruction::Cmd(_) => config(&mut writes, ConfigKey::Cmd),
            Instruction::Entrypoint(_) => config(&mut writes, ConfigKey::Entrypoint),
            Instruction::Shell(shell) => {
                scope.shell = Some(shell.argv.iter().map(|arg| arg.as_str().to_string()).collect());
                config(&mut writes, ConfigKey::Shell)
            }
            Instruction::StopSignal(_) => config(&mut writes, ConfigKey::StopSignal),
            Instruction::OnBuild(_) => config(&mut writes, ConfigKey::OnBuild),
            Instruction::Raw(raw) => match raw_step_kind(raw.keyword.as_str()) {
                StepKind::Run => {
                    let run = Run::new(Command::Exec(Vec::new()));
                    let mut run_key = self.run_key(location, &run, scope, parent, &mut reads, depends_on);
                    run_key.command = Some(raw.args.as_str().to_string());
                    key = Some(run_key);
                    writes.any_path = true;
                    StepKind::Run
                }
                // An unmodelled COPY/ADD: assume it reads the whole context.
                kind @ (StepKind::Copy | StepKind::Add) => {
                    let read = ContextRead { pattern: ".".to_string(), excludes: Vec::new() };
                    reads.context.push(read.clone());
                    writes.any_path = true;
                    key = Some(CacheKey {
                        parent: parent.clone(),
                        chains_parent: true,
                        options: vec![raw.args.as_str().to_string()],
                        content: vec![ContentInput::Context(read)],
                        ..CacheKey::default()
                    });
                    kind
                }
                StepKind::Config => config(&mut writes, ConfigKey::Other(raw.keyword.as_str().to_ascii_uppercase())),
            },
            _ => StepKind::Config,
        };
        reads.vars.sort();
        reads.vars.dedup();
        let stage_name = label::stage_name(self.dockerfile.stages[location.stage].name(), location.stage);
        Step {
            location,
            keyword: instruction.keyword().to_string(),
            label: StepLabel::new(stage_name, instruction),
            kind,
            layer: kind != StepKind::Config,
            reads,
            writes,
            scope: vars,
            key,
            run: run_facts,
        }
    }

    fn run_key(
        &self,
        location: Location,
        run: &Run,
        scope: &ScopeState,
        parent: &Parent,
        reads: &mut Reads,
        depends_on: &mut Vec<StageDependency>,
    ) -> CacheKey {
        let shell = scope.shell.clone().unwrap_or_else(|| vec!["/bin/sh".to_string(), "-c".to_string()]);
        let argv: Vec<String> = match &run.command {
            Command::Shell(script) => shell.into_iter().chain([script.shell_text()]).collect(),
            Command::Exec(argv) => argv.iter().map(|arg| arg.as_str().to_string()).collect(),
            #[allow(unreachable_patterns)]
            _ => Vec::new(),
        };
        let mut env: BTreeMap<String, String> = BTreeMap::new();
        let mut args: BTreeSet<String> = BTreeSet::new();
        for (name, known) in &scope.args {
            args.insert(name.clone());
            args.extend(known.args.iter().cloned());
            if let Some(value) = &known.value {
                env.insert(name.clone(), value.clone());
            }
        }
        for (name, known) in &scope.env {
            args.extend(known.args.iter().cloned());
            env.insert(name.clone(), known.value.clone().unwrap_or_default());
        }
        if let Some(workdir) = &scope.workdir {
            args.extend(workdir.args.iter().cloned());
        }
        reads.vars = scope.env.iter().chain(&scope.args).map(|(name, _)| name.clone()).collect();
        let mut content = Vec::new();
        let mut mounts = Vec::new();
        for mount in &run.mounts {
            mounts.push(serde_json::to_string(mount).unwrap_or_default());
            let (from, source) = match mount {
                Mount::Bind { from, source, .. } => (from.as_ref(), Some(source.as_ref())),
                Mount::Cache { from: Some(from), source, .. } => (Some(from), Some(source.as_ref())),
                _ => (None, None),
            };
            let Some(source) = source else { continue };
            let source = source.map_or_else(|| "/".to_string(), |s| s.as_str().to_string());
            match from {
                None => {
                    let read = ContextRead { pattern: context_pattern(&source), excludes: Vec::new() };
                    reads.context.push(read.clone());
                    content.push(ContentInput::Context(read));
                }
                Some(from) => match self.stage_read(from, location.stage, vec![source.clone()]) {
                    Ok(read) => {
                        depends_on.push(StageDependency {
                            stage: read.stage,
                            kind: DependencyKind::MountFrom { instruction: location.instruction },
                            paths: read.paths.clone(),
                        });
                        reads.stages.push(read.clone());
                        content.push(ContentInput::Stage(read));
                    }
                    Err(image) => {
                        reads.images.push(image.clone());
                        content.push(ContentInput::Image(image));
                    }
                },
            }
        }
        let mut options = vec![
            format!("workdir={}", scope.workdir().unwrap_or_default()),
            format!("user={}", scope.user.clone().unwrap_or_default()),
        ];
        if let Some(network) = run.network {
            options.push(format!("network={}", network.as_str()));
        }
        if let Some(security) = run.security {
            options.push(format!("security={}", security.as_str()));
        }
        CacheKey {
            parent: parent.clone(),
            chains_parent: true,
            command: Some(serde_json::to_string(&argv).unwrap_or_default()),
            env: env.into_iter().map(|(name, value)| format!("{name}={value}")).collect(),
            args: args.into_iter().collect(),
            options,
            mounts,
            content,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn copy_key(
        &self,
        location: Location,
        copy: &Copy,
        scope: &ScopeState,
        parent: &Parent,
        reads: &mut Reads,
        writes: &mut Writes,
        depends_on: &mut Vec<StageDependency>,
    ) -> CacheKey {
        let excludes: Vec<String> = copy.excludes.iter().map(|p| p.as_str().to_string()).collect();
        let mut content = Vec::new();
        let mut sources = Vec::new();
        for source in &copy.sources {
            match source {
                Source::Path(path) => sources.push(path.as_str().to_string()),
                Source::Inline(_) => content.push(ContentInput::Inline),
                #[allow(unreachable_patterns)]
                _ => content.push(ContentInput::Inline),
            }
        }
        match &copy.from {
            None => {
                for pattern in sources {
                    let read = ContextRead { pattern, excludes: excludes.clone() };
                    reads.context.push(read.clone());
                    content.push(ContentInput::Context(read));
                }
            }
            Some(from) => match self.stage_read(from, location.stage, sources.clone()) {
                Ok(read) => {
                    depends_on.push(StageDependency {
                        stage: read.stage,
                        kind: DependencyKind::CopyFrom { instruction: location.instruction },
                        paths: read.paths.clone(),
                    });
                    reads.stages.push(read.clone());
                    content.push(ContentInput::Stage(read));
                }
                Err(image) => {
                    reads.images.push(image.clone());
                    content.push(ContentInput::Image(image));
                }
            },
        }
        let dest = scope.resolve(copy.dest.as_str());
        writes.paths.extend(copy_writes(&dest, copy.dest.as_str(), &copy.sources));
        let mut options = vec![format!("dest={}", dest_option(&dest, copy.dest.as_str()))];
        options.extend(copy.chown.as_ref().map(|c| format!("chown={}", c.as_str())));
        options.extend(copy.chmod.as_ref().map(|c| format!("chmod={}", c.as_str())));
        if copy.link {
            options.push("link".to_string());
        }
        if copy.parents {
            options.push("parents".to_string());
        }
        options.extend(excludes.iter().map(|e| format!("exclude={e}")));
        CacheKey {
            parent: parent.clone(),
            chains_parent: !copy.link,
            args: dest_args(scope, copy.dest.as_str()),
            options,
            content,
            ..CacheKey::default()
        }
    }
}

fn add_key(add: &Add, scope: &ScopeState, parent: &Parent, reads: &mut Reads, writes: &mut Writes) -> CacheKey {
    let excludes: Vec<String> = add.excludes.iter().map(|p| p.as_str().to_string()).collect();
    let mut content = Vec::new();
    for source in &add.sources {
        match source {
            Source::Path(path) if is_remote(path.as_str()) => {
                reads.remote.push(path.as_str().to_string());
                content.push(ContentInput::Remote(path.as_str().to_string()));
            }
            Source::Path(path) => {
                let read = ContextRead { pattern: path.as_str().to_string(), excludes: excludes.clone() };
                reads.context.push(read.clone());
                content.push(ContentInput::Context(read));
            }
            _ => content.push(ContentInput::Inline),
        }
    }
    let dest = scope.resolve(add.dest.as_str());
    writes.paths.extend(copy_writes(&dest, add.dest.as_str(), &add.sources));
    // Archives may unpack anywhere under the destination; that is still under `dest`.
    let mut options = vec![format!("dest={}", dest_option(&dest, add.dest.as_str()))];
    options.extend(add.chown.as_ref().map(|c| format!("chown={}", c.as_str())));
    options.extend(add.chmod.as_ref().map(|c| format!("chmod={}", c.as_str())));
    options.extend(add.checksum.as_ref().map(|c| format!("checksum={}", c.as_str())));
    if add.link {
        options.push("link".to_string());
    }
    if add.keep_git_dir {
        options.push("keep-git-dir".to_string());
    }
    options.extend(add.unpack.map(|u| format!("unpack={u}")));
    options.extend(excludes.iter().map(|e| format!("exclude={e}")));
    CacheKey {
        parent: parent.clone(),
        chains_parent: !add.link,
        args: dest_args(scope, add.dest.as_str()),
        options,
        content,
        ..CacheKey::default()
    }
}

fn config(writes: &mut Writes, key: ConfigKey) -> StepKind {
    writes.config.push(key);
    StepKind::Config
}

fn image_parent(image: &str) -> Parent {
    if image == "scratch" { Parent::Scratch } else { Parent::Image(image.to_string()) }
}

/// The args a relative destination was resolved with.
fn dest_args(scope: &ScopeState, dest: &str) -> Vec<String> {
    match &scope.workdir {
        Some(workdir) if !dest.starts_with('/') => workdir.args.iter().cloned().collect(),
        _ => Vec::new(),
    }
}

/// The paths a COPY/ADD writes: the destination itself when it names a file, else each source's
/// basename under it (a directory source's contents land in the destination directly).
fn copy_writes(dest: &str, written: &str, sources: &[Source]) -> Vec<String> {
    let into_dir = written.ends_with('/') || written.ends_with("/.") || written == "." || sources.len() > 1;
    if !into_dir {
        return vec![dest.to_string()];
    }
    let mut out = Vec::new();
    for source in sources {
        let name = match source {
            Source::Path(path) => {
                let path = path.as_str();
                let cleaned = glob::clean(path);
                if cleaned.is_empty() || path.ends_with('/') || glob::has_wildcard(&cleaned) || is_remote(path) {
                    // Directory contents, wildcards and downloads: somewhere under dest.
                    dest.to_string()
                } else {
                    let base = cleaned.rsplit('/').next().unwrap_or_default().to_string();
                    resolve_path(dest, &base)
                }
            }
            _ => dest.to_string(),
        };
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// The resolved destination, keeping the trailing `/` that makes it a directory.
fn dest_option(resolved: &str, written: &str) -> String {
    if written.ends_with('/') && !resolved.ends_with('/') { format!("{resolved}/") } else { resolved.to_string() }
}

fn is_remote(path: &str) -> bool {
    path.contains("://") || path.starts_with("git@")
}

/// A bind mount's `source` as a context pattern (the context root is `.`).
fn context_pattern(source: &str) -> String {
    let cleaned = glob::clean(source);
    if cleaned.is_empty() { ".".to_string() } else { cleaned }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Base, Image, Stage};

    #[test]
    fn paths_resolve_to_canonical_absolute_form() {
        for (dir, path, expected) in [
            ("/app", "src", "/app/src"),
            ("/app", "./src/", "/app/src"),
            ("/app", "/etc//x/", "/etc/x"),
            ("/app", "..", "/"),
            ("/app", "../../..", "/"),
            ("/a/b", "../c/./d/..", "/a/c"),
            ("/", ".", "/"),
            ("/", "", "/"),
            ("", "x", "/x"),
            ("/a", "..x/y", "/a/..x/y"),
            ("/é/ü", "../ß", "/é/ß"),
        ] {
            assert_eq!(resolve_path(dir, path), expected, "{dir} + {path}");
            // The same as cleaning the joined path (how it was computed before).
            let joined = if path.starts_with('/') { path.to_string() } else { format!("{dir}/{path}") };
            assert_eq!(resolve_path(dir, path), format!("/{}", glob::clean(&joined)), "{dir} + {path}");
        }
    }

    #[test]
    fn writes_of_copy_follow_the_destination_shape() {
        let src = |p: &str| Source::path(p).unwrap();
        assert_eq!(copy_writes("/app", "./", &[src("app.py")]), ["/app/app.py"]);
        assert_eq!(copy_writes("/app/templates", "./templates/", &[src("templates/")]), ["/app/templates"]);
        assert_eq!(copy_writes("/usr/bin/x", "/usr/bin/x", &[src("build/x")]), ["/usr/bin/x"]);
        assert_eq!(copy_writes("/app", "./", &[src("*.py")]), ["/app"]);
        assert_eq!(copy_writes("/app", "./", &[src("a"), src("b")]), ["/app/a", "/app/b"]);
    }

    #[test]
    fn workdir_resolves_relative_paths_and_tracks_args() {
        let mut image = Image::new();
        image.stage(
            Stage::new("app", Base::alpine("3.19"))
                .arg_default("ROOT", "/srv")
                .workdir(Value::template("${ROOT}/app").unwrap())
                .workdir("sub")
                .copy(["a"], "./")
                .copy(["b"], "/abs/"),
        );
        let analysis = analyze(&image.to_model().unwrap());
        let steps = analysis.steps();
        assert_eq!(steps[2].writes.paths, ["/srv/app/sub"]);
        assert_eq!(steps[3].writes.paths, ["/srv/app/sub/a"]);
        assert_eq!(steps[3].key.as_ref().unwrap().args, ["ROOT"]);
        assert!(steps[4].key.as_ref().unwrap().args.is_empty());
    }

    #[test]
    fn env_referencing_an_arg_carries_it_into_run_keys() {
        let mut image = Image::new();
        image.stage(
            Stage::new("app", Base::alpine("3.19"))
                .env("PATH", Value::template("/opt/bin:${PATH}").unwrap())
                .run("true")
                .arg("V")
                .env("VERSION", Value::template("${V}").unwrap())
                .run("true"),
        );
        let analysis = analyze(&image.to_model().unwrap());
        let first = analysis.steps()[1].key.as_ref().unwrap();
        assert_eq!(first.env, ["PATH=/opt/bin:${PATH}"]);
        assert!(first.args.is_empty());
        let second = analysis.steps()[4].key.as_ref().unwrap();
        assert_eq!(second.args, ["V"]);
        assert_eq!(second.env, ["PATH=/opt/bin:${PATH}", "VERSION="]);
    }
}
