//! The built-in table of common Debian package sizes: `debian-bookworm-amd64.tsv`, written by
//! `scripts/package-table` from the real bookworm `Packages` index and embedded in the crate.

use std::collections::BTreeMap;
use std::fmt;

use super::{Figure, SizeOracle};
use crate::base::PackageManager;

/// The table as `scripts/package-table` wrote it.
const DEBIAN_BOOKWORM_AMD64: &str = include_str!("debian-bookworm-amd64.tsv");

/// The column header every table starts with (after its `#` comment lines).
const COLUMNS: &str = "package\tversion\tin_base\tinstalled_kib\tdepends_kib\trecommends_kib\tunresolved";

/// Installed sizes of about 190 common Debian bookworm amd64 packages, built into the crate: the
/// packages dockwright's examples, recipes and docs install with apt, and what Dockerfiles commonly
/// install (`curl`, `git`, `build-essential`, `python3-pip`, `nginx`, `ffmpeg`, ...). It needs no
/// index and no IO; `scripts/package-table` regenerates it from the mirror (see the table's header
/// for the release date and index checksum).
///
/// It answers [`SizeOracle::package`] for [`PackageManager::Apt`] only; other package managers
/// and names not in the table are unknown (`None`): pass a real `APKINDEX` through
/// [`AlpineIndex`](super::AlpineIndex) for Alpine (Alpine's and UBI's mirrors are not reachable
/// from where the table is made). Sizes count what `apt-get install` adds to a
/// `debian:bookworm-slim` base, whose packages (`Priority: required` and their dependencies, 88
/// packages) count nothing. The estimator's rules do not tell the oracle whether
/// `--no-install-recommends` was given (`Stage::install` always gives it), so a figure spans both:
///
/// - low: the package and its `Depends`/`Pre-Depends` closure (`--no-install-recommends`);
/// - high: the same closure also following `Recommends` (a plain `apt-get install`);
/// - a package the base already holds (`tzdata`, `zlib1g`) installs nothing: exactly 0.
///
/// Each figure is for one package alone: dependencies shared by packages of one install are
/// counted for each (`gcc` and `g++` count 180.2 + 267.0 MB where apt installs 267.0 MB for both,
/// g++ needing all that gcc does), as are packages a larger base already has (`python:3.12-slim`
/// holds `ca-certificates` and `libssl3`). `Installed-Size` also counts documentation that slim
/// images do not install. A real index the caller passes should win: put
/// [`DebianIndex`](super::DebianIndex) before this table in a [`Composite`](super::Composite).
/// Other apt distributions (Ubuntu, Debian trixie) need their own index.
///
/// ```
/// use dockwright::estimate::{BuiltinPackages, SizeOracle};
/// use dockwright::PackageManager;
///
/// let table = BuiltinPackages::debian_bookworm();
/// let curl = table.package(PackageManager::Apt, "curl").unwrap();
/// assert_eq!((curl.low, curl.high), (11_695 * 1024, 15_380 * 1024));
/// assert_eq!(
///     curl.source,
///     "built-in table: Debian 12.15 bookworm amd64 main (2026-07-11): curl 7.88.1-10+deb12u15, 489 KiB, \
///      11695 KiB with its Depends, 15380 KiB with its Recommends (base packages not counted)"
/// );
/// assert_eq!(table.package(PackageManager::Apt, "tzdata").unwrap().high, 0);
/// assert!(table.package(PackageManager::Apt, "nosuchpkg").is_none());
/// assert!(table.package(PackageManager::Apk, "curl").is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltinPackages {
    label: String,
    packages: BTreeMap<String, PackageSizes>,
}

