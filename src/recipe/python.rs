//! [`PythonApp`]: a Python application installed into a virtual environment in a builder stage, from
//! wheels vendored on the host, and run from a slim runtime stage as a non-root user.
//!
//! The wheels are downloaded on a machine with network access, once, with
//! `pip download -d vendor/wheels -r requirements.txt` (on the same platform and Python version as the
//! image), and kept next to the code; the build then installs with `--no-index` under
//! `RUN --network=none`, so it needs nothing from outside. [`PythonApp::online`] installs from the
//! package index instead.
//!
//! The virtual environment's `bin/python` is a link to the interpreter it was made with, so the runtime
//! must have the same Python at the same path as the builder: the same image, or the same official
//! `python` version in another variant (`python:3.12` to build, `python:3.12-slim` to run), and the same
//! C library (wheels built for Debian's glibc do not load on Alpine's musl). `add_to` reports a
//! different official version or C library; other mixes (e.g. `python:3.11-slim` to build and
//! distroless python to run, which keeps python in `/usr/bin`) are not detected.

use std::fmt;

use crate::base::Base;
use crate::dsl::{Copy, Image, IntoCommand, IntoValue, Run, Stage, StageHandle};
use crate::error::{Error, ErrorKind};
use crate::model::{Command, Value};

use super::{Libc, checked, create_user, healthcheck, with_problems};

/// Where the builder stage works: the requirements file and the wheels are copied here.
const BUILD_DIR: &str = "/build";
const DEFAULT_VENV: &str = "/opt/venv";

/// A Python application: a builder stage that installs the requirements into a virtual environment,
/// and a runtime stage that gets the venv, the application sources and a non-root user.
///
/// The builder copies only the requirements file and the wheels before installing, so editing the
/// application never reruns the install. The runtime creates its user first (as root), then copies the
/// venv and the sources (owned by the user), and switches to the user with a numeric `USER` just
/// before `CMD`, so the container runs non-root even where the user name cannot be resolved.
///
/// ```
/// use dockwright::recipe::PythonApp;
/// use dockwright::{Base, Image};
///
/// let mut image = Image::new();
/// PythonApp::new(Base::python("3.12").slim())
///     .copy(["app.py"], "./")
///     .copy(["templates/"], "./templates/")
///     .port(5000)
///     .health_path("/health")
///     .cmd(["python", "app.py"])
///     .add_to(&mut image);
/// assert_eq!(
///     image.emit().unwrap(),
///     r#"FROM python:3.12-slim AS builder
/// RUN python3 -m venv /opt/venv
/// WORKDIR /build
/// COPY ["requirements.txt", "./"]
/// COPY ["vendor/wheels", "./wheels/"]
/// RUN --network=none /opt/venv/bin/pip install --no-cache-dir --no-index --find-links=/build/wheels -r requirements.txt
///
/// FROM python:3.12-slim AS runtime
/// RUN groupadd --system --gid 10001 app \
///  && useradd --system --no-log-init --uid 10001 --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app
/// COPY --from=builder ["/opt/venv", "/opt/venv"]
/// ENV PATH=/opt/venv/bin:${PATH} \
///     PYTHONDONTWRITEBYTECODE=1 \
///     PYTHONUNBUFFERED=1
/// WORKDIR /app
/// COPY --chown=10001:10001 ["app.py", "./"]
/// COPY --chown=10001:10001 ["templates/", "./templates/"]
/// EXPOSE 5000
/// HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["python3", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:5000/health', timeout=4).status < 400 else 1)"]
/// USER 10001:10001
/// CMD ["python", "app.py"]
/// "#
/// );
/// ```
#[must_use]
pub struct PythonApp<'a> {
    base: Base,
    runtime_base: Option<Base>,
    prefix: Option<String>,
    requirements: String,
    wheels: String,
    online: bool,
    build_packages: Vec<String>,
    runtime_packages: Vec<String>,
    venv: String,
    workdir: String,
    copies: Vec<(Vec<String>, String)>,
    user: (String, u32),
    port: Option<u16>,
    health_path: Option<String>,
    env: Vec<(String, Result<Value, Error>)>,
    cmd: Option<Result<Command, Error>>,
    steps: Vec<Box<dyn FnOnce(Stage) -> Stage + 'a>>,
}

/// The stages a [`PythonApp`] added: use the runtime as the build target, or build more stages on it.
///
/// ```
/// use dockwright::recipe::PythonApp;
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// let app = PythonApp::new(Base::python("3.12").slim()).add_to(&mut image);
/// image.stage(Stage::new("test", &app.runtime).copy(["tests"], "./tests/").cmd(["python", "-m", "unittest"]));
/// assert_eq!(app.builder.name(), "builder");
/// assert!(image.emit().unwrap().contains("FROM runtime AS test\n"));
/// ```
#[derive(Debug, Clone)]
pub struct PythonStages {
    /// The stage that made the virtual environment.
    pub builder: StageHandle,
    /// The stage that runs the application.
    pub runtime: StageHandle,
}

