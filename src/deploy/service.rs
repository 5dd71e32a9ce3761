//! One service of a [`Project`](super::Project): where its image comes from and how it runs.

use crate::dsl::{Health, Image};
use crate::model::Dockerfile;

/// How a service restarts (`restart:`).
///
/// ```
/// use dockwright::deploy::Restart;
///
/// assert_eq!(Restart::UnlessStopped.as_str(), "unless-stopped");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Restart {
    /// Never restart (compose's default).
    No,
    /// Always, also after the engine restarts.
    Always,
    /// When the process exits non-zero.
    OnFailure,
    /// Always, unless it was stopped by hand.
    UnlessStopped,
}

impl Restart {
    /// The compose spelling.
    ///
    /// ```
    /// use dockwright::deploy::Restart;
    ///
    /// assert_eq!(Restart::OnFailure.as_str(), "on-failure");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Restart::No => "no",
            Restart::Always => "always",
            Restart::OnFailure => "on-failure",
            Restart::UnlessStopped => "unless-stopped",
        }
    }
}

/// What a dependency waits for (`depends_on: {name: {condition: ...}}`).
///
/// ```
/// use dockwright::deploy::Condition;
///
/// assert_eq!(Condition::Healthy.as_str(), "service_healthy");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Condition {
    /// The container has started.
    Started,
    /// Its healthcheck reports healthy (it must have one).
    Healthy,
    /// It ran to completion with exit code 0 (a one-shot job).
    CompletedSuccessfully,
}

impl Condition {
    /// The compose spelling.
    ///
    /// ```
    /// use dockwright::deploy::Condition;
    ///
    /// assert_eq!(Condition::CompletedSuccessfully.as_str(), "service_completed_successfully");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Condition::Started => "service_started",
            Condition::Healthy => "service_healthy",
            Condition::CompletedSuccessfully => "service_completed_successfully",
        }
    }
}

/// A mount: a named volume (kept by the engine across `down` and `up`) or a host directory.
///
/// ```
/// use dockwright::deploy::Mount;
///
/// let data = Mount::bind("./data", "/app/data").owned_by(10001);
/// assert_eq!(data.target(), "/app/data");
/// assert_eq!(Mount::volume("pgdata", "/var/lib/postgresql/data").read_only().target(), "/var/lib/postgresql/data");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Mount {
    pub(crate) kind: MountKind,
    pub(crate) source: String,
    pub(crate) target: String,
    pub(crate) read_only: bool,
    pub(crate) owner: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MountKind {
    Volume,
    Bind,
}

impl Mount {
    /// The named volume `name` (declared in the project's top-level `volumes:` for you) at `target`.
    ///
    /// ```
    /// use dockwright::deploy::Mount;
    ///
    /// assert_eq!(Mount::volume("cache", "/data").target(), "/data");
    /// ```
    pub fn volume(name: &str, target: &str) -> Self {
        Mount { kind: MountKind::Volume, source: name.into(), target: target.into(), read_only: false, owner: None }
    }

    /// The host directory `host` (relative to the compose file, `./data`, or absolute) at `target`.
    ///
    /// ```
    /// use dockwright::deploy::Mount;
    ///
    /// assert_eq!(Mount::bind("./logs", "/app/logs").target(), "/app/logs");
    /// ```
    pub fn bind(host: &str, target: &str) -> Self {
        Mount { kind: MountKind::Bind, source: host.into(), target: target.into(), read_only: false, owner: None }
    }

    /// Mounted read-only (`:ro`).
    ///
    /// ```
    /// use dockwright::deploy::Mount;
    ///
    /// assert_eq!(Mount::bind("./conf", "/etc/app").read_only(), Mount::bind("./conf", "/etc/app").read_only());
    /// ```
    pub fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// The uid that must own a bind-mounted host directory before the service starts, so a non-root
    /// service can write it (a directory the engine creates for a missing bind source belongs to
    /// root). [`Project::host_dirs`](super::Project::host_dirs) lists them for an installer.
    ///
    /// ```
    /// use dockwright::deploy::Mount;
    ///
    /// assert_ne!(Mount::bind("./data", "/app/data").owned_by(10001), Mount::bind("./data", "/app/data"));
    /// ```
    pub fn owned_by(mut self, uid: u32) -> Self {
        self.owner = Some(uid);
        self
    }

