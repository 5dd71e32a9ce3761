//! Base-image mapping: pull every base image from somewhere else without touching anything else.
//!
//! Air-gapped sites mirror `python:3.12-slim` as `registry.corp/python:3.12-slim`; tests map the seeds'
//! bases onto images built locally. A [`BaseMapping`] rewrites the image references a Dockerfile pulls
//! (`FROM`, `COPY --from=<image>`, `RUN --mount=from=<image>`) and nothing else.
//!
//! A `FROM` whose reference comes from global ARGs (`FROM python:${PY}-slim`) is mapped by the image its
//! ARG defaults give ([`Dockerfile::base_image`]): when the mapping changes that image, the `FROM` names the
//! mapped image literally, so that build no longer follows a `--build-arg` for it; when it does not, the
//! `FROM` keeps its variables.
//!
//! A digest-pinned reference (`alpine:3.19@sha256:...`) is matched as written: a replacement for its tag
//! applies only when the mapping says so ([`BaseMapping::map_pinned_by_tag`]), since it drops the pin.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::{BaseImage, Dockerfile, FromSource, ImageRef, Instruction, Mount};

/// Where to pull base images from: exact replacements first, then an optional registry prefix for every
/// other image. Stage references and `scratch` are never mapped.
///
/// ```
/// use dockwright::base::BaseMapping;
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// let build = image.stage(Stage::new("build", Base::golang("1.22").bookworm()).run("go version"));
/// image.stage(Stage::new("app", Base::python("3.12").slim()).copy_from(&build, ["/go/bin"], "/opt/go/"));
///
/// let mapping = BaseMapping::new()
///     .map("python:3.12-slim", "dockwright/python:3.11-slim")
///     .unwrap()
///     .registry("registry.corp/mirror");
/// assert_eq!(
///     image.emit_mapped(&mapping).unwrap(),
///     "FROM registry.corp/mirror/golang:1.22-bookworm AS build\n\
///      RUN go version\n\
///      \n\
///      FROM dockwright/python:3.11-slim AS app\n\
///      COPY --from=build [\"/go/bin\", \"/opt/go/\"]\n"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BaseMapping {
    /// Exact replacements, by the image reference as written.
    #[serde(default)]
    pub images: BTreeMap<String, ImageRef>,
    /// A registry (and path) that every other image is pulled through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<String>,
    /// Whether a replacement for `name:tag` also replaces a digest-pinned `name:tag@sha256:...`
    /// ([`BaseMapping::map_pinned_by_tag`]); off by default, so a pin is never dropped silently.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pinned_by_tag: bool,
}

impl BaseMapping {
    /// A mapping that changes nothing.
    ///
    /// ```
    /// use dockwright::base::BaseMapping;
    ///
    /// assert!(BaseMapping::new().images.is_empty());
    /// ```
    pub fn new() -> Self {
        BaseMapping::default()
    }

    /// Pulls `to` wherever `from` is used.
    ///
    /// ```
    /// use dockwright::base::BaseMapping;
    ///
    /// let mapping = BaseMapping::new().map("alpine:3.19", "registry.corp/alpine:3.19").unwrap();
    /// assert_eq!(mapping.images["alpine:3.19"].to_string(), "registry.corp/alpine:3.19");
    /// assert!(BaseMapping::new().map("alpine:3.19", "Not An Image").is_err());
    /// ```
    pub fn map(mut self, from: &str, to: &str) -> Result<Self, Error> {
        let from = ImageRef::parse(from)?;
        self.images.insert(from.to_string(), ImageRef::parse(to)?);
        Ok(self)
    }

    /// Lets a replacement for `name:tag` also replace the digest-pinned `name:tag@sha256:...`, which
    /// drops the pin: the build then pulls the stand-in, not the pinned image. Without it, replacements
    /// match the reference as written, so a pinned base keeps its digest (and, with a
    /// [registry](BaseMapping::registry), is pulled through it with its digest) unless the mapping names
    /// the pinned reference itself. A replacement for the pinned reference wins over one for its tag.
    ///
    /// ```
    /// use dockwright::base::BaseMapping;
    /// use dockwright::ImageRef;
    ///
    /// let pinned = ImageRef::parse(&format!("alpine:3.19@sha256:{}", "ab".repeat(32))).unwrap();
    /// let mapping = BaseMapping::new().map("alpine:3.19", "dockwright/alpine:3.19").unwrap();
    /// // The pin is kept: a mapping for the tag does not say the pinned image may be replaced.
    /// assert_eq!(mapping.image(&pinned).unwrap(), pinned);
    /// // Opted in: the pinned reference is mapped by its tag.
    /// let mapping = mapping.map_pinned_by_tag();
    /// assert_eq!(mapping.image(&pinned).unwrap().to_string(), "dockwright/alpine:3.19");
    /// ```
    #[must_use]
    pub fn map_pinned_by_tag(mut self) -> Self {
        self.pinned_by_tag = true;
        self
    }

