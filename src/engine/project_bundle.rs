//! A project's offline bundle on disk: its images built and saved, beside the files of its
//! [`deploy::Bundle`](crate::deploy::Bundle) plan, all listed in one `SHA256SUMS`, the whole
//! directory written under a temporary name and renamed into place.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::base::BaseMapping;
use crate::deploy::{Project, Recipe};

use super::bundle::SUMS_FILE;
use super::{BuildRequest, Bundle, Engine, EngineError, EngineErrorKind};

/// What [`Engine::bundle`] bundles: a project, the directory its build contexts are relative to, the
/// base mapping its builds and image references go through (a mirror, or local stand-ins), and the
/// compose file's name.
///
/// ```
/// use dockwright::deploy::{Project, Service};
/// use dockwright::engine::BundleRequest;
///
/// let project = Project::new("p").service(Service::image("a", "docker.io/library/alpine:3.19"));
/// let request = BundleRequest::new(&project, "deploy").compose_file("docker-compose.yml");
/// assert_eq!(request.compose_file_name(), "docker-compose.yml");
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct BundleRequest<'a> {
    project: &'a Project,
    context: PathBuf,
    mapping: BaseMapping,
    compose_file: String,
    quadlet: bool,
}

impl<'a> BundleRequest<'a> {
    /// Bundles `project`, whose build contexts are relative to `context`; the compose file is
    /// `compose.yaml` and no base is mapped until said otherwise.
    ///
    /// ```
    /// use dockwright::deploy::{Project, Service};
    /// use dockwright::engine::BundleRequest;
    ///
    /// let project = Project::new("p").service(Service::image("a", "docker.io/library/alpine:3.19"));
    /// assert_eq!(BundleRequest::new(&project, ".").compose_file_name(), "compose.yaml");
    /// ```
    pub fn new(project: &'a Project, context: impl Into<PathBuf>) -> Self {
        BundleRequest {
            project,
            context: context.into(),
            mapping: BaseMapping::new(),
            compose_file: "compose.yaml".into(),
            quadlet: true,
        }
    }

    /// Builds and runs every image through `mapping` (see [`Project::mapped`] and
    /// [`BuildRequest::mapped`]).
    ///
    /// ```
    /// use dockwright::base::BaseMapping;
    /// use dockwright::deploy::{Project, Service};
    /// use dockwright::engine::BundleRequest;
    ///
    /// let project = Project::new("p").service(Service::image("a", "docker.io/library/alpine:3.19"));
    /// let request = BundleRequest::new(&project, ".").mapping(BaseMapping::new().registry("mirror.corp:5000"));
    /// assert_eq!(request.compose_file_name(), "compose.yaml");
    /// ```
    pub fn mapping(mut self, mapping: BaseMapping) -> Self {
        self.mapping = mapping;
        self
    }

    /// The compose file's name in the bundle.
    ///
    /// ```
    /// use dockwright::deploy::{Project, Service};
    /// use dockwright::engine::BundleRequest;
    ///
    /// let project = Project::new("p").service(Service::image("a", "docker.io/library/alpine:3.19"));
    /// assert_eq!(BundleRequest::new(&project, ".").compose_file("c.yml").compose_file_name(), "c.yml");
    /// ```
    pub fn compose_file(mut self, name: &str) -> Self {
        self.compose_file = name.into();
        self
    }

    /// Whether the bundle carries the project's Quadlet units under `quadlet/` (it does unless said
    /// otherwise; see [`Project::compose_bundle`]).
    ///
    /// ```
    /// use dockwright::deploy::{Project, Service};
    /// use dockwright::engine::BundleRequest;
    ///
    /// let project = Project::new("p").service(Service::image("a", "docker.io/library/alpine:3.19"));
    /// assert!(BundleRequest::new(&project, ".").has_quadlet());
    /// assert!(!BundleRequest::new(&project, ".").quadlet(false).has_quadlet());
    /// ```
    pub fn quadlet(mut self, quadlet: bool) -> Self {
        self.quadlet = quadlet;
        self
    }

    /// Whether the bundle carries Quadlet units.
    ///
    /// ```
    /// use dockwright::deploy::{Project, Service};
    /// use dockwright::engine::BundleRequest;
    ///
    /// let project = Project::new("p").service(Service::image("a", "docker.io/library/alpine:3.19"));
    /// assert!(BundleRequest::new(&project, ".").has_quadlet());
    /// ```
    #[must_use]
    pub fn has_quadlet(&self) -> bool {
        self.quadlet
    }

    /// The compose file's name in the bundle.
    ///
    /// ```
    /// use dockwright::deploy::{Project, Service};
    /// use dockwright::engine::BundleRequest;
    ///
    /// let project = Project::new("p").service(Service::image("a", "docker.io/library/alpine:3.19"));
    /// assert_eq!(BundleRequest::new(&project, ".").compose_file_name(), "compose.yaml");
    /// ```
    #[must_use]
    pub fn compose_file_name(&self) -> &str {
        &self.compose_file
    }
}

