//! Size budgets: `Budget`, `SizeReport::check`, and `assert_size_budget!` for tests.
//!
//! One place decides whether a report fits a budget: [`SizeReport::check`]. `assert_size_budget!`,
//! `Image::check_budget`, `Image::emit_within_budget` and `build_script::Writer::write_within_budget`
//! all call it. An estimate with unknown parts does not fit silently: the check fails naming each
//! unknown and how to supply it, unless the budget opts in with [`Budget::allow_unknown`].

use std::fmt;
use std::str::FromStr;

use super::{SizeReport, Unknown, bytes_text, range_text};

/// A size limit for an image, in bytes, and whether the check may leave unknown parts out. `MB` is
/// 10^6 bytes (as `docker images` prints), `MiB` 2^20. A budget is strict unless
/// [`Budget::allow_unknown`] says otherwise: an estimate with unknown parts fails its check.
///
/// ```
/// use dockwright::estimate::Budget;
///
/// assert_eq!(Budget::mb(500).bytes(), 500_000_000);
/// assert_eq!("500 MB".parse::<Budget>().unwrap(), Budget::mb(500));
/// assert_eq!("1.5GiB".parse::<Budget>().unwrap().bytes(), 1_610_612_736);
/// assert_eq!("64 MiB".parse::<Budget>().unwrap(), Budget::mib(64));
/// assert_eq!("12 parsecs".parse::<Budget>().unwrap_err().to_string(), "invalid size budget \"12 parsecs\": unknown unit \"parsecs\" (use B, kB, MB, GB, KiB, MiB or GiB)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Budget {
    bytes: u64,
    allow_unknown: bool,
}

impl Budget {
    /// A budget of `bytes`.
    ///
    /// ```
    /// use dockwright::estimate::Budget;
    ///
    /// assert_eq!(Budget::bytes_exact(1).bytes(), 1);
    /// ```
    pub fn bytes_exact(bytes: u64) -> Self {
        Budget { bytes, allow_unknown: false }
    }

    /// A budget of `mb` megabytes (10^6 bytes).
    ///
    /// ```
    /// use dockwright::estimate::Budget;
    ///
    /// assert_eq!(Budget::mb(2).bytes(), 2_000_000);
    /// ```
    pub fn mb(mb: u64) -> Self {
        Budget::bytes_exact(mb * 1_000_000)
    }

    /// A budget of `mib` mebibytes (2^20 bytes).
    ///
    /// ```
    /// use dockwright::estimate::Budget;
    ///
    /// assert_eq!(Budget::mib(1).bytes(), 1_048_576);
    /// ```
    pub fn mib(mib: u64) -> Self {
        Budget::bytes_exact(mib * 1024 * 1024)
    }

    /// The limit in bytes.
    ///
    /// ```
    /// use dockwright::estimate::Budget;
    ///
    /// assert_eq!(Budget::mb(1).bytes(), 1_000_000);
    /// ```
    pub fn bytes(self) -> u64 {
        self.bytes
    }

    /// Opts in to checking only what the estimate knows: parts it could not size are left out (taken
    /// as 0 bytes) and listed by the [`BudgetFit`], instead of failing the check with
    /// [`BudgetFailure::Incomplete`]. The known figures must still fit.
    ///
    /// ```
    /// use dockwright::estimate::{estimate, Budget, CatalogOracle};
    /// use dockwright::{Base, Image, OsFamily, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::image("example/app:1", OsFamily::Debian)));
    /// let report = estimate(&image.to_model().unwrap(), &CatalogOracle::default());
    /// assert!(report.check(Budget::mb(1)).is_err());
    /// let fit = report.check(Budget::mb(1).allow_unknown()).unwrap();
    /// assert_eq!(fit.left_out().len(), 1);
    /// ```
    #[must_use]
    pub fn allow_unknown(mut self) -> Self {
        self.allow_unknown = true;
        self
    }

    /// Whether the check leaves unknown parts out ([`Budget::allow_unknown`]) rather than failing.
    ///
    /// ```
    /// use dockwright::estimate::Budget;
    ///
    /// assert!(!"500 MB".parse::<Budget>().unwrap().allows_unknown());
    /// assert!(Budget::mb(500).allow_unknown().allows_unknown());
    /// ```
    pub fn allows_unknown(self) -> bool {
        self.allow_unknown
    }
}

impl FromStr for Budget {
    type Err = BudgetError;

