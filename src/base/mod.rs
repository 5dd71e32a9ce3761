//! Base-image knowledge: what an image is built on, and what follows from that.
//!
//! A [`Base`] is an image reference plus its [`OsFamily`]. From the family follow the package manager and
//! its hygiene ([`Base::install_script`]), how to add a user ([`Base::user_script`]), whether a shell
//! exists, and which probe tools a healthcheck can rely on ([`Tool`]). Presets cover the common images;
//! [`Base::image`] takes any image with a declared family. A reference may take parts from global build
//! arguments (`Base::python("${PY}")`): the knowledge stays the same.

mod mapping;
mod presets;

pub use mapping::BaseMapping;
pub use presets::Official;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind};
use crate::model::{BaseImage, ImageRef, ImageTemplate};

/// The operating-system family of a base image.
///
/// ```
/// use dockwright::{Base, OsFamily};
///
/// assert_eq!(Base::alpine("3.19").family(), OsFamily::Alpine);
/// assert_eq!(Base::python("3.12").slim().family(), OsFamily::Debian);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OsFamily {
    /// Debian and Ubuntu: apt, `useradd`, `/bin/sh` is dash.
    Debian,
    /// Alpine: apk, busybox `adduser`, busybox `wget`.
    Alpine,
    /// Red Hat UBI (full): dnf, shadow-utils, curl.
    Rhel,
    /// Red Hat UBI minimal: microdnf, no shadow-utils.
    RhelMinimal,
    /// Google distroless: no shell, no package manager.
    Distroless,
    /// The empty image.
    Scratch,
}

/// A package manager.
///
/// ```
/// use dockwright::{Base, PackageManager};
///
/// assert_eq!(Base::ubi9_minimal().package_manager(), Some(PackageManager::Microdnf));
/// assert_eq!(Base::distroless_static().package_manager(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PackageManager {
    /// Debian's `apt-get`.
    Apt,
    /// Alpine's `apk`.
    Apk,
    /// `dnf` (UBI).
    Dnf,
    /// `microdnf` (UBI minimal).
    Microdnf,
}

/// A program a healthcheck probe can use.
///
/// ```
/// use dockwright::{Base, Tool};
///
/// assert!(Base::alpine("3.19").tools().contains(&Tool::Wget));
/// assert!(!Base::python("3.12").slim().tools().contains(&Tool::Curl));
/// assert!(Base::python("3.12").slim().tools().contains(&Tool::Python));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Tool {
    /// `curl`.
    Curl,
    /// `wget` (GNU or busybox; both take `-q -O`).
    Wget,
    /// `python3`.
    Python,
    /// `node`.
    Node,
}

impl Tool {
    /// The tool that package `name` provides, if it is one of the probe tools.
    ///
    /// ```
    /// use dockwright::Tool;
    ///
    /// assert_eq!(Tool::from_package("curl"), Some(Tool::Curl));
    /// assert_eq!(Tool::from_package("curl=7.88.1-10"), Some(Tool::Curl));
    /// assert_eq!(Tool::from_package("python3-minimal"), Some(Tool::Python));
    /// assert_eq!(Tool::from_package("gcc"), None);
    /// ```
    pub fn from_package(name: &str) -> Option<Tool> {
        let name = name.split(['=', '<', '>', '~']).next().unwrap_or(name);
        match name {
            "curl" | "curl-minimal" => Some(Tool::Curl),
            "wget" | "wget2" | "busybox" => Some(Tool::Wget),
            "python3" | "python3-minimal" | "python3.11" | "python3.12" | "python311" | "python3.11-minimal" => {
                Some(Tool::Python)
            }
            "nodejs" => Some(Tool::Node),
            _ => None,
        }
    }

