//! Builds: a [`BuildRequest`] goes to `docker buildx build` (Docker) or `podman build --format docker`
//! (Podman); its plain progress log becomes a [`BuildReport`].

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::base::BaseMapping;
use crate::error::{Error, ErrorKind, Errors};
use crate::model::Dockerfile;

use super::{Engine, EngineError, EngineErrorKind, EngineKind, Network, tail};

/// The Dockerfile's name in the build's scratch directory; its ignore file is this name + `.dockerignore`.
const DOCKERFILE_NAME: &str = "dockwright.Dockerfile";

/// How many lines of the build log a [`EngineErrorKind::BuildFailed`] message ends with.
const LOG_TAIL_LINES: usize = 30;

/// What to build: Dockerfile and ignore text, the context directory, the tag, and how.
///
/// The Dockerfile and its ignore file are written to a scratch directory, never into the context; the
/// ignore text always applies (an empty one means "send the whole context", even if the context has a
/// `.dockerignore` of its own).
///
/// ```
/// use dockwright::engine::{BuildRequest, Network, Progress};
///
/// let request = BuildRequest::new("FROM scratch\n", "ctx", "example/app:dev").target("runtime").no_cache(true);
/// assert_eq!(request.dockerfile, "FROM scratch\n");
/// assert_eq!(request.context, std::path::PathBuf::from("ctx"));
/// assert_eq!(request.target.as_deref(), Some("runtime"));
/// assert!(request.no_cache);
/// assert_eq!(request.network, Network::None);
/// assert_eq!(request.progress, Progress::Auto);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildRequest {
    /// The Dockerfile text.
    pub dockerfile: String,
    /// The `.dockerignore` text, applied to the context.
    pub dockerignore: String,
    /// The build context directory.
    pub context: PathBuf,
    /// The tag to give the image (`name:tag`).
    pub tag: String,
    /// The stage to build (`--target`); the last stage when `None`.
    pub target: Option<String>,
    /// Ignore the build cache (`--no-cache`).
    pub no_cache: bool,
    /// The network RUN steps get: none by default, so builds are hermetic; [`Network::Host`] for steps that
    /// must fetch (the engine's bridge network is never used).
    pub network: Network,
    /// How BuildKit's progress is shown.
    pub progress: Progress,
    /// The build secrets `RUN --mount=type=secret` steps read (`--secret`): sent to BuildKit (Buildah
    /// on Podman) as secrets, never as build args, never on a command line.
    pub secrets: Vec<BuildSecret>,
    /// Values for the Dockerfile's `ARG`s (`--build-arg NAME=VALUE`), in order. Not for secrets: a
    /// build arg is on the command line and may end up in the image's history.
    pub build_args: Vec<(String, String)>,
    /// The model `dockerfile` was emitted from, when the request came from an [`Image`](crate::Image).
    source: Option<Dockerfile>,
}

/// A build secret: its id and where its value comes from (see [`BuildRequest::secret`]).
///
/// ```
/// use dockwright::engine::{BuildSecret, SecretSource};
///
/// let secret = BuildSecret { id: "token".into(), source: SecretSource::Env("CI_TOKEN".into()) };
/// assert_eq!(secret.id, "token");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildSecret {
    /// The id a `RUN --mount=type=secret,id=<id>` step names.
    pub id: String,
    /// Where the value comes from.
    pub source: SecretSource,
}

/// Where a build secret's value comes from.
///
/// ```
/// use dockwright::engine::SecretSource;
///
/// assert_eq!(SecretSource::value("x"), SecretSource::value("x"));
/// assert_eq!(format!("{:?}", SecretSource::value("x")), "Value(<redacted>)");
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretSource {
    /// A file on this machine (read by the build client on Docker, by the service on Podman).
    File(PathBuf),
    /// A variable of this process's environment, by name (on Podman, its value is written to a private
    /// file for the build, as [`SecretSource::Value`] is).
    Env(String),
    /// The value itself, handed to the build client through its environment on Docker, and on Podman
    /// through a file only this user can read (mode 0600, in a 0700 directory), removed when the build
    /// ends, failed or not.
    Value(SecretValue),
}

impl SecretSource {
    /// A secret given by value.
    ///
    /// ```
    /// use dockwright::engine::SecretSource;
    ///
    /// assert!(matches!(SecretSource::value("s3cr3t"), SecretSource::Value(_)));
    /// ```
    pub fn value(value: impl Into<String>) -> Self {
        SecretSource::Value(SecretValue(value.into()))
    }
}

impl std::fmt::Debug for SecretSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretSource::File(path) => f.debug_tuple("File").field(path).finish(),
            SecretSource::Env(name) => f.debug_tuple("Env").field(name).finish(),
            SecretSource::Value(_) => f.write_str("Value(<redacted>)"),
        }
    }
}

/// A secret's value: compared, never printed.
///
/// ```
/// use dockwright::engine::SecretValue;
///
/// let value = SecretValue::new("s3cr3t");
/// assert_eq!(value.expose(), "s3cr3t");
/// assert_eq!(format!("{value:?}"), "<redacted>");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SecretValue(String);

impl SecretValue {
    /// Wraps a value.
    ///
    /// ```
    /// assert_eq!(dockwright::engine::SecretValue::new("v").expose(), "v");
    /// ```
    pub fn new(value: impl Into<String>) -> Self {
        SecretValue(value.into())
    }

    /// The value, for the one place that must hand it over.
    ///
    /// ```
    /// assert_eq!(dockwright::engine::SecretValue::new("v").expose(), "v");
    /// ```
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// How a build shows BuildKit's progress.
///
/// ```
/// use dockwright::engine::Progress;
///
/// assert_eq!(Progress::default(), Progress::Auto);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Progress {
    /// [`Progress::Tty`] when this process's stderr is a terminal, [`Progress::Plain`] otherwise.
    #[default]
    Auto,
    /// Capture the plain log (nothing is printed): the report has every step and the whole log.
    Plain,
    /// Show BuildKit's live display on stderr. The report then has the image id and duration, but no
    /// steps and no log (they went to the terminal), and a failure's message points there.
    Tty,
}

