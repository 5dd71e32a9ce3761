//! One plain-data struct per Dockerfile instruction.
//!
//! Fields are public: the model has no invariants beyond those its field types enforce. Cross-cutting
//! rules (stage references, duplicate names) are checked by [`crate::model::Dockerfile::validate`].

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::names::{
    Checksum, Chmod, Comment, Duration, FlagValue, ImageRef, Keyword, LabelKey, Line, Pattern, Platform, Port, Signal,
    StageName, Text, UserSpec, VarName,
};
use super::value::{ImageTemplate, Value};

/// One instruction inside a stage (everything but `FROM`, which starts the stage).
///
/// ```
/// use dockwright::model::{Instruction, Workdir};
/// use dockwright::Value;
///
/// let instruction = Instruction::Workdir(Workdir { path: Value::literal("/app").unwrap() });
/// assert_eq!(instruction.keyword(), "WORKDIR");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "instruction")]
#[non_exhaustive]
pub enum Instruction {
    /// `RUN`.
    Run(Run),
    /// `COPY`.
    Copy(Copy),
    /// `ADD`.
    Add(Add),
    /// `ENV`.
    Env(Env),
    /// `ARG` inside a stage.
    Arg(Arg),
    /// `LABEL`.
    Label(Label),
    /// `USER`.
    User(User),
    /// `WORKDIR`.
    Workdir(Workdir),
    /// `EXPOSE`.
    Expose(Expose),
    /// `VOLUME`.
    Volume(Volume),
    /// `HEALTHCHECK`.
    Healthcheck(Healthcheck),
    /// `CMD`.
    Cmd(Cmd),
    /// `ENTRYPOINT`.
    Entrypoint(Entrypoint),
    /// `SHELL`.
    Shell(Shell),
    /// `STOPSIGNAL`.
    StopSignal(StopSignal),
    /// `ONBUILD` with its trigger.
    OnBuild(OnBuild),
    /// A `# comment` line or lines.
    Comment(CommentLine),
    /// An instruction dockwright does not model, written as given (the escape hatch).
    Raw(Raw),
}

impl Instruction {
    /// The Dockerfile keyword (`"RUN"`, `"COPY"`, ...; `"#"` for comments).
    ///
    /// ```
    /// use dockwright::model::{Command, CommentLine, Instruction, Raw, Run};
    /// use dockwright::Comment;
    ///
    /// assert_eq!(Instruction::Run(Run::new(Command::shell("make").unwrap())).keyword(), "RUN");
    /// assert_eq!(Instruction::Comment(CommentLine { text: Comment::new("note").unwrap() }).keyword(), "#");
    /// assert_eq!(Instruction::Raw(Raw::new("MAINTAINER", "ops@example.com").unwrap()).keyword(), "MAINTAINER");
    /// ```
    pub fn keyword(&self) -> &str {
        match self {
            Instruction::Run(_) => "RUN",
            Instruction::Copy(_) => "COPY",
            Instruction::Add(_) => "ADD",
            Instruction::Env(_) => "ENV",
            Instruction::Arg(_) => "ARG",
            Instruction::Label(_) => "LABEL",
            Instruction::User(_) => "USER",
            Instruction::Workdir(_) => "WORKDIR",
            Instruction::Expose(_) => "EXPOSE",
            Instruction::Volume(_) => "VOLUME",
            Instruction::Healthcheck(_) => "HEALTHCHECK",
            Instruction::Cmd(_) => "CMD",
            Instruction::Entrypoint(_) => "ENTRYPOINT",
            Instruction::Shell(_) => "SHELL",
            Instruction::StopSignal(_) => "STOPSIGNAL",
            Instruction::OnBuild(_) => "ONBUILD",
            Instruction::Comment(_) => "#",
            Instruction::Raw(raw) => raw.keyword.as_str(),
        }
    }
}

