//! Conversions at the public edge: what the DSL accepts for values, commands, RUN and COPY.

use crate::error::Error;
use crate::model::{
    self, Chmod, Command, FlagValue, FromSource, Line, Mount, Network, Pattern, Security, ShellScript, Source, Text,
    UserSpec, Value, VarName,
};

use super::StageHandle;

/// Something the DSL can turn into a [`Value`]: a `&str`/`String` is literal text (a `$` stays a `$`);
/// a [`Value`] (e.g. from [`Value::template`]) can refer to variables.
///
/// ```
/// use dockwright::{IntoValue, Value};
///
/// assert_eq!("$HOME".into_value().unwrap().as_literal().as_deref(), Some("$HOME"));
/// assert_eq!(Value::template("${HOME}/bin").unwrap().into_value().unwrap().vars().count(), 1);
/// ```
pub trait IntoValue {
    /// Converts, failing on text no Dockerfile can hold.
    fn into_value(self) -> Result<Value, Error>;
}

impl IntoValue for &str {
    fn into_value(self) -> Result<Value, Error> {
        Value::literal(self)
    }
}

impl IntoValue for String {
    fn into_value(self) -> Result<Value, Error> {
        Value::literal(self)
    }
}

impl IntoValue for &String {
    fn into_value(self) -> Result<Value, Error> {
        Value::literal(self.as_str())
    }
}

impl IntoValue for Value {
    fn into_value(self) -> Result<Value, Error> {
        Ok(self)
    }
}

impl IntoValue for Result<Value, Error> {
    fn into_value(self) -> Result<Value, Error> {
        self
    }
}

/// Something the DSL can turn into a [`Command`]: text is shell form, an array or vector of strings is
/// exec form.
///
/// ```
/// use dockwright::model::Command;
/// use dockwright::IntoCommand;
///
/// assert!(matches!("echo hi".into_command().unwrap(), Command::Shell(_)));
/// assert!(matches!(["echo", "hi"].into_command().unwrap(), Command::Exec(_)));
/// ```
pub trait IntoCommand {
    /// Converts, failing on text no Dockerfile can hold.
    fn into_command(self) -> Result<Command, Error>;
}

impl IntoCommand for &str {
    fn into_command(self) -> Result<Command, Error> {
        Command::shell(self)
    }
}

impl IntoCommand for String {
    fn into_command(self) -> Result<Command, Error> {
        Command::shell(self)
    }
}

impl<const N: usize> IntoCommand for [&str; N] {
    fn into_command(self) -> Result<Command, Error> {
        Command::exec(self)
    }
}

impl IntoCommand for &[&str] {
    fn into_command(self) -> Result<Command, Error> {
        Command::exec(self.iter().copied())
    }
}

impl IntoCommand for Vec<&str> {
    fn into_command(self) -> Result<Command, Error> {
        Command::exec(self)
    }
}

impl IntoCommand for Vec<String> {
    fn into_command(self) -> Result<Command, Error> {
        Command::exec(self)
    }
}

impl IntoCommand for Command {
    fn into_command(self) -> Result<Command, Error> {
        Ok(self)
    }
}

/// A `RUN` under construction: its command and flags (mounts, network, security).
///
/// ```
/// use dockwright::{Base, Image, Run, Stage};
///
/// let mut image = Image::new();
/// image.stage(
///     Stage::new("deps", Base::python("3.12").slim()).run(
///         Run::sh("pip install -r requirements.txt")
///             .cache("/root/.cache/pip")
///             .network_none(),
///     ),
/// );
/// assert_eq!(
///     image.emit().unwrap(),
///     "FROM python:3.12-slim AS deps\n\
///      RUN --mount=type=cache,target=/root/.cache/pip --network=none pip install -r requirements.txt\n"
/// );
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Run {
    pub(crate) command: Result<Command, Error>,
    pub(crate) mounts: Vec<Mount>,
    pub(crate) refs: Vec<StageHandle>,
    pub(crate) network: Option<Network>,
    pub(crate) security: Option<Security>,
    pub(crate) problems: Vec<Error>,
}

