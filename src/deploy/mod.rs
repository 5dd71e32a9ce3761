//! Multi-service projects built from images: a typed description one level above [`Image`](crate::Image), and the
//! files that deploy it: a compose file and its `.env.example`, Podman Quadlet units
//! ([`Project::to_quadlet`]), and the plan of an offline bundle ([`Project::bundle`]).
//!
//! A [`Project`] holds [`Service`]s: each is built from a dockwright [`Image`](crate::Image) (context, Dockerfile,
//! target, build args) or runs an existing image reference. A built service's healthcheck, user,
//! exposed ports, volumes and stop signal are read from its image description (`analysis::image_config`),
//! so the compose file cannot drift from the Dockerfile. [`Project::validate`] reports every
//! cross-service problem at once; [`Project::to_compose`] writes the compose file and
//! [`Project::env_example`] the documented variables. Plain data and text: no IO, nothing printed.
//!
//! ```
//! use dockwright::deploy::{Condition, Mount, Project, Restart, Service, Variable};
//! use dockwright::{Base, Health, Image, Stage};
//!
//! let mut image = Image::new();
//! image.stage(
//!     Stage::new("app", Base::alpine("3.19"))
//!         .expose(8000)
//!         .user("10001:10001")
//!         .healthcheck(Health::new(["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8000/health"])),
//! );
//! let project = Project::new("demo")
//!     .variable(Variable::new("API_TOKEN", "token for the upstream API").example("change-me").secret())
//!     .service(
//!         Service::build("app", &image, ".")
//!             .publish(8000, 8000)
//!             .mount(Mount::bind("./data", "/data").owned_by(10001))
//!             .env_file(".env")
//!             .restart(Restart::UnlessStopped)
//!             .depends_on("cache", Condition::Healthy),
//!     )
//!     .service(Service::image("cache", "redis:7-alpine").healthcheck(Health::new(["redis-cli", "ping"])));
//! let compose = project.to_compose().unwrap();
//! assert!(compose.starts_with("name: \"demo\"\nservices:\n  app:\n    build:\n      context: \".\"\n"));
//! assert!(compose.contains("    depends_on:\n      cache:\n        condition: service_healthy\n"));
//! assert_eq!(project.env_example(), "# token for the upstream API (secret: never commit the real value)\nAPI_TOKEN=change-me\n");
//! ```

mod bundle;
mod compose;
mod quadlet;
mod quote;
mod service;
mod validate;

use crate::base::BaseMapping;
use crate::error::Errors;
use crate::model::ImageRef;

pub use bundle::{Bundle, BundleText};
pub use compose::env_example;
#[cfg(all(feature = "cli", feature = "engine"))]
pub(crate) use compose::{DEFAULT_NOTE, ONLY_NOTE, SECRET_NOTE};
use service::Source;
pub use service::{Condition, Mount, Recipe, Restart, Service};

/// A set of services deployed together, with the variables, networks and secrets they share.
///
/// Setters never fail; [`validate`](Self::validate) (and the writers, which call it) report every
/// problem at once, each located by service.
///
/// ```
/// use dockwright::deploy::{Condition, Project, Service};
///
/// let project = Project::new("shop")
///     .service(Service::image("web", "nginx:1.27").depends_on("api", Condition::Healthy));
/// let errors = project.validate().unwrap_err();
/// assert_eq!(
///     errors.to_string(),
///     "service 'web', depends_on 'api': no service 'api' in project 'shop': add it or remove the dependency"
/// );
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Project {
    pub(crate) name: String,
    pub(crate) comment: Option<String>,
    pub(crate) services: Vec<Service>,
    pub(crate) variables: Vec<Variable>,
    pub(crate) networks: Vec<String>,
    pub(crate) secrets: Vec<(String, String)>,
    pub(crate) host_network: bool,
}

impl Project {
    /// The named volumes the services mount, sorted: what compose declares under `volumes:` and
    /// what Quadlet writes a `.volume` unit for.
    pub(crate) fn named_volumes(&self) -> std::collections::BTreeSet<&str> {
        self.services
            .iter()
            .flat_map(|s| &s.mounts)
            .filter(|m| m.kind == service::MountKind::Volume)
            .map(|m| m.source.as_str())
            .collect()
    }

    /// An empty project named `name` (compose's project name: lowercase letters, digits, `-`, `_`).
    ///
    /// ```
    /// use dockwright::deploy::Project;
    ///
    /// assert_eq!(Project::new("whoseonfirst").name(), "whoseonfirst");
    /// ```
    pub fn new(name: &str) -> Self {
        Project {
            name: name.into(),
            comment: None,
            services: Vec::new(),
            variables: Vec::new(),
            networks: Vec::new(),
            secrets: Vec::new(),
            host_network: false,
        }
    }