    /// `500 MB`, `500MB`, `1.5 GiB`, `2048 KiB`, `100000 B`, or a bare number of bytes.
    ///
    /// ```
    /// use dockwright::estimate::Budget;
    ///
    /// assert_eq!("2 kB".parse::<Budget>().unwrap().bytes(), 2_000);
    /// assert!("".parse::<Budget>().is_err());
    /// ```
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = |why: String| BudgetError(format!("invalid size budget {text:?}: {why}"));
        let trimmed = text.trim();
        let split = trimmed.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(trimmed.len());
        let (number, unit) = trimmed.split_at(split);
        let value: f64 = number.parse().map_err(|_| bad("expected a number and a unit, like \"500 MB\"".into()))?;
        let scale: f64 = match unit.trim() {
            "" | "B" => 1.0,
            "kB" | "KB" => 1e3,
            "MB" => 1e6,
            "GB" => 1e9,
            "KiB" => 1024.0,
            "MiB" => 1024.0 * 1024.0,
            "GiB" => 1024.0 * 1024.0 * 1024.0,
            other => return Err(bad(format!("unknown unit {other:?} (use B, kB, MB, GB, KiB, MiB or GiB)"))),
        };
        Ok(Budget::bytes_exact((value * scale).round() as u64))
    }
}

impl fmt::Display for Budget {
    /// The limit, in decimal units.
    ///
    /// ```
    /// use dockwright::estimate::Budget;
    ///
    /// assert_eq!(Budget::mb(500).to_string(), "500.0 MB");
    /// assert_eq!(Budget::mb(500).allow_unknown().to_string(), "500.0 MB");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&bytes_text(self.bytes))
    }
}

/// A budget text that cannot be read.
///
/// ```
/// use dockwright::estimate::Budget;
///
/// assert_eq!("MB".parse::<Budget>().unwrap_err().to_string(), "invalid size budget \"MB\": expected a number and a unit, like \"500 MB\"");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetError(String);

impl fmt::Display for BudgetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BudgetError {}

impl SizeReport {
    /// Checks the image against `budget`. The one place that decides whether an estimate fits:
    ///
    /// - over: the estimate's upper bound is over the budget ([`BudgetFailure::Exceeded`], which says
    ///   by how much and lists the largest layers with their sources);
    /// - incomplete: some part could not be sized ([`BudgetFailure::Incomplete`], naming each unknown
    ///   and how to supply it), unless the budget opts in with [`Budget::allow_unknown`], which checks
    ///   the known figures only;
    /// - otherwise it fits: the [`BudgetFit`] says by how much, and lists what it left out.
    ///
    /// ```
    /// use dockwright::estimate::{estimate, Budget, BudgetFailure, CatalogOracle};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let catalog = CatalogOracle::from_tsv("image\tbytes\nalpine:3.19\t7300000\n");
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).run("mkdir /data"));
    /// let report = estimate(&image.to_model().unwrap(), &catalog);
    /// assert_eq!(
    ///     report.check(Budget::mb(10)).unwrap().to_string(),
    ///     "image 'app' fits its size budget of 10.0 MB: estimated 7.3–7.4 MB, 2.6 MB to spare"
    /// );
    /// assert!(matches!(report.check("5 MB".parse().unwrap()), Err(BudgetFailure::Exceeded(_))));
    ///
    /// // Nothing knows the base: the check fails rather than counting it as 0 bytes.
    /// let unknown = estimate(&image.to_model().unwrap(), &CatalogOracle::default());
    /// assert!(matches!(unknown.check(Budget::mb(10)), Err(BudgetFailure::Incomplete(_))));
    /// assert_eq!(unknown.check(Budget::mb(10).allow_unknown()).unwrap().left_out().len(), 1);
    /// ```
    pub fn check(&self, budget: Budget) -> Result<BudgetFit, BudgetFailure> {
        let report = Box::new(self.clone());
        if self.total.high > budget.bytes {
            return Err(BudgetFailure::Exceeded(BudgetExceeded { budget, report }));
        }
        let unknowns = self.unknowns();
        if !unknowns.is_empty() && !budget.allow_unknown {
            return Err(BudgetFailure::Incomplete(IncompleteEstimate { budget, report, unknowns }));
        }
        Ok(BudgetFit { budget, report, left_out: unknowns })
    }
}