/// `FROM [--platform=P] base [AS name]`: the start of a stage.
///
/// ```
/// use dockwright::model::{BaseImage, FromInstruction};
/// use dockwright::ImageRef;
///
/// let from = FromInstruction { platform: None, base: BaseImage::Image(ImageRef::parse("alpine:3.19").unwrap()), name: None };
/// assert!(matches!(from.base, BaseImage::Image(_)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FromInstruction {
    /// `--platform`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    /// What the stage starts from.
    pub base: BaseImage,
    /// `AS name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<StageName>,
}

/// What a stage starts from: an image, an image named by global ARGs, or an earlier stage.
///
/// ```
/// use dockwright::model::BaseImage;
/// use dockwright::{ImageTemplate, StageName};
///
/// let base = BaseImage::Stage(StageName::new("builder").unwrap());
/// assert_eq!(base.to_string(), "builder");
/// let base = BaseImage::Template(ImageTemplate::parse("python:${PY}-slim").unwrap());
/// assert_eq!(base.to_string(), "python:${PY}-slim");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BaseImage {
    /// An image from a registry (or `scratch`).
    Image(ImageRef),
    /// An earlier stage of the same Dockerfile.
    Stage(StageName),
    /// An image whose reference BuildKit expands from global ARGs (`FROM python:${PY}-slim`).
    Template(ImageTemplate),
}

impl std::fmt::Display for BaseImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BaseImage::Image(image) => image.fmt(f),
            BaseImage::Stage(stage) => stage.fmt(f),
            BaseImage::Template(template) => template.fmt(f),
        }
    }
}

/// A command: shell form (run by the stage's shell) or exec form (an argv, no shell).
///
/// ```
/// use dockwright::model::{Command, ShellScript};
///
/// let exec = Command::exec(["gunicorn", "app:app"]).unwrap();
/// assert!(matches!(exec, Command::Exec(ref argv) if argv.len() == 2));
/// let shell = Command::shell("echo $HOME").unwrap();
/// assert!(matches!(shell, Command::Shell(ShellScript::Text(_))));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Command {
    /// Shell form.
    Shell(ShellScript),
    /// Exec form: the argv, never expanded by the builder or a shell.
    Exec(Vec<Text>),
}

impl Command {
    /// Exec form from an argv.
    ///
    /// ```
    /// use dockwright::model::Command;
    /// use dockwright::Text;
    ///
    /// let argv = ["python", "-c", "print('hi')"];
    /// assert_eq!(Command::exec(argv).unwrap(), Command::Exec(argv.map(|arg| Text::new(arg).unwrap()).to_vec()));
    /// assert!(Command::exec(["a\0b"]).is_err());
    /// ```
    pub fn exec<I, S>(argv: I) -> Result<Self, crate::error::Error>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        argv.into_iter().map(Text::new).collect::<Result<Vec<_>, _>>().map(Command::Exec)
    }

    /// Shell form from one script text.
    ///
    /// ```
    /// use dockwright::model::{Command, ShellScript};
    /// use dockwright::Text;
    ///
    /// let text = Text::new("echo $HOME").unwrap();
    /// assert_eq!(Command::shell("echo $HOME").unwrap(), Command::Shell(ShellScript::Text(text)));
    /// assert!(Command::shell("a\0b").is_err());
    /// ```
    pub fn shell(text: impl Into<String>) -> Result<Self, crate::error::Error> {
        Text::new(text).map(|text| Command::Shell(ShellScript::Text(text)))
    }
}

/// A shell-form script.
///
/// ```
/// use dockwright::model::ShellScript;
/// use dockwright::Text;
///
/// let steps = ShellScript::Steps(vec![Text::new("apt-get update").unwrap(), Text::new("apt-get install -y curl").unwrap()]);
/// assert_eq!(steps.shell_text(), "apt-get update  && apt-get install -y curl");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ShellScript {
    /// Exactly this text.
    Text(Text),
    /// Commands chained with `&&`, written one per line: stops at the first failure.
    Steps(Vec<Text>),
    /// A multi-line script run with `set -e`, written as a heredoc.
    Script(Vec<Text>),
}