    /// Where it appears in the container.
    ///
    /// ```
    /// use dockwright::deploy::Mount;
    ///
    /// assert_eq!(Mount::volume("v", "/v").target(), "/v");
    /// ```
    pub fn target(&self) -> &str {
        &self.target
    }
}

/// Where a service's image comes from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// Built from a dockwright description.
    Build(Box<Build>),
    /// An existing image reference.
    Image(String),
}

#[derive(Debug, Clone)]
pub(crate) struct Build {
    pub(crate) recipe: Made,
    pub(crate) context: String,
    pub(crate) dockerfile: Option<String>,
    pub(crate) target: Option<String>,
    pub(crate) args: Vec<(String, String)>,
    pub(crate) tag: Option<String>,
}

/// What a built service's image is made from: a dockwright description, or an existing Dockerfile's
/// model (imported) with its ignore file's text.
#[derive(Debug, Clone)]
pub(crate) enum Made {
    Described(Image),
    Imported { dockerfile: Dockerfile, dockerignore: String },
}

impl Made {
    pub(crate) fn to_model(&self) -> Result<Dockerfile, crate::error::Errors> {
        match self {
            Made::Described(image) => image.to_model(),
            Made::Imported { dockerfile, .. } => Ok(dockerfile.clone()),
        }
    }

    pub(crate) fn recipe(&self) -> Recipe<'_> {
        match self {
            Made::Described(image) => Recipe::Image(image),
            Made::Imported { dockerfile, dockerignore } => Recipe::Dockerfile { dockerfile, dockerignore },
        }
    }
}

/// What a built service's image is made from, as [`Project::builds`](super::Project::builds) gives it.
///
/// ```
/// use dockwright::deploy::{Project, Recipe, Service};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")));
/// let project = Project::new("p").service(Service::build("app", &image, "."));
/// assert!(matches!(project.builds()[0].recipe, Recipe::Image(_)));
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Recipe<'a> {
    /// A dockwright image description ([`Service::build`]).
    Image(&'a Image),
    /// An existing Dockerfile's model and its ignore file's text ([`Service::build_dockerfile`]).
    Dockerfile {
        /// The Dockerfile, as imported.
        dockerfile: &'a Dockerfile,
        /// The `.dockerignore` text that applies to its context (empty: send the whole context).
        dockerignore: &'a str,
    },
}

/// An environment value: literal text or a reference to a documented project variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EnvValue {
    Literal(String),
    Var(String),
}

/// A published port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Publish {
    pub(crate) host_ip: Option<String>,
    pub(crate) host: u16,
    pub(crate) container: u16,
}

/// One service: built from a dockwright [`Image`] or run from an existing image reference, with its
/// ports, mounts, environment, restart and stop behaviour, profiles, networks and dependencies.
///
/// A built service's healthcheck, user, exposed ports, volumes and stop signal are its image's:
/// [`Project::validate`](super::Project::validate) reads them from the description, so the compose file
/// and the Dockerfile cannot disagree (a healthcheck can be overridden, as compose overrides an image's
/// `HEALTHCHECK`: [`healthcheck`](Self::healthcheck), [`no_healthcheck`](Self::no_healthcheck)).
/// Setters never fail; validation reports every problem at once.
///
/// ```
/// use dockwright::deploy::{Mount, Restart, Service};
/// use dockwright::{Base, Health, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")).expose(8000).user("10001").healthcheck(Health::new(["true"])));
/// let app = Service::build("app", &image, ".")
///     .publish(8000, 8000)
///     .mount(Mount::bind("./data", "/data").owned_by(10001))
///     .restart(Restart::UnlessStopped)
///     .stop_grace_period("20s");
/// assert_eq!(app.name(), "app");
/// let db = Service::image("db", "postgres:16").healthcheck(Health::new(["pg_isready"]));
/// assert_eq!(db.name(), "db");
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Service {
    pub(crate) name: String,
    pub(crate) source: Source,
    pub(crate) command: Option<Vec<String>>,
    pub(crate) ports: Vec<Publish>,
    pub(crate) mounts: Vec<Mount>,
    pub(crate) env_files: Vec<String>,
    pub(crate) environment: Vec<(String, EnvValue)>,
    pub(crate) secrets: Vec<String>,
    pub(crate) healthcheck: Option<HealthSetting>,
    pub(crate) stop_signal: Option<String>,
    pub(crate) stop_grace_period: Option<String>,
    pub(crate) restart: Option<Restart>,
    pub(crate) profiles: Vec<String>,
    pub(crate) networks: Vec<String>,
    pub(crate) depends_on: Vec<(String, Condition)>,
    /// Build options given to an image service (reported by validation).
    pub(crate) misplaced: Vec<&'static str>,
}

