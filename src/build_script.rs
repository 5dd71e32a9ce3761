//! Writing an image's `Dockerfile` and `.dockerignore` from a downstream crate's `build.rs` (feature
//! `build-script`).
//!
//! This module is an edge, like `engine`: it is the only place in the library that writes files and prints
//! `cargo:` directives. A `build.rs` describes the image with the DSL and calls [`write`](fn@write) (or a configured
//! [`Writer`]); the files land next to the crate (`CARGO_MANIFEST_DIR`), each written atomically (a
//! temporary file in the same directory, then a rename) and only when its content changed, so file times,
//! `docker build` caches and whatever else watches those files stay put when nothing changed.
//!
//! What cargo tracks: `build.rs` and every module it compiles in (`#[path = "src/image.rs"] mod image;`)
//! are tracked by cargo itself (a change recompiles and reruns the build script). The writer prints
//! `cargo:rerun-if-changed=` for the files it read (the existing outputs, which it compares against, so a
//! hand-edited or deleted `Dockerfile` is restored by the next build; see [`Writer::watch_outputs`] for its
//! price, one extra run after a write) and for every path added with [`Writer::rerun_if_changed`] (files the
//! image description reads at build time). Printing any `rerun-if-changed` line turns off cargo's default of
//! rerunning the build script when any file in the package changes.
//!
//! ```
//! use dockwright::build_script::{Outcome, Writer};
//! use dockwright::{Base, Image, Stage};
//!
//! let mut image = Image::new().dockerignore(["target"]);
//! image.stage(Stage::new("app", Base::alpine("3.19")).cmd(["sh"]));
//!
//! let dir = tempfile::tempdir().unwrap();
//! let report = Writer::new().dir(dir.path()).write(&image).unwrap();
//! assert_eq!(report.outcomes(), [Outcome::Created, Outcome::Created]);
//! let dockerfile = std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
//! assert_eq!(dockerfile, "FROM alpine:3.19 AS app\nCMD [\"sh\"]\n");
//! assert_eq!(std::fs::read_to_string(dir.path().join(".dockerignore")).unwrap(), "target\n");
//!
//! // The same image again: nothing is rewritten.
//! let report = Writer::new().dir(dir.path()).write(&image).unwrap();
//! assert_eq!(report.outcomes(), [Outcome::Unchanged, Outcome::Unchanged]);
//! ```

use std::fmt;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use crate::base::BaseMapping;
use crate::dsl::Image;
use crate::error::Errors;
use crate::estimate::ImageBudget as _;

/// Writes `Dockerfile` and `.dockerignore` for `image` into `CARGO_MANIFEST_DIR`, each only when its content
/// changed, and prints the `cargo:rerun-if-changed=` lines: the whole of a typical `build.rs`.
///
/// Same as `Writer::new().write(image)`; use a [`Writer`] to choose the directory or file names, or to add
/// paths cargo should watch.
///
/// ```no_run
/// // build.rs
/// # mod image { pub fn image() -> dockwright::Image { dockwright::Image::new() } }
/// fn main() {
///     dockwright::build_script::write(&image::image()).unwrap();
/// }
/// ```
///
/// ```
/// use dockwright::build_script::{write, Outcome};
/// use dockwright::{Base, Image, Stage};
///
/// let dir = tempfile::tempdir().unwrap();
/// // Cargo sets this for a build script; here it stands in for the crate's directory.
/// // SAFETY: this example runs in its own process and starts no other thread.
/// unsafe { std::env::set_var("CARGO_MANIFEST_DIR", dir.path()) };
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")));
/// let report = write(&image).unwrap();
/// assert_eq!(report.outcomes(), [Outcome::Created, Outcome::Created]);
/// assert_eq!(std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap(), "FROM alpine:3.19 AS app\n");
/// assert_eq!(std::fs::read_to_string(dir.path().join(".dockerignore")).unwrap(), "");
///
/// // An invalid image writes nothing; the error lists every problem.
/// let err = write(&Image::new()).unwrap_err();
/// assert_eq!(err.to_string(), "the image has no stages: add one with Image::stage");
/// ```
pub fn write(image: &Image) -> Result<Report, Error> {
    Writer::new().write(image)
}

