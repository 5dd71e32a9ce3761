//! (feature `engine`) The only code that talks to a container engine (Docker, or Podman through its
//! Docker-compatible API): build, inspect, run, probe, save, load, and size base images for the
//! estimator ([`EngineOracle`]).
//!
//! [`Engine`] is a blocking facade: it owns a current-thread tokio runtime and a [`bollard`] client, and
//! every method runs to completion before it returns. The rest of dockwright never sees async code or
//! the engine; this module is the edge where IO happens.
//!
//! ```no_run
//! use dockwright::engine::{BuildRequest, Engine, RunOptions};
//! use dockwright::{Base, Health, Image, Stage};
//!
//! let mut image = Image::new();
//! image.stage(
//!     Stage::new("app", Base::image("dockwright/debian:bookworm-slim", dockwright::OsFamily::Debian))
//!         .healthcheck(Health::new(["true"]).interval("1s").start_interval("100ms").start_period("5s"))
//!         .cmd(["sleep", "infinity"]),
//! );
//! let engine = Engine::connect()?;
//! let report = engine.build(&BuildRequest::from_image(&image, ".", "example/app:dev").unwrap())?;
//! let container = engine.run(&report.image_id, &RunOptions::new())?;
//! let health = engine.wait_healthy(&container, std::time::Duration::from_secs(10))?;
//! assert_eq!(health.status, "healthy");
//! engine.remove(container)?;
//! # Ok::<(), dockwright::engine::EngineError>(())
//! ```
//!
//! # Why builds run `docker buildx build`
//!
//! Builds are the one thing not done through bollard. The engine's classic `/build` endpoint is the
//! legacy builder; BuildKit builds over the API need bollard's `buildkit` feature, which drives a
//! gRPC session (tonic, prost, rustls, its own protobuf crates) and still leaves context transfer,
//! `.dockerignore` and progress display to the caller. The buildx CLI is the reference client for all
//! three: it streams the context through BuildKit's file sync, applies the Dockerfile's own ignore file
//! (`<name>.Dockerfile.dockerignore`, so a build never touches the user's context), and prints BuildKit's
//! progress (plain text, parsed here into [`BuildStep`]s, or the live terminal display). It runs
//! against the same address the client uses (`DOCKER_HOST` is set for it). Everything else (inspect,
//! history, containers, health, exec, logs, save, load) goes through bollard.
//!
//! # Which engine
//!
//! [`Engine::connect`] reaches the engine the user names, as the `docker` CLI would: `DOCKER_HOST`, a
//! Docker context, a buildx builder with the `docker` driver, or the default socket ([`Endpoint`]; a
//! builder with another driver is refused). Podman's API socket is named the same way;
//! [`Engine::kind`] says which engine answered, and the few things Podman does differently are handled
//! where they happen:
//!
//! - **Builds** run `podman --url <address> build --format docker` (buildx cannot drive Podman: it tries to
//!   start a BuildKit container from `moby/buildkit`). The Docker image format is asked for because
//!   Podman's default, OCI, has no place for `HEALTHCHECK` and drops it with only a warning. The
//!   scratch Dockerfile is kept out of `COPY .` (Podman's remote client puts a Dockerfile from outside the
//!   context into the context). Build secrets go to a Podman service on a unix socket as paths the
//!   service reads on this machine, never copied (its remote client would put a secret file into the
//!   context it uploads, where `COPY .` copies it into the image); to a service reached over TCP or SSH
//!   they are refused.
//! - **Inspect** reads the image's healthcheck from Podman's own image API (its Docker-compatible one
//!   leaves it out).
//! - **Healthchecks** are run by Podman through systemd timers; without systemd no probe ever runs and a
//!   container stays `starting`. [`Engine::wait_healthy`] runs the probe itself on the image's schedule
//!   (what `podman healthcheck run` does), whenever Podman has not run one on time.

mod build;
mod bundle;
mod container;
mod endpoint;
mod error;
mod image;
mod oracle;
mod project_bundle;
mod waste;

use std::fmt;
use std::future::Future;

use bollard::{ClientVersion, Docker};

pub use build::{
    BuildReport, BuildRequest, BuildSecret, BuildStep, Progress, SecretSource, SecretValue, parse_progress,
};
pub use bundle::{Bundle, BundleFile, SUMS_FILE};
pub use container::{Container, ExecOutput, HealthReport, Network, RunOptions};
pub use endpoint::{Endpoint, EndpointSource};
pub use error::{EngineError, EngineErrorKind};
pub use image::{ImageInfo, Layer};
pub use oracle::EngineOracle;
pub use project_bundle::BundleRequest;
pub use waste::{FileEntry, Inefficiency, LayerWaste, layer_waste, read_image_archive};