/// A service's own healthcheck: a probe, or the image's turned off.
#[derive(Debug, Clone)]
pub(crate) enum HealthSetting {
    /// `healthcheck:` with a test.
    Check(Health),
    /// `disable: true` or `test: ["NONE"]`.
    Disabled,
}

impl Service {
    fn new(name: &str, source: Source) -> Self {
        Service {
            name: name.into(),
            source,
            command: None,
            ports: Vec::new(),
            mounts: Vec::new(),
            env_files: Vec::new(),
            environment: Vec::new(),
            secrets: Vec::new(),
            healthcheck: None,
            stop_signal: None,
            stop_grace_period: None,
            restart: None,
            profiles: Vec::new(),
            networks: Vec::new(),
            depends_on: Vec::new(),
            misplaced: Vec::new(),
        }
    }

    /// A service built from `image` with `context` (relative to the compose file) as the build
    /// context; its Dockerfile is `Dockerfile` in the context unless [`dockerfile`](Self::dockerfile)
    /// says otherwise, and it builds the image's last stage unless [`target`](Self::target) names one.
    ///
    /// ```
    /// use dockwright::deploy::Service;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// assert_eq!(Service::build("web", &image, "./web").name(), "web");
    /// ```
    pub fn build(name: &str, image: &Image, context: &str) -> Self {
        Service::new(
            name,
            Source::Build(Box::new(Build {
                recipe: Made::Described(image.clone()),
                context: context.into(),
                dockerfile: None,
                target: None,
                args: Vec::new(),
                tag: None,
            })),
        )
    }

    /// A service built from an existing Dockerfile, as [`import`](crate::import) lowered it, with the
    /// text of the ignore file that applies to its context (`""` sends the whole context): what a
    /// compose file's `build:` holds. Its healthcheck, user, exposed ports, volumes and stop signal
    /// are read from the Dockerfile as from a description; [`dockerfile`](Self::dockerfile),
    /// [`target`](Self::target), [`build_arg`](Self::build_arg) and [`tag`](Self::tag) apply.
    ///
    /// ```
    /// use dockwright::deploy::{Project, Service};
    /// use dockwright::import::{lower, parse};
    ///
    /// let lowered = lower(&parse("FROM alpine:3.19 AS app\nUSER 10001\nHEALTHCHECK CMD [\"true\"]\n"));
    /// let project = Project::new("p").service(Service::build_dockerfile("app", &lowered.dockerfile, "target\n", "./app"));
    /// let compose = project.to_compose().unwrap();
    /// assert!(compose.contains("    build:\n      context: \"./app\"\n    image: \"p-app\"\n"));
    /// // The image's healthcheck and user reach the Quadlet unit (Podman's OCI images drop HEALTHCHECK).
    /// let (_, unit) = &project.to_quadlet().unwrap()[0];
    /// assert!(unit.contains("User=10001\nHealthCmd=[\"CMD\", \"true\"]\n"));
    /// ```
    pub fn build_dockerfile(name: &str, dockerfile: &Dockerfile, dockerignore: &str, context: &str) -> Self {
        Service::new(
            name,
            Source::Build(Box::new(Build {
                recipe: Made::Imported { dockerfile: dockerfile.clone(), dockerignore: dockerignore.into() },
                context: context.into(),
                dockerfile: None,
                target: None,
                args: Vec::new(),
                tag: None,
            })),
        )
    }

