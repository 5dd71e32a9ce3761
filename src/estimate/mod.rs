//! Size estimates per stage and per layer, and budgets: `estimate(&Dockerfile, &dyn SizeOracle) -> SizeReport`.
//!
//! The estimator owns the rules that turn instructions into bytes; every outside figure (base image
//! sizes, package installed sizes, the build context, vendored wheels) comes from a [`SizeOracle`],
//! so the core does no IO. Each figure is a range with the source it came from; anything the rules do
//! not recognise, or the oracle cannot answer, is an explicit unknown named in the report, never a
//! guess passed off as fact.
//!
//! The model follows how images are stored: the image is its base plus the layers of the target
//! stage (and the stages it is built `FROM`); `RUN`, `COPY` and `ADD` make layers, metadata
//! instructions add nothing. Files written in one layer and deleted in a later one still take space
//! (the later layer only hides them): they count, and are reported as waste, as dive does. A deletion
//! within the same `RUN` (the apt hygiene `apt-get update && ... && rm -rf /var/lib/apt/lists/*`)
//! removes them before the layer is written. `COPY --from` takes the source stage's estimate of the
//! copied paths, so sizes propagate through stages; its figure's source names the stage and path, then
//! the sources of what that stage wrote there, one stage deep (what the stage had itself copied from
//! another is named by that stage and path), so sources stay short however long a chain of stages is.
//! The stage graph (which stage a `FROM` or `--from` name is, what image a stage starts from) is the
//! analysis's, and the walk costs time linear in the file.
//!
//! ```
//! use dockwright::estimate::{estimate, CatalogOracle, Figure, SizeOracle};
//! use dockwright::{Base, Image, Stage};
//!
//! let mut image = Image::new();
//! image.stage(Stage::new("app", Base::image("debian:bookworm-slim", dockwright::OsFamily::Debian)).copy(["app"], "/app/"));
//! let catalog = CatalogOracle::from_tsv("image\tuncompressed\ndebian:bookworm-slim\t74830000\n");
//! let report = estimate(&image.to_model().unwrap(), &catalog);
//! assert_eq!(report.total.low, 74_830_000); // the context is unknown to this oracle
//! assert_eq!(
//!     report.unknowns()[0].to_string(),
//!     "stage 'app', COPY app /app/: context files app: size unknown (no oracle answered)"
//! );
//! ```

mod budget;
mod builtin;
#[cfg(feature = "fs")]
mod fs;
mod oracle;
mod rules;
mod unknown;

use std::fmt;

use indexmap::IndexMap;

pub use crate::model::{Budget, BudgetError};
pub use budget::{
    BudgetCheckError, BudgetExceeded, BudgetFailure, BudgetFit, ImageBudget, IncompleteEstimate, IntoBudget,
};
pub use builtin::{BuiltinPackages, PackageSizes, PackageTableError};
#[cfg(feature = "fs")]
pub use fs::{ContextOracle, WheelsOracle};
pub use oracle::{AlpineIndex, CatalogOracle, Composite, DebianIndex};
pub use unknown::{Missing, Unknown};

use crate::analysis::{StageBase, StageIndex, StepKind, raw_step_kind, resolve_path as resolve, within};
use crate::base::PackageManager;
use crate::import::shell::Spare;
use crate::model::{BaseImage, Command, Dockerfile, FromSource, ImageRef, Instruction, Source, range_text};

/// A size in bytes as a range, with where it came from.
///
/// ```
/// use dockwright::estimate::Figure;
///
/// let figure = Figure::range(3_000, 1_000, "rule: example");
/// assert_eq!((figure.low, figure.high), (1_000, 3_000));
/// assert_eq!(figure.mid(), 2_000);
/// assert!(Figure::exact(5, "measured").contains(5));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    /// The smallest plausible size, bytes.
    pub low: u64,
    /// The largest plausible size, bytes.
    pub high: u64,
    /// Where the figure came from (an index, a catalogue row, a measurement, a stated rule).
    pub source: String,
}

impl Figure {
    /// An exact figure.
    ///
    /// ```
    /// use dockwright::estimate::Figure;
    ///
    /// assert_eq!(Figure::exact(10, "du").high, 10);
    /// ```
    pub fn exact(bytes: u64, source: impl Into<String>) -> Self {
        Figure { low: bytes, high: bytes, source: source.into() }
    }

    /// A range (the bounds are put in order).
    ///
    /// ```
    /// use dockwright::estimate::Figure;
    ///
    /// assert_eq!(Figure::range(2, 1, "x"), Figure { low: 1, high: 2, source: "x".into() });
    /// ```
    pub fn range(low: u64, high: u64, source: impl Into<String>) -> Self {
        Figure { low: low.min(high), high: low.max(high), source: source.into() }
    }

    /// The middle of the range.
    ///
    /// ```
    /// use dockwright::estimate::Figure;
    ///
    /// assert_eq!(Figure::range(1, 4, "x").mid(), 2);
    /// ```
    pub fn mid(&self) -> u64 {
        self.low / 2 + self.high / 2 + (self.low % 2 + self.high % 2) / 2
    }

    /// Whether `bytes` lies in the range.
    ///
    /// ```
    /// use dockwright::estimate::Figure;
    ///
    /// assert!(Figure::range(1, 4, "x").contains(4) && !Figure::range(1, 4, "x").contains(5));
    /// ```
    pub fn contains(&self, bytes: u64) -> bool {
        (self.low..=self.high).contains(&bytes)
    }

    fn plus(&mut self, other: &Figure) {
        // Past u64::MAX bytes (a chain of stages doubling its size) a figure stays at the maximum.
        self.low = self.low.saturating_add(other.low);
        self.high = self.high.saturating_add(other.high);
        if !other.source.is_empty() {
            if !self.source.is_empty() {
                self.source.push_str("; ");
            }
            self.source.push_str(&other.source);
        }
    }

