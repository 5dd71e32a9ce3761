//! Oracles built from text the caller passes in: a base-image catalogue (TSV), Debian `Packages`
//! indexes, Alpine `APKINDEX` files, and a composite that asks several in turn. No IO here.

use std::collections::BTreeMap;

use super::{ContextQuery, Figure, SizeOracle};
use crate::base::PackageManager;

/// Base image sizes from a TSV table: the first column is the image reference (text after a space
/// is ignored), the size column is the first whose header starts with `uncompressed` (else the
/// second). Sizes are bytes, or a number with a unit (`~124.3 Mb` as docker-library/repo-info writes
/// it: 10^6 bytes, rounded to the last digit shown; `356MB`; `"around 2 MiB"`, taken as ±50%).
/// Rows without a size are skipped. The crate ships no table: tests load `shared/data/sizes/base-images.tsv`.
///
/// A digest names one image whatever its tag: a row `name@sha256:...` (or `name:tag@sha256:...`)
/// answers any reference to `name` with that digest. A digest-pinned reference whose digest has no row
/// is not answered here; the estimator then asks again by its tag (see [`SizeOracle::base_image`]).
///
/// ```
/// use dockwright::estimate::{CatalogOracle, SizeOracle};
///
/// let catalog = CatalogOracle::from_tsv("image\tcompressed\tuncompressed\npython:3.12-slim (trixie)\t43188023\t~119.2 Mb\nscratch\t0\t0\n");
/// let python = catalog.base_image("python:3.12-slim").unwrap();
/// assert_eq!((python.low, python.high), (119_150_000, 119_250_000));
/// assert_eq!(python.source, "catalogue: python:3.12-slim = ~119.2 Mb");
/// assert_eq!(catalog.base_image("docker.io/library/scratch").unwrap().high, 0);
/// assert!(catalog.base_image("alpine:3.19").is_none());
///
/// let digest = format!("sha256:{}", "a".repeat(64));
/// let pinned = CatalogOracle::from_tsv(&format!("image\tbytes\nalpine:3.19@{digest}\t7300000\n"));
/// assert_eq!(pinned.base_image(&format!("alpine@{digest}")).unwrap().low, 7_300_000);
/// assert_eq!(pinned.base_image(&format!("docker.io/library/alpine:3.20@{digest}")).unwrap().low, 7_300_000);
/// assert!(pinned.base_image("alpine:3.19").is_none());
/// ```
#[derive(Debug, Clone, Default)]
pub struct CatalogOracle {
    images: BTreeMap<String, Figure>,
}

impl CatalogOracle {
    /// Parses the table (see the type's docs); unreadable rows are skipped.
    ///
    /// ```
    /// use dockwright::estimate::{CatalogOracle, SizeOracle};
    ///
    /// let catalog = CatalogOracle::from_tsv("image\tbytes\nalpine:3.19\t7300000\nbad row\n");
    /// assert_eq!(catalog.base_image("alpine:3.19").unwrap().low, 7_300_000);
    /// assert_eq!(catalog.len(), 1);
    /// ```
    pub fn from_tsv(text: &str) -> Self {
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
        let column = header.iter().position(|h| h.trim().starts_with("uncompressed")).unwrap_or(1);
        let mut images = BTreeMap::new();
        for line in lines {
            let cells: Vec<&str> = line.split('\t').collect();
            let (Some(name), Some(cell)) = (cells.first(), cells.get(column)) else { continue };
            let Some(name) = name.split_whitespace().next() else { continue };
            if let Some((low, high)) = parse_size(cell) {
                let source = format!("catalogue: {name} = {}", cell.trim());
                images.entry(normalise(name)).or_insert_with(|| Figure::range(low, high, source));
            }
        }
        CatalogOracle { images }
    }

    /// How many images the catalogue knows.
    ///
    /// ```
    /// use dockwright::estimate::CatalogOracle;
    ///
    /// assert_eq!(CatalogOracle::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.images.len()
    }

    /// Whether the catalogue is empty.
    ///
    /// ```
    /// use dockwright::estimate::CatalogOracle;
    ///
    /// assert!(CatalogOracle::from_tsv("").is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.images.is_empty()
    }
}