/// One row of the table: a package's own installed size and what installing it adds, in KiB
/// (Debian's `Installed-Size` unit, Debian Policy 5.6.20).
///
/// ```
/// use dockwright::estimate::BuiltinPackages;
///
/// let table = BuiltinPackages::debian_bookworm();
/// let git = table.get("git").unwrap();
/// assert_eq!((git.installed_kib, git.depends_kib, git.recommends_kib), (44_890, 106_202, 120_881));
/// assert_eq!(git.version, "1:2.39.5-0+deb12u3");
/// assert!(git.unresolved.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageSizes {
    /// The package name.
    pub name: String,
    /// The version the sizes are for.
    pub version: String,
    /// Whether the package is in the `debian:bookworm-slim` base (installing it adds nothing).
    pub in_base: bool,
    /// The package's own `Installed-Size`.
    pub installed_kib: u64,
    /// The package plus its `Depends`/`Pre-Depends` closure, base packages excluded (0 when the
    /// package is itself in the base).
    pub depends_kib: u64,
    /// The same closure also following `Recommends`.
    pub recommends_kib: u64,
    /// What the closures skipped (counted as 0): dependency groups no package of the index resolves
    /// (`a | b`, or `recommends a | b` for a `Recommends` group) and packages the index gives no
    /// `Installed-Size` (`name (no Installed-Size)`).
    pub unresolved: Vec<String>,
}

/// A table [`BuiltinPackages::parse`] cannot read: the line and what is wrong with it.
///
/// ```
/// use dockwright::estimate::BuiltinPackages;
///
/// let err = BuiltinPackages::parse("# label: x\nname\tsize\n").unwrap_err();
/// assert_eq!(err.line(), 2);
/// assert_eq!(
///     err.to_string(),
///     "package table, line 2: expected the header \"package\\tversion\\tin_base\\tinstalled_kib\\tdepends_kib\\trecommends_kib\\tunresolved\", found \"name\\tsize\""
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageTableError {
    line: usize,
    message: String,
}

impl PackageTableError {
    fn new(line: usize, message: impl Into<String>) -> Self {
        PackageTableError { line, message: message.into() }
    }

    /// The 1-based line the problem is on.
    ///
    /// ```
    /// use dockwright::estimate::BuiltinPackages;
    ///
    /// assert_eq!(BuiltinPackages::parse("").unwrap_err().line(), 1);
    /// ```
    pub fn line(&self) -> usize {
        self.line
    }
}

impl fmt::Display for PackageTableError {
    /// `package table, line N: what is wrong`.
    ///
    /// ```
    /// use dockwright::estimate::BuiltinPackages;
    ///
    /// assert_eq!(BuiltinPackages::parse("").unwrap_err().to_string(), "package table, line 1: no `# label:` line");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "package table, line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for PackageTableError {}

impl BuiltinPackages {
    /// The table built into the crate: Debian bookworm amd64 `main`.
    ///
    /// ```
    /// use dockwright::estimate::BuiltinPackages;
    ///
    /// let table = BuiltinPackages::debian_bookworm();
    /// assert_eq!(table.label(), "Debian 12.15 bookworm amd64 main (2026-07-11)");
    /// assert_eq!(table.len(), 189);
    /// ```
    pub fn debian_bookworm() -> Self {
        match Self::parse(DEBIAN_BOOKWORM_AMD64) {
            Ok(table) => table,
            // The embedded table is checked by the tests; a failure here is a build of a broken table.
            Err(err) => panic!("src/estimate/debian-bookworm-amd64.tsv: {err}"),
        }
    }

