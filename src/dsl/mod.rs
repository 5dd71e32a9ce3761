//! The builder API users write: an [`Image`] of [`Stage`]s, joined by typed [`StageHandle`]s.
//!
//! Builders are owned and chainable; methods never fail on the spot. Anything invalid (a bad name, a
//! value with a newline, a handle from another image) is recorded and reported, all at once, by
//! [`Image::validate`], before anything is emitted. Only [`Stage::healthcheck_http`] returns a
//! `Result`, because its answer depends on what the stage holds at that point.

mod convert;
mod health;
mod stage;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

pub use convert::{Add, Copy, IntoCommand, IntoValue, Run};
pub use health::Health;
pub(crate) use health::missing_probe_tools;
pub use stage::{Stage, StageBase};

use crate::base::{Base, Tool};
use crate::error::{Error, ErrorKind, Errors};
use crate::model::{
    Arg, Budget, CheckOptions, Comment, Directives, Dockerfile, Escape, ImageRef, Instruction, User, UserSpec,
};

static NEXT_IMAGE_ID: AtomicU64 = AtomicU64::new(1);

/// An image description: stages in order, the last being the default target.
///
/// ```
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// let build = image.stage(
///     Stage::new("build", Base::golang("1.22").alpine())
///         .workdir("/src")
///         .copy(["go.mod", "go.sum"], "./")
///         .run("go mod download"),
/// );
/// image.stage(
///     Stage::new("runtime", Base::alpine("3.19"))
///         .copy_from(&build, ["/src/app"], "/usr/local/bin/app")
///         .cmd(["app"]),
/// );
/// assert_eq!(
///     image.emit().unwrap(),
///     "FROM golang:1.22-alpine AS build\n\
///      WORKDIR /src\n\
///      COPY [\"go.mod\", \"go.sum\", \"./\"]\n\
///      RUN go mod download\n\
///      \n\
///      FROM alpine:3.19 AS runtime\n\
///      COPY --from=build [\"/src/app\", \"/usr/local/bin/app\"]\n\
///      CMD [\"app\"]\n"
/// );
/// ```
#[derive(Debug, Clone)]
pub struct Image {
    id: u64,
    directives: Directives,
    comment: Option<Comment>,
    args: Vec<Arg>,
    stages: Vec<Stage>,
    dockerignore: Vec<String>,
    budget: Option<Budget>,
    allow_unknown_sizes: bool,
    problems: Vec<Error>,
}

/// A reference to a stage added to an [`Image`]: used by `COPY --from`, `FROM <stage>` and
/// `RUN --mount=from=`. It can only be had by adding the stage, so it always names a stage that exists
/// (in the image it came from: using it in another image is a validation error).
///
/// ```
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// let deps = image.stage(Stage::new("deps", Base::python("3.12").slim()));
/// assert_eq!(deps.name(), "deps");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageHandle {
    image: u64,
    index: usize,
    name: String,
    facts: Arc<Facts>,
}

impl StageHandle {
    /// The stage's name: also the `--target` that builds it (empty for a stage made with
    /// [`Stage::unnamed`]).
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// let build = image.stage(Stage::new("build", Base::golang("1.22").alpine()));
    /// assert_eq!(build.name(), "build");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// What a stage is known to have: its base family, shell and probe tools, the user its steps run as,
/// and hints of tools it may have (inherited through `FROM <stage>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Facts {
    pub(crate) base: Base,
    /// Probe tools the stage has for certain: the base's, installed, or declared.
    pub(crate) tools: BTreeSet<Tool>,
    /// The `USER` instruction in force (a model `User`, or a raw `USER` the DSL cannot read), which
    /// switches back to it after steps that need root; `None` for root.
    pub(crate) user: Option<Instruction>,
    /// Probe tools a RUN named or a COPY/ADD source or destination is named after: the stage may have
    /// them (a RUN that installs or calls curl, a copied static probe), so a healthcheck that calls
    /// one is not refused. Never used to pick a probe.
    pub(crate) maybe_tools: BTreeSet<Tool>,
    /// Where COPY and ADD put files: cleaned absolute destinations, or `None` once a relative one
    /// (resolved against a WORKDIR this does not track) was seen, which may be anywhere.
    pub(crate) copied_to: Option<Vec<String>>,
}