impl SizeOracle for CatalogOracle {
    fn base_image(&self, image: &str) -> Option<Figure> {
        self.images.get(&normalise(image)).cloned()
    }
}

/// `docker.io/library/x` and `x` are the same image; with a digest, the tag names nothing more
/// (`x:1@sha256:..` is `x@sha256:..`).
fn normalise(image: &str) -> String {
    let image = image.strip_prefix("docker.io/").unwrap_or(image);
    let image = image.strip_prefix("library/").unwrap_or(image);
    match image.split_once('@') {
        Some((name, digest)) => {
            // A ':' after the last '/' starts a tag; one before it is a registry's port.
            let repository = match name.rsplit_once(':') {
                Some((repository, tag)) if !tag.contains('/') => repository,
                _ => name,
            };
            format!("{repository}@{digest}")
        }
        None => image.to_string(),
    }
}

/// A size cell: bytes, or number + unit; the range covers the rounding of the last digit shown.
fn parse_size(cell: &str) -> Option<(u64, u64)> {
    let around = cell.contains("around");
    let start = cell.find(|c: char| c.is_ascii_digit())?;
    let rest = &cell[start..];
    let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
    let number = &rest[..end];
    let value: f64 = number.parse().ok()?;
    let unit = rest[end..].trim_start();
    let scale = if unit.starts_with("GiB") {
        1024.0 * 1024.0 * 1024.0
    } else if unit.starts_with("MiB") {
        1024.0 * 1024.0
    } else if unit.starts_with("KiB") {
        1024.0
    } else if unit.starts_with("GB") || unit.starts_with("Gb") {
        1e9
    } else if unit.starts_with("MB") || unit.starts_with("Mb") {
        1e6
    } else if unit.starts_with("kB") || unit.starts_with("KB") {
        1e3
    } else if unit.is_empty() || unit.starts_with('(') || unit.starts_with('B') {
        1.0
    } else {
        return None;
    };
    let decimals = number.split_once('.').map_or(0, |(_, d)| d.len());
    let half = if scale == 1.0 { 0.0 } else { 0.5 * 10f64.powi(-(decimals as i32)) * scale };
    let centre = value * scale;
    let (low, high) = if around { (centre * 0.5, centre * 1.5) } else { (centre - half, centre + half) };
    Some((low.max(0.0).round() as u64, high.round() as u64))
}

/// Package sizes from Debian `Packages` index text (`apt-cache show` output has the same form):
/// `Installed-Size` is KiB (Debian Policy 5.6.20). A package's figure runs from its own installed
/// size to that plus the closure of its `Depends`/`Pre-Depends` in the index (first alternative),
/// since the base may already hold some dependencies.
///
/// For one install of several packages ([`SizeOracle::packages`]) the figure runs from the named
/// packages' own sizes to the size of the union of their closures, each package counted once; with
/// `recommends` the closure also follows `Recommends` (first alternative), when the index has them.
///
/// ```
/// use dockwright::estimate::{DebianIndex, SizeOracle};
/// use dockwright::PackageManager;
///
/// let index = DebianIndex::parse("Package: curl\nInstalled-Size: 489\nDepends: libcurl4 (= 7.88.1), zlib1g\n\nPackage: libcurl4\nInstalled-Size: 1000\n\n");
/// let curl = index.package(PackageManager::Apt, "curl").unwrap();
/// assert_eq!((curl.low, curl.high), (489 * 1024, 1489 * 1024));
/// assert_eq!(curl.source, "Debian Packages: curl Installed-Size 489 KiB, dependencies in the index 1000 KiB");
/// assert!(index.package(PackageManager::Apk, "curl").is_none());
/// let both = index.packages(PackageManager::Apt, &["curl", "libcurl4"], false).unwrap();
/// assert_eq!((both.low, both.high), (1489 * 1024, 1489 * 1024)); // libcurl4 once, not twice
/// ```
#[derive(Debug, Clone, Default)]
pub struct DebianIndex {
    packages: BTreeMap<String, DebianPackage>,
    /// Whether any stanza has a `Recommends` field.
    has_recommends: bool,
}