impl Run {
    fn with(command: Result<Command, Error>) -> Self {
        Run { command, mounts: Vec::new(), refs: Vec::new(), network: None, security: None, problems: Vec::new() }
    }

    /// Shell form, exactly this text.
    ///
    /// ```
    /// use dockwright::{Base, Image, Run, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).run(Run::sh("make && make install")));
    /// assert_eq!(image.emit().unwrap(), "FROM alpine:3.19 AS app\nRUN make && make install\n");
    /// ```
    pub fn sh(text: impl Into<String>) -> Self {
        Run::with(Command::shell(text))
    }

    /// Commands chained with `&&`, one per line: stops at the first failure. A single step is that
    /// command (the model an imported file gives for the same text).
    ///
    /// ```
    /// use dockwright::{Base, Image, Run, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).run(Run::steps(["mkdir -p /app/data", "chown 10001 /app/data"])));
    /// assert_eq!(
    ///     image.emit().unwrap(),
    ///     "FROM alpine:3.19 AS app\nRUN mkdir -p /app/data \\\n && chown 10001 /app/data\n"
    /// );
    /// ```
    pub fn steps<I, S>(steps: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let steps = steps.into_iter().map(Text::new).collect::<Result<Vec<_>, _>>();
        // One step is that command: the model an imported file gives for the same text.
        Run::with(steps.map(|mut steps| match steps.len() {
            1 => Command::Shell(ShellScript::Text(steps.remove(0))),
            _ => Command::Shell(ShellScript::Steps(steps)),
        }))
    }

    /// A multi-line script run with `set -e`, written as a heredoc.
    ///
    /// ```
    /// use dockwright::{Base, Image, Run, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).run(Run::script(["cd /tmp", "echo ok > done"])));
    /// assert_eq!(
    ///     image.emit().unwrap(),
    ///     "FROM alpine:3.19 AS app\nRUN <<EOF\nset -e\ncd /tmp\necho ok > done\nEOF\n"
    /// );
    /// ```
    pub fn script<I, S>(lines: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let lines = lines.into_iter().map(Text::new).collect::<Result<Vec<_>, _>>();
        Run::with(lines.map(|lines| Command::Shell(ShellScript::Script(lines))))
    }

    /// Exec form: the argv, with no shell.
    ///
    /// ```
    /// use dockwright::{Base, Image, Run, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::distroless_static()).run(Run::exec(["/busybox", "true"])));
    /// assert_eq!(image.emit().unwrap(), "FROM gcr.io/distroless/static-debian12 AS app\nRUN [\"/busybox\", \"true\"]\n");
    /// ```
    pub fn exec<I, S>(argv: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Run::with(Command::exec(argv))
    }

    /// Mounts a persistent cache directory (`--mount=type=cache,target=...`).
    ///
    /// ```
    /// use dockwright::{Base, Image, Run, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).run(Run::sh("make").cache("/root/.cache")));
    /// assert!(image.emit().unwrap().ends_with("RUN --mount=type=cache,target=/root/.cache make\n"));
    ///
    /// let mut bad = Image::new();
    /// bad.stage(Stage::new("app", Base::alpine("3.19")).run(Run::sh("make").cache("/a,b")));
    /// let err = bad.emit().unwrap_err().to_string();
    /// assert!(err.starts_with("stage 'app', RUN, cache mount target: flag value \"/a,b\" must be non-empty"));
    /// ```
    pub fn cache(mut self, target: &str) -> Self {
        match FlagValue::new(target) {
            Ok(target) => self.mounts.push(Mount::cache(target)),
            Err(err) => self.problems.push(err.at("cache mount target")),
        }
        self
    }

