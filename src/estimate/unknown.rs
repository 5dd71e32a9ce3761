//! What an estimate could not size: [`Missing`] says what it is and how to supply it, [`Unknown`]
//! says where (stage and instruction). A budget check with unknowns fails unless the caller opts in
//! (see [`Budget::allow_unknown`](super::Budget::allow_unknown)), and names each one with its help.

use std::fmt;

use crate::base::PackageManager;

/// One figure the estimate could not size: what it is, and (with [`Missing::help`]) how to supply it.
///
/// The `Display` text is the short form a report lists; the variants carry the names (image, package,
/// paths) so a program can act on them.
///
/// ```
/// use dockwright::estimate::Missing;
/// use dockwright::PackageManager;
///
/// let missing = Missing::Package { manager: PackageManager::Apt, name: "nosuchpkg".into() };
/// assert_eq!(missing.to_string(), "apt package nosuchpkg: installed size unknown");
/// assert_eq!(
///     missing.help(),
///     "pass the Debian Packages index of the image's release with DebianIndex::parse \
///      (BuiltinPackages::debian_bookworm() knows common bookworm packages), or answer SizeOracle::packages"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Missing {
    /// The size of the base image `image` (as written in `FROM`, or as the base was resolved).
    BaseImage {
        /// The image reference.
        image: String,
    },
    /// `FROM stage` names no stage defined before this one (a model that does not validate).
    UndefinedStage {
        /// The stage named.
        stage: String,
    },
    /// The installed size of a package.
    Package {
        /// Its package manager.
        manager: PackageManager,
        /// Its name, as the install command gives it (version pins removed).
        name: String,
    },
    /// The bytes a `COPY`/`ADD` takes from the build context.
    Context {
        /// The source paths, relative to the context, as written.
        sources: Vec<String>,
    },
    /// The installed size of vendored wheels (`pip install --no-index --find-links <dir> -r ...`).
    Wheels {
        /// The wheels directory, relative to the context.
        dir: String,
    },
    /// `pip install --find-links <dir>`: the directory was not copied from the context in this stage,
    /// so which wheels it holds is unknown.
    WheelsNotCopied {
        /// The directory, as the command gives it.
        dir: String,
    },
    /// `pip install -r <file>`: the requirement file was not copied from the context in this stage.
    RequirementsNotCopied {
        /// The file, as the command gives it.
        file: String,
    },
    /// `pip install` from a package index (not `--no-index --find-links <dir> -r <file>`).
    PipFromIndex {
        /// The command.
        command: String,
    },
    /// A `RUN` command no rule recognises.
    Command {
        /// The command.
        command: String,
    },
    /// `dnf`/`microdnf install` without `clean all` in the same `RUN`: the metadata cache stays.
    DnfCache,
    /// `COPY --from=<stage>` of a path no modelled layer of that stage writes.
    StageFiles {
        /// The stage copied from.
        stage: String,
        /// The path copied.
        path: String,
    },
    /// `COPY --from=<image>`: files copied out of another image.
    ImageFiles {
        /// The image.
        image: String,
    },
    /// `ADD <url>`: a remote source.
    Remote {
        /// The URL.
        url: String,
    },
    /// `ADD` of local archives, which it unpacks.
    Archive {
        /// The local sources.
        sources: Vec<String>,
    },
    /// An instruction dockwright does not model (a raw instruction).
    Instruction {
        /// Its keyword.
        keyword: String,
    },
    /// The target stage does not exist ([`Options::target`](super::Options::target)): nothing was
    /// estimated.
    NoSuchTarget {
        /// The target asked for.
        target: String,
    },
}