impl Engine {
    /// Writes the offline bundle of a project to `dir`, which must not exist yet (or be empty): builds
    /// every built service's image (from its description or its imported Dockerfile, with its target
    /// and build args), saves every image the project runs (one tar each), writes the compose file,
    /// the Quadlet units under `quadlet/` (unless [`BundleRequest::quadlet`] says not), `.env.example`
    /// and `load.sh`, and one
    /// `SHA256SUMS` listing every file. Everything is written into a temporary directory beside `dir`
    /// and renamed to `dir` last, so `dir` holds a whole bundle or nothing. Returns the bundle (its
    /// `files` are the image tars).
    ///
    /// ```no_run
    /// use dockwright::deploy::{Project, Service};
    /// use dockwright::engine::{BundleRequest, Engine};
    ///
    /// let project = Project::new("p").service(Service::image("a", "dockwright/debian:bookworm-slim"));
    /// let engine = Engine::connect()?;
    /// let bundle = engine.bundle(&BundleRequest::new(&project, "."), "p-bundle".as_ref())?;
    /// assert_eq!(bundle.files[0].file, "dockwright_debian_bookworm-slim.tar");
    /// assert!(bundle.dir.join("load.sh").is_file());
    /// # Ok::<(), dockwright::engine::EngineError>(())
    /// ```
    pub fn bundle(&self, request: &BundleRequest<'_>, dir: &Path) -> Result<Bundle, EngineError> {
        let invalid = |errors: crate::error::Errors| {
            EngineError::new(
                EngineErrorKind::InvalidRequest,
                format!("cannot bundle project '{}': {errors}", request.project.name()),
            )
        };
        let project = request.project.mapped(&request.mapping).map_err(invalid)?;
        let plan = if request.quadlet {
            project.bundle(&request.compose_file)
        } else {
            project.compose_bundle(&request.compose_file)
        }
        .map_err(invalid)?;
        if std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some()) {
            return Err(EngineError::new(
                EngineErrorKind::InvalidRequest,
                format!(
                    "bundle directory {} already exists and is not empty: remove it or choose another",
                    dir.display()
                ),
            ));
        }
        for build in project.builds() {
            let context = request.context.join(build.context);
            let made = match build.recipe {
                Recipe::Image(image) => BuildRequest::from_image(image, context, &build.tag).map_err(invalid)?,
                Recipe::Dockerfile { dockerfile, dockerignore } => {
                    let mut made = BuildRequest::from_model(dockerfile, context, &build.tag);
                    made.dockerignore = dockerignore.to_string();
                    made
                }
            };
            let mut build_request =
                made.mapped(&request.mapping).map_err(|err| invalid(crate::error::Errors(vec![err])))?;
            if let Some(target) = build.target {
                build_request = build_request.target(target);
            }
            for (name, value) in &build.args {
                build_request = build_request.build_arg(*name, *value);
            }
            self.build(&build_request)?;
        }

        let parent = match dir.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|err| EngineError::io("create", &parent, err))?;
        let temp = tempfile::Builder::new()
            .prefix(".dockwright-bundle-")
            .tempdir_in(&parent)
            .map_err(|err| EngineError::io("create a temporary directory in", &parent, err))?;
        let images: Vec<&str> = plan.images.iter().map(String::as_str).collect();
        let saved = self.save(&images, temp.path())?;
        let mut sums: String = saved.files.iter().map(|file| format!("{}  {}\n", file.sha256, file.file)).collect();
        for file in &plan.files {
            let path = temp.path().join(&file.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|err| EngineError::io("create", parent, err))?;
            }
            write_file(&path, file.text.as_bytes(), file.executable)?;
            sums.push_str(&format!("{:x}  {}\n", Sha256::digest(file.text.as_bytes()), file.path));
        }
        write_file(&temp.path().join(SUMS_FILE), sums.as_bytes(), false)?;
        // A temporary directory is private (0700); a bundle is read by whoever installs it.
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o755))
                .map_err(|err| EngineError::io("set the permissions of", temp.path(), err))?;
        }
        // An empty `dir` is replaced; a non-empty one was refused above.
        let _ = std::fs::remove_dir(dir);
        std::fs::rename(temp.path(), dir).map_err(|err| EngineError::io("move the finished bundle to", dir, err))?;
        Ok(Bundle { dir: dir.to_path_buf(), manifest: dir.join(SUMS_FILE), files: saved.files })
    }
}

fn write_file(path: &Path, bytes: &[u8], executable: bool) -> Result<(), EngineError> {
    let mut file = std::fs::File::create(path).map_err(|err| EngineError::io("create", path, err))?;
    file.write_all(bytes).and_then(|()| file.sync_all()).map_err(|err| EngineError::io("write", path, err))?;
    if executable {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
            .map_err(|err| EngineError::io("make executable", path, err))?;
    }
    Ok(())
}