    fn sum<'a, I>(figures: I) -> Figure
    where
        I: IntoIterator<Item = &'a Figure>,
        I::IntoIter: Clone,
    {
        let figures = figures.into_iter();
        // The joined sources in one allocation: their lengths and the `; ` between them.
        let len: usize = figures.clone().filter(|figure| !figure.source.is_empty()).map(|f| f.source.len() + 2).sum();
        let mut total = Figure { low: 0, high: 0, source: String::with_capacity(len.saturating_sub(2)) };
        for figure in figures {
            total.plus(figure);
        }
        total
    }
}

impl fmt::Display for Figure {
    /// `12.3 MB` or `12.3–14.0 MB`, then the source in parentheses.
    ///
    /// ```
    /// use dockwright::estimate::Figure;
    ///
    /// assert_eq!(Figure::range(12_300_000, 14_000_000, "rule").to_string(), "12.3–14.0 MB (rule)");
    /// assert_eq!(Figure::exact(2_880, "context").to_string(), "2.9 kB (context)");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", range_text(self.low, self.high))?;
        if !self.source.is_empty() {
            write!(f, " ({})", self.source)?;
        }
        Ok(())
    }
}

/// What the estimator asks about the build context: the sources of one `COPY`/`ADD`, its
/// `--exclude` patterns, and the image's ignore-file patterns.
///
/// ```
/// use dockwright::estimate::ContextQuery;
///
/// let query = ContextQuery { sources: vec!["src/".into()], excludes: vec![], ignore: vec!["**/__pycache__".into()] };
/// assert_eq!(query.sources, ["src/"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContextQuery {
    /// Source patterns, relative to the context, as written.
    pub sources: Vec<String>,
    /// `--exclude` patterns.
    pub excludes: Vec<String>,
    /// `.dockerignore` patterns (from [`Options::dockerignore`]).
    pub ignore: Vec<String>,
}

/// Where outside figures come from. Every method answers `None` by default (unknown), except
/// [`SizeOracle::packages`], which adds up [`SizeOracle::package`]: implement the ones your source
/// knows. [`Composite`] asks several oracles in turn.
///
/// ```
/// use dockwright::estimate::{Figure, SizeOracle};
/// use dockwright::PackageManager;
///
/// struct Fixed;
/// impl SizeOracle for Fixed {
///     fn package(&self, manager: PackageManager, name: &str) -> Option<Figure> {
///         (manager == PackageManager::Apt && name == "curl").then(|| Figure::exact(489 * 1024, "Installed-Size 489"))
///     }
/// }
/// assert_eq!(Fixed.package(PackageManager::Apt, "curl").unwrap().low, 500_736);
/// assert_eq!(Fixed.packages(PackageManager::Apt, &["curl"], false).unwrap().low, 500_736);
/// assert!(Fixed.base_image("alpine:3.19").is_none());
/// ```
pub trait SizeOracle {
    /// The on-disk (uncompressed) size of an image, as written in `FROM` (or as its `ARG` resolves).
    ///
    /// Answer for the reference as given: for a digest-pinned one (`name:tag@sha256:...`), the image
    /// with that digest. When an oracle has no figure for a digest-pinned reference, the estimator asks
    /// again with its tag alone (`name:tag`) and marks the figure as found by tag, so an oracle need not
    /// fall back itself.
    fn base_image(&self, _image: &str) -> Option<Figure> {
        None
    }

    /// The installed size of a package (its own files; a range may include its dependencies).
    fn package(&self, _manager: PackageManager, _name: &str) -> Option<Figure> {
        None
    }

    /// What one install command adds: `names` installed together (`apt-get install a b`), so a
    /// dependency they share is installed once; `recommends` says whether the command installs
    /// recommended (weak) dependencies too (see the estimator's rules for how it is read). `None`
    /// when any name is unknown; the estimator then asks per name to report which.
    ///
    /// The default knows no dependencies: it adds up [`SizeOracle::package`] for each distinct
    /// name (a name given twice counts once) and ignores `recommends`; every figure's source is
    /// kept, `; `-separated. Oracles that know dependencies ([`DebianIndex`], [`AlpineIndex`],
    /// [`BuiltinPackages`]) count each package of the union of the closures once.
    ///
    /// ```
    /// use dockwright::estimate::{Figure, SizeOracle};
    /// use dockwright::PackageManager;
    ///
    /// struct Fixed;
    /// impl SizeOracle for Fixed {
    ///     fn package(&self, _manager: PackageManager, name: &str) -> Option<Figure> {
    ///         match name {
    ///             "curl" => Some(Figure::range(500, 1_500, "curl row")),
    ///             "git" => Some(Figure::exact(4_000, "git row")),
    ///             _ => None,
    ///         }
    ///     }
    /// }
    /// let both = Fixed.packages(PackageManager::Apt, &["curl", "git", "curl"], false).unwrap();
    /// assert_eq!((both.low, both.high), (4_500, 5_500));
    /// assert_eq!(both.source, "curl row; git row");
    /// assert!(Fixed.packages(PackageManager::Apt, &["curl", "nosuchpkg"], true).is_none());
    /// assert_eq!(Fixed.packages(PackageManager::Apt, &[], true).unwrap().high, 0);
    /// ```
    fn packages(&self, manager: PackageManager, names: &[&str], _recommends: bool) -> Option<Figure> {
        let mut total = Figure::exact(0, "");
        for (i, name) in names.iter().enumerate() {
            if !names[..i].contains(name) {
                total.plus(&self.package(manager, name)?);
            }
        }
        Some(total)
    }

    /// The bytes a `COPY`/`ADD` from the build context adds.
    fn context(&self, _query: &ContextQuery) -> Option<Figure> {
        None
    }

    /// The installed size (site-packages, bytecode included) of what `pip install --no-index
    /// --find-links=<wheels_dir> -r <requirements>...` installs into an environment where the
    /// `installed` requirement files were installed before (their distributions are not counted
    /// again); paths relative to the context.
    fn wheels(&self, _wheels_dir: &str, _requirements: &[String], _installed: &[String]) -> Option<Figure> {
        None
    }

    /// The size of a Go binary built from `package` (as `go build` was given it).
    fn go_binary(&self, _package: &str) -> Option<Figure> {
        None
    }
}