    /// Mounts a cache directory shared with locking, owned by `uid` (for package managers that must not
    /// run concurrently, such as apt).
    ///
    /// ```
    /// use dockwright::{Base, Image, Run, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::debian("bookworm-slim")).run(Run::sh("apt-get update").cache_locked("/var/cache/apt")));
    /// assert!(image.emit().unwrap().contains("RUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update"));
    /// ```
    pub fn cache_locked(mut self, target: &str) -> Self {
        match FlagValue::new(target) {
            Ok(target) => {
                let mut mount = Mount::cache(target);
                if let Mount::Cache { sharing, .. } = &mut mount {
                    *sharing = Some(model::Sharing::Locked);
                }
                self.mounts.push(mount);
            }
            Err(err) => self.problems.push(err.at("cache mount target")),
        }
        self
    }

    /// Mounts a build secret as the file `/run/secrets/<id>`; its value never enters the image.
    ///
    /// ```
    /// use dockwright::{Base, Image, Run, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).run(Run::sh("cat /run/secrets/token >/dev/null").secret("token")));
    /// assert!(image.emit().unwrap().contains("RUN --mount=type=secret,id=token cat"));
    /// ```
    pub fn secret(mut self, id: &str) -> Self {
        match FlagValue::new(id) {
            Ok(id) => self.mounts.push(Mount::secret(id)),
            Err(err) => self.problems.push(err.at("secret mount id")),
        }
        self
    }

    /// Mounts a build secret as an environment variable of the command.
    ///
    /// Needs Dockerfile frontend 1.10 ([`Feature::SecretEnv`](crate::analysis::Feature::SecretEnv)): Docker
    /// 26's built-in frontend refuses it, so an offline build there fails; [`Run::secret`] (the file
    /// `/run/secrets/<id>`) builds everywhere.
    ///
    /// ```
    /// use dockwright::{Base, Image, Run, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).run(Run::sh("test -n \"$TOKEN\"").secret_env("token", "TOKEN")));
    /// assert!(image.emit().unwrap().contains("RUN --mount=type=secret,id=token,env=TOKEN test"));
    /// ```
    pub fn secret_env(mut self, id: &str, env: &str) -> Self {
        match (FlagValue::new(id), VarName::new(env)) {
            (Ok(id), Ok(name)) => {
                let mut mount = Mount::secret(id);
                if let Mount::Secret { env, .. } = &mut mount {
                    *env = Some(name);
                }
                self.mounts.push(mount);
            }
            (Err(err), _) | (_, Err(err)) => self.problems.push(err.at("secret mount")),
        }
        self
    }

    /// Mounts `source` from another stage, read-only, at `target` (`--mount=type=bind,from=...`).
    ///
    /// ```
    /// use dockwright::{Base, Image, Run, Stage};
    ///
    /// let mut image = Image::new();
    /// let wheels = image.stage(Stage::new("wheels", Base::python("3.12").slim()));
    /// image.stage(
    ///     Stage::new("app", Base::python("3.12").slim())
    ///         .run(Run::sh("pip install --no-index --find-links /w app").bind_from(&wheels, "/wheels", "/w")),
    /// );
    /// assert!(image.emit().unwrap().contains("RUN --mount=type=bind,target=/w,source=/wheels,from=wheels pip install"));
    /// ```
    pub fn bind_from(mut self, stage: &StageHandle, source: &str, target: &str) -> Self {
        match (FlagValue::new(source), FlagValue::new(target), model::StageName::new(stage.name())) {
            // An unnamed stage cannot be mounted: the image reports the handle's use.
            (Ok(_), Ok(_), Err(_)) if stage.name().is_empty() => self.refs.push(stage.clone()),
            (Ok(source), Ok(target), Ok(name)) => {
                self.refs.push(stage.clone());
                self.mounts.push(Mount::Bind {
                    target,
                    source: Some(source),
                    from: Some(FromSource::Stage(name)),
                    rw: false,
                });
            }
            (Err(err), _, _) | (_, Err(err), _) | (_, _, Err(err)) => self.problems.push(err.at("bind mount")),
        }
        self
    }

