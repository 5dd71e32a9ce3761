//! [`Stage`]: one build stage, made from a base, with chainable instruction and intent methods.

use crate::base::{Base, NonRootUser, Official, Tool};
use crate::error::{Error, ErrorKind};
use crate::model::{
    self, BaseImage, Cmd, Command, CommentLine, Entrypoint, Env, Expose, FromInstruction, Healthcheck, Instruction,
    Label, LabelKey, Line, Platform, Port, Raw, Shell, Signal, StageName, StopSignal, Text, User, UserSpec, VarName,
    Volume, Workdir,
};

use super::convert::{Add, Copy, IntoCommand, IntoValue, Run};
use super::health::Health;
use super::{Facts, StageHandle};

/// One build stage. It can only be made from a base: an image ([`Base`]) or an earlier stage
/// ([`StageHandle`]).
///
/// ```
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(
///     Stage::new("app", Base::python("3.12").slim())
///         .workdir("/app")
///         .env("PYTHONUNBUFFERED", "1")
///         .copy(["app.py"], "./")
///         .expose(5000)
///         .cmd(["python", "app.py"]),
/// );
/// assert_eq!(
///     image.emit().unwrap(),
///     "FROM python:3.12-slim AS app\n\
///      WORKDIR /app\n\
///      ENV PYTHONUNBUFFERED=1\n\
///      COPY [\"app.py\", \"./\"]\n\
///      EXPOSE 5000\n\
///      CMD [\"python\", \"app.py\"]\n"
/// );
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Stage {
    pub(crate) name: String,
    base: StageBase,
    platform: Option<Platform>,
    doc: Option<model::Comment>,
    instructions: Vec<Instruction>,
    pub(crate) refs: Vec<StageHandle>,
    pub(crate) problems: Vec<Error>,
    pub(crate) facts: Facts,
    /// The index of a `USER` that [`Stage::as_root`] wrote to switch back: while it is the last
    /// instruction, a switch to another user or back to root replaces it instead of following it.
    restore: Option<usize>,
    /// How many `USER` instructions the stage has: tells [`Stage::as_root`] whether its steps chose a
    /// user themselves.
    user_changes: usize,
    /// The stage's last HEALTHCHECK command (`None` after `HEALTHCHECK NONE`), checked against the
    /// tools the stage has once it is complete.
    health: Option<Command>,
}

/// What a stage starts from: a base image, or an earlier stage of the same image.
///
/// ```
/// use dockwright::{Base, StageBase};
///
/// let base: StageBase = Base::alpine("3.19").into();
/// assert!(matches!(base, StageBase::Image(_)));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum StageBase {
    /// An image.
    Image(Base),
    /// An earlier stage.
    Stage(StageHandle),
}

impl From<Base> for StageBase {
    fn from(base: Base) -> Self {
        StageBase::Image(base)
    }
}

impl From<Official> for StageBase {
    fn from(official: Official) -> Self {
        StageBase::Image(official.into())
    }
}

impl From<&StageHandle> for StageBase {
    fn from(handle: &StageHandle) -> Self {
        StageBase::Stage(handle.clone())
    }
}

impl From<StageHandle> for StageBase {
    fn from(handle: StageHandle) -> Self {
        StageBase::Stage(handle)
    }
}

/// # Basic API
impl Stage {
    /// A stage named `name` (lowercase `[a-z][a-z0-9_.-]*`) made from `base`.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// let base = image.stage(Stage::new("base", Base::debian("bookworm-slim")).install(["ca-certificates"]));
    /// image.stage(Stage::new("app", &base).user("10001"));
    /// assert!(image.emit().unwrap().contains("FROM base AS app\nUSER 10001\n"));
    /// ```
    pub fn new(name: &str, base: impl Into<StageBase>) -> Self {
        let mut stage = Stage::made(name, base.into());
        if let Err(err) = StageName::new(name) {
            stage.problems.insert(0, err);
        }
        stage
    }

    /// A stage without a name, made from `base`: `FROM <base>` with no `AS`, as many Dockerfiles
    /// write their last stage. `docker build` builds the last stage by default, so an unnamed last
    /// stage is still the image; but nothing can build on it, copy from it, mount it or select it with
    /// `--target`: using its handle is a validation error. Prefer [`Stage::new`] unless the text must
    /// keep a stage unnamed (as code generated from an existing Dockerfile does).
    ///
    /// ```
    /// use dockwright::{Base, Copy, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// let build = image.stage(Stage::new("build", Base::golang("1.22").alpine()).run("go build -o /out/app ."));
    /// image.stage(Stage::unnamed(Base::alpine("3.19")).copy_with(Copy::new(["/out/app"], "/app").from(&build)));
    /// assert_eq!(
    ///     image.emit().unwrap(),
    ///     "FROM golang:1.22-alpine AS build\nRUN go build -o /out/app .\n\nFROM alpine:3.19\nCOPY --from=build [\"/out/app\", \"/app\"]\n"
    /// );
    /// assert_eq!(image.targets(), ["build"]);
    ///
    /// let mut image = Image::new();
    /// let first = image.stage(Stage::unnamed(Base::alpine("3.19")));
    /// image.stage(Stage::new("app", &first));
    /// assert_eq!(
    ///     image.emit().unwrap_err().to_string(),
    ///     "stage 'app': uses stage 1, which has no name: name it with Stage::new to build on it, copy from it or mount it"
    /// );
    /// ```
    pub fn unnamed(base: impl Into<StageBase>) -> Self {
        Stage::made("", base.into())
    }