/// Options for [`estimate_with`]: which stage is the image, and the ignore-file patterns.
///
/// ```
/// use dockwright::estimate::Options;
///
/// let options = Options { target: Some("prod".into()), ..Options::default() };
/// assert!(options.dockerignore.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Options {
    /// The stage built (`--target`); the last stage when `None`.
    pub target: Option<String>,
    /// `.dockerignore` patterns, passed to [`SizeOracle::context`].
    pub dockerignore: Vec<String>,
}

/// The estimate for one Dockerfile: every stage, and the image (the target stage) total.
///
/// ```
/// use dockwright::estimate::{estimate, CatalogOracle};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::scratch()).env("A", "1"));
/// let report = estimate(&image.to_model().unwrap(), &CatalogOracle::default());
/// assert_eq!((report.target.as_str(), report.total.high), ("app", 0));
/// assert!(report.is_complete());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizeReport {
    /// The stage that is the image.
    pub target: String,
    /// Every stage, in order.
    pub stages: Vec<StageReport>,
    /// The image: its base plus the layers of the target stage and the stages it is built on
    /// (known figures only; see [`SizeReport::unknowns`]).
    pub total: Figure,
    /// Bytes the image carries that a later layer deleted (hidden but still stored).
    pub waste: Figure,
}

/// One stage's estimate.
///
/// ```
/// use dockwright::estimate::{estimate, CatalogOracle};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::scratch()).copy(["a"], "/a"));
/// let report = estimate(&image.to_model().unwrap(), &CatalogOracle::default());
/// let stage = &report.stages[0];
/// assert_eq!((stage.name.as_str(), stage.from.as_str(), stage.counted, stage.layers.len()), ("app", "scratch", true, 1));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageReport {
    /// The stage's name (`stage-N` when unnamed).
    pub name: String,
    /// What it is built from (an image reference or a stage name).
    pub from: String,
    /// The base's size (the image's, or the parent stage's total), or what is missing to know it.
    pub base: Result<Figure, Missing>,
    /// Its layers (`RUN`, `COPY`, `ADD`; unrecognised instructions too).
    pub layers: Vec<LayerReport>,
    /// Base plus layers (known figures only).
    pub total: Figure,
    /// Whether it is part of the image (the target or one of its `FROM` ancestors).
    pub counted: bool,
}

/// One layer: the instruction, its size, and what the estimate could not know.
///
/// ```
/// use dockwright::estimate::{estimate, CatalogOracle, Missing};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")).run("make"));
/// let report = estimate(&image.to_model().unwrap(), &CatalogOracle::default());
/// let layer = &report.stages[0].layers[0];
/// assert_eq!(layer.instruction, "RUN make");
/// assert_eq!(layer.unknowns, [Missing::Command { command: "make".into() }]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerReport {
    /// The instruction's position in its stage (0-based).
    pub index: usize,
    /// A one-line description of the instruction.
    pub instruction: String,
    /// The bytes the layer adds (known parts; see `unknowns`).
    pub size: Figure,
    /// The parts of the size, each with its source.
    pub parts: Vec<Figure>,
    /// What the layer adds that no rule or oracle could size.
    pub unknowns: Vec<Missing>,
    /// Bytes written by earlier layers that this layer deletes: still stored, reported as waste.
    pub waste: Figure,
}

impl SizeReport {
    /// Every unknown of the counted stages, in order: where it is and what is missing (its `Display`
    /// is `stage 'name', INSTRUCTION: what`; [`Unknown::help`] says how to supply it).
    ///
    /// ```
    /// use dockwright::estimate::{estimate, CatalogOracle, Missing};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).run("make"));
    /// let report = estimate(&image.to_model().unwrap(), &CatalogOracle::default());
    /// let unknowns = report.unknowns();
    /// assert_eq!(
    ///     unknowns.iter().map(ToString::to_string).collect::<Vec<_>>(),
    ///     ["stage 'app', FROM alpine:3.19: base image size unknown", "stage 'app', RUN make: command not recognised: make"]
    /// );
    /// assert_eq!(unknowns[1].missing, Missing::Command { command: "make".into() });
    /// ```
    pub fn unknowns(&self) -> Vec<Unknown> {
        let mut out = Vec::new();
        if !self.stages.iter().any(|s| s.counted) {
            let missing = Missing::NoSuchTarget { target: self.target.clone() };
            out.push(Unknown { stage: self.target.clone(), instruction: "target".into(), missing });
        }
        for stage in self.stages.iter().filter(|s| s.counted) {
            if let Err(missing) = &stage.base {
                out.push(Unknown {
                    stage: stage.name.clone(),
                    instruction: format!("FROM {}", stage.from),
                    missing: missing.clone(),
                });
            }
            for layer in &stage.layers {
                for missing in &layer.unknowns {
                    out.push(Unknown {
                        stage: stage.name.clone(),
                        instruction: layer.instruction.clone(),
                        missing: missing.clone(),
                    });
                }
            }
        }
        out
    }

    /// Whether every counted figure is known.
    ///
    /// ```
    /// use dockwright::estimate::{estimate, CatalogOracle};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// assert!(!estimate(&image.to_model().unwrap(), &CatalogOracle::default()).is_complete());
    /// ```
    pub fn is_complete(&self) -> bool {
        self.unknowns().is_empty()
    }

    /// The counted layers, largest (upper bound) first, with their stage names.
    ///
    /// ```
    /// use dockwright::estimate::{estimate, CatalogOracle};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).run("mkdir /a").run("make"));
    /// let report = estimate(&image.to_model().unwrap(), &CatalogOracle::default());
    /// assert_eq!(report.largest_layers()[0].1.instruction, "RUN mkdir /a");
    /// ```
    pub fn largest_layers(&self) -> Vec<(&str, &LayerReport)> {
        let mut layers: Vec<(&str, &LayerReport)> = self
            .stages
            .iter()
            .filter(|s| s.counted)
            .flat_map(|s| s.layers.iter().map(move |l| (s.name.as_str(), l)))
            .collect();
        layers.sort_by(|a, b| b.1.size.high.cmp(&a.1.size.high).then(a.1.index.cmp(&b.1.index)));
        layers
    }