/// Where and how [`write`](fn@write) puts its files: the directory, the file names, a base mapping, and extra
/// paths for cargo to watch.
///
/// ```
/// use dockwright::build_script::{Outcome, Writer};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new().dockerignore(["*.pyc"]);
/// image.stage(Stage::new("web", Base::python("3.12").slim()));
///
/// let dir = tempfile::tempdir().unwrap();
/// let report = Writer::new()
///     .dir(dir.path())
///     .dockerfile("web.Dockerfile")
///     .dockerignore("web.Dockerfile.dockerignore")
///     .rerun_if_changed("requirements.txt")
///     .write(&image)
///     .unwrap();
/// assert_eq!(report.written().collect::<Vec<_>>(), [
///     dir.path().join("web.Dockerfile"),
///     dir.path().join("web.Dockerfile.dockerignore"),
/// ]);
/// assert_eq!(report.rerun_if_changed().last().unwrap(), std::path::Path::new("requirements.txt"));
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Writer {
    dir: Option<PathBuf>,
    dockerfile: PathBuf,
    dockerignore: Option<PathBuf>,
    mapping: Option<BaseMapping>,
    watch: Vec<PathBuf>,
    print: bool,
    watch_outputs: bool,
}

impl Default for Writer {
    fn default() -> Self {
        Writer::new()
    }
}

impl Writer {
    /// `Dockerfile` and `.dockerignore` in `CARGO_MANIFEST_DIR`, cargo directives printed.
    ///
    /// ```
    /// use dockwright::build_script::Writer;
    ///
    /// let writer = Writer::new();
    /// assert!(format!("{writer:?}").contains("dockerfile: \"Dockerfile\""));
    /// ```
    pub fn new() -> Self {
        Writer {
            dir: None,
            dockerfile: PathBuf::from("Dockerfile"),
            dockerignore: Some(PathBuf::from(".dockerignore")),
            mapping: None,
            watch: Vec::new(),
            print: true,
            watch_outputs: true,
        }
    }