    /// Pulls every image without an exact replacement through `registry`
    /// (`python:3.12-slim` becomes `<registry>/python:3.12-slim`).
    ///
    /// ```
    /// use dockwright::base::BaseMapping;
    /// use dockwright::ImageRef;
    ///
    /// let mapping = BaseMapping::new().registry("registry.corp");
    /// let image = ImageRef::parse("node:20-alpine").unwrap();
    /// assert_eq!(mapping.image(&image).unwrap().to_string(), "registry.corp/node:20-alpine");
    /// ```
    #[must_use]
    pub fn registry(mut self, registry: &str) -> Self {
        self.registry = Some(registry.to_string());
        self
    }

    /// Where `image` is pulled from under this mapping (`scratch` stays `scratch`): the replacement for
    /// the reference as written, else (with [`BaseMapping::map_pinned_by_tag`]) the one for a pinned
    /// reference's tag, else the reference through the [registry](BaseMapping::registry), if any.
    ///
    /// ```
    /// use dockwright::base::BaseMapping;
    /// use dockwright::ImageRef;
    ///
    /// let mapping = BaseMapping::new().registry("registry.corp");
    /// let scratch = ImageRef::parse("scratch").unwrap();
    /// assert_eq!(mapping.image(&scratch).unwrap(), scratch);
    /// ```
    pub fn image(&self, image: &ImageRef) -> Result<ImageRef, Error> {
        if let Some(to) = self.images.get(&image.to_string()) {
            return Ok(to.clone());
        }
        if self.pinned_by_tag {
            if let Some(to) = image.by_tag().and_then(|tagged| self.images.get(&tagged.to_string())) {
                return Ok(to.clone());
            }
        }
        match &self.registry {
            Some(registry) if !image.is_scratch() => image.in_registry(registry),
            _ => Ok(image.clone()),
        }
    }

    /// The Dockerfile with every pulled image mapped; everything else is unchanged.
    ///
    /// ```
    /// use dockwright::base::BaseMapping;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).run("echo ok"));
    /// let model = image.to_model().unwrap();
    /// let mapped = BaseMapping::new().registry("mirror.local:5000").apply(&model).unwrap();
    /// assert_eq!(dockwright::emit(&mapped), "FROM mirror.local:5000/alpine:3.19 AS app\nRUN echo ok\n");
    /// ```
    ///
    /// A `FROM` with ARG parts is mapped by its default image, and then names the mapped image:
    ///
    /// ```
    /// use dockwright::base::BaseMapping;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new().arg("PY", Some("3.12"));
    /// image.stage(Stage::new("app", Base::python("${PY}").slim()));
    /// image.stage(Stage::new("tools", Base::alpine("${PY}")));
    /// let model = image.to_model().unwrap();
    /// let mapping = BaseMapping::new().map("python:3.12-slim", "dockwright/python:3.11-slim").unwrap();
    /// assert_eq!(
    ///     dockwright::emit(&mapping.apply(&model).unwrap()),
    ///     "ARG PY=3.12\n\nFROM dockwright/python:3.11-slim AS app\n\nFROM alpine:${PY} AS tools\n"
    /// );
    /// ```
    pub fn apply(&self, dockerfile: &Dockerfile) -> Result<Dockerfile, Error> {
        let mut mapped = dockerfile.clone();
        for (index, stage) in mapped.stages.iter_mut().enumerate() {
            match &mut stage.from.base {
                BaseImage::Image(image) => *image = self.image(image)?,
                BaseImage::Template(_) => {
                    let place = stage
                        .from
                        .name
                        .as_ref()
                        .map_or_else(|| format!("stage {}", index + 1), |name| format!("stage '{name}'"));
                    if let Some(default) = dockerfile.base_image(&stage.from.base) {
                        let default = default.map_err(|err| err.at(place))?;
                        let to = self.image(&default)?;
                        if to != default {
                            stage.from.base = BaseImage::Image(to);
                        }
                    }
                }
                BaseImage::Stage(_) => {}
            }
            for instruction in &mut stage.instructions {
                self.map_instruction(instruction)?;
            }
        }
        Ok(mapped)
    }

    fn map_instruction(&self, instruction: &mut Instruction) -> Result<(), Error> {
        let map_from = |from: &mut Option<FromSource>| -> Result<(), Error> {
            if let Some(FromSource::Image(image)) = from {
                *image = self.image(image)?;
            }
            Ok(())
        };
        match instruction {
            Instruction::Copy(copy) => map_from(&mut copy.from)?,
            Instruction::Run(run) => {
                for mount in &mut run.mounts {
                    if let Mount::Bind { from, .. } | Mount::Cache { from, .. } = mount {
                        map_from(from)?;
                    }
                }
            }
            Instruction::OnBuild(onbuild) => self.map_instruction(&mut onbuild.trigger)?,
            _ => {}
        }
        Ok(())
    }
}
