//! Presets for common base images, with what each ships: family, shell, probe tools.

use std::collections::BTreeSet;

use super::{Base, OsFamily, Tool};
use crate::model::ImageRef;

/// An official image with several variants, e.g. `python:3.12` with `-slim` and `-alpine` tags.
/// Pick a variant, or use it as is for the default (full Debian) variant.
///
/// ```
/// use dockwright::{Base, OsFamily, Tool};
///
/// let full: Base = Base::python("3.12").into();
/// assert_eq!(full.reference().unwrap().to_string(), "python:3.12");
/// assert!(full.tools().contains(&Tool::Curl));
///
/// let slim = Base::python("3.12").slim();
/// assert_eq!(slim.reference().unwrap().to_string(), "python:3.12-slim");
/// assert!(!slim.tools().contains(&Tool::Curl));
///
/// let alpine = Base::golang("1.22").alpine();
/// assert_eq!(alpine.reference().unwrap().to_string(), "golang:1.22-alpine");
/// assert_eq!(alpine.family(), OsFamily::Alpine);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Official {
    repository: &'static str,
    version: String,
    runtime: Option<Tool>,
}

impl Official {
    /// The full Debian variant (`python:3.12`): curl and wget included.
    ///
    /// ```
    /// use dockwright::{Base, OsFamily, Tool};
    ///
    /// let base = Base::golang("1.22").full();
    /// assert_eq!(base.reference().unwrap().to_string(), "golang:1.22");
    /// assert_eq!(base.family(), OsFamily::Debian);
    /// assert!(base.tools().contains(&Tool::Curl) && base.tools().contains(&Tool::Wget));
    /// ```
    pub fn full(&self) -> Base {
        self.variant("", OsFamily::Debian, &[Tool::Curl, Tool::Wget])
    }

    /// The `-slim` variant (`python:3.12-slim`): Debian without curl or wget.
    ///
    /// ```
    /// use dockwright::{Base, Tool};
    ///
    /// let base = Base::python("3.12").slim();
    /// assert_eq!(base.reference().unwrap().to_string(), "python:3.12-slim");
    /// assert_eq!(base.tools().iter().collect::<Vec<_>>(), [&Tool::Python]);
    /// ```
    pub fn slim(&self) -> Base {
        self.variant("-slim", OsFamily::Debian, &[])
    }

    /// The `-alpine` variant (`python:3.12-alpine`): busybox `wget`, no curl.
    ///
    /// ```
    /// use dockwright::{Base, OsFamily, Tool};
    ///
    /// let base = Base::node("20").alpine();
    /// assert_eq!(base.reference().unwrap().to_string(), "node:20-alpine");
    /// assert_eq!(base.family(), OsFamily::Alpine);
    /// assert_eq!(base.tools().iter().collect::<Vec<_>>(), [&Tool::Wget, &Tool::Node]);
    /// ```
    pub fn alpine(&self) -> Base {
        self.variant("-alpine", OsFamily::Alpine, &[Tool::Wget])
    }

    /// The `-bookworm` variant (`golang:1.22-bookworm`): full Debian 12.
    ///
    /// ```
    /// use dockwright::{Base, OsFamily, Tool};
    ///
    /// let base = Base::golang("1.22").bookworm();
    /// assert_eq!(base.reference().unwrap().to_string(), "golang:1.22-bookworm");
    /// assert_eq!(base.family(), OsFamily::Debian);
    /// assert!(base.tools().contains(&Tool::Curl));
    /// ```
    pub fn bookworm(&self) -> Base {
        self.variant("-bookworm", OsFamily::Debian, &[Tool::Curl, Tool::Wget])
    }

    /// The `-slim-bookworm` variant (`python:3.11-slim-bookworm`).
    ///
    /// ```
    /// use dockwright::{Base, Tool};
    ///
    /// let base = Base::python("3.11").slim_bookworm();
    /// assert_eq!(base.reference().unwrap().to_string(), "python:3.11-slim-bookworm");
    /// assert!(!base.tools().contains(&Tool::Curl));
    /// assert!(base.tools().contains(&Tool::Python));
    /// ```
    pub fn slim_bookworm(&self) -> Base {
        self.variant("-slim-bookworm", OsFamily::Debian, &[])
    }

    fn variant(&self, suffix: &str, family: OsFamily, tools: &[Tool]) -> Base {
        let mut base = Base::image(&format!("{}:{}{suffix}", self.repository, self.version), family).known();
        base.tools = tools.iter().copied().chain(self.runtime).collect::<BTreeSet<_>>();
        base
    }
}

impl From<Official> for Base {
    fn from(official: Official) -> Base {
        official.full()
    }
}