    /// The directory the files go into, instead of `CARGO_MANIFEST_DIR` (which cargo sets for build scripts
    /// and for `cargo test` and `cargo run`). [`Writer::write`] creates it (and any directory a file name
    /// puts the files in) when it is missing, before writing anything; [`Writer::check`] creates nothing.
    ///
    /// ```
    /// use dockwright::build_script::{Outcome, Writer};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// let dir = tempfile::tempdir().unwrap();
    /// let writer = Writer::new().dir(dir.path().join("docker/app")).print_cargo_lines(false);
    /// assert_eq!(writer.check(&image).unwrap().outcomes(), [Outcome::Created, Outcome::Created]);
    /// assert!(!dir.path().join("docker").exists());
    /// writer.write(&image).unwrap();
    /// assert!(dir.path().join("docker/app/Dockerfile").is_file());
    /// ```
    pub fn dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dir = Some(dir.into());
        self
    }

    /// The Dockerfile's name (or path, relative to the directory); `Dockerfile` unless set.
    ///
    /// ```
    /// use dockwright::build_script::Writer;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// let dir = tempfile::tempdir().unwrap();
    /// let report = Writer::new().dir(dir.path()).dockerfile("Containerfile").write(&image).unwrap();
    /// assert_eq!(report.files()[0].path(), dir.path().join("Containerfile"));
    /// ```
    pub fn dockerfile(mut self, name: impl Into<PathBuf>) -> Self {
        self.dockerfile = name.into();
        self
    }

    /// The ignore file's name (or path, relative to the directory); `.dockerignore` unless set.
    /// BuildKit also reads `<Dockerfile name>.dockerignore` next to a Dockerfile, which lets several images
    /// share one directory.
    ///
    /// ```
    /// use dockwright::build_script::Writer;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new().dockerignore(["target"]);
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// let dir = tempfile::tempdir().unwrap();
    /// Writer::new().dir(dir.path()).dockerignore("Dockerfile.dockerignore").write(&image).unwrap();
    /// assert_eq!(std::fs::read_to_string(dir.path().join("Dockerfile.dockerignore")).unwrap(), "target\n");
    /// assert!(!dir.path().join(".dockerignore").exists());
    /// ```
    pub fn dockerignore(mut self, name: impl Into<PathBuf>) -> Self {
        self.dockerignore = Some(name.into());
        self
    }

    /// Writes no ignore file (e.g. a hand-written `.dockerignore` is kept as it is).
    ///
    /// ```
    /// use dockwright::build_script::Writer;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// let dir = tempfile::tempdir().unwrap();
    /// std::fs::write(dir.path().join(".dockerignore"), "mine\n").unwrap();
    /// let report = Writer::new().dir(dir.path()).without_dockerignore().write(&image).unwrap();
    /// assert_eq!(report.files().len(), 1);
    /// assert_eq!(std::fs::read_to_string(dir.path().join(".dockerignore")).unwrap(), "mine\n");
    /// ```
    pub fn without_dockerignore(mut self) -> Self {
        self.dockerignore = None;
        self
    }

    /// Pulls every base image from where `mapping` says (see [`Image::emit_mapped`]).
    ///
    /// ```
    /// use dockwright::base::BaseMapping;
    /// use dockwright::build_script::Writer;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// let dir = tempfile::tempdir().unwrap();
    /// let writer = Writer::new().dir(dir.path()).mapping(BaseMapping::new().registry("registry.corp"));
    /// writer.write(&image).unwrap();
    /// assert_eq!(
    ///     std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
    ///     "FROM registry.corp/alpine:3.19 AS app\n"
    /// );
    /// ```
    pub fn mapping(mut self, mapping: BaseMapping) -> Self {
        self.mapping = Some(mapping);
        self
    }

    /// Adds a path cargo should watch: the build script reruns when it changes. Use it for files the image
    /// description reads at build time (a lockfile, a version file). Relative paths are relative to the
    /// crate's directory, as cargo reads them. `build.rs` and the modules it compiles in need no line:
    /// cargo tracks them.
    ///
    /// ```
    /// use dockwright::build_script::Writer;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// let dir = tempfile::tempdir().unwrap();
    /// let report = Writer::new().dir(dir.path()).rerun_if_changed("Cargo.lock").write(&image).unwrap();
    /// assert_eq!(report.cargo_lines(), [
    ///     format!("cargo:rerun-if-changed={}", dir.path().join("Dockerfile").display()),
    ///     format!("cargo:rerun-if-changed={}", dir.path().join(".dockerignore").display()),
    ///     "cargo:rerun-if-changed=Cargo.lock".to_string(),
    /// ]);
    /// ```
    pub fn rerun_if_changed(mut self, path: impl Into<PathBuf>) -> Self {
        self.watch.push(path.into());
        self
    }

    /// Whether cargo watches the output files (on unless turned off), so a hand-edited or deleted
    /// `Dockerfile` is restored by the next build. The price: a file written now is newer than this run of the
    /// build script, so the next `cargo build` runs the script once more (it finds nothing to write) and
    /// recompiles the crate once. With it off, add at least one path with [`Writer::rerun_if_changed`]
    /// (usually `build.rs`): a build script that prints no `rerun-if-changed` line is rerun whenever any file
    /// in the package changes, the written files included.
    ///
    /// ```
    /// use dockwright::build_script::Writer;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// let dir = tempfile::tempdir().unwrap();
    /// let writer = Writer::new().dir(dir.path()).watch_outputs(false).rerun_if_changed("build.rs");
    /// assert_eq!(writer.check(&image).unwrap().cargo_lines(), ["cargo:rerun-if-changed=build.rs"]);
    /// ```
    pub fn watch_outputs(mut self, watch: bool) -> Self {
        self.watch_outputs = watch;
        self
    }

    /// Whether [`Writer::write`] prints the `cargo:` lines to standard output (on unless turned off). Turn it
    /// off outside a build script if the lines are in the way; [`Report::cargo_lines`] still has them.
    ///
    /// ```
    /// use dockwright::build_script::Writer;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// let dir = tempfile::tempdir().unwrap();
    /// let report = Writer::new().dir(dir.path()).print_cargo_lines(false).write(&image).unwrap();
    /// assert_eq!(report.cargo_lines().len(), 2);
    /// ```
    pub fn print_cargo_lines(mut self, print: bool) -> Self {
        self.print = print;
        self
    }

    /// Writes the files whose content changed, atomically, and prints the `cargo:` lines. Validation
    /// problems come back as [`Error::Invalid`] before anything is written.
    ///
    /// ```
    /// use dockwright::build_script::{Outcome, Writer};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let dir = tempfile::tempdir().unwrap();
    /// std::fs::write(dir.path().join("Dockerfile"), "FROM old\n").unwrap();
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// let report = Writer::new().dir(dir.path()).write(&image).unwrap();
    /// assert_eq!(report.outcomes(), [Outcome::Updated, Outcome::Created]);
    /// assert_eq!(std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap(), "FROM alpine:3.19 AS app\n");
    /// ```
    pub fn write(&self, image: &Image) -> Result<Report, Error> {
        self.write_with(image, Vec::new())
    }

    fn write_with(&self, image: &Image, warnings: Vec<String>) -> Result<Report, Error> {
        let plan = self.plan(image)?;
        // Every changed file is written to its temporary file first and renamed into place only when all of
        // them were written: a failure before the renames leaves every output as it was.
        let mut staged = Vec::new();
        let mut files = Vec::new();
        // Directories first: a file that cannot get its directory stops everything before any write.
        for (path, content, existing) in &plan.files {
            if outcome(content, existing.as_deref()) != Outcome::Unchanged {
                create_parent(path)?;
            }
        }
        for (path, content, existing) in plan.files {
            let outcome = outcome(&content, existing.as_deref());
            if outcome != Outcome::Unchanged {
                staged.push((stage_file(&path, content.as_bytes())?, path.clone()));
            }
            files.push(FileReport { path, outcome });
        }
        for (file, path) in staged {
            // On failure the temporary file is dropped, which removes it.
            file.persist(&path).map_err(|err| Error::Io { path, source: err.error })?;
        }
        let report = Report { files, rerun_if_changed: plan.watch, warnings };
        if self.print {
            let mut out = io::stdout().lock();
            for line in report.cargo_lines() {
                // A build script whose stdout is gone cannot tell cargo anything; the files are written.
                let _ = writeln!(out, "{line}");
            }
        }
        Ok(report)
    }

    /// What [`Writer::write`] would do, writing and printing nothing: for a test that fails when the
    /// checked-in files are out of date.
    ///
    /// ```
    /// use dockwright::build_script::{Outcome, Writer};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// let dir = tempfile::tempdir().unwrap();
    /// let writer = Writer::new().dir(dir.path());
    /// assert_eq!(writer.check(&image).unwrap().outcomes(), [Outcome::Created, Outcome::Created]);
    /// assert!(!dir.path().join("Dockerfile").exists());
    /// writer.write(&image).unwrap();
    /// assert!(writer.check(&image).unwrap().is_unchanged());
    /// ```
    pub fn check(&self, image: &Image) -> Result<Report, Error> {
        let plan = self.plan(image)?;
        let files = plan
            .files
            .into_iter()
            .map(|(path, content, existing)| FileReport { outcome: outcome(&content, existing.as_deref()), path })
            .collect();
        Ok(Report { files, rerun_if_changed: plan.watch, warnings: Vec::new() })
    }

    /// [`Writer::write`], only when the image fits the budget declared with [`Image::budget`]
    /// ([`ImageBudget::check_budget`](crate::estimate::ImageBudget::check_budget) with `oracle`): over budget, without a budget, or with parts of the
    /// estimate nothing could size, nothing is written and the error says why (by how much and which
    /// layers are largest; or each unknown and how to supply it). When the image opts in with
    /// [`Image::allow_unknown_sizes`], each part left out becomes a `cargo:warning=` line
    /// ([`Report::warnings`]), so the build says what its budget did not count.
    ///
    /// ```
    /// use dockwright::build_script::{Error, Writer};
    /// use dockwright::estimate::CatalogOracle;
    /// use dockwright::{Base, BudgetCheckError, Image, Stage};
    ///
    /// let catalog = CatalogOracle::from_tsv("image\tbytes\npython:3.12-slim\t119200000\n");
    /// let dir = tempfile::tempdir().unwrap();
    /// let writer = Writer::new().dir(dir.path()).print_cargo_lines(false);
    ///
    /// let mut tight = Image::new().budget("100 MB");
    /// tight.stage(Stage::new("app", Base::python("3.12").slim()));
    /// let err = writer.write_within_budget(&tight, &catalog).unwrap_err();
    /// assert!(matches!(&err, Error::Budget(BudgetCheckError::Exceeded(_))));
    /// assert!(err.to_string().starts_with("image 'app' may exceed its size budget of 100.0 MB"), "{err}");
    /// assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
    ///
    /// // The context copy cannot be sized with this oracle: no silent pass.
    /// let mut partly = Image::new().budget("150 MB");
    /// partly.stage(Stage::new("app", Base::python("3.12").slim()).copy(["app.py"], "/app/"));
    /// let err = writer.write_within_budget(&partly, &catalog).unwrap_err();
    /// assert!(matches!(&err, Error::Budget(BudgetCheckError::Incomplete(_))));
    /// assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
    ///
    /// // Opted in: written, with a warning naming what the budget did not count.
    /// let report = writer.write_within_budget(&partly.allow_unknown_sizes(), &catalog).unwrap();
    /// assert_eq!(report.written().count(), 2);
    /// assert_eq!(
    ///     report.warnings(),
    ///     ["size budget checked on known parts only, left out: stage 'app', COPY app.py /app/: context files app.py: \
    ///       size unknown (no oracle answered)"]
    /// );
    /// ```
    pub fn write_within_budget(
        &self,
        image: &Image,
        oracle: &dyn crate::estimate::SizeOracle,
    ) -> Result<Report, Error> {
        let fit = match image.check_budget(oracle) {
            Ok(fit) => fit,
            Err(crate::estimate::BudgetCheckError::Invalid(errors)) => return Err(Error::Invalid(errors)),
            Err(err) => return Err(Error::Budget(err)),
        };
        let warnings = fit
            .left_out()
            .iter()
            // A cargo line is one line: whitespace (a newline in a command) collapses to a space.
            .map(|unknown| {
                let text = unknown.to_string().split_whitespace().collect::<Vec<_>>().join(" ");
                format!("size budget checked on known parts only, left out: {text}")
            })
            .collect();
        self.write_with(image, warnings)
    }

    fn plan(&self, image: &Image) -> Result<Plan, Error> {
        let dockerfile = match &self.mapping {
            Some(mapping) => image.emit_mapped(mapping),
            None => image.emit(),
        }
        .map_err(Error::Invalid)?;
        let dir = match &self.dir {
            Some(dir) => dir.clone(),
            None => manifest_dir(std::env::var_os("CARGO_MANIFEST_DIR"))?,
        };
        let mut outputs = vec![(dir.join(&self.dockerfile), dockerfile)];
        if let Some(name) = &self.dockerignore {
            outputs.push((dir.join(name), image.dockerignore_text()));
        }
        let mut files = Vec::new();
        let mut watch = Vec::new();
        for (path, content) in outputs {
            let existing = match fs::read(&path) {
                Ok(bytes) => Some(bytes),
                Err(err) if err.kind() == io::ErrorKind::NotFound => None,
                Err(source) => return Err(Error::Io { path, source }),
            };
            if self.watch_outputs {
                watch.push(path.clone());
            }
            files.push((path, content, existing));
        }
        watch.extend(self.watch.iter().cloned());
        Ok(Plan { files, watch })
    }
}