impl Default for Image {
    fn default() -> Self {
        Image::new()
    }
}

impl Image {
    /// An empty image description.
    ///
    /// ```
    /// use dockwright::Image;
    ///
    /// let image = Image::new();
    /// assert!(image.targets().is_empty());
    /// assert_eq!(image.validate().unwrap_err().to_string(), "the image has no stages: add one with Image::stage");
    /// ```
    pub fn new() -> Self {
        Image {
            id: NEXT_IMAGE_ID.fetch_add(1, Ordering::Relaxed),
            directives: Directives::default(),
            comment: None,
            args: Vec::new(),
            stages: Vec::new(),
            dockerignore: Vec::new(),
            budget: None,
            allow_unknown_sizes: false,
            problems: Vec::new(),
        }
    }

    /// Asks for a `# syntax=` directive. Off by default: an air-gapped engine cannot pull a frontend.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new().syntax("docker/dockerfile:1.7");
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// assert!(image.emit().unwrap().starts_with("# syntax=docker/dockerfile:1.7\n\nFROM"));
    /// ```
    #[must_use]
    pub fn syntax(mut self, frontend: &str) -> Self {
        match ImageRef::parse(frontend) {
            Ok(image) => self.directives.syntax = Some(image),
            Err(err) => self.problems.push(err.at("syntax directive")),
        }
        self
    }

    /// Sets the escape character (`\` by default; `` ` `` is usual for Windows images).
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    /// use dockwright::model::Escape;
    ///
    /// let mut image = Image::new().escape(Escape::Backtick);
    /// image.stage(Stage::new("app", Base::alpine("3.19")).env("DIR", "C:\\data"));
    /// assert_eq!(image.emit().unwrap(), "# escape=`\n\nFROM alpine:3.19 AS app\nENV DIR=\"C:\\data\"\n");
    /// ```
    #[must_use]
    pub fn escape(mut self, escape: Escape) -> Self {
        self.directives.escape = escape;
        self
    }

    /// Sets the `# check=` directive for BuildKit's build checks.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new().check("error=true");
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// assert!(image.emit().unwrap().starts_with("# check=error=true\n\n"));
    /// ```
    #[must_use]
    pub fn check(mut self, options: &str) -> Self {
        match CheckOptions::new(options) {
            Ok(options) => self.directives.check = Some(options),
            Err(err) => self.problems.push(err.at("check directive")),
        }
        self
    }

    /// A comment written at the top of the file.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new().comment("generated by dockwright");
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// assert_eq!(image.emit().unwrap(), "# generated by dockwright\n\nFROM alpine:3.19 AS app\n");
    /// ```
    #[must_use]
    pub fn comment(mut self, text: &str) -> Self {
        match Comment::new(text) {
            Ok(comment) => self.comment = Some(comment),
            Err(err) => self.problems.push(err.at("file comment")),
        }
        self
    }

    /// A global `ARG` (before the first `FROM`), usable in `FROM` lines as `${NAME}` in a base's reference
    /// or version, and in [`Stage::platform`]; redeclare it in a stage with [`Stage::arg`] to use it there.
    ///
    /// A base that uses it keeps what is known about it (family, shell, tools). Validation, analysis and
    /// the size estimate take the image its default gives; without a default BuildKit expands it to
    /// nothing, which validation accepts only where the reference still reads without it. A `--build-arg`
    /// picks another image when the Dockerfile is built.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage, Tool};
    ///
    /// let mut image = Image::new().arg("PY_VERSION", Some("3.12"));
    /// let app = Stage::new("app", Base::python("${PY_VERSION}").slim());
    /// assert!(app.base().tools().contains(&Tool::Python));
    /// image.stage(app);
    /// assert_eq!(image.emit().unwrap(), "ARG PY_VERSION=3.12\n\nFROM python:${PY_VERSION}-slim AS app\n");
    ///
    /// let mut undeclared = Image::new();
    /// undeclared.stage(Stage::new("app", Base::python("${PY}").slim()));
    /// assert!(undeclared.validate().unwrap_err().to_string().ends_with("declare it with Image::arg(\"PY\", Some(default))"));
    /// ```
    #[must_use]
    pub fn arg(mut self, name: &str, default: Option<&str>) -> Self {
        match convert::arg(name, default) {
            Ok(arg) => self.args.push(arg),
            Err(err) => self.problems.push(err.at(format!("global ARG '{name}'"))),
        }
        self
    }

