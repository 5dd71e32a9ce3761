//! Images: what the engine knows about one ([`ImageInfo`]), and removing one.

use bollard::query_parameters::RemoveImageOptionsBuilder;

use super::{Engine, EngineError, EngineKind};

/// An image as the engine describes it: id, size, layers (from its history) and run configuration.
///
/// ```
/// use dockwright::engine::ImageInfo;
///
/// let info = ImageInfo { user: "10001:10001".into(), ..ImageInfo::default() };
/// assert!(!info.runs_as_root());
/// assert!(ImageInfo::default().runs_as_root());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageInfo {
    /// The image id (`sha256:...`).
    pub id: String,
    /// The tags that name it (`name:tag`).
    pub tags: Vec<String>,
    /// Its size on disk in bytes, all layers included.
    pub size: u64,
    /// Its history, oldest first: one entry per instruction, with the bytes it added (0 for
    /// instructions that only change the configuration).
    pub layers: Vec<Layer>,
    /// The user it runs as (`USER`; empty means root).
    pub user: String,
    /// The healthcheck test (`["CMD", ...]`, `["CMD-SHELL", "..."]` or `["NONE"]`), if it has one.
    pub healthcheck: Option<Vec<String>>,
    /// Its environment, `KEY=value`.
    pub env: Vec<String>,
    /// Its `CMD` (empty when unset).
    pub cmd: Vec<String>,
    /// Its `ENTRYPOINT` (empty when unset).
    pub entrypoint: Vec<String>,
    /// Its exposed ports (`5000/tcp`), sorted.
    pub exposed_ports: Vec<String>,
    /// Its working directory (empty means `/`).
    pub working_dir: String,
    /// Its labels, sorted by key.
    pub labels: Vec<(String, String)>,
    /// Its volumes (`VOLUME` paths), sorted.
    pub volumes: Vec<String>,
    /// Its `SHELL` (empty when unset).
    pub shell: Vec<String>,
    /// Its `STOPSIGNAL` (empty when unset).
    pub stop_signal: String,
}

/// One entry of an image's history.
///
/// ```
/// use dockwright::engine::Layer;
///
/// let layer = Layer { size: 1024, created_by: "RUN /bin/sh -c make # buildkit".into() };
/// assert!(layer.created_by.starts_with("RUN"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layer {
    /// Bytes it added.
    pub size: u64,
    /// The instruction that made it, as the engine records it.
    pub created_by: String,
}

impl ImageInfo {
    /// Whether the image runs as root: no `USER`, or a user (before any `:group`) that is `root` or uid 0.
    ///
    /// ```
    /// use dockwright::engine::ImageInfo;
    ///
    /// let runs_as = |user: &str| ImageInfo { user: user.into(), ..ImageInfo::default() }.runs_as_root();
    /// for root in ["", "root", "0", "0:0", "root:x", "00", "0:1000"] {
    ///     assert!(runs_as(root), "{root:?}");
    /// }
    /// for other in ["app", "10001", "10001:10001", "app:root", "nobody"] {
    ///     assert!(!runs_as(other), "{other:?}");
    /// }
    /// ```
    pub fn runs_as_root(&self) -> bool {
        let user = self.user.split(':').next().unwrap_or_default().trim();
        // An empty name (or all zeros: uid 0 written `00`) is root too.
        user == "root" || user.bytes().all(|b| b == b'0')
    }
}

