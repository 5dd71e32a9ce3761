//! The crate's error type: what went wrong, and the input it went wrong on.
//!
//! Every error has an [`ErrorKind`] to match on and a message that names the bad input and says how to
//! fix it. Validation collects many errors at once into [`Errors`].

use std::fmt;

/// An error from dockwright: a value that cannot be used, or a description that cannot be emitted.
///
/// ```
/// use dockwright::{ErrorKind, StageName};
///
/// let err = StageName::new("Build Stage").unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::InvalidStageName);
/// assert_eq!(
///     err.to_string(),
///     "invalid stage name 'Build Stage': use lowercase letters, digits, '-', '_' and '.', starting with a letter"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    context: Option<String>,
    place: Option<ErrorPlace>,
}

/// Where in a Dockerfile model a validation error is: a stage by index, and an instruction in it by
/// index when the error is about one instruction. Lets a tool that read the model from text point at
/// the text (see [`import::lower`](fn@crate::import::lower)).
///
/// ```
/// use dockwright::model::{BaseImage, Copy, Dockerfile, FromInstruction, FromSource, Instruction, Source, Stage, Value, Workdir};
/// use dockwright::{ErrorPlace, ImageRef, Line, StageName};
///
/// let from = FromInstruction { platform: None, base: BaseImage::Image(ImageRef::parse("alpine:3.19").unwrap()), name: None };
/// let mut stage = Stage::new(from);
/// stage.instructions.push(Instruction::Workdir(Workdir { path: Value::literal("/app").unwrap() }));
/// let copy = Copy { from: Some(FromSource::Stage(StageName::new("build").unwrap())), ..Copy::new(vec![Source::path("/out").unwrap()], Line::new("/app/").unwrap()) };
/// stage.instructions.push(Instruction::Copy(copy));
/// let errors = Dockerfile { stages: vec![stage], ..Dockerfile::default() }.validate().unwrap_err();
/// assert_eq!(errors.0[0].place(), Some(ErrorPlace { stage: 0, instruction: Some(1) }));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ErrorPlace {
    /// The stage, by index.
    pub stage: usize,
    /// The instruction in that stage, by index; `None` for the stage as a whole (its `FROM` line).
    pub instruction: Option<usize>,
}

/// What kind of problem an [`Error`] reports.
///
/// ```
/// use dockwright::{ErrorKind, VarName};
///
/// assert_eq!(VarName::new("1X").unwrap_err().kind(), ErrorKind::InvalidVarName);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Text holds a character no Dockerfile can carry (NUL, or a line break where one line is needed).
    InvalidText,
    /// An image reference does not follow `[registry/]repository[:tag][@digest]`.
    InvalidImageRef,
    /// A stage name is not lowercase `[a-z][a-z0-9_.-]*`, or is reserved (`scratch`, `context`).
    InvalidStageName,
    /// An ENV or ARG name is not `[A-Za-z_][A-Za-z0-9_]*`.
    InvalidVarName,
    /// A LABEL key is empty or holds `=` or a control character.
    InvalidLabelKey,
    /// A platform is not `os/arch[/variant]` or a `$VARIABLE`.
    InvalidPlatform,
    /// A duration is not a Go-style duration of at least one millisecond.
    InvalidDuration,
    /// A port is not `1-65535[/tcp|udp|sctp]`.
    InvalidPort,
    /// A file mode is neither octal (`755`, `0644`) nor symbolic (`u+x,g-w`).
    InvalidChmod,
    /// A user is not `name[:group]` or `uid[:gid]`.
    InvalidUser,
    /// A stop signal is not a signal name or a positive number.
    InvalidSignal,
    /// A flag value holds characters outside the set dockwright can write safely in that flag.
    InvalidFlagValue,
    /// A comment line is longer than BuildKit reads (65,535 bytes with its `# `).
    InvalidComment,
    /// A raw instruction could change the meaning of the lines around it.
    InvalidRaw,
    /// Two stages share a name.
    DuplicateStage,
    /// A stage handle belongs to another image.
    ForeignStage,
    /// A stage is referenced before it is defined.
    StageUsedBeforeDefinition,
    /// A `FROM` line uses a variable that is not a global `ARG` (one declared before the first `FROM`).
    UndeclaredArg,
    /// An instruction's parts do not fit together (e.g. several sources to a destination not ending in `/`).
    InvalidInstruction,
    /// A healthcheck needs a probe tool the stage does not have.
    MissingProbe,
    /// A helper was asked for something the base image cannot do (e.g. install packages on scratch).
    Unsupported,
    /// The image has no stages, or the requested target does not exist.
    NoStage,
    /// A size budget given to [`Image::budget`](crate::Image::budget) is not a number with an optional
    /// unit (`500 MB`, `1.5 GiB`, or a byte count such as `100000`).
    InvalidBudget,
    /// A multi-service project is inconsistent (`deploy::Project::validate`): a name, a reference between
    /// services, a port, a mount, a variable or a secret.
    InvalidProject,
}