/// The image fits its budget: [`SizeReport::check`] passed. With [`Budget::allow_unknown`] it lists
/// the parts it left out (could not size).
///
/// ```
/// use dockwright::estimate::{estimate, Budget, CatalogOracle};
/// use dockwright::{Base, Image, OsFamily, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::image("example/app:1", OsFamily::Debian)));
/// let report = estimate(&image.to_model().unwrap(), &CatalogOracle::default());
/// let fit = report.check("1 kB".parse::<Budget>().unwrap().allow_unknown()).unwrap();
/// assert_eq!(
///     fit.to_string(),
///     "image 'app' fits its size budget of 1.0 kB on its known parts: estimated 0 B, 1.0 kB to spare; \
///      1 unknown part left out:\n  \
///      stage 'app', FROM example/app:1: base image size unknown"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetFit {
    budget: Budget,
    report: Box<SizeReport>,
    left_out: Vec<Unknown>,
}

impl BudgetFit {
    /// The budget.
    ///
    /// ```
    /// use dockwright::estimate::{estimate, Budget, CatalogOracle};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::scratch()));
    /// let report = estimate(&image.to_model().unwrap(), &CatalogOracle::default());
    /// assert_eq!(report.check(Budget::mb(1)).unwrap().budget(), Budget::mb(1));
    /// ```
    pub fn budget(&self) -> Budget {
        self.budget
    }

    /// The report that fits.
    ///
    /// ```
    /// use dockwright::estimate::{estimate, Budget, CatalogOracle};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::scratch()));
    /// let report = estimate(&image.to_model().unwrap(), &CatalogOracle::default());
    /// assert_eq!(report.check(Budget::mb(1)).unwrap().report(), &report);
    /// ```
    pub fn report(&self) -> &SizeReport {
        &self.report
    }

    /// The report, owned.
    ///
    /// ```
    /// use dockwright::estimate::{estimate, Budget, CatalogOracle};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::scratch()));
    /// let report = estimate(&image.to_model().unwrap(), &CatalogOracle::default());
    /// assert_eq!(report.check(Budget::mb(1)).unwrap().into_report().target, "app");
    /// ```
    pub fn into_report(self) -> SizeReport {
        *self.report
    }

    /// How many bytes the estimate's upper bound is under the budget.
    ///
    /// ```
    /// use dockwright::estimate::{estimate, Budget, CatalogOracle};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let catalog = CatalogOracle::from_tsv("image\tbytes\nalpine:3.19\t7300000\n");
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).run("mkdir /a"));
    /// let report = estimate(&image.to_model().unwrap(), &catalog);
    /// assert_eq!(report.check(Budget::mb(10)).unwrap().headroom(), 10_000_000 - 7_300_000 - 65_536);
    /// ```
    pub fn headroom(&self) -> u64 {
        self.budget.bytes.saturating_sub(self.report.total.high)
    }

    /// The parts the check left out because nothing could size them (empty unless the budget
    /// [allows unknown parts](Budget::allow_unknown)).
    ///
    /// ```
    /// use dockwright::estimate::{estimate, Budget, CatalogOracle, Missing};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let catalog = CatalogOracle::from_tsv("image\tbytes\nalpine:3.19\t7300000\n");
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).run("make"));
    /// let report = estimate(&image.to_model().unwrap(), &catalog);
    /// let fit = report.check(Budget::mb(10).allow_unknown()).unwrap();
    /// assert_eq!(fit.left_out()[0].missing, Missing::Command { command: "make".into() });
    /// ```
    pub fn left_out(&self) -> &[Unknown] {
        &self.left_out
    }
}

impl fmt::Display for BudgetFit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let report = &self.report;
        let known = if self.left_out.is_empty() { "" } else { " on its known parts" };
        write!(
            f,
            "image '{}' fits its size budget of {}{known}: estimated {}, {} to spare",
            report.target,
            self.budget,
            range_text(report.total.low, report.total.high),
            bytes_text(self.headroom())
        )?;
        if !self.left_out.is_empty() {
            write!(f, "; {} left out:", parts(self.left_out.len(), "unknown part"))?;
            for unknown in &self.left_out {
                write!(f, "\n  {unknown}")?;
            }
        }
        Ok(())
    }
}