    /// The target stage's report.
    ///
    /// ```
    /// use dockwright::estimate::{estimate, CatalogOracle};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::scratch()));
    /// assert_eq!(estimate(&image.to_model().unwrap(), &CatalogOracle::default()).stage("app").unwrap().from, "scratch");
    /// ```
    pub fn stage(&self, name: &str) -> Option<&StageReport> {
        self.stages.iter().find(|s| s.name == name)
    }

    /// Bytes the image adds on top of its root base image (the counted layers).
    ///
    /// ```
    /// use dockwright::estimate::{estimate, CatalogOracle};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).run("mkdir /data"));
    /// assert_eq!(estimate(&image.to_model().unwrap(), &CatalogOracle::default()).added().high, 64 * 1024);
    /// ```
    pub fn added(&self) -> Figure {
        Figure::sum(self.stages.iter().filter(|s| s.counted).flat_map(|s| s.layers.iter().map(|l| &l.size)))
    }
}

impl fmt::Display for SizeReport {
    /// A table: the image's total, then each stage with its base and layers (size column first,
    /// right-aligned), stages outside the image marked, the waste, and every unknown.
    ///
    /// ```
    /// use dockwright::estimate::{estimate, CatalogOracle};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let catalog = CatalogOracle::from_tsv("image\tbytes\ngolang:1.22-alpine\t241350000\nalpine:3.19\t7300000\n");
    /// let mut image = Image::new();
    /// let build = image.stage(Stage::new("build", Base::golang("1.22").alpine()).run("go build -o /out/app ."));
    /// image.stage(
    ///     Stage::new("app", Base::alpine("3.19"))
    ///         .copy_from(&build, ["/out/app"], "/usr/local/bin/app")
    ///         .run("mkdir /data")
    ///         .copy(["config.toml"], "/etc/app/"),
    /// );
    /// let report = estimate(&image.to_model().unwrap(), &catalog);
    /// assert_eq!(
    ///     report.to_string().lines().collect::<Vec<_>>(),
    ///     [
    ///         "image 'app': 8.5–32.4 MB, 1 part unknown",
    ///         "stage 'build' (not in the image)",
    ///         "     241.3 MB  FROM golang:1.22-alpine (catalogue: golang:1.22-alpine = 241350000)",
    ///         "  1.2–25.0 MB  RUN go build -o /out/app .",
    ///         "stage 'app'",
    ///         "       7.3 MB  FROM alpine:3.19 (catalogue: alpine:3.19 = 7300000)",
    ///         "  1.2–25.0 MB  COPY --from=build /out/app /usr/local/bin/app",
    ///         "  0.0–65.5 kB  RUN mkdir /data",
    ///         "      unknown  COPY config.toml /etc/app/",
    ///         "unknown, not counted:",
    ///         "  stage 'app', COPY config.toml /etc/app/: context files config.toml: size unknown (no oracle answered)",
    ///     ]
    /// );
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unknowns = self.unknowns();
        write!(f, "image '{}': {}", self.target, range_text(self.total.low, self.total.high))?;
        match unknowns.len() {
            0 => writeln!(f)?,
            1 => writeln!(f, ", 1 part unknown")?,
            n => writeln!(f, ", {n} parts unknown")?,
        }
        let size_of = figure_text;
        let width = self
            .stages
            .iter()
            .flat_map(|stage| {
                let base = match &stage.base {
                    Ok(base) => size_of(base, false),
                    Err(_) => size_of(&Figure::exact(0, ""), true),
                };
                let layers = stage.layers.iter().map(|l| size_of(&l.size, !l.unknowns.is_empty()));
                std::iter::once(base).chain(layers)
            })
            .map(|text| text.chars().count())
            .max()
            .unwrap_or(0);
        for stage in &self.stages {
            let outside = if stage.counted { "" } else { " (not in the image)" };
            writeln!(f, "stage '{}'{outside}", stage.name)?;
            match &stage.base {
                Ok(base) if base.source.is_empty() => {
                    writeln!(f, "  {:>width$}  FROM {}", size_of(base, false), stage.from)?
                }
                Ok(base) => writeln!(f, "  {:>width$}  FROM {} ({})", size_of(base, false), stage.from, base.source)?,
                Err(_) => writeln!(f, "  {:>width$}  FROM {}", "unknown", stage.from)?,
            }
            for layer in &stage.layers {
                write!(f, "  {:>width$}  {}", size_of(&layer.size, !layer.unknowns.is_empty()), layer.instruction)?;
                if layer.waste.high > 0 {
                    write!(
                        f,
                        " (hides {} of earlier layers, still stored)",
                        range_text(layer.waste.low, layer.waste.high)
                    )?;
                }
                writeln!(f)?;
            }
        }
        if self.waste.high > 0 {
            writeln!(
                f,
                "waste (deleted in a later layer, still stored): {}",
                range_text(self.waste.low, self.waste.high)
            )?;
        }
        if !unknowns.is_empty() {
            writeln!(f, "unknown, not counted:")?;
            for unknown in &unknowns {
                writeln!(f, "  {unknown}")?;
            }
        }
        Ok(())
    }
}

/// A figure as the size column of a table shows it: `1.2–25.0 MB`, or with parts it could not size
/// (`unknown`), `unknown` or `1.2 MB + unknown`.
pub(crate) fn figure_text(figure: &Figure, unknown: bool) -> String {
    match (unknown, figure.high) {
        (true, 0) => "unknown".to_string(),
        (true, _) => format!("{} + unknown", range_text(figure.low, figure.high)),
        (false, _) => range_text(figure.low, figure.high),
    }
}

/// Estimates the image built from the last stage; see [`estimate_with`].
///
/// ```
/// use dockwright::estimate::{estimate, CatalogOracle};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::scratch()).copy(["a"], "/a"));
/// let report = estimate(&image.to_model().unwrap(), &CatalogOracle::default());
/// assert_eq!(report.total.high, 0);
/// assert!(!report.is_complete());
/// ```
pub fn estimate(dockerfile: &Dockerfile, oracle: &dyn SizeOracle) -> SizeReport {
    estimate_with(dockerfile, oracle, &Options::default())
}

