//! The offline bundle's plan: which images an air-gapped host needs and the text files beside them
//! (the compose file, the Quadlet units, `.env.example` and a POSIX `load.sh`). Plain data: the engine
//! builds and saves the images and writes the directory (`Engine::bundle`, feature `engine`).

use crate::error::Errors;

use super::Project;
use super::quote::sh_word;

/// The loader every bundle carries; `@IMAGES@` becomes the project's images as shell words.
const LOAD_SH: &str = include_str!("load.sh");

/// What an offline bundle of a [`Project`] holds besides the image tars: the images to save, in the
/// order the services name them, and the text files, each with its path in the bundle.
///
/// `load.sh` checks every file against the bundle's `SHA256SUMS` before it loads anything, loads each
/// `*.tar` with `docker` or `podman` (whichever is installed, or the one named: `./load.sh podman`),
/// checks that every image the project runs is then there and lists them.
///
/// ```
/// use dockwright::deploy::{Project, Service};
///
/// let project = Project::new("shop")
///     .service(Service::image("web", "docker.io/library/nginx:1.27"))
///     .service(Service::image("cache", "docker.io/library/redis:7"));
/// let bundle = project.bundle("compose.yaml").unwrap();
/// assert_eq!(bundle.images, ["docker.io/library/nginx:1.27", "docker.io/library/redis:7"]);
/// let paths: Vec<&str> = bundle.files.iter().map(|f| f.path.as_str()).collect();
/// assert_eq!(paths, [
///     "compose.yaml",
///     "quadlet/shop-web.container",
///     "quadlet/shop-cache.container",
///     "quadlet/shop.network",
///     ".env.example",
///     "load.sh",
/// ]);
/// let load = bundle.files.last().unwrap();
/// assert!(load.executable);
/// assert!(load.text.contains("\nset -- docker.io/library/nginx:1.27 docker.io/library/redis:7\n"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Bundle {
    /// Every image the project runs (built tags and image references), without repeats.
    pub images: Vec<String>,
    /// The text files, in a fixed order.
    pub files: Vec<BundleText>,
}

/// One text file of a [`Bundle`].
///
/// ```
/// use dockwright::deploy::{Project, Service};
///
/// let bundle = Project::new("p").service(Service::image("a", "docker.io/library/alpine:3.19")).bundle("compose.yaml").unwrap();
/// assert_eq!(bundle.files[0].path, "compose.yaml");
/// assert!(!bundle.files[0].executable);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BundleText {
    /// The path in the bundle directory (`/`-separated, relative).
    pub path: String,
    /// The contents.
    pub text: String,
    /// Whether it is a script to run (`load.sh`).
    pub executable: bool,
}

impl Project {
    /// The offline bundle's plan, with the compose file written as `compose_file`, once the project
    /// is valid and its Quadlet units can be written ([`to_quadlet`](Self::to_quadlet)'s errors
    /// otherwise, and an error for a `compose_file` that is not a plain file name).
    ///
    /// ```
    /// use dockwright::deploy::{Project, Service};
    ///
    /// let project = Project::new("p").service(Service::image("a", "docker.io/library/alpine:3.19"));
    /// assert_eq!(
    ///     project.bundle("../compose.yaml").unwrap_err().to_string(),
    ///     "bundle compose file \"../compose.yaml\" is not a plain file name: name it like compose.yaml"
    /// );
    /// ```
    pub fn bundle(&self, compose_file: &str) -> Result<Bundle, Errors> {
        self.plan_bundle(compose_file, true)
    }

    /// The offline bundle's plan without Quadlet units, for hosts that run the compose file only:
    /// [`bundle`](Self::bundle)'s files less `quadlet/`.
    ///
    /// ```
    /// use dockwright::deploy::{Project, Service};
    ///
    /// let project = Project::new("p").service(Service::image("a", "docker.io/library/alpine:3.19"));
    /// let bundle = project.compose_bundle("compose.yaml").unwrap();
    /// let paths: Vec<&str> = bundle.files.iter().map(|f| f.path.as_str()).collect();
    /// assert_eq!(paths, ["compose.yaml", ".env.example", "load.sh"]);
    /// ```
    pub fn compose_bundle(&self, compose_file: &str) -> Result<Bundle, Errors> {
        self.plan_bundle(compose_file, false)
    }

    fn plan_bundle(&self, compose_file: &str, quadlet: bool) -> Result<Bundle, Errors> {
        let plain = !compose_file.is_empty()
            && !compose_file.starts_with('.')
            && compose_file.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if !plain || compose_file == "load.sh" || compose_file == "SHA256SUMS" {
            return Err(Errors(vec![crate::error::Error::new(
                crate::error::ErrorKind::InvalidProject,
                format!("bundle compose file {compose_file:?} is not a plain file name: name it like compose.yaml"),
            )]));
        }
        let compose = self.to_compose()?;
        let units = if quadlet { self.to_quadlet()? } else { Vec::new() };
        let mut images: Vec<String> = Vec::new();
        for service in &self.services {
            let image = self.image_of(&service.name).unwrap_or_default();
            if !images.contains(&image) {
                images.push(image);
            }
        }
        let text = |path: String, text: String| BundleText { path, text, executable: false };
        let mut files = vec![text(compose_file.to_string(), compose)];
        files.extend(units.into_iter().map(|(name, unit)| text(format!("quadlet/{name}"), unit)));
        files.push(text(".env.example".into(), self.env_example()));
        let words: Vec<String> = images.iter().map(|image| sh_word(image)).collect();
        files.push(BundleText {
            path: "load.sh".into(),
            text: LOAD_SH.replace("@IMAGES@", &words.join(" ")),
            executable: true,
        });
        Ok(Bundle { images, files })
    }
}