impl Missing {
    /// How to supply the figure: which oracle, table or feature gives it, or what to change so that
    /// one can; for what no oracle can answer, what would make it sizeable.
    ///
    /// ```
    /// use dockwright::estimate::Missing;
    ///
    /// assert_eq!(
    ///     Missing::BaseImage { image: "example/app:1".into() }.help(),
    ///     "give its size: a row for example/app:1 in the table CatalogOracle::from_tsv reads, EngineOracle \
    ///      (feature `engine`) with the image on the engine, or an answer to SizeOracle::base_image"
    /// );
    /// assert_eq!(
    ///     Missing::Context { sources: vec!["app".into()] }.help(),
    ///     "size the build context with ContextOracle::new(<context dir>) (feature `fs`), or answer SizeOracle::context"
    /// );
    /// ```
    pub fn help(&self) -> String {
        match self {
            Missing::BaseImage { image } => format!(
                "give its size: a row for {image} in the table CatalogOracle::from_tsv reads, EngineOracle (feature \
                 `engine`) with the image on the engine, or an answer to SizeOracle::base_image"
            ),
            Missing::UndefinedStage { stage } => format!(
                "define stage '{stage}' before the stages built from it (Dockerfile::validate reports this)"
            ),
            Missing::Package { manager: PackageManager::Apt, .. } => {
                "pass the Debian Packages index of the image's release with DebianIndex::parse \
                 (BuiltinPackages::debian_bookworm() knows common bookworm packages), or answer \
                 SizeOracle::packages"
                    .into()
            }
            Missing::Package { manager: PackageManager::Apk, .. } => {
                "pass the APKINDEX of the image's Alpine release with AlpineIndex::parse, or answer SizeOracle::packages"
                    .into()
            }
            Missing::Package { manager, .. } => format!(
                "answer SizeOracle::packages for {} (dockwright reads no dnf repository metadata)",
                manager_name(*manager)
            ),
            Missing::Context { .. } => {
                "size the build context with ContextOracle::new(<context dir>) (feature `fs`), or answer \
                 SizeOracle::context"
                    .into()
            }
            Missing::Wheels { .. } => {
                "size vendored wheels with WheelsOracle::new(<context dir>) (feature `fs`), or answer SizeOracle::wheels"
                    .into()
            }
            Missing::WheelsNotCopied { dir } => format!(
                "copy {dir} from the build context earlier in this stage, so the wheels it holds are known \
                 (recipe::PythonApp does)"
            ),
            Missing::RequirementsNotCopied { file } => format!(
                "copy {file} from the build context earlier in this stage, so the distributions it names are known \
                 (recipe::PythonApp does)"
            ),
            Missing::PipFromIndex { .. } => {
                "vendor the wheels on the host and install with `pip install --no-index --find-links <dir> -r \
                 <requirements>` (recipe::PythonApp does); WheelsOracle then sizes them"
                    .into()
            }
            Missing::Command { .. } => {
                "no oracle sizes what this command writes: install with a command the estimator recognises \
                 (apt-get, apk or dnf install, pip from vendored wheels, go build -o)"
                    .into()
            }
            Missing::DnfCache => {
                "add `dnf clean all` (`microdnf clean all`) to the same RUN, as Stage::install does".into()
            }
            Missing::StageFiles { stage, .. } => format!(
                "no oracle sizes it: stage '{stage}' must write it in a layer the estimator sizes (COPY, a recognised \
                 install, go build -o)"
            ),
            Missing::ImageFiles { .. } => {
                "no oracle sizes files inside another image: build them in a stage and copy from that stage".into()
            }
            Missing::Remote { .. } => {
                "download it on the host and copy it from the build context (an air-gapped build needs that anyway)"
                    .into()
            }
            Missing::Archive { .. } => {
                "unpack it on the host and copy the files, or ADD it with --unpack=false to keep it packed".into()
            }
            Missing::Instruction { .. } => "no rule sizes instructions dockwright does not model".into(),
            Missing::NoSuchTarget { .. } => {
                "name a stage of the Dockerfile in Options::target (None estimates the last stage)".into()
            }
        }
    }
}