    /// The tool a command name runs, if it is one of the probe tools: the file name of a path,
    /// `python`/`python3`/`python3.12` for python3, `node`/`nodejs` for node.
    ///
    /// ```
    /// use dockwright::Tool;
    ///
    /// assert_eq!(Tool::from_command("curl"), Some(Tool::Curl));
    /// assert_eq!(Tool::from_command("/usr/bin/wget"), Some(Tool::Wget));
    /// assert_eq!(Tool::from_command("python3.12"), Some(Tool::Python));
    /// assert_eq!(Tool::from_command("python"), Some(Tool::Python));
    /// assert_eq!(Tool::from_command("nodejs"), Some(Tool::Node));
    /// assert_eq!(Tool::from_command("pythonista"), None);
    /// assert_eq!(Tool::from_command("test"), None);
    /// ```
    pub fn from_command(command: &str) -> Option<Tool> {
        let name = command.rsplit('/').next().unwrap_or(command);
        match name {
            "curl" => Some(Tool::Curl),
            "wget" => Some(Tool::Wget),
            "node" | "nodejs" => Some(Tool::Node),
            _ => name
                .strip_prefix("python")
                .filter(|version| version.chars().all(|c| c.is_ascii_digit() || c == '.'))
                .filter(|version| version.is_empty() || version.starts_with('3'))
                .map(|_| Tool::Python),
        }
    }

    /// The command that runs the tool.
    ///
    /// ```
    /// use dockwright::Tool;
    ///
    /// assert_eq!(Tool::Python.command(), "python3");
    /// assert_eq!(Tool::Node.command(), "node");
    /// ```
    pub fn command(self) -> &'static str {
        match self {
            Tool::Curl => "curl",
            Tool::Wget => "wget",
            Tool::Python => "python3",
            Tool::Node => "node",
        }
    }

    /// The package that installs the tool (the same name for apt, apk and dnf).
    ///
    /// ```
    /// use dockwright::Tool;
    ///
    /// assert_eq!(Tool::Curl.package(), "curl");
    /// assert_eq!(Tool::Node.package(), "nodejs");
    /// ```
    pub fn package(self) -> &'static str {
        match self {
            Tool::Curl => "curl",
            Tool::Wget => "wget",
            Tool::Python => "python3",
            Tool::Node => "nodejs",
        }
    }
}

/// A non-root system account for [`Base::create_user_script`] and [`Stage::non_root_user_with`]: a
/// name, a uid (also the gid of its own primary group) and supplementary groups.
///
/// [`Stage::non_root_user_with`]: crate::Stage::non_root_user_with
///
/// ```
/// use dockwright::NonRootUser;
///
/// let user = NonRootUser::new("app", 10001).groups(["audio"]).groups(["video", "audio"]);
/// assert_eq!(user.name(), "app");
/// assert_eq!(user.uid(), 10001);
/// assert_eq!(user.supplementary_groups(), ["audio", "video"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct NonRootUser {
    name: String,
    uid: u32,
    groups: Vec<String>,
}

impl NonRootUser {
    /// The user `name` with uid and gid `uid`, in no other group. The name is checked when the
    /// commands are made (lowercase letters, digits, `_` and `-`, starting with a letter or `_`).
    ///
    /// ```
    /// use dockwright::NonRootUser;
    ///
    /// assert!(NonRootUser::new("app", 10001).supplementary_groups().is_empty());
    /// ```
    pub fn new(name: &str, uid: u32) -> Self {
        NonRootUser { name: name.to_string(), uid, groups: Vec::new() }
    }

    /// Adds supplementary groups (each once, in order), which must exist in the image: `audio`,
    /// `video`, `dialout`...
    ///
    /// ```
    /// use dockwright::NonRootUser;
    ///
    /// let user = NonRootUser::new("app", 10001).groups(["dialout"]);
    /// assert_eq!(user.supplementary_groups(), ["dialout"]);
    /// ```
    pub fn groups<I, S>(mut self, groups: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        for group in groups {
            let group = group.into();
            if !self.groups.contains(&group) {
                self.groups.push(group);
            }
        }
        self
    }

    /// The user name.
    ///
    /// ```
    /// assert_eq!(dockwright::NonRootUser::new("app", 1).name(), "app");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The uid, also the gid of the user's own group.
    ///
    /// ```
    /// assert_eq!(dockwright::NonRootUser::new("app", 10001).uid(), 10001);
    /// ```
    pub fn uid(&self) -> u32 {
        self.uid
    }

