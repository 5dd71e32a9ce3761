//! Size budgets: `Budget`, `SizeReport::check`, and `assert_size_budget!` for tests.

use std::fmt;
use std::str::FromStr;

use super::{SizeReport, bytes_text, range_text};

/// A size limit for an image, in bytes. `MB` is 10^6 bytes (as `docker images` prints), `MiB` 2^20.
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
pub struct Budget(u64);

impl Budget {
    /// A budget of `bytes`.
    ///
    /// ```
    /// use dockwright::estimate::Budget;
    ///
    /// assert_eq!(Budget::bytes_exact(1).bytes(), 1);
    /// ```
    pub fn bytes_exact(bytes: u64) -> Self {
        Budget(bytes)
    }

    /// A budget of `mb` megabytes (10^6 bytes).
    ///
    /// ```
    /// use dockwright::estimate::Budget;
    ///
    /// assert_eq!(Budget::mb(2).bytes(), 2_000_000);
    /// ```
    pub fn mb(mb: u64) -> Self {
        Budget(mb * 1_000_000)
    }

    /// A budget of `mib` mebibytes (2^20 bytes).
    ///
    /// ```
    /// use dockwright::estimate::Budget;
    ///
    /// assert_eq!(Budget::mib(1).bytes(), 1_048_576);
    /// ```
    pub fn mib(mib: u64) -> Self {
        Budget(mib * 1024 * 1024)
    }

    /// The limit in bytes.
    ///
    /// ```
    /// use dockwright::estimate::Budget;
    ///
    /// assert_eq!(Budget::mb(1).bytes(), 1_000_000);
    /// ```
    pub fn bytes(self) -> u64 {
        self.0
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
        Ok(Budget((value * scale).round() as u64))
    }
}

impl fmt::Display for Budget {
    /// Decimal units.
    ///
    /// ```
    /// use dockwright::estimate::Budget;
    ///
    /// assert_eq!(Budget::mb(500).to_string(), "500.0 MB");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&bytes_text(self.0))
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

/// The image may not fit its budget: the estimate's upper bound is over it.
///
/// ```
/// use dockwright::estimate::{estimate, Budget, CatalogOracle};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::python("3.12").slim()));
/// let catalog = CatalogOracle::from_tsv("image\tbytes\npython:3.12-slim\t119200000\n");
/// let err = estimate(&image.to_model().unwrap(), &catalog).check(Budget::mb(100)).unwrap_err();
/// assert_eq!(err.over(), 19_200_000);
/// assert!(err.to_string().starts_with("image 'app' may exceed its size budget of 100.0 MB by up to 19.2 MB"));
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
    /// use dockwright::estimate::{estimate, Budget, CatalogOracle};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).run("mkdir /a"));
    /// let err = estimate(&image.to_model().unwrap(), &CatalogOracle::default()).check(Budget::bytes_exact(1)).unwrap_err();
    /// assert_eq!(err.over(), 65_535);
    /// ```
    pub fn over(&self) -> u64 {
        self.report.total.high.saturating_sub(self.budget.0)
    }

    /// The budget.
    ///
    /// ```
    /// use dockwright::estimate::{estimate, Budget, CatalogOracle};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).run("mkdir /a"));
    /// let err = estimate(&image.to_model().unwrap(), &CatalogOracle::default()).check(Budget::bytes_exact(1)).unwrap_err();
    /// assert_eq!(err.budget(), Budget::bytes_exact(1));
    /// ```
    pub fn budget(&self) -> Budget {
        self.budget
    }

    /// The report that is over.
    ///
    /// ```
    /// use dockwright::estimate::{estimate, Budget, CatalogOracle};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).run("mkdir /a"));
    /// let err = estimate(&image.to_model().unwrap(), &CatalogOracle::default()).check(Budget::bytes_exact(1)).unwrap_err();
    /// assert_eq!(err.report().target, "app");
    /// ```
    pub fn report(&self) -> &SizeReport {
        &self.report
    }
}

impl fmt::Display for BudgetExceeded {
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
                Some(base) => writeln!(f, "base {}: {base}", root.from)?,
                None => writeln!(f, "base {}: unknown", root.from)?,
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

impl SizeReport {
    /// Checks the image against `budget`: fails when the estimate's upper bound is over it, listing
    /// how far over and the largest layers with their sources. Unknowns do not fail the check; they
    /// are listed in the message, and [`SizeReport::is_complete`] says whether there are any.
    ///
    /// ```
    /// use dockwright::estimate::{estimate, Budget, CatalogOracle};
    /// use dockwright::{Base, Image, Stage};
    ///
    /// let mut image = Image::new();
    /// image.stage(Stage::new("app", Base::alpine("3.19")).run("mkdir /data"));
    /// let report = estimate(&image.to_model().unwrap(), &CatalogOracle::default());
    /// assert!(report.check(Budget::mb(1)).is_ok());
    /// assert!(report.check("1 kB".parse().unwrap()).is_err());
    /// ```
    pub fn check(&self, budget: Budget) -> Result<(), BudgetExceeded> {
        if self.total.high > budget.0 {
            return Err(BudgetExceeded { budget, report: Box::new(self.clone()) });
        }
        Ok(())
    }
}

/// Asserts that a [`SizeReport`](crate::estimate::SizeReport) fits a budget (`"500 MB"`, or a
/// [`Budget`](crate::estimate::Budget)); panics with the report's largest layers otherwise.
///
/// ```
/// use dockwright::assert_size_budget;
/// use dockwright::estimate::{estimate, CatalogOracle};
/// use dockwright::{Base, Image, Stage};
///
/// let mut image = Image::new();
/// image.stage(Stage::new("app", Base::alpine("3.19")).run("mkdir /data"));
/// let report = estimate(&image.to_model().unwrap(), &CatalogOracle::default());
/// assert_size_budget!(report, "1 MB");
/// let result = std::panic::catch_unwind(|| assert_size_budget!(report, "1 kB"));
/// assert!(result.is_err());
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