    fn made(name: &str, base: StageBase) -> Self {
        let mut problems = Vec::new();
        let mut refs = Vec::new();
        let facts = match &base {
            StageBase::Image(image) => {
                if let Err(err) = image.model_base() {
                    problems.push(err.clone());
                }
                Facts::of_base(image)
            }
            StageBase::Stage(handle) => {
                refs.push(handle.clone());
                handle.facts.as_ref().clone()
            }
        };
        Stage {
            name: name.to_string(),
            base,
            platform: None,
            doc: None,
            instructions: Vec::new(),
            refs,
            problems,
            facts,
            restore: None,
            user_changes: 0,
            health: None,
        }
    }

    /// Builds the stage for `platform` (`--platform`), e.g. `"linux/amd64"` or `"$BUILDPLATFORM"`.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("build", Base::golang("1.22").alpine()).platform("$BUILDPLATFORM"));
    /// assert_eq!(image.emit().unwrap(), "FROM --platform=$BUILDPLATFORM golang:1.22-alpine AS build\n");
    /// ```
    pub fn platform(mut self, platform: &str) -> Self {
        match Platform::parse(platform) {
            Ok(platform) => self.platform = Some(platform),
            Err(err) => self.problems.push(err),
        }
        self
    }

    /// A comment written just above the stage's `FROM` line.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).doc("runtime: only what the app needs"));
    /// assert_eq!(image.emit().unwrap(), "# runtime: only what the app needs\nFROM alpine:3.19 AS app\n");
    /// ```
    pub fn doc(mut self, text: &str) -> Self {
        match model::Comment::new(text) {
            Ok(comment) => self.doc = Some(comment),
            Err(err) => self.problems.push(err),
        }
        self
    }

    /// A `# comment` line at this point of the stage.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).comment("dependencies first, for the cache"));
    /// assert_eq!(image.emit().unwrap(), "FROM alpine:3.19 AS app\n# dependencies first, for the cache\n");
    /// ```
    pub fn comment(self, text: &str) -> Self {
        let comment = model::Comment::new(text).map(|text| Instruction::Comment(CommentLine { text }));
        self.push("comment", comment)
    }

    /// The stage's name; empty for a stage made with [`Stage::unnamed`].
    ///
    /// ```
    /// assert_eq!(dockwright::Stage::new("app", dockwright::Base::scratch()).name(), "app");
    /// assert_eq!(dockwright::Stage::unnamed(dockwright::Base::scratch()).name(), "");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Calls `f` with the stage: for steps built elsewhere.
    ///
    /// ```
    /// use dockwright::{Base, Stage};
    ///
    /// fn python_env(stage: Stage) -> Stage {
    ///     stage.env("PYTHONDONTWRITEBYTECODE", "1").env("PYTHONUNBUFFERED", "1")
    /// }
    /// let stage = Stage::new("app", Base::python("3.12").slim()).apply(python_env);
    /// # let mut image = dockwright::Image::new(); image.stage(stage);
    /// # assert!(image.emit().unwrap().contains("ENV PYTHONDONTWRITEBYTECODE=1 \\\n    PYTHONUNBUFFERED=1\n"));
    /// ```
    pub fn apply(self, f: impl FnOnce(Stage) -> Stage) -> Self {
        f(self)
    }