/// Why a report does not pass [`SizeReport::check`].
///
/// ```
/// use dockwright::estimate::{estimate, Budget, BudgetFailure, CatalogOracle};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")));
/// let report = estimate(&image.to_model().unwrap(), &CatalogOracle::default());
/// let err = report.check(Budget::mb(1)).unwrap_err();
/// assert!(matches!(&err, BudgetFailure::Incomplete(incomplete) if incomplete.unknowns().len() == 1));
/// assert_eq!(err.report().target, "app");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BudgetFailure {
    /// The estimate's upper bound is over the budget: how far, and the largest layers.
    Exceeded(BudgetExceeded),
    /// Some part of the estimate is unknown and the budget does not
    /// [allow unknown parts](Budget::allow_unknown): each unknown and how to supply it.
    Incomplete(IncompleteEstimate),
}

impl BudgetFailure {
    /// The report that was checked.
    ///
    /// ```
    /// use dockwright::estimate::{estimate, Budget, CatalogOracle};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")));
    /// let report = estimate(&image.to_model().unwrap(), &CatalogOracle::default());
    /// assert_eq!(report.check(Budget::mb(1)).unwrap_err().report(), &report);
    /// ```
    pub fn report(&self) -> &SizeReport {
        match self {
            BudgetFailure::Exceeded(exceeded) => exceeded.report(),
            BudgetFailure::Incomplete(incomplete) => incomplete.report(),
        }
    }
}

impl fmt::Display for BudgetFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BudgetFailure::Exceeded(exceeded) => exceeded.fmt(f),
            BudgetFailure::Incomplete(incomplete) => incomplete.fmt(f),
        }
    }
}

// The message carries the inner error's text, so there is no separate `source`.
impl std::error::Error for BudgetFailure {}

/// The image may not fit its budget: the estimate's upper bound is over it.
///
/// ```
/// use dockwright::estimate::{estimate, Budget, BudgetFailure, CatalogOracle};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::python("3.12").slim()));
/// let catalog = CatalogOracle::from_tsv("image\tbytes\npython:3.12-slim\t119200000\n");
/// let err = estimate(&image.to_model().unwrap(), &catalog).check(Budget::mb(100)).unwrap_err();
/// let BudgetFailure::Exceeded(exceeded) = err else { panic!("expected Exceeded, got {err}") };
/// assert_eq!(exceeded.over(), 19_200_000);
/// assert_eq!(
///     exceeded.to_string(),
///     "image 'app' may exceed its size budget of 100.0 MB by up to 19.2 MB: estimated 119.2 MB\n\
///      base python:3.12-slim: 119.2 MB (catalogue: python:3.12-slim = 119200000)\n\
///      largest layers:\n"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetExceeded {
    budget: Budget,
    report: Box<SizeReport>,
}

impl BudgetExceeded {
    /// How many bytes the estimate's upper bound is over the budget.
    ///
    /// ```
    /// use dockwright::estimate::{estimate, Budget, BudgetFailure, CatalogOracle};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let catalog = CatalogOracle::from_tsv("image\tbytes\npython:3.12-slim\t119200000\n");
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::python("3.12").slim()));
    /// let err = estimate(&image.to_model().unwrap(), &catalog).check(Budget::mb(100)).unwrap_err();
    /// let BudgetFailure::Exceeded(exceeded) = err else { panic!("expected Exceeded, got {err}") };
    /// assert_eq!(exceeded.over(), 19_200_000);
    /// ```
    pub fn over(&self) -> u64 {
        self.report.total.high.saturating_sub(self.budget.bytes)
    }

    /// The budget.
    ///
    /// ```
    /// use dockwright::estimate::{estimate, Budget, BudgetFailure, CatalogOracle};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let catalog = CatalogOracle::from_tsv("image\tbytes\npython:3.12-slim\t119200000\n");
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::python("3.12").slim()));
    /// let err = estimate(&image.to_model().unwrap(), &catalog).check(Budget::mb(100)).unwrap_err();
    /// let BudgetFailure::Exceeded(exceeded) = err else { panic!("expected Exceeded, got {err}") };
    /// assert_eq!(exceeded.budget(), Budget::mb(100));
    /// ```
    pub fn budget(&self) -> Budget {
        self.budget
    }

    /// The report that is over.
    ///
    /// ```
    /// use dockwright::estimate::{estimate, Budget, BudgetFailure, CatalogOracle};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let catalog = CatalogOracle::from_tsv("image\tbytes\npython:3.12-slim\t119200000\n");
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::python("3.12").slim()));
    /// let err = estimate(&image.to_model().unwrap(), &catalog).check(Budget::mb(100)).unwrap_err();
    /// let BudgetFailure::Exceeded(exceeded) = err else { panic!("expected Exceeded, got {err}") };
    /// assert_eq!(exceeded.report().target, "app");
    /// ```
    pub fn report(&self) -> &SizeReport {
        &self.report
    }
}