    /// The project's name.
    ///
    /// ```
    /// use dockwright::deploy::Project;
    ///
    /// assert_eq!(Project::new("shop").name(), "shop");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A comment written at the top of every file (`# generated by ...`); one line per line of `text`.
    ///
    /// ```
    /// use dockwright::deploy::{Project, Service};
    ///
    /// let project = Project::new("p").comment("generated").service(Service::image("a", "alpine:3.19"));
    /// assert!(project.to_compose().unwrap().starts_with("# generated\nname: \"p\"\n"));
    /// ```
    pub fn comment(mut self, text: &str) -> Self {
        self.comment = Some(text.into());
        self
    }

    /// Adds a service.
    ///
    /// ```
    /// use dockwright::deploy::{Project, Service};
    ///
    /// assert_eq!(Project::new("p").service(Service::image("a", "alpine:3.19")).services().len(), 1);
    /// ```
    pub fn service(mut self, service: Service) -> Self {
        self.services.push(service);
        self
    }

    /// The services, in the order they were added (and are written).
    ///
    /// ```
    /// use dockwright::deploy::{Project, Service};
    ///
    /// let project = Project::new("p").service(Service::image("a", "alpine:3.19"));
    /// assert_eq!(project.services()[0].name(), "a");
    /// ```
    pub fn services(&self) -> &[Service] {
        &self.services
    }

    /// Documents a variable the deployment reads from its `.env` file: every variable a service uses
    /// must be documented, and every documented one must reach a service.
    ///
    /// ```
    /// use dockwright::deploy::{Project, Service, Variable};
    ///
    /// let project = Project::new("p")
    ///     .variable(Variable::new("LOG_LEVEL", "how much to log").example("info").default_value("info"))
    ///     .service(Service::image("a", "example/a:1").env_var("LOG_LEVEL", "LOG_LEVEL"));
    /// assert!(project.to_compose().unwrap().contains("      LOG_LEVEL: \"${LOG_LEVEL:-info}\"\n"));
    /// ```
    pub fn variable(mut self, variable: Variable) -> Self {
        self.variables.push(variable);
        self
    }

    /// Declares a network services can join with [`Service::network`].
    ///
    /// ```
    /// use dockwright::deploy::{Project, Service};
    ///
    /// let project = Project::new("p").network("backend").service(Service::image("a", "example/a:1").network("backend"));
    /// assert!(project.to_compose().unwrap().ends_with("networks:\n  backend: {}\n"));
    /// ```
    pub fn network(mut self, name: &str) -> Self {
        self.networks.push(name.into());
        self
    }

    /// Declares a secret read from `file` (relative to the compose file): services that ask for it with
    /// [`Service::secret`] find it at `/run/secrets/<name>`, and its value is never in the compose file.
    ///
    /// ```
    /// use dockwright::deploy::{Project, Service};
    ///
    /// let project = Project::new("p")
    ///     .secret("db_password", "./secrets/db_password")
    ///     .service(Service::image("db", "postgres:16").secret("db_password"));
    /// assert!(project.to_compose().unwrap().ends_with("secrets:\n  db_password:\n    file: \"./secrets/db_password\"\n"));
    /// ```
    pub fn secret(mut self, name: &str, file: &str) -> Self {
        self.secrets.push((name.into(), file.into()));
        self
    }

    /// The same project on the host's network: every service gets `network_mode: host` and maps every
    /// service name to `127.0.0.1`, published ports and networks are dropped (a service listens on the
    /// host directly), and validation refuses two services listening on the same port. For engines
    /// without bridge networking (rootless or locked-down hosts, this project's CI) and single-host
    /// installs that want no NAT.
    ///
    /// ```
    /// use dockwright::deploy::{Project, Service};
    ///
    /// let project = Project::new("p").service(Service::image("a", "example/a:1").publish(80, 80)).on_host_network();
    /// let compose = project.to_compose().unwrap();
    /// assert!(compose.contains("    network_mode: host\n    extra_hosts:\n      - \"a:127.0.0.1\"\n"));
    /// assert!(!compose.contains("ports:"));
    /// ```
    pub fn on_host_network(mut self) -> Self {
        self.host_network = true;
        self
    }