    /// Adds patterns to the `.dockerignore` written next to the Dockerfile.
    ///
    /// ```
    /// use dockwright::Image;
    ///
    /// let image = Image::new().dockerignore([".git", "**/__pycache__"]);
    /// assert_eq!(image.dockerignore_text(), ".git\n**/__pycache__\n");
    /// ```
    #[must_use]
    pub fn dockerignore<I, S>(mut self, patterns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        for pattern in patterns {
            let pattern = pattern.into();
            if pattern.is_empty() || pattern.contains(['\n', '\r', '\0']) {
                self.problems.push(Error::new(
                    ErrorKind::InvalidText,
                    format!(".dockerignore pattern {pattern:?} must be one non-empty line"),
                ));
            } else {
                self.dockerignore.push(pattern);
            }
        }
        self
    }

    /// Adds a stage and returns its handle.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// let base = image.stage(Stage::new("base", Base::alpine("3.19")));
    /// image.stage(Stage::new("app", &base));
    /// assert_eq!(base.name(), "base");
    /// assert_eq!(image.targets(), ["base", "app"]);
    /// assert_eq!(image.emit().unwrap(), "FROM alpine:3.19 AS base\n\nFROM base AS app\n");
    /// ```
    pub fn stage(&mut self, stage: Stage) -> StageHandle {
        let handle = StageHandle {
            image: self.id,
            index: self.stages.len(),
            name: stage.name.clone(),
            facts: Arc::new(stage.facts.clone()),
        };
        self.stages.push(stage);
        handle
    }