    /// Adds any mount.
    ///
    /// ```
    /// use dockwright::model::Mount;
    /// use dockwright::{Base, FlagValue, Image, Run, Stage};
    ///
    /// let tmpfs = Mount::Tmpfs { target: FlagValue::new("/tmp").unwrap(), size: Some(1024) };
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).run(Run::sh("make").mount(tmpfs)));
    /// assert!(image.emit().unwrap().ends_with("RUN --mount=type=tmpfs,target=/tmp,size=1024 make\n"));
    /// ```
    pub fn mount(mut self, mount: Mount) -> Self {
        self.mounts.push(mount);
        self
    }

    /// Runs with no network (`--network=none`): proves the step needs nothing from outside.
    ///
    /// ```
    /// use dockwright::{Base, Image, Run, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).run(Run::sh("make test").network_none()));
    /// assert!(image.emit().unwrap().ends_with("RUN --network=none make test\n"));
    /// ```
    pub fn network_none(mut self) -> Self {
        self.network = Some(Network::None);
        self
    }

    /// Sets `--network`.
    ///
    /// ```
    /// use dockwright::model::Network;
    /// use dockwright::{Base, Image, Run, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).run(Run::sh("make").network(Network::Host)));
    /// assert!(image.emit().unwrap().ends_with("RUN --network=host make\n"));
    /// ```
    pub fn network(mut self, network: Network) -> Self {
        self.network = Some(network);
        self
    }

    /// Sets `--security`.
    ///
    /// Needs Dockerfile frontend 1.20 ([`Feature::RunSecurity`](crate::analysis::Feature::RunSecurity)):
    /// older built-in frontends refuse it.
    ///
    /// ```
    /// use dockwright::model::Security;
    /// use dockwright::{Base, Image, Run, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).run(Run::sh("make").security(Security::Insecure)));
    /// assert!(image.emit().unwrap().ends_with("RUN --security=insecure make\n"));
    /// ```
    pub fn security(mut self, security: Security) -> Self {
        self.security = Some(security);
        self
    }
}

impl From<&str> for Run {
    fn from(text: &str) -> Run {
        Run::sh(text)
    }
}

impl From<String> for Run {
    fn from(text: String) -> Run {
        Run::sh(text)
    }
}

/// A `COPY` under construction: sources, destination and flags.
///
/// ```
/// use dockwright::{Base, Copy, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(
///     Stage::new("app", Base::alpine("3.19"))
///         .copy_with(Copy::new(["src/"], "/app/src/").chown("10001:10001").chmod("0755").link().exclude("**/*.pyc")),
/// );
/// assert_eq!(
///     image.emit().unwrap(),
///     "FROM alpine:3.19 AS app\n\
///      COPY --chown=10001:10001 --chmod=0755 --link --exclude=**/*.pyc [\"src/\", \"/app/src/\"]\n"
/// );
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Copy {
    pub(crate) copy: Result<model::Copy, Error>,
    pub(crate) refs: Vec<StageHandle>,
    pub(crate) problems: Vec<Error>,
}