    /// A service that runs an existing image (`postgres:16-alpine`): what it has is declared on the
    /// service ([`healthcheck`](Self::healthcheck), [`stop_signal`](Self::stop_signal)).
    ///
    /// ```
    /// use dockwright::deploy::Service;
    ///
    /// assert_eq!(Service::image("cache", "redis:7-alpine").name(), "cache");
    /// ```
    pub fn image(name: &str, reference: &str) -> Self {
        Service::new(name, Source::Image(reference.into()))
    }

    /// The service's name (also its host name on the project's networks).
    ///
    /// ```
    /// use dockwright::deploy::Service;
    ///
    /// assert_eq!(Service::image("db", "postgres:16").name(), "db");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The image reference a built service is tagged with (default `<project>-<service>`, compose's
    /// own name for it), or the reference an image service runs. `None` for a built service with no
    /// tag of its own: [`Project::image_of`](super::Project::image_of) gives the full answer.
    ///
    /// ```
    /// use dockwright::deploy::Service;
    ///
    /// assert_eq!(Service::image("db", "postgres:16").reference(), Some("postgres:16"));
    /// ```
    pub fn reference(&self) -> Option<&str> {
        match &self.source {
            Source::Build(build) => build.tag.as_deref(),
            Source::Image(reference) => Some(reference),
        }
    }

    fn build_mut(mut self, what: &'static str, f: impl FnOnce(&mut Build)) -> Self {
        match &mut self.source {
            Source::Build(build) => f(build),
            Source::Image(_) => self.misplaced.push(what),
        }
        self
    }

    /// The Dockerfile's path relative to the build context (built services only).
    ///
    /// ```
    /// use dockwright::deploy::Service;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// let _ = Service::build("app", &image, "..").dockerfile("build/Dockerfile");
    /// ```
    pub fn dockerfile(self, path: &str) -> Self {
        self.build_mut("dockerfile", |build| build.dockerfile = Some(path.into()))
    }

    /// The stage to build (`--target`; built services only).
    ///
    /// ```
    /// use dockwright::deploy::Service;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("dev", Base::alpine("3.19")));
    /// image.stage(Stage::new("prod", Base::alpine("3.19")));
    /// let _ = Service::build("app", &image, ".").target("dev");
    /// ```
    pub fn target(self, stage: &str) -> Self {
        self.build_mut("target", |build| build.target = Some(stage.into()))
    }

    /// A `--build-arg` (built services only; it must be an ARG the image declares).
    ///
    /// ```
    /// use dockwright::deploy::Service;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new().arg("VERSION", Some("dev"));
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// let _ = Service::build("app", &image, ".").build_arg("VERSION", "1.2.0");
    /// ```
    pub fn build_arg(self, name: &str, value: &str) -> Self {
        self.build_mut("build_arg", |build| build.args.push((name.into(), value.into())))
    }

    /// The reference a built image is tagged with (`ghcr.io/trakrf/spec-editor:latest`).
    ///
    /// ```
    /// use dockwright::deploy::Service;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// assert_eq!(Service::build("app", &image, ".").tag("example/app:1").reference(), Some("example/app:1"));
    /// ```
    pub fn tag(self, reference: &str) -> Self {
        self.build_mut("tag", |build| build.tag = Some(reference.into()))
    }

    /// The command, replacing the image's `CMD` (exec form).
    ///
    /// ```
    /// use dockwright::deploy::Service;
    ///
    /// let _ = Service::image("cache", "redis:7").command(["redis-server", "--appendonly", "yes"]);
    /// ```
    pub fn command<I, S>(mut self, argv: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.command = Some(argv.into_iter().map(Into::into).collect());
        self
    }

    /// Publishes container port `container` on host port `host`, on every host address.
    ///
    /// ```
    /// use dockwright::deploy::Service;
    ///
    /// let _ = Service::image("web", "nginx:1.27").publish(8080, 80);
    /// ```
    pub fn publish(mut self, host: u16, container: u16) -> Self {
        self.ports.push(Publish { host_ip: None, host, container });
        self
    }