impl<'a> PythonApp<'a> {
    /// A Python app built on `base`, which is also the runtime base unless [`PythonApp::runtime_base`]
    /// is set: an official `python` image (`Base::python("3.12").slim()`, `.alpine()`) or
    /// `Base::ubi9_python("3.11")`.
    ///
    /// ```
    /// use dockwright::recipe::PythonApp;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// PythonApp::new(Base::ubi9_python("3.11")).add_to(&mut image);
    /// let dockerfile = image.emit().unwrap();
    /// // Red Hat's python images run as uid 1001: the recipe installs as root, runs as its own user.
    /// assert!(dockerfile.starts_with(
    ///     "FROM registry.access.redhat.com/ubi9/python-311:latest AS builder\nUSER 0\nRUN python3 -m venv /opt/venv\n"
    /// ));
    /// assert!(dockerfile.ends_with("USER 10001:10001\n"));
    /// ```
    pub fn new(base: impl Into<Base>) -> Self {
        PythonApp {
            base: base.into(),
            runtime_base: None,
            prefix: None,
            requirements: "requirements.txt".to_string(),
            wheels: "vendor/wheels".to_string(),
            online: false,
            build_packages: Vec::new(),
            runtime_packages: Vec::new(),
            venv: DEFAULT_VENV.to_string(),
            workdir: "/app".to_string(),
            copies: Vec::new(),
            user: ("app".to_string(), 10001),
            port: None,
            health_path: None,
            env: Vec::new(),
            cmd: None,
            steps: Vec::new(),
        }
    }

    /// Names the stages `{prefix}-builder` and `{prefix}` (default `builder` and `runtime`): needed
    /// when an image holds two Python apps.
    ///
    /// ```
    /// use dockwright::recipe::PythonApp;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// PythonApp::new(Base::python("3.12").slim()).name("api").add_to(&mut image);
    /// let dockerfile = image.emit().unwrap();
    /// assert!(dockerfile.contains("FROM python:3.12-slim AS api-builder\n"));
    /// assert!(dockerfile.contains("FROM python:3.12-slim AS api\n"));
    /// assert!(dockerfile.contains("COPY --from=api-builder [\"/opt/venv\", \"/opt/venv\"]\n"));
    /// ```
    pub fn name(mut self, prefix: &str) -> Self {
        self.prefix = Some(prefix.to_string());
        self
    }

    /// The runtime stage's base, when it differs from the builder's: e.g. build on the full
    /// `python:3.12` (compilers included) and run on `python:3.12-slim`. It must have the same Python
    /// at the same path (see the module docs).
    ///
    /// ```
    /// use dockwright::recipe::PythonApp;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// PythonApp::new(Base::python("3.12")).runtime_base(Base::python("3.12").slim()).add_to(&mut image);
    /// let dockerfile = image.emit().unwrap();
    /// assert!(dockerfile.starts_with("FROM python:3.12 AS builder\n"));
    /// assert!(dockerfile.contains("\nFROM python:3.12-slim AS runtime\n"));
    ///
    /// // A venv made with Python 3.12 does not run on 3.11.
    /// let mut image = Image::new();
    /// PythonApp::new(Base::python("3.12")).runtime_base(Base::python("3.11").slim()).add_to(&mut image);
    /// assert!(image.validate().unwrap_err().to_string().starts_with(
    ///     "stage 'runtime': the venv was made with python:3.12 (debian) but runs on python:3.11-slim (debian)"
    /// ));
    /// ```
    pub fn runtime_base(mut self, base: impl Into<Base>) -> Self {
        self.runtime_base = Some(base.into());
        self
    }

    /// The requirements file, a path in the build context (default `requirements.txt`). Only this
    /// file is copied before the install; files it includes with `-r`/`-c` are not.
    ///
    /// ```
    /// use dockwright::recipe::PythonApp;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// PythonApp::new(Base::python("3.12").slim()).requirements("backend/requirements/prod.txt").add_to(&mut image);
    /// let dockerfile = image.emit().unwrap();
    /// assert!(dockerfile.contains("COPY [\"backend/requirements/prod.txt\", \"./\"]\n"));
    /// assert!(dockerfile.contains("--find-links=/build/wheels -r prod.txt\n"));
    /// ```
    pub fn requirements(mut self, path: &str) -> Self {
        self.requirements = path.to_string();
        self
    }