impl fmt::Display for BudgetExceeded {
    /// How far over, the base, the largest layers with their sources, the waste, and the unknowns
    /// (which would only add to it).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let report = &self.report;
        writeln!(
            f,
            "image '{}' may exceed its size budget of {} by up to {}: estimated {}",
            report.target,
            self.budget,
            bytes_text(self.over()),
            range_text(report.total.low, report.total.high)
        )?;
        if let Some(root) = report.stages.iter().find(|s| s.counted) {
            match &root.base {
                Ok(base) => writeln!(f, "base {}: {base}", root.from)?,
                Err(_) => writeln!(f, "base {}: unknown", root.from)?,
            }
        }
        writeln!(f, "largest layers:")?;
        for (stage, layer) in report.largest_layers().into_iter().take(5) {
            writeln!(f, "  {} in stage '{stage}': {}", range_text(layer.size.low, layer.size.high), layer.instruction)?;
            for part in &layer.parts {
                writeln!(f, "      {part}")?;
            }
        }
        if report.waste.high > 0 {
            writeln!(
                f,
                "waste (deleted in a later layer, still stored): {}",
                range_text(report.waste.low, report.waste.high)
            )?;
        }
        for unknown in report.unknowns() {
            writeln!(f, "unknown: {unknown}")?;
        }
        Ok(())
    }
}

impl std::error::Error for BudgetExceeded {}

/// The estimate has parts nothing could size, so it cannot be checked against the budget: each
/// unknown, where it is, and how to supply it. [`Budget::allow_unknown`] opts in to checking the
/// known parts only.
///
/// ```
/// use dockwright::estimate::{estimate, Budget, BudgetFailure, CatalogOracle};
/// use dockwright::{Base, Image, OsFamily, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::image("example/app:1", OsFamily::Debian)));
/// let report = estimate(&image.to_model().unwrap(), &CatalogOracle::default());
/// let err = report.check("1 kB".parse().unwrap()).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "image 'app' cannot be checked against its size budget of 1.0 kB: 1 part of the estimate is unknown \
///      (the known parts come to 0 B)\n  \
///      stage 'app', FROM example/app:1: base image size unknown\n    \
///      help: give its size: a row for example/app:1 in the table CatalogOracle::from_tsv reads, EngineOracle \
///      (feature `engine`) with the image on the engine, or an answer to SizeOracle::base_image\n\
///      to check the known parts only, opt in with Budget::allow_unknown (Image::allow_unknown_sizes for the \
///      budget an image declares)"
/// );
/// let BudgetFailure::Incomplete(incomplete) = err else { panic!("expected Incomplete") };
/// assert_eq!(incomplete.budget(), Budget::bytes_exact(1_000));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncompleteEstimate {
    budget: Budget,
    report: Box<SizeReport>,
    unknowns: Vec<Unknown>,
}

impl IncompleteEstimate {
    /// Every unknown part, in order ([`SizeReport::unknowns`]); each says how to supply it.
    ///
    /// ```
    /// use dockwright::estimate::{estimate, Budget, BudgetFailure, CatalogOracle, Missing};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::scratch()).copy(["app"], "/app"));
    /// let report = estimate(&image.to_model().unwrap(), &CatalogOracle::default());
    /// let BudgetFailure::Incomplete(err) = report.check(Budget::mb(1)).unwrap_err() else { panic!() };
    /// assert_eq!(err.unknowns()[0].missing, Missing::Context { sources: vec!["app".into()] });
    /// ```
    pub fn unknowns(&self) -> &[Unknown] {
        &self.unknowns
    }

