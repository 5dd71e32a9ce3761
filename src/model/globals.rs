//! Global ARGs (declared before the first `FROM`) and the `FROM` lines that read them.
//!
//! BuildKit expands only global ARGs in `FROM` (the image and `--platform`), plus the platform ARGs it
//! defines for every build. [`Dockerfile::base_image`] is the one place that resolves an
//! [`ImageTemplate`] with the global ARG defaults: validation, analysis, the estimator and base mapping
//! all read the image through it. [`check_from`] holds the validation rules.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::{Arg, BaseImage, Dockerfile, FromInstruction, ImageRef, ImageTemplate, Instruction, Platform, Stage};
use crate::error::{Error, ErrorKind};

/// The ARGs BuildKit defines in the global scope of every build: a `FROM --platform=` may use them
/// without declaring them.
///
/// ```
/// assert!(dockwright::model::PLATFORM_ARGS.contains(&"BUILDPLATFORM"));
/// assert!(!dockwright::model::PLATFORM_ARGS.contains(&"PY_VERSION"));
/// ```
pub const PLATFORM_ARGS: &[&str] = &[
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
];

impl Dockerfile {
    /// The image `base` pulls when the build passes no `--build-arg`: an [`ImageRef`] as written, an
    /// [`ImageTemplate`] expanded with the global ARG defaults (each default seeing the global ARGs
    /// before it; an ARG without a default expands to nothing, as in BuildKit), or an error when that
    /// expansion is not a valid image reference. `None` for `FROM <stage>`.
    ///
    /// Analysis (cache keys, the stage graph), the size estimate and [`BaseMapping`](crate::base::BaseMapping)
    /// all take a templated base to be this image.
    ///
    /// ```
    /// use dockwright::model::BaseImage;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new().arg("PY", Some("3.12"));
    /// image.stage(Stage::new("app", Base::python("${PY}").slim()));
    /// let dockerfile = image.to_model().unwrap();
    /// let base = &dockerfile.stages[0].from.base;
    /// assert_eq!(base.to_string(), "python:${PY}-slim");
    /// assert_eq!(dockerfile.base_image(base).unwrap().unwrap().to_string(), "python:3.12-slim");
    ///
    /// // Without a default, PY expands to nothing.
    /// let mut unset = dockerfile.clone();
    /// unset.args[0].default = None;
    /// assert_eq!(
    ///     unset.base_image(base).unwrap().unwrap_err().to_string(),
    ///     "FROM python:${PY}-slim reads \"python:-slim\" when the build passes no --build-arg, which is not a \
    ///      valid image reference (a tag is up to 128 letters, digits, '_', '.' and '-'); ARG PY is empty \
    ///      unless --build-arg PY=... is passed: give it a default with Image::arg(\"PY\", Some(default))"
    /// );
    /// ```
    pub fn base_image(&self, base: &BaseImage) -> Option<Result<ImageRef, Error>> {
        match base {
            BaseImage::Image(image) => Some(Ok(image.clone())),
            BaseImage::Template(template) => Some(resolve(template, &defaults(&self.args))),
            BaseImage::Stage(_) => None,
        }
    }

    /// The global ARGs `from` reads, sorted: those its image and `--platform` name, and those their
    /// defaults read in turn (a global ARG's default may use earlier global ARGs). A `--build-arg` for
    /// any of them may change the image the stage starts from. Empty for a `FROM` without variables.
    ///
    /// ```
    /// use dockwright::{Base, Image, OsFamily, Stage, Value};
    ///
    /// let mut image = Image::new()
    ///     .arg("PY", Some("3.12"))
    ///     .arg("TAG", Some("3.12-slim"))
    ///     .arg("ARCH_PLATFORM", Some("linux/arm64"));
    /// image.stage(Stage::new("a", Base::alpine("3.19")));
    /// image.stage(Stage::new("b", Base::image("python:${TAG}", OsFamily::Debian)).platform("$ARCH_PLATFORM"));
    /// let mut dockerfile = image.to_model().unwrap();
    /// // `ARG TAG=${PY}-slim`: a default that reads an earlier global ARG.
    /// dockerfile.args[1].default = Some(Value::template("${PY}-slim").unwrap());
    /// assert!(dockerfile.from_args(&dockerfile.stages[0].from).is_empty());
    /// assert_eq!(dockerfile.from_args(&dockerfile.stages[1].from), ["ARCH_PLATFORM", "PY", "TAG"]);
    /// ```
    pub fn from_args(&self, from: &FromInstruction) -> Vec<String> {
        // What each global ARG's value depends on, by name: itself and what its default reads.
        let mut reads: HashMap<&str, BTreeSet<&str>> = HashMap::new();
        for arg in &self.args {
            let mut depends = BTreeSet::from([arg.name.as_str()]);
            for name in arg.default.iter().flat_map(|default| default.vars()) {
                depends.extend(reads.get(name.as_str()).into_iter().flatten().copied());
            }
            reads.insert(arg.name.as_str(), depends);
        }
        let mut names: Vec<&str> = match &from.base {
            BaseImage::Template(template) => template.vars().map(|name| name.as_str()).collect(),
            BaseImage::Image(_) | BaseImage::Stage(_) => Vec::new(),
        };
        if let Some(Platform::Var(name)) = &from.platform {
            names.push(name.as_str());
        }
        let mut args = BTreeSet::new();
        for name in names {
            match reads.get(name) {
                Some(depends) => args.extend(depends.iter().copied()),
                None => {
                    args.insert(name);
                }
            }
        }
        args.into_iter().map(str::to_string).collect()
    }
}