    /// Reads a table in the form `scripts/package-table` writes: `#` comment lines, one of them
    /// `# label: ...` (named in every figure's source), then the column header, then one row per
    /// package with seven tab-separated cells. Every row must be well formed (`in_base` `yes` with
    /// both closures 0, or `no` with the package's own size at most its `Depends` closure, which is
    /// at most its `Recommends` closure; sizes in KiB) and name a package once.
    ///
    /// ```
    /// use dockwright::estimate::BuiltinPackages;
    ///
    /// let text = "# label: test\npackage\tversion\tin_base\tinstalled_kib\tdepends_kib\trecommends_kib\tunresolved\n\
    ///             jq\t1.6\tno\t111\t1143\t1143\t-\n";
    /// let table = BuiltinPackages::parse(text).unwrap();
    /// assert_eq!(table.get("jq").unwrap().depends_kib, 1143);
    /// let twice = format!("{text}jq\t1.6\tno\t111\t1143\t1143\t-\n");
    /// assert_eq!(BuiltinPackages::parse(&twice).unwrap_err().to_string(), "package table, line 4: package jq is listed twice (first on line 3)");
    /// let bad = text.replace("\t1143\t1143", "\t1143\t11");
    /// assert_eq!(
    ///     BuiltinPackages::parse(&bad).unwrap_err().to_string(),
    ///     "package table, line 3: package jq: recommends_kib 11 is less than depends_kib 1143"
    /// );
    /// ```
    pub fn parse(text: &str) -> Result<Self, PackageTableError> {
        let mut label = None;
        let mut header_seen = false;
        let mut packages: BTreeMap<String, PackageSizes> = BTreeMap::new();
        let mut first_line: BTreeMap<String, usize> = BTreeMap::new();
        let mut last = 0;
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            last = number;
            if let Some(comment) = line.strip_prefix('#') {
                if let Some(value) = comment.trim_start().strip_prefix("label:") {
                    label = Some(value.trim().to_string());
                }
                continue;
            }
            if !header_seen {
                if label.is_none() {
                    return Err(PackageTableError::new(number, "no `# label:` line before the header"));
                }
                if line != COLUMNS {
                    return Err(PackageTableError::new(
                        number,
                        format!("expected the header {COLUMNS:?}, found {line:?}"),
                    ));
                }
                header_seen = true;
                continue;
            }
            let row = parse_row(line).map_err(|message| PackageTableError::new(number, message))?;
            if let Some(first) = first_line.get(&row.name) {
                return Err(PackageTableError::new(
                    number,
                    format!("package {} is listed twice (first on line {first})", row.name),
                ));
            }
            first_line.insert(row.name.clone(), number);
            packages.insert(row.name.clone(), row);
        }
        let Some(label) = label else { return Err(PackageTableError::new(last.max(1), "no `# label:` line")) };
        if !header_seen {
            return Err(PackageTableError::new(last.max(1), format!("no header {COLUMNS:?}")));
        }
        Ok(BuiltinPackages { label, packages })
    }

    /// What the table is (release, architecture, component and the release's date), as its
    /// `# label:` line says.
    ///
    /// ```
    /// use dockwright::estimate::BuiltinPackages;
    ///
    /// assert!(BuiltinPackages::debian_bookworm().label().starts_with("Debian 12."));
    /// ```
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The row for `name`, if the table has it.
    ///
    /// ```
    /// use dockwright::estimate::BuiltinPackages;
    ///
    /// let table = BuiltinPackages::debian_bookworm();
    /// assert_eq!(table.get("ca-certificates").unwrap().installed_kib, 387);
    /// assert!(table.get("libpq").is_none()); // Alpine's name; Debian's is libpq5
    /// ```
    pub fn get(&self, name: &str) -> Option<&PackageSizes> {
        self.packages.get(name)
    }

    /// The rows, by package name.
    ///
    /// ```
    /// use dockwright::estimate::BuiltinPackages;
    ///
    /// let table = BuiltinPackages::debian_bookworm();
    /// assert_eq!(table.iter().next().unwrap().name, "apache2");
    /// assert_eq!(table.iter().count(), table.len());
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &PackageSizes> {
        self.packages.values()
    }

    /// How many packages the table holds.
    ///
    /// ```
    /// use dockwright::estimate::BuiltinPackages;
    ///
    /// assert!(BuiltinPackages::debian_bookworm().len() > 100);
    /// ```
    pub fn len(&self) -> usize {
        self.packages.len()
    }

    /// Whether the table is empty.
    ///
    /// ```
    /// use dockwright::estimate::BuiltinPackages;
    ///
    /// let empty = "# label: none\npackage\tversion\tin_base\tinstalled_kib\tdepends_kib\trecommends_kib\tunresolved\n";
    /// assert!(BuiltinPackages::parse(empty).unwrap().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.packages.is_empty()
    }
}

