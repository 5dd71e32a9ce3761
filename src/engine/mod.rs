//! (feature `engine`) The only code that talks to a Docker engine: build, inspect, run, probe, save, load,
//! and size base images for the estimator ([`EngineOracle`]).
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

mod build;
mod bundle;
mod container;
mod error;
mod image;
mod oracle;
mod project_bundle;

use std::fmt;
use std::future::Future;

use bollard::{ClientVersion, Docker};

pub use build::{
    BuildReport, BuildRequest, BuildSecret, BuildStep, Progress, SecretSource, SecretValue, parse_progress,
};
pub use bundle::{Bundle, BundleFile, SUMS_FILE};
pub use container::{Container, ExecOutput, HealthReport, Network, RunOptions};
pub use error::{EngineError, EngineErrorKind};
pub use image::{ImageInfo, Layer};
pub use oracle::EngineOracle;
pub use project_bundle::BundleRequest;

/// The hint every connection failure ends with.
const START_HINT: &str = "start Docker 23+ with BuildKit, or run scripts/engine-up";

/// Where the engine listens when `DOCKER_HOST` does not say.
#[cfg(unix)]
const DEFAULT_ADDRESS: &str = "unix:///var/run/docker.sock";
#[cfg(windows)]
const DEFAULT_ADDRESS: &str = "npipe:////./pipe/docker_engine";

/// The oldest engine dockwright builds with: Docker 23 made BuildKit the default builder.
const MIN_ENGINE_MAJOR: u64 = 23;

/// Seconds a request may take before it is given up (saves and loads of large images get longer).
const REQUEST_TIMEOUT: u64 = 120;

/// A connection to a Docker engine (23+, with BuildKit). [`Engine::build`] also needs the `docker` CLI
/// with its buildx plugin on `PATH`; everything else talks to the engine's API directly. An `Engine` is
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
    version: String,
    api_version: String,
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("address", &self.address)
            .field("version", &self.version)
            .field("api_version", &self.api_version)
            .finish()
    }
}

impl Engine {
    /// Connects to the local engine (`DOCKER_HOST` if set, else the platform's default socket) and checks
    /// that it answers and is Docker 23 or newer.
    ///
    /// ```no_run
    /// use dockwright::engine::Engine;
    ///
    /// let engine = Engine::connect()?;
    /// assert!(engine.address().starts_with("unix://") || engine.address().starts_with("tcp://"));
    /// # Ok::<(), dockwright::engine::EngineError>(())
    /// ```
    pub fn connect() -> Result<Engine, EngineError> {
        let address = std::env::var("DOCKER_HOST")
            .ok()
            .filter(|host| !host.is_empty())
            .unwrap_or_else(|| DEFAULT_ADDRESS.to_string());
        Engine::connect_to(&address)
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
        let version = answer.version.unwrap_or_default();
        let major = version.split('.').next().and_then(|major| major.parse::<u64>().ok()).unwrap_or(0);
        if major < MIN_ENGINE_MAJOR {
            return Err(EngineError::new(
                EngineErrorKind::Unreachable,
                format!(
                    "the Docker engine at {address} is version {version:?}, older than {MIN_ENGINE_MAJOR}: {START_HINT}"
                ),
            ));
        }
        let docker = client(address, REQUEST_TIMEOUT, &api).map_err(|err| unreachable(&err.to_string()))?;
        drop(guard);
        Ok(Engine { docker, runtime, address: address.to_string(), version, api_version: api.to_string() })
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

/// The API version in an engine's "client version 1.53 is too new. Maximum supported API version is 1.45".
fn max_api_version(message: &str) -> Option<ClientVersion> {
    let (_, rest) = message.split_once("Maximum supported API version is ")?;
    let version: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    let (major, minor) = version.trim_end_matches('.').split_once('.')?;
    Some(ClientVersion { major_version: major.parse().ok()?, minor_version: minor.parse().ok()? })
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