/// The hint every connection failure ends with.
const START_HINT: &str = "start Docker 23+ with BuildKit, or run scripts/engine-up";

/// The hint a too-old Podman is refused with.
const PODMAN_HINT: &str = "start Podman 5+ (`podman system service`), or run scripts/podman-up";

/// Where the engine listens when `DOCKER_HOST` does not say.
#[cfg(unix)]
const DEFAULT_ADDRESS: &str = "unix:///var/run/docker.sock";
#[cfg(windows)]
const DEFAULT_ADDRESS: &str = "npipe:////./pipe/docker_engine";

/// The oldest engine dockwright builds with: Docker 23 made BuildKit the default builder.
const MIN_ENGINE_MAJOR: u64 = 23;

/// The oldest Podman dockwright builds with (the one its Podman differences were measured on).
const MIN_PODMAN_MAJOR: u64 = 5;

/// The name of the component Podman's version answer lists itself as.
const PODMAN_COMPONENT: &str = "Podman Engine";

/// Seconds a request may take before it is given up (saves and loads of large images get longer).
const REQUEST_TIMEOUT: u64 = 120;

/// A connection to a container engine: Docker 23+ (with BuildKit), or Podman 5+ through its
/// Docker-compatible API. [`Engine::build`] also needs a CLI on `PATH`: `docker` with its buildx plugin
/// for Docker, `podman` for Podman; everything else talks to the engine's API directly. An `Engine` is
/// `Send + Sync`; each call blocks until it is done.
///
/// ```no_run
/// use dockwright::engine::Engine;
///
/// let engine = Engine::connect()?;
/// assert!(format!("{engine:?}").starts_with("Engine { address: "));
/// # Ok::<(), dockwright::engine::EngineError>(())
/// ```
pub struct Engine {
    docker: Docker,
    runtime: tokio::runtime::Runtime,
    address: String,
    kind: EngineKind,
    version: String,
    api_version: String,
}

/// Which engine answered: Docker, or Podman (whose API is Docker's, with the differences listed in the
/// [module documentation](self)).
///
/// ```
/// use dockwright::engine::EngineKind;
///
/// assert_eq!(EngineKind::Podman.to_string(), "Podman");
/// assert_eq!(EngineKind::Docker.cli(), "docker");
/// assert_eq!(EngineKind::Podman.cli(), "podman");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EngineKind {
    /// Docker Engine (moby), building with BuildKit.
    Docker,
    /// Podman, building with Buildah.
    Podman,
}

impl EngineKind {
    /// The command-line client that builds for this engine.
    ///
    /// ```
    /// assert_eq!(dockwright::engine::EngineKind::Docker.cli(), "docker");
    /// ```
    pub fn cli(self) -> &'static str {
        match self {
            EngineKind::Docker => "docker",
            EngineKind::Podman => "podman",
        }
    }
}

impl fmt::Display for EngineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EngineKind::Docker => "Docker",
            EngineKind::Podman => "Podman",
        })
    }
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("address", &self.address)
            .field("kind", &self.kind)
            .field("version", &self.version)
            .field("api_version", &self.api_version)
            .finish()
    }
}

impl Engine {
    /// Connects to the engine the environment names ([`Endpoint::from_env`]: `DOCKER_HOST`, else the
    /// current Docker context, else the platform's default socket) and checks that it answers and is
    /// Docker 23+ or Podman 5+.
    ///
    /// ```no_run
    /// use dockwright::engine::Engine;
    ///
    /// let engine = Engine::connect()?;
    /// assert!(engine.address().starts_with("unix://") || engine.address().starts_with("tcp://"));
    /// # Ok::<(), dockwright::engine::EngineError>(())
    /// ```
    pub fn connect() -> Result<Engine, EngineError> {
        Engine::connect_to(&Endpoint::from_env()?.address)
    }

