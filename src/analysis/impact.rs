//! Cache impact: which steps of a build target miss the cache after a change, and why.

use std::fmt;

use super::{Analysis, ContentInput, Location, Parent, StepLabel, Target};
use crate::error::Error;

/// What changed since the last build.
///
/// Paths are build-context paths (`src/app.py`); args are `--build-arg` names with their new value
/// (`None`: no longer set); bases are image references as written in `FROM` (a reference without a
/// tag, like `python`, matches every tag). `dockerignore` holds the context's `.dockerignore` lines:
/// an ignored path is not in the context, so changing it cannot miss anything.
///
/// ```
/// use dockwright::analysis::ChangeSet;
///
/// let changes = ChangeSet { paths: vec!["src/app.py".into()], ..ChangeSet::default() };
/// assert!(changes.args.is_empty() && changes.bases.is_empty() && changes.dockerignore.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChangeSet {
    /// Context paths whose content changed.
    pub paths: Vec<String>,
    /// Build args whose value changed.
    pub args: Vec<(String, Option<String>)>,
    /// Base images that were updated.
    pub bases: Vec<String>,
    /// The `.dockerignore` lines in effect.
    pub dockerignore: Vec<String>,
}

/// Why a step misses the cache. Steps it cites are named by their stage and instruction.
///
/// ```
/// use dockwright::analysis::{analyze, cache_impact, ChangeSet, MissReason, Target};
/// use dockwright::{Base, Image, Stage};
///
/// let reason = MissReason::BuildArgChanged { name: "VERSION".into() };
/// assert_eq!(reason.to_string(), "build arg VERSION changed");
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")).copy(["app.py"], "/app/").run("python -m compileall /app"));
/// let changes = ChangeSet { paths: vec!["app.py".into()], ..ChangeSet::default() };
/// let report = cache_impact(&analyze(&image.to_model().unwrap()), Target::Default, &changes).unwrap();
/// let reasons: Vec<String> = report.missed().map(|step| step.reasons[0].to_string()).collect();
/// assert_eq!(reasons, ["reads changed path app.py (via app.py)", "builds on `app: COPY app.py /app/`, which missed"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum MissReason {
    /// It reads a context path that changed, through this source pattern.
    ReadsChangedPath {
        /// The changed path.
        path: String,
        /// The COPY/ADD source (or bind-mount source) that includes it.
        source: String,
    },
    /// A build arg its key includes changed.
    BuildArgChanged {
        /// The arg.
        name: String,
    },
    /// The chain it builds on changed: this earlier step missed.
    ParentMissed {
        /// The nearest earlier step of the chain that missed: an index into [`Analysis::steps`].
        step: usize,
        /// That step, for a reader.
        label: StepLabel,
    },
    /// The base image its chain starts from was updated.
    BaseImageChanged {
        /// The image, as written.
        image: String,
    },
    /// It copies or mounts from a stage whose result was rebuilt.
    SourceStageMissed {
        /// The source stage.
        stage: usize,
        /// The step of that stage's chain that missed: an index into [`Analysis::steps`].
        step: usize,
        /// That step, for a reader (its stage is the source stage, or the stage it is built on).
        label: StepLabel,
    },
    /// It copies or mounts from an image that was updated.
    SourceImageChanged {
        /// The image.
        image: String,
    },
    /// The base image its chain starts from is named by a global ARG that changed
    /// ([`StageInfo::base_args`](super::StageInfo::base_args)): the build may start from another image.
    BaseArgChanged {
        /// The arg.
        name: String,
        /// The image the ARG defaults give, as in [`Parent::Image`].
        image: String,
    },
}

impl fmt::Display for MissReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MissReason::ReadsChangedPath { path, source } => write!(f, "reads changed path {path} (via {source})"),
            MissReason::BuildArgChanged { name } => write!(f, "build arg {name} changed"),
            MissReason::ParentMissed { label, .. } => write!(f, "builds on `{label}`, which missed"),
            MissReason::BaseImageChanged { image } => write!(f, "base image {image} changed"),
            MissReason::SourceStageMissed { label, .. } => {
                write!(f, "copies from a stage that was rebuilt: `{label}` missed")
            }
            MissReason::SourceImageChanged { image } => write!(f, "source image {image} changed"),
            MissReason::BaseArgChanged { name, image } => {
                write!(f, "build arg {name} changed, which names the base image ({image} by default)")
            }
        }
    }
}