/// What separates two [`ShellScript::Steps`] in the text the shell receives.
///
/// ```
/// use dockwright::model::{ShellScript, STEP_SEPARATOR};
/// use dockwright::Text;
///
/// assert_eq!(STEP_SEPARATOR, "  && ");
/// let steps = ShellScript::Steps(vec![Text::new("a").unwrap(), Text::new("b").unwrap()]);
/// assert_eq!(steps.shell_text(), format!("a{STEP_SEPARATOR}b"));
/// ```
pub const STEP_SEPARATOR: &str = "  && ";

impl ShellScript {
    /// The exact text the shell receives (a heredoc's final newline aside).
    ///
    /// ```
    /// use dockwright::model::ShellScript;
    /// use dockwright::Text;
    ///
    /// let lines = vec![Text::new("cd /tmp").unwrap(), Text::new("make").unwrap()];
    /// assert_eq!(ShellScript::Script(lines.clone()).shell_text(), "set -e\ncd /tmp\nmake");
    /// assert_eq!(ShellScript::Steps(lines).shell_text(), "cd /tmp  && make");
    /// assert_eq!(ShellScript::Text(Text::new("make").unwrap()).shell_text(), "make");
    /// ```
    pub fn shell_text(&self) -> String {
        let mut text = String::with_capacity(self.pieces().map(str::len).sum());
        self.pieces().for_each(|piece| text.push_str(piece));
        text
    }

    /// [`ShellScript::shell_text`], borrowed when the script is one text.
    pub(crate) fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            ShellScript::Text(text) => std::borrow::Cow::Borrowed(text.as_str()),
            other => std::borrow::Cow::Owned(other.shell_text()),
        }
    }

    /// The pieces [`ShellScript::shell_text`] is made of, in order, for readers that do not need the
    /// whole text at once. Every separator between two lines or steps starts and ends with whitespace.
    pub(crate) fn pieces(&self) -> impl Iterator<Item = &str> {
        let (head, lines, separator): (Option<&str>, &[Text], &str) = match self {
            ShellScript::Text(text) => (Some(text.as_str()), &[], ""),
            ShellScript::Steps(steps) => (None, steps.as_slice(), STEP_SEPARATOR),
            ShellScript::Script(lines) => (Some("set -e"), lines.as_slice(), "\n"),
        };
        let first_separated = head.is_some();
        head.into_iter().chain(
            lines.iter().enumerate().flat_map(move |(index, line)| {
                [if index > 0 || first_separated { separator } else { "" }, line.as_str()]
            }),
        )
    }
}

/// `RUN [--mount=...] [--network=...] [--security=...] command`.
///
/// ```
/// use dockwright::model::{Command, Run};
///
/// let run = Run::new(Command::shell("pip install -r requirements.txt").unwrap());
/// assert!(run.mounts.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    /// `--mount` flags, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mounts: Vec<Mount>,
    /// `--network`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<Network>,
    /// `--security`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security: Option<Security>,
    /// What to run.
    pub command: Command,
}

impl Run {
    /// A RUN with no flags.
    ///
    /// ```
    /// use dockwright::model::{Command, Instruction, Run};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let run = Run::new(Command::exec(["make", "install"]).unwrap());
    /// assert!(run.mounts.is_empty() && run.network.is_none() && run.security.is_none());
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).instruction(Instruction::Run(run)));
    /// assert!(image.emit().unwrap().ends_with("RUN [\"make\", \"install\"]\n"));
    /// ```
    pub fn new(command: Command) -> Self {
        Run { mounts: Vec::new(), network: None, security: None, command }
    }
}

/// `RUN --network` modes.
///
/// ```
/// assert_eq!(dockwright::model::Network::None.as_str(), "none");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Network {
    /// The default network.
    Default,
    /// No network at all.
    None,
    /// The host's network (needs the `network.host` entitlement).
    Host,
}

impl Network {
    /// The flag value.
    ///
    /// ```
    /// use dockwright::model::Network;
    ///
    /// assert_eq!(Network::Default.as_str(), "default");
    /// assert_eq!(Network::Host.as_str(), "host");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Network::Default => "default",
            Network::None => "none",
            Network::Host => "host",
        }
    }
}

