//! Size budgets as values: a [`Budget`] an image declares, read from text like `"500 MB"`, and the
//! decimal byte counts reports print. Checking an estimate against a budget is the estimator's
//! ([`SizeReport::check`](crate::estimate::SizeReport::check)); the budget itself is plain data, so the
//! builder can hold one without depending on the estimator.

use std::fmt;
use std::str::FromStr;

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
    /// as 0 bytes) and listed by the [`BudgetFit`](crate::estimate::BudgetFit), instead of failing the check with
    /// [`BudgetFailure::Incomplete`](crate::estimate::BudgetFailure::Incomplete). The known figures must still fit.
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

/// Decimal units (kB, MB, GB: powers of 1000, as `docker images` prints them); whole bytes below 1 kB.
pub(crate) fn bytes_text(bytes: u64) -> String {
    let (value, unit) = unit_for(bytes);
    if unit == "B" {
        return format!("{bytes} B");
    }
    format!("{:.1} {unit}", bytes as f64 / value)
}

fn unit_for(bytes: u64) -> (f64, &'static str) {
    match bytes {
        0..=999 => (1.0, "B"),
        1_000..=999_999 => (1e3, "kB"),
        1_000_000..=999_999_999 => (1e6, "MB"),
        _ => (1e9, "GB"),
    }
}

pub(crate) fn range_text(low: u64, high: u64) -> String {
    if low == high {
        return bytes_text(low);
    }
    let (value, unit) = unit_for(high);
    if unit == "B" {
        return format!("{low}–{high} B");
    }
    format!("{:.1}–{:.1} {unit}", low as f64 / value, high as f64 / value)
}