/// One stanza: `Installed-Size` (KiB) and the first alternative of each relation group.
#[derive(Debug, Clone)]
struct DebianPackage {
    size: u64,
    depends: Vec<String>,
    recommends: Vec<String>,
}

impl DebianIndex {
    /// Parses one or more `Packages` files' text (stanzas separated by blank lines); the first
    /// stanza for a name wins.
    ///
    /// ```
    /// use dockwright::estimate::DebianIndex;
    ///
    /// assert_eq!(DebianIndex::parse("Package: a\nInstalled-Size: 1\n\nPackage: b\n").len(), 1);
    /// ```
    pub fn parse(text: &str) -> Self {
        let mut index = DebianIndex::default();
        for stanza in text.split("\n\n") {
            let (mut name, mut size, mut depends, mut recommends) = (None, None, Vec::new(), Vec::new());
            for line in stanza.lines() {
                if let Some(value) = line.strip_prefix("Package:") {
                    name = Some(value.trim().to_string());
                } else if let Some(value) = line.strip_prefix("Installed-Size:") {
                    size = value.trim().parse::<u64>().ok();
                } else if let Some(value) = line.strip_prefix("Depends:").or_else(|| line.strip_prefix("Pre-Depends:"))
                {
                    depends.extend(first_alternatives(value));
                } else if let Some(value) = line.strip_prefix("Recommends:") {
                    recommends.extend(first_alternatives(value));
                    index.has_recommends = true;
                }
            }
            if let (Some(name), Some(size)) = (name, size) {
                index.packages.entry(name).or_insert(DebianPackage { size, depends, recommends });
            }
        }
        index
    }

    /// How many packages the index holds.
    ///
    /// ```
    /// use dockwright::estimate::DebianIndex;
    ///
    /// assert!(DebianIndex::parse("").is_empty());
    /// ```
    pub fn len(&self) -> usize {
        self.packages.len()
    }

    /// Whether the index is empty.
    ///
    /// ```
    /// use dockwright::estimate::DebianIndex;
    ///
    /// assert_eq!(DebianIndex::default().is_empty(), true);
    /// ```
    pub fn is_empty(&self) -> bool {
        self.packages.is_empty()
    }
}

/// The package names of a relation field (`a (>= 1) | b, c:any`): the first alternative of each group.
fn first_alternatives(value: &str) -> impl Iterator<Item = String> + '_ {
    value.split(',').filter_map(|group| {
        let first = group.split('|').next().unwrap_or("").trim();
        let name = first.split([' ', '(', ':']).next().unwrap_or("");
        (!name.is_empty()).then(|| name.to_string())
    })
}

impl DebianIndex {
    /// A name's package: its name, size and the names it pulls in (`Recommends` too when `follow`).
    fn lookup(&self, name: &str, follow: bool) -> Option<(&str, u64, Vec<&str>)> {
        let (name, package) = self.packages.get_key_value(name)?;
        let mut pulls: Vec<&str> = package.depends.iter().map(String::as_str).collect();
        if follow {
            pulls.extend(package.recommends.iter().map(String::as_str));
        }
        Some((name.as_str(), package.size, pulls))
    }
}

impl SizeOracle for DebianIndex {
    fn package(&self, manager: PackageManager, name: &str) -> Option<Figure> {
        if manager != PackageManager::Apt {
            return None;
        }
        let own = self.packages.get(name)?.size;
        let deps = reach(&[name], |n| self.lookup(n, false)).values().sum::<u64>() - own;
        Some(Figure::range(
            own * 1024,
            (own + deps) * 1024,
            format!("Debian Packages: {name} Installed-Size {own} KiB, dependencies in the index {deps} KiB"),
        ))
    }