    /// The supplementary groups, in the order given.
    ///
    /// ```
    /// let user = dockwright::NonRootUser::new("app", 10001).groups(["audio", "video"]);
    /// assert_eq!(user.supplementary_groups(), ["audio", "video"]);
    /// ```
    pub fn supplementary_groups(&self) -> &[String] {
        &self.groups
    }
}

/// A base image and what is known about it.
///
/// ```
/// use dockwright::{Base, OsFamily};
///
/// let base = Base::python("3.12").slim();
/// assert_eq!(base.reference().unwrap().to_string(), "python:3.12-slim");
/// assert!(base.has_shell());
///
/// let custom = Base::image("registry.corp/team/runtime:2.1", OsFamily::Alpine);
/// assert_eq!(custom.reference().unwrap().to_string(), "registry.corp/team/runtime:2.1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    /// The reference; for a template, the error saying it has no fixed one.
    image: Result<ImageRef, Error>,
    template: Option<ImageTemplate>,
    family: OsFamily,
    tools: BTreeSet<Tool>,
    tools_known: bool,
    user: u32,
}

impl Base {
    /// Any image, with its OS family declared by the caller. Probe tools follow from the family
    /// (Alpine has busybox `wget`; Debian-family and distroless images are assumed to have none).
    ///
    /// ```
    /// use dockwright::{Base, OsFamily, Tool};
    ///
    /// let base = Base::image("registry.corp/tools:1.0", OsFamily::Alpine);
    /// assert_eq!(base.reference().unwrap().to_string(), "registry.corp/tools:1.0");
    /// assert!(base.tools().contains(&Tool::Wget));
    ///
    /// // A bad reference does not fail here: it is kept and reported by `reference` (and validation).
    /// let bad = Base::image("Tools:1.0", OsFamily::Debian);
    /// assert!(bad.reference().unwrap_err().to_string().starts_with("invalid image reference \"Tools:1.0\""));
    /// ```
    ///
    /// `${NAME}` (or `$NAME`) in the reference is the value of global ARG `NAME`, declared with
    /// [`Image::arg`](crate::Image::arg) (a `$` has no other meaning in an image reference). BuildKit
    /// expands it in the `FROM` line; validation, analysis and the size estimate use the ARG's default.
    ///
    /// ```
    /// use dockwright::{Base, Image, OsFamily, Stage};
    ///
    /// let base = Base::image("${REGISTRY}/team/app:${TAG}", OsFamily::Debian);
    /// assert_eq!(base.template().unwrap().to_string(), "${REGISTRY}/team/app:${TAG}");
    ///
    /// let mut image = Image::new().arg("REGISTRY", Some("registry.corp")).arg("TAG", Some("2.1"));
    /// image.stage(Stage::new("app", base).install(["curl"]));
    /// assert!(image.emit().unwrap().starts_with(
    ///     "ARG REGISTRY=registry.corp\nARG TAG=2.1\n\nFROM ${REGISTRY}/team/app:${TAG} AS app\nRUN apt-get update"
    /// ));
    /// ```
    pub fn image(reference: &str, family: OsFamily) -> Self {
        let (image, template) = if reference.contains('$') {
            match ImageTemplate::parse(reference) {
                Ok(template) => (Err(no_fixed_reference(&template)), Some(template)),
                Err(err) => (Err(err), None),
            }
        } else {
            (ImageRef::parse(reference), None)
        };
        Base { image, template, family, tools: family_tools(family), tools_known: false, user: 0 }
    }

    /// `scratch`: the empty image (no shell, no tools, no users).
    ///
    /// ```
    /// assert!(!dockwright::Base::scratch().has_shell());
    /// ```
    pub fn scratch() -> Self {
        Base::image("scratch", OsFamily::Scratch).known()
    }

    /// A preset: its tool list is what the image ships, not a guess from the family.
    pub(crate) fn known(mut self) -> Self {
        self.tools_known = true;
        self
    }

