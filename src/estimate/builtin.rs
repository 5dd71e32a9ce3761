//! The built-in table of common Debian package sizes: `debian-bookworm-amd64.tsv`, written by
//! `scripts/package-table` from the real bookworm `Packages` index and embedded in the crate.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::{Figure, SizeOracle};
use crate::base::PackageManager;

/// The table as `scripts/package-table` wrote it.
const DEBIAN_BOOKWORM_AMD64: &str = include_str!("debian-bookworm-amd64.tsv");

/// The column header every table starts with (after its `#` comment lines).
const COLUMNS: &str = "package\tversion\tin_base\tinstalled_kib\tdepends_kib\trecommends_kib\tunresolved";

/// The column header of the second section: every package of the rows' closures.
const MEMBER_COLUMNS: &str = "member\tinstalled_kib\tdepends\trecommends\tunresolved";

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
/// packages) count nothing.
///
/// - [`SizeOracle::package`] (one package, not knowing whether `--no-install-recommends` was
///   given) spans both: low = the package and its `Depends`/`Pre-Depends` closure, high = the same
///   closure also following `Recommends` (a plain `apt-get install`);
/// - [`SizeOracle::packages`] (one `apt-get install` of several packages, as the estimator asks)
///   takes the union of the packages' closures, each package once: `gcc g++` is 260,751 KiB (g++
///   needs all that gcc does), not 176,018 + 260,751. Low = the union of the `Depends` closures;
///   high = the union of the `Recommends` closures when recommends are installed, else the low;
/// - a package the base already holds (`tzdata`, `zlib1g`) installs nothing: exactly 0.
///
/// For the unions the table carries a second section: every package of the rows' closures (1,458)
/// with its own size and its dependency groups as resolved for the rows. A set's figure is
/// computed from it; a one-package set equals the row (checked when the table is read).
///
/// Packages a larger base already has are still counted (`python:3.12-slim` holds
/// `ca-certificates` and `libssl3`), and `Installed-Size` also counts documentation that slim
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
/// let compilers = table.packages(PackageManager::Apt, &["gcc", "g++"], false).unwrap();
/// assert_eq!((compilers.low, compilers.high), (260_751 * 1024, 260_751 * 1024));
/// assert_eq!(table.package(PackageManager::Apt, "tzdata").unwrap().high, 0);
/// assert!(table.package(PackageManager::Apt, "nosuchpkg").is_none());
/// assert!(table.package(PackageManager::Apk, "curl").is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltinPackages {
    label: String,
    packages: BTreeMap<String, PackageSizes>,
    members: Members,
}

/// The closure members section: the packages the rows' closures install, as a graph.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Members {
    index: BTreeMap<String, usize>,
    nodes: Vec<Member>,
}

/// One closure member: its size and what it pulls in (indexes into [`Members::nodes`]).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Member {
    installed_kib: u64,
    depends: Vec<usize>,
    recommends: Vec<usize>,
    /// What its closure skips whenever it is installed: groups of its `Depends`/`Pre-Depends`
    /// nothing resolves, and `name (no Installed-Size)` for itself.
    skipped_depends: Vec<String>,
    /// Groups of its `Recommends` nothing resolves.
    skipped_recommends: Vec<String>,
}

/// The union of some packages' closures.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Union {
    packages: usize,
    kib: u64,
    skipped: BTreeSet<String>,
}

impl Members {
    /// The union of the closures of `roots`, following `Recommends` too when `recommends`.
    fn union(&self, roots: &[usize], recommends: bool) -> Union {
        let mut seen = vec![false; self.nodes.len()];
        let mut todo = roots.to_vec();
        let mut union = Union { packages: 0, kib: 0, skipped: BTreeSet::new() };
        while let Some(at) = todo.pop() {
            if std::mem::replace(&mut seen[at], true) {
                continue;
            }
            let member = &self.nodes[at];
            union.packages += 1;
            union.kib += member.installed_kib;
            union.skipped.extend(member.skipped_depends.iter().cloned());
            todo.extend(&member.depends);
            if recommends {
                union.skipped.extend(member.skipped_recommends.iter().cloned());
                todo.extend(&member.recommends);
            }
        }
        union
    }
}