    /// The directory in the build context holding the wheels, downloaded on the host with
    /// `pip download -d <dir> -r requirements.txt` (default `vendor/wheels`).
    ///
    /// ```
    /// use dockwright::recipe::PythonApp;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// PythonApp::new(Base::python("3.12").slim()).wheels("vendor/python-deps").add_to(&mut image);
    /// assert!(image.emit().unwrap().contains("COPY [\"vendor/python-deps\", \"./wheels/\"]\n"));
    /// ```
    pub fn wheels(mut self, dir: &str) -> Self {
        self.wheels = dir.to_string();
        self
    }

    /// Installs from the package index at build time instead of from vendored wheels (no wheels are
    /// copied, and the install has network access).
    ///
    /// ```
    /// use dockwright::recipe::PythonApp;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// PythonApp::new(Base::python("3.12").slim()).online().add_to(&mut image);
    /// let dockerfile = image.emit().unwrap();
    /// assert!(dockerfile.contains(
    ///     "COPY [\"requirements.txt\", \"./\"]\nRUN /opt/venv/bin/pip install --no-cache-dir -r requirements.txt\n"
    /// ));
    /// assert!(!dockerfile.contains("wheels"));
    /// ```
    pub fn online(mut self) -> Self {
        self.online = true;
        self
    }

    /// OS packages installed in the builder only, before the venv is made: compilers and headers for
    /// packages without a wheel for the platform. Repeatable.
    ///
    /// ```
    /// use dockwright::recipe::PythonApp;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// PythonApp::new(Base::python("3.12").slim()).build_packages(["gcc", "g++"]).add_to(&mut image);
    /// assert!(image.emit().unwrap().starts_with(
    ///     "FROM python:3.12-slim AS builder\n\
    ///      RUN apt-get update \\\n \
    ///      && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gcc g++ \\\n \
    ///      && rm -rf /var/lib/apt/lists/*\n\
    ///      RUN python3 -m venv /opt/venv\n"
    /// ));
    /// ```
    pub fn build_packages<I, S>(mut self, packages: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.build_packages.extend(packages.into_iter().map(|p| p.as_ref().to_string()));
        self
    }

    /// OS packages installed in the runtime (shared libraries, tools), first thing in the stage.
    /// Repeatable. A probe tool installed here (curl, wget) is used by the healthcheck.
    ///
    /// ```
    /// use dockwright::recipe::PythonApp;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// PythonApp::new(Base::python("3.12").slim())
    ///     .runtime_packages(["libpq5", "curl"])
    ///     .port(8000)
    ///     .health_path("/health")
    ///     .add_to(&mut image);
    /// let dockerfile = image.emit().unwrap();
    /// assert!(dockerfile.contains(
    ///     "FROM python:3.12-slim AS runtime\n\
    ///      RUN apt-get update \\\n \
    ///      && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libpq5 curl \\\n \
    ///      && rm -rf /var/lib/apt/lists/*\n"
    /// ));
    /// assert!(dockerfile.contains("CMD [\"curl\", \"-fsS\", \"-o\", \"/dev/null\", \"http://127.0.0.1:8000/health\"]\n"));
    /// ```
    pub fn runtime_packages<I, S>(mut self, packages: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.runtime_packages.extend(packages.into_iter().map(|p| p.as_ref().to_string()));
        self
    }

    /// Where the virtual environment lives, in both stages (default `/opt/venv`): an absolute path of
    /// plain characters, since it is written into shell commands.
    ///
    /// ```
    /// use dockwright::recipe::PythonApp;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// PythonApp::new(Base::python("3.12").slim()).venv("/venv").add_to(&mut image);
    /// let dockerfile = image.emit().unwrap();
    /// assert!(dockerfile.contains("RUN python3 -m venv /venv\n"));
    /// assert!(dockerfile.contains("ENV PATH=/venv/bin:${PATH} \\\n"));
    ///
    /// let mut image = Image::new();
    /// PythonApp::new(Base::python("3.12").slim()).venv("venv; rm -rf /").add_to(&mut image);
    /// assert!(image.validate().unwrap_err().to_string().starts_with("stage 'builder': venv \"venv; rm -rf /\""));
    /// ```
    pub fn venv(mut self, path: &str) -> Self {
        self.venv = path.to_string();
        self
    }

    /// The runtime's working directory, where [`PythonApp::copy`] destinations like `./` land
    /// (default `/app`).
    ///
    /// ```
    /// use dockwright::recipe::PythonApp;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// PythonApp::new(Base::python("3.12").slim()).workdir("/srv/app").add_to(&mut image);
    /// assert!(image.emit().unwrap().contains("\nWORKDIR /srv/app\n"));
    /// ```
    pub fn workdir(mut self, path: &str) -> Self {
        self.workdir = path.to_string();
        self
    }