    /// The names of the stages, in order: each is a build target (a stage made with
    /// [`Stage::unnamed`] is not: `--target` cannot select it).
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("dev", Base::alpine("3.19")));
    /// image.stage(Stage::new("prod", Base::alpine("3.19")));
    /// assert_eq!(image.targets(), ["dev", "prod"]);
    /// ```
    pub fn targets(&self) -> Vec<&str> {
        self.stages.iter().map(|stage| stage.name.as_str()).filter(|name| !name.is_empty()).collect()
    }

    /// Checks everything and returns every problem at once: invalid names and values, duplicate stage
    /// names, handles from another image, stages used before they are defined, and the model's rules.
    ///
    /// ```
    /// use dockwright::{Base, ErrorKind, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// assert!(image.validate().is_ok());
    ///
    /// let mut bad = Image::new();
    /// bad.stage(Stage::new("App", Base::alpine("3.19")).user("app user"));
    /// let errors = bad.validate().unwrap_err();
    /// let kinds: Vec<ErrorKind> = errors.iter().map(|err| err.kind()).collect();
    /// assert_eq!(kinds, [ErrorKind::InvalidStageName, ErrorKind::InvalidUser]);
    /// ```
    pub fn validate(&self) -> Result<(), Errors> {
        self.build().map(|_| ())
    }

    /// The model of this image, once it is valid.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).workdir("/app"));
    /// let model = image.to_model().unwrap();
    /// assert_eq!(model.stages.len(), 1);
    /// assert_eq!(model.stages[0].name(), Some("app"));
    /// assert_eq!(model.stages[0].instructions[0].keyword(), "WORKDIR");
    ///
    /// assert!(Image::new().to_model().is_err());
    /// ```
    pub fn to_model(&self) -> Result<Dockerfile, Errors> {
        self.build()
    }

    /// The Dockerfile text, once the image is valid.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).cmd(["sh"]));
    /// assert_eq!(image.emit().unwrap(), "FROM alpine:3.19 AS app\nCMD [\"sh\"]\n");
    ///
    /// let mut bad = Image::new();
    /// bad.stage(Stage::new("app", Base::alpine("3.19")).env("my-var", "x"));
    /// assert!(bad.emit().unwrap_err().to_string().starts_with("stage 'app', ENV 'my-var': invalid variable name"));
    /// ```
    pub fn emit(&self) -> Result<String, Errors> {
        self.build().map(|dockerfile| crate::emit::emit(&dockerfile))
    }

    /// The Dockerfile text with every base image pulled from where `mapping` says (a mirror registry,
    /// local stand-ins); nothing else changes.
    ///
    /// ```
    /// use dockwright::base::BaseMapping;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::python("3.12").slim()).cmd(["python3", "-V"]));
    /// let mapping = BaseMapping::new().registry("registry.corp");
    /// assert_eq!(
    ///     image.emit_mapped(&mapping).unwrap(),
    ///     "FROM registry.corp/python:3.12-slim AS app\nCMD [\"python3\", \"-V\"]\n"
    /// );
    /// ```
    pub fn emit_mapped(&self, mapping: &crate::base::BaseMapping) -> Result<String, Errors> {
        let dockerfile = self.build()?;
        let mapped = mapping.apply(&dockerfile)?;
        Ok(crate::emit::emit(&mapped))
    }

    /// The `.dockerignore` text.
    ///
    /// ```
    /// use dockwright::Image;
    ///
    /// assert_eq!(Image::new().dockerignore_text(), "");
    ///
    /// // Invalid patterns are left out of the text and reported by `validate`.
    /// let image = Image::new().dockerignore(["target", ""]);
    /// assert_eq!(image.dockerignore_text(), "target\n");
    /// let errors = image.validate().unwrap_err().to_string();
    /// assert!(errors.contains(".dockerignore pattern \"\" must be one non-empty line"));
    /// ```
    pub fn dockerignore_text(&self) -> String {
        crate::emit::dockerignore(&self.dockerignore)
    }

    /// The `.dockerignore` patterns, in order, as added with [`Image::dockerignore`] (invalid ones
    /// left out): what the size estimate of [`ImageBudget::check_budget`] leaves out of the context.
    ///
    /// [`ImageBudget::check_budget`]: crate::estimate::ImageBudget::check_budget
    ///
    /// ```
    /// use dockwright::Image;
    ///
    /// assert!(Image::new().dockerignore_patterns().is_empty());
    /// let image = Image::new().dockerignore([".git", "", "**/__pycache__"]);
    /// assert_eq!(image.dockerignore_patterns(), [".git", "**/__pycache__"]);
    /// ```
    pub fn dockerignore_patterns(&self) -> &[String] {
        &self.dockerignore
    }

    /// Declares the image's size budget (`"500 MB"`, `"1.5 GiB"`, a byte count: see [`Budget`]'s
    /// parser); the last one declared wins. A budget that cannot be read is reported by
    /// [`Image::validate`] as [`ErrorKind::InvalidBudget`], naming the text and what to write instead.
    /// Emitting does not check it: [`ImageBudget::check_budget`] does (the estimator's extension
    /// trait, reachable at the crate root as `dockwright::ImageBudget`).
    ///
    /// [`ImageBudget::check_budget`]: crate::estimate::ImageBudget::check_budget
    ///
    /// ```
    /// use dockwright::estimate::Budget;
    /// use dockwright::{Base, ErrorKind, Image, Stage};
    ///
    /// let mut image = Image::new().budget("100 MB");
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// assert_eq!(image.declared_budget(), Some(Budget::mb(100)));
    ///
    /// let mut bad = Image::new().budget("12 parsecs");
    /// bad.stage(Stage::new("app", Base::alpine("3.19")));
    /// assert_eq!(bad.declared_budget(), None);
    /// let errors = bad.validate().unwrap_err();
    /// assert_eq!(errors.iter().next().unwrap().kind(), ErrorKind::InvalidBudget);
    /// assert_eq!(
    ///     errors.to_string(),
    ///     "invalid size budget \"12 parsecs\": unknown unit \"parsecs\" (use B, kB, MB, GB, KiB, MiB or GiB)"
    /// );
    /// ```
    #[must_use]
    pub fn budget(mut self, budget: &str) -> Self {
        match budget.parse::<Budget>() {
            Ok(budget) => self.budget = Some(budget),
            // The parser's message names the text, what is wrong with it and the accepted form.
            Err(err) => self.problems.push(Error::new(ErrorKind::InvalidBudget, err.to_string())),
        }
        self
    }

    /// Opts in to checking the declared budget on the known parts of the estimate only: parts nothing
    /// could size (a base no oracle knows, a command no rule recognises) are left out and listed by the
    /// [`BudgetFit`], instead of failing [`ImageBudget::check_budget`] with
    /// [`BudgetCheckError::Incomplete`]. It is [`Budget::allow_unknown`] for the budget the image
    /// declares.
    ///
    /// [`BudgetFit`]: crate::estimate::BudgetFit
    /// [`ImageBudget::check_budget`]: crate::estimate::ImageBudget::check_budget
    /// [`BudgetCheckError::Incomplete`]: crate::estimate::BudgetCheckError::Incomplete
    ///
    /// ```
    /// use dockwright::estimate::{Budget, CatalogOracle};
    /// use dockwright::{Base, Image, ImageBudget, OsFamily, Stage};
    ///
    /// let mut image = Image::new().budget("1 kB").allow_unknown_sizes();
    /// image.stage(Stage::new("app", Base::image("example/app:1", OsFamily::Debian)));
    /// assert_eq!(image.declared_budget(), Some(Budget::bytes_exact(1_000).allow_unknown()));
    /// let fit = image.check_budget(&CatalogOracle::default()).unwrap();
    /// assert_eq!(fit.left_out()[0].to_string(), "stage 'app', FROM example/app:1: base image size unknown");
    /// ```
    #[must_use]
    pub fn allow_unknown_sizes(mut self) -> Self {
        self.allow_unknown_sizes = true;
        self
    }

    /// The size budget declared with [`Image::budget`], if a readable one was (allowing unknown parts
    /// after [`Image::allow_unknown_sizes`]).
    ///
    /// ```
    /// use dockwright::estimate::Budget;
    /// use dockwright::Image;
    ///
    /// assert_eq!(Image::new().declared_budget(), None);
    /// assert_eq!(Image::new().budget("64 MiB").declared_budget(), Some(Budget::mib(64)));
    /// ```
    pub fn declared_budget(&self) -> Option<Budget> {
        let budget = self.budget?;
        Some(if self.allow_unknown_sizes { budget.allow_unknown() } else { budget })
    }

    fn build(&self) -> Result<Dockerfile, Errors> {
        let mut errors = self.problems.clone();
        if self.stages.is_empty() {
            errors.push(Error::new(ErrorKind::NoStage, "the image has no stages: add one with Image::stage"));
        }
        let mut stages = Vec::new();
        for (index, stage) in self.stages.iter().enumerate() {
            let place =
                if stage.name.is_empty() { format!("stage {}", index + 1) } else { format!("stage '{}'", stage.name) };
            errors.extend(stage.problems.iter().cloned().map(|err| err.at(place.clone())));
            errors.extend(stage.health_problems().into_iter().map(|err| err.at(place.clone())));
            for handle in &stage.refs {
                if handle.image != self.id {
                    errors.push(
                        Error::new(
                            ErrorKind::ForeignStage,
                            format!(
                                "uses stage '{}' from another image: add that stage to this image and use its handle",
                                handle.name
                            ),
                        )
                        .at(place.clone()),
                    );
                } else if handle.name.is_empty() {
                    errors.push(
                        Error::new(
                            ErrorKind::InvalidStageName,
                            format!(
                                "uses stage {}, which has no name: name it with Stage::new to build on it, copy from \
                                 it or mount it",
                                handle.index + 1
                            ),
                        )
                        .at(place.clone()),
                    );
                } else if handle.index >= index {
                    errors.push(
                        Error::new(
                            ErrorKind::StageUsedBeforeDefinition,
                            format!("uses stage '{}', which is defined after it", handle.name),
                        )
                        .at(place.clone()),
                    );
                }
            }
            stages.push(stage.to_model());
        }
        let dockerfile = Dockerfile {
            directives: self.directives.clone(),
            comment: self.comment.clone(),
            args: self.args.clone(),
            stages: stages.into_iter().flatten().collect(),
        };
        if errors.is_empty() {
            if let Err(more) = dockerfile.validate() {
                errors.extend(more.0);
            }
        } else if let Err(more) = dockerfile.validate() {
            // Report model problems too, except those the stage-level checks already explain.
            errors.extend(
                more.0
                    .into_iter()
                    .filter(|err| !matches!(err.kind(), ErrorKind::StageUsedBeforeDefinition | ErrorKind::NoStage)),
            );
        }
        if errors.is_empty() { Ok(dockerfile) } else { Err(Errors(errors)) }
    }
}