impl Base {
    /// The official `python` image at `version` (e.g. `"3.12"`); pick `.slim()`, `.alpine()` or the full
    /// variant. Every variant has `python3`, which healthchecks can use as a probe.
    ///
    /// ```
    /// use dockwright::{Base, Tool};
    ///
    /// let base = Base::python("3.12").alpine();
    /// assert_eq!(base.reference().unwrap().to_string(), "python:3.12-alpine");
    /// assert!(base.tools().contains(&Tool::Python));
    ///
    /// // The version becomes part of the tag, so a bad one shows up in the reference.
    /// assert!(Base::python("3.12 rc").slim().reference().is_err());
    ///
    /// // A version from a global ARG (declared with `Image::arg("PY", Some("3.12"))`) keeps the knowledge.
    /// let base = Base::python("${PY}").slim();
    /// assert_eq!(base.template().unwrap().to_string(), "python:${PY}-slim");
    /// assert!(base.tools().contains(&Tool::Python));
    /// ```
    pub fn python(version: &str) -> Official {
        Official { repository: "python", version: version.to_string(), runtime: Some(Tool::Python) }
    }

    /// The official `node` image at `version`; every variant has `node`.
    ///
    /// ```
    /// let base = dockwright::Base::node("20").alpine();
    /// assert_eq!(base.reference().unwrap().to_string(), "node:20-alpine");
    /// ```
    pub fn node(version: &str) -> Official {
        Official { repository: "node", version: version.to_string(), runtime: Some(Tool::Node) }
    }

    /// The official `golang` image at `version`.
    ///
    /// ```
    /// let base = dockwright::Base::golang("1.22").bookworm();
    /// assert_eq!(base.reference().unwrap().to_string(), "golang:1.22-bookworm");
    /// ```
    pub fn golang(version: &str) -> Official {
        Official { repository: "golang", version: version.to_string(), runtime: None }
    }

    /// `debian:<tag>`, e.g. `Base::debian("bookworm-slim")`: no curl or wget.
    ///
    /// ```
    /// assert_eq!(dockwright::Base::debian("bookworm-slim").reference().unwrap().to_string(), "debian:bookworm-slim");
    /// ```
    pub fn debian(tag: &str) -> Base {
        Base::image(&format!("debian:{tag}"), OsFamily::Debian).known()
    }

    /// `ubuntu:<tag>`, e.g. `Base::ubuntu("24.04")`: no curl or wget.
    ///
    /// ```
    /// assert_eq!(dockwright::Base::ubuntu("24.04").family(), dockwright::OsFamily::Debian);
    /// ```
    pub fn ubuntu(tag: &str) -> Base {
        Base::image(&format!("ubuntu:{tag}"), OsFamily::Debian).known()
    }

    /// `alpine:<version>`: busybox `wget`.
    ///
    /// ```
    /// assert_eq!(dockwright::Base::alpine("3.19").reference().unwrap().to_string(), "alpine:3.19");
    /// ```
    pub fn alpine(version: &str) -> Base {
        Base::image(&format!("alpine:{version}"), OsFamily::Alpine).known()
    }

    /// Red Hat UBI 9 (`ubi9/ubi`): dnf, shadow-utils, curl.
    ///
    /// ```
    /// assert_eq!(dockwright::Base::ubi9().reference().unwrap().to_string(), "registry.access.redhat.com/ubi9/ubi:latest");
    /// ```
    pub fn ubi9() -> Base {
        Base::image("registry.access.redhat.com/ubi9/ubi:latest", OsFamily::Rhel).known()
    }

    /// Red Hat UBI 9 minimal (`ubi9/ubi-minimal`): microdnf, curl, no shadow-utils.
    ///
    /// ```
    /// assert_eq!(dockwright::Base::ubi9_minimal().family(), dockwright::OsFamily::RhelMinimal);
    /// ```
    pub fn ubi9_minimal() -> Base {
        Base::image("registry.access.redhat.com/ubi9/ubi-minimal:latest", OsFamily::RhelMinimal).known()
    }

    /// Red Hat UBI 9 with Python (`ubi9/python-311` for `"3.11"`): dnf, curl, python3; runs as uid 1001,
    /// so steps that need root switch to it and back (see [`Base::with_user`]).
    ///
    /// ```
    /// let base = dockwright::Base::ubi9_python("3.11");
    /// assert_eq!(base.reference().unwrap().to_string(), "registry.access.redhat.com/ubi9/python-311:latest");
    /// assert!(base.tools().contains(&dockwright::Tool::Python));
    /// assert_eq!(base.user(), 1001);
    /// ```
    pub fn ubi9_python(version: &str) -> Base {
        let compact: String = version.chars().filter(|c| *c != '.').collect();
        Base::image(&format!("registry.access.redhat.com/ubi9/python-{compact}:latest"), OsFamily::Rhel)
            .known()
            .with_tool(Tool::Python)
            .with_user(1001)
    }