/// The `unresolved` list of a set, as the script writes it for a row: what the `Depends` closures
/// skip, then (prefixed `recommends `) what following `Recommends` skips besides.
fn unresolved(depends: &Union, recommends: &Union) -> Vec<String> {
    let mut out: Vec<String> = depends.skipped.iter().cloned().collect();
    out.extend(recommends.skipped.difference(&depends.skipped).map(|s| format!("recommends {s}")));
    out
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
    /// package with seven tab-separated cells; then the closure members section: its header, then
    /// one line per package the rows' closures install (`member`, `installed_kib` or `-`, the
    /// `depends` and `recommends` it pulls in, space-separated, and its `unresolved` groups, each
    /// `-` when empty). Every row must be well formed (`in_base` `yes` with both closures 0, or `no`
    /// with the package's own size at most its `Depends` closure, which is at most its `Recommends`
    /// closure; sizes in KiB) and name a package once; every member once, pulling in members only;
    /// and each row's closures and `unresolved` must be what the members give.
    ///
    /// ```
    /// use dockwright::estimate::BuiltinPackages;
    ///
    /// let text = "# label: test\npackage\tversion\tin_base\tinstalled_kib\tdepends_kib\trecommends_kib\tunresolved\n\
    ///             jq\t1.6\tno\t111\t1143\t1143\t-\n\
    ///             member\tinstalled_kib\tdepends\trecommends\tunresolved\n\
    ///             jq\t111\tlibjq1\t-\t-\nlibjq1\t1032\t-\t-\t-\n";
    /// let table = BuiltinPackages::parse(text).unwrap();
    /// assert_eq!(table.get("jq").unwrap().depends_kib, 1143);
    /// let twice = text.replace("member\t", "jq\t1.6\tno\t111\t1143\t1143\t-\nmember\t");
    /// assert_eq!(BuiltinPackages::parse(&twice).unwrap_err().to_string(), "package table, line 4: package jq is listed twice (first on line 3)");
    /// let bad = text.replace("\t1143\t1143", "\t1143\t11");
    /// assert_eq!(
    ///     BuiltinPackages::parse(&bad).unwrap_err().to_string(),
    ///     "package table, line 3: package jq: recommends_kib 11 is less than depends_kib 1143"
    /// );
    /// let other = text.replace("libjq1\t1032", "libjq1\t1000");
    /// assert_eq!(
    ///     BuiltinPackages::parse(&other).unwrap_err().to_string(),
    ///     "package table, line 3: package jq: depends_kib 1143 is not 1111, the size of its Depends closure in the closure members section"
    /// );
    /// ```
    pub fn parse(text: &str) -> Result<Self, PackageTableError> {
        let mut label = None;
        let (mut header_seen, mut members_seen) = (false, false);
        let mut packages: BTreeMap<String, PackageSizes> = BTreeMap::new();
        let mut first_line: BTreeMap<String, usize> = BTreeMap::new();
        let mut member_lines: Vec<(usize, MemberLine)> = Vec::new();
        let mut member_first: BTreeMap<String, usize> = BTreeMap::new();
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
            if !members_seen && line == MEMBER_COLUMNS {
                members_seen = true;
                continue;
            }
            if members_seen {
                let member = parse_member(line).map_err(|message| PackageTableError::new(number, message))?;
                if let Some(first) = member_first.get(&member.name) {
                    return Err(PackageTableError::new(
                        number,
                        format!("member {} is listed twice (first on line {first})", member.name),
                    ));
                }
                member_first.insert(member.name.clone(), number);
                member_lines.push((number, member));
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
        if !members_seen {
            return Err(PackageTableError::new(
                last.max(1),
                format!("no closure members section (its header is {MEMBER_COLUMNS:?})"),
            ));
        }
        let members = link_members(member_lines)?;
        for row in packages.values() {
            check_row(row, first_line[&row.name], &members, &member_first)?;
        }
        Ok(BuiltinPackages { label, packages, members })
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
    /// let empty = "# label: none\npackage\tversion\tin_base\tinstalled_kib\tdepends_kib\trecommends_kib\tunresolved\n\
    ///              member\tinstalled_kib\tdepends\trecommends\tunresolved\n";
    /// assert!(BuiltinPackages::parse(empty).unwrap().is_empty());
    /// let no_members = empty.lines().take(2).collect::<Vec<_>>().join("\n");
    /// assert_eq!(
    ///     BuiltinPackages::parse(&no_members).unwrap_err().to_string(),
    ///     "package table, line 2: no closure members section (its header is \"member\\tinstalled_kib\\tdepends\\trecommends\\tunresolved\")"
    /// );
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

/// A closure member line as read, names not yet resolved.
struct MemberLine {
    name: String,
    installed_kib: Option<u64>,
    depends: Vec<String>,
    recommends: Vec<String>,
    unresolved: Vec<String>,
}

fn parse_member(line: &str) -> Result<MemberLine, String> {
    let cells: Vec<&str> = line.split('\t').collect();
    let [name, installed, depends, recommends, unresolved] = cells[..] else {
        return Err(format!("expected 5 tab-separated cells in a member line, found {}: {line:?}", cells.len()));
    };
    if name.is_empty() || name.contains(char::is_whitespace) || name == "-" {
        return Err(format!("invalid member name {name:?}"));
    }
    let installed_kib = match installed {
        "-" => None,
        cell => Some(
            cell.parse::<u64>()
                .map_err(|_| format!("member {name}: installed_kib {cell:?} is neither a whole number of KiB nor -"))?,
        ),
    };
    let names = |column: &str, cell: &str| match cell {
        "" => Err(format!("member {name}: empty {column} cell (write - for none)")),
        "-" => Ok(Vec::new()),
        list => Ok(list.split(' ').map(str::to_string).collect::<Vec<_>>()),
    };
    let (depends, recommends) = (names("depends", depends)?, names("recommends", recommends)?);
    if let Some(empty) = depends.iter().chain(&recommends).find(|n| n.is_empty()) {
        return Err(format!("member {name}: invalid package name {empty:?} in its lists"));
    }
    let unresolved = match unresolved {
        "" => return Err(format!("member {name}: empty unresolved cell (write - for none)")),
        "-" => Vec::new(),
        list => list.split(", ").map(str::to_string).collect(),
    };
    Ok(MemberLine { name: name.to_string(), installed_kib, depends, recommends, unresolved })
}

/// The members as a graph: every name they pull in must be a member.
fn link_members(lines: Vec<(usize, MemberLine)>) -> Result<Members, PackageTableError> {
    let index: BTreeMap<String, usize> = lines.iter().enumerate().map(|(i, (_, m))| (m.name.clone(), i)).collect();
    let mut nodes = Vec::with_capacity(lines.len());
    for (number, line) in lines {
        let resolve = |names: &[String]| {
            names
                .iter()
                .map(|n| {
                    index.get(n).copied().ok_or_else(|| {
                        PackageTableError::new(
                            number,
                            format!("member {}: pulls in {n}, which is not a closure member", line.name),
                        )
                    })
                })
                .collect::<Result<Vec<usize>, _>>()
        };
        let (depends, recommends) = (resolve(&line.depends)?, resolve(&line.recommends)?);
        let (mut skipped_depends, mut skipped_recommends) = (Vec::new(), Vec::new());
        for group in line.unresolved {
            match group.strip_prefix("recommends ") {
                Some(group) => skipped_recommends.push(group.to_string()),
                None => skipped_depends.push(group),
            }
        }
        if line.installed_kib.is_none() {
            skipped_depends.push(format!("{} (no Installed-Size)", line.name));
        }
        nodes.push(Member {
            installed_kib: line.installed_kib.unwrap_or(0),
            depends,
            recommends,
            skipped_depends,
            skipped_recommends,
        });
    }
    Ok(Members { index, nodes })
}

/// A row agrees with the members: a package outside the base is a member whose closures have the
/// row's sizes and skip what the row says; a base package is no member.
fn check_row(
    row: &PackageSizes,
    number: usize,
    members: &Members,
    member_lines: &BTreeMap<String, usize>,
) -> Result<(), PackageTableError> {
    let name = &row.name;
    let error = |message: String| Err(PackageTableError::new(number, format!("package {name}: {message}")));
    let Some(&at) = members.index.get(name) else {
        if row.in_base {
            return Ok(());
        }
        return error("not in the closure members section".into());
    };
    if row.in_base {
        return error(format!("in the base, yet a closure member (line {})", member_lines[name]));
    }
    let (depends, recommends) = (members.union(&[at], false), members.union(&[at], true));
    if depends.kib != row.depends_kib {
        return error(format!(
            "depends_kib {} is not {}, the size of its Depends closure in the closure members section",
            row.depends_kib, depends.kib
        ));
    }
    if recommends.kib != row.recommends_kib {
        return error(format!(
            "recommends_kib {} is not {}, the size of its Recommends closure in the closure members section",
            row.recommends_kib, recommends.kib
        ));
    }
    let skipped = unresolved(&depends, &recommends);
    if skipped != row.unresolved {
        return error(format!(
            "unresolved {:?} is not {skipped:?}, what its closures in the closure members section skip",
            row.unresolved
        ));
    }
    Ok(())
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

    /// For [`PackageManager::Apt`], one install of several packages: the union of the rows'
    /// closures, each package once, base packages not counted: low = the `Depends` closures, high =
    /// the `Recommends` closures when `recommends`, else the low (KiB × 1024). `None` for other
    /// managers and when a name is not a row of the table.
    ///
    /// ```
    /// use dockwright::estimate::{BuiltinPackages, SizeOracle};
    /// use dockwright::PackageManager;
    ///
    /// let table = BuiltinPackages::debian_bookworm();
    /// let both = table.packages(PackageManager::Apt, &["curl", "ca-certificates", "tzdata"], false).unwrap();
    /// assert_eq!((both.low, both.high), (14_392 * 1024, 14_392 * 1024)); // 11695 + 8727 KiB apart
    /// assert_eq!(
    ///     both.source,
    ///     "built-in table: Debian 12.15 bookworm amd64 main (2026-07-11): curl 7.88.1-10+deb12u15 + \
    ///      ca-certificates 20230311+deb12u1: 18 packages, 14392 KiB with their Depends, no Recommends \
    ///      (the union of the closures, each package once; base packages not counted); in the \
    ///      debian:bookworm-slim base (installs nothing): tzdata 2026b-0+deb12u1"
    /// );
    /// let recommended = table.packages(PackageManager::Apt, &["curl", "ca-certificates"], true).unwrap();
    /// assert_eq!((recommended.low, recommended.high), (14_392 * 1024, 15_380 * 1024));
    /// assert!(table.packages(PackageManager::Apt, &["curl", "nosuchpkg"], true).is_none());
    /// ```
    fn packages(&self, manager: PackageManager, names: &[&str], recommends: bool) -> Option<Figure> {
        if manager != PackageManager::Apt {
            return None;
        }
        let mut rows: Vec<&PackageSizes> = Vec::new();
        for name in names {
            let row = self.packages.get(*name)?;
            if !rows.iter().any(|r| r.name == row.name) {
                rows.push(row);
            }
        }
        let (base, installed): (Vec<&PackageSizes>, Vec<&PackageSizes>) = rows.into_iter().partition(|r| r.in_base);
        let list = |rows: &[&PackageSizes], separator: &str| {
            rows.iter().map(|r| format!("{} {}", r.name, r.version)).collect::<Vec<_>>().join(separator)
        };
        let mut parts = Vec::new();
        let mut figure = (0, 0);
        if !installed.is_empty() {
            let roots: Vec<usize> = installed.iter().map(|r| self.members.index[&r.name]).collect();
            let depends = self.members.union(&roots, false);
            let with = if recommends { self.members.union(&roots, true) } else { depends.clone() };
            let mut part = format!(
                "{}: {} packages, {} KiB with their Depends",
                list(&installed, " + "),
                depends.packages,
                depends.kib
            );
            if recommends {
                part.push_str(&format!(", {} packages, {} KiB with their Recommends", with.packages, with.kib));
            } else {
                part.push_str(", no Recommends");
            }
            part.push_str(" (the union of the closures, each package once; base packages not counted)");
            let skipped = unresolved(&depends, &with);
            if !skipped.is_empty() {
                part.push_str(&format!(", skipped: {}", skipped.join(", ")));
            }
            parts.push(part);
            figure = (depends.kib * 1024, with.kib * 1024);
        }
        if !base.is_empty() {
            parts.push(format!("in the debian:bookworm-slim base (installs nothing): {}", list(&base, ", ")));
        }
        let source = format!("built-in table: {}: {}", self.label, parts.join("; "));
        Some(Figure::range(figure.0, figure.1, source))
    }
}