    /// Publishes container port `container` on `host_ip:host` only (`127.0.0.1` keeps it local).
    ///
    /// ```
    /// use dockwright::deploy::Service;
    ///
    /// let _ = Service::image("db", "postgres:16").publish_on("127.0.0.1", 5432, 5432);
    /// ```
    pub fn publish_on(mut self, host_ip: &str, host: u16, container: u16) -> Self {
        self.ports.push(Publish { host_ip: Some(host_ip.into()), host, container });
        self
    }

    /// A named volume or a bind mount.
    ///
    /// ```
    /// use dockwright::deploy::{Mount, Service};
    ///
    /// let _ = Service::image("db", "postgres:16").mount(Mount::volume("pgdata", "/var/lib/postgresql/data"));
    /// ```
    pub fn mount(mut self, mount: Mount) -> Self {
        self.mounts.push(mount);
        self
    }

    /// Passes every variable of `path` (relative to the compose file, `.env`) to the container: the
    /// way secrets reach a service without being written into the compose file.
    ///
    /// ```
    /// use dockwright::deploy::Service;
    ///
    /// let _ = Service::image("app", "example/app:1").env_file(".env");
    /// ```
    pub fn env_file(mut self, path: &str) -> Self {
        self.env_files.push(path.into());
        self
    }