    /// `gcr.io/distroless/static-debian12`: no shell, no libc; for static binaries.
    ///
    /// ```
    /// assert!(dockwright::Base::distroless_static().tools().is_empty());
    /// ```
    pub fn distroless_static() -> Base {
        Base::image("gcr.io/distroless/static-debian12", OsFamily::Distroless).known()
    }

    /// `gcr.io/distroless/cc-debian12`: glibc and libstdc++, no shell; for dynamically linked binaries.
    ///
    /// ```
    /// assert!(!dockwright::Base::distroless_cc().has_shell());
    /// ```
    pub fn distroless_cc() -> Base {
        Base::image("gcr.io/distroless/cc-debian12", OsFamily::Distroless).known()
    }

    /// `gcr.io/distroless/python3-debian12`: python3, no shell.
    ///
    /// ```
    /// assert!(dockwright::Base::distroless_python().tools().contains(&dockwright::Tool::Python));
    /// ```
    pub fn distroless_python() -> Base {
        Base::image("gcr.io/distroless/python3-debian12", OsFamily::Distroless).known().with_tool(Tool::Python)
    }

    /// The preset an image reference is, when it is one: what dockwright knows about the images it
    /// has presets for (family, shell, probe tools), for a Dockerfile that names them. `None` for any
    /// other image (and for `scratch`).
    ///
    /// ```
    /// use dockwright::{Base, ImageRef, Tool};
    ///
    /// let slim = Base::recognize(&ImageRef::parse("python:3.12-slim").unwrap()).unwrap();
    /// assert_eq!(slim, Base::python("3.12").slim());
    /// assert!(!slim.tools().contains(&Tool::Curl));
    /// assert_eq!(Base::recognize(&ImageRef::parse("alpine:3.20").unwrap()), Some(Base::alpine("3.20")));
    /// let distroless = ImageRef::parse("gcr.io/distroless/static-debian12").unwrap();
    /// assert_eq!(Base::recognize(&distroless), Some(Base::distroless_static()));
    /// assert_eq!(Base::recognize(&ImageRef::parse("example.com/app:1").unwrap()), None);
    /// ```
    #[must_use]
    pub fn recognize(image: &ImageRef) -> Option<Base> {
        Base::preset_calls(image).into_iter().map(|(_, base)| base).next()
    }

    /// Every preset whose reference is `image`, with the Rust call that makes it
    /// (`Base::python("3.12").slim()`), best first: what [`Base::recognize`] answers and what
    /// Dockerfile -> Rust writes.
    pub(crate) fn preset_calls(image: &ImageRef) -> Vec<(String, Base)> {
        let tag = image.tag().unwrap_or_default();
        let mut candidates: Vec<(String, Base)> = Vec::new();
        let official = match image.repository() {
            "python" => Some(("python", Base::python as fn(&str) -> Official)),
            "node" => Some(("node", Base::node as fn(&str) -> Official)),
            "golang" => Some(("golang", Base::golang as fn(&str) -> Official)),
            _ => None,
        };
        if let Some((name, official)) = official {
            type Variant = fn(&Official) -> Base;
            let variants: [(&str, &str, Variant); 5] = [
                ("-slim-bookworm", "slim_bookworm", Official::slim_bookworm),
                ("-slim", "slim", Official::slim),
                ("-alpine", "alpine", Official::alpine),
                ("-bookworm", "bookworm", Official::bookworm),
                ("", "full", Official::full),
            ];
            for (suffix, method, variant) in variants {
                if let Some(version) = tag.strip_suffix(suffix).filter(|version| !version.is_empty()) {
                    candidates.push((format!("Base::{name}({version:?}).{method}()"), variant(&official(version))));
                }
            }
        }
        match image.repository() {
            _ if tag.is_empty() => {}
            "debian" => candidates.push((format!("Base::debian({tag:?})"), Base::debian(tag))),
            "ubuntu" => candidates.push((format!("Base::ubuntu({tag:?})"), Base::ubuntu(tag))),
            "alpine" => candidates.push((format!("Base::alpine({tag:?})"), Base::alpine(tag))),
            _ => {}
        }
        type Preset = (&'static str, fn() -> Base);
        let presets: [Preset; 5] = [
            ("Base::ubi9()", Base::ubi9),
            ("Base::ubi9_minimal()", Base::ubi9_minimal),
            ("Base::distroless_static()", Base::distroless_static),
            ("Base::distroless_cc()", Base::distroless_cc),
            ("Base::distroless_python()", Base::distroless_python),
        ];
        candidates.extend(presets.into_iter().map(|(rust, make)| (rust.to_string(), make())));
        candidates.retain(|(_, base)| base.reference().is_ok_and(|reference| reference == image));
        candidates
    }
}