fn parse_row(line: &str) -> Result<PackageSizes, String> {
    let cells: Vec<&str> = line.split('\t').collect();
    let [name, version, in_base, installed, depends, recommends, unresolved] = cells[..] else {
        return Err(format!("expected 7 tab-separated cells, found {}: {line:?}", cells.len()));
    };
    if name.is_empty() || name.contains(char::is_whitespace) {
        return Err(format!("invalid package name {name:?}"));
    }
    if version.is_empty() {
        return Err(format!("package {name}: no version"));
    }
    let kib = |column: &str, cell: &str| {
        cell.parse::<u64>().map_err(|_| format!("package {name}: {column} {cell:?} is not a whole number of KiB"))
    };
    let (installed_kib, depends_kib, recommends_kib) =
        (kib("installed_kib", installed)?, kib("depends_kib", depends)?, kib("recommends_kib", recommends)?);
    let in_base = match in_base {
        "yes" => true,
        "no" => false,
        other => return Err(format!("package {name}: in_base {other:?} is neither yes nor no")),
    };
    if in_base && (depends_kib, recommends_kib) != (0, 0) {
        return Err(format!("package {name}: in the base, yet its closures are not 0"));
    }
    if !in_base && depends_kib < installed_kib {
        return Err(format!("package {name}: depends_kib {depends_kib} is less than installed_kib {installed_kib}"));
    }
    if recommends_kib < depends_kib {
        return Err(format!("package {name}: recommends_kib {recommends_kib} is less than depends_kib {depends_kib}"));
    }
    let unresolved = match unresolved {
        "" => return Err(format!("package {name}: empty unresolved cell (write - for none)")),
        "-" => Vec::new(),
        list => list.split(", ").map(str::to_string).collect(),
    };
    Ok(PackageSizes {
        name: name.to_string(),
        version: version.to_string(),
        in_base,
        installed_kib,
        depends_kib,
        recommends_kib,
        unresolved,
    })
}

impl SizeOracle for BuiltinPackages {
    /// For [`PackageManager::Apt`], `depends_kib`..`recommends_kib` (KiB × 1024) with a source naming
    /// the table and the row; `None` for other managers and names the table does not have.
    ///
    /// ```
    /// use dockwright::estimate::{BuiltinPackages, SizeOracle};
    /// use dockwright::PackageManager;
    ///
    /// let table = BuiltinPackages::debian_bookworm();
    /// let zlib = table.package(PackageManager::Apt, "zlib1g").unwrap();
    /// assert_eq!((zlib.low, zlib.high), (0, 0));
    /// assert_eq!(
    ///     zlib.source,
    ///     "built-in table: Debian 12.15 bookworm amd64 main (2026-07-11): zlib1g 1:1.2.13.dfsg-1 is in the \
    ///      debian:bookworm-slim base (installs nothing)"
    /// );
    /// assert!(table.package(PackageManager::Dnf, "curl").is_none());
    /// ```
    fn package(&self, manager: PackageManager, name: &str) -> Option<Figure> {
        if manager != PackageManager::Apt {
            return None;
        }
        let row = self.packages.get(name)?;
        let label = &self.label;
        let (name, version) = (&row.name, &row.version);
        if row.in_base {
            return Some(Figure::exact(
                0,
                format!(
                    "built-in table: {label}: {name} {version} is in the debian:bookworm-slim base (installs nothing)"
                ),
            ));
        }
        let mut source = format!(
            "built-in table: {label}: {name} {version}, {} KiB, {} KiB with its Depends, {} KiB with its Recommends \
             (base packages not counted)",
            row.installed_kib, row.depends_kib, row.recommends_kib
        );
        if !row.unresolved.is_empty() {
            source.push_str(&format!(", skipped: {}", row.unresolved.join(", ")));
        }
        Some(Figure::range(row.depends_kib * 1024, row.recommends_kib * 1024, source))
    }
}