/// Each global ARG's value when the build passes no `--build-arg`, by name; a later declaration of a
/// name replaces an earlier one, and a declaration without a default sets it empty (BuildKit's
/// `AddOrReplace(name, ValueString())`).
fn defaults(args: &[Arg]) -> HashMap<&str, String> {
    let mut values: HashMap<&str, String> = HashMap::new();
    for arg in args {
        let value = match &arg.default {
            Some(default) => default.resolve(|name| values.get(name).cloned()),
            None => String::new(),
        };
        values.insert(arg.name.as_str(), value);
    }
    values
}

fn resolve(template: &ImageTemplate, values: &HashMap<&str, String>) -> Result<ImageRef, Error> {
    let text = template.resolve(|name| values.get(name).cloned());
    ImageRef::parse_or_why(&text).map_err(|why| {
        let mut message = format!(
            "FROM {template} reads {text:?} when the build passes no --build-arg, which is not a valid image \
             reference ({why})"
        );
        let mut empty: Vec<&str> = Vec::new();
        for name in template.vars().map(|name| name.as_str()) {
            if values.get(name).is_none_or(String::is_empty) && !empty.contains(&name) {
                empty.push(name);
            }
        }
        for name in empty {
            message.push_str(&format!(
                "; ARG {name} is empty unless --build-arg {name}=... is passed: give it a default with \
                 Image::arg({name:?}, Some(default))"
            ));
        }
        Error::new(ErrorKind::InvalidImageRef, message)
    })
}

/// Checks the variables of `stage`'s `FROM` line: each must be a global ARG (or, in `--platform`, one of
/// BuildKit's platform ARGs), and with the defaults the image must be a valid reference that does not
/// name one of the `earlier` stages, and the platform a platform.
pub(super) fn check_from(
    dockerfile: &Dockerfile,
    stage: &Stage,
    earlier: &HashSet<&str>,
    place: &str,
    errors: &mut Vec<Error>,
) {
    let declared: HashSet<&str> = dockerfile.args.iter().map(|arg| arg.name.as_str()).collect();
    let values = defaults(&dockerfile.args);
    let mut report = |err: Error| errors.push(err.at(place));
    if let BaseImage::Template(template) = &stage.from.base {
        let mut undeclared = false;
        for name in template.vars().map(|name| name.as_str()) {
            if declared.contains(name) {
                continue;
            }
            undeclared = true;
            let fix = format!("declare it with Image::arg({name:?}, Some(default))");
            let message = match inside_stages(dockerfile, name).as_slice() {
                _ if PLATFORM_ARGS.contains(&name) => format!(
                    "FROM {template} uses ARG {name}, which BuildKit sets for each build, so its value is not known \
                     here: an image reference may use only global ARGs with defaults; declare one of your own with \
                     Image::arg(NAME, Some(default))"
                ),
                [] => format!(
                    "FROM {template} uses ARG {name}, which is not declared before the first FROM (BuildKit \
                     expands only global ARGs there): {fix}"
                ),
                stages => format!(
                    "FROM {template} uses ARG {name}, which is declared only inside stage '{}': FROM lines see only \
                     ARGs declared before the first FROM; {fix}",
                    stages.join("', '")
                ),
            };
            report(Error::new(ErrorKind::UndeclaredArg, message));
        }
        if !undeclared {
            match resolve(template, &values) {
                Err(err) => report(err),
                Ok(image) => {
                    let text = image.to_string();
                    if earlier.contains(text.as_str()) {
                        report(Error::new(
                            ErrorKind::InvalidImageRef,
                            format!(
                                "FROM {template} reads '{text}' when the build passes no --build-arg, which names \
                                 the earlier stage '{text}': BuildKit would start from that stage, not pull an \
                                 image; start from the stage's handle instead"
                            ),
                        ));
                    }
                }
            }
        }
    }
    if let Some(Platform::Var(name)) = &stage.from.platform {
        let name = name.as_str();
        if PLATFORM_ARGS.contains(&name) {
            return;
        }
        if !declared.contains(name) {
            report(Error::new(
                ErrorKind::UndeclaredArg,
                format!(
                    "FROM --platform=${name} uses ARG {name}, which is neither one of BuildKit's platform ARGs \
                     ({}) nor declared before the first FROM: declare it with Image::arg({name:?}, Some(default))",
                    PLATFORM_ARGS.join(", ")
                ),
            ));
            return;
        }
        let value = values.get(name).map(String::as_str).unwrap_or_default();
        if value.is_empty() {
            report(Error::new(
                ErrorKind::InvalidPlatform,
                format!(
                    "FROM --platform=${name}: ARG {name} is empty unless --build-arg {name}=... is passed, and \
                     BuildKit refuses an empty platform: give it a default with Image::arg({name:?}, Some(\"linux/amd64\"))"
                ),
            ));
        } else if !matches!(Platform::parse(value), Ok(Platform::Fixed { .. })) {
            report(Error::new(
                ErrorKind::InvalidPlatform,
                format!(
                    "FROM --platform=${name} reads {value:?} when the build passes no --build-arg, which is not a \
                     platform: give ARG {name} a default like 'linux/amd64'"
                ),
            ));
        }
    }
}

/// The names of the stages that declare ARG `name` among their own instructions (`#N` for unnamed ones).
fn inside_stages(dockerfile: &Dockerfile, name: &str) -> Vec<String> {
    dockerfile
        .stages
        .iter()
        .enumerate()
        .filter(|(_, stage)| {
            stage
                .instructions
                .iter()
                .any(|instruction| matches!(instruction, Instruction::Arg(arg) if arg.name.as_str() == name))
        })
        .map(|(index, stage)| stage.name().map_or_else(|| format!("#{}", index + 1), str::to_string))
        .collect()
}