    /// Copies application `sources` (paths in the build context) to `dest` in the runtime, owned by the
    /// app's user. Repeatable; several sources need a `dest` ending in `/`.
    ///
    /// ```
    /// use dockwright::recipe::PythonApp;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// PythonApp::new(Base::python("3.11").slim())
    ///     .copy(["src/"], "./src/")
    ///     .copy(["alembic/"], "./alembic/")
    ///     .copy(["alembic.ini"], "./")
    ///     .add_to(&mut image);
    /// assert!(image.emit().unwrap().contains(
    ///     "COPY --chown=10001:10001 [\"src/\", \"./src/\"]\n\
    ///      COPY --chown=10001:10001 [\"alembic/\", \"./alembic/\"]\n\
    ///      COPY --chown=10001:10001 [\"alembic.ini\", \"./\"]\n"
    /// ));
    /// ```
    pub fn copy<I, S>(mut self, sources: I, dest: &str) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.copies.push((sources.into_iter().map(Into::into).collect(), dest.to_string()));
        self
    }

    /// The non-root user the app runs as (default `app`, uid and gid 10001).
    ///
    /// ```
    /// use dockwright::recipe::PythonApp;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// PythonApp::new(Base::python("3.12").alpine()).user("web", 1000).copy(["app.py"], "./").add_to(&mut image);
    /// let dockerfile = image.emit().unwrap();
    /// assert!(dockerfile.contains("RUN addgroup -S -g 1000 web \\\n && adduser -S -D -u 1000 -G web -h /home/web -s /sbin/nologin web\n"));
    /// assert!(dockerfile.contains("COPY --chown=1000:1000 [\"app.py\", \"./\"]\n"));
    /// assert!(dockerfile.ends_with("USER 1000:1000\n"));
    /// ```
    pub fn user(mut self, name: &str, uid: u32) -> Self {
        self.user = (name.to_string(), uid);
        self
    }

    /// The port the app listens on: `EXPOSE`, and the healthcheck's port.
    ///
    /// ```
    /// use dockwright::recipe::PythonApp;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// PythonApp::new(Base::python("3.12").slim()).port(8000).add_to(&mut image);
    /// assert!(image.emit().unwrap().ends_with("EXPOSE 8000\nUSER 10001:10001\n"));
    /// ```
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// A `HEALTHCHECK` that GETs `http://127.0.0.1:<port><path>` with a probe the runtime has (on
    /// `python:*-slim`, which has neither curl nor wget, python3 itself). Needs [`PythonApp::port`];
    /// when it cannot be done, [`Image::validate`] says why.
    ///
    /// ```
    /// use dockwright::recipe::PythonApp;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// PythonApp::new(Base::python("3.12").alpine()).port(8000).health_path("/healthz").add_to(&mut image);
    /// assert!(image.emit().unwrap().contains(
    ///     "HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    ///      CMD [\"wget\", \"-q\", \"-O\", \"/dev/null\", \"http://127.0.0.1:8000/healthz\"]\n"
    /// ));
    ///
    /// let mut image = Image::new();
    /// PythonApp::new(Base::python("3.12").slim()).health_path("/health").add_to(&mut image);
    /// assert_eq!(
    ///     image.validate().unwrap_err().to_string(),
    ///     "stage 'runtime': health_path \"/health\" needs the port the app listens on: add .port(..)"
    /// );
    /// ```
    pub fn health_path(mut self, path: &str) -> Self {
        self.health_path = Some(path.to_string());
        self
    }

    /// An environment variable of the runtime. Repeatable; text is literal, a [`Value`] from
    /// [`Value::template`] may refer to variables.
    ///
    /// ```
    /// use dockwright::recipe::PythonApp;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// PythonApp::new(Base::python("3.12").slim())
    ///     .env("UVICORN_HOST", "0.0.0.0")
    ///     .env("UVICORN_PORT", "8000")
    ///     .add_to(&mut image);
    /// assert!(image.emit().unwrap().contains("ENV UVICORN_HOST=0.0.0.0 \\\n    UVICORN_PORT=8000\n"));
    /// ```
    pub fn env(mut self, key: &str, value: impl IntoValue) -> Self {
        self.env.push((key.to_string(), value.into_value()));
        self
    }

    /// The runtime's `CMD`: an array is exec form (preferred: signals reach the app), text is shell
    /// form.
    ///
    /// ```
    /// use dockwright::recipe::PythonApp;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// PythonApp::new(Base::python("3.11").slim())
    ///     .cmd(["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"])
    ///     .add_to(&mut image);
    /// assert!(image.emit().unwrap().ends_with(
    ///     "USER 10001:10001\nCMD [\"uvicorn\", \"main:app\", \"--host\", \"0.0.0.0\", \"--port\", \"8000\"]\n"
    /// ));
    /// ```
    pub fn cmd(mut self, command: impl IntoCommand) -> Self {
        self.cmd = Some(command.into_command());
        self
    }

    /// Extra runtime steps, applied after the sources are copied and before `EXPOSE`, `HEALTHCHECK`,
    /// `USER` and `CMD`: they run as root. Repeatable, applied in order. The closure may borrow (e.g. a
    /// handle of another stage).
    ///
    /// ```
    /// use dockwright::recipe::PythonApp;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// let assets = image.stage(Stage::new("assets", Base::alpine("3.19")).run("mkdir /dist"));
    /// PythonApp::new(Base::python("3.12").slim())
    ///     .runtime(|stage| stage.copy_from(&assets, ["/dist"], "/app/static/"))
    ///     .runtime(|stage| stage.run("mkdir -p /app/data && chown 10001:10001 /app/data").volume("/app/data"))
    ///     .cmd(["python", "app.py"])
    ///     .add_to(&mut image);
    /// assert!(image.emit().unwrap().ends_with(
    ///     "COPY --from=assets [\"/dist\", \"/app/static/\"]\n\
    ///      RUN mkdir -p /app/data && chown 10001:10001 /app/data\n\
    ///      VOLUME [\"/app/data\"]\n\
    ///      USER 10001:10001\n\
    ///      CMD [\"python\", \"app.py\"]\n"
    /// ));
    /// ```
    pub fn runtime(mut self, f: impl FnOnce(Stage) -> Stage + 'a) -> Self {
        self.steps.push(Box::new(f));
        self
    }

    /// Adds the builder and the runtime stages to `image`, in that order.
    ///
    /// ```
    /// use dockwright::recipe::PythonApp;
    /// use dockwright::{Base, Image};
    ///
    /// let mut image = Image::new();
    /// let stages = PythonApp::new(Base::python("3.12").slim()).add_to(&mut image);
    /// assert_eq!((stages.builder.name(), stages.runtime.name()), ("builder", "runtime"));
    /// assert!(image.emit().unwrap().contains("\n\nFROM python:3.12-slim AS runtime\n"));
    /// ```
    pub fn add_to(self, image: &mut Image) -> PythonStages {
        let (builder_name, runtime_name) = match &self.prefix {
            Some(prefix) => (format!("{prefix}-builder"), prefix.clone()),
            None => ("builder".to_string(), "runtime".to_string()),
        };
        let mut problems = Vec::new();
        let venv = if self.venv.starts_with('/') {
            checked(&mut problems, "venv", &self.venv, DEFAULT_VENV)
        } else {
            problems.push(Error::new(
                ErrorKind::InvalidText,
                format!("venv {:?} must be an absolute path, like '/opt/venv'", self.venv),
            ));
            DEFAULT_VENV.to_string()
        };
        let builder = self.builder(&builder_name, &venv, &mut problems);
        let builder = image.stage(with_problems(builder, problems));
        let runtime = image.stage(self.runtime_stage(&runtime_name, &builder, &venv));
        PythonStages { builder, runtime }
    }

    /// Build packages, the venv, the requirements file and the wheels, then the install: as root (Red
    /// Hat's python images run as uid 1001; the stage switches back to it at the end).
    fn builder(&self, name: &str, venv: &str, problems: &mut Vec<Error>) -> Stage {
        let file_name = self.requirements.rsplit('/').next().unwrap_or_default();
        let requirements = checked(problems, "requirements file name", file_name, "requirements.txt");
        Stage::new(name, self.base.clone()).as_root(|mut stage| {
            if !self.build_packages.is_empty() {
                stage = stage.install(&self.build_packages);
            }
            stage = stage
                .run(format!("python3 -m venv {venv}"))
                .workdir(BUILD_DIR)
                .copy([self.requirements.as_str()], "./");
            let pip = format!("{venv}/bin/pip install --no-cache-dir");
            if self.online {
                return stage.run(format!("{pip} -r {requirements}"));
            }
            let install = format!("{pip} --no-index --find-links={BUILD_DIR}/wheels -r {requirements}");
            stage.copy([self.wheels.as_str()], "./wheels/").run(Run::sh(install).network_none())
        })
    }

    /// Runtime packages and the user, the venv, the sources, then the app's settings (all as root),
    /// with the numeric `USER` just before `CMD`.
    fn runtime_stage(self, name: &str, builder: &StageHandle, venv: &str) -> Stage {
        let base = self.runtime_base.unwrap_or_else(|| self.base.clone());
        let (user, uid) = (&self.user.0, self.user.1);
        let owner = format!("{uid}:{uid}");
        let mut stage = Stage::new(name, base.clone());
        if let Some(err) = mismatch(&self.base, &base) {
            stage = stage.problem(err);
        }
        let (runtime_packages, copies, env, steps) = (self.runtime_packages, self.copies, self.env, self.steps);
        let (workdir, port, health_path) = (self.workdir, self.port, self.health_path);
        stage = stage.as_root(|mut stage| {
            if !runtime_packages.is_empty() {
                stage = stage.install(&runtime_packages);
            }
            stage = create_user(stage, user, uid)
                .copy_from(builder, [venv], venv)
                .env("PATH", Value::template(&format!("{venv}/bin:${{PATH}}")))
                .env("PYTHONDONTWRITEBYTECODE", "1")
                .env("PYTHONUNBUFFERED", "1")
                .workdir(workdir.as_str());
            for (sources, dest) in copies {
                stage = stage.copy_with(Copy::new(sources, &dest).chown(&owner));
            }
            for (key, value) in env {
                stage = stage.env(&key, value);
            }
            for step in steps {
                stage = step(stage);
            }
            if let Some(port) = port {
                stage = stage.expose(port);
            }
            if let Some(path) = &health_path {
                stage = healthcheck(stage, port, path);
            }
            stage
        });
        stage = stage.user(&owner);
        match self.cmd {
            Some(Ok(command)) => stage.cmd(command),
            Some(Err(err)) => stage.problem(err.at("CMD")),
            None => stage,
        }
    }
}