    /// From the named packages' own sizes to the union of their `Depends`/`Pre-Depends` closures
    /// (and `Recommends`, when `recommends` and the index has them), each package once; KiB × 1024.
    ///
    /// ```
    /// use dockwright::estimate::{DebianIndex, SizeOracle};
    /// use dockwright::PackageManager;
    ///
    /// let index = DebianIndex::parse(
    ///     "Package: gcc\nInstalled-Size: 50\nDepends: cpp\nRecommends: manpages\n\n\
    ///      Package: g++\nInstalled-Size: 20\nDepends: gcc, cpp\n\n\
    ///      Package: cpp\nInstalled-Size: 1000\n\n\
    ///      Package: manpages\nInstalled-Size: 300\n",
    /// );
    /// let both = index.packages(PackageManager::Apt, &["gcc", "g++"], false).unwrap();
    /// assert_eq!((both.low, both.high), (70 * 1024, 1070 * 1024));
    /// assert_eq!(
    ///     both.source,
    ///     "Debian Packages: gcc + g++ Installed-Size 70 KiB, 1070 KiB with the union of their Depends closures \
    ///      in the index (3 packages, each counted once)"
    /// );
    /// assert_eq!(index.packages(PackageManager::Apt, &["gcc", "g++"], true).unwrap().high, 1370 * 1024);
    /// assert!(index.packages(PackageManager::Apt, &["gcc", "nosuchpkg"], false).is_none());
    /// ```
    fn packages(&self, manager: PackageManager, names: &[&str], recommends: bool) -> Option<Figure> {
        if manager != PackageManager::Apt {
            return None;
        }
        let names = distinct(names);
        let own = names.iter().map(|n| self.packages.get(*n).map(|p| p.size)).sum::<Option<u64>>()?;
        let follow = recommends && self.has_recommends;
        let reached = reach(&names, |n| self.lookup(n, follow));
        let total: u64 = reached.values().sum();
        let closures = if follow { "Depends and Recommends closures" } else { "Depends closures" };
        let mut source = format!(
            "Debian Packages: {} Installed-Size {own} KiB, {total} KiB with the union of their {closures} in the \
             index ({} packages, each counted once)",
            names.join(" + "),
            reached.len()
        );
        if recommends && !self.has_recommends {
            source.push_str("; the index lists no Recommends");
        }
        Some(Figure::range(own * 1024, total * 1024, source))
    }
}

/// `names` without repeats, in order.
fn distinct<'n>(names: &[&'n str]) -> Vec<&'n str> {
    let mut out: Vec<&str> = Vec::new();
    for name in names {
        if !out.contains(name) {
            out.push(name);
        }
    }
    out
}

/// Every package `roots` install, transitively, each once (the roots included), with its size:
/// `lookup` gives a name's package (its own name in the index, its size, the names it pulls in);
/// names the index does not have count nothing.
fn reach<'r, 'i: 'r>(
    roots: &[&'r str],
    lookup: impl Fn(&str) -> Option<(&'i str, u64, Vec<&'i str>)>,
) -> BTreeMap<&'i str, u64> {
    let mut reached = BTreeMap::new();
    let mut todo: Vec<&'r str> = roots.iter().rev().copied().collect();
    while let Some(name) = todo.pop() {
        let Some((package, size, pulls)) = lookup(name) else { continue };
        if reached.insert(package, size).is_none() {
            todo.extend(pulls);
        }
    }
    reached
}