/// Estimates every stage of `dockerfile`; the image is `options.target` (or the last stage).
/// An unknown target counts no stage.
///
/// ```
/// use dockwright::estimate::{estimate_with, CatalogOracle, Options};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// let build = image.stage(Stage::new("build", Base::alpine("3.19")).run("mkdir /out"));
/// image.stage(Stage::new("app", Base::scratch()).copy_from(&build, ["/out"], "/out"));
/// let options = Options { target: Some("build".into()), ..Options::default() };
/// let report = estimate_with(&image.to_model().unwrap(), &CatalogOracle::default(), &options);
/// assert_eq!(report.target, "build");
/// assert!(report.stage("build").unwrap().counted && !report.stage("app").unwrap().counted);
/// ```
pub fn estimate_with(dockerfile: &Dockerfile, oracle: &dyn SizeOracle, options: &Options) -> SizeReport {
    let mut states: Vec<StageState> = Vec::with_capacity(dockerfile.stages.len());
    let mut stages: Vec<StageReport> = Vec::with_capacity(dockerfile.stages.len());
    // The stage graph as the analysis resolves it: `FROM <stage>` and `COPY --from=<stage>` name an
    // earlier stage by a hash lookup, and an image base is the one `Dockerfile::base_image` gives.
    let graph = StageIndex::new(dockerfile);
    let mut scratch = Scratch { shell: Spare::default(), ignore: options.dockerignore.clone() };
    let mut parents: Vec<Option<usize>> = Vec::with_capacity(dockerfile.stages.len());
    // A stage's filesystem state is kept while a later stage can read it (built FROM it or copying
    // from it) and let go after the last one: a long file holds the states it still needs, not every
    // stage's.
    let release = release_order(dockerfile, &graph);
    let mut released = 0;
    for (i, stage) in dockerfile.stages.iter().enumerate() {
        let name = stage.name().map(str::to_string).unwrap_or_else(|| format!("stage-{i}"));
        let (from, mut state, base, parent) = match graph.base(i, &stage.from.base) {
            StageBase::Stage(p) => {
                (stage.from.base.to_string(), states[p].clone(), Ok(stages[p].total.clone()), Some(p))
            }
            // A stage name that names no earlier stage (the analysis reads it as an image).
            StageBase::Image(name) if matches!(stage.from.base, BaseImage::Stage(_)) => {
                let missing = Missing::UndefinedStage { stage: name.clone() };
                (name, StageState::default(), Err(missing), None)
            }
            StageBase::Image(reference) => {
                let base = base_size(oracle, &reference);
                let state = StageState { image: reference.clone(), ..StageState::default() };
                (reference, state, base, None)
            }
        };
        parents.push(parent);
        // Sized once: a vector grown past a kilobyte makes the allocator tidy every small block freed
        // so far, each time.
        let mut layers = Vec::with_capacity(stage.instructions.iter().filter(|i| makes_layer(i)).count());
        for (index, instruction) in stage.instructions.iter().enumerate() {
            let ctx = Ctx { oracle, states: &states, graph: &graph, stage: i };
            if let Some(layer) = layer_for(&ctx, &mut state, &mut scratch, index, instruction) {
                layers.push(layer);
            }
        }
        let (low, high) = base.as_ref().map_or((0, 0), |base| (base.low, base.high));
        let mut total = Figure { low, high, source: ["stage '", &name, "'"].concat() };
        for layer in &layers {
            total.low = total.low.saturating_add(layer.size.low);
            total.high = total.high.saturating_add(layer.size.high);
        }
        states.push(state);
        stages.push(StageReport { name, from, base, layers, total, counted: false });
        while let Some(&(last_reader, stage)) = release.get(released) {
            if last_reader > i {
                break;
            }
            states[stage] = StageState::released();
            released += 1;
        }
    }
    let target = match &options.target {
        Some(target) => stages.iter().position(|stage| stage.name == *target),
        None => stages.len().checked_sub(1),
    };
    let mut next = target;
    while let Some(i) = next {
        stages[i].counted = true;
        next = parents[i];
    }
    let (total, waste) = match target {
        Some(i) => {
            let waste =
                Figure::sum(stages.iter().filter(|s| s.counted).flat_map(|s| s.layers.iter().map(|l| &l.waste)));
            let stage = &stages[i];
            let total =
                Figure { low: stage.total.low, high: stage.total.high, source: ["image '", &stage.name, "'"].concat() };
            (total, waste)
        }
        None => (Figure::exact(0, "no such target"), Figure::exact(0, "")),
    };
    let target = options.target.clone().or_else(|| stages.last().map(|stage| stage.name.clone())).unwrap_or_default();
    SizeReport { target, stages, total, waste }
}

/// The size of the base image `reference`: the one place a base is looked up, whether the reference is
/// written in `FROM` or resolved from an `ARG`.
///
/// `scratch` is empty. Otherwise the oracle is asked for the reference as written; a digest-pinned
/// reference (`name:tag@sha256:...`) it has no figure for is asked again by its tag, and the figure's
/// source says so (the pinned image may differ from what the tag names now). A digest without a tag
/// has nothing to fall back on.
fn base_size(oracle: &dyn SizeOracle, reference: &str) -> Result<Figure, Missing> {
    let missing = || Missing::BaseImage { image: reference.to_string() };
    let parsed = ImageRef::parse(reference).ok();
    if parsed.as_ref().is_some_and(ImageRef::is_scratch) {
        return Ok(Figure::exact(0, "scratch: no layers"));
    }
    if let Some(figure) = oracle.base_image(reference) {
        return Ok(figure);
    }
    let Some(image) = parsed else { return Err(missing()) };
    let (Some(tagged), Some(digest)) = (image.by_tag(), image.digest()) else { return Err(missing()) };
    let mut figure = oracle.base_image(&tagged.to_string()).ok_or_else(missing)?;
    figure.source = format!("{}; by its tag {tagged}: no figure for digest {digest}", figure.source);
    Ok(figure)
}

/// A file or directory a layer wrote, with its estimated size.
#[derive(Debug, Clone)]
struct Written {
    path: String,
    size: Figure,
}

