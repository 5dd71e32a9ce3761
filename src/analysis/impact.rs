//! Cache impact: which steps of the build target miss the cache after a change, and why.

use super::{Analysis, ContentInput, Location, Parent};

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

/// Why a step misses the cache.
///
/// ```
/// use dockwright::analysis::MissReason;
///
/// let reason = MissReason::BuildArgChanged { name: "VERSION".into() };
/// assert_eq!(reason.to_string(), "build arg VERSION changed");
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
    /// The chain it builds on changed: this earlier step (index into [`Analysis::steps`]) missed.
    ParentMissed {
        /// The nearest earlier step of the chain that missed.
        step: usize,
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
        /// The step of that stage's chain that missed.
        step: usize,
    },
    /// It copies or mounts from an image that was updated.
    SourceImageChanged {
        /// The image.
        image: String,
    },
}

impl std::fmt::Display for MissReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MissReason::ReadsChangedPath { path, source } => write!(f, "reads changed path {path} (via {source})"),
            MissReason::BuildArgChanged { name } => write!(f, "build arg {name} changed"),
            MissReason::ParentMissed { step } => write!(f, "parent step {step} missed"),
            MissReason::BaseImageChanged { image } => write!(f, "base image {image} changed"),
            MissReason::SourceStageMissed { stage, step } => write!(f, "source stage {stage} rebuilt (step {step})"),
            MissReason::SourceImageChanged { image } => write!(f, "source image {image} changed"),
        }
    }
}

/// One step's fate in a [`CacheReport`].
///
/// ```
/// use dockwright::analysis::{analyze, cache_impact, ChangeSet};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")).copy(["a.txt"], "/a.txt"));
/// let report = cache_impact(&analyze(&image.to_model().unwrap()), &ChangeSet::default());
/// assert!(!report.steps[0].miss && report.steps[0].reasons.is_empty());
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
    /// Whether it misses the cache (config steps never do: they have no key of their own).
    pub miss: bool,
    /// Why, in a fixed order: chain, own inputs, args.
    pub reasons: Vec<MissReason>,
}

/// Every step of the stages the target needs, in build order, with whether it misses and why.
///
/// ```
/// use dockwright::analysis::{analyze, cache_impact, ChangeSet};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")).copy(["a.txt"], "/a.txt").run("true"));
/// let changes = ChangeSet { paths: vec!["a.txt".into()], ..ChangeSet::default() };
/// let report = cache_impact(&analyze(&image.to_model().unwrap()), &changes);
/// assert_eq!(report.target, Some(0));
/// assert_eq!(report.missed().count(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CacheReport {
    /// The target stage (the last one).
    pub target: Option<usize>,
    /// The steps, stage by stage in index order.
    pub steps: Vec<StepImpact>,
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
    /// use dockwright::analysis::{analyze, cache_impact, ChangeSet, Location};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).run("true"));
    /// let report = cache_impact(&analyze(&image.to_model().unwrap()), &ChangeSet::default());
    /// assert!(!report.at(Location { stage: 0, instruction: 0 }).unwrap().miss);
    /// assert!(report.at(Location { stage: 1, instruction: 0 }).is_none());
    /// ```
    pub fn at(&self, location: Location) -> Option<&StepImpact> {
        self.steps.iter().find(|step| step.location == location)
    }
}

/// What made a chain's state change.
#[derive(Debug, Clone)]
enum Cause {
    Step(usize),
    Image(String),
}

impl Cause {
    fn as_parent_reason(&self) -> MissReason {
        match self {
            Cause::Step(step) => MissReason::ParentMissed { step: *step },
            Cause::Image(image) => MissReason::BaseImageChanged { image: image.clone() },
        }
    }
}

/// Which steps of the final target's stages miss the cache after `changes`, and why (see the module
/// docs of [`crate::analysis`] for the rules). Deterministic; no IO.
///
/// ```
/// use dockwright::analysis::{analyze, cache_impact, ChangeSet, MissReason};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")).arg("V").run("echo $V").run("true"));
/// let changes = ChangeSet { args: vec![("V".into(), Some("2".into()))], ..ChangeSet::default() };
/// let report = cache_impact(&analyze(&image.to_model().unwrap()), &changes);
/// let reasons: Vec<_> = report.missed().map(|step| step.reasons[0].clone()).collect();
/// assert_eq!(reasons, [MissReason::BuildArgChanged { name: "V".into() }, MissReason::ParentMissed { step: 1 }]);
/// ```
pub fn cache_impact(analysis: &Analysis, changes: &ChangeSet) -> CacheReport {
    let Some(target) = analysis.target() else { return CacheReport::default() };
    let base_changed = |image: &str| {
        changes.bases.iter().any(|base| {
            image == base || image.strip_prefix(base.as_str()).is_some_and(|rest| rest.starts_with([':', '@']))
        })
    };
    // The cause of change of the state after each step (None: unchanged).
    let mut state: Vec<Option<Cause>> = vec![None; analysis.steps.len()];
    let parent_state = |state: &[Option<Cause>], parent: &Parent| match parent {
        Parent::Step(step) => state[*step].clone(),
        Parent::Image(image) if base_changed(image) => Some(Cause::Image(image.clone())),
        _ => None,
    };
    let mut report = CacheReport { target: Some(target), steps: Vec::new() };
    for stage in analysis.reachable_from(target) {
        for &index in &analysis.stages[stage].steps {
            let step = &analysis.steps[index];
            let mut reasons = Vec::new();
            if let Some(key) = &step.key {
                let from_parent = parent_state(&state, &key.parent);
                if key.chains_parent {
                    reasons.extend(from_parent.as_ref().map(Cause::as_parent_reason));
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
                            match parent_state(&state, tip) {
                                Some(Cause::Step(missed)) => {
                                    reasons.push(MissReason::SourceStageMissed { stage: read.stage, step: missed })
                                }
                                Some(Cause::Image(image)) => reasons.push(MissReason::BaseImageChanged { image }),
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
                    if changes.args.iter().any(|(changed, _)| changed == name) {
                        reasons.push(MissReason::BuildArgChanged { name: name.clone() });
                    }
                }
                state[index] = if reasons.is_empty() { from_parent } else { Some(Cause::Step(index)) };
            }
            report.steps.push(StepImpact {
                step: index,
                location: step.location,
                keyword: step.keyword.clone(),
                miss: !reasons.is_empty(),
                reasons,
            });
        }
    }
    report
}