/// What a successful build produced.
///
/// ```no_run
/// use dockwright::engine::{BuildRequest, Engine, Progress};
///
/// let engine = Engine::connect()?;
/// let request = BuildRequest::new("FROM dockwright/debian:bookworm-slim\nRUN echo hi\n", ".", "example/hi:dev")
///     .progress(Progress::Plain);
/// let report = engine.build(&request)?;
/// assert!(report.image_id.starts_with("sha256:"));
/// assert!(report.steps.iter().any(|step| step.name == "[2/2] RUN echo hi"));
/// assert!(report.log.contains("naming to"));
/// # Ok::<(), dockwright::engine::EngineError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildReport {
    /// The image id (`sha256:...`).
    pub image_id: String,
    /// How long the build took, wall clock.
    pub duration: Duration,
    /// Every BuildKit step, in the order each first appeared in the log.
    pub steps: Vec<BuildStep>,
    /// The whole plain progress log (empty when the progress went to a terminal).
    pub log: String,
}

/// One BuildKit step of a build, as its progress log reports it.
///
/// ```
/// use dockwright::engine::parse_progress;
///
/// let steps = parse_progress("#5 [runtime 3/7] RUN make\n#5 CACHED\n");
/// assert_eq!(steps[0].name, "[runtime 3/7] RUN make");
/// assert!(steps[0].cached);
/// assert_eq!(steps[0].duration, None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildStep {
    /// The step as BuildKit names it, e.g. `[runtime 3/7] RUN make` or `exporting to image`.
    pub name: String,
    /// Whether the build cache answered it.
    pub cached: bool,
    /// How long it ran, when it ran.
    pub duration: Option<Duration>,
}

impl BuildRequest {
    /// A request to build `dockerfile` in `context`, tagged `tag`, with no ignore patterns.
    ///
    /// ```
    /// use dockwright::engine::BuildRequest;
    ///
    /// let request = BuildRequest::new("FROM scratch\n", ".", "example/empty:1");
    /// assert_eq!(request.tag, "example/empty:1");
    /// assert_eq!(request.dockerignore, "");
    /// assert_eq!(request.target, None);
    /// ```
    pub fn new(dockerfile: impl Into<String>, context: impl Into<PathBuf>, tag: &str) -> Self {
        BuildRequest {
            dockerfile: dockerfile.into(),
            dockerignore: String::new(),
            context: context.into(),
            tag: tag.to_string(),
            target: None,
            no_cache: false,
            network: Network::None,
            progress: Progress::Auto,
            secrets: Vec::new(),
            build_args: Vec::new(),
            source: None,
        }
    }

    /// A request to build `image` (its Dockerfile and `.dockerignore` text) in `context`, tagged `tag`.
    ///
    /// ```
    /// use dockwright::engine::BuildRequest;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new().dockerignore(["target", "*.secret"]);
    /// image.stage(Stage::new("app", Base::debian("bookworm-slim")).copy(["."], "/src/"));
    /// let request = BuildRequest::from_image(&image, "/work/app", "example/app:dev").unwrap();
    /// assert_eq!(request.dockerfile, "FROM debian:bookworm-slim AS app\nCOPY [\".\", \"/src/\"]\n");
    /// assert_eq!(request.dockerignore, "target\n*.secret\n");
    ///
    /// assert!(BuildRequest::from_image(&Image::new(), ".", "x:1").is_err());
    /// ```
    pub fn from_image(image: &crate::dsl::Image, context: impl Into<PathBuf>, tag: &str) -> Result<Self, Errors> {
        let mut request = BuildRequest::from_model(&image.to_model()?, context, tag);
        request.dockerignore = image.dockerignore_text();
        Ok(request)
    }

    /// A request to build a Dockerfile's model (one [`import`](crate::import) lowered, say) in
    /// `context`, tagged `tag`, with no ignore patterns. Like [`from_image`](Self::from_image)'s, its
    /// bases can be [`mapped`](Self::mapped).
    ///
    /// ```
    /// use dockwright::engine::BuildRequest;
    /// use dockwright::import::{lower, parse};
    ///
    /// let lowered = lower(&parse("from alpine:3.19\nrun  echo hi\n"));
    /// let request = BuildRequest::from_model(&lowered.dockerfile, ".", "example/hi:1");
    /// assert_eq!(request.dockerfile, "FROM alpine:3.19\nRUN echo hi\n");
    /// ```
    #[must_use]
    pub fn from_model(dockerfile: &Dockerfile, context: impl Into<PathBuf>, tag: &str) -> Self {
        let mut request = BuildRequest::new(crate::emit::emit(dockerfile), context, tag);
        request.source = Some(dockerfile.clone());
        request
    }

    /// The same request with every base image pulled from where `mapping` says (see
    /// [`Image::emit_mapped`](crate::Image::emit_mapped)). Only a request made by
    /// [`BuildRequest::from_image`] whose Dockerfile has not been changed since can be mapped.
    ///
    /// ```
    /// use dockwright::base::BaseMapping;
    /// use dockwright::engine::BuildRequest;
    /// use dockwright::{Base, ErrorKind, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::debian("bookworm-slim")).run("true"));
    /// let mapping = BaseMapping::new().map("debian:bookworm-slim", "dockwright/debian:bookworm-slim").unwrap();
    /// let request = BuildRequest::from_image(&image, ".", "example/app:dev").unwrap().mapped(&mapping).unwrap();
    /// assert_eq!(request.dockerfile, "FROM dockwright/debian:bookworm-slim AS app\nRUN true\n");
    ///
    /// let text = BuildRequest::new("FROM debian:bookworm-slim\n", ".", "example/app:dev");
    /// assert_eq!(text.mapped(&mapping).unwrap_err().kind(), ErrorKind::Unsupported);
    /// ```
    pub fn mapped(mut self, mapping: &BaseMapping) -> Result<Self, Error> {
        let source = match &self.source {
            Some(source) if crate::emit::emit(source) == self.dockerfile => source,
            _ => {
                return Err(Error::new(
                    ErrorKind::Unsupported,
                    format!(
                        "cannot map the bases of build request '{}': its Dockerfile was not made by \
                         BuildRequest::from_image or was changed since; map the image with Image::emit_mapped",
                        self.tag
                    ),
                ));
            }
        };
        let mapped = mapping.apply(source)?;
        self.dockerfile = crate::emit::emit(&mapped);
        self.source = Some(mapped);
        Ok(self)
    }