    /// The image reference, or the error that made it invalid. A reference taken from build arguments
    /// has no fixed value: [`Base::template`] gives it.
    ///
    /// ```
    /// use dockwright::Base;
    ///
    /// assert_eq!(Base::alpine("3.19").reference().unwrap().to_string(), "alpine:3.19");
    /// assert!(Base::alpine("3.19 x").reference().is_err());
    /// assert_eq!(
    ///     Base::alpine("${ALPINE}").reference().unwrap_err().to_string(),
    ///     "alpine:${ALPINE} is expanded from global ARGs when the image is built, so it has no fixed reference: \
    ///      Base::template gives the template, Dockerfile::base_image the image with the ARG defaults"
    /// );
    /// ```
    pub fn reference(&self) -> Result<&ImageRef, &Error> {
        self.image.as_ref()
    }

    /// The reference, when it takes parts from global build arguments (`python:${PY}-slim`).
    ///
    /// ```
    /// use dockwright::Base;
    ///
    /// assert_eq!(Base::python("${PY}").slim().template().unwrap().to_string(), "python:${PY}-slim");
    /// assert!(Base::python("3.12").slim().template().is_none());
    /// ```
    pub fn template(&self) -> Option<&ImageTemplate> {
        self.template.as_ref()
    }

    /// What a stage's `FROM` starts from, or why the base cannot be one.
    pub(crate) fn model_base(&self) -> Result<BaseImage, &Error> {
        match (&self.template, &self.image) {
            (Some(template), _) => Ok(BaseImage::Template(template.clone())),
            (None, image) => image.as_ref().map(|image| BaseImage::Image(image.clone())),
        }
    }

    /// The OS family.
    ///
    /// ```
    /// use dockwright::{Base, OsFamily};
    ///
    /// assert_eq!(Base::ubi9().family(), OsFamily::Rhel);
    /// assert_eq!(Base::node("20").alpine().family(), OsFamily::Alpine);
    /// assert_eq!(Base::scratch().family(), OsFamily::Scratch);
    /// ```
    pub fn family(&self) -> OsFamily {
        self.family
    }

    /// The package manager, if the image has one.
    ///
    /// ```
    /// use dockwright::{Base, PackageManager};
    ///
    /// assert_eq!(Base::debian("bookworm-slim").package_manager(), Some(PackageManager::Apt));
    /// assert_eq!(Base::alpine("3.19").package_manager(), Some(PackageManager::Apk));
    /// assert_eq!(Base::ubi9().package_manager(), Some(PackageManager::Dnf));
    /// assert_eq!(Base::scratch().package_manager(), None);
    /// ```
    pub fn package_manager(&self) -> Option<PackageManager> {
        match self.family {
            OsFamily::Debian => Some(PackageManager::Apt),
            OsFamily::Alpine => Some(PackageManager::Apk),
            OsFamily::Rhel => Some(PackageManager::Dnf),
            OsFamily::RhelMinimal => Some(PackageManager::Microdnf),
            OsFamily::Distroless | OsFamily::Scratch => None,
        }
    }

    /// True when the image has `/bin/sh`, so shell-form instructions can run.
    ///
    /// ```
    /// use dockwright::Base;
    ///
    /// assert!(Base::alpine("3.19").has_shell());
    /// assert!(Base::ubi9_minimal().has_shell());
    /// assert!(!Base::distroless_cc().has_shell());
    /// ```
    pub fn has_shell(&self) -> bool {
        !matches!(self.family, OsFamily::Distroless | OsFamily::Scratch)
    }

    /// The probe tools present in the image as shipped.
    ///
    /// ```
    /// use dockwright::{Base, Tool};
    ///
    /// assert_eq!(Base::alpine("3.19").tools().iter().collect::<Vec<_>>(), [&Tool::Wget]);
    /// assert_eq!(Base::ubi9().tools().iter().collect::<Vec<_>>(), [&Tool::Curl]);
    /// assert!(Base::debian("bookworm-slim").tools().is_empty());
    /// ```
    pub fn tools(&self) -> &BTreeSet<Tool> {
        &self.tools
    }

    /// True when [`Base::tools`] is what the image is known to ship (the presets: `Base::python(..)`,
    /// `Base::alpine(..)`, distroless...); false for [`Base::image`], whose tools are assumed from its
    /// family. Explicit healthchecks are checked against the tools only where they are known.
    ///
    /// ```
    /// use dockwright::{Base, OsFamily};
    ///
    /// assert!(Base::python("3.12").slim().tools_known());
    /// assert!(Base::distroless_static().tools_known());
    /// assert!(!Base::image("registry.corp/tools:1.0", OsFamily::Debian).tools_known());
    /// ```
    pub fn tools_known(&self) -> bool {
        self.tools_known
    }