/// `RUN --security` modes.
///
/// ```
/// assert_eq!(dockwright::model::Security::Insecure.as_str(), "insecure");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Security {
    /// The default sandbox.
    Sandbox,
    /// Privileged (needs the `security.insecure` entitlement).
    Insecure,
}

impl Security {
    /// The flag value.
    ///
    /// ```
    /// assert_eq!(dockwright::model::Security::Sandbox.as_str(), "sandbox");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Security::Sandbox => "sandbox",
            Security::Insecure => "insecure",
        }
    }
}

/// Where `COPY --from` or `RUN --mount=from=` takes files from.
///
/// ```
/// use dockwright::model::FromSource;
/// use dockwright::StageName;
///
/// let from = FromSource::Stage(StageName::new("builder").unwrap());
/// assert_eq!(from.to_string(), "builder");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FromSource {
    /// An earlier stage.
    Stage(StageName),
    /// An image.
    Image(ImageRef),
}

impl std::fmt::Display for FromSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FromSource::Stage(stage) => stage.fmt(f),
            FromSource::Image(image) => image.fmt(f),
        }
    }
}

/// A `RUN --mount`.
///
/// ```
/// use dockwright::model::Mount;
/// use dockwright::FlagValue;
///
/// let cache = Mount::cache(FlagValue::new("/root/.cache/pip").unwrap());
/// assert!(matches!(cache, Mount::Cache { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
#[non_exhaustive]
pub enum Mount {
    /// `type=bind`: files from the context, a stage or an image, read-only unless `rw`.
    Bind {
        /// Where it is mounted.
        target: FlagValue,
        /// Path in the source.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<FlagValue>,
        /// Stage or image to mount from (the context when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<FromSource>,
        /// Writable (writes are discarded).
        #[serde(default)]
        rw: bool,
    },
    /// `type=cache`: a persistent cache directory.
    Cache {
        /// Where it is mounted.
        target: FlagValue,
        /// Cache id (defaults to the target).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<FlagValue>,
        /// How concurrent builds share it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sharing: Option<Sharing>,
        /// Seed contents from a stage or image.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<FromSource>,
        /// Path in `from`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<FlagValue>,
        /// Directory mode (octal).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mode: Option<Chmod>,
        /// Owner uid.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        uid: Option<u32>,
        /// Owner gid.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        gid: Option<u32>,
        /// Read-only.
        #[serde(default)]
        readonly: bool,
    },
    /// `type=tmpfs`: an in-memory directory.
    Tmpfs {
        /// Where it is mounted.
        target: FlagValue,
        /// Size limit in bytes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        size: Option<u64>,
    },
    /// `type=secret`: a build secret, never stored in the image.
    Secret {
        /// Secret id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<FlagValue>,
        /// File path (default `/run/secrets/<id>`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target: Option<FlagValue>,
        /// Expose as this environment variable instead of a file.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        env: Option<VarName>,
        /// Fail when the secret is not provided.
        #[serde(default)]
        required: bool,
        /// File mode (octal).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mode: Option<Chmod>,
        /// Owner uid.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        uid: Option<u32>,
        /// Owner gid.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        gid: Option<u32>,
    },
    /// `type=ssh`: the build's SSH agent socket.
    Ssh {
        /// SSH id (default `default`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<FlagValue>,
        /// Socket path.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target: Option<FlagValue>,
        /// Fail when no agent is forwarded.
        #[serde(default)]
        required: bool,
        /// Socket mode (octal).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mode: Option<Chmod>,
        /// Owner uid.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        uid: Option<u32>,
        /// Owner gid.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        gid: Option<u32>,
    },
}