    /// Builds the stage named `target` (`--target`) instead of the last one.
    ///
    /// ```
    /// use dockwright::engine::BuildRequest;
    ///
    /// let request = BuildRequest::new("FROM scratch AS dev\n", ".", "x:1").target("dev");
    /// assert_eq!(request.target.as_deref(), Some("dev"));
    /// ```
    #[must_use]
    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// Sets the Dockerfile's `ARG` `name` to `value` for this build (`--build-arg`).
    ///
    /// ```
    /// use dockwright::engine::BuildRequest;
    ///
    /// let request = BuildRequest::new("FROM scratch\nARG VERSION\n", ".", "x:1").build_arg("VERSION", "1.2.0");
    /// assert_eq!(request.build_args, [("VERSION".to_string(), "1.2.0".to_string())]);
    /// ```
    #[must_use]
    pub fn build_arg(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.build_args.push((name.into(), value.into()));
        self
    }

    /// Ignores (or uses) the build cache.
    ///
    /// ```
    /// use dockwright::engine::BuildRequest;
    ///
    /// assert!(BuildRequest::new("FROM scratch\n", ".", "x:1").no_cache(true).no_cache);
    /// ```
    #[must_use]
    pub fn no_cache(mut self, no_cache: bool) -> Self {
        self.no_cache = no_cache;
        self
    }

    /// The network RUN steps get.
    ///
    /// ```
    /// use dockwright::engine::{BuildRequest, Network};
    ///
    /// let request = BuildRequest::new("FROM scratch\n", ".", "x:1").network(Network::Host);
    /// assert_eq!(request.network, Network::Host);
    /// ```
    #[must_use]
    pub fn network(mut self, network: Network) -> Self {
        self.network = network;
        self
    }

    /// Adds a build secret: what a `RUN --mount=type=secret,id=<id>` step reads (as the file
    /// `/run/secrets/<id>`, or the variable its `env=` names). The value reaches BuildKit (or Buildah,
    /// on Podman) as a secret: it is in no layer, no image config and no history entry, and it is passed
    /// to the build client through a file or this process's environment, never on its command line
    /// (see [`Engine::build`] for Podman). An id is letters,
    /// digits, `_`, `.` and `-`; a bad id or a second secret with the same id fails the build before it
    /// starts.
    ///
    /// ```
    /// use dockwright::engine::{BuildRequest, BuildSecret, SecretSource};
    ///
    /// let request = BuildRequest::new("FROM scratch\n", ".", "x:1")
    ///     .secret("pypi", SecretSource::File("/run/user/1000/pypi-token".into()))
    ///     .secret("token", SecretSource::value("s3cr3t"));
    /// assert_eq!(request.secrets[0], BuildSecret { id: "pypi".into(), source: SecretSource::File("/run/user/1000/pypi-token".into()) });
    /// // A value is never printed.
    /// assert_eq!(format!("{:?}", request.secrets[1].source), "Value(<redacted>)");
    /// ```
    #[must_use]
    pub fn secret(mut self, id: impl Into<String>, source: SecretSource) -> Self {
        self.secrets.push(BuildSecret { id: id.into(), source });
        self
    }

    /// How the progress is shown.
    ///
    /// ```
    /// use dockwright::engine::{BuildRequest, Progress};
    ///
    /// let request = BuildRequest::new("FROM scratch\n", ".", "x:1").progress(Progress::Plain);
    /// assert_eq!(request.progress, Progress::Plain);
    /// ```
    #[must_use]
    pub fn progress(mut self, progress: Progress) -> Self {
        self.progress = progress;
        self
    }
}

/// Refuses a bad or repeated secret id before anything runs.
fn check_secret_ids(secrets: &[BuildSecret]) -> Result<(), EngineError> {
    let mut seen = std::collections::HashSet::new();
    for secret in secrets {
        let id = &secret.id;
        let valid = !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !valid {
            return Err(EngineError::new(
                EngineErrorKind::InvalidRequest,
                format!("build secret id {id:?} must be letters, digits, '_', '.' and '-'"),
            ));
        }
        if !seen.insert(id.as_str()) {
            return Err(EngineError::new(
                EngineErrorKind::InvalidRequest,
                format!("build secret id {id:?} is given twice: give each secret once"),
            ));
        }
    }
    Ok(())
}

/// A secret file's path as a `--secret` option takes it: absolute, a readable file, and without the
/// `,` and `"` that would split or quote the option.
fn secret_file(id: &str, path: &Path) -> Result<String, EngineError> {
    if !path.is_file() {
        return Err(EngineError::new(
            EngineErrorKind::Io,
            format!("build secret {id:?}: {} is not a readable file", path.display()),
        ));
    }
    let path = std::path::absolute(path).map_err(|err| EngineError::io("resolve the secret file", path, err))?;
    let path = path.to_string_lossy().into_owned();
    if path.contains([',', '"']) {
        return Err(EngineError::new(
            EngineErrorKind::Io,
            format!("build secret {id:?}: the path {path:?} holds ',' or '\"': move the file"),
        ));
    }
    Ok(path)
}

/// Refuses a variable name that is not one, or a variable this process does not have.
fn secret_variable(id: &str, name: &str) -> Result<std::ffi::OsString, EngineError> {
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(EngineError::new(
            EngineErrorKind::InvalidRequest,
            format!("build secret {id:?}: {name:?} is not an environment variable name"),
        ));
    }
    std::env::var_os(name).ok_or_else(|| {
        EngineError::new(
            EngineErrorKind::InvalidRequest,
            format!("build secret {id:?}: the environment variable {name:?} is not set"),
        )
    })
}