impl Error {
    /// Makes an error of `kind` with `message`.
    ///
    /// ```
    /// use dockwright::{Error, ErrorKind};
    ///
    /// let err = Error::new(ErrorKind::NoStage, "image has no stages: add one with Image::stage");
    /// assert_eq!(err.to_string(), "image has no stages: add one with Image::stage");
    /// ```
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error { kind, message: message.into(), context: None, place: None }
    }

    /// Returns the same error, located: `context` says where it happened (a stage, an instruction).
    ///
    /// ```
    /// use dockwright::{Error, ErrorKind};
    ///
    /// let err = Error::new(ErrorKind::InvalidText, "bad value").at("stage 'app', ENV 'A'");
    /// assert_eq!(err.to_string(), "stage 'app', ENV 'A': bad value");
    /// ```
    #[must_use]
    pub fn at(mut self, context: impl Into<String>) -> Self {
        let context = context.into();
        self.context = Some(match self.context.take() {
            Some(inner) => format!("{context}, {inner}"),
            None => context,
        });
        self
    }

    /// Returns the same error with its place in the model (validation sets it; see [`ErrorPlace`]).
    ///
    /// ```
    /// use dockwright::{Error, ErrorKind, ErrorPlace};
    ///
    /// let place = ErrorPlace { stage: 1, instruction: None };
    /// let err = Error::new(ErrorKind::NoStage, "bad").placed(place);
    /// assert_eq!(err.place(), Some(place));
    /// assert_eq!(err.to_string(), "bad");
    /// ```
    #[must_use]
    pub fn placed(mut self, place: ErrorPlace) -> Self {
        self.place = Some(place);
        self
    }

    /// Where in the model the error is, when validation found it in a stage.
    ///
    /// ```
    /// use dockwright::{Error, ErrorKind};
    ///
    /// assert_eq!(Error::new(ErrorKind::NoStage, "no stages").place(), None);
    /// ```
    pub fn place(&self) -> Option<ErrorPlace> {
        self.place
    }

    /// What kind of problem this is.
    ///
    /// ```
    /// use dockwright::{ErrorKind, Port};
    ///
    /// assert_eq!(Port::parse("0").unwrap_err().kind(), ErrorKind::InvalidPort);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message without its location.
    ///
    /// ```
    /// use dockwright::{Error, ErrorKind};
    ///
    /// let err = Error::new(ErrorKind::InvalidText, "bad value").at("stage 'app'");
    /// assert_eq!(err.message(), "bad value");
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.context {
            Some(context) => write!(f, "{context}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}

/// Every problem validation found, in the order found.
///
/// ```
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("App", Base::debian("bookworm-slim")).env("1BAD", "x"));
/// let errors = image.validate().unwrap_err();
/// assert_eq!(errors.len(), 2);
/// assert_eq!(
///     errors.to_string(),
///     "2 problems:\n  \
///      - stage 'App': invalid stage name 'App': use lowercase letters, digits, '-', '_' and '.', starting with a letter\n  \
///      - stage 'App', ENV '1BAD': invalid variable name '1BAD': use letters, digits and '_', not starting with a digit"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Errors(pub Vec<Error>);

impl Errors {
    /// How many problems there are.
    ///
    /// ```
    /// assert_eq!(dockwright::Errors::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there is no problem.
    ///
    /// ```
    /// assert!(dockwright::Errors::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems, in order.
    ///
    /// ```
    /// assert!(dockwright::Errors::default().iter().next().is_none());
    /// ```
    pub fn iter(&self) -> std::slice::Iter<'_, Error> {
        self.0.iter()
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_slice() {
            [] => f.write_str("no problems"),
            [one] => one.fmt(f),
            many => {
                write!(f, "{} problems:", many.len())?;
                for err in many {
                    write!(f, "\n  - {err}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Errors {}

impl From<Error> for Errors {
    fn from(err: Error) -> Self {
        Errors(vec![err])
    }
}

impl<'a> IntoIterator for &'a Errors {
    type Item = &'a Error;
    type IntoIter = std::slice::Iter<'a, Error>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}