    /// Calls `f` with the stage and the value, when there is one.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let port: Option<u16> = Some(8080);
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).apply_if(port, |stage, port| stage.expose(port)));
    /// assert!(image.emit().unwrap().ends_with("EXPOSE 8080\n"));
    /// ```
    pub fn apply_if<T>(self, value: Option<T>, f: impl FnOnce(Stage, T) -> Stage) -> Self {
        match value {
            Some(value) => f(self, value),
            None => self,
        }
    }

    /// The base image's knowledge (for the root image this stage descends from).
    ///
    /// ```
    /// use dockwright::{Base, OsFamily, Stage};
    ///
    /// assert_eq!(Stage::new("app", Base::alpine("3.19")).base().family(), OsFamily::Alpine);
    /// ```
    pub fn base(&self) -> &Base {
        &self.facts.base
    }

    /// Declares that `tool` exists in this stage (for tools copied in or installed in ways dockwright
    /// cannot see).
    ///
    /// ```
    /// use dockwright::{Base, Stage, Tool};
    ///
    /// let stage = Stage::new("app", Base::debian("bookworm-slim")).provides(Tool::Curl);
    /// assert!(stage.healthcheck_http(8080, "/health").is_ok());
    /// ```
    pub fn provides(mut self, tool: Tool) -> Self {
        self.facts.tools.insert(tool);
        self
    }

    /// Records a problem found outside this module (by a recipe), reported by [`Image::validate`]
    /// with the stage's name in front.
    ///
    /// [`Image::validate`]: crate::Image::validate
    pub(crate) fn problem(mut self, err: Error) -> Self {
        self.problems.push(err);
        self
    }

    fn push(mut self, what: &str, instruction: Result<Instruction, Error>) -> Self {
        match instruction {
            Ok(instruction) => {
                if is_user(&instruction) && self.trailing_restore() {
                    // A switch back that nothing ran under: the new USER replaces it.
                    self.instructions.pop();
                    self.restore = None;
                }
                self.observe(&instruction);
                self.instructions.push(instruction);
            }
            Err(err) => self.problems.push(err.at(what.to_string())),
        }
        self
    }

    /// Updates what the stage is known to have after `instruction`: the user in force, and the tools
    /// a RUN names or a COPY/ADD brings.
    fn observe(&mut self, instruction: &Instruction) {
        match instruction {
            Instruction::User(user) => {
                let root = user.user.is_root();
                self.set_user(instruction, root);
            }
            Instruction::Raw(raw) if raw.keyword.as_str().eq_ignore_ascii_case("USER") => {
                // A user the DSL cannot read (`${APP_UID}`) counts as not root: a switch too many is
                // harmless, a missing one fails the build.
                let root = UserSpec::new(raw.args.as_str().trim()).is_ok_and(|user| user.is_root());
                self.set_user(instruction, root);
            }
            _ => self.facts.observe_tools(instruction),
        }
    }

    fn set_user(&mut self, instruction: &Instruction, root: bool) {
        self.user_changes += 1;
        self.facts.user = if root { None } else { Some(instruction.clone()) };
    }

    fn trailing_restore(&self) -> bool {
        self.restore.is_some_and(|index| index + 1 == self.instructions.len())
    }

    /// The problems only the complete stage shows: a HEALTHCHECK that calls a probe tool the stage
    /// does not have.
    pub(crate) fn health_problems(&self) -> Vec<Error> {
        match &self.health {
            Some(command) => super::health::missing_tools(&self.facts, command),
            None => Vec::new(),
        }
    }

    fn needs_shell(&mut self, what: &str, command: &Result<Command, Error>) {
        if let Ok(Command::Shell(_)) = command {
            if !self.facts.base.has_shell() {
                self.problems.push(Error::new(
                    ErrorKind::Unsupported,
                    format!(
                        "{what} uses shell form, but {} has no shell: use exec form (an array of arguments)",
                        self.facts.base.describe()
                    ),
                ));
            }
        }
    }

    pub(crate) fn to_model(&self) -> Option<model::Stage> {
        let name = if self.name.is_empty() { None } else { Some(StageName::new(&self.name).ok()?) };
        let base = match &self.base {
            StageBase::Image(base) => base.model_base().ok()?,
            StageBase::Stage(handle) => BaseImage::Stage(StageName::new(handle.name()).ok()?),
        };
        Some(model::Stage {
            comment: self.doc.clone(),
            from: FromInstruction { platform: self.platform.clone(), base, name },
            instructions: self.instructions.clone(),
        })
    }
}

/// # Instructions
impl Stage {
    /// `RUN`: a shell text (`&str`), or a [`Run`] with mounts, network or exec form.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).run("echo 'multi\nline' > /tmp/x"));
    /// assert_eq!(image.emit().unwrap(), "FROM alpine:3.19 AS app\nRUN <<EOF\necho 'multi\nline' > /tmp/x\nEOF\n");
    /// ```
    pub fn run(mut self, run: impl Into<Run>) -> Self {
        let run = run.into();
        self.needs_shell("RUN", &run.command);
        self.problems.extend(run.problems.into_iter().map(|err| err.at("RUN")));
        self.refs.extend(run.refs);
        let instruction = run.command.map(|command| {
            Instruction::Run(model::Run { mounts: run.mounts, network: run.network, security: run.security, command })
        });
        self.push("RUN", instruction)
    }