/// Adds a `--secret` argument for each secret of a BuildKit build: a file by path, a variable by name,
/// a value through a variable of the client's own environment (so it is never on a command line).
fn secret_args(secrets: &[BuildSecret], command: &mut Command) -> Result<(), EngineError> {
    for (index, secret) in secrets.iter().enumerate() {
        let id = &secret.id;
        let spec = match &secret.source {
            SecretSource::File(path) => format!("id={id},src={}", secret_file(id, path)?),
            SecretSource::Env(name) => {
                secret_variable(id, name)?;
                format!("id={id},env={name}")
            }
            SecretSource::Value(value) => {
                let name = format!("DOCKWRIGHT_BUILD_SECRET_{index}");
                command.env(&name, value.expose());
                format!("id={id},env={name}")
            }
        };
        command.arg("--secret").arg(spec);
    }
    Ok(())
}

/// Whether the Podman service at `address` reads this machine's files: it listens on a unix socket
/// here. A `tcp://` or `ssh://` service is elsewhere.
fn podman_is_local(address: &str) -> bool {
    address.starts_with("unix://")
}

/// The refusal of build secrets for a Podman service that is not on this machine.
fn podman_remote_secrets(tag: &str, address: &str) -> EngineError {
    EngineError::new(
        EngineErrorKind::InvalidRequest,
        format!(
            "build of '{tag}' has build secrets, which dockwright does not send to Podman at {address}: Podman 5's \
             remote build puts secret files into the build context, where COPY can put them into the image; build \
             with Docker, with Podman's unix socket on the machine that has the secrets, or give the value at run time"
        ),
    )
}

/// The `--secret` arguments of a Podman build on a local service (see [`podman_is_local`]), each
/// `id=<id>,env=<file>,type=file`, so that the service reads the secret from its file on this machine.
///
/// Podman 5.4's remote client (`podman --url ... build`) copies the file of a `src=<file>` secret into
/// the build context it uploads (`pkg/bindings/images/build.go`), where `COPY .` can copy it into the
/// image, and sends every other option as it is; the service (`pkg/api/handlers/compat/images_build.go`)
/// only moves a `src=` file it finds in the context, and hands the options to Buildah, whose parser
/// (`pkg/parse.Secrets`) takes the source from `env=` and the kind from the `type=` after it: a file,
/// read where the service runs. (A plain `env=NAME` would be read in the service's environment, not
/// this process's.) So the file's path, never its value, is on the command line, and nothing enters
/// the context. A file is
/// named by its own absolute path; a variable or a value is written to a file of its own (0600) in
/// `private`, a directory only this user can read, which the caller removes after the build, failed
/// or not.
fn podman_secret_args(secrets: &[BuildSecret], private: &Path) -> Result<Vec<String>, EngineError> {
    let mut args = Vec::new();
    for secret in secrets {
        let id = &secret.id;
        let path = match &secret.source {
            SecretSource::File(path) => secret_file(id, path)?,
            SecretSource::Env(name) => private_secret(id, private, &secret_variable(id, name)?.into_encoded_bytes())?,
            SecretSource::Value(value) => private_secret(id, private, value.expose().as_bytes())?,
        };
        args.push("--secret".to_string());
        args.push(format!("id={id},env={path},type=file"));
    }
    Ok(args)
}

/// Writes a secret's value to a new file in `private`, readable by this user only; its path.
fn private_secret(id: &str, private: &Path, value: &[u8]) -> Result<String, EngineError> {
    use std::io::Write;

    // tempfile makes the file with mode 0600 and refuses a name that is already there.
    let file = tempfile::Builder::new()
        .prefix("secret-")
        .tempfile_in(private)
        .map_err(|err| EngineError::io("create a file for a build secret in", private, err))?;
    let (mut handle, path) = file.keep().map_err(|err| EngineError::io("keep", private, err.error))?;
    handle.write_all(value).and_then(|()| handle.sync_all()).map_err(|err| EngineError::io("write", &path, err))?;
    secret_file(id, &path)
}

/// The steps of a BuildKit plain progress log (`--progress=plain`), in the order each first appears.
///
/// ```
/// use std::time::Duration;
/// use dockwright::engine::parse_progress;
///
/// let log = "#0 building with \"default\" instance using docker driver\n\
///            #5 [runtime 2/3] RUN echo hello\n\
///            #5 0.124 hello\n\
///            #6 [runtime 1/3] FROM docker.io/library/debian:bookworm-slim\n\
///            #6 CACHED\n\
///            #5 [runtime 2/3] RUN echo hello\n\
///            #5 DONE 1.3s\n";
/// let steps = parse_progress(log);
/// assert_eq!(steps.len(), 2);
/// assert_eq!(steps[0].name, "[runtime 2/3] RUN echo hello");
/// assert_eq!(steps[0].duration, Some(Duration::from_millis(1300)));
/// assert!(!steps[0].cached);
/// assert!(steps[1].cached);
/// ```
pub fn parse_progress(log: &str) -> Vec<BuildStep> {
    vertices(log).into_iter().map(|vertex| vertex.step).collect()
}

impl Engine {
    /// Builds an image and reports its id, steps and log: with `docker buildx build --load` on Docker, with
    /// `podman --url <address> build --format docker` on Podman.
    ///
    /// On Podman the image is written in the Docker format, because Podman's default (OCI) has no place
    /// for `HEALTHCHECK` and drops it; the steps are Buildah's (`STEP 2/5: RUN ...`, cached when it says
    /// `Using cache`, with no durations); and build secrets are handed over as paths on this machine
    /// that the service reads itself (`--secret id=<id>,env=<file>,type=file`), never copied into the
    /// build context (Podman 5's remote client copies a `src=` file into the context it uploads, where a
    /// `COPY .` copies it into the image). That needs the service to read this machine's files: on a
    /// Podman address that is not a unix socket (`tcp://`, `ssh://`) a request with build secrets is
    /// refused with [`EngineErrorKind::InvalidRequest`]. A unix socket forwarded from another machine (a
    /// VM's) fails the build where that machine has no such file (`could not parse secrets`).
    ///
    /// ```no_run
    /// use dockwright::engine::{BuildRequest, Engine, EngineErrorKind, Progress};
    ///
    /// let engine = Engine::connect()?;
    /// let request = BuildRequest::new("FROM dockwright/debian:bookworm-slim\nRUN echo oops && false\n", ".", "x:1")
    ///     .progress(Progress::Plain);
    /// let err = engine.build(&request).unwrap_err();
    /// assert_eq!(err.kind(), EngineErrorKind::BuildFailed);
    /// assert!(err.to_string().contains("failed at step \"[2/2] RUN echo oops && false\""));
    /// assert!(err.to_string().contains("oops"));
    /// # Ok::<(), dockwright::engine::EngineError>(())
    /// ```
    pub fn build(&self, request: &BuildRequest) -> Result<BuildReport, EngineError> {
        self.build_streaming(request, &mut |_| {})
    }