struct Plan {
    files: Vec<(PathBuf, String, Option<Vec<u8>>)>,
    watch: Vec<PathBuf>,
}

/// What [`Writer::write`] did (or [`Writer::check`] would do) with each file, and the paths cargo watches.
///
/// ```
/// use dockwright::build_script::{Outcome, Writer};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")));
/// let dir = tempfile::tempdir().unwrap();
/// let report = Writer::new().dir(dir.path()).write(&image).unwrap();
/// assert_eq!(report.to_string(), format!(
///     "created {}\ncreated {}",
///     dir.path().join("Dockerfile").display(),
///     dir.path().join(".dockerignore").display()
/// ));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    files: Vec<FileReport>,
    rerun_if_changed: Vec<PathBuf>,
    warnings: Vec<String>,
}

impl Report {
    /// Every file, the Dockerfile first.
    ///
    /// ```
    /// use dockwright::build_script::{Outcome, Writer};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// let dir = tempfile::tempdir().unwrap();
    /// let report = Writer::new().dir(dir.path()).write(&image).unwrap();
    /// assert_eq!(report.files()[1].path(), dir.path().join(".dockerignore"));
    /// assert_eq!(report.files()[1].outcome(), Outcome::Created);
    /// ```
    pub fn files(&self) -> &[FileReport] {
        &self.files
    }

