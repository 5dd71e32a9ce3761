//! Size budgets: `SizeReport::check`, the [`ImageBudget`] checks of an `Image`, and
//! `assert_size_budget!` for tests. The `Budget` value itself is plain data in the model, so the builder
//! can hold one without depending on the estimator.
//!
//! One place decides whether a report fits a budget: [`SizeReport::check`]. `assert_size_budget!`,
//! `ImageBudget::check_budget`, `ImageBudget::emit_within_budget` and `build_script::Writer::write_within_budget`
//! all call it. An estimate with unknown parts does not fit silently: the check fails naming each
//! unknown and how to supply it, unless the budget opts in with [`Budget::allow_unknown`].

use std::fmt;

use super::{Options, SizeOracle, SizeReport, Unknown, estimate_with};
use crate::dsl::Image;
use crate::error::Errors;
use crate::model::{Budget, bytes_text, range_text};

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
        if self.total.high > budget.bytes() {
            return Err(BudgetFailure::Exceeded(BudgetExceeded { budget, report }));
        }
        let unknowns = self.unknowns();
        if !unknowns.is_empty() && !budget.allows_unknown() {
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
        self.budget.bytes().saturating_sub(self.report.total.high)
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
        self.report.total.high.saturating_sub(self.budget.bytes())
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

/// The budget checks of an [`Image`], as an extension trait: the builder holds the budget it declares
/// ([`Image::budget`], [`Image::allow_unknown_sizes`]) as plain data, and the estimator, which sits
/// above the builder, does the checking. Bring it in scope with `use dockwright::ImageBudget;` (it is
/// re-exported at the crate root, next to [`Image`]). Only [`Image`] implements it.
///
/// ```
/// use dockwright::estimate::CatalogOracle;
/// use dockwright::{Base, Image, ImageBudget, Stage};
///
/// let catalog = CatalogOracle::from_tsv("image\tbytes\nalpine:3.19\t7300000\n");
/// let mut image = Image::new().budget("10 MB");
/// image.stage(Stage::new("app", Base::alpine("3.19")));
/// assert_eq!(image.check_budget(&catalog).unwrap().headroom(), 2_700_000);
/// assert_eq!(image.emit_within_budget(&catalog).unwrap(), "FROM alpine:3.19 AS app\n");
/// ```
pub trait ImageBudget: sealed::Sealed {
    /// Checks the declared budget: validates the image, estimates its final stage (the default target)
    /// with `oracle` and the image's `.dockerignore` patterns, and checks the estimate against the
    /// budget declared with [`Image::budget`](crate::Image::budget) ([`SizeReport::check`](crate::estimate::SizeReport::check)
    /// decides). Returns the [`BudgetFit`], which holds the report, when it fits.
    ///
    /// This is where a declared budget is enforced. [`Image::emit`](crate::Image::emit) and [`crate::emit()`] stay pure and
    /// never estimate (an estimate needs an oracle, and emitting must not depend on one); call this from
    /// a test or from the `build.rs` that writes the Dockerfile, so that a build over budget fails
    /// before the Dockerfile is written. An estimate with parts nothing could size fails too
    /// ([`BudgetCheckError::Incomplete`], naming each one and how to supply it), unless the image opts
    /// in with [`Image::allow_unknown_sizes`](crate::Image::allow_unknown_sizes).
    ///
    /// ```
    /// use dockwright::estimate::CatalogOracle;
    /// use dockwright::{Base, BudgetCheckError, Image, ImageBudget, Stage};
    ///
    /// let catalog = CatalogOracle::from_tsv("image\tbytes\npython:3.12-slim\t119200000\n");
    ///
    /// let mut image = Image::new().budget("150 MB");
    /// image.stage(Stage::new("app", Base::python("3.12").slim()));
    /// let fit = image.check_budget(&catalog).unwrap();
    /// assert_eq!(fit.report().total.high, 119_200_000);
    /// assert_eq!(fit.to_string(), "image 'app' fits its size budget of 150.0 MB: estimated 119.2 MB, 30.8 MB to spare");
    ///
    /// let mut tight = Image::new().budget("100 MB");
    /// tight.stage(Stage::new("app", Base::python("3.12").slim()));
    /// let err = tight.check_budget(&catalog).unwrap_err();
    /// assert!(err.to_string().starts_with("image 'app' may exceed its size budget of 100.0 MB by up to 19.2 MB"));
    /// match err {
    ///     BudgetCheckError::Exceeded(exceeded) => assert_eq!(exceeded.over(), 19_200_000),
    ///     other => panic!("expected Exceeded, got {other:?}"),
    /// }
    ///
    /// // A base the oracle does not know is not 0 bytes: the check fails, saying how to supply it.
    /// let mut unknown = Image::new().budget("150 MB");
    /// unknown.stage(Stage::new("app", Base::python("3.11").slim()));
    /// let err = unknown.check_budget(&catalog).unwrap_err();
    /// assert!(matches!(&err, BudgetCheckError::Incomplete(incomplete) if incomplete.unknowns().len() == 1));
    ///
    /// // No budget declared: nothing to check against, which is an error rather than a silent pass.
    /// let mut none = Image::new();
    /// none.stage(Stage::new("app", Base::python("3.12").slim()));
    /// assert!(matches!(none.check_budget(&catalog), Err(BudgetCheckError::NoBudget)));
    /// ```
    fn check_budget(&self, oracle: &dyn SizeOracle) -> Result<BudgetFit, BudgetCheckError>;

    /// The Dockerfile text, only when the image fits its declared budget: [`ImageBudget::check_budget`] at emit
    /// time. The text is what [`Image::emit`](crate::Image::emit) gives.
    ///
    /// ```
    /// use dockwright::estimate::CatalogOracle;
    /// use dockwright::{Base, BudgetCheckError, Image, ImageBudget, Stage};
    ///
    /// let catalog = CatalogOracle::from_tsv("image\tbytes\npython:3.12-slim\t119200000\n");
    /// let mut image = Image::new().budget("150 MB");
    /// image.stage(Stage::new("app", Base::python("3.12").slim()));
    /// assert_eq!(image.emit_within_budget(&catalog).unwrap(), "FROM python:3.12-slim AS app\n");
    ///
    /// let mut tight = Image::new().budget("100 MB");
    /// tight.stage(Stage::new("app", Base::python("3.12").slim()));
    /// let err = tight.emit_within_budget(&catalog).unwrap_err();
    /// assert!(matches!(&err, BudgetCheckError::Exceeded(e) if e.over() == 19_200_000));
    ///
    /// let mut unknown = Image::new().budget("150 MB");
    /// unknown.stage(Stage::new("app", Base::python("3.11").slim()));
    /// assert!(matches!(unknown.emit_within_budget(&catalog), Err(BudgetCheckError::Incomplete(_))));
    /// let unknown = unknown.allow_unknown_sizes();
    /// assert_eq!(unknown.emit_within_budget(&catalog).unwrap(), "FROM python:3.11-slim AS app\n");
    /// ```
    fn emit_within_budget(&self, oracle: &dyn SizeOracle) -> Result<String, BudgetCheckError>;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for crate::dsl::Image {}
}

impl ImageBudget for Image {
    fn check_budget(&self, oracle: &dyn SizeOracle) -> Result<BudgetFit, BudgetCheckError> {
        let dockerfile = self.to_model().map_err(BudgetCheckError::Invalid)?;
        let budget = self.declared_budget().ok_or(BudgetCheckError::NoBudget)?;
        let options = Options { target: None, dockerignore: self.dockerignore_patterns().to_vec() };
        estimate_with(&dockerfile, oracle, &options).check(budget).map_err(BudgetCheckError::from)
    }

    fn emit_within_budget(&self, oracle: &dyn SizeOracle) -> Result<String, BudgetCheckError> {
        self.check_budget(oracle)?;
        self.emit().map_err(BudgetCheckError::Invalid)
    }
}

/// Why [`ImageBudget::check_budget`] failed. Also reachable at the crate root, as
/// `dockwright::BudgetCheckError`, next to [`Image`].
///
/// ```
/// use dockwright::estimate::CatalogOracle;
/// use dockwright::{Base, BudgetCheckError, ErrorKind, Image, ImageBudget, Stage};
///
/// let mut image = Image::new().budget("1 GB");
/// image.stage(Stage::new("App", Base::alpine("3.19")));
/// let err = image.check_budget(&CatalogOracle::default()).unwrap_err();
/// assert!(matches!(err, BudgetCheckError::Invalid(_)));
/// assert!(err.to_string().contains("invalid stage name 'App'"), "{err}");
///
/// // A budget that cannot be read stops the check before anything is estimated.
/// let mut unread = Image::new().budget("lots");
/// unread.stage(Stage::new("app", Base::alpine("3.19")));
/// match unread.check_budget(&CatalogOracle::default()).unwrap_err() {
///     BudgetCheckError::Invalid(errors) => {
///         assert_eq!(errors.iter().map(|e| e.kind()).collect::<Vec<_>>(), [ErrorKind::InvalidBudget]);
///         assert_eq!(
///             errors.to_string(),
///             "invalid size budget \"lots\": expected a number and a unit, like \"500 MB\""
///         );
///     }
///     other => panic!("expected Invalid, got {other:?}"),
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BudgetCheckError {
    /// The image does not validate (this includes a budget that cannot be read:
    /// [`ErrorKind::InvalidBudget`](crate::ErrorKind::InvalidBudget)).
    Invalid(Errors),
    /// The image declares no budget: add one with [`Image::budget`].
    NoBudget,
    /// The estimate's upper bound is over the budget: how far, and the largest layers.
    Exceeded(BudgetExceeded),
    /// Parts of the estimate are unknown and the image does not
    /// [allow unknown sizes](Image::allow_unknown_sizes): each one, and how to supply it.
    Incomplete(IncompleteEstimate),
}

impl From<BudgetFailure> for BudgetCheckError {
    fn from(failure: BudgetFailure) -> Self {
        match failure {
            BudgetFailure::Exceeded(exceeded) => BudgetCheckError::Exceeded(exceeded),
            BudgetFailure::Incomplete(incomplete) => BudgetCheckError::Incomplete(incomplete),
        }
    }
}

impl std::fmt::Display for BudgetCheckError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BudgetCheckError::Invalid(errors) => write!(f, "{errors}"),
            BudgetCheckError::NoBudget => f.write_str("the image declares no size budget: add one with Image::budget"),
            BudgetCheckError::Exceeded(exceeded) => write!(f, "{exceeded}"),
            BudgetCheckError::Incomplete(incomplete) => write!(f, "{incomplete}"),
        }
    }
}

// The message carries the inner error's text, so there is no separate `source`.
impl std::error::Error for BudgetCheckError {}

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