    /// [`Engine::build`], handing each line of BuildKit's plain progress log to `on_line` as it arrives
    /// (nothing with [`Progress::Tty`], whose display goes to the terminal): what a caller that is not
    /// on a terminal shows while the build runs. The report is the same.
    ///
    /// ```no_run
    /// use dockwright::engine::{BuildRequest, Engine, Progress};
    ///
    /// let engine = Engine::connect()?;
    /// let request = BuildRequest::new("FROM dockwright/debian:bookworm-slim\nRUN echo hi\n", ".", "example/hi:dev")
    ///     .progress(Progress::Plain);
    /// let mut lines = Vec::new();
    /// let report = engine.build_streaming(&request, &mut |line| lines.push(line.to_string()))?;
    /// assert!(lines.iter().any(|line| line.ends_with("[2/2] RUN echo hi")));
    /// assert!(report.image_id.starts_with("sha256:"));
    /// # Ok::<(), dockwright::engine::EngineError>(())
    /// ```
    pub fn build_streaming(
        &self,
        request: &BuildRequest,
        on_line: &mut dyn FnMut(&str),
    ) -> Result<BuildReport, EngineError> {
        let context = std::path::absolute(&request.context)
            .map_err(|err| EngineError::io("resolve the build context", &request.context, err))?;
        if !context.is_dir() {
            return Err(EngineError::new(
                EngineErrorKind::Io,
                format!("build context {} is not a directory", context.display()),
            ));
        }
        check_secret_ids(&request.secrets)?;
        if self.kind == EngineKind::Podman && !request.secrets.is_empty() && !podman_is_local(&self.address) {
            return Err(podman_remote_secrets(&request.tag, &self.address));
        }
        let scratch = tempfile::Builder::new()
            .prefix("dockwright-build-")
            .tempdir()
            .map_err(|err| EngineError::io("create a scratch directory in", &std::env::temp_dir(), err))?;
        let dockerfile = scratch.path().join(DOCKERFILE_NAME);
        let ignore = scratch.path().join(format!("{DOCKERFILE_NAME}.dockerignore"));
        let iidfile = scratch.path().join("iid");
        write(&dockerfile, &request.dockerfile)?;
        // Where a Podman build's secrets given by value or variable are written (mode 0700; removed when
        // dropped, on every way out of this function): apart from the scratch directory, whose Dockerfile
        // Podman's client uploads.
        let private = match self.kind {
            EngineKind::Podman if !request.secrets.is_empty() => {
                let mut builder = tempfile::Builder::new();
                builder.prefix("dockwright-secrets-");
                #[cfg(unix)]
                builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
                let dir = builder
                    .tempdir()
                    .map_err(|err| EngineError::io("create a private directory in", &std::env::temp_dir(), err))?;
                Some(dir)
            }
            _ => None,
        };

        let tty = match request.progress {
            Progress::Auto => std::io::stderr().is_terminal(),
            Progress::Plain => false,
            Progress::Tty => true,
        };
        let mut command = match self.kind {
            EngineKind::Podman => {
                write(&ignore, &podman_ignore_text(&request.dockerignore, scratch.path(), &context))?;
                let mut command = Command::new("podman");
                command
                    .arg("--url")
                    .arg(podman_url(&self.address))
                    .args(["build", "--format", "docker", "--network", request.network.as_str()])
                    .arg("--file")
                    .arg(&dockerfile)
                    .arg("--ignorefile")
                    .arg(&ignore);
                if let Some(private) = &private {
                    command.args(podman_secret_args(&request.secrets, private.path())?);
                }
                command
            }
            _ => {
                write(&ignore, &request.dockerignore)?;
                let mut command = Command::new("docker");
                command
                    .env("DOCKER_HOST", &self.address)
                    // Attestations would make the image an index with provenance; a local build wants the image.
                    .env("BUILDX_NO_DEFAULT_ATTESTATIONS", "1")
                    // The engine's own builder (the docker driver on DOCKER_HOST): buildx's current
                    // builder or BUILDX_BUILDER could be another, which would build elsewhere (a
                    // docker-container builder boots BuildKit from a registry image); Endpoint has
                    // already resolved a docker-driver builder to this address and refused the rest.
                    .env_remove("BUILDX_BUILDER")
                    .args([
                        "buildx",
                        "build",
                        "--builder",
                        "default",
                        "--load",
                        "--progress",
                        if tty { "tty" } else { "plain" },
                    ])
                    .arg("--network")
                    .arg(request.network.as_str())
                    .arg("--file")
                    .arg(&dockerfile);
                secret_args(&request.secrets, &mut command)?;
                command
            }
        };
        command.arg("--iidfile").arg(&iidfile).arg("--tag").arg(&request.tag);
        if let Some(target) = &request.target {
            command.arg("--target").arg(target);
        }
        if request.no_cache {
            command.arg("--no-cache");
        }
        for (name, value) in &request.build_args {
            command.arg("--build-arg").arg(format!("{name}={value}"));
        }
        command.arg(&context).stdin(Stdio::null());

        let started = Instant::now();
        let (status, log) = if tty {
            let status = command.status().map_err(|err| no_cli(self.kind, &self.address, &err))?;
            (status, String::new())
        } else {
            // BuildKit writes its progress to stderr; Podman writes the steps to stdout and the error to stderr.
            let progress_on_stdout = self.kind == EngineKind::Podman;
            run_streaming(&mut command, progress_on_stdout, on_line)
                .map_err(|err| no_cli(self.kind, &self.address, &err))?
        };
        let duration = started.elapsed();

        if !status.success() {
            if log.contains("'buildx' is not a docker command") || log.contains("unknown command: docker buildx") {
                return Err(EngineError::new(
                    EngineErrorKind::Unreachable,
                    "the docker CLI has no buildx plugin: install docker-buildx (Docker 23+), or run scripts/engine-up",
                ));
            }
            return Err(match self.kind {
                EngineKind::Podman => podman_build_failed(&request.tag, status, &log, tty),
                _ => build_failed(&request.tag, status, &log, tty),
            });
        }
        let image_id = std::fs::read_to_string(&iidfile)
            .map_err(|err| EngineError::io("read the image id the build wrote to", &iidfile, err))?
            .trim()
            .to_string();
        let steps = match self.kind {
            EngineKind::Podman => podman_steps(&log).into_iter().map(|vertex| vertex.step).collect(),
            _ => parse_progress(&log),
        };
        Ok(BuildReport { image_id, duration, steps, log })
    }
}