    /// Each file's outcome, in the order of [`Report::files`].
    ///
    /// ```
    /// use dockwright::build_script::{Outcome, Writer};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// let dir = tempfile::tempdir().unwrap();
    /// let report = Writer::new().dir(dir.path()).without_dockerignore().write(&image).unwrap();
    /// assert_eq!(report.outcomes(), [Outcome::Created]);
    /// ```
    pub fn outcomes(&self) -> Vec<Outcome> {
        self.files.iter().map(FileReport::outcome).collect()
    }

    /// The files that were written (created or updated).
    ///
    /// ```
    /// use dockwright::build_script::Writer;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// let dir = tempfile::tempdir().unwrap();
    /// std::fs::write(dir.path().join(".dockerignore"), "").unwrap();
    /// let report = Writer::new().dir(dir.path()).write(&image).unwrap();
    /// assert_eq!(report.written().collect::<Vec<_>>(), [dir.path().join("Dockerfile")]);
    /// ```
    pub fn written(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().filter(|file| file.outcome != Outcome::Unchanged).map(|file| file.path.as_path())
    }

    /// True when every file already had the right content.
    ///
    /// ```
    /// use dockwright::build_script::Writer;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// let dir = tempfile::tempdir().unwrap();
    /// assert!(!Writer::new().dir(dir.path()).write(&image).unwrap().is_unchanged());
    /// assert!(Writer::new().dir(dir.path()).write(&image).unwrap().is_unchanged());
    /// ```
    pub fn is_unchanged(&self) -> bool {
        self.files.iter().all(|file| file.outcome == Outcome::Unchanged)
    }

    /// The paths cargo is told to watch: the output files, then the ones added with
    /// [`Writer::rerun_if_changed`].
    ///
    /// ```
    /// use dockwright::build_script::Writer;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// let dir = tempfile::tempdir().unwrap();
    /// let report = Writer::new().dir(dir.path()).without_dockerignore().write(&image).unwrap();
    /// assert_eq!(report.rerun_if_changed(), [dir.path().join("Dockerfile")]);
    /// ```
    pub fn rerun_if_changed(&self) -> &[PathBuf] {
        &self.rerun_if_changed
    }