    /// Connects to the engine at `address` (`unix:///path`, `tcp://host:port` or `http://host:port`).
    ///
    /// ```
    /// use dockwright::engine::{Engine, EngineErrorKind};
    ///
    /// let err = Engine::connect_to("unix:///nonexistent/docker.sock").unwrap_err();
    /// assert_eq!(err.kind(), EngineErrorKind::Unreachable);
    /// assert!(err.to_string().contains("unix:///nonexistent/docker.sock"));
    /// ```
    pub fn connect_to(address: &str) -> Result<Engine, EngineError> {
        let unreachable = |detail: &str| {
            EngineError::new(
                EngineErrorKind::Unreachable,
                format!("cannot reach the Docker engine at {address}: {}: {START_HINT}", detail.trim_end()),
            )
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|err| unreachable(&format!("cannot start an IO runtime: {err}")))?;
        let guard = runtime.enter();

        // Ask with the newest API version this client knows; an older engine names its maximum.
        let mut api = *bollard::API_DEFAULT_VERSION;
        let probe = client(address, 10, &api).map_err(|err| unreachable(&err.to_string()))?;
        let answer = match runtime.block_on(probe.version()) {
            Err(bollard::errors::Error::DockerResponseServerError { message, .. })
                if message.contains("Maximum supported API version is") =>
            {
                api = max_api_version(&message).ok_or_else(|| unreachable(&message))?;
                let probe = client(address, 10, &api).map_err(|err| unreachable(&err.to_string()))?;
                runtime.block_on(probe.version())
            }
            other => other,
        };
        let answer = answer.map_err(|err| unreachable(&err.to_string()))?;
        let (kind, version) = engine_of(&answer);
        let major = version.split('.').next().and_then(|major| major.parse::<u64>().ok()).unwrap_or(0);
        let (minimum, hint) = match kind {
            EngineKind::Docker => (MIN_ENGINE_MAJOR, START_HINT),
            EngineKind::Podman => (MIN_PODMAN_MAJOR, PODMAN_HINT),
        };
        if major < minimum {
            return Err(EngineError::new(
                EngineErrorKind::Unreachable,
                format!("the {kind} engine at {address} is version {version:?}, older than {minimum}: {hint}"),
            ));
        }
        if kind == EngineKind::Podman {
            // Podman answers every API version with its one compatible API: speak that one.
            if let Some(compat) = answer.api_version.as_deref().and_then(parse_api_version) {
                api = compat;
            }
        }
        let docker = client(address, REQUEST_TIMEOUT, &api).map_err(|err| unreachable(&err.to_string()))?;
        drop(guard);
        Ok(Engine { docker, runtime, address: address.to_string(), kind, version, api_version: api.to_string() })
    }

    /// Which engine this is: Docker, or Podman (recognised by the `Podman Engine` component of its
    /// version answer, whose version, not the compatible API's, is the one checked and reported).
    ///
    /// ```no_run
    /// use dockwright::engine::{Engine, EngineKind};
    ///
    /// let docker = Engine::connect_to("unix:///var/run/docker.sock")?;
    /// assert_eq!(docker.kind(), EngineKind::Docker);
    /// let podman = Engine::connect_to("unix:///run/dockwright/podman.sock")?;
    /// assert_eq!(podman.kind(), EngineKind::Podman);
    /// assert!(podman.version().starts_with("5."));
    /// # Ok::<(), dockwright::engine::EngineError>(())
    /// ```
    pub fn kind(&self) -> EngineKind {
        self.kind
    }

    /// The address this engine was reached at (what `DOCKER_HOST` would say).
    ///
    /// ```no_run
    /// use dockwright::engine::Engine;
    ///
    /// let engine = Engine::connect()?;
    /// assert!(!engine.address().is_empty());
    /// # Ok::<(), dockwright::engine::EngineError>(())
    /// ```
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The engine's version, as it reports it (e.g. `26.1.5`).
    ///
    /// ```no_run
    /// use dockwright::engine::Engine;
    ///
    /// let engine = Engine::connect()?;
    /// let major: u32 = engine.version().split('.').next().unwrap().parse().unwrap();
    /// assert!(major >= 23);
    /// # Ok::<(), dockwright::engine::EngineError>(())
    /// ```
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Runs a future on the engine's runtime until it completes.
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// The body of `GET /libpod/<path>` on a Podman engine: a route of Podman's own API, which bollard
    /// has no call for. The request of a compatible call that returns its body as it is (a container
    /// export) is sent to that route instead, by bollard's request modifier.
    fn libpod_get(&self, path: &str) -> Result<Vec<u8>, bollard::errors::Error> {
        let route = format!("/v{}/libpod/{}", self.api_version, path.trim_start_matches('/'));
        let docker = self.docker.clone().with_request_modifier(move |mut request| {
            let uri = request.uri();
            let target = format!(
                "{}://{}{route}",
                uri.scheme_str().unwrap_or("http"),
                uri.authority().map(|authority| authority.as_str()).unwrap_or_default()
            );
            if let Ok(uri) = target.parse() {
                *request.uri_mut() = uri;
            }
            request
        });
        self.block_on(async {
            let mut body = Vec::new();
            let mut stream = docker.export_container("libpod");
            while let Some(chunk) = futures_util::StreamExt::next(&mut stream).await {
                body.extend_from_slice(&chunk?);
            }
            Ok(body)
        })
    }

    /// The same client with a longer request timeout, for saves and loads of large images.
    fn patient(&self) -> Docker {
        self.docker.clone().with_timeout(std::time::Duration::from_secs(30 * 60))
    }
}