    /// `COPY sources... dest` from the build context. Sources are path patterns (`*`, `?`, `[...]`
    /// match as in BuildKit); several sources need a destination ending in `/`.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).copy(["*.py", "requirements.txt"], "/app/"));
    /// assert!(image.emit().unwrap().ends_with("COPY [\"*.py\", \"requirements.txt\", \"/app/\"]\n"));
    ///
    /// let mut bad = Image::new();
    /// bad.stage(Stage::new("app", Base::alpine("3.19")).copy(["a", "b"], "/dst"));
    /// assert_eq!(
    ///     bad.emit().unwrap_err().to_string(),
    ///     "stage 'app', instruction 1 (COPY): copies 2 sources, so the destination \"/dst\" must end with '/'"
    /// );
    /// ```
    pub fn copy<I, S>(self, sources: I, dest: &str) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.copy_with(Copy::new(sources, dest))
    }

    /// `COPY --from=<stage> sources... dest`.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// let build = image.stage(Stage::new("build", Base::golang("1.22").alpine()));
    /// image.stage(Stage::new("app", Base::alpine("3.19")).copy_from(&build, ["/src/app"], "/usr/local/bin/app"));
    /// assert!(image.emit().unwrap().ends_with("COPY --from=build [\"/src/app\", \"/usr/local/bin/app\"]\n"));
    /// ```
    pub fn copy_from<I, S>(self, stage: &StageHandle, sources: I, dest: &str) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.copy_with(Copy::new(sources, dest).from(stage))
    }

    /// `COPY` with flags: see [`Copy`](struct@Copy).
    ///
    /// ```
    /// use dockwright::{Base, Copy, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).copy_with(Copy::new(["app.py"], "/app/").chown("10001")));
    /// assert!(image.emit().unwrap().ends_with("COPY --chown=10001 [\"app.py\", \"/app/\"]\n"));
    /// ```
    pub fn copy_with(mut self, copy: Copy) -> Self {
        self.problems.extend(copy.problems.into_iter().map(|err| err.at("COPY")));
        self.refs.extend(copy.refs);
        self.push("COPY", copy.copy.map(Instruction::Copy))
    }

    /// A file with exactly `content` at `dest` (a COPY heredoc: the content is never expanded).
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).file("/app/motd", "hello $USER\n"));
    /// assert_eq!(image.emit().unwrap(), "FROM alpine:3.19 AS app\nCOPY <<'EOF' /app/motd\nhello $USER\nEOF\n");
    /// ```
    pub fn file(self, dest: &str, content: &str) -> Self {
        self.copy_with(Copy::file(dest, content))
    }

    /// An executable file (mode 0755) with exactly `content` at `dest`.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).executable("/entrypoint.sh", "#!/bin/sh\nexec \"$@\"\n"));
    /// assert_eq!(
    ///     image.emit().unwrap(),
    ///     "FROM alpine:3.19 AS app\nCOPY --chmod=0755 <<'EOF' /entrypoint.sh\n#!/bin/sh\nexec \"$@\"\nEOF\n"
    /// );
    /// ```
    pub fn executable(self, dest: &str, content: &str) -> Self {
        self.copy_with(Copy::file(dest, content).chmod("0755"))
    }

    /// `ADD` with flags: see [`Add`](struct@Add). A `model::Add` converts too.
    ///
    /// ```
    /// use dockwright::model::{self, Source};
    /// use dockwright::{Base, Image, Line, Stage};
    ///
    /// let add = model::Add::new(vec![Source::path("https://example.com/a").unwrap()], Line::new("/a").unwrap());
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).add_with(add));
    /// assert!(image.emit().unwrap().ends_with("ADD [\"https://example.com/a\", \"/a\"]\n"));
    /// ```
    pub fn add_with(mut self, add: impl Into<Add>) -> Self {
        let add = add.into();
        self.problems.extend(add.problems.into_iter().map(|err| err.at("ADD")));
        self.push("ADD", add.add.map(Instruction::Add))
    }

    /// `ADD --checksum=sha256:... url dest`: downloads at build time and verifies the content.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let sum = format!("sha256:{}", "0".repeat(64));
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).add_url("https://example.com/model.bin", &sum, "/models/model.bin"));
    /// assert!(image.emit().unwrap().contains(&format!("ADD --checksum={sum} [\"https://example.com/model.bin\", \"/models/model.bin\"]")));
    /// ```
    pub fn add_url(self, url: &str, checksum: &str, dest: &str) -> Self {
        self.add_with(Add::url(url, checksum, dest))
    }

    /// `ENV key=value`. Text is literal (`$` stays `$`); pass a [`Value`](crate::Value) from [`Value::template`](crate::Value::template) to
    /// refer to variables. Consecutive calls share one `ENV` instruction when no value reads a key set
    /// by that instruction.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage, Value};
    ///
    /// let mut image = Image::new();
    /// image.stage(
    ///     Stage::new("app", Base::python("3.12").slim())
    ///         .env("VIRTUAL_ENV", "/opt/venv")
    ///         .env("PATH", Value::template("${VIRTUAL_ENV}/bin:${PATH}")),
    /// );
    /// assert_eq!(
    ///     image.emit().unwrap(),
    ///     "FROM python:3.12-slim AS app\nENV VIRTUAL_ENV=/opt/venv\nENV PATH=${VIRTUAL_ENV}/bin:${PATH}\n"
    /// );
    /// ```
    pub fn env(mut self, key: &str, value: impl IntoValue) -> Self {
        let pair = VarName::new(key).and_then(|key| Ok((key, value.into_value()?)));
        match pair {
            Ok((key, value)) => {
                if let Some(Instruction::Env(env)) = self.instructions.last_mut() {
                    let reads_own = value.vars().any(|v| env.vars.contains_key(v));
                    if !reads_own && !env.vars.contains_key(&key) {
                        env.vars.insert(key, value);
                        return self;
                    }
                }
                let mut env = Env::default();
                env.vars.insert(key, value);
                self.instructions.push(Instruction::Env(env));
            }
            Err(err) => self.problems.push(err.at(format!("ENV '{key}'"))),
        }
        self
    }

    /// `ARG name` (no default): makes a build argument visible in this stage.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).arg("VERSION").arg_default("MODE", "prod"));
    /// assert_eq!(image.emit().unwrap(), "FROM alpine:3.19 AS app\nARG VERSION\nARG MODE=prod\n");
    /// ```
    pub fn arg(self, name: &str) -> Self {
        let arg = super::convert::arg(name, None).map(Instruction::Arg);
        self.push(&format!("ARG '{name}'"), arg)
    }

    /// `ARG name=default`.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).arg_default("MODE", "prod").arg_default("PRICE", "$5"));
    /// assert!(image.emit().unwrap().ends_with("ARG MODE=prod\nARG PRICE=\"\\$5\"\n"));
    ///
    /// let mut bad = Image::new();
    /// bad.stage(Stage::new("app", Base::alpine("3.19")).arg_default("my-var", "x"));
    /// assert!(bad.emit().unwrap_err().to_string().starts_with("stage 'app', ARG 'my-var': invalid variable name"));
    /// ```
    pub fn arg_default(self, name: &str, default: &str) -> Self {
        let arg = super::convert::arg(name, Some(default)).map(Instruction::Arg);
        self.push(&format!("ARG '{name}'"), arg)
    }

    /// `LABEL key=value`; consecutive calls share one instruction.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).label("org.opencontainers.image.title", "Spec Editor"));
    /// assert!(image.emit().unwrap().ends_with("LABEL org.opencontainers.image.title=\"Spec Editor\"\n"));
    /// ```
    pub fn label(mut self, key: &str, value: impl IntoValue) -> Self {
        let pair = LabelKey::new(key).and_then(|key| Ok((key, value.into_value()?)));
        match pair {
            Ok((key, value)) => {
                if let Some(Instruction::Label(label)) = self.instructions.last_mut() {
                    if !label.labels.contains_key(&key) {
                        label.labels.insert(key, value);
                        return self;
                    }
                }
                let mut label = Label::default();
                label.labels.insert(key, value);
                self.instructions.push(Instruction::Label(label));
            }
            Err(err) => self.problems.push(err.at(format!("LABEL '{key}'"))),
        }
        self
    }

    /// `USER user[:group]`.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).user("10001:10001"));
    /// assert!(image.emit().unwrap().ends_with("USER 10001:10001\n"));
    ///
    /// let mut bad = Image::new();
    /// bad.stage(Stage::new("app", Base::alpine("3.19")).user("app user"));
    /// assert!(bad.emit().unwrap_err().to_string().starts_with("stage 'app', USER: invalid user \"app user\""));
    /// ```
    pub fn user(self, user: &str) -> Self {
        let user = UserSpec::new(user).map(|user| Instruction::User(User { user }));
        self.push("USER", user)
    }

    /// `WORKDIR path`: text is literal; a [`Value`](crate::Value) may refer to variables.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage, Value};
    ///
    /// let mut image = Image::new();
    /// image.stage(
    ///     Stage::new("app", Base::alpine("3.19"))
    ///         .workdir("/my app")
    ///         .workdir("$HOME")
    ///         .workdir(Value::template("/home/${USER}").unwrap()),
    /// );
    /// assert!(image.emit().unwrap().ends_with("WORKDIR \"/my app\"\nWORKDIR \"\\$HOME\"\nWORKDIR /home/${USER}\n"));
    /// ```
    pub fn workdir(self, path: impl IntoValue) -> Self {
        let workdir = path.into_value().map(|path| Instruction::Workdir(Workdir { path }));
        self.push("WORKDIR", workdir)
    }

    /// `EXPOSE port` (TCP).
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).expose(8080));
    /// assert!(image.emit().unwrap().ends_with("EXPOSE 8080\n"));
    ///
    /// let mut bad = Image::new();
    /// bad.stage(Stage::new("app", Base::alpine("3.19")).expose(0));
    /// assert!(bad.emit().unwrap_err().to_string().starts_with("stage 'app', EXPOSE: invalid port \"0\""));
    /// ```
    pub fn expose(self, port: u16) -> Self {
        self.expose_ports(&[&port.to_string()])
    }

    /// `EXPOSE` several ports, each `port[-end][/tcp|udp|sctp]`.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("dns", Base::alpine("3.19")).expose_ports(&["53/udp", "53/tcp"]));
    /// assert!(image.emit().unwrap().ends_with("EXPOSE 53/udp 53\n"));
    /// ```
    pub fn expose_ports(self, ports: &[&str]) -> Self {
        let ports = ports.iter().map(|p| Port::parse(p)).collect::<Result<Vec<_>, _>>();
        self.push("EXPOSE", ports.map(|ports| Instruction::Expose(Expose { ports })))
    }

    /// `VOLUME path`.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).volume("/app/data"));
    /// assert!(image.emit().unwrap().ends_with("VOLUME [\"/app/data\"]\n"));
    /// ```
    pub fn volume(self, path: &str) -> Self {
        self.volumes(&[path])
    }

    /// `VOLUME` with several mount points in one instruction.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).volumes(&["/app/data", "/app/logs"]));
    /// assert!(image.emit().unwrap().ends_with("VOLUME [\"/app/data\", \"/app/logs\"]\n"));
    /// ```
    pub fn volumes(self, paths: &[&str]) -> Self {
        let paths = paths.iter().map(|p| Line::new(*p)).collect::<Result<Vec<_>, _>>();
        self.push("VOLUME", paths.map(|paths| Instruction::Volume(Volume { paths })))
    }

    /// `HEALTHCHECK` with options: see [`Health`].
    ///
    /// Once the stage is complete, [`Image::validate`](crate::Image::validate) checks the probe the
    /// way [`Stage::healthcheck_http`] picks one: a command that runs curl, wget, python3 or node (the
    /// exec form's program, or the first word of each simple command a shell form runs, where that
    /// can be read safely) must be a tool the stage has: the base's, installed with
    /// [`Stage::install`], declared with [`Stage::provides`], or named by a RUN or a copied file.
    /// Bases made with [`Base::image`] are not checked: their tools are a guess.
    ///
    /// ```
    /// use dockwright::{Base, ErrorKind, Health, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).healthcheck(Health::new(["/app/check"]).interval("10s")));
    /// assert!(image.emit().unwrap().ends_with("HEALTHCHECK --interval=10s CMD [\"/app/check\"]\n"));
    ///
    /// let mut bad = Image::new();
    /// bad.stage(Stage::new("app", Base::python("3.12").slim()).healthcheck(Health::new("curl -f http://127.0.0.1:8000/ || exit 1")));
    /// let errors = bad.validate().unwrap_err();
    /// assert_eq!(errors.iter().next().unwrap().kind(), ErrorKind::MissingProbe);
    /// assert_eq!(
    ///     errors.to_string(),
    ///     "stage 'app', HEALTHCHECK: the probe runs curl, which python:3.12-slim (debian) does not have: install it \
    ///      with .install([\"curl\"]), or use Stage::healthcheck_http, which picks a probe the stage has (python3)"
    /// );
    /// ```
    pub fn healthcheck(mut self, health: Health) -> Self {
        self.needs_shell("HEALTHCHECK", &health.command);
        self.problems.extend(health.problems.into_iter().map(|err| err.at("HEALTHCHECK")));
        self.health = health.command.as_ref().ok().cloned();
        let check = health
            .command
            .map(|command| Instruction::Healthcheck(Healthcheck::Check { options: health.options, command }));
        self.push("HEALTHCHECK", check)
    }

    /// `HEALTHCHECK NONE`: turns off a healthcheck inherited from the base image.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).no_healthcheck());
    /// assert!(image.emit().unwrap().ends_with("HEALTHCHECK NONE\n"));
    /// ```
    pub fn no_healthcheck(mut self) -> Self {
        self.health = None;
        self.push("HEALTHCHECK", Ok(Instruction::Healthcheck(Healthcheck::None)))
    }

    /// `CMD`: an array is exec form, text is shell form.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("exec", Base::alpine("3.19")).cmd(["python", "app.py"]));
    /// image.stage(Stage::new("shell", Base::alpine("3.19")).cmd("python app.py"));
    /// let dockerfile = image.emit().unwrap();
    /// assert!(dockerfile.contains("CMD [\"python\", \"app.py\"]\n"));
    /// assert!(dockerfile.ends_with("CMD python app.py\n"));
    ///
    /// // Shell form needs a shell.
    /// let mut bad = Image::new();
    /// bad.stage(Stage::new("app", Base::distroless_static()).cmd("app"));
    /// assert!(bad.emit().unwrap_err().to_string().contains("CMD uses shell form, but"));
    /// ```
    pub fn cmd(mut self, command: impl IntoCommand) -> Self {
        let command = command.into_command();
        self.needs_shell("CMD", &command);
        self.push("CMD", command.map(|command| Instruction::Cmd(Cmd { command })))
    }

    /// `ENTRYPOINT`: an array is exec form, text is shell form.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).entrypoint(["/entrypoint.sh"]).cmd(["serve"]));
    /// assert!(image.emit().unwrap().ends_with("ENTRYPOINT [\"/entrypoint.sh\"]\nCMD [\"serve\"]\n"));
    /// ```
    pub fn entrypoint(mut self, command: impl IntoCommand) -> Self {
        let command = command.into_command();
        self.needs_shell("ENTRYPOINT", &command);
        self.push("ENTRYPOINT", command.map(|command| Instruction::Entrypoint(Entrypoint { command })))
    }

    /// `SHELL [...]`: the shell for later shell-form instructions.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::debian("bookworm-slim")).shell(["/bin/bash", "-o", "pipefail", "-c"]));
    /// assert!(image.emit().unwrap().ends_with("SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n"));
    /// ```
    pub fn shell<I, S>(self, argv: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let argv = argv.into_iter().map(Text::new).collect::<Result<Vec<_>, _>>();
        self.push("SHELL", argv.map(|argv| Instruction::Shell(Shell { argv })))
    }

    /// `STOPSIGNAL`.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).stop_signal("SIGQUIT"));
    /// assert!(image.emit().unwrap().ends_with("STOPSIGNAL SIGQUIT\n"));
    /// ```
    pub fn stop_signal(self, signal: &str) -> Self {
        let signal = Signal::new(signal).map(|signal| Instruction::StopSignal(StopSignal { signal }));
        self.push("STOPSIGNAL", signal)
    }

    /// `ONBUILD <trigger>`.
    ///
    /// ```
    /// use dockwright::model::{Command, Instruction, Run};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let trigger = Instruction::Run(Run::new(Command::shell("make").unwrap()));
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).onbuild(trigger));
    /// assert!(image.emit().unwrap().ends_with("ONBUILD RUN make\n"));
    /// ```
    pub fn onbuild(self, trigger: Instruction) -> Self {
        self.push("ONBUILD", Ok(Instruction::OnBuild(model::OnBuild { trigger: Box::new(trigger) })))
    }

    /// Any model instruction, as is.
    ///
    /// ```
    /// use dockwright::model::{Instruction, Workdir};
    /// use dockwright::{Base, Image, Stage, Value};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).instruction(Instruction::Workdir(Workdir { path: Value::literal("/srv").unwrap() })));
    /// assert!(image.emit().unwrap().ends_with("WORKDIR /srv\n"));
    /// ```
    pub fn instruction(self, instruction: Instruction) -> Self {
        self.push("instruction", Ok(instruction))
    }

    /// The escape hatch: an instruction dockwright does not model, written as `KEYWORD args`. The
    /// arguments must be one line that cannot run into the next (see [`Raw`]). The keyword must be one
    /// BuildKit knows ([`INSTRUCTIONS`](crate::import::INSTRUCTIONS), in any case): a misspelled one
    /// is a validation error that suggests the closest.
    ///
    /// ```
    /// use dockwright::{Base, ErrorKind, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).raw("RUN", "--device=nvidia.com/gpu=all nvidia-smi"));
    /// assert!(image.emit().unwrap().ends_with("RUN --device=nvidia.com/gpu=all nvidia-smi\n"));
    ///
    /// let mut typo = Image::new();
    /// typo.stage(Stage::new("app", Base::alpine("3.19")).raw("RUNN", "make"));
    /// let errors = typo.validate().unwrap_err();
    /// assert_eq!(errors.iter().next().unwrap().kind(), ErrorKind::InvalidRaw);
    /// assert_eq!(
    ///     errors.to_string(),
    ///     "stage 'app', raw instruction: unknown instruction keyword 'RUNN': BuildKit has no such instruction; \
    ///      did you mean RUN?"
    /// );
    /// ```
    pub fn raw(self, keyword: &str, args: &str) -> Self {
        let raw = Raw::new(keyword, args).and_then(|raw| known_keyword(keyword).map(|()| raw));
        self.push("raw instruction", raw.map(Instruction::Raw))
    }
}