/// The ignore text a Podman build gets: the request's, then the scratch directory. Podman's remote client
/// puts a Dockerfile that lies outside the context into the context, under its absolute path (so
/// `COPY . /app` would copy `/app/tmp/dockwright-build-*/dockwright.Dockerfile`); the last line keeps it
/// out of every COPY (the build still reads it). When the context has nothing named like the path's
/// first directory (`tmp`), that whole directory is ignored, so not even an empty `tmp/` is copied.
fn podman_ignore_text(dockerignore: &str, scratch: &Path, context: &Path) -> String {
    let mut text = dockerignore.to_string();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    let relative = scratch.to_string_lossy().trim_start_matches('/').to_string();
    let first = relative.split('/').next().unwrap_or_default();
    if !first.is_empty() && std::fs::symlink_metadata(context.join(first)).is_err() {
        text.push_str(first);
    } else {
        text.push_str(&relative);
    }
    text.push('\n');
    text
}

/// The address as `podman --url` takes it (`tcp://`, not `http://`).
fn podman_url(address: &str) -> String {
    match address.strip_prefix("http://") {
        Some(rest) => format!("tcp://{rest}"),
        None => address.to_string(),
    }
}

/// Runs the build client, handing each line of its standard error (BuildKit's plain progress) to
/// `on_line` as it comes; its status and whole log (standard error, then standard output).
fn run_streaming(
    command: &mut Command,
    progress_on_stdout: bool,
    on_line: &mut dyn FnMut(&str),
) -> std::io::Result<(ExitStatus, String)> {
    use std::io::{BufRead, Read};

    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
    let stdout: Box<dyn Read + Send> = Box::new(child.stdout.take().expect("standard output is piped"));
    let stderr: Box<dyn Read + Send> = Box::new(child.stderr.take().expect("standard error is piped"));
    let (progress, other) = if progress_on_stdout { (stdout, stderr) } else { (stderr, stdout) };
    // The other stream is drained on its own thread so neither pipe can fill up and stall the client.
    let mut other = other;
    let drain = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        other.read_to_end(&mut bytes).map(|_| bytes)
    });
    let mut progress = std::io::BufReader::new(progress);
    let mut log = String::new();
    let mut line = Vec::new();
    let read = loop {
        line.clear();
        match progress.read_until(b'\n', &mut line) {
            Ok(0) => break Ok(()),
            Ok(_) => {
                let text = String::from_utf8_lossy(&line);
                on_line(text.trim_end_matches(['\n', '\r']));
                log.push_str(&text);
            }
            Err(err) => break Err(err),
        }
    };
    if read.is_err() {
        let _ = child.kill();
    }
    let status = child.wait()?;
    read?;
    let rest = drain.join().unwrap_or_else(|_| Ok(Vec::new()))?;
    log.push_str(&String::from_utf8_lossy(&rest));
    Ok((status, log))
}

fn write(path: &Path, text: &str) -> Result<(), EngineError> {
    std::fs::write(path, text).map_err(|err| EngineError::io("write", path, err))
}

fn no_cli(kind: EngineKind, address: &str, err: &std::io::Error) -> EngineError {
    let message = match kind {
        EngineKind::Podman => format!(
            "cannot run `podman build` for the Podman engine at {address}: {err}: \
             install the podman CLI (Podman 5+), or run scripts/podman-up"
        ),
        _ => format!(
            "cannot run `docker buildx build` for the engine at {address}: {err}: \
             install the docker CLI with the buildx plugin (Docker 23+), or run scripts/engine-up"
        ),
    };
    EngineError::new(EngineErrorKind::Unreachable, message)
}

/// The error for a failed Podman build: the step it failed at, that step's output, and the log's tail.
fn podman_build_failed(tag: &str, status: std::process::ExitStatus, log: &str, tty: bool) -> EngineError {
    if tty {
        return EngineError::new(
            EngineErrorKind::BuildFailed,
            format!("build of '{tag}' failed ({status}): Podman's output above names the failing step"),
        );
    }
    let reason = log.lines().rev().find_map(|line| line.strip_prefix("Error: ")).unwrap_or("no error line");
    let steps = podman_steps(log);
    let mut message = match steps.last() {
        Some(last) if reason.starts_with("building at STEP") => {
            let mut message = format!("build of '{tag}' failed at step \"{}\": {reason}", last.step.name);
            if !last.output.is_empty() {
                let from = last.output.len().saturating_sub(LOG_TAIL_LINES);
                message.push_str("\noutput of that step:\n");
                message.push_str(&last.output[from..].join("\n"));
            }
            message
        }
        _ => format!("build of '{tag}' failed ({status}): {reason}"),
    };
    message.push_str(&format!("\nlast {LOG_TAIL_LINES} lines of the build log:\n{}", tail(log, LOG_TAIL_LINES)));
    EngineError::new(EngineErrorKind::BuildFailed, message)
}