    /// What cargo is told to show as warnings: from [`Writer::write_within_budget`] with
    /// [`Image::allow_unknown_sizes`], each part of the estimate the budget left out. Empty otherwise.
    ///
    /// ```
    /// use dockwright::build_script::Writer;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// let dir = tempfile::tempdir().unwrap();
    /// assert!(Writer::new().dir(dir.path()).check(&image).unwrap().warnings().is_empty());
    /// ```
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The lines printed for cargo: one `cargo:rerun-if-changed=<path>` per watched path, then one
    /// `cargo:warning=<text>` per [warning](Report::warnings).
    ///
    /// ```
    /// use dockwright::build_script::Writer;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// let dir = tempfile::tempdir().unwrap();
    /// let report = Writer::new().dir(dir.path()).without_dockerignore().check(&image).unwrap();
    /// let line = format!("cargo:rerun-if-changed={}", dir.path().join("Dockerfile").display());
    /// assert_eq!(report.cargo_lines(), [line]);
    /// ```
    pub fn cargo_lines(&self) -> Vec<String> {
        let watch = self.rerun_if_changed.iter().map(|path| format!("cargo:rerun-if-changed={}", path.display()));
        watch.chain(self.warnings.iter().map(|warning| format!("cargo:warning={warning}"))).collect()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, file) in self.files.iter().enumerate() {
            if index > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{} {}", file.outcome, file.path.display())?;
        }
        Ok(())
    }
}

/// One output file and what happened to it.
///
/// ```
/// use dockwright::build_script::{Outcome, Writer};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")));
/// let dir = tempfile::tempdir().unwrap();
/// let report = Writer::new().dir(dir.path()).write(&image).unwrap();
/// let file = &report.files()[0];
/// assert_eq!((file.path(), file.outcome()), (dir.path().join("Dockerfile").as_path(), Outcome::Created));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    path: PathBuf,
    outcome: Outcome,
}

impl FileReport {
    /// The file's path (the directory joined with its name).
    ///
    /// ```
    /// use dockwright::build_script::Writer;
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// let report = Writer::new().dir("/nonexistent").check(&image).unwrap();
    /// assert_eq!(report.files()[0].path(), std::path::Path::new("/nonexistent/Dockerfile"));
    /// ```
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What happened to the file.
    ///
    /// ```
    /// use dockwright::build_script::{Outcome, Writer};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// let report = Writer::new().dir("/nonexistent").check(&image).unwrap();
    /// assert_eq!(report.files()[0].outcome(), Outcome::Created);
    /// ```
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }
}

/// What happened to an output file.
///
/// ```
/// use dockwright::build_script::Outcome;
///
/// assert_eq!(Outcome::Unchanged.to_string(), "unchanged");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// The file did not exist and was written.
    Created,
    /// The file had other content and was replaced.
    Updated,
    /// The file already had this content and was left alone (its modification time too).
    Unchanged,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Created => "created",
            Outcome::Updated => "updated",
            Outcome::Unchanged => "unchanged",
        })
    }
}

/// Why the files could not be written. `Debug` prints the same text as `Display`, so `.unwrap()` in a
/// `build.rs` (or `fn main() -> Result<(), Error>`) shows every problem readably.
///
/// ```
/// use dockwright::build_script::{Error, Writer};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("App", Base::alpine("3.19")).env("1BAD", "x"));
/// let dir = tempfile::tempdir().unwrap();
/// let err = Writer::new().dir(dir.path()).write(&image).unwrap_err();
/// assert!(matches!(&err, Error::Invalid(errors) if errors.len() == 2));
/// assert_eq!(format!("{err:?}"), err.to_string());
/// assert!(err.to_string().starts_with("2 problems:\n  - stage 'App': invalid stage name 'App'"));
/// assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
/// ```
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The image does not validate: every problem, as [`Errors`] lists them.
    #[error("{0}")]
    Invalid(Errors),
    /// No directory was given and `CARGO_MANIFEST_DIR` is not set (not running under cargo).
    #[error("no output directory: CARGO_MANIFEST_DIR is not set; call Writer::dir outside cargo")]
    NoDirectory,
    /// A file could not be read, or written and renamed into place.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file that was being read or written.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// [`Writer::write_within_budget`]: the image has no budget, may exceed it, or has parts of its
    /// estimate nothing could size.
    #[error("{0}")]
    Budget(crate::estimate::BudgetCheckError),
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

fn manifest_dir(var: Option<std::ffi::OsString>) -> Result<PathBuf, Error> {
    var.filter(|dir| !dir.is_empty()).map(PathBuf::from).ok_or(Error::NoDirectory)
}

fn outcome(content: &str, existing: Option<&[u8]>) -> Outcome {
    match existing {
        Some(old) if old == content.as_bytes() => Outcome::Unchanged,
        Some(_) => Outcome::Updated,
        None => Outcome::Created,
    }
}

/// Creates `path`'s directory and its missing parents.
fn create_parent(path: &Path) -> Result<(), Error> {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => {
            fs::create_dir_all(parent).map_err(|source| Error::Io { path: path.to_path_buf(), source })
        }
        _ => Ok(()),
    }
}