    /// The same base, also declaring that `tool` is present (for images this crate cannot know).
    ///
    /// ```
    /// use dockwright::{Base, OsFamily, Tool};
    ///
    /// let base = Base::image("registry.corp/debian-tools:12", OsFamily::Debian).with_tool(Tool::Curl);
    /// assert!(base.tools().contains(&Tool::Curl));
    /// ```
    #[must_use]
    pub fn with_tool(mut self, tool: Tool) -> Self {
        self.tools.insert(tool);
        self
    }

    /// The uid the image runs as when no `USER` says otherwise: 0 (root) unless declared with
    /// [`Base::with_user`].
    ///
    /// ```
    /// use dockwright::Base;
    ///
    /// assert_eq!(Base::debian("bookworm-slim").user(), 0);
    /// assert_eq!(Base::ubi9_python("3.11").user(), 1001);
    /// ```
    pub fn user(&self) -> u32 {
        self.user
    }

    /// The same base, declaring that the image runs as `uid` (its own `USER`), as Red Hat's language
    /// images (1001) or `nginxinc/nginx-unprivileged` (101) do. Steps that need root
    /// ([`Stage::install`], [`Stage::non_root_user`]) then switch to root and back.
    ///
    /// [`Stage::install`]: crate::Stage::install
    /// [`Stage::non_root_user`]: crate::Stage::non_root_user
    ///
    /// ```
    /// use dockwright::{Base, Image, OsFamily, Stage};
    ///
    /// let nginx = Base::image("nginxinc/nginx-unprivileged:1.27-alpine", OsFamily::Alpine).with_user(101);
    /// assert_eq!(nginx.user(), 101);
    /// let mut image = Image::new();
    /// image.stage(Stage::new("web", nginx).install(["tzdata"]));
    /// assert_eq!(
    ///     image.emit().unwrap(),
    ///     "FROM nginxinc/nginx-unprivileged:1.27-alpine AS web\nUSER 0\nRUN apk add --no-cache tzdata\nUSER 101\n"
    /// );
    /// ```
    #[must_use]
    pub fn with_user(mut self, uid: u32) -> Self {
        self.user = uid;
        self
    }

    /// The same base pulled from a mirror registry: `python:3.12-slim` becomes
    /// `registry.corp/mirror/python:3.12-slim`. Everything known about the base stays the same.
    ///
    /// ```
    /// use dockwright::Base;
    ///
    /// let base = Base::python("3.12").slim().mirrored("registry.corp/mirror");
    /// assert_eq!(base.reference().unwrap().to_string(), "registry.corp/mirror/python:3.12-slim");
    /// assert!(base.tools().contains(&dockwright::Tool::Python));
    ///
    /// // A reference with ARG parts keeps them; one whose registry may come from an ARG cannot be mirrored.
    /// let base = Base::python("${PY}").slim().mirrored("registry.corp/mirror");
    /// assert_eq!(base.template().unwrap().to_string(), "registry.corp/mirror/python:${PY}-slim");
    /// let base = Base::image("${IMAGE}", dockwright::OsFamily::Debian).mirrored("registry.corp");
    /// assert_eq!(
    ///     base.reference().unwrap_err().to_string(),
    ///     "cannot mirror ${IMAGE} through registry.corp: the start of the reference comes from an ARG, so its \
    ///      registry is only known when it is built; make the ARG's default the mirrored image instead"
    /// );
    /// ```
    #[must_use]
    pub fn mirrored(mut self, registry: &str) -> Self {
        match self.template.take() {
            Some(template) => match mirror_template(&template, registry) {
                Ok(mirrored) => {
                    self.image = Err(no_fixed_reference(&mirrored));
                    self.template = Some(mirrored);
                }
                Err(err) => self.image = Err(err),
            },
            None => self.image = self.image.and_then(|image| image.in_registry(registry)),
        }
        self
    }