/// Package sizes from Alpine `APKINDEX` text: `I:` is the installed size in bytes (apk-package(5)).
/// As for Debian, the figure runs from the package's own size to that plus its `D:` closure
/// (names resolved to the package of that name, else through `p:` provides, `so:`/`cmd:` included;
/// each package counted once however it is named). For one `apk add` of several packages
/// ([`SizeOracle::packages`]) it runs from their own sizes to the union of their closures, each
/// package once (apk has no weak dependencies: `recommends` changes nothing).
///
/// ```
/// use dockwright::estimate::{AlpineIndex, SizeOracle};
/// use dockwright::PackageManager;
///
/// let index = AlpineIndex::parse("P:curl\nI:250000\nD:libcurl so:libc.musl-x86_64.so.1\n\nP:libcurl\nI:500000\nD:musl\n\nP:musl\nI:600000\np:so:libc.musl-x86_64.so.1=1\n");
/// let curl = index.package(PackageManager::Apk, "curl").unwrap();
/// assert_eq!((curl.low, curl.high), (250_000, 1_350_000)); // musl once, though named two ways
/// assert!(index.package(PackageManager::Apt, "curl").is_none());
/// let both = index.packages(PackageManager::Apk, &["curl", "libcurl"], true).unwrap();
/// assert_eq!((both.low, both.high), (750_000, 1_350_000));
/// ```
#[derive(Debug, Clone, Default)]
pub struct AlpineIndex {
    packages: BTreeMap<String, (u64, Vec<String>)>,
    provides: BTreeMap<String, String>,
}

impl AlpineIndex {
    /// Parses `APKINDEX` text (records separated by blank lines); the first record for a name wins.
    ///
    /// ```
    /// use dockwright::estimate::AlpineIndex;
    ///
    /// assert_eq!(AlpineIndex::parse("P:busybox\nI:817152\n").len(), 1);
    /// ```
    pub fn parse(text: &str) -> Self {
        let mut index = AlpineIndex::default();
        for record in text.split("\n\n") {
            let (mut name, mut size, mut depends, mut provides) = (None, None, Vec::new(), Vec::new());
            for line in record.lines() {
                match line.split_once(':') {
                    Some(("P", value)) => name = Some(value.trim().to_string()),
                    Some(("I", value)) => size = value.trim().parse::<u64>().ok(),
                    Some(("D", value)) => depends.extend(
                        value.split_whitespace().filter(|d| !d.starts_with('!')).map(|d| strip_version(d).to_string()),
                    ),
                    Some(("p", value)) => {
                        provides.extend(value.split_whitespace().map(|p| strip_version(p).to_string()))
                    }
                    _ => {}
                }
            }
            if let (Some(name), Some(size)) = (name, size) {
                for provided in provides {
                    index.provides.entry(provided).or_insert_with(|| name.clone());
                }
                index.packages.entry(name).or_insert((size, depends));
            }
        }
        index
    }

    /// How many packages the index holds.
    ///
    /// ```
    /// use dockwright::estimate::AlpineIndex;
    ///
    /// assert_eq!(AlpineIndex::parse("").len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.packages.len()
    }

    /// Whether the index is empty.
    ///
    /// ```
    /// use dockwright::estimate::AlpineIndex;
    ///
    /// assert!(AlpineIndex::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.packages.is_empty()
    }

    /// The package a dependency name means: the package of that name, else its provider.
    fn lookup(&self, name: &str) -> Option<(&str, u64, Vec<&str>)> {
        let (name, (size, depends)) = self
            .packages
            .get_key_value(name)
            .or_else(|| self.provides.get(name).and_then(|provider| self.packages.get_key_value(provider)))?;
        Some((name.as_str(), *size, depends.iter().map(String::as_str).collect()))
    }
}

fn strip_version(dependency: &str) -> &str {
    dependency.split(['=', '<', '>', '~']).next().unwrap_or(dependency)
}

impl SizeOracle for AlpineIndex {
    fn package(&self, manager: PackageManager, name: &str) -> Option<Figure> {
        if manager != PackageManager::Apk {
            return None;
        }
        let (own, _) = self.packages.get(name)?;
        let deps = reach(&[name], |n| self.lookup(n)).values().sum::<u64>() - own;
        Some(Figure::range(
            *own,
            own + deps,
            format!("APKINDEX: {name} I:{own} bytes, dependencies in the index {deps} bytes"),
        ))
    }