    /// Checks every service and everything between them, and returns every problem at once: names,
    /// each built image's own validation, ports published twice, dependencies on services that do not
    /// exist or (for `service_healthy`) have no healthcheck, dependency cycles, bind mounts a non-root
    /// image cannot write, image volumes nothing mounts, secrets written inline, variables used but
    /// documented nowhere (or documented but used nowhere), unknown networks and secrets.
    ///
    /// ```
    /// use dockwright::deploy::{Project, Service};
    ///
    /// let project = Project::new("p")
    ///     .service(Service::image("a", "example/a:1").publish(8080, 80))
    ///     .service(Service::image("b", "example/b:1").publish(8080, 80).env("API_TOKEN", "abc"));
    /// let errors: Vec<String> = project.validate().unwrap_err().iter().map(|e| e.to_string()).collect();
    /// assert_eq!(errors, [
    ///     "service 'b', ports: host port 8080 is already published by service 'a': publish it on another host port",
    ///     "service 'b', environment 'API_TOKEN': a secret written inline in the compose file: document it with Variable::secret and pass it with env_file, or use a compose secret",
    /// ]);
    /// ```
    pub fn validate(&self) -> Result<(), Errors> {
        validate::check(self).map(|_| ())
    }

    /// The image reference a service runs: its own reference, or for a built service without a tag,
    /// `<project>-<service>` (the name compose gives it). `None` for a service not in the project.
    ///
    /// ```
    /// use dockwright::deploy::{Project, Service};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// let project = Project::new("shop").service(Service::build("api", &image, "."));
    /// assert_eq!(project.image_of("api").as_deref(), Some("shop-api"));
    /// assert_eq!(project.image_of("nope"), None);
    /// ```
    pub fn image_of(&self, service: &str) -> Option<String> {
        let service = self.services.iter().find(|s| s.name == service)?;
        Some(service.reference().map_or_else(|| format!("{}-{}", self.name, service.name), str::to_string))
    }

    /// The same project with every image service's reference mapped through `mapping` (a registry
    /// mirror, or local stand-ins): what an air-gapped host runs. Built services keep their tag; their
    /// Dockerfiles' bases are mapped where they are built ([`builds`](Self::builds)). An invalid
    /// reference is reported with the service's name.
    ///
    /// ```
    /// use dockwright::base::BaseMapping;
    /// use dockwright::deploy::{Project, Service};
    ///
    /// let project = Project::new("p").service(Service::image("db", "postgres:16"));
    /// let mapped = project.mapped(&BaseMapping::new().registry("mirror.corp:5000")).unwrap();
    /// assert_eq!(mapped.image_of("db").as_deref(), Some("mirror.corp:5000/postgres:16"));
    /// ```
    pub fn mapped(&self, mapping: &BaseMapping) -> Result<Project, Errors> {
        let mut project = self.clone();
        let mut errors = Vec::new();
        for service in &mut project.services {
            if let Source::Image(reference) = &mut service.source {
                match ImageRef::parse(reference).and_then(|image| mapping.image(&image)) {
                    Ok(mapped) => *reference = mapped.to_string(),
                    Err(err) => errors.push(err.at(format!("service '{}', image", service.name))),
                }
            }
        }
        if errors.is_empty() { Ok(project) } else { Err(Errors(errors)) }
    }

    /// What must be built before `up --no-build`: one [`BuildPlan`] per built service, in order.
    ///
    /// ```
    /// use dockwright::deploy::{Project, Service};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("dev", Base::alpine("3.19")));
    /// image.stage(Stage::new("prod", Base::alpine("3.19")));
    /// let project = Project::new("shop")
    ///     .service(Service::build("api", &image, "./api").target("dev"))
    ///     .service(Service::image("db", "postgres:16"));
    /// let builds = project.builds();
    /// assert_eq!(builds.len(), 1);
    /// assert_eq!((builds[0].service, builds[0].context, builds[0].target, builds[0].tag.as_str()), ("api", "./api", Some("dev"), "shop-api"));
    /// ```
    pub fn builds(&self) -> Vec<BuildPlan<'_>> {
        self.services
            .iter()
            .filter_map(|service| match &service.source {
                Source::Build(build) => Some(BuildPlan {
                    service: &service.name,
                    recipe: build.recipe.recipe(),
                    context: &build.context,
                    dockerfile: build.dockerfile.as_deref(),
                    target: build.target.as_deref(),
                    args: build.args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(),
                    tag: self.image_of(&service.name).unwrap_or_default(),
                }),
                Source::Image(_) => None,
            })
            .collect()
    }

    /// The host directories an installer must create before the first `up`, with the uid that must own
    /// them: the bind mounts declared with [`Mount::owned_by`], in service order, without repeats.
    ///
    /// ```
    /// use dockwright::deploy::{HostDir, Mount, Project, Service};
    ///
    /// let project = Project::new("p").service(Service::image("a", "example/a:1").mount(Mount::bind("./data", "/data").owned_by(10001)));
    /// assert_eq!(project.host_dirs(), [HostDir { path: "./data".into(), uid: 10001 }]);
    /// ```
    pub fn host_dirs(&self) -> Vec<HostDir> {
        let mut dirs: Vec<HostDir> = Vec::new();
        for mount in self.services.iter().flat_map(|s| &s.mounts) {
            if let Some(uid) = mount.owner {
                if !dirs.iter().any(|dir| dir.path == mount.source) {
                    dirs.push(HostDir { path: mount.source.clone(), uid });
                }
            }
        }
        dirs
    }
}