impl fmt::Display for Missing {
    /// The short form reports list.
    ///
    /// ```
    /// use dockwright::estimate::Missing;
    ///
    /// assert_eq!(Missing::Command { command: "make".into() }.to_string(), "command not recognised: make");
    /// assert_eq!(
    ///     Missing::Context { sources: vec!["app".into(), "lib/".into()] }.to_string(),
    ///     "context files app, lib/: size unknown (no oracle answered)"
    /// );
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Missing::BaseImage { .. } => f.write_str("base image size unknown"),
            Missing::UndefinedStage { stage } => {
                write!(f, "stage '{stage}' is not defined before this one: its size is unknown")
            }
            Missing::Package { manager, name } => {
                write!(f, "{} package {name}: installed size unknown", manager_name(*manager))
            }
            Missing::Context { sources } => {
                write!(f, "context files {}: size unknown (no oracle answered)", sources.join(", "))
            }
            Missing::Wheels { dir } => {
                write!(f, "pip install: size of the wheels in {dir} unknown (no oracle answered)")
            }
            Missing::WheelsNotCopied { dir } => {
                write!(f, "pip install: the wheels in {dir} were not copied from the context")
            }
            Missing::RequirementsNotCopied { file } => {
                write!(f, "pip install: {file} was not copied from the context")
            }
            Missing::PipFromIndex { command } => write!(
                f,
                "pip install from a package index (not --no-index --find-links with -r): size unknown: {command}"
            ),
            Missing::Command { command } => write!(f, "command not recognised: {command}"),
            Missing::DnfCache => {
                f.write_str("dnf/microdnf metadata cache left in the layer (no `clean all` in this RUN): size unknown")
            }
            Missing::StageFiles { stage, path } => write!(
                f,
                "{path} from stage '{stage}': no layer of that stage is known to write it (a RUN there whose outputs \
                 are not modelled may have, or it comes from the stage's base)"
            ),
            Missing::ImageFiles { image } => write!(f, "files copied from image {image}: their size is unknown"),
            Missing::Remote { url } => write!(f, "remote source {url}: its size is unknown"),
            Missing::Archive { sources } => {
                write!(f, "local archives are unpacked by ADD ({}): their unpacked size is unknown", sources.join(", "))
            }
            Missing::Instruction { keyword } => write!(f, "instruction {keyword} is not modelled: its size is unknown"),
            Missing::NoSuchTarget { target } => write!(f, "no stage is named '{target}': nothing was estimated"),
        }
    }
}

/// A [`Missing`] figure and where it is: the stage and the instruction (`FROM <base>` for the base).
/// [`SizeReport::unknowns`](super::SizeReport::unknowns) lists them for the stages in the image.
///
/// ```
/// use dockwright::estimate::{estimate, CatalogOracle, Missing};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")));
/// let unknowns = estimate(&image.to_model().unwrap(), &CatalogOracle::default()).unknowns();
/// let unknown = &unknowns[0];
/// assert_eq!((unknown.stage.as_str(), unknown.instruction.as_str()), ("app", "FROM alpine:3.19"));
/// assert_eq!(unknown.missing, Missing::BaseImage { image: "alpine:3.19".into() });
/// assert_eq!(unknown.to_string(), "stage 'app', FROM alpine:3.19: base image size unknown");
/// assert!(unknown.help().starts_with("give its size: a row for alpine:3.19 in the table"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    /// The stage's name.
    pub stage: String,
    /// The instruction, as the report describes it (`FROM alpine:3.19`, `RUN make`).
    pub instruction: String,
    /// What could not be sized.
    pub missing: Missing,
}

impl Unknown {
    /// How to supply it: [`Missing::help`].
    ///
    /// ```
    /// use dockwright::estimate::{Missing, Unknown};
    ///
    /// let unknown = Unknown { stage: "app".into(), instruction: "RUN dnf install -y curl".into(), missing: Missing::DnfCache };
    /// assert_eq!(unknown.help(), "add `dnf clean all` (`microdnf clean all`) to the same RUN, as Stage::install does");
    /// ```
    pub fn help(&self) -> String {
        self.missing.help()
    }
}