impl Engine {
    /// What the engine knows about `image` (a tag, an id, or a digest reference). On Podman the
    /// healthcheck is read from Podman's own image API, because its Docker-compatible one leaves it out.
    ///
    /// ```no_run
    /// use dockwright::engine::{Engine, EngineErrorKind};
    ///
    /// let engine = Engine::connect()?;
    /// let info = engine.inspect("dockwright/debian:bookworm-slim")?;
    /// assert!(info.id.starts_with("sha256:"));
    /// assert!(info.runs_as_root());
    /// assert!(info.size >= info.layers.iter().map(|layer| layer.size).sum::<u64>());
    /// assert_eq!(engine.inspect("dockwright/nonexistent:1").unwrap_err().kind(), EngineErrorKind::NotFound);
    /// # Ok::<(), dockwright::engine::EngineError>(())
    /// ```
    pub fn inspect(&self, image: &str) -> Result<ImageInfo, EngineError> {
        let what = format!("cannot inspect image '{image}'");
        let (inspected, history) = self
            .block_on(futures_util::future::try_join(
                self.docker.inspect_image(image),
                self.docker.image_history(image),
            ))
            .map_err(|err| EngineError::api(&what, err))?;
        let config = inspected.config.unwrap_or_default();
        let mut exposed_ports = config.exposed_ports.unwrap_or_default();
        exposed_ports.sort();
        let mut labels: Vec<(String, String)> = config.labels.unwrap_or_default().into_iter().collect();
        labels.sort();
        let mut volumes = config.volumes.unwrap_or_default();
        volumes.sort();
        Ok(ImageInfo {
            id: inspected.id.unwrap_or_default(),
            tags: inspected.repo_tags.unwrap_or_default(),
            size: inspected.size.and_then(|size| u64::try_from(size).ok()).unwrap_or(0),
            layers: history
                .into_iter()
                .rev()
                .map(|item| Layer { size: u64::try_from(item.size).unwrap_or(0), created_by: item.created_by })
                .collect(),
            user: config.user.unwrap_or_default(),
            healthcheck: match self.kind {
                // Podman's compatible image inspect leaves the healthcheck out; its own has it.
                EngineKind::Podman => self.podman_image_healthcheck(image)?,
                _ => config.healthcheck.and_then(|health| health.test).filter(|test| !test.is_empty()),
            },
            env: config.env.unwrap_or_default(),
            cmd: config.cmd.unwrap_or_default(),
            entrypoint: config.entrypoint.unwrap_or_default(),
            exposed_ports,
            working_dir: config.working_dir.unwrap_or_default(),
            labels,
            volumes,
            shell: config.shell.unwrap_or_default(),
            stop_signal: config.stop_signal.unwrap_or_default(),
        })
    }

    /// The healthcheck test of `image` as Podman's own API reports it (`Healthcheck.Test`).
    fn podman_image_healthcheck(&self, image: &str) -> Result<Option<Vec<String>>, EngineError> {
        let what = format!("cannot inspect image '{image}'");
        let body = self.libpod_get(&format!("images/{image}/json")).map_err(|err| EngineError::api(&what, err))?;
        let value: serde_json::Value = serde_json::from_slice(&body).map_err(|err| {
            EngineError::new(super::EngineErrorKind::Api, format!("{what}: Podman's answer is not JSON: {err}"))
        })?;
        let test = value
            .pointer("/Healthcheck/Test")
            .and_then(serde_json::Value::as_array)
            .map(|test| test.iter().filter_map(serde_json::Value::as_str).map(str::to_string).collect::<Vec<_>>());
        Ok(test.filter(|test| !test.is_empty()))
    }

    /// Removes the tag (or id) `image`; the image itself goes once nothing names it. Containers using it
    /// must be removed first.
    ///
    /// ```no_run
    /// use dockwright::engine::{BuildRequest, Engine, EngineErrorKind, Progress};
    ///
    /// let engine = Engine::connect()?;
    /// let request = BuildRequest::new("FROM dockwright/debian:bookworm-slim\n", ".", "example/tmp:1").progress(Progress::Plain);
    /// engine.build(&request)?;
    /// engine.remove_image("example/tmp:1")?;
    /// assert_eq!(engine.inspect("example/tmp:1").unwrap_err().kind(), EngineErrorKind::NotFound);
    /// # Ok::<(), dockwright::engine::EngineError>(())
    /// ```
    pub fn remove_image(&self, image: &str) -> Result<(), EngineError> {
        let options = RemoveImageOptionsBuilder::new().build();
        self.block_on(self.docker.remove_image(image, Some(options), None))
            .map(|_| ())
            .map_err(|err| EngineError::api(&format!("cannot remove image '{image}'"), err))
    }
}