    /// From the named packages' own sizes to the union of their `D:` closures, each package once.
    ///
    /// ```
    /// use dockwright::estimate::{AlpineIndex, SizeOracle};
    /// use dockwright::PackageManager;
    ///
    /// let index = AlpineIndex::parse("P:gcc\nI:100\nD:binutils\n\nP:g++\nI:40\nD:gcc binutils\n\nP:binutils\nI:1000\n");
    /// let both = index.packages(PackageManager::Apk, &["gcc", "g++"], false).unwrap();
    /// assert_eq!((both.low, both.high), (140, 1140));
    /// assert_eq!(
    ///     both.source,
    ///     "APKINDEX: gcc + g++ I: 140 bytes, 1140 bytes with the union of their D: closures in the index \
    ///      (3 packages, each counted once)"
    /// );
    /// assert!(index.packages(PackageManager::Apk, &["gcc", "nosuchpkg"], false).is_none());
    /// ```
    fn packages(&self, manager: PackageManager, names: &[&str], _recommends: bool) -> Option<Figure> {
        if manager != PackageManager::Apk {
            return None;
        }
        let names = distinct(names);
        let own = names.iter().map(|n| self.packages.get(*n).map(|(size, _)| *size)).sum::<Option<u64>>()?;
        let reached = reach(&names, |n| self.lookup(n));
        let total: u64 = reached.values().sum();
        Some(Figure::range(
            own,
            total,
            format!(
                "APKINDEX: {} I: {own} bytes, {total} bytes with the union of their D: closures in the index \
                 ({} packages, each counted once)",
                names.join(" + "),
                reached.len()
            ),
        ))
    }
}

/// Asks each oracle in turn; the first answer wins.
///
/// For one install of several packages ([`SizeOracle::packages`]) the first oracle that answers for
/// the whole set wins, so shared dependencies are counted once. When none does, the set is split:
/// each name goes to the first oracle that knows it alone, each oracle's share is one answer, and the
/// shares are added up (a dependency shared across shares counts once per share); `None` when some
/// name no oracle knows.
///
/// ```
/// use dockwright::estimate::{CatalogOracle, Composite, DebianIndex, SizeOracle};
/// use dockwright::PackageManager;
///
/// let catalog = CatalogOracle::from_tsv("image\tbytes\nalpine:3.19\t7300000\n");
/// let debian = DebianIndex::parse("Package: curl\nInstalled-Size: 489\n");
/// let oracle = Composite::new().with(catalog).with(debian);
/// assert_eq!(oracle.base_image("alpine:3.19").unwrap().low, 7_300_000);
/// assert_eq!(oracle.package(PackageManager::Apt, "curl").unwrap().low, 489 * 1024);
/// ```
#[derive(Default)]
pub struct Composite<'a> {
    oracles: Vec<Box<dyn SizeOracle + 'a>>,
}

impl std::fmt::Debug for Composite<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Composite").field("oracles", &self.oracles.len()).finish()
    }
}

impl<'a> Composite<'a> {
    /// No oracles: every answer is unknown.
    ///
    /// ```
    /// use dockwright::estimate::{Composite, SizeOracle};
    ///
    /// assert!(Composite::new().base_image("alpine:3.19").is_none());
    /// ```
    pub fn new() -> Self {
        Composite { oracles: Vec::new() }
    }

    /// Adds an oracle, asked after the ones already added.
    ///
    /// ```
    /// use dockwright::estimate::{CatalogOracle, Composite, SizeOracle};
    ///
    /// let first = CatalogOracle::from_tsv("image\tbytes\na:1\t1\n");
    /// let second = CatalogOracle::from_tsv("image\tbytes\na:1\t2\n");
    /// assert_eq!(Composite::new().with(first).with(second).base_image("a:1").unwrap().low, 1);
    /// ```
    #[must_use]
    pub fn with(mut self, oracle: impl SizeOracle + 'a) -> Self {
        self.oracles.push(Box::new(oracle));
        self
    }
}