    /// The commands that install `packages` in one clean layer with this base's package manager:
    /// apt with `--no-install-recommends` and list cleanup, apk with `--no-cache`, dnf/microdnf with
    /// `--nodocs`, no weak dependencies and `clean all`.
    ///
    /// ```
    /// use dockwright::Base;
    ///
    /// assert_eq!(
    ///     Base::debian("bookworm-slim").install_script(&["curl", "ca-certificates"]).unwrap(),
    ///     [
    ///         "apt-get update",
    ///         "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl ca-certificates",
    ///         "rm -rf /var/lib/apt/lists/*",
    ///     ]
    /// );
    /// assert_eq!(Base::alpine("3.19").install_script(&["nginx"]).unwrap(), ["apk add --no-cache nginx"]);
    /// assert!(Base::distroless_static().install_script(&["curl"]).is_err());
    /// assert!(Base::alpine("3.19").install_script(&["curl; rm -rf /"]).is_err());
    /// ```
    pub fn install_script(&self, packages: &[&str]) -> Result<Vec<String>, Error> {
        if packages.is_empty() {
            return Err(Error::new(ErrorKind::Unsupported, "install needs at least one package name"));
        }
        for package in packages {
            check_package(package)?;
        }
        let list = packages.join(" ");
        let script = match self.package_manager() {
            Some(PackageManager::Apt) => vec![
                "apt-get update".to_string(),
                format!("DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends {list}"),
                "rm -rf /var/lib/apt/lists/*".to_string(),
            ],
            Some(PackageManager::Apk) => vec![format!("apk add --no-cache {list}")],
            Some(PackageManager::Dnf) => vec![
                format!("dnf install -y --nodocs --setopt=install_weak_deps=False {list}"),
                "dnf clean all".to_string(),
            ],
            Some(PackageManager::Microdnf) => vec![
                format!("microdnf install -y --nodocs --setopt=install_weak_deps=0 {list}"),
                "microdnf clean all".to_string(),
            ],
            None => {
                return Err(Error::new(
                    ErrorKind::Unsupported,
                    format!(
                        "cannot install {list} on {}: it has no package manager; install in a builder stage and copy the files",
                        self.describe()
                    ),
                ));
            }
        };
        Ok(script)
    }

    /// The commands that create a system user `name` with uid and gid `uid`, a home directory and no
    /// login shell; empty for images without a shell (use the numeric `USER uid:uid` there). Same as
    /// [`Base::create_user_script`] with `NonRootUser::new(name, uid)`.
    ///
    /// ```
    /// use dockwright::Base;
    ///
    /// assert_eq!(
    ///     Base::alpine("3.19").user_script("app", 10001).unwrap(),
    ///     ["addgroup -S -g 10001 app", "adduser -S -D -u 10001 -G app -h /home/app -s /sbin/nologin app"]
    /// );
    /// assert!(Base::distroless_static().user_script("app", 10001).unwrap().is_empty());
    /// assert!(Base::alpine("3.19").user_script("App User", 10001).is_err());
    /// ```
    pub fn user_script(&self, name: &str, uid: u32) -> Result<Vec<String>, Error> {
        self.create_user_script(&NonRootUser::new(name, uid))
    }