    /// Sets `key` to literal text. A key that names a secret (`TOKEN`, `PASSWORD`, `SECRET`, ...) is
    /// refused by validation: pass secrets with [`env_file`](Self::env_file) or [`secret`](Self::secret).
    ///
    /// ```
    /// use dockwright::deploy::Service;
    ///
    /// let _ = Service::image("app", "example/app:1").env("LOG_LEVEL", "info");
    /// ```
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.environment.push((key.into(), EnvValue::Literal(value.into())));
        self
    }

    /// Sets `key` to the project variable `variable` (`${VARIABLE}`, or `${VARIABLE:-default}` when the
    /// variable has a default), read from the project's `.env` when compose starts. The variable must
    /// be documented with [`Project::variable`](super::Project::variable) and not be a secret.
    ///
    /// ```
    /// use dockwright::deploy::Service;
    ///
    /// let _ = Service::image("app", "example/app:1").env_var("GH_REPO", "GH_REPO");
    /// ```
    pub fn env_var(mut self, key: &str, variable: &str) -> Self {
        self.environment.push((key.into(), EnvValue::Var(variable.into())));
        self
    }

    /// Mounts the project secret `name` at `/run/secrets/<name>` (declare it with
    /// [`Project::secret`](super::Project::secret)).
    ///
    /// ```
    /// use dockwright::deploy::Service;
    ///
    /// let _ = Service::image("db", "postgres:16").secret("db_password").env("POSTGRES_PASSWORD_FILE", "/run/secrets/db_password");
    /// ```
    pub fn secret(mut self, name: &str) -> Self {
        self.secrets.push(name.into());
        self
    }

    /// The service's healthcheck: an image service's, or, on a built service, an override of its
    /// image's `HEALTHCHECK`, as compose's `healthcheck:` overrides it. The engine merges an override
    /// with the image's healthcheck field by field (Docker's rule: a timing the override leaves out is
    /// the image's), and the Quadlet units carry that merged healthcheck, so Podman probes as Docker
    /// does; the compose file carries the override as written. [`Health::inherited`] keeps the image's
    /// probe and changes only timings (compose's `healthcheck:` without `test:`).
    ///
    /// ```
    /// use dockwright::deploy::{Project, Service};
    /// use dockwright::{Base, Health, Image, Stage};
    ///
    /// let _ = Service::image("cache", "redis:7").healthcheck(Health::new(["redis-cli", "ping"]).interval("5s").retries(10));
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).healthcheck(Health::new(["true"]).interval("30s").retries(3)));
    /// let project = Project::new("p")
    ///     .service(Service::build("app", &image, ".").healthcheck(Health::new(["test", "-e", "/ready"]).interval("5s")));
    /// assert!(project.to_compose().unwrap().contains(
    ///     "    healthcheck:\n      test: [\"CMD\", \"test\", \"-e\", \"/ready\"]\n      interval: 5s\n"
    /// ));
    /// let (_, unit) = &project.to_quadlet().unwrap()[0];
    /// assert!(unit.contains(
    ///     "HealthCmd=[\"CMD\", \"test\", \"-e\", \"/ready\"]\nHealthInterval=5s\nHealthRetries=3\n"
    /// ));
    /// ```
    pub fn healthcheck(mut self, health: Health) -> Self {
        self.healthcheck = Some(HealthSetting::Check(health));
        self
    }

    /// Turns the service's healthcheck off (compose's `disable: true`, or `test: ["NONE"]`), its
    /// image's included; a dependant waiting with `service_healthy` is then a validation error.
    ///
    /// ```
    /// use dockwright::deploy::{Project, Service};
    /// use dockwright::{Base, Health, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).healthcheck(Health::new(["true"])));
    /// let project = Project::new("p").service(Service::build("app", &image, ".").no_healthcheck());
    /// assert!(project.to_compose().unwrap().contains("    healthcheck:\n      disable: true\n"));
    /// assert!(project.to_quadlet().unwrap()[0].1.contains("HealthCmd=none\n"));
    /// ```
    pub fn no_healthcheck(mut self) -> Self {
        self.healthcheck = Some(HealthSetting::Disabled);
        self
    }

    /// The signal that stops an image service (a built service's comes from its image's
    /// `STOPSIGNAL`; a different one here is a validation error).
    ///
    /// ```
    /// use dockwright::deploy::Service;
    ///
    /// let _ = Service::image("db", "postgres:16").stop_signal("SIGINT");
    /// ```
    pub fn stop_signal(mut self, signal: &str) -> Self {
        self.stop_signal = Some(signal.into());
        self
    }

    /// How long `stop` waits after the stop signal before it kills (`stop_grace_period`, e.g. `30s`).
    ///
    /// ```
    /// use dockwright::deploy::Service;
    ///
    /// let _ = Service::image("app", "example/app:1").stop_grace_period("30s");
    /// ```
    pub fn stop_grace_period(mut self, duration: &str) -> Self {
        self.stop_grace_period = Some(duration.into());
        self
    }

    /// The restart policy.
    ///
    /// ```
    /// use dockwright::deploy::{Restart, Service};
    ///
    /// let _ = Service::image("app", "example/app:1").restart(Restart::UnlessStopped);
    /// ```
    pub fn restart(mut self, restart: Restart) -> Self {
        self.restart = Some(restart);
        self
    }

    /// Starts the service only when `profile` is active (`--profile dev`).
    ///
    /// ```
    /// use dockwright::deploy::Service;
    ///
    /// let _ = Service::image("adminer", "adminer:4").profile("debug");
    /// ```
    pub fn profile(mut self, profile: &str) -> Self {
        self.profiles.push(profile.into());
        self
    }

    /// Attaches the service to the project network `name` (declare it with
    /// [`Project::network`](super::Project::network)); with none, compose's `default` network, which
    /// needs no declaration and can be named to join it beside others.
    ///
    /// ```
    /// use dockwright::deploy::{Project, Service};
    ///
    /// let project = Project::new("p")
    ///     .network("backend")
    ///     .service(Service::image("web", "example/web:1"))
    ///     .service(Service::image("api", "example/api:1").network("default").network("backend"));
    /// let units: Vec<String> = project.to_quadlet().unwrap().into_iter().map(|(name, _)| name).collect();
    /// assert_eq!(units, ["p-web.container", "p-api.container", "p.network", "p-backend.network"]);
    /// ```
    pub fn network(mut self, name: &str) -> Self {
        self.networks.push(name.into());
        self
    }

    /// Starts after `service` is in state `condition`.
    ///
    /// ```
    /// use dockwright::deploy::{Condition, Service};
    ///
    /// let _ = Service::image("app", "example/app:1").depends_on("db", Condition::Healthy);
    /// ```
    pub fn depends_on(mut self, service: &str, condition: Condition) -> Self {
        self.depends_on.push((service.into(), condition));
        self
    }
}