impl Copy {
    /// Copies `sources` (path patterns in the build context) to `dest`.
    ///
    /// ```
    /// use dockwright::{Base, Copy, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).copy_with(Copy::new(["a.txt", "b.txt"], "/data/")));
    /// assert!(image.emit().unwrap().ends_with("COPY [\"a.txt\", \"b.txt\", \"/data/\"]\n"));
    ///
    /// // Several sources need a destination directory.
    /// let mut bad = Image::new();
    /// bad.stage(Stage::new("app", Base::alpine("3.19")).copy_with(Copy::new(["a.txt", "b.txt"], "/data")));
    /// assert!(bad.emit().unwrap_err().to_string().contains("the destination \"/data\" must end with '/'"));
    /// ```
    pub fn new<I, S>(sources: I, dest: &str) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let sources = sources.into_iter().map(Source::path).collect::<Result<Vec<_>, _>>();
        let copy = sources.and_then(|sources| Ok(model::Copy::new(sources, Line::new(dest)?)));
        Copy { copy, refs: Vec::new(), problems: Vec::new() }
    }

    /// A file with exactly `content` (written as a heredoc), at `dest`.
    ///
    /// ```
    /// use dockwright::{Base, Copy, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).copy_with(Copy::file("/etc/app.conf", "port = $PORT\n")));
    /// assert_eq!(image.emit().unwrap(), "FROM alpine:3.19 AS app\nCOPY <<'EOF' /etc/app.conf\nport = $PORT\nEOF\n");
    /// ```
    pub fn file(dest: &str, content: &str) -> Self {
        let copy = Text::new(content)
            .and_then(|content| Ok(model::Copy::new(vec![Source::Inline(content)], Line::new(dest)?)));
        Copy { copy, refs: Vec::new(), problems: Vec::new() }
    }

    /// Takes the sources from another stage (`--from`).
    ///
    /// ```
    /// use dockwright::{Base, Copy, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// let build = image.stage(Stage::new("build", Base::alpine("3.19")));
    /// image.stage(Stage::new("app", Base::alpine("3.19")).copy_with(Copy::new(["/out"], "/app").from(&build)));
    /// assert!(image.emit().unwrap().ends_with("COPY --from=build [\"/out\", \"/app\"]\n"));
    ///
    /// // A handle only works in the image it came from.
    /// let mut other = Image::new();
    /// other.stage(Stage::new("app", Base::alpine("3.19")).copy_with(Copy::new(["/out"], "/app").from(&build)));
    /// assert_eq!(
    ///     other.emit().unwrap_err().to_string(),
    ///     "stage 'app': uses stage 'build' from another image: add that stage to this image and use its handle"
    /// );
    /// ```
    pub fn from(mut self, stage: &StageHandle) -> Self {
        match model::StageName::new(stage.name()) {
            Ok(name) => {
                self.refs.push(stage.clone());
                self.edit(|copy| copy.from = Some(FromSource::Stage(name)));
            }
            // An unnamed stage cannot be copied from: the image reports the handle's use.
            Err(_) if stage.name().is_empty() => self.refs.push(stage.clone()),
            Err(err) => self.problems.push(err),
        }
        self
    }

    /// Takes the sources from an image (`--from=image`).
    ///
    /// ```
    /// use dockwright::{Base, Copy, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).copy_with(Copy::new(["/usr/bin/tini"], "/tini").from_image("krallin/tini:0.19")));
    /// assert!(image.emit().unwrap().contains("COPY --from=krallin/tini:0.19 [\"/usr/bin/tini\", \"/tini\"]"));
    /// ```
    pub fn from_image(mut self, image: &str) -> Self {
        match model::ImageRef::parse(image) {
            Ok(image) => self.edit(|copy| copy.from = Some(FromSource::Image(image))),
            Err(err) => self.problems.push(err),
        }
        self
    }

    /// Sets the owner (`--chown`).
    ///
    /// ```
    /// use dockwright::{Base, Copy, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).copy_with(Copy::new(["app.py"], "/app/").chown("app:app")));
    /// assert!(image.emit().unwrap().ends_with("COPY --chown=app:app [\"app.py\", \"/app/\"]\n"));
    ///
    /// let mut bad = Image::new();
    /// bad.stage(Stage::new("app", Base::alpine("3.19")).copy_with(Copy::new(["app.py"], "/app/").chown("app user")));
    /// assert!(bad.emit().unwrap_err().to_string().starts_with("stage 'app', COPY: invalid user \"app user\""));
    /// ```
    pub fn chown(mut self, user: &str) -> Self {
        match UserSpec::new(user) {
            Ok(user) => self.edit(|copy| copy.chown = Some(user)),
            Err(err) => self.problems.push(err),
        }
        self
    }

    /// Sets the mode (`--chmod`).
    ///
    /// A symbolic mode (`u+x`) needs Dockerfile frontend 1.14
    /// ([`Feature::SymbolicChmod`](crate::analysis::Feature::SymbolicChmod)): Docker 26's built-in frontend
    /// takes it and leaves the mode unchanged, so prefer octal.
    ///
    /// ```
    /// use dockwright::{Base, Copy, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).copy_with(Copy::new(["run.sh"], "/app/").chmod("755")));
    /// assert!(image.emit().unwrap().ends_with("COPY --chmod=755 [\"run.sh\", \"/app/\"]\n"));
    ///
    /// let mut bad = Image::new();
    /// bad.stage(Stage::new("app", Base::alpine("3.19")).copy_with(Copy::new(["run.sh"], "/app/").chmod("999")));
    /// assert!(bad.emit().unwrap_err().to_string().starts_with("stage 'app', COPY: invalid file mode \"999\""));
    /// ```
    pub fn chmod(mut self, mode: &str) -> Self {
        match Chmod::new(mode) {
            Ok(mode) => self.edit(|copy| copy.chmod = Some(mode)),
            Err(err) => self.problems.push(err),
        }
        self
    }

    /// Copies into an independent layer (`--link`).
    ///
    /// ```
    /// use dockwright::{Base, Copy, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).copy_with(Copy::new(["app.py"], "/app/").link()));
    /// assert!(image.emit().unwrap().ends_with("COPY --link [\"app.py\", \"/app/\"]\n"));
    /// ```
    pub fn link(mut self) -> Self {
        self.edit(|copy| copy.link = true);
        self
    }

    /// Keeps the sources' parent directories (`--parents`).
    ///
    /// Needs Dockerfile frontend 1.20 ([`Feature::CopyParents`](crate::analysis::Feature::CopyParents)):
    /// older built-in frontends refuse it.
    ///
    /// ```
    /// use dockwright::{Base, Copy, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).copy_with(Copy::new(["a/b/c.txt"], "/out/").parents()));
    /// assert!(image.emit().unwrap().contains("COPY --parents [\"a/b/c.txt\", \"/out/\"]"));
    /// ```
    pub fn parents(mut self) -> Self {
        self.edit(|copy| copy.parents = true);
        self
    }

    /// Leaves out paths matching `pattern` (`--exclude`).
    ///
    /// Needs Dockerfile frontend 1.19 ([`Feature::Exclude`](crate::analysis::Feature::Exclude)): older
    /// built-in frontends refuse it.
    ///
    /// ```
    /// use dockwright::{Base, Copy, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).copy_with(Copy::new(["src/"], "/app/").exclude("*.md")));
    /// assert!(image.emit().unwrap().ends_with("COPY --exclude=*.md [\"src/\", \"/app/\"]\n"));
    ///
    /// let mut bad = Image::new();
    /// bad.stage(Stage::new("app", Base::alpine("3.19")).copy_with(Copy::new(["src/"], "/app/").exclude("a b")));
    /// assert!(bad.emit().unwrap_err().to_string().starts_with("stage 'app', COPY: exclude pattern \"a b\""));
    /// ```
    pub fn exclude(mut self, pattern: &str) -> Self {
        match Pattern::new(pattern) {
            Ok(pattern) => self.edit(|copy| copy.excludes.push(pattern)),
            Err(err) => self.problems.push(err),
        }
        self
    }

    fn edit(&mut self, change: impl FnOnce(&mut model::Copy)) {
        if let Ok(copy) = &mut self.copy {
            change(copy);
        }
    }
}