impl Mount {
    /// A cache mount at `target` with every option at its default.
    ///
    /// ```
    /// use dockwright::model::Mount;
    /// use dockwright::{Base, FlagValue, Image, Run, Stage};
    ///
    /// let cache = Mount::cache(FlagValue::new("/root/.npm").unwrap());
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::node("20").slim()).run(Run::sh("npm ci").mount(cache)));
    /// assert!(image.emit().unwrap().ends_with("RUN --mount=type=cache,target=/root/.npm npm ci\n"));
    /// ```
    pub fn cache(target: FlagValue) -> Self {
        Mount::Cache {
            target,
            id: None,
            sharing: None,
            from: None,
            source: None,
            mode: None,
            uid: None,
            gid: None,
            readonly: false,
        }
    }

    /// A secret mount for `id` as a file under `/run/secrets/`.
    ///
    /// ```
    /// use dockwright::model::Mount;
    /// use dockwright::FlagValue;
    ///
    /// assert!(matches!(Mount::secret(FlagValue::new("pip_conf").unwrap()), Mount::Secret { required: false, .. }));
    /// ```
    pub fn secret(id: FlagValue) -> Self {
        Mount::Secret { id: Some(id), target: None, env: None, required: false, mode: None, uid: None, gid: None }
    }
}

/// Cache mount sharing modes.
///
/// ```
/// assert_eq!(dockwright::model::Sharing::Locked.as_str(), "locked");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Sharing {
    /// Shared by concurrent builds (the default).
    Shared,
    /// A new cache for each concurrent build.
    Private,
    /// Concurrent builds wait for each other.
    Locked,
}

impl Sharing {
    /// The option value.
    ///
    /// ```
    /// use dockwright::model::Sharing;
    ///
    /// assert_eq!(Sharing::Shared.as_str(), "shared");
    /// assert_eq!(Sharing::Private.as_str(), "private");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Sharing::Shared => "shared",
            Sharing::Private => "private",
            Sharing::Locked => "locked",
        }
    }
}

/// A source of `COPY` or `ADD`.
///
/// ```
/// use dockwright::model::Source;
///
/// assert_eq!(Source::literal("data[1].csv").unwrap(), Source::path("data[[]1].csv").unwrap());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Source {
    /// A path pattern, matched as BuildKit does (`*`, `?` and `[...]` are wildcards; for `ADD`, also a URL).
    Path(Line),
    /// An inline file (a heredoc) with exactly this content.
    Inline(Text),
}

impl Source {
    /// A path pattern as written (wildcards active).
    ///
    /// ```
    /// use dockwright::model::Source;
    /// use dockwright::Line;
    ///
    /// assert_eq!(Source::path("src/*.py").unwrap(), Source::Path(Line::new("src/*.py").unwrap()));
    /// assert!(Source::path("a\nb").is_err());
    /// ```
    pub fn path(pattern: impl Into<String>) -> Result<Self, crate::error::Error> {
        Line::new(pattern).map(Source::Path)
    }

    /// A path matched literally. BuildKit matches a source as a pattern only when it holds `*`, `?` or
    /// `[`; then each of those is put in brackets and a backslash (the pattern escape) is doubled. A
    /// source without them is looked up as it is, backslashes included.
    ///
    /// Copied from the build context, a name with `*`, `?` or `\` cannot be selected by BuildKit's
    /// context transfer at all: [`Dockerfile::validate`](crate::model::Dockerfile::validate) refuses it
    /// there, naming the file. From a stage (`COPY --from`) every name works.
    ///
    /// ```
    /// use dockwright::model::Source;
    ///
    /// assert_eq!(Source::literal("what?*.txt").unwrap(), Source::path("what[?][*].txt").unwrap());
    /// assert_eq!(Source::literal("data[1]\\x").unwrap(), Source::path("data[[]1]\\\\x").unwrap());
    /// assert_eq!(Source::literal("back\\slash").unwrap(), Source::path("back\\slash").unwrap());
    /// assert_eq!(Source::literal("plain.txt").unwrap(), Source::path("plain.txt").unwrap());
    /// ```
    pub fn literal(path: &str) -> Result<Self, crate::error::Error> {
        if !path.contains(['*', '?', '[']) {
            return Source::path(path);
        }
        let mut pattern = String::with_capacity(path.len());
        for c in path.chars() {
            match c {
                '[' => pattern.push_str("[[]"),
                '*' => pattern.push_str("[*]"),
                '?' => pattern.push_str("[?]"),
                '\\' => pattern.push_str("\\\\"),
                c => pattern.push(c),
            }
        }
        Source::path(pattern)
    }
}