/// The steps of a Podman (Buildah) build log: `[1/2] STEP 3/5: RUN make` lines, each with the output
/// lines that follow it; `--> Using cache <id>` marks the step before it cached.
fn podman_steps(log: &str) -> Vec<Vertex> {
    let mut steps: Vec<Vertex> = Vec::new();
    for line in log.lines() {
        let rest = match line.strip_prefix('[') {
            Some(staged) => staged.split_once("] ").map_or(line, |(_, rest)| rest),
            None => line,
        };
        if rest.starts_with("STEP ") && rest.contains(": ") {
            let id = steps.len() as u64;
            steps.push(Vertex {
                id,
                step: BuildStep { name: line.to_string(), cached: false, duration: None },
                output: Vec::new(),
                error: None,
            });
        } else if let Some(last) = steps.last_mut() {
            if line.starts_with("--> Using cache ") {
                last.step.cached = true;
            } else if line.starts_with("--> ") || rest.starts_with("COMMIT") || line.starts_with("Error: ") {
                // Buildah's own lines, not the step's output.
            } else {
                last.output.push(line.to_string());
            }
        }
    }
    steps
}

/// The error for a failed build: the failing step, its output, and the log's tail.
fn build_failed(tag: &str, status: std::process::ExitStatus, log: &str, tty: bool) -> EngineError {
    if tty {
        return EngineError::new(
            EngineErrorKind::BuildFailed,
            format!("build of '{tag}' failed ({status}): BuildKit's output above names the failing step"),
        );
    }
    let vertices = vertices(log);
    let mut message = match vertices.iter().find(|vertex| vertex.error.is_some()) {
        Some(vertex) => {
            let mut message = format!(
                "build of '{tag}' failed at step \"{}\": {}",
                vertex.step.name,
                vertex.error.as_deref().unwrap_or_default()
            );
            if !vertex.output.is_empty() {
                let from = vertex.output.len().saturating_sub(LOG_TAIL_LINES);
                message.push_str("\noutput of that step:\n");
                message.push_str(&vertex.output[from..].join("\n"));
            }
            message
        }
        None => {
            let reason = log.lines().rev().find_map(|line| line.strip_prefix("ERROR: ")).unwrap_or("no error line");
            format!("build of '{tag}' failed ({status}): {reason}")
        }
    };
    message.push_str(&format!("\nlast {LOG_TAIL_LINES} lines of the build log:\n{}", tail(log, LOG_TAIL_LINES)));
    EngineError::new(EngineErrorKind::BuildFailed, message)
}

/// A BuildKit vertex, as the plain log tells it.
struct Vertex {
    id: u64,
    step: BuildStep,
    output: Vec<String>,
    error: Option<String>,
}