    /// The budget.
    ///
    /// ```
    /// use dockwright::estimate::{estimate, Budget, BudgetFailure, CatalogOracle};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let catalog = CatalogOracle::from_tsv("image\tbytes\nalpine:3.19\t7300000\n");
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).run("make"));
    /// let report = estimate(&image.to_model().unwrap(), &catalog);
    /// let BudgetFailure::Incomplete(err) = report.check(Budget::mb(10)).unwrap_err() else { panic!() };
    /// assert_eq!(err.budget(), Budget::mb(10));
    /// ```
    pub fn budget(&self) -> Budget {
        self.budget
    }

    /// The report that was checked.
    ///
    /// ```
    /// use dockwright::estimate::{estimate, Budget, BudgetFailure, CatalogOracle};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let catalog = CatalogOracle::from_tsv("image\tbytes\nalpine:3.19\t7300000\n");
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).run("make"));
    /// let report = estimate(&image.to_model().unwrap(), &catalog);
    /// let BudgetFailure::Incomplete(err) = report.check(Budget::mb(10)).unwrap_err() else { panic!() };
    /// assert_eq!(err.report(), &report);
    /// ```
    pub fn report(&self) -> &SizeReport {
        &self.report
    }
}

impl fmt::Display for IncompleteEstimate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let report = &self.report;
        let verb = if self.unknowns.len() == 1 { "is" } else { "are" };
        write!(
            f,
            "image '{}' cannot be checked against its size budget of {}: {} of the estimate {verb} unknown (the \
             known parts come to {})",
            report.target,
            self.budget,
            parts(self.unknowns.len(), "part"),
            range_text(report.total.low, report.total.high)
        )?;
        for unknown in &self.unknowns {
            write!(f, "\n  {unknown}\n    help: {}", unknown.help())?;
        }
        write!(
            f,
            "\nto check the known parts only, opt in with Budget::allow_unknown (Image::allow_unknown_sizes for the \
             budget an image declares)"
        )
    }
}

impl std::error::Error for IncompleteEstimate {}

/// `1 part`, `2 parts`.
fn parts(count: usize, noun: &str) -> String {
    if count == 1 { format!("1 {noun}") } else { format!("{count} {noun}s") }
}

/// Asserts that a [`SizeReport`](crate::estimate::SizeReport) fits a budget (`"500 MB"`, or a
/// [`Budget`](crate::estimate::Budget)): [`SizeReport::check`](crate::estimate::SizeReport::check),
/// panicking with its message when the estimate may be over, or has unknown parts and the budget does
/// not [allow them](crate::estimate::Budget::allow_unknown).
///
/// ```
/// use dockwright::assert_size_budget;
/// use dockwright::estimate::{estimate, Budget, CatalogOracle};
/// use dockwright::{Base, Image, Stage};
///
/// let catalog = CatalogOracle::from_tsv("image\tbytes\nalpine:3.19\t7300000\n");
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")).run("mkdir /data"));
/// let report = estimate(&image.to_model().unwrap(), &catalog);
/// assert_size_budget!(report, "10 MB");
/// assert!(std::panic::catch_unwind(|| assert_size_budget!(report, "1 MB")).is_err());
///
/// // An unknown base fails, whatever the budget, unless the budget allows unknown parts.
/// let unknown = estimate(&image.to_model().unwrap(), &CatalogOracle::default());
/// let panic = std::panic::catch_unwind(|| assert_size_budget!(unknown, "10 MB")).unwrap_err();
/// assert!(panic.downcast_ref::<String>().unwrap().starts_with("image 'app' cannot be checked against its size budget"));
/// assert_size_budget!(unknown, Budget::mb(10).allow_unknown());
/// ```
#[macro_export]
macro_rules! assert_size_budget {
    ($report:expr, $budget:expr) => {{
        let budget: $crate::estimate::Budget = ::std::convert::Into::into($crate::estimate::IntoBudget($budget));
        if let ::std::result::Result::Err(err) = $crate::estimate::SizeReport::check(&$report, budget) {
            ::std::panic!("{}", err);
        }
    }};
}

/// What [`assert_size_budget!`](crate::assert_size_budget) accepts: a `&str` (parsed, panicking on
/// a bad budget) or a [`Budget`].
///
/// ```
/// use dockwright::estimate::{Budget, IntoBudget};
///
/// assert_eq!(Budget::from(IntoBudget("3 MB")), Budget::mb(3));
/// assert_eq!(Budget::from(IntoBudget(Budget::mb(3))), Budget::mb(3));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct IntoBudget<T>(pub T);

impl From<IntoBudget<&str>> for Budget {
    fn from(value: IntoBudget<&str>) -> Self {
        value.0.parse().unwrap_or_else(|err| panic!("{err}"))
    }
}

impl From<IntoBudget<Budget>> for Budget {
    fn from(value: IntoBudget<Budget>) -> Self {
        value.0
    }
}