/// Writes `content` to a temporary file in `path`'s directory, ready to be renamed onto `path` (so a reader
/// sees the old file or the new one, never a part). An existing file's permissions are kept; a new one gets
/// the mode `fs::write` would give it.
fn stage_file(path: &Path, content: &[u8]) -> Result<tempfile::NamedTempFile, Error> {
    let io_err = |source| Error::Io { path: path.to_path_buf(), source };
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    let existing = fs::metadata(path).ok().map(|meta| meta.permissions());
    #[cfg(unix)]
    builder.permissions(existing.clone().unwrap_or_else(|| {
        use std::os::unix::fs::PermissionsExt as _;
        fs::Permissions::from_mode(0o666)
    }));
    let mut file = builder.tempfile_in(dir).map_err(io_err)?;
    file.write_all(content).map_err(io_err)?;
    #[cfg(not(unix))]
    if let Some(permissions) = existing {
        file.as_file().set_permissions(permissions).map_err(io_err)?;
    }
    file.as_file().sync_all().map_err(io_err)?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Base, Stage};
    use pretty_assertions::assert_eq;

    fn image() -> Image {
        let mut image = Image::new().dockerignore(["target", "*.pyc"]);
        let build = image.stage(Stage::new("build", Base::golang("1.22").alpine()).run("go build -o /app ."));
        image.stage(Stage::new("run", Base::alpine("3.19")).copy_from(&build, ["/app"], "/app").cmd(["/app"]));
        image
    }

    fn quiet(dir: &Path) -> Writer {
        Writer::new().dir(dir).print_cargo_lines(false)
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> =
            fs::read_dir(dir).unwrap().map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    #[test]
    fn writes_exactly_what_emit_gives() {
        let dir = tempfile::tempdir().unwrap();
        let report = quiet(dir.path()).write(&image()).unwrap();
        assert_eq!(report.outcomes(), [Outcome::Created, Outcome::Created]);
        assert_eq!(fs::read_to_string(dir.path().join("Dockerfile")).unwrap(), image().emit().unwrap());
        assert_eq!(fs::read_to_string(dir.path().join(".dockerignore")).unwrap(), image().dockerignore_text());
        assert_eq!(entries(dir.path()), [".dockerignore", "Dockerfile"]);
    }

    #[test]
    fn unchanged_content_is_not_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        quiet(dir.path()).write(&image()).unwrap();
        let path = dir.path().join("Dockerfile");
        // An old time stamp: any rewrite would move it to now.
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
        for name in ["Dockerfile", ".dockerignore"] {
            fs::File::options().write(true).open(dir.path().join(name)).unwrap().set_modified(old).unwrap();
        }
        let inode_before = inode(&path);
        let report = quiet(dir.path()).write(&image()).unwrap();
        assert!(report.is_unchanged());
        assert_eq!(report.written().count(), 0);
        for name in ["Dockerfile", ".dockerignore"] {
            assert_eq!(fs::metadata(dir.path().join(name)).unwrap().modified().unwrap(), old, "{name}");
        }
        assert_eq!(inode(&path), inode_before);

        // One file changed: only that one is written.
        let mut changed = image();
        changed.stage(Stage::new("extra", Base::alpine("3.19")));
        let report = quiet(dir.path()).write(&changed).unwrap();
        assert_eq!(report.outcomes(), [Outcome::Updated, Outcome::Unchanged]);
        assert_ne!(fs::metadata(&path).unwrap().modified().unwrap(), old);
        assert_eq!(fs::metadata(dir.path().join(".dockerignore")).unwrap().modified().unwrap(), old);
        assert_eq!(fs::read_to_string(&path).unwrap(), changed.emit().unwrap());
    }

    #[cfg(unix)]
    fn inode(path: &Path) -> u64 {
        use std::os::unix::fs::MetadataExt as _;
        fs::metadata(path).unwrap().ino()
    }

    #[cfg(not(unix))]
    fn inode(_: &Path) -> u64 {
        0
    }

    #[test]
    fn invalid_image_gives_every_error_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("Dockerfile"), "FROM old\n").unwrap();
        let mut image = image().dockerignore([""]);
        image.stage(Stage::new("Bad Name", Base::alpine("3.19")).env("1X", "y"));
        let err = quiet(dir.path()).write(&image).unwrap_err();
        let Error::Invalid(errors) = &err else { panic!("expected validation errors, got {err}") };
        assert_eq!(errors.len(), 3);
        assert_eq!(err.to_string(), errors.to_string());
        assert_eq!(format!("{err:?}"), errors.to_string());
        assert!(err.to_string().starts_with("3 problems:\n  - .dockerignore pattern \"\" must be one non-empty line"));
        assert_eq!(entries(dir.path()), ["Dockerfile"]);
        assert_eq!(fs::read_to_string(dir.path().join("Dockerfile")).unwrap(), "FROM old\n");
    }

    #[test]
    fn unwrap_message_is_readable() {
        // What `fn main() { write(&image).unwrap() }` in a build.rs shows.
        let panic =
            std::panic::catch_unwind(|| quiet(Path::new("/nonexistent")).write(&Image::new()).unwrap()).unwrap_err();
        let message = panic.downcast_ref::<String>().unwrap();
        assert_eq!(
            message,
            "called `Result::unwrap()` on an `Err` value: the image has no stages: add one with Image::stage"
        );
    }

    #[test]
    fn missing_directories_are_created() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing/deeper");
        let report = quiet(&missing).dockerignore("ignore/.dockerignore").write(&image()).unwrap();
        assert_eq!(report.outcomes(), [Outcome::Created, Outcome::Created]);
        assert_eq!(fs::read_to_string(missing.join("Dockerfile")).unwrap(), image().emit().unwrap());
        assert_eq!(fs::read_to_string(missing.join("ignore/.dockerignore")).unwrap(), image().dockerignore_text());
        assert_eq!(entries(&missing), ["Dockerfile", "ignore"]);
    }

    #[test]
    fn a_directory_that_cannot_be_made_is_an_error_naming_the_path_and_nothing_is_written() {
        // The Dockerfile's directory can be made but the ignore file's cannot (a file is in the way):
        // the error comes before any file is written.
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("blocker"), "").unwrap();
        let err = quiet(&dir.path().join("out")).dockerignore("../blocker/.dockerignore").write(&image()).unwrap_err();
        let message = err.to_string();
        let path = dir.path().join("out/../blocker/.dockerignore");
        assert!(message.starts_with(&format!("cannot write {}: ", path.display())), "{message}");
        assert!(matches!(err, Error::Io { .. }));
        assert_eq!(entries(&dir.path().join("out")), Vec::<String>::new());
    }

    // Files cannot be created in /proc, even by root.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_failed_write_changes_no_file() {
        // The Dockerfile can be written but the ignore file cannot: neither is replaced, no temporary file stays.
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("Dockerfile"), "FROM old\n").unwrap();
        let err = quiet(dir.path()).dockerignore("/proc/.dockerignore").write(&image()).unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with("cannot write /proc/.dockerignore: "), "{message}");
        assert_eq!(entries(dir.path()), ["Dockerfile"]);
        assert_eq!(fs::read_to_string(dir.path().join("Dockerfile")).unwrap(), "FROM old\n");
    }

    #[cfg(unix)]
    #[test]
    fn failed_write_leaves_no_partial_file() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("Dockerfile"), "FROM old\n").unwrap();
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o555)).unwrap();
        // Root ignores directory permissions: nothing to test there.
        let writable = fs::File::create(dir.path().join("probe")).is_ok();
        let result = quiet(dir.path()).write(&image());
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        if writable {
            eprintln!("skipped: directory permissions are not enforced for this user");
            return;
        }
        let err = result.unwrap_err();
        let message = err.to_string();
        assert!(
            message.starts_with(&format!("cannot write {}: ", dir.path().join("Dockerfile").display())),
            "{message}"
        );
        assert!(message.contains("ermission denied"), "{message}");
        assert_eq!(entries(dir.path()), ["Dockerfile"]);
        assert_eq!(fs::read_to_string(dir.path().join("Dockerfile")).unwrap(), "FROM old\n");
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_kept_or_the_usual_default() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("plain"), "").unwrap();
        let usual = fs::metadata(dir.path().join("plain")).unwrap().permissions().mode() & 0o777;
        fs::write(dir.path().join("Dockerfile"), "FROM old\n").unwrap();
        fs::set_permissions(dir.path().join("Dockerfile"), fs::Permissions::from_mode(0o640)).unwrap();
        quiet(dir.path()).write(&image()).unwrap();
        assert_eq!(fs::metadata(dir.path().join("Dockerfile")).unwrap().permissions().mode() & 0o777, 0o640);
        assert_eq!(fs::metadata(dir.path().join(".dockerignore")).unwrap().permissions().mode() & 0o777, usual);
    }

    #[test]
    fn no_directory_without_cargo() {
        // `cargo test` sets the variable, so the lookup is tested on its own.
        assert!(matches!(manifest_dir(None), Err(Error::NoDirectory)));
        assert!(matches!(manifest_dir(Some("".into())), Err(Error::NoDirectory)));
        assert_eq!(manifest_dir(Some("/crate".into())).unwrap(), Path::new("/crate"));
        assert!(Writer::new().dir("/nonexistent").check(&image()).is_ok());
        assert_eq!(
            Error::NoDirectory.to_string(),
            "no output directory: CARGO_MANIFEST_DIR is not set; call Writer::dir outside cargo"
        );
    }
}