/// `COPY [--from] [--chown] [--chmod] [--link] [--parents] [--exclude]... sources... dest`.
///
/// ```
/// use dockwright::model::{Copy, Source};
/// use dockwright::Line;
///
/// let copy = Copy::new(vec![Source::path("requirements.txt").unwrap()], Line::new("./").unwrap());
/// assert_eq!(copy.dest.as_str(), "./");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Copy {
    /// `--from`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<FromSource>,
    /// `--chown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chown: Option<UserSpec>,
    /// `--chmod`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chmod: Option<Chmod>,
    /// `--link`.
    #[serde(default)]
    pub link: bool,
    /// `--parents`.
    #[serde(default)]
    pub parents: bool,
    /// `--exclude`, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excludes: Vec<Pattern>,
    /// What to copy.
    pub sources: Vec<Source>,
    /// Where to (a directory when it ends with `/`).
    pub dest: Line,
}

impl Copy {
    /// A COPY with no flags.
    ///
    /// ```
    /// use dockwright::model::{Copy, Instruction, Source};
    /// use dockwright::{Base, Image, Line, Stage};
    ///
    /// let copy = Copy::new(vec![Source::literal("data[1].csv").unwrap()], Line::new("/data/").unwrap());
    /// assert!(copy.from.is_none() && copy.chown.is_none() && !copy.link && copy.excludes.is_empty());
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).instruction(Instruction::Copy(copy)));
    /// assert!(image.emit().unwrap().ends_with("COPY [\"data[[]1].csv\", \"/data/\"]\n"));
    /// ```
    pub fn new(sources: Vec<Source>, dest: Line) -> Self {
        Copy { from: None, chown: None, chmod: None, link: false, parents: false, excludes: Vec::new(), sources, dest }
    }
}

/// `ADD [--chown] [--chmod] [--link] [--checksum] [--keep-git-dir] [--unpack] [--exclude]... sources... dest`.
///
/// ```
/// use dockwright::model::{Add, Source};
/// use dockwright::Line;
///
/// let add = Add::new(vec![Source::path("https://example.com/model.bin").unwrap()], Line::new("/models/").unwrap());
/// assert!(add.checksum.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Add {
    /// `--chown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chown: Option<UserSpec>,
    /// `--chmod`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chmod: Option<Chmod>,
    /// `--link`.
    #[serde(default)]
    pub link: bool,
    /// `--checksum` (verifies a remote source).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<Checksum>,
    /// `--keep-git-dir`.
    #[serde(default)]
    pub keep_git_dir: bool,
    /// `--unpack`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unpack: Option<bool>,
    /// `--exclude`, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excludes: Vec<Pattern>,
    /// What to add: context paths, URLs, git repositories, inline files.
    pub sources: Vec<Source>,
    /// Where to.
    pub dest: Line,
}

impl Add {
    /// An ADD with no flags.
    ///
    /// ```
    /// use dockwright::model::{Add, Source};
    /// use dockwright::Line;
    ///
    /// let add = Add::new(vec![Source::path("site.tar.gz").unwrap()], Line::new("/srv/").unwrap());
    /// assert!(add.chown.is_none() && add.checksum.is_none() && add.unpack.is_none() && !add.link);
    /// assert_eq!(add.dest.as_str(), "/srv/");
    /// ```
    pub fn new(sources: Vec<Source>, dest: Line) -> Self {
        Add {
            chown: None,
            chmod: None,
            link: false,
            checksum: None,
            keep_git_dir: false,
            unpack: None,
            excludes: Vec::new(),
            sources,
            dest,
        }
    }
}

/// `ENV key=value ...`: all pairs in one instruction (a value sees the environment before it).
///
/// ```
/// use dockwright::model::Env;
/// use dockwright::{Value, VarName};
///
/// let mut env = Env::default();
/// env.vars.insert(VarName::new("PYTHONUNBUFFERED").unwrap(), Value::literal("1").unwrap());
/// assert_eq!(env.vars.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Env {
    /// The variables, in the order written.
    pub vars: IndexMap<VarName, Value>,
}

