//! What went wrong talking to the engine: [`EngineError`] and its [`EngineErrorKind`].

use std::fmt;

use super::HealthReport;

/// An error from the engine: what failed, on which image, container or file, and how to go on.
///
/// The message is lowercase, names the input, and carries the evidence: the engine's own words, the
/// failing build step and the build log's tail, or the last probe output and the container's log tail.
///
/// ```
/// use dockwright::engine::{Engine, EngineErrorKind};
///
/// let err = Engine::connect_to("unix:///nonexistent/docker.sock").unwrap_err();
/// assert_eq!(err.kind(), EngineErrorKind::Unreachable);
/// assert!(err.to_string().starts_with("cannot reach the Docker engine at unix:///nonexistent/docker.sock"));
/// assert!(err.to_string().ends_with("start Docker 23+ with BuildKit, or run scripts/engine-up"));
/// assert!(err.health().is_none());
/// ```
#[derive(Debug)]
pub struct EngineError {
    kind: EngineErrorKind,
    message: String,
    health: Option<HealthReport>,
}

/// What kind of problem an [`EngineError`] reports.
///
/// ```
/// use dockwright::engine::{Engine, EngineErrorKind};
///
/// let err = Engine::connect_to("ftp://engine.invalid").unwrap_err();
/// assert_eq!(err.kind(), EngineErrorKind::Unreachable);
/// assert_ne!(err.kind(), EngineErrorKind::Api);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EngineErrorKind {
    /// No engine answers at the address, it is older than Docker 23 (or Podman 5), or the CLI that builds
    /// for it (`docker buildx`, `podman`) is missing.
    Unreachable,
    /// The build (`docker buildx build`, `podman build`) failed: the message names the failing step and
    /// ends with the build log's tail.
    BuildFailed,
    /// The engine has no such image or container.
    NotFound,
    /// A container became unhealthy, stopped, or has no healthcheck to wait for.
    Unhealthy,
    /// A container was not healthy in time.
    Timeout,
    /// A saved bundle does not match its `SHA256SUMS` (or the manifest cannot be read as one).
    Checksum,
    /// A local file or directory could not be read or written.
    Io,
    /// The engine refused or failed a request.
    Api,
    /// A request cannot be sent as it is (a bad or repeated build secret id, a secret whose variable is
    /// not set): the message names the part and how to fix it.
    InvalidRequest,
    /// The engine `DOCKER_HOST` or a Docker context names cannot be used as named (a context that does
    /// not exist, has no Docker host, or needs TLS): the message names the file to look at.
    Endpoint,
}

impl EngineError {
    pub(crate) fn new(kind: EngineErrorKind, message: impl Into<String>) -> Self {
        EngineError { kind, message: message.into(), health: None }
    }

    pub(crate) fn with_health(mut self, health: HealthReport) -> Self {
        self.health = Some(health);
        self
    }

    /// A local IO error on `path`, doing `what`.
    pub(crate) fn io(what: &str, path: &std::path::Path, err: std::io::Error) -> Self {
        EngineError::new(EngineErrorKind::Io, format!("cannot {what} {}: {err}", path.display()))
    }

    /// An error from the Docker API while doing `what`: 404 becomes [`EngineErrorKind::NotFound`], a lost
    /// connection [`EngineErrorKind::Unreachable`], anything else [`EngineErrorKind::Api`].
    pub(crate) fn api(what: &str, err: bollard::errors::Error) -> Self {
        use bollard::errors::Error as B;
        let (kind, detail) = match &err {
            B::DockerResponseServerError { status_code: 404, message } => (EngineErrorKind::NotFound, message.clone()),
            B::DockerResponseServerError { message, .. } => (EngineErrorKind::Api, message.clone()),
            B::HyperLegacyError { .. } | B::IOError { .. } | B::SocketNotFoundError(_) | B::RequestTimeoutError => {
                (EngineErrorKind::Unreachable, err.to_string())
            }
            _ => (EngineErrorKind::Api, err.to_string()),
        };
        EngineError::new(kind, format!("{what}: {}", detail.trim_end()))
    }

    /// What kind of problem this is.
    ///
    /// ```
    /// use dockwright::engine::{Engine, EngineErrorKind};
    ///
    /// let kind = Engine::connect_to("unix:///nonexistent/docker.sock").unwrap_err().kind();
    /// assert_eq!(kind, EngineErrorKind::Unreachable);
    /// ```
    pub fn kind(&self) -> EngineErrorKind {
        self.kind
    }

    /// The message (the same text as `Display`).
    ///
    /// ```
    /// use dockwright::engine::Engine;
    ///
    /// let err = Engine::connect_to("unix:///nonexistent/docker.sock").unwrap_err();
    /// assert_eq!(err.message(), err.to_string());
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }

    /// For [`EngineErrorKind::Unhealthy`] and [`EngineErrorKind::Timeout`] from
    /// [`Engine::wait_healthy`](super::Engine::wait_healthy): the container's health when waiting stopped.
    ///
    /// ```
    /// use dockwright::engine::Engine;
    ///
    /// assert!(Engine::connect_to("unix:///nonexistent/docker.sock").unwrap_err().health().is_none());
    /// ```
    pub fn health(&self) -> Option<&HealthReport> {
        self.health.as_ref()
    }
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The message carries the whole story (the engine's own words included), so there is no `source`.
impl std::error::Error for EngineError {}