impl fmt::Display for Unknown {
    /// `stage 'name', INSTRUCTION: what`.
    ///
    /// ```
    /// use dockwright::estimate::{Missing, Unknown};
    ///
    /// let unknown = Unknown { stage: "app".into(), instruction: "RUN make".into(), missing: Missing::Command { command: "make".into() } };
    /// assert_eq!(unknown.to_string(), "stage 'app', RUN make: command not recognised: make");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "stage '{}', {}: {}", self.stage, self.instruction, self.missing)
    }
}

pub(crate) fn manager_name(manager: PackageManager) -> &'static str {
    match manager {
        PackageManager::Apt => "apt",
        PackageManager::Apk => "apk",
        PackageManager::Dnf => "dnf",
        PackageManager::Microdnf => "microdnf",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One of each kind.
    fn every_kind() -> Vec<Missing> {
        let text = |s: &str| s.to_string();
        vec![
            Missing::BaseImage { image: text("example/app:1") },
            Missing::UndefinedStage { stage: text("build") },
            Missing::Package { manager: PackageManager::Apt, name: text("curl") },
            Missing::Package { manager: PackageManager::Apk, name: text("curl") },
            Missing::Package { manager: PackageManager::Dnf, name: text("curl") },
            Missing::Package { manager: PackageManager::Microdnf, name: text("curl") },
            Missing::Context { sources: vec![text("app/")] },
            Missing::Wheels { dir: text("vendor/wheels") },
            Missing::WheelsNotCopied { dir: text("/wheels") },
            Missing::RequirementsNotCopied { file: text("requirements.txt") },
            Missing::PipFromIndex { command: text("pip install flask") },
            Missing::Command { command: text("make") },
            Missing::DnfCache,
            Missing::StageFiles { stage: text("build"), path: text("/out/app") },
            Missing::ImageFiles { image: text("busybox:1") },
            Missing::Remote { url: text("https://example.com/a.tar.gz") },
            Missing::Archive { sources: vec![text("a.tar.gz")] },
            Missing::Instruction { keyword: text("ONBUILD") },
            Missing::NoSuchTarget { target: text("prod") },
        ]
    }

    #[test]
    fn every_message_and_help_is_one_lowercase_line_without_a_trailing_period() {
        for missing in every_kind() {
            for text in [missing.to_string(), missing.help()] {
                let first = text.chars().next().unwrap();
                assert!(!first.is_ascii_uppercase(), "{missing:?}: {text}");
                assert!(!text.ends_with('.') && !text.contains('\n'), "{missing:?}: {text}");
            }
        }
    }

    #[test]
    fn messages_name_what_is_missing() {
        for missing in every_kind() {
            let message = missing.to_string();
            let named = match &missing {
                // The location names these: `FROM <image>`, the `RUN`.
                Missing::BaseImage { .. } | Missing::DnfCache => continue,
                Missing::UndefinedStage { stage } => stage,
                Missing::Package { name, .. } => name,
                Missing::Context { sources } | Missing::Archive { sources } => &sources[0],
                Missing::Wheels { dir } | Missing::WheelsNotCopied { dir } => dir,
                Missing::RequirementsNotCopied { file } => file,
                Missing::PipFromIndex { command } | Missing::Command { command } => command,
                Missing::StageFiles { path, .. } => path,
                Missing::ImageFiles { image } => image,
                Missing::Remote { url } => url,
                Missing::Instruction { keyword } => keyword,
                Missing::NoSuchTarget { target } => target,
            };
            assert!(message.contains(named.as_str()), "{missing:?}: {message}");
        }
        let dnf = Missing::Package { manager: PackageManager::Microdnf, name: "curl".into() };
        assert_eq!(dnf.to_string(), "microdnf package curl: installed size unknown");
        assert_eq!(
            dnf.help(),
            "answer SizeOracle::packages for microdnf (dockwright reads no dnf repository metadata)"
        );
    }
}
