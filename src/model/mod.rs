//! The IR: a Dockerfile as plain data.
//!
//! A [`Dockerfile`] holds parser directives, global `ARG`s and [`Stage`]s; a stage holds its
//! [`FromInstruction`] and its [`Instruction`]s, one struct per instruction. The model does no IO and
//! holds no text formatting: [`crate::emit`](mod@crate::emit) turns it into text. Every field type checks its own input,
//! so any model can be emitted; [`Dockerfile::validate`] checks the rules that span instructions.
//! The model serializes to a stable JSON form.

/// The longest physical line BuildKit reads: its scanner stops with "dockerfile line greater than max
/// allowed size of 65535" on a longer one (the line's `\n` not counted).
pub(crate) const MAX_LINE: usize = 65_535;

mod globals;
mod instr;
mod json_size;
mod names;
mod size;
mod validate;
mod value;

use serde::{Deserialize, Serialize};

pub use globals::PLATFORM_ARGS;
pub use instr::*;
pub use names::*;
pub use size::{Budget, BudgetError};
pub(crate) use size::{bytes_text, range_text};
pub use value::*;

/// A whole Dockerfile.
///
/// ```
/// use dockwright::model::{BaseImage, Dockerfile, FromInstruction, Stage};
/// use dockwright::ImageRef;
///
/// let mut dockerfile = Dockerfile::default();
/// dockerfile.stages.push(Stage::new(FromInstruction {
///     platform: None,
///     base: BaseImage::Image(ImageRef::parse("alpine:3.19").unwrap()),
///     name: None,
/// }));
/// assert_eq!(dockwright::emit(&dockerfile), "FROM alpine:3.19\n");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Dockerfile {
    /// Parser directives written at the top.
    #[serde(default)]
    pub directives: Directives,
    /// A comment written before everything else (after the directives).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<Comment>,
    /// `ARG`s before the first `FROM`: usable in `FROM` lines only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<Arg>,
    /// The stages, in order; the last is the default build target.
    pub stages: Vec<Stage>,
}

impl Dockerfile {
    /// The stage named `name`.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// let dockerfile = image.to_model().unwrap();
    /// assert!(dockerfile.stage("app").is_some());
    /// assert!(dockerfile.stage("nope").is_none());
    /// ```
    pub fn stage(&self, name: &str) -> Option<&Stage> {
        self.stages.iter().find(|stage| stage.from.name.as_ref().is_some_and(|n| n.as_str() == name))
    }

    /// Checks the rules no single field can: stage references, duplicate names, instruction shapes.
    /// Returns every problem found, each naming the stage and instruction.
    ///
    /// ```
    /// use dockwright::model::{BaseImage, Dockerfile, FromInstruction, Stage};
    /// use dockwright::StageName;
    ///
    /// let mut dockerfile = Dockerfile::default();
    /// dockerfile.stages.push(Stage::new(FromInstruction {
    ///     platform: None,
    ///     base: BaseImage::Stage(StageName::new("builder").unwrap()),
    ///     name: None,
    /// }));
    /// let errors = dockerfile.validate().unwrap_err();
    /// assert_eq!(errors.to_string(), "stage 1: FROM builder names a stage that is not defined before it");
    /// ```
    pub fn validate(&self) -> Result<(), crate::error::Errors> {
        validate::validate(self)
    }
}

/// One stage: a `FROM` and the instructions after it.
///
/// ```
/// use dockwright::model::{BaseImage, FromInstruction, Stage};
/// use dockwright::ImageRef;
///
/// let stage = Stage::new(FromInstruction { platform: None, base: BaseImage::Image(ImageRef::parse("scratch").unwrap()), name: None });
/// assert!(stage.instructions.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    /// A comment written just before the `FROM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<Comment>,
    /// The `FROM` line.
    pub from: FromInstruction,
    /// Everything after it, in order.
    #[serde(default)]
    pub instructions: Vec<Instruction>,
}