impl SizeOracle for Composite<'_> {
    fn base_image(&self, image: &str) -> Option<Figure> {
        self.oracles.iter().find_map(|o| o.base_image(image))
    }

    fn package(&self, manager: PackageManager, name: &str) -> Option<Figure> {
        self.oracles.iter().find_map(|o| o.package(manager, name))
    }

    /// The first oracle's answer for the whole set, else the sum of the shares (see the type's docs).
    ///
    /// ```
    /// use dockwright::estimate::{Composite, DebianIndex, SizeOracle};
    /// use dockwright::PackageManager;
    ///
    /// let small = DebianIndex::parse(
    ///     "Package: curl\nInstalled-Size: 400\nDepends: libc\n\nPackage: libc\nInstalled-Size: 1000\n\n\
    ///      Package: tini\nInstalled-Size: 50\n",
    /// );
    /// let large = DebianIndex::parse(
    ///     "Package: curl\nInstalled-Size: 489\nDepends: libc\n\nPackage: git\nInstalled-Size: 900\nDepends: libc\n\n\
    ///      Package: libc\nInstalled-Size: 1000\n\nPackage: jq\nInstalled-Size: 100\n",
    /// );
    /// let oracle = Composite::new().with(small).with(large);
    /// // Only the second index knows both: it answers, libc once.
    /// assert_eq!(oracle.packages(PackageManager::Apt, &["curl", "git"], false).unwrap().high, (489 + 900 + 1000) * 1024);
    /// assert_eq!(oracle.packages(PackageManager::Apt, &["curl"], false).unwrap().high, (400 + 1000) * 1024);
    /// // No index knows tini and git: each answers for its share, and the shares add up.
    /// let split = oracle.packages(PackageManager::Apt, &["tini", "git"], false).unwrap();
    /// assert_eq!((split.low, split.high), ((50 + 900) * 1024, (50 + 900 + 1000) * 1024));
    /// assert!(split.source.starts_with("Debian Packages: tini ") && split.source.contains("; Debian Packages: git "));
    /// assert!(oracle.packages(PackageManager::Apt, &["curl", "nosuchpkg"], false).is_none());
    /// ```
    fn packages(&self, manager: PackageManager, names: &[&str], recommends: bool) -> Option<Figure> {
        if let Some(figure) = self.oracles.iter().find_map(|o| o.packages(manager, names, recommends)) {
            return Some(figure);
        }
        let mut shares: Vec<(usize, Vec<&str>)> = Vec::new();
        for name in distinct(names) {
            let at = self.oracles.iter().position(|o| o.packages(manager, &[name], recommends).is_some())?;
            match shares.iter_mut().find(|(oracle, _)| *oracle == at) {
                Some((_, share)) => share.push(name),
                None => shares.push((at, vec![name])),
            }
        }
        let figures: Vec<Figure> = shares
            .iter()
            .map(|(oracle, share)| self.oracles[*oracle].packages(manager, share, recommends))
            .collect::<Option<_>>()?;
        Some(Figure::sum(&figures))
    }

    fn context(&self, query: &ContextQuery) -> Option<Figure> {
        self.oracles.iter().find_map(|o| o.context(query))
    }

    fn wheels(&self, wheels_dir: &str, requirements: &[String], installed: &[String]) -> Option<Figure> {
        self.oracles.iter().find_map(|o| o.wheels(wheels_dir, requirements, installed))
    }

    fn go_binary(&self, package: &str) -> Option<Figure> {
        self.oracles.iter().find_map(|o| o.go_binary(package))
    }
}

impl<T: SizeOracle + ?Sized> SizeOracle for &T {
    fn base_image(&self, image: &str) -> Option<Figure> {
        (**self).base_image(image)
    }

    fn package(&self, manager: PackageManager, name: &str) -> Option<Figure> {
        (**self).package(manager, name)
    }

    fn packages(&self, manager: PackageManager, names: &[&str], recommends: bool) -> Option<Figure> {
        (**self).packages(manager, names, recommends)
    }

    fn context(&self, query: &ContextQuery) -> Option<Figure> {
        (**self).context(query)
    }

    fn wheels(&self, wheels_dir: &str, requirements: &[String], installed: &[String]) -> Option<Figure> {
        (**self).wheels(wheels_dir, requirements, installed)
    }

    fn go_binary(&self, package: &str) -> Option<Figure> {
        (**self).go_binary(package)
    }
}