/// A bollard client for `address`, speaking API version `api`.
fn client(address: &str, timeout: u64, api: &ClientVersion) -> Result<Docker, bollard::errors::Error> {
    if address.starts_with("tcp://") || address.starts_with("http://") {
        Docker::connect_with_http(address, timeout, api)
    } else {
        connect_local(address, timeout, api)
    }
}

#[cfg(unix)]
fn connect_local(address: &str, timeout: u64, api: &ClientVersion) -> Result<Docker, bollard::errors::Error> {
    if address.starts_with("unix://") {
        Docker::connect_with_unix(address, timeout, api)
    } else {
        Err(bollard::errors::Error::UnsupportedURISchemeError { uri: address.to_string() })
    }
}

#[cfg(windows)]
fn connect_local(address: &str, timeout: u64, api: &ClientVersion) -> Result<Docker, bollard::errors::Error> {
    if address.starts_with("npipe://") {
        Docker::connect_with_named_pipe(address, timeout, api)
    } else {
        Err(bollard::errors::Error::UnsupportedURISchemeError { uri: address.to_string() })
    }
}

/// The engine and its version, from its answer to `GET /version`: Podman lists itself as the
/// `Podman Engine` component (and answers `Version` with its own version too, not Docker's).
fn engine_of(answer: &bollard::models::SystemVersion) -> (EngineKind, String) {
    let podman = answer.components.iter().flatten().find(|component| component.name == PODMAN_COMPONENT);
    match podman {
        Some(component) => (EngineKind::Podman, component.version.clone()),
        None => (EngineKind::Docker, answer.version.clone().unwrap_or_default()),
    }
}

/// `1.41` as a client version.
fn parse_api_version(version: &str) -> Option<ClientVersion> {
    let (major, minor) = version.split_once('.')?;
    Some(ClientVersion { major_version: major.parse().ok()?, minor_version: minor.parse().ok()? })
}

/// The API version in an engine's "client version 1.53 is too new. Maximum supported API version is 1.45".
fn max_api_version(message: &str) -> Option<ClientVersion> {
    let (_, rest) = message.split_once("Maximum supported API version is ")?;
    let version: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    parse_api_version(version.trim_end_matches('.'))
}

/// The last `n` lines of `text`.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.trim_end().lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_engines_maximum_api_version() {
        let version = max_api_version("client version 1.53 is too new. Maximum supported API version is 1.45").unwrap();
        assert_eq!((version.major_version, version.minor_version), (1, 45));
        assert!(max_api_version("something else").is_none());
    }

    #[test]
    fn podman_is_recognised_by_its_component_and_docker_keeps_its_version() {
        let podman: bollard::models::SystemVersion = serde_json::from_str(
            r#"{"Platform":{"Name":"linux/amd64/debian-12"},"Components":[{"Name":"Podman Engine","Version":"5.4.2","Details":{"APIVersion":"5.4.2","MinAPIVersion":"4.0.0"}},{"Name":"Conmon","Version":"conmon version 2.1.6, commit: unknown","Details":{"Package":"conmon_2.1.6+ds1-1_amd64"}}],"Version":"5.4.2","ApiVersion":"1.41","MinAPIVersion":"1.24"}"#,
        )
        .unwrap();
        assert_eq!(engine_of(&podman), (EngineKind::Podman, "5.4.2".to_string()));
        let docker: bollard::models::SystemVersion = serde_json::from_str(
            r#"{"Components":[{"Name":"Engine","Version":"26.1.5+dfsg1","Details":{"ApiVersion":"1.45"}},{"Name":"containerd","Version":"1.7.24~ds1"}],"Version":"26.1.5+dfsg1","ApiVersion":"1.45"}"#,
        )
        .unwrap();
        assert_eq!(engine_of(&docker), (EngineKind::Docker, "26.1.5+dfsg1".to_string()));
        // An old Docker reports a small version too: it is refused as Docker, not taken for Podman.
        let old: bollard::models::SystemVersion =
            serde_json::from_str(r#"{"Version":"20.10.24","ApiVersion":"1.41"}"#).unwrap();
        assert_eq!(engine_of(&old), (EngineKind::Docker, "20.10.24".to_string()));
        let api = parse_api_version("1.41").unwrap();
        assert_eq!((api.major_version, api.minor_version), (1, 41));
    }

    #[test]
    fn an_engine_can_be_shared_between_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Engine>();
        shareable::<EngineError>();
    }

    #[test]
    fn tail_keeps_the_last_lines() {
        assert_eq!(tail("a\nb\nc\n", 2), "b\nc");
        assert_eq!(tail("a", 5), "a");
        assert_eq!(tail("", 5), "");
    }
}