/// The vertices of a plain log, in order of first appearance.
fn vertices(log: &str) -> Vec<Vertex> {
    let mut vertices: Vec<Vertex> = Vec::new();
    for line in log.lines() {
        let Some(rest) = line.strip_prefix('#') else { continue };
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let Ok(id) = rest[..digits].parse::<u64>() else { continue };
        let Some(text) = rest[digits..].strip_prefix(' ') else { continue };
        if id == 0 {
            continue; // buildx's own note ("building with ... instance"), not a step
        }
        let Some(vertex) = vertices.iter_mut().find(|vertex| vertex.id == id) else {
            vertices.push(Vertex {
                id,
                step: BuildStep { name: text.to_string(), cached: false, duration: None },
                output: Vec::new(),
                error: None,
            });
            continue;
        };
        if text == vertex.step.name {
            // The printer repeats a step's name when it switches back to it.
        } else if text == "CACHED" {
            vertex.step.cached = true;
        } else if let Some(seconds) = text.strip_prefix("DONE ").and_then(|time| time.strip_suffix('s')) {
            vertex.step.duration = seconds.parse::<f64>().ok().and_then(|s| Duration::try_from_secs_f64(s).ok());
        } else if let Some(error) = text.strip_prefix("ERROR: ") {
            vertex.error = Some(error.to_string());
        } else if let Some((time, output)) = text.split_once(' ') {
            if time.parse::<f64>().is_ok() {
                vertex.output.push(output.to_string());
            }
        }
    }
    vertices
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAILED: &str = "\
#0 building with \"default\" instance using docker driver

#1 [internal] load build definition from dockwright.Dockerfile
#1 transferring dockerfile: 218B done
#1 DONE 0.0s

#3 [app 1/3] FROM docker.io/dockwright/debian:bookworm-slim
#3 CACHED

#4 [app 2/3] RUN echo about to fail && exit 3
#4 0.101 about to fail
#4 ERROR: process \"/bin/sh -c echo about to fail && exit 3\" did not complete successfully: exit code: 3
------
 > [app 2/3] RUN echo about to fail && exit 3:
0.101 about to fail
------
ERROR: failed to solve: process \"/bin/sh -c echo about to fail && exit 3\" did not complete successfully: exit code: 3
";

    const PODMAN_FAILED: &str = "\
[1/2] STEP 1/2: FROM dockwright/debian:bookworm-slim AS b
[1/2] STEP 2/2: RUN echo b > /b
--> Using cache ef638ff903b9c7d2
--> ef638ff903b9
[2/2] STEP 1/2: FROM dockwright/debian:bookworm-slim AS r
[2/2] STEP 2/2: RUN echo about to fail && exit 3
about to fail
Error: building at STEP \"RUN echo about to fail && exit 3\": while running runtime: exit status 3
";

    #[test]
    fn podman_steps_with_cache_and_the_failing_steps_output() {
        let steps = podman_steps(PODMAN_FAILED);
        let names: Vec<(&str, bool)> = steps.iter().map(|v| (v.step.name.as_str(), v.step.cached)).collect();
        assert_eq!(
            names,
            [
                ("[1/2] STEP 1/2: FROM dockwright/debian:bookworm-slim AS b", false),
                ("[1/2] STEP 2/2: RUN echo b > /b", true),
                ("[2/2] STEP 1/2: FROM dockwright/debian:bookworm-slim AS r", false),
                ("[2/2] STEP 2/2: RUN echo about to fail && exit 3", false),
            ]
        );
        let status = std::process::Command::new("false").status().unwrap();
        let message = podman_build_failed("x:1", status, PODMAN_FAILED, false).to_string();
        assert!(
            message.starts_with(
                "build of 'x:1' failed at step \"[2/2] STEP 2/2: RUN echo about to fail && exit 3\": building at STEP \
                 \"RUN echo about to fail && exit 3\": while running runtime: exit status 3\noutput of that step:\nabout to fail\n"
            ),
            "{message}"
        );
        let steps = podman_steps("STEP 1/2: FROM x\nSTEP 2/2: RUN true\nCOMMIT t\n--> 1234\n");
        assert_eq!(steps.len(), 2);
        assert!(steps[1].output.is_empty());
    }

    #[test]
    fn podman_secrets_are_read_from_files_by_a_local_service_and_refused_elsewhere() {
        let addresses = [
            ("unix:///run/dockwright/podman.sock", true),
            ("tcp://10.0.0.5:8080", false),
            ("http://127.0.0.1:8080", false),
            ("ssh://core@build-host/run/podman/podman.sock", false),
        ];
        for (address, local) in addresses {
            assert_eq!(podman_is_local(address), local, "{address}");
        }
        let refused = podman_remote_secrets("app:1", "ssh://core@build-host/run/podman/podman.sock");
        assert_eq!(refused.kind(), EngineErrorKind::InvalidRequest);
        assert_eq!(
            refused.to_string(),
            "build of 'app:1' has build secrets, which dockwright does not send to Podman at \
             ssh://core@build-host/run/podman/podman.sock: Podman 5's remote build puts secret files into the build \
             context, where COPY can put them into the image; build with Docker, with Podman's unix socket on the \
             machine that has the secrets, or give the value at run time"
        );

        // A file is named by its absolute path; a value and a variable are written to files of their own
        // in the private directory, readable by this user only. No value is in an argument.
        let private = tempfile::tempdir().unwrap();
        let path = std::env::var_os("PATH").expect("PATH is set");
        let secrets = [
            BuildSecret { id: "file".into(), source: SecretSource::File("Cargo.toml".into()) },
            BuildSecret { id: "given".into(), source: SecretSource::value("s3cr3t-given") },
            BuildSecret { id: "var".into(), source: SecretSource::Env("PATH".into()) },
        ];
        let args = podman_secret_args(&secrets, private.path()).unwrap();
        let cargo_toml = std::env::current_dir().unwrap().join("Cargo.toml");
        assert_eq!(args[..2], ["--secret".to_string(), format!("id=file,env={},type=file", cargo_toml.display())]);
        assert!(!args.join(" ").contains("s3cr3t-given"), "{args:?}");
        let written = |spec: &str, id: &str| {
            let file = spec.strip_prefix(&format!("id={id},env=")).and_then(|rest| rest.strip_suffix(",type=file"));
            let file = PathBuf::from(file.unwrap_or_else(|| panic!("{spec}")));
            assert_eq!(file.parent(), Some(private.path()), "{spec}");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600, "{spec}");
            }
            std::fs::read(&file).unwrap()
        };
        assert_eq!((args[2].as_str(), written(&args[3], "given")), ("--secret", b"s3cr3t-given".to_vec()));
        assert_eq!((args[4].as_str(), written(&args[5], "var")), ("--secret", path.into_encoded_bytes()));
        assert_eq!(args.len(), 6);

        for (source, message) in [
            (
                SecretSource::Env("DOCKWRIGHT_UNSET_VARIABLE".into()),
                "build secret \"s\": the environment variable \"DOCKWRIGHT_UNSET_VARIABLE\" is not set",
            ),
            (
                SecretSource::File("/nonexistent/token".into()),
                "build secret \"s\": /nonexistent/token is not a readable file",
            ),
        ] {
            let err = podman_secret_args(&[BuildSecret { id: "s".into(), source }], private.path()).unwrap_err();
            assert_eq!(err.to_string(), message);
        }
    }

    #[test]
    fn podman_ignore_text_keeps_the_scratch_directory_out_of_copies() {
        let context = tempfile::tempdir().unwrap();
        let scratch = Path::new("/tmp/dockwright-build-x");
        assert_eq!(podman_ignore_text("", scratch, context.path()), "tmp\n");
        assert_eq!(podman_ignore_text("target", Path::new("/var/tmp/d"), context.path()), "target\nvar\n");
        // A context with its own tmp/ keeps it: only the scratch directory is ignored.
        std::fs::create_dir(context.path().join("tmp")).unwrap();
        assert_eq!(podman_ignore_text("*.log\n", scratch, context.path()), "*.log\ntmp/dockwright-build-x\n");
        assert_eq!(podman_url("http://127.0.0.1:8080"), "tcp://127.0.0.1:8080");
        assert_eq!(podman_url("unix:///run/podman/podman.sock"), "unix:///run/podman/podman.sock");
    }

    #[test]
    fn steps_in_order_with_cache_and_time() {
        let steps = parse_progress(FAILED);
        let names: Vec<&str> = steps.iter().map(|step| step.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "[internal] load build definition from dockwright.Dockerfile",
                "[app 1/3] FROM docker.io/dockwright/debian:bookworm-slim",
                "[app 2/3] RUN echo about to fail && exit 3"
            ]
        );
        assert_eq!(steps[0].duration, Some(Duration::ZERO));
        assert!(steps[1].cached);
        assert_eq!(steps[2].duration, None);
    }

    #[test]
    fn failure_names_the_step_and_its_output() {
        let status = std::process::Command::new("false").status().unwrap();
        let err = build_failed("example/app:dev", status, FAILED, false);
        assert_eq!(err.kind(), EngineErrorKind::BuildFailed);
        let message = err.to_string();
        assert!(message.starts_with(
            "build of 'example/app:dev' failed at step \"[app 2/3] RUN echo about to fail && exit 3\": process"
        ));
        assert!(message.contains("\noutput of that step:\nabout to fail\nlast 30 lines of the build log:\n"));
        assert!(message.ends_with("did not complete successfully: exit code: 3"));
    }

    #[test]
    fn failure_without_a_failing_step_quotes_the_last_error() {
        let status = std::process::Command::new("false").status().unwrap();
        let log = "#1 [internal] load build definition from dockwright.Dockerfile\n#1 DONE 0.0s\n\
                   ERROR: failed to solve: target stage \"nope\" could not be found\n";
        let message = build_failed("x:1", status, log, false).to_string();
        assert!(message.starts_with("build of 'x:1' failed (exit status: 1): failed to solve: target stage"));
    }
}