/// How many writes of one path name their sources in its figure; later ones are counted.
const SOURCES_SHOWN: usize = 3;

/// What a stage's layers wrote, one entry per path in the order each path was first written. Writing
/// a path again adds to its entry, so a stage holds as many entries as it has distinct paths, however
/// many stages before it wrote them (a chain of stages each built `FROM` the one before copies a
/// handful of entries a stage, not everything every earlier stage wrote).
#[derive(Debug, Clone, Default)]
struct Writes {
    by_path: IndexMap<String, PathWrites>,
}

/// The writes of one path: their sizes added up, the sources of the first [`SOURCES_SHOWN`], and how
/// many more there were.
#[derive(Debug, Clone)]
struct PathWrites {
    size: Figure,
    shown: usize,
    more: usize,
}

impl PathWrites {
    fn figure(&self) -> Figure {
        match self.more {
            0 => self.size.clone(),
            more => Figure {
                low: self.size.low,
                high: self.size.high,
                source: format!("{}; and {more} more writes", self.size.source),
            },
        }
    }
}

impl Writes {
    /// Adds a write.
    fn add(&mut self, written: Written) {
        let Some(entry) = self.by_path.get_mut(&written.path) else {
            let shown = usize::from(!written.size.source.is_empty());
            self.by_path.insert(written.path, PathWrites { size: written.size, shown, more: 0 });
            return;
        };
        let size = &written.size;
        entry.size.low = entry.size.low.saturating_add(size.low);
        entry.size.high = entry.size.high.saturating_add(size.high);
        if size.source.is_empty() {
            return;
        }
        if entry.shown < SOURCES_SHOWN {
            if !entry.size.source.is_empty() {
                entry.size.source.push_str("; ");
            }
            entry.size.source.push_str(&size.source);
            entry.shown += 1;
        } else {
            entry.more += 1;
        }
    }

    /// Each path at or under `path` that was written, with its figure.
    fn under<'a>(&'a self, path: &'a str) -> impl Iterator<Item = (&'a str, Figure)> + 'a {
        self.by_path.iter().filter(move |(at, _)| within(at, path)).map(|(at, writes)| (at.as_str(), writes.figure()))
    }

    /// Takes out every path at or under `dir`, with its figure.
    fn remove_under(&mut self, dir: &str) -> Vec<(String, Figure)> {
        // Most deletes remove nothing an earlier layer wrote: the map is left as it is.
        if !self.by_path.keys().any(|at| within(at, dir)) {
            return Vec::new();
        }
        let (gone, kept): (IndexMap<String, PathWrites>, IndexMap<String, PathWrites>) =
            std::mem::take(&mut self.by_path).into_iter().partition(|(at, _)| within(at, dir));
        self.by_path = kept;
        gone.into_iter().map(|(at, writes)| (at, writes.figure())).collect()
    }
}

/// What the estimator knows of a stage's filesystem while walking it.
#[derive(Debug, Clone)]
struct StageState {
    workdir: String,
    written: Writes,
    /// Container path -> context path, for COPYs from the context (to find wheels and requirements);
    /// the latest COPY to a path wins.
    origins: IndexMap<String, String>,
    layer_count: usize,
    /// The image at the root of the stage's `FROM` chain (for rules that depend on it).
    image: String,
    /// Per install target (venv), the requirement files already installed there.
    installed: Vec<(String, Vec<String>)>,
}

impl Default for StageState {
    fn default() -> Self {
        StageState {
            workdir: "/".into(),
            written: Writes::default(),
            origins: IndexMap::new(),
            layer_count: 0,
            image: String::new(),
            installed: Vec::new(),
        }
    }
}

/// Each stage with the last stage that reads its filesystem (itself when none does), in that order.
fn release_order(dockerfile: &Dockerfile, graph: &StageIndex<'_>) -> Vec<(usize, usize)> {
    let mut last_reader: Vec<usize> = (0..dockerfile.stages.len()).collect();
    for (reader, stage) in dockerfile.stages.iter().enumerate() {
        let from = match &stage.from.base {
            BaseImage::Stage(name) => Some(name.as_str()),
            _ => None,
        };
        let copies = stage.instructions.iter().filter_map(|instruction| match instruction {
            Instruction::Copy(copy) => match &copy.from {
                Some(FromSource::Stage(name)) => Some(name.as_str()),
                _ => None,
            },
            _ => None,
        });
        for name in from.into_iter().chain(copies) {
            if let Some(read) = graph.lookup(name, reader) {
                last_reader[read] = last_reader[read].max(reader);
            }
        }
    }
    let mut order: Vec<(usize, usize)> =
        last_reader.into_iter().enumerate().map(|(stage, last)| (last, stage)).collect();
    order.sort_unstable();
    order
}

impl StageState {
    /// The state of a stage no later stage reads: nothing kept.
    fn released() -> Self {
        StageState {
            workdir: String::new(),
            written: Writes::default(),
            origins: IndexMap::new(),
            layer_count: 0,
            image: String::new(),
            installed: Vec::new(),
        }
    }

    /// The estimated size of `path` and everything under it, when any layer wrote there.
    fn size_of(&self, path: &str) -> Option<Figure> {
        self.written.under(path).map(|(_, size)| size).reduce(|mut total, size| {
            total.plus(&size);
            total
        })
    }

    fn origin_of(&self, path: &str) -> Option<&str> {
        self.origins.get(path).map(String::as_str)
    }
}

struct Ctx<'a> {
    oracle: &'a dyn SizeOracle,
    /// The states of the stages before this one.
    states: &'a [StageState],
    graph: &'a StageIndex<'a>,
    /// The index of the stage being walked.
    stage: usize,
}

fn base_name(path: &str) -> &str {
    path.trim_end_matches('/').rsplit('/').next().unwrap_or(path)
}

/// Whether the estimate reports `instruction` as a layer: `RUN`, `COPY`, `ADD`, and a raw instruction
/// whose keyword analysis says makes one.
fn makes_layer(instruction: &Instruction) -> bool {
    match instruction {
        Instruction::Run(_) | Instruction::Copy(_) | Instruction::Add(_) => true,
        Instruction::Raw(raw) => raw_step_kind(raw.keyword.as_str()) != StepKind::Config,
        _ => false,
    }
}