impl Stage {
    /// A stage with no instructions yet.
    ///
    /// ```
    /// use dockwright::model::{BaseImage, FromInstruction, Stage};
    /// use dockwright::{ImageRef, StageName};
    ///
    /// let stage = Stage::new(FromInstruction {
    ///     platform: None,
    ///     base: BaseImage::Image(ImageRef::parse("alpine:3.19").unwrap()),
    ///     name: Some(StageName::new("app").unwrap()),
    /// });
    /// assert!(stage.instructions.is_empty() && stage.comment.is_none());
    /// assert_eq!(stage.name(), Some("app"));
    /// ```
    pub fn new(from: FromInstruction) -> Self {
        Stage { comment: None, from, instructions: Vec::new() }
    }

    /// The stage's name, if it has one.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// assert_eq!(image.to_model().unwrap().stages[0].name(), Some("app"));
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.from.name.as_ref().map(StageName::as_str)
    }
}

/// Parser directives: the `# key=value` lines at the very top.
///
/// ```
/// use dockwright::model::{Directives, Escape};
///
/// assert_eq!(Directives::default().escape, Escape::Backslash);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Directives {
    /// `# syntax=`: the frontend image. Off by default, so builds need no registry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub syntax: Option<ImageRef>,
    /// `# escape=`: the escape character.
    #[serde(default)]
    pub escape: Escape,
    /// `# check=`: build-check options, e.g. `skip=JSONArgsRecommended;error=true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<CheckOptions>,
}

/// The escape character: `\` (the default) or `` ` `` (usual on Windows).
///
/// ```
/// assert_eq!(dockwright::model::Escape::Backtick.char(), '`');
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Escape {
    /// `\`.
    #[default]
    Backslash,
    /// `` ` ``.
    Backtick,
}

impl Escape {
    /// The character.
    ///
    /// ```
    /// use dockwright::model::Escape;
    ///
    /// assert_eq!(Escape::Backslash.char(), '\\');
    /// assert_eq!(Escape::default().char(), '\\');
    /// ```
    pub fn char(self) -> char {
        match self {
            Escape::Backslash => '\\',
            Escape::Backtick => '`',
        }
    }
}

/// The value of a `# check=` directive: letters, digits and `= , ; _ -` only.
///
/// ```
/// use dockwright::model::CheckOptions;
///
/// assert!(CheckOptions::new("skip=JSONArgsRecommended;error=true").is_ok());
/// assert!(CheckOptions::new("skip=all\nFROM evil").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CheckOptions(String);

impl CheckOptions {
    /// Checks and wraps the directive value.
    ///
    /// ```
    /// use dockwright::model::CheckOptions;
    ///
    /// assert_eq!(CheckOptions::new("error=true").unwrap().as_str(), "error=true");
    /// let err = CheckOptions::new("").unwrap_err();
    /// assert_eq!(err.to_string(), "check directive \"\" must use only letters, digits and = , ; _ -");
    /// ```
    pub fn new(value: impl Into<String>) -> Result<Self, crate::error::Error> {
        let value = value.into();
        let ok = !value.is_empty()
            && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '=' | ',' | ';' | '_' | '-'));
        if !ok {
            return Err(crate::error::Error::new(
                crate::error::ErrorKind::InvalidFlagValue,
                format!("check directive {value:?} must use only letters, digits and = , ; _ -"),
            ));
        }
        Ok(CheckOptions(value))
    }

    /// The value.
    ///
    /// ```
    /// use dockwright::model::CheckOptions;
    ///
    /// assert_eq!(CheckOptions::new("skip=JSONArgsRecommended").unwrap().as_str(), "skip=JSONArgsRecommended");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CheckOptions {
    type Error = crate::error::Error;
    fn try_from(value: String) -> Result<Self, crate::error::Error> {
        CheckOptions::new(value)
    }
}

impl From<CheckOptions> for String {
    fn from(value: CheckOptions) -> String {
        value.0
    }
}