/// # Intent helpers
impl Stage {
    /// Installs `packages` with the base's package manager, in one clean layer (apt with
    /// `--no-install-recommends` and list cleanup; apk `--no-cache`; dnf/microdnf `--nodocs` and
    /// `clean all`). Probe tools among the packages (curl, wget, python3) become known to the stage.
    /// Installing needs root: when another user is in force (after [`Stage::non_root_user`], on a
    /// stage made from one that ends as another user, or on a base declared with
    /// [`Base::with_user`]), the install runs between `USER 0` and a switch back (see
    /// [`Stage::as_root`]).
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::debian("bookworm-slim")).install(["curl"]));
    /// assert_eq!(
    ///     image.emit().unwrap(),
    ///     "FROM debian:bookworm-slim AS app\n\
    ///      RUN apt-get update \\\n \
    ///      && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl \\\n \
    ///      && rm -rf /var/lib/apt/lists/*\n"
    /// );
    /// ```
    pub fn install<I, S>(mut self, packages: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let packages: Vec<String> = packages.into_iter().map(|p| p.as_ref().to_string()).collect();
        let names: Vec<&str> = packages.iter().map(String::as_str).collect();
        match self.facts.base.install_script(&names) {
            Ok(script) => {
                self.facts.tools.extend(names.iter().filter_map(|name| Tool::from_package(name)));
                self.as_root(|stage| stage.run(Run::steps(script)))
            }
            Err(err) => {
                self.problems.push(err.at("install"));
                self
            }
        }
    }

    /// Creates a non-root system user `name` with uid and gid `uid` (the way the base's family does it:
    /// `useradd`, busybox `adduser -D`, or direct `/etc/passwd` entries on UBI minimal, which has no
    /// shadow-utils) and switches to it with a numeric `USER uid:uid`. On images without a shell
    /// (distroless, scratch) only the numeric `USER` is written. Creating the user needs root, which
    /// the stage gets when another user is in force (see [`Stage::as_root`]).
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::python("3.12").slim()).non_root_user("app", 10001));
    /// assert_eq!(
    ///     image.emit().unwrap(),
    ///     "FROM python:3.12-slim AS app\n\
    ///      RUN groupadd --system --gid 10001 app \\\n \
    ///      && useradd --system --no-log-init --uid 10001 --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app\n\
    ///      USER 10001:10001\n"
    /// );
    /// ```
    pub fn non_root_user(self, name: &str, uid: u32) -> Self {
        self.non_root_user_with(NonRootUser::new(name, uid))
    }

    /// [`Stage::non_root_user`] for a [`NonRootUser`]: with supplementary groups, which must exist in
    /// the image (see [`Base::create_user_script`] for each family's commands). With groups, the switch
    /// is `USER uid` without a group: the engine only adds a user's supplementary groups when the
    /// `USER` names no group (the primary group then comes from the new passwd entry).
    ///
    /// ```
    /// use dockwright::{Base, Image, NonRootUser, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(
    ///     Stage::new("app", Base::alpine("3.19")).non_root_user_with(NonRootUser::new("app", 10001).groups(["audio"])),
    /// );
    /// assert_eq!(
    ///     image.emit().unwrap(),
    ///     "FROM alpine:3.19 AS app\n\
    ///      RUN addgroup -S -g 10001 app \\\n \
    ///      && adduser -S -D -u 10001 -G app -h /home/app -s /sbin/nologin app \\\n \
    ///      && addgroup app audio\n\
    ///      USER 10001\n"
    /// );
    ///
    /// let mut bad = Image::new();
    /// bad.stage(Stage::new("app", Base::alpine("3.19")).non_root_user_with(NonRootUser::new("app", 10001).groups(["Audio"])));
    /// assert_eq!(
    ///     bad.validate().unwrap_err().to_string(),
    ///     "stage 'app', non_root_user: invalid group name \"Audio\": use lowercase letters, digits, '_' and '-', starting with a letter"
    /// );
    /// ```
    pub fn non_root_user_with(mut self, user: NonRootUser) -> Self {
        match self.facts.base.create_user_script(&user) {
            Ok(script) => {
                if !script.is_empty() {
                    self = self.as_root(|stage| stage.run(Run::steps(script)));
                }
                let uid = user.uid();
                if user.supplementary_groups().is_empty() {
                    self.user(&format!("{uid}:{uid}"))
                } else {
                    // The engine looks supplementary groups up only for a USER without a group; the
                    // primary group then comes from the passwd entry just made.
                    self.user(&uid.to_string())
                }
            }
            Err(err) => {
                self.problems.push(err.at("non_root_user"));
                self
            }
        }
    }

    /// Runs the steps `steps` adds as root: when another user is in force, writes `USER 0` before them
    /// and switches back to that user after them (unless the steps chose a user themselves). Back to
    /// back, the switches merge: a second `as_root`, or a `USER` right after, replaces the switch
    /// back. When root is in force already, the steps are added as they are.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(
    ///     Stage::new("app", Base::debian("bookworm-slim"))
    ///         .non_root_user("app", 10001)
    ///         .as_root(|stage| stage.run("mkdir -p /srv/data"))
    ///         .install(["ca-certificates"])
    ///         .run("id -u"),
    /// );
    /// assert_eq!(
    ///     image.emit().unwrap(),
    ///     "FROM debian:bookworm-slim AS app\n\
    ///      RUN groupadd --system --gid 10001 app \\\n \
    ///      && useradd --system --no-log-init --uid 10001 --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app\n\
    ///      USER 10001:10001\n\
    ///      USER 0\n\
    ///      RUN mkdir -p /srv/data\n\
    ///      RUN apt-get update \\\n \
    ///      && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates \\\n \
    ///      && rm -rf /var/lib/apt/lists/*\n\
    ///      USER 10001:10001\n\
    ///      RUN id -u\n"
    /// );
    /// ```
    pub fn as_root(mut self, steps: impl FnOnce(Stage) -> Stage) -> Self {
        let Some(user) = self.facts.user.clone() else {
            return steps(self);
        };
        if self.trailing_restore() {
            // Root is what was in force just before the switch back: drop it.
            self.instructions.pop();
            self.restore = None;
            self.facts.user = None;
        } else {
            let root = UserSpec::new("0").expect("0 is a valid user");
            self = self.push("USER", Ok(Instruction::User(User { user: root })));
        }
        let changes = self.user_changes;
        let mut stage = steps(self);
        if stage.user_changes == changes {
            stage = stage.push("USER", Ok(user));
            stage.restore = Some(stage.instructions.len() - 1);
        }
        stage
    }

    /// A healthcheck that GETs `http://127.0.0.1:<port><path>` with a probe this stage has: curl, then
    /// wget, then python3, then node. Fails, naming the stage, its base and what to install, when it
    /// has none of them (python-slim has python3 but neither curl nor wget; distroless static has
    /// nothing).
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let stage = Stage::new("app", Base::alpine("3.19")).healthcheck_http(8080, "/health").unwrap();
    /// let mut image = Image::new();
    /// image.stage(stage);
    /// assert!(image.emit().unwrap().ends_with(
    ///     "HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    ///      CMD [\"wget\", \"-q\", \"-O\", \"/dev/null\", \"http://127.0.0.1:8080/health\"]\n"
    /// ));
    ///
    /// let err = Stage::new("app", Base::distroless_static()).healthcheck_http(8080, "/health").unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "stage 'app': cannot probe http://127.0.0.1:8080/health: gcr.io/distroless/static-debian12 (distroless) \
    ///      has no curl, wget, python3 or node; copy a static probe binary into the stage and declare it with \
    ///      Stage::provides, or use Stage::healthcheck with your own command"
    /// );
    /// ```
    pub fn healthcheck_http(self, port: u16, path: &str) -> Result<Self, Error> {
        self.healthcheck_http_with(port, path, |health| health)
    }

    /// [`Stage::healthcheck_http`] with its timing changed by `tune`.
    ///
    /// ```
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let stage = Stage::new("app", Base::alpine("3.19"))
    ///     .healthcheck_http_with(80, "/api/health", |health| health.start_period("60s").retries(5))
    ///     .unwrap();
    /// let mut image = Image::new();
    /// image.stage(stage);
    /// assert!(image.emit().unwrap().contains("HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=5 CMD"));
    /// ```
    pub fn healthcheck_http_with(
        self,
        port: u16,
        path: &str,
        tune: impl FnOnce(Health) -> Health,
    ) -> Result<Self, Error> {
        let health = super::health::http_probe(&self.facts, port, path)
            .map_err(|err| if self.name.is_empty() { err } else { err.at(format!("stage '{}'", self.name)) })?;
        Ok(self.healthcheck(tune(health)))
    }

    /// The probe tools this stage is known to have at this point.
    ///
    /// ```
    /// use dockwright::{Base, Stage, Tool};
    ///
    /// let stage = Stage::new("app", Base::debian("bookworm-slim")).install(["curl"]);
    /// assert!(stage.tools().contains(&Tool::Curl));
    /// ```
    pub fn tools(&self) -> &std::collections::BTreeSet<Tool> {
        &self.facts.tools
    }
}