fn layer_for(
    ctx: &Ctx<'_>,
    state: &mut StageState,
    scratch: &mut Scratch,
    index: usize,
    instruction: &Instruction,
) -> Option<LayerReport> {
    if let Instruction::Workdir(workdir) = instruction {
        state.workdir = resolve(&state.workdir, &workdir.path.to_string());
        return None;
    }
    if !makes_layer(instruction) {
        return None;
    }
    let mut layer = LayerReport {
        index,
        instruction: describe(instruction),
        size: Figure::exact(0, ""),
        parts: Vec::new(),
        unknowns: Vec::new(),
        waste: Figure::exact(0, ""),
    };
    match instruction {
        Instruction::Run(run) => {
            // The RUN's facts as analysis reads them (the one shell reader), without analysing the
            // whole file again.
            let location = crate::analysis::Location { stage: ctx.stage, instruction: index };
            let (script, installs) =
                crate::analysis::script_and_installs(run, location, &state.workdir, &mut scratch.shell);
            rules::run(ctx.oracle, state, (&script, &installs), &mut layer);
            scratch.shell.recycle(script);
        }
        Instruction::Copy(copy) => {
            let sources = path_sources(&copy.sources, &mut layer);
            let dest = copy.dest.as_str();
            match &copy.from {
                None => {
                    let excludes = copy.excludes.iter().map(|p| p.as_str().to_string()).collect();
                    let sources = sources.into_iter().map(str::to_string).collect();
                    context_copy(ctx, state, scratch, sources, excludes, dest, &mut layer);
                }
                Some(FromSource::Stage(name)) => {
                    let from = ctx.graph.lookup(name.as_str(), ctx.stage).map(|i| &ctx.states[i]);
                    for source in &sources {
                        let path = resolve("/", source);
                        let target = copy_target(state, dest, &path, sources.len() > 1);
                        match from.and_then(|from| from.size_of(&path)) {
                            Some(size) => {
                                // The layer says where the bytes came from, one stage deep; the copy
                                // itself is remembered by its stage and path, so a chain of stages each
                                // copying from the one before keeps every source the same length.
                                let origin = ["stage '", name.as_str(), "' ", &path].concat();
                                let part = Figure {
                                    low: size.low,
                                    high: size.high,
                                    source: [&origin, ": ", &size.source].concat(),
                                };
                                state.written.add(Written { path: target, size: Figure { source: origin, ..size } });
                                layer.parts.push(part);
                            }
                            None => layer.unknowns.push(Missing::StageFiles { stage: name.to_string(), path }),
                        }
                    }
                }
                Some(FromSource::Image(image)) => {
                    layer.unknowns.push(Missing::ImageFiles { image: image.to_string() });
                }
            }
        }
        Instruction::Add(add) => {
            let sources = path_sources(&add.sources, &mut layer);
            let (remote, local): (Vec<&str>, Vec<&str>) =
                sources.into_iter().partition(|s| s.contains("://") || s.starts_with("git@"));
            for url in remote {
                layer.unknowns.push(Missing::Remote { url: url.to_string() });
            }
            let local: Vec<String> = local.into_iter().map(str::to_string).collect();
            if !local.is_empty() {
                if add.unpack != Some(false) && local.iter().any(|s| is_archive(s)) {
                    layer.unknowns.push(Missing::Archive { sources: local });
                } else {
                    let excludes = add.excludes.iter().map(|p| p.as_str().to_string()).collect();
                    context_copy(ctx, state, scratch, local, excludes, add.dest.as_str(), &mut layer);
                }
            }
        }
        Instruction::Raw(raw) => {
            layer.unknowns.push(Missing::Instruction { keyword: raw.keyword.as_str().to_string() });
        }
        _ => return None,
    }
    layer.size = Figure::sum(&layer.parts);
    state.layer_count += 1;
    Some(layer)
}

fn path_sources<'a>(sources: &'a [Source], layer: &mut LayerReport) -> Vec<&'a str> {
    let mut out = Vec::with_capacity(sources.len());
    for source in sources {
        match source {
            Source::Path(path) => out.push(path.as_str()),
            Source::Inline(text) => {
                layer.parts.push(Figure::exact(text.as_str().len() as u64, "inline file: its text"));
            }
        }
    }
    out
}