/// `ARG name[=default]`.
///
/// ```
/// use dockwright::model::Arg;
/// use dockwright::VarName;
///
/// let arg = Arg { name: VarName::new("VERSION").unwrap(), default: None };
/// assert!(arg.default.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arg {
    /// The name.
    pub name: VarName,
    /// The default value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
}

/// `LABEL key=value ...`.
///
/// ```
/// assert!(dockwright::model::Label::default().labels.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Label {
    /// The labels, in the order written.
    pub labels: IndexMap<LabelKey, Value>,
}

/// `USER user[:group]`.
///
/// ```
/// use dockwright::model::User;
/// use dockwright::UserSpec;
///
/// assert!(!User { user: UserSpec::new("app").unwrap() }.user.is_root());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Who later instructions and the container run as.
    pub user: UserSpec,
}

/// `WORKDIR path`.
///
/// ```
/// use dockwright::model::Workdir;
/// use dockwright::Value;
///
/// assert_eq!(Workdir { path: Value::literal("/app").unwrap() }.path.to_string(), "/app");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workdir {
    /// The directory (relative paths are relative to the previous WORKDIR).
    pub path: Value,
}

/// `EXPOSE port ...`.
///
/// ```
/// use dockwright::model::Expose;
/// use dockwright::Port;
///
/// assert_eq!(Expose { ports: vec![Port::tcp(8000)] }.ports.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expose {
    /// The ports.
    pub ports: Vec<Port>,
}

/// `VOLUME path ...`.
///
/// ```
/// use dockwright::model::Volume;
/// use dockwright::Line;
///
/// assert_eq!(Volume { paths: vec![Line::new("/app/data").unwrap()] }.paths.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Volume {
    /// Mount points.
    pub paths: Vec<Line>,
}

/// `HEALTHCHECK [options] CMD command` or `HEALTHCHECK NONE`.
///
/// ```
/// use dockwright::model::{Command, Healthcheck, HealthOptions};
///
/// let check = Healthcheck::Check { options: HealthOptions::default(), command: Command::exec(["/app/check"]).unwrap() };
/// assert!(matches!(check, Healthcheck::Check { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum Healthcheck {
    /// Disable any healthcheck inherited from the base image.
    None,
    /// Probe with a command.
    Check {
        /// Timing options.
        #[serde(default)]
        options: HealthOptions,
        /// The probe; exit 0 means healthy.
        command: Command,
    },
}

/// Healthcheck timing; `None` leaves the engine's default.
///
/// ```
/// use dockwright::model::HealthOptions;
///
/// assert_eq!(HealthOptions::default().retries, None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HealthOptions {
    /// `--interval` (default 30s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<Duration>,
    /// `--timeout` (default 30s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
    /// `--start-period` (default 0s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_period: Option<Duration>,
    /// `--start-interval` (default 5s; Engine 25+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_interval: Option<Duration>,
    /// `--retries` (default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<u32>,
}

/// `CMD`: the default command (or default arguments to the ENTRYPOINT).
///
/// ```
/// use dockwright::model::{Cmd, Command};
///
/// let cmd = Cmd { command: Command::exec(["python", "app.py"]).unwrap() };
/// assert!(matches!(cmd.command, Command::Exec(_)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cmd {
    /// The command.
    pub command: Command,
}

/// `ENTRYPOINT`.
///
/// ```
/// use dockwright::model::{Command, Entrypoint};
///
/// let entrypoint = Entrypoint { command: Command::exec(["/entrypoint.sh"]).unwrap() };
/// assert!(matches!(entrypoint.command, Command::Exec(_)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entrypoint {
    /// The command.
    pub command: Command,
}

/// `SHELL ["executable", "args"...]`: the shell for later shell-form instructions.
///
/// ```
/// use dockwright::model::Shell;
/// use dockwright::Text;
///
/// let shell = Shell { argv: ["/bin/bash", "-o", "pipefail", "-c"].map(|s| Text::new(s).unwrap()).to_vec() };
/// assert_eq!(shell.argv.len(), 4);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shell {
    /// The shell's argv prefix; must not be empty.
    pub argv: Vec<Text>,
}