    /// The commands that create `user` the way this base's family does it: `useradd` (with
    /// `--groups`/`-G` for supplementary groups) on Debian and UBI, busybox `addgroup`/`adduser` on
    /// Alpine (`addgroup <user> <group>` for each supplementary group), direct `/etc/passwd` and
    /// `/etc/group` entries on UBI minimal, which has no shadow-utils. Supplementary groups must exist
    /// in the image; the commands fail the build when one does not. Images without a shell get no
    /// commands, and cannot take supplementary groups (an error).
    ///
    /// ```
    /// use dockwright::{Base, NonRootUser};
    ///
    /// let user = NonRootUser::new("app", 10001).groups(["audio", "video"]);
    /// assert_eq!(
    ///     Base::debian("bookworm-slim").create_user_script(&user).unwrap(),
    ///     [
    ///         "groupadd --system --gid 10001 app",
    ///         "useradd --system --no-log-init --uid 10001 --gid app --groups audio,video --create-home --home-dir /home/app --shell /usr/sbin/nologin app",
    ///     ]
    /// );
    /// assert_eq!(
    ///     Base::alpine("3.19").create_user_script(&user).unwrap(),
    ///     [
    ///         "addgroup -S -g 10001 app",
    ///         "adduser -S -D -u 10001 -G app -h /home/app -s /sbin/nologin app",
    ///         "addgroup app audio",
    ///         "addgroup app video",
    ///     ]
    /// );
    /// assert_eq!(
    ///     Base::ubi9().create_user_script(&user).unwrap(),
    ///     [
    ///         "groupadd -r -g 10001 app",
    ///         "useradd -r -l -u 10001 -g app -G audio,video -m -d /home/app -s /sbin/nologin app",
    ///     ]
    /// );
    /// assert_eq!(
    ///     Base::ubi9_minimal().create_user_script(&NonRootUser::new("app", 10001).groups(["audio"])).unwrap(),
    ///     [
    ///         "echo 'app:x:10001:10001::/home/app:/sbin/nologin' >> /etc/passwd",
    ///         "echo 'app:x:10001:' >> /etc/group",
    ///         "mkdir -p /home/app",
    ///         "chown 10001:10001 /home/app",
    ///         "grep -q '^audio:' /etc/group",
    ///         "sed -i -e '/^audio:/s/$/,app/' -e '/^audio:/s/:,/:/' /etc/group",
    ///     ]
    /// );
    /// assert_eq!(
    ///     Base::distroless_static().create_user_script(&user).unwrap_err().to_string(),
    ///     "cannot add user \"app\" to groups audio, video: gcr.io/distroless/static-debian12 (distroless) has no \
    ///      shell to edit /etc/group with; add the groups in a builder stage and copy /etc/passwd and /etc/group, \
    ///      or use a base with a shell"
    /// );
    /// ```
    pub fn create_user_script(&self, user: &NonRootUser) -> Result<Vec<String>, Error> {
        let (name, uid) = (user.name.as_str(), user.uid);
        check_account_name("user", name)?;
        if uid == 0 {
            return Err(Error::new(ErrorKind::InvalidUser, format!("user {name:?} cannot have uid 0: that is root")));
        }
        for group in &user.groups {
            check_account_name("group", group)?;
        }
        let groups: Vec<&str> = user.groups.iter().map(String::as_str).filter(|group| *group != name).collect();
        let list = groups.join(",");
        let mut script = match self.family {
            OsFamily::Debian => {
                let groups = if groups.is_empty() { String::new() } else { format!(" --groups {list}") };
                vec![
                    format!("groupadd --system --gid {uid} {name}"),
                    format!(
                        "useradd --system --no-log-init --uid {uid} --gid {name}{groups} --create-home --home-dir /home/{name} --shell /usr/sbin/nologin {name}"
                    ),
                ]
            }
            OsFamily::Alpine => vec![
                format!("addgroup -S -g {uid} {name}"),
                format!("adduser -S -D -u {uid} -G {name} -h /home/{name} -s /sbin/nologin {name}"),
            ],
            OsFamily::Rhel => {
                let groups = if groups.is_empty() { String::new() } else { format!(" -G {list}") };
                vec![
                    format!("groupadd -r -g {uid} {name}"),
                    format!("useradd -r -l -u {uid} -g {name}{groups} -m -d /home/{name} -s /sbin/nologin {name}"),
                ]
            }
            OsFamily::RhelMinimal => vec![
                format!("echo '{name}:x:{uid}:{uid}::/home/{name}:/sbin/nologin' >> /etc/passwd"),
                format!("echo '{name}:x:{uid}:' >> /etc/group"),
                format!("mkdir -p /home/{name}"),
                format!("chown {uid}:{uid} /home/{name}"),
            ],
            OsFamily::Distroless | OsFamily::Scratch => {
                if !groups.is_empty() {
                    return Err(Error::new(
                        ErrorKind::Unsupported,
                        format!(
                            "cannot add user {name:?} to groups {}: {} has no shell to edit /etc/group with; add the \
                             groups in a builder stage and copy /etc/passwd and /etc/group, or use a base with a shell",
                            groups.join(", "),
                            self.describe()
                        ),
                    ));
                }
                Vec::new()
            }
        };
        match self.family {
            OsFamily::Alpine => script.extend(groups.iter().map(|group| format!("addgroup {name} {group}"))),
            OsFamily::RhelMinimal => {
                for group in &groups {
                    // Appends the user to the member list; the second expression fixes an empty list.
                    script.push(format!("grep -q '^{group}:' /etc/group"));
                    script.push(format!("sed -i -e '/^{group}:/s/$/,{name}/' -e '/^{group}:/s/:,/:/' /etc/group"));
                }
            }
            _ => {}
        }
        Ok(script)
    }