/// One step's fate in a [`CacheReport`].
///
/// ```
/// use dockwright::analysis::{analyze, cache_impact, ChangeSet, Target};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")).copy(["a.txt"], "/a.txt").run("cat /a.txt"));
/// let analysis = analyze(&image.to_model().unwrap());
/// let report = cache_impact(&analysis, Target::Default, &ChangeSet::default()).unwrap();
/// assert!(!report.steps[0].miss && report.steps[0].reasons.is_empty());
/// assert_eq!(report.steps[0].to_string(), "app: COPY a.txt /a.txt: cached");
/// let changes = ChangeSet { paths: vec!["a.txt".into()], ..ChangeSet::default() };
/// let report = cache_impact(&analysis, Target::Default, &changes).unwrap();
/// assert_eq!(report.steps[1].to_string(), "app: RUN cat /a.txt: misses: builds on `app: COPY a.txt /a.txt`, which missed");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StepImpact {
    /// Index into [`Analysis::steps`].
    pub step: usize,
    /// Where it is.
    pub location: Location,
    /// Its keyword.
    pub keyword: String,
    /// Its stage and instruction, for a reader.
    pub label: StepLabel,
    /// Whether it misses the cache (config steps never do: they have no key of their own).
    pub miss: bool,
    /// Why, in a fixed order: chain, own inputs, args.
    pub reasons: Vec<MissReason>,
}

impl fmt::Display for StepImpact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.miss {
            return write!(f, "{}: cached", self.label);
        }
        let reasons: Vec<String> = self.reasons.iter().map(ToString::to_string).collect();
        write!(f, "{}: misses: {}", self.label, reasons.join("; "))
    }
}

/// Every step of the stages a build target needs, in build order, with whether it misses and why.
///
/// Its `Display` names the target and lists the steps that miss, one per line:
///
/// ```
/// use dockwright::analysis::{analyze, cache_impact, ChangeSet, Target};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")).copy(["a.txt"], "/a.txt").run("true").env("A", "1"));
/// let changes = ChangeSet { paths: vec!["a.txt".into()], ..ChangeSet::default() };
/// let report = cache_impact(&analyze(&image.to_model().unwrap()), Target::Default, &changes).unwrap();
/// assert_eq!((report.target, report.target_name.as_str()), (0, "app"));
/// assert_eq!(report.missed().count(), 2);
/// assert_eq!(
///     report.to_string(),
///     "target app: 2 of 2 layer steps miss the cache\n\
///      - app: COPY a.txt /a.txt: misses: reads changed path a.txt (via a.txt)\n\
///      - app: RUN true: misses: builds on `app: COPY a.txt /a.txt`, which missed\n"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CacheReport {
    /// The target stage, by index.
    pub target: usize,
    /// The target stage's name (`stage <index>` when it has none).
    pub target_name: String,
    /// The steps, stage by stage in index order.
    pub steps: Vec<StepImpact>,
    /// How many of the steps make a layer (the rest are config steps, which never miss).
    pub layer_steps: usize,
}

impl CacheReport {
    /// The steps that miss.
    ///
    /// ```
    /// use dockwright::analysis::CacheReport;
    ///
    /// assert_eq!(CacheReport::default().missed().count(), 0);
    /// ```
    pub fn missed(&self) -> impl Iterator<Item = &StepImpact> {
        self.steps.iter().filter(|step| step.miss)
    }

    /// The impact for the step at `location`, if the target builds it.
    ///
    /// ```
    /// use dockwright::analysis::{analyze, cache_impact, ChangeSet, Location, Target};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).run("true"));
    /// let report = cache_impact(&analyze(&image.to_model().unwrap()), Target::Default, &ChangeSet::default()).unwrap();
    /// assert!(!report.at(Location { stage: 0, instruction: 0 }).unwrap().miss);
    /// assert!(report.at(Location { stage: 1, instruction: 0 }).is_none());
    /// ```
    pub fn at(&self, location: Location) -> Option<&StepImpact> {
        self.steps.iter().find(|step| step.location == location)
    }
}

impl fmt::Display for CacheReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let missed = self.missed().count();
        let plural = if self.layer_steps == 1 { "" } else { "s" };
        writeln!(f, "target {}: {missed} of {} layer step{plural} miss the cache", self.target_name, self.layer_steps)?;
        for step in self.missed() {
            writeln!(f, "- {step}")?;
        }
        Ok(())
    }
}

/// What made a chain's state change.
#[derive(Debug, Clone)]
enum Cause {
    Step(usize),
    Image(String),
    /// The global ARGs naming the chain's base image that changed, and that image by default.
    BaseArgs(Vec<String>, String),
}

impl Cause {
    fn as_parent_reasons(&self, analysis: &Analysis) -> Vec<MissReason> {
        match self {
            Cause::Step(step) => {
                vec![MissReason::ParentMissed { step: *step, label: analysis.steps[*step].label.clone() }]
            }
            Cause::Image(image) => vec![MissReason::BaseImageChanged { image: image.clone() }],
            Cause::BaseArgs(names, image) => names
                .iter()
                .map(|name| MissReason::BaseArgChanged { name: name.clone(), image: image.clone() })
                .collect(),
        }
    }
}

