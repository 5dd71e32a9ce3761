//! Oracles built from text the caller passes in: a base-image catalogue (TSV), Debian `Packages`
//! indexes, Alpine `APKINDEX` files, and a composite that asks several in turn. No IO here.

use std::collections::{BTreeMap, BTreeSet};

use super::{ContextQuery, Figure, SizeOracle};
use crate::base::PackageManager;

/// Base image sizes from a TSV table: the first column is the image reference (text after a space
/// is ignored), the size column is the first whose header starts with `uncompressed` (else the
/// second). Sizes are bytes, or a number with a unit (`~124.3 Mb` as docker-library/repo-info writes
/// it: 10^6 bytes, rounded to the last digit shown; `356MB`; `"around 2 MiB"`, taken as ±50%).
/// Rows without a size are skipped. The crate ships no table: tests load `shared/data/sizes/base-images.tsv`.
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

/// `docker.io/library/x` and `x` are the same image.
fn normalise(image: &str) -> String {
    let image = image.strip_prefix("docker.io/").unwrap_or(image);
    image.strip_prefix("library/").unwrap_or(image).to_string()
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
/// ```
/// use dockwright::estimate::{DebianIndex, SizeOracle};
/// use dockwright::PackageManager;
///
/// let index = DebianIndex::parse("Package: curl\nInstalled-Size: 489\nDepends: libcurl4 (= 7.88.1), zlib1g\n\nPackage: libcurl4\nInstalled-Size: 1000\n\n");
/// let curl = index.package(PackageManager::Apt, "curl").unwrap();
/// assert_eq!((curl.low, curl.high), (489 * 1024, 1489 * 1024));
/// assert_eq!(curl.source, "Debian Packages: curl Installed-Size 489 KiB, dependencies in the index 1000 KiB");
/// assert!(index.package(PackageManager::Apk, "curl").is_none());
/// ```
#[derive(Debug, Clone, Default)]
pub struct DebianIndex {
    packages: BTreeMap<String, (u64, Vec<String>)>,
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
        let mut packages = BTreeMap::new();
        for stanza in text.split("\n\n") {
            let (mut name, mut size, mut depends) = (None, None, Vec::new());
            for line in stanza.lines() {
                if let Some(value) = line.strip_prefix("Package:") {
                    name = Some(value.trim().to_string());
                } else if let Some(value) = line.strip_prefix("Installed-Size:") {
                    size = value.trim().parse::<u64>().ok();
                } else if let Some(value) = line.strip_prefix("Depends:").or_else(|| line.strip_prefix("Pre-Depends:"))
                {
                    for dependency in value.split(',') {
                        let first = dependency.split('|').next().unwrap_or("").trim();
                        let name = first.split([' ', '(', ':']).next().unwrap_or("");
                        if !name.is_empty() {
                            depends.push(name.to_string());
                        }
                    }
                }
            }
            if let (Some(name), Some(size)) = (name, size) {
                packages.entry(name).or_insert((size, depends));
            }
        }
        DebianIndex { packages }
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

impl SizeOracle for DebianIndex {
    fn package(&self, manager: PackageManager, name: &str) -> Option<Figure> {
        if manager != PackageManager::Apt {
            return None;
        }
        let (own, _) = self.packages.get(name)?;
        let deps = closure(name, |n| self.packages.get(n).map(|(size, deps)| (*size, deps.clone())));
        Some(Figure::range(
            own * 1024,
            (own + deps) * 1024,
            format!("Debian Packages: {name} Installed-Size {own} KiB, dependencies in the index {deps} KiB"),
        ))
    }
}

/// The summed size of everything `name` depends on, transitively (each package once, `name` excluded).
fn closure(name: &str, lookup: impl Fn(&str) -> Option<(u64, Vec<String>)>) -> u64 {
    let mut seen = BTreeSet::from([name.to_string()]);
    let mut todo = lookup(name).map(|(_, deps)| deps).unwrap_or_default();
    let mut total = 0;
    while let Some(next) = todo.pop() {
        if !seen.insert(next.clone()) {
            continue;
        }
        if let Some((size, deps)) = lookup(&next) {
            total += size;
            todo.extend(deps);
        }
    }
    total
}

/// Package sizes from Alpine `APKINDEX` text: `I:` is the installed size in bytes (apk-package(5)).
/// As for Debian, the figure runs from the package's own size to that plus its `D:` closure
/// (names resolved through `P:` and `p:` provides, `so:`/`cmd:` included).
///
/// ```
/// use dockwright::estimate::{AlpineIndex, SizeOracle};
/// use dockwright::PackageManager;
///
/// let index = AlpineIndex::parse("P:curl\nI:250000\nD:libcurl so:libc.musl-x86_64.so.1\n\nP:libcurl\nI:500000\n\nP:musl\nI:600000\np:so:libc.musl-x86_64.so.1=1\n");
/// let curl = index.package(PackageManager::Apk, "curl").unwrap();
/// assert_eq!((curl.low, curl.high), (250_000, 1_350_000));
/// assert!(index.package(PackageManager::Apt, "curl").is_none());
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

    fn lookup(&self, name: &str) -> Option<(u64, Vec<String>)> {
        let name = self.provides.get(name).map(String::as_str).unwrap_or(name);
        self.packages.get(name).cloned()
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
        let deps = closure(name, |n| self.lookup(n));
        Some(Figure::range(
            *own,
            own + deps,
            format!("APKINDEX: {name} I:{own} bytes, dependencies in the index {deps} bytes"),
        ))
    }
}

/// Asks each oracle in turn; the first answer wins.
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