/// `STOPSIGNAL signal`.
///
/// ```
/// use dockwright::model::StopSignal;
/// use dockwright::Signal;
///
/// assert_eq!(StopSignal { signal: Signal::new("SIGINT").unwrap() }.signal.as_str(), "SIGINT");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StopSignal {
    /// The signal.
    pub signal: Signal,
}

/// `ONBUILD instruction`: a trigger run when another image builds `FROM` this one.
///
/// ```
/// use dockwright::model::{Instruction, OnBuild, Workdir};
/// use dockwright::Value;
///
/// let trigger = OnBuild { trigger: Box::new(Instruction::Workdir(Workdir { path: Value::literal("/src").unwrap() })) };
/// assert_eq!(trigger.trigger.keyword(), "WORKDIR");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnBuild {
    /// The trigger; not ONBUILD, FROM or a comment.
    pub trigger: Box<Instruction>,
}

/// A comment, written as `# ...` lines.
///
/// ```
/// use dockwright::model::CommentLine;
/// use dockwright::Comment;
///
/// assert_eq!(CommentLine { text: Comment::new("hello").unwrap() }.text.as_str(), "hello");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentLine {
    /// The text; each line becomes one `# ` line.
    pub text: Comment,
}

/// An instruction written as given: the escape hatch for anything dockwright does not model.
/// The arguments are one line that cannot continue into, or open a heredoc over, the lines after it.
///
/// ```
/// use dockwright::model::Raw;
///
/// let raw = Raw::new("MAINTAINER", "ops@example.com").unwrap();
/// assert_eq!(raw.args.as_str(), "ops@example.com");
/// assert!(Raw::new("RUN", "cat <<EOF").is_err());
/// assert!(Raw::new("ENV", "A=b \\").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawParts", into = "RawParts")]
pub struct Raw {
    /// The keyword.
    pub keyword: Keyword,
    /// The arguments, exactly as they will be written.
    pub args: Line,
}

impl Raw {
    /// Checks that `args` cannot change the meaning of the lines around it.
    ///
    /// ```
    /// use dockwright::model::Raw;
    ///
    /// assert_eq!(Raw::new("MAINTAINER", "ops@example.com").unwrap().keyword.as_str(), "MAINTAINER");
    /// let err = Raw::new("FROM", "alpine").unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "raw FROM arguments \"alpine\" use a keyword that starts a stage or a trigger: use the typed API instead"
    /// );
    /// ```
    pub fn new(keyword: &str, args: &str) -> Result<Self, crate::error::Error> {
        let keyword = Keyword::new(keyword)?;
        let args = Line::new(args)?;
        let text = args.as_str();
        let bad = |why: &str| {
            crate::error::Error::new(
                crate::error::ErrorKind::InvalidRaw,
                format!("raw {keyword} arguments {text:?} {why}"),
            )
        };
        let trimmed = text.trim_end_matches([' ', '\t']);
        if trimmed.ends_with(['\\', '`']) {
            return Err(bad("end with an escape character, which would join the next line to this instruction"));
        }
        if text.contains("<<") {
            return Err(bad("contain '<<', which BuildKit may read as a heredoc that swallows the lines after it"));
        }
        if matches!(keyword.as_str().to_ascii_uppercase().as_str(), "FROM" | "ONBUILD") {
            return Err(bad("use a keyword that starts a stage or a trigger: use the typed API instead"));
        }
        Ok(Raw { keyword, args })
    }
}

#[derive(Serialize, Deserialize)]
struct RawParts {
    keyword: String,
    args: String,
}

impl TryFrom<RawParts> for Raw {
    type Error = crate::error::Error;
    fn try_from(parts: RawParts) -> Result<Self, crate::error::Error> {
        Raw::new(&parts.keyword, &parts.args)
    }
}

impl From<Raw> for RawParts {
    fn from(raw: Raw) -> RawParts {
        RawParts { keyword: raw.keyword.into(), args: raw.args.into() }
    }
}