/// Which steps of the stages `target` needs miss the cache after `changes`, and why (see the module
/// docs of [`crate::analysis`] for the rules). `target` is [`Target::Default`] (the last stage) or a
/// stage name; an unknown name is an error that lists the stages ([`Analysis::resolve`]).
/// Deterministic; no IO.
///
/// ```
/// use dockwright::analysis::{analyze, cache_impact, ChangeSet, Target};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// let runtime = image.stage(Stage::new("runtime", Base::alpine("3.19")).arg("V").run("echo $V").run("true"));
/// image.stage(Stage::new("dev", &runtime).copy(["requirements-dev.txt"], "/tmp/"));
/// image.stage(Stage::new("prod", &runtime).env("MODE", "prod"));
/// let analysis = analyze(&image.to_model().unwrap());
///
/// let changes = ChangeSet { args: vec![("V".into(), Some("2".into()))], ..ChangeSet::default() };
/// let report = cache_impact(&analysis, Target::Default, &changes).unwrap();
/// let reasons: Vec<_> = report.missed().map(|step| step.reasons[0].to_string()).collect();
/// assert_eq!(reasons, ["build arg V changed", "builds on `runtime: RUN echo $V`, which missed"]);
///
/// // Each target has its own report: a dev-only file does not touch prod.
/// let changes = ChangeSet { paths: vec!["requirements-dev.txt".into()], ..ChangeSet::default() };
/// assert_eq!(cache_impact(&analysis, "dev", &changes).unwrap().missed().count(), 1);
/// assert_eq!(cache_impact(&analysis, "prod", &changes).unwrap().missed().count(), 0);
/// assert_eq!(
///     cache_impact(&analysis, "test", &changes).unwrap_err().to_string(),
///     "build target 'test' is not a stage: use one of 'runtime', 'dev', 'prod'"
/// );
/// ```
pub fn cache_impact(analysis: &Analysis, target: impl Into<Target>, changes: &ChangeSet) -> Result<CacheReport, Error> {
    let target = analysis.resolve(&target.into())?;
    let base_changed = |image: &str| {
        changes.bases.iter().any(|base| {
            image == base || image.strip_prefix(base.as_str()).is_some_and(|rest| rest.starts_with([':', '@']))
        })
    };
    // The global ARGs the base image of each stage's chain reads.
    let origin_args = analysis.origin_args();
    let arg_changed = |name: &str| changes.args.iter().any(|(changed, _)| changed == name);
    // The cause of change of the state after each step (None: unchanged).
    let mut state: Vec<Option<Cause>> = vec![None; analysis.steps.len()];
    // `stage`: the stage whose chain `parent` is on (its base image is that chain's start).
    let parent_state = |state: &[Option<Cause>], parent: &Parent, stage: usize| match parent {
        Parent::Step(step) => state[*step].clone(),
        Parent::Image(image) if base_changed(image) => Some(Cause::Image(image.clone())),
        Parent::Image(image) => {
            let names: Vec<String> =
                origin_args[stage].iter().filter(|name| arg_changed(name)).map(|name| name.to_string()).collect();
            (!names.is_empty()).then(|| Cause::BaseArgs(names, image.clone()))
        }
        _ => None,
    };
    let mut report =
        CacheReport { target, target_name: analysis.stage_name(target), steps: Vec::new(), layer_steps: 0 };
    for stage in analysis.reachable_from(target) {
        for &index in &analysis.stages[stage].steps {
            let step = &analysis.steps[index];
            let mut reasons = Vec::new();
            if let Some(key) = &step.key {
                let from_parent = parent_state(&state, &key.parent, stage);
                if key.chains_parent {
                    reasons.extend(from_parent.iter().flat_map(|cause| cause.as_parent_reasons(analysis)));
                }
                for input in &key.content {
                    match input {
                        ContentInput::Context(read) => {
                            for path in &changes.paths {
                                if read.covers(path, &changes.dockerignore) {
                                    reasons.push(MissReason::ReadsChangedPath {
                                        path: path.clone(),
                                        source: read.pattern.clone(),
                                    });
                                }
                            }
                        }
                        ContentInput::Stage(read) => {
                            let tip = &analysis.stages[read.stage].tip;
                            match parent_state(&state, tip, read.stage) {
                                Some(Cause::Step(missed)) => reasons.push(MissReason::SourceStageMissed {
                                    stage: read.stage,
                                    step: missed,
                                    label: analysis.steps[missed].label.clone(),
                                }),
                                Some(Cause::Image(image)) => reasons.push(MissReason::BaseImageChanged { image }),
                                Some(cause @ Cause::BaseArgs(..)) => reasons.extend(cause.as_parent_reasons(analysis)),
                                None => {}
                            }
                        }
                        ContentInput::Image(image) if base_changed(image) => {
                            reasons.push(MissReason::SourceImageChanged { image: image.clone() })
                        }
                        _ => {}
                    }
                }
                for name in &key.args {
                    if arg_changed(name) {
                        reasons.push(MissReason::BuildArgChanged { name: name.clone() });
                    }
                }
                state[index] = if reasons.is_empty() { from_parent } else { Some(Cause::Step(index)) };
            }
            report.layer_steps += usize::from(step.layer);
            report.steps.push(StepImpact {
                step: index,
                location: step.location,
                keyword: step.keyword.clone(),
                label: step.label.clone(),
                miss: !reasons.is_empty(),
                reasons,
            });
        }
    }
    Ok(report)
}