impl fmt::Debug for PythonApp<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PythonApp")
            .field("base", &self.base)
            .field("runtime_base", &self.runtime_base)
            .field("prefix", &self.prefix)
            .field("requirements", &self.requirements)
            .field("wheels", &self.wheels)
            .field("online", &self.online)
            .field("build_packages", &self.build_packages)
            .field("runtime_packages", &self.runtime_packages)
            .field("venv", &self.venv)
            .field("workdir", &self.workdir)
            .field("copies", &self.copies)
            .field("user", &self.user)
            .field("port", &self.port)
            .field("health_path", &self.health_path)
            .field("env", &self.env)
            .field("cmd", &self.cmd)
            .field("runtime_steps", &self.steps.len())
            .finish()
    }
}

/// Why a venv made on `builder` cannot run on `runtime`, when that is certain: a different C library,
/// or a different version of the official `python` image.
fn mismatch(builder: &Base, runtime: &Base) -> Option<Error> {
    let problem = |why: &str| {
        Error::new(
            ErrorKind::Unsupported,
            format!(
                "the venv was made with {} but runs on {}: {why}; use the same Python image, or another variant of \
                 the same version",
                builder.describe(),
                runtime.describe()
            ),
        )
    };
    match (Libc::of(builder), Libc::of(runtime)) {
        (Some(a), Some(b)) if a != b => {
            return Some(problem(&format!("its compiled packages need {}, the runtime has {}", a.name(), b.name())));
        }
        _ => {}
    }
    let version = |base: &Base| {
        let image = base.reference().ok()?;
        let official = image.repository() == "python" || image.repository().ends_with("/python");
        let tag = image.tag()?;
        official.then(|| tag.split('-').next().unwrap_or(tag).to_string())
    };
    match (version(builder), version(runtime)) {
        (Some(a), Some(b)) if a != b => Some(problem(&format!("Python {a} and {b} differ"))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::Tool;

    fn emit(app: PythonApp<'_>) -> String {
        let mut image = Image::new();
        app.add_to(&mut image);
        image.emit().unwrap()
    }

    fn errors(app: PythonApp<'_>) -> String {
        let mut image = Image::new();
        app.add_to(&mut image);
        image.validate().unwrap_err().to_string()
    }

    fn slim() -> PythonApp<'static> {
        PythonApp::new(Base::python("3.12").slim())
    }

    #[test]
    fn defaults() {
        assert_eq!(
            emit(slim()),
            "FROM python:3.12-slim AS builder\n\
             RUN python3 -m venv /opt/venv\n\
             WORKDIR /build\n\
             COPY [\"requirements.txt\", \"./\"]\n\
             COPY [\"vendor/wheels\", \"./wheels/\"]\n\
             RUN --network=none /opt/venv/bin/pip install --no-cache-dir --no-index --find-links=/build/wheels -r requirements.txt\n\
             \n\
             FROM python:3.12-slim AS runtime\n\
             RUN groupadd --system --gid 10001 app \\\n \
             && useradd --system --no-log-init --uid 10001 --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app\n\
             COPY --from=builder [\"/opt/venv\", \"/opt/venv\"]\n\
             ENV PATH=/opt/venv/bin:${PATH} \\\n    \
             PYTHONDONTWRITEBYTECODE=1 \\\n    \
             PYTHONUNBUFFERED=1\n\
             WORKDIR /app\n\
             USER 10001:10001\n"
        );
    }

    #[test]
    fn dependency_files_come_before_sources_and_user_is_last_but_cmd() {
        let text = emit(
            slim()
                .copy(["app.py"], "./")
                .build_packages(["gcc"])
                .runtime_packages(["libpq5"])
                .env("MODE", "prod")
                .port(5000)
                .health_path("/health")
                .runtime(|s| s.label("a", "b"))
                .cmd(["python", "app.py"]),
        );
        let at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("{needle:?} missing in\n{text}"));
        // builder: packages, venv, requirements, wheels, install
        assert!(at("gcc") < at("python3 -m venv"));
        assert!(at("python3 -m venv") < at("COPY [\"requirements.txt\""));
        assert!(at("COPY [\"requirements.txt\"") < at("COPY [\"vendor/wheels\""));
        assert!(at("COPY [\"vendor/wheels\"") < at("pip install"));
        assert!(!text[..at("pip install")].contains("app.py"), "sources must not be copied into the builder");
        // runtime: packages, user, venv, env, workdir, sources, env, steps, expose, health, user, cmd
        let order = [
            "libpq5",
            "useradd",
            "COPY --from=builder",
            "ENV PATH",
            "WORKDIR /app",
            "COPY --chown=10001:10001 [\"app.py\"",
            "ENV MODE=prod",
            "LABEL a=b",
            "EXPOSE 5000",
            "HEALTHCHECK",
            "USER 10001:10001",
            "CMD [\"python\", \"app.py\"]",
        ];
        for pair in order.windows(2) {
            assert!(at(pair[0]) < at(pair[1]), "{:?} before {:?} in\n{text}", pair[0], pair[1]);
        }
        assert!(text.ends_with("USER 10001:10001\nCMD [\"python\", \"app.py\"]\n"));
        assert_eq!(text.matches("USER ").count(), 1, "one USER, at the end:\n{text}");
    }

    #[test]
    fn online_installs_from_the_index() {
        let text = emit(slim().online().wheels("ignored"));
        assert!(text.contains("RUN /opt/venv/bin/pip install --no-cache-dir -r requirements.txt\n"));
        assert!(!text.contains("--no-index"));
        assert!(!text.contains("--network=none"));
        assert!(!text.contains("ignored"));
    }

    #[test]
    fn wheels_install_has_no_index_and_no_network() {
        let text = emit(slim().wheels("vendor/python-deps"));
        assert!(text.contains("COPY [\"vendor/python-deps\", \"./wheels/\"]\n"));
        assert!(text.contains(
            "RUN --network=none /opt/venv/bin/pip install --no-cache-dir --no-index --find-links=/build/wheels -r requirements.txt\n"
        ));
    }

    #[test]
    fn healthcheck_on_slim_uses_python3_not_curl() {
        let text = emit(slim().port(5000).health_path("/health"));
        let health = text.lines().find(|l| l.starts_with("HEALTHCHECK")).unwrap();
        assert!(health.contains("CMD [\"python3\", \"-c\""), "{health}");
        assert!(health.contains("http://127.0.0.1:5000/health"), "{health}");
        assert!(!health.contains("curl") && !health.contains("wget"), "{health}");
    }

    #[test]
    fn healthcheck_without_a_probe_is_reported_by_validate() {
        let app = PythonApp::new(Base::python("3.12").slim())
            .runtime_base(Base::image("registry.corp/py:3.12", crate::OsFamily::Debian))
            .port(5000)
            .health_path("/health");
        assert_eq!(
            errors(app),
            "stage 'runtime': cannot probe http://127.0.0.1:5000/health: registry.corp/py:3.12 (debian) has no curl, \
             wget, python3 or node; install one first, e.g. .install([\"curl\"]), or use Stage::healthcheck with \
             your own command"
        );
        // Declaring the tool on the base fixes it.
        let app = PythonApp::new(Base::python("3.12").slim())
            .runtime_base(Base::image("registry.corp/py:3.12", crate::OsFamily::Debian).with_tool(Tool::Python))
            .port(5000)
            .health_path("/health");
        assert!(emit(app).contains("HEALTHCHECK"));
    }

    #[test]
    fn names_options_and_runtime_base() {
        let text = emit(
            PythonApp::new(Base::python("3.11"))
                .runtime_base(Base::python("3.11").slim_bookworm())
                .name("api")
                .requirements("backend/requirements.txt")
                .venv("/venv")
                .workdir("/srv")
                .user("svc", 2000)
                .copy(["backend/src/"], "./src/"),
        );
        assert!(text.starts_with("FROM python:3.11 AS api-builder\n"));
        assert!(text.contains("\nFROM python:3.11-slim-bookworm AS api\n"));
        assert!(text.contains("COPY [\"backend/requirements.txt\", \"./\"]\n"));
        assert!(text.contains("RUN python3 -m venv /venv\n"));
        assert!(text.contains("/venv/bin/pip install"));
        assert!(text.contains("COPY --from=api-builder [\"/venv\", \"/venv\"]\n"));
        assert!(text.contains("ENV PATH=/venv/bin:${PATH} \\\n"));
        assert!(text.contains("WORKDIR /srv\n"));
        assert!(text.contains("--uid 2000 --gid svc"));
        assert!(text.contains("COPY --chown=2000:2000 [\"backend/src/\", \"./src/\"]\n"));
        assert!(text.ends_with("USER 2000:2000\n"));
    }

    #[test]
    fn env_values_are_escaped_and_templates_allowed() {
        let text = emit(slim().env("GREETING", "hi $USER").env("DATA", Value::template("${HOME}/data")));
        assert!(text.contains("ENV GREETING=\"hi \\$USER\" \\\n    DATA=${HOME}/data\n"), "{text}");
    }

    #[test]
    fn alpine_builder_and_debian_runtime_is_reported() {
        let app = PythonApp::new(Base::python("3.12").alpine()).runtime_base(Base::python("3.12").slim());
        assert_eq!(
            errors(app),
            "stage 'runtime': the venv was made with python:3.12-alpine (alpine) but runs on python:3.12-slim (debian): \
             its compiled packages need musl, the runtime has glibc; use the same Python image, or another variant of \
             the same version"
        );
    }

    #[test]
    fn same_version_in_another_variant_is_fine() {
        let app = PythonApp::new(Base::python("3.12").bookworm()).runtime_base(Base::python("3.12").slim_bookworm());
        assert!(emit(app).contains("FROM python:3.12-slim-bookworm AS runtime\n"));
    }

    #[test]
    fn bad_inputs_are_reported_once_each() {
        let app = slim().venv("opt/venv").requirements("reqs/$(id).txt").user("Bad Name", 0).cmd("serve\0");
        let err = errors(app);
        assert!(err.starts_with("4 problems:"), "{err}");
        assert!(err.contains("stage 'builder': venv \"opt/venv\" must be an absolute path"), "{err}");
        assert!(
            err.contains("stage 'builder': requirements file name \"$(id).txt\" cannot go into a shell command"),
            "{err}"
        );
        assert!(err.contains("stage 'runtime', user: invalid user name \"Bad Name\""), "{err}");
        assert!(err.contains("stage 'runtime', CMD:"), "{err}");
    }

    #[test]
    fn ubi_python_switches_to_root_and_back() {
        // The image runs as uid 1001: the builder works as root and hands back uid 1001 (a stage built
        // on it, or a `--target builder` run, gets the image's own user); the runtime ends as the app's.
        let text = emit(PythonApp::new(Base::ubi9_python("3.11")).runtime_packages(["libpq"]).cmd(["app"]));
        assert_eq!(
            text,
            "FROM registry.access.redhat.com/ubi9/python-311:latest AS builder\n\
             USER 0\n\
             RUN python3 -m venv /opt/venv\n\
             WORKDIR /build\n\
             COPY [\"requirements.txt\", \"./\"]\n\
             COPY [\"vendor/wheels\", \"./wheels/\"]\n\
             RUN --network=none /opt/venv/bin/pip install --no-cache-dir --no-index --find-links=/build/wheels -r requirements.txt\n\
             USER 1001\n\
             \n\
             FROM registry.access.redhat.com/ubi9/python-311:latest AS runtime\n\
             USER 0\n\
             RUN dnf install -y --nodocs --setopt=install_weak_deps=False libpq \\\n \
             && dnf clean all\n\
             RUN groupadd -r -g 10001 app \\\n \
             && useradd -r -l -u 10001 -g app -m -d /home/app -s /sbin/nologin app\n\
             COPY --from=builder [\"/opt/venv\", \"/opt/venv\"]\n\
             ENV PATH=/opt/venv/bin:${PATH} \\\n    \
             PYTHONDONTWRITEBYTECODE=1 \\\n    \
             PYTHONUNBUFFERED=1\n\
             WORKDIR /app\n\
             USER 10001:10001\n\
             CMD [\"app\"]\n"
        );
    }

    #[test]
    fn distroless_runtime_gets_only_a_numeric_user() {
        let app = PythonApp::new(Base::python("3.11").slim()).runtime_base(Base::distroless_python());
        let text = emit(app.cmd(["app.py"]));
        let runtime = &text[text.find("AS runtime").unwrap()..];
        assert!(!runtime.contains("RUN"), "{runtime}");
        assert!(runtime.ends_with("USER 10001:10001\nCMD [\"app.py\"]\n"));
    }
}