/// A variable of the deployment's `.env` file: its name, what it is for, an example value, an
/// optional default (used when `.env` leaves it out), and whether it is a secret.
///
/// ```
/// use dockwright::deploy::Variable;
///
/// let token = Variable::new("GH_TOKEN", "GitHub token with repo and workflow scopes").example("ghp_xxx").secret();
/// assert_eq!(token.name(), "GH_TOKEN");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Variable {
    pub(crate) name: String,
    pub(crate) comment: String,
    pub(crate) example: String,
    pub(crate) default: Option<String>,
    pub(crate) secret: bool,
}

impl Variable {
    /// A variable and what it is for (one line; written above it in `.env.example`).
    ///
    /// ```
    /// use dockwright::deploy::Variable;
    ///
    /// assert_eq!(Variable::new("TZ", "time zone").name(), "TZ");
    /// ```
    pub fn new(name: &str, comment: &str) -> Self {
        Variable { name: name.into(), comment: comment.into(), example: String::new(), default: None, secret: false }
    }

    /// The value `.env.example` shows.
    ///
    /// ```
    /// use dockwright::deploy::Variable;
    ///
    /// assert_ne!(Variable::new("TZ", "time zone").example("UTC"), Variable::new("TZ", "time zone"));
    /// ```
    pub fn example(mut self, value: &str) -> Self {
        self.example = value.into();
        self
    }

    /// The value used when `.env` does not set it (`${NAME:-default}`).
    ///
    /// ```
    /// use dockwright::deploy::Variable;
    ///
    /// assert_ne!(Variable::new("TZ", "time zone").default_value("UTC"), Variable::new("TZ", "time zone"));
    /// ```
    pub fn default_value(mut self, value: &str) -> Self {
        self.default = Some(value.into());
        self
    }

    /// A secret: it may only reach a service through an `env_file`, never by interpolation into the
    /// compose file (where `docker compose config` would print it).
    ///
    /// ```
    /// use dockwright::deploy::Variable;
    ///
    /// assert_ne!(Variable::new("KEY", "api key").secret(), Variable::new("KEY", "api key"));
    /// ```
    pub fn secret(mut self) -> Self {
        self.secret = true;
        self
    }

    /// The variable's name.
    ///
    /// ```
    /// use dockwright::deploy::Variable;
    ///
    /// assert_eq!(Variable::new("TZ", "time zone").name(), "TZ");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// How one built service's image is made: its description, context, Dockerfile path, target, build
/// args and the tag compose runs.
///
/// ```
/// use dockwright::deploy::{Project, Service};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")));
/// let project = Project::new("p").service(Service::build("app", &image, ".").tag("example/app:1"));
/// assert_eq!(project.builds()[0].tag, "example/app:1");
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BuildPlan<'a> {
    /// The service's name.
    pub service: &'a str,
    /// What the image is made from.
    pub recipe: Recipe<'a>,
    /// The build context, relative to the compose file.
    pub context: &'a str,
    /// The Dockerfile's path relative to the context, when not `Dockerfile`.
    pub dockerfile: Option<&'a str>,
    /// The stage to build, when not the last.
    pub target: Option<&'a str>,
    /// `--build-arg`s.
    pub args: Vec<(&'a str, &'a str)>,
    /// The reference the image is tagged with.
    pub tag: String,
}

/// A host directory an installer creates before the first `up`, owned by `uid`.
///
/// ```
/// use dockwright::deploy::HostDir;
///
/// let dir = HostDir { path: "./data".into(), uid: 10001 };
/// assert_eq!(dir.uid, 10001);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostDir {
    /// As written in the bind mount (relative to the compose file, or absolute).
    pub path: String,
    /// The owner the service's image runs as.
    pub uid: u32,
}