/// An `ADD` under construction: remote files (verified with a checksum), git repositories, archives.
///
/// ```
/// use dockwright::{Add, Base, Image, Stage};
///
/// let sum = format!("sha256:{}", "ab".repeat(32));
/// let mut image = Image::new();
/// image.stage(
///     Stage::new("app", Base::alpine("3.19"))
///         .add_with(Add::url("https://example.com/model.bin", &sum, "/models/model.bin").chmod("0644").link()),
/// );
/// assert!(image.emit().unwrap().ends_with(&format!(
///     "ADD --chmod=0644 --link --checksum={sum} [\"https://example.com/model.bin\", \"/models/model.bin\"]\n"
/// )));
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Add {
    pub(crate) add: Result<model::Add, Error>,
    pub(crate) problems: Vec<Error>,
}

impl Add {
    /// Adds `sources` (context paths, URLs, git repositories) to `dest`.
    ///
    /// ```
    /// use dockwright::{Add, Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).add_with(Add::new(["site.tar.gz"], "/srv/")));
    /// assert!(image.emit().unwrap().ends_with("ADD [\"site.tar.gz\", \"/srv/\"]\n"));
    ///
    /// let mut bad = Image::new();
    /// bad.stage(Stage::new("app", Base::alpine("3.19")).add_with(Add::new(["site.tar.gz"], "/srv/\n")));
    /// assert!(bad.emit().unwrap_err().to_string().contains("holds a line break"));
    /// ```
    pub fn new<I, S>(sources: I, dest: &str) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let sources = sources.into_iter().map(Source::path).collect::<Result<Vec<_>, _>>();
        let add = sources.and_then(|sources| Ok(model::Add::new(sources, Line::new(dest)?)));
        Add { add, problems: Vec::new() }
    }

    /// Downloads `url` to `dest` at build time and verifies it against `checksum` (`sha256:<hex>`).
    /// BuildKit writes downloads with mode 0600, owned by root: add [`Add::chmod`] for a non-root reader.
    ///
    /// ```
    /// use dockwright::{Add, Base, Image, Stage};
    ///
    /// let sum = format!("sha256:{}", "ab".repeat(32));
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).add_with(Add::url("https://example.com/x", &sum, "/x")));
    /// let expected = format!("ADD --checksum={sum} [\"https://example.com/x\", \"/x\"]\n");
    /// assert!(image.emit().unwrap().ends_with(&expected));
    ///
    /// let mut bad = Image::new();
    /// bad.stage(Stage::new("app", Base::alpine("3.19")).add_with(Add::url("https://example.com/x", "md5:1", "/x")));
    /// assert!(bad.emit().unwrap_err().to_string().starts_with("stage 'app', ADD: invalid checksum \"md5:1\""));
    /// ```
    pub fn url(url: &str, checksum: &str, dest: &str) -> Self {
        Add::new([url], dest).checksum(checksum)
    }

    /// Verifies the source (`--checksum`).
    ///
    /// ```
    /// use dockwright::{Add, Base, Image, Stage};
    ///
    /// // For a git source, the checksum is the commit hash.
    /// let git = Add::new(["https://example.com/repo.git#v1.0"], "/src").checksum("a1b2c3d");
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).add_with(git));
    /// let expected = "ADD --checksum=a1b2c3d [\"https://example.com/repo.git#v1.0\", \"/src\"]\n";
    /// assert!(image.emit().unwrap().ends_with(expected));
    ///
    /// let mut bad = Image::new();
    /// bad.stage(Stage::new("app", Base::alpine("3.19")).add_with(Add::new(["a"], "/a").checksum("sha256:abc")));
    /// assert!(bad.emit().unwrap_err().to_string().starts_with("stage 'app', ADD: invalid checksum \"sha256:abc\""));
    /// ```
    pub fn checksum(mut self, checksum: &str) -> Self {
        match model::Checksum::new(checksum) {
            Ok(checksum) => self.edit(|add| add.checksum = Some(checksum)),
            Err(err) => self.problems.push(err),
        }
        self
    }

    /// Sets the owner (`--chown`).
    ///
    /// ```
    /// use dockwright::{Add, Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).add_with(Add::new(["site.tar.gz"], "/srv/").chown("101:101")));
    /// assert!(image.emit().unwrap().ends_with("ADD --chown=101:101 [\"site.tar.gz\", \"/srv/\"]\n"));
    /// ```
    pub fn chown(mut self, user: &str) -> Self {
        match UserSpec::new(user) {
            Ok(user) => self.edit(|add| add.chown = Some(user)),
            Err(err) => self.problems.push(err),
        }
        self
    }

    /// Sets the mode (`--chmod`).
    ///
    /// A symbolic mode (`u+x`) needs Dockerfile frontend 1.14
    /// ([`Feature::SymbolicChmod`](crate::analysis::Feature::SymbolicChmod)): Docker 26's built-in frontend
    /// takes it and leaves the mode unchanged, so prefer octal.
    ///
    /// ```
    /// use dockwright::{Add, Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).add_with(Add::new(["a.conf"], "/etc/").chmod("0644")));
    /// assert!(image.emit().unwrap().ends_with("ADD --chmod=0644 [\"a.conf\", \"/etc/\"]\n"));
    ///
    /// let mut bad = Image::new();
    /// bad.stage(Stage::new("app", Base::alpine("3.19")).add_with(Add::new(["a.conf"], "/etc/").chmod("rw")));
    /// assert!(bad.emit().unwrap_err().to_string().starts_with("stage 'app', ADD: invalid file mode \"rw\""));
    /// ```
    pub fn chmod(mut self, mode: &str) -> Self {
        match Chmod::new(mode) {
            Ok(mode) => self.edit(|add| add.chmod = Some(mode)),
            Err(err) => self.problems.push(err),
        }
        self
    }

    /// Adds into an independent layer (`--link`).
    ///
    /// ```
    /// use dockwright::{Add, Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).add_with(Add::new(["site.tar.gz"], "/srv/").link()));
    /// assert!(image.emit().unwrap().ends_with("ADD --link [\"site.tar.gz\", \"/srv/\"]\n"));
    /// ```
    pub fn link(mut self) -> Self {
        self.edit(|add| add.link = true);
        self
    }

    /// Keeps the `.git` directory of a git source (`--keep-git-dir`).
    ///
    /// ```
    /// use dockwright::{Add, Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).add_with(Add::new(["https://example.com/repo.git#v1.0"], "/src").keep_git_dir()));
    /// assert!(image.emit().unwrap().ends_with("ADD --keep-git-dir [\"https://example.com/repo.git#v1.0\", \"/src\"]\n"));
    /// ```
    pub fn keep_git_dir(mut self) -> Self {
        self.edit(|add| add.keep_git_dir = true);
        self
    }

    /// Unpacks (or not) an archive source (`--unpack`).
    ///
    /// Needs Dockerfile frontend 1.17 ([`Feature::AddUnpack`](crate::analysis::Feature::AddUnpack)): older
    /// built-in frontends refuse it.
    ///
    /// ```
    /// use dockwright::{Add, Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).add_with(Add::new(["site.tar.gz"], "/srv/").unpack(false)));
    /// assert!(image.emit().unwrap().ends_with("ADD --unpack=false [\"site.tar.gz\", \"/srv/\"]\n"));
    /// ```
    pub fn unpack(mut self, unpack: bool) -> Self {
        self.edit(|add| add.unpack = Some(unpack));
        self
    }

    /// Leaves out paths matching `pattern` (`--exclude`).
    ///
    /// Needs Dockerfile frontend 1.19 ([`Feature::Exclude`](crate::analysis::Feature::Exclude)): older
    /// built-in frontends refuse it.
    ///
    /// ```
    /// use dockwright::{Add, Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).add_with(Add::new(["src/"], "/app/").exclude("*.md")));
    /// assert!(image.emit().unwrap().ends_with("ADD --exclude=*.md [\"src/\", \"/app/\"]\n"));
    ///
    /// let mut bad = Image::new();
    /// bad.stage(Stage::new("app", Base::alpine("3.19")).add_with(Add::new(["src/"], "/app/").exclude("")));
    /// assert!(bad.emit().unwrap_err().to_string().starts_with("stage 'app', ADD: exclude pattern \"\""));
    /// ```
    pub fn exclude(mut self, pattern: &str) -> Self {
        match Pattern::new(pattern) {
            Ok(pattern) => self.edit(|add| add.excludes.push(pattern)),
            Err(err) => self.problems.push(err),
        }
        self
    }

    fn edit(&mut self, change: impl FnOnce(&mut model::Add)) {
        if let Ok(add) = &mut self.add {
            change(add);
        }
    }
}

impl From<model::Add> for Add {
    fn from(add: model::Add) -> Add {
        Add { add: Ok(add), problems: Vec::new() }
    }
}

/// Makes a model `ARG`.
pub(crate) fn arg(name: &str, default: Option<&str>) -> Result<model::Arg, Error> {
    Ok(model::Arg { name: VarName::new(name)?, default: default.map(Value::literal).transpose()? })
}