fn is_archive(path: &str) -> bool {
    [".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".txz", ".tar.zst"].iter().any(|ext| path.ends_with(ext))
}

/// Where a copied source lands: `dest/<name>` when dest is a directory (ends in `/`, or several
/// sources), else `dest` itself.
fn copy_target(state: &StageState, dest: &str, source: &str, many: bool) -> String {
    let dest_path = resolve(&state.workdir, dest);
    if dest.ends_with('/') || dest == "." || many { resolve(&dest_path, base_name(source)) } else { dest_path }
}

fn context_copy(
    ctx: &Ctx<'_>,
    state: &mut StageState,
    scratch: &mut Scratch,
    sources: Vec<String>,
    excludes: Vec<String>,
    dest: &str,
    layer: &mut LayerReport,
) {
    if sources.is_empty() {
        return;
    }
    let dest_path = resolve(&state.workdir, dest);
    let clean = |source: &str| {
        let mut clean = source.trim_end_matches('/');
        while let Some(rest) = clean.strip_prefix("./") {
            clean = rest;
        }
        clean.to_string()
    };
    // A directory's contents land in dest (the last source's, when there are several); a file lands
    // in dest/<name> when dest ends in '/'.
    for source in &sources {
        let clean = clean(source);
        state.origins.insert(resolve(&dest_path, base_name(&clean)), clean);
    }
    if let Some(last) = sources.last() {
        state.origins.insert(dest_path.clone(), clean(last));
    }
    // The ignore patterns are the same for every copy: the query borrows the list and gives it back.
    let query = ContextQuery { sources, excludes, ignore: std::mem::take(&mut scratch.ignore) };
    let size = ctx.oracle.context(&query);
    let ContextQuery { sources, ignore, .. } = query;
    scratch.ignore = ignore;
    match size {
        Some(size) => {
            layer.parts.push(size.clone());
            state.written.add(Written { path: dest_path, size });
        }
        None => layer.unknowns.push(Missing::Context { sources }),
    }
}

/// What the estimator keeps from one instruction to the next so as not to allocate it again: the
/// buffers of the RUN scripts read so far, and the `.dockerignore` patterns it lends each context
/// query.
#[derive(Default)]
struct Scratch {
    shell: Spare,
    ignore: Vec<String>,
}

/// A one-line description of an instruction (for reports, not Dockerfile text): its words joined by
/// single spaces, cut to 120 characters (the last one `…`) when longer.
fn describe(instruction: &Instruction) -> String {
    let mut line = OneLine::new();
    match instruction {
        Instruction::Run(run) => {
            line.push("RUN");
            match &run.command {
                Command::Shell(script) => script.pieces().for_each(|piece| line.push(piece)),
                Command::Exec(argv) => argv.iter().for_each(|arg| line.push(arg.as_str())),
            }
        }
        Instruction::Copy(copy) => {
            line.push("COPY");
            if let Some(from) = &copy.from {
                line.push(&format!("--from={from}"));
            }
            sources_into(&mut line, &copy.sources);
            line.push(copy.dest.as_str());
        }
        Instruction::Add(add) => {
            line.push("ADD");
            sources_into(&mut line, &add.sources);
            line.push(add.dest.as_str());
        }
        Instruction::Raw(raw) => {
            line.push(raw.keyword.as_str());
            line.push(raw.args.as_str());
        }
        other => line.push(other.keyword()),
    }
    line.text
}

/// A line being made of the words of texts, in order, joined by single spaces; past 120 characters,
/// the first 119 and `…`, and the rest is not read.
struct OneLine {
    text: String,
    chars: usize,
    full: bool,
}

impl OneLine {
    const MAX: usize = 120;

    fn new() -> Self {
        OneLine { text: String::with_capacity(Self::MAX + 8), chars: 0, full: false }
    }

    fn push(&mut self, text: &str) {
        if self.full {
            return;
        }
        if !text.is_ascii() {
            for word in text.split_whitespace() {
                if !self.word(word, word.chars().count()) {
                    return;
                }
            }
            return;
        }
        // ASCII: words between runs of whitespace (what `char::is_whitespace` says of ASCII), one
        // character a byte.
        let space = |byte: u8| matches!(byte, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r');
        let bytes = text.as_bytes();
        // Most texts are one line of words between single spaces already: they are their words
        // joined, and go in at once.
        let single_spaced = |bytes: &[u8]| {
            let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else { return false };
            // Over each byte and the one before it, without an early exit (so the compiler can
            // check many bytes at once): no whitespace but single spaces.
            let other = |byte: u8| u8::from(space(byte) && byte != b' ');
            let found = bytes.iter().zip(&bytes[1..]).fold(other(first), |found, (&before, &byte)| {
                found | other(byte) | (u8::from(before == b' ') & u8::from(byte == b' '))
            });
            first != b' ' && last != b' ' && found == 0
        };
        if single_spaced(bytes) {
            self.word(text, bytes.len());
            return;
        }
        let mut at = 0;
        while at < bytes.len() {
            if space(bytes[at]) {
                at += 1;
                continue;
            }
            let start = at;
            while at < bytes.len() && !space(bytes[at]) {
                at += 1;
            }
            if !self.word(&text[start..at], at - start) {
                return;
            }
        }
    }

    /// Adds a word; false once the line is full.
    fn word(&mut self, word: &str, chars: usize) -> bool {
        if !self.text.is_empty() {
            self.text.push(' ');
            self.chars += 1;
        }
        self.text.push_str(word);
        self.chars += chars;
        if self.chars > Self::MAX {
            self.cut();
        }
        !self.full
    }

    /// Cuts the line to its first `MAX - 1` characters and `…`.
    fn cut(&mut self) {
        let cut = if self.text.len() == self.chars {
            // One byte a character.
            (Self::MAX - 1).min(self.text.len())
        } else {
            self.text.char_indices().nth(Self::MAX - 1).map_or(self.text.len(), |(at, _)| at)
        };
        self.text.truncate(cut);
        self.text.push('…');
        self.full = true;
    }
}

fn sources_into(line: &mut OneLine, sources: &[Source]) {
    for source in sources {
        match source {
            Source::Path(path) => line.push(path.as_str()),
            Source::Inline(_) => line.push("<<inline>>"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_are_one_line_of_at_most_120_characters() {
        let exactly = "x".repeat(116);
        let over = format!("{exactly}yz");
        let wide = "é".repeat(130);
        for (texts, expected) in [
            (vec!["RUN", "a  b\n\tc"], "RUN a b c".to_string()),
            (vec!["RUN", "a \n\t b  "], "RUN a b".to_string()),
            (vec!["RUN", "a\u{b}b\u{c}c\rd"], "RUN a b c d".to_string()),
            (vec!["RUN", "é\u{2003}x"], "RUN é x".to_string()),
            (vec!["RUN", "a\u{1c}b"], "RUN a\u{1c}b".to_string()),
            (vec!["RUN", "é", &over], format!("RUN é {}…", &over[..113])),
            (vec!["COPY", "", "src", "/app/"], "COPY src /app/".to_string()),
            (vec!["RUN", &exactly], format!("RUN {exactly}")),
            (vec!["RUN", &over], format!("RUN {}…", &over[..115])),
            (vec!["RUN", &wide], format!("RUN {}…", "é".repeat(115))),
            (vec!["USER"], "USER".to_string()),
        ] {
            let mut line = OneLine::new();
            texts.iter().for_each(|text| line.push(text));
            let line = line.text;
            assert_eq!(line, expected);
            // The same as joining the words and cutting the line (how it was computed before).
            let words: String = texts.join(" ").split_whitespace().collect::<Vec<_>>().join(" ");
            let cut = if words.chars().count() > 120 {
                format!("{}…", words.chars().take(119).collect::<String>())
            } else {
                words
            };
            assert_eq!(line, cut);
            assert!(line.chars().count() <= 120);
        }
    }
}