    /// A short description for messages: the image and its family.
    ///
    /// ```
    /// assert_eq!(dockwright::Base::alpine("3.19").describe(), "alpine:3.19 (alpine)");
    /// ```
    pub fn describe(&self) -> String {
        let family = match self.family {
            OsFamily::Debian => "debian",
            OsFamily::Alpine => "alpine",
            OsFamily::Rhel => "ubi",
            OsFamily::RhelMinimal => "ubi-minimal",
            OsFamily::Distroless => "distroless",
            OsFamily::Scratch => "scratch",
        };
        match (&self.template, &self.image) {
            (Some(template), _) => format!("{template} ({family})"),
            (None, Ok(image)) => format!("{image} ({family})"),
            (None, Err(_)) => format!("an invalid image ({family})"),
        }
    }
}

/// What [`Base::reference`] says of a base whose reference comes from build arguments.
fn no_fixed_reference(template: &ImageTemplate) -> Error {
    Error::new(
        ErrorKind::Unsupported,
        format!(
            "{template} is expanded from global ARGs when the image is built, so it has no fixed reference: \
             Base::template gives the template, Dockerfile::base_image the image with the ARG defaults"
        ),
    )
}

/// `template` pulled through `registry`, as [`ImageRef::in_registry`] does for a fixed reference: a
/// registry written in the template is replaced, otherwise the registry goes in front.
fn mirror_template(template: &ImageTemplate, registry: &str) -> Result<ImageTemplate, Error> {
    let text = template.to_string();
    let (first, rest) = text.split_once('/').unwrap_or((&text, ""));
    // The part that may name a registry: the first path component, or the repository of a one-part name.
    let head = if rest.is_empty() { first.split([':', '@']).next().unwrap_or_default() } else { first };
    if head.contains('$') {
        return Err(Error::new(
            ErrorKind::Unsupported,
            format!(
                "cannot mirror {template} through {registry}: the start of the reference comes from an ARG, so its \
                 registry is only known when it is built; make the ARG's default the mirrored image instead"
            ),
        ));
    }
    let has_registry = !rest.is_empty() && (first.contains(['.', ':']) || first == "localhost");
    let path = if has_registry { rest } else { text.as_str() };
    ImageTemplate::parse(&format!("{}/{path}", registry.trim_end_matches('/')))
}

/// Probe tools every image of a family has, when nothing more is known.
fn family_tools(family: OsFamily) -> BTreeSet<Tool> {
    match family {
        OsFamily::Alpine => BTreeSet::from([Tool::Wget]),
        OsFamily::Rhel | OsFamily::RhelMinimal => BTreeSet::from([Tool::Curl]),
        OsFamily::Debian | OsFamily::Distroless | OsFamily::Scratch => BTreeSet::new(),
    }
}

/// A user or group name the account tools accept and a shell reads as one plain word.
fn check_account_name(what: &str, name: &str) -> Result<(), Error> {
    let mut chars = name.chars();
    let valid = matches!(chars.next(), Some('a'..='z' | '_'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_' | '-'))
        && name.len() <= 32;
    if valid {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::InvalidUser,
            format!("invalid {what} name {name:?}: use lowercase letters, digits, '_' and '-', starting with a letter"),
        ))
    }
}

fn check_package(package: &str) -> Result<(), Error> {
    let mut chars = package.chars();
    let valid = matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | '_' | ':' | '=' | '~'));
    if !valid {
        return Err(Error::new(
            ErrorKind::Unsupported,
            format!(
                "invalid package name {package:?}: use a package name, optionally with a version pin like 'curl=7.88.1-10'"
            ),
        ));
    }
    Ok(())
}