impl Facts {
    pub(crate) fn of_base(base: &Base) -> Facts {
        let user = match base.user() {
            0 => None,
            uid => UserSpec::new(uid.to_string()).ok().map(|user| Instruction::User(User { user })),
        };
        Facts {
            base: base.clone(),
            tools: base.tools().clone(),
            user,
            maybe_tools: BTreeSet::new(),
            copied_to: Some(Vec::new()),
        }
    }

    /// Notes the probe tools an instruction may bring: a RUN that names one (as a command or a
    /// package), a COPY or ADD whose source or destination is named after one, and where COPY and ADD
    /// put files.
    pub(crate) fn observe_tools(&mut self, instruction: &Instruction) {
        match instruction {
            Instruction::Run(run) => match &run.command {
                crate::model::Command::Shell(script) => self.saw_words(&script.shell_text()),
                crate::model::Command::Exec(argv) => argv.iter().for_each(|arg| self.saw_words(arg.as_str())),
            },
            Instruction::Raw(raw) if raw.keyword.as_str().eq_ignore_ascii_case("RUN") => {
                self.saw_words(raw.args.as_str());
            }
            Instruction::Copy(copy) => self.saw_copy(&copy.sources, copy.dest.as_str()),
            Instruction::Add(add) => self.saw_copy(&add.sources, add.dest.as_str()),
            _ => {}
        }
    }

    /// Notes the probe tools `text` names (as a command or as a package to install).
    fn saw_words(&mut self, text: &str) {
        let words = text.split(|c: char| !(c.is_ascii_alphanumeric() || "._+-/".contains(c)));
        for word in words.filter(|word| !word.is_empty()) {
            let name = word.rsplit('/').next().unwrap_or(word);
            if let Some(tool) = Tool::from_command(name).or_else(|| Tool::from_package(name)) {
                self.maybe_tools.insert(tool);
            }
        }
    }

    /// Notes where a COPY or ADD puts files, and the tools its sources or destination are named after.
    fn saw_copy(&mut self, sources: &[crate::model::Source], dest: &str) {
        for source in sources {
            if let crate::model::Source::Path(path) = source {
                self.saw_words(path.as_str().trim_end_matches('/').rsplit('/').next().unwrap_or_default());
            }
        }
        self.saw_words(dest.trim_end_matches('/').rsplit('/').next().unwrap_or_default());
        if dest.starts_with('/') {
            let cleaned = crate::analysis::resolve_path("/", dest);
            if let Some(copied) = &mut self.copied_to {
                copied.push(cleaned);
            }
        } else {
            self.copied_to = None;
        }
    }
}