/// Whether `instruction` sets the user: a `USER`, modelled or raw.
fn is_user(instruction: &Instruction) -> bool {
    match instruction {
        Instruction::User(_) => true,
        Instruction::Raw(raw) => raw.keyword.as_str().eq_ignore_ascii_case("USER"),
        _ => false,
    }
}

/// Accepts a keyword BuildKit knows; otherwise the error names it and suggests the closest one.
fn known_keyword(keyword: &str) -> Result<(), Error> {
    use crate::import::INSTRUCTIONS;
    let upper = keyword.to_ascii_uppercase();
    if INSTRUCTIONS.contains(&upper.as_str()) {
        return Ok(());
    }
    let (distance, closest) = INSTRUCTIONS
        .iter()
        .map(|known| (edit_distance(&upper, known), *known))
        .min()
        .expect("BuildKit knows some instructions");
    let advice = if distance <= 2 || distance * 3 <= upper.len() {
        format!("did you mean {closest}?")
    } else {
        format!("use one of {}", INSTRUCTIONS.join(", "))
    };
    Err(Error::new(
        ErrorKind::InvalidRaw,
        format!("unknown instruction keyword '{keyword}': BuildKit has no such instruction; {advice}"),
    ))
}

/// Levenshtein distance between two ASCII words.
fn edit_distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != *cb)).min(row[j] + 1).min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}
