//! (feature `fs`) Oracles that read the filesystem: the build context measured on disk, honouring
//! `.dockerignore`, and vendored wheels measured from their zip central directories. std only.

use std::collections::BTreeSet;
use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::{ContextQuery, Figure, SizeOracle};
use crate::analysis::ContextRead;

/// Measures `COPY`/`ADD` sources in a build context directory: the sum of the sizes of the regular
/// files they select, after the context's `.dockerignore` (read when the oracle is made), the
/// query's ignore patterns and `--exclude` patterns. Patterns follow Docker's ignore-file rules
/// (`*`, `?`, `[...]`, `**`, `!` re-includes, last match wins; a match on a directory covers its
/// contents).
///
/// ```
/// use dockwright::estimate::{ContextOracle, ContextQuery, SizeOracle};
///
/// let dir = std::env::temp_dir().join(format!("dockwright-doc-context-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("src/__pycache__")).unwrap();
/// std::fs::write(dir.join("src/app.py"), "x".repeat(100)).unwrap();
/// std::fs::write(dir.join("src/__pycache__/app.pyc"), "x".repeat(50)).unwrap();
/// std::fs::write(dir.join(".dockerignore"), "**/__pycache__\n").unwrap();
/// let oracle = ContextOracle::new(&dir);
/// let query = ContextQuery { sources: vec!["src/".into()], ..ContextQuery::default() };
/// assert_eq!(oracle.context(&query).unwrap().low, 100);
/// // A source that selects nothing (absent, or all ignored) fails the build: not "0 bytes", unknown.
/// let missing = ContextQuery { sources: vec!["src/".into(), "vendor/wheels".into()], ..ContextQuery::default() };
/// assert!(oracle.context(&missing).is_none());
/// let ignored = ContextQuery { sources: vec!["src/__pycache__".into()], ..ContextQuery::default() };
/// assert!(oracle.context(&ignored).is_none());
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct ContextOracle {
    root: PathBuf,
    ignore: Vec<String>,
}

impl ContextOracle {
    /// An oracle for the context at `root`; its `.dockerignore` is read now (absent means none).
    ///
    /// ```
    /// use dockwright::estimate::{ContextOracle, ContextQuery, SizeOracle};
    ///
    /// let oracle = ContextOracle::new("/nonexistent/context");
    /// assert!(oracle.context(&ContextQuery { sources: vec!["a".into()], ..ContextQuery::default() }).is_none());
    /// ```
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        let ignore =
            fs::read_to_string(root.join(".dockerignore")).map(|text| ignore_patterns(&text)).unwrap_or_default();
        ContextOracle { root, ignore }
    }
}

impl ContextOracle {
    /// Replaces the ignore-file patterns with those of `text` (an ignore file's content): what a build
    /// that supplies its own ignore file (as `engine` builds do, from `Image::dockerignore_text`) uses.
    ///
    /// ```
    /// use dockwright::estimate::{ContextOracle, ContextQuery, SizeOracle};
    ///
    /// let dir = std::env::temp_dir().join(format!("dockwright-doc-ignore-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// std::fs::write(dir.join("a.txt"), "12345").unwrap();
    /// std::fs::write(dir.join("b.log"), "123").unwrap();
    /// let oracle = ContextOracle::new(&dir).with_ignore("*.log\n");
    /// let query = ContextQuery { sources: vec![".".into()], ..ContextQuery::default() };
    /// assert_eq!(oracle.context(&query).unwrap().low, 5);
    /// std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    #[must_use]
    pub fn with_ignore(mut self, text: &str) -> Self {
        self.ignore = ignore_patterns(text);
        self
    }
}

/// The patterns of an ignore file (comments and blank lines dropped).
fn ignore_patterns(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_string).collect()
}

impl SizeOracle for ContextOracle {
    fn context(&self, query: &ContextQuery) -> Option<Figure> {
        if !self.root.is_dir() {
            return None;
        }
        let mut files = Vec::new();
        walk(&self.root, "", &mut files).ok()?;
        let ignore: Vec<String> = self.ignore.iter().chain(&query.ignore).cloned().collect();
        // The same reads analysis keys the cache on: each source with the COPY's excludes.
        let reads: Vec<ContextRead> = query
            .sources
            .iter()
            .map(|source| ContextRead { pattern: source.clone(), excludes: query.excludes.clone() })
            .collect();
        let (mut count, mut bytes) = (0u64, 0u64);
        let mut matched = vec![false; reads.len()];
        for (path, size) in &files {
            let mut covered = false;
            for (read, hit) in reads.iter().zip(&mut matched) {
                if read.covers(path, &ignore) {
                    *hit = true;
                    covered = true;
                }
            }
            if covered {
                count += 1;
                bytes += size;
            }
        }
        // A source that selects no file fails the build ("not found"), so its size is not zero: unknown.
        if matched.contains(&false) {
            return None;
        }
        Some(Figure::exact(
            bytes,
            format!("context: {count} files of {} measured on disk, .dockerignore honoured", query.sources.join(" ")),
        ))
    }
}

/// Regular files under `dir` as (path relative to the context, size); symlinks are not followed.
fn walk(dir: &Path, prefix: &str, out: &mut Vec<(String, u64)>) -> std::io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(&entry.path(), &path, out)?;
        } else if kind.is_file() {
            out.push((path, entry.metadata()?.len()));
        }
    }
    Ok(())
}

/// Installed sizes of vendored wheels in a context directory. A wheel's files are read from its zip
/// central directory (uncompressed sizes: what `RECORD` lists, PEP 376/427); pip also compiles every
/// `.py` to bytecode, which adds 1.19-1.55x the `.py` bytes (measured, `shared/data/sizes/
/// wheel-vs-installed.tsv`: flask 1.19, requests 1.22, pandas 1.53, numpy 1.55). When requirement
/// files are given, only wheels for the distributions they name (following `-r`) are counted; a
/// wheel the requirements do not name is not installed.
///
/// ```
/// use dockwright::estimate::{SizeOracle, WheelsOracle};
///
/// let oracle = WheelsOracle::new("/nonexistent/context");
/// assert!(oracle.wheels("vendor/wheels", &[], &[]).is_none());
/// ```
#[derive(Debug, Clone)]
pub struct WheelsOracle {
    root: PathBuf,
}

impl WheelsOracle {
    /// An oracle for wheels under the context at `root`.
    ///
    /// ```
    /// use dockwright::estimate::WheelsOracle;
    ///
    /// let _oracle = WheelsOracle::new(".");
    /// ```
    pub fn new(root: impl Into<PathBuf>) -> Self {
        WheelsOracle { root: root.into() }
    }
}

/// Bytecode added per `.py` byte, low and high (see [`WheelsOracle`]).
const PYC_LOW: f64 = 1.19;
const PYC_HIGH: f64 = 1.55;

impl SizeOracle for WheelsOracle {
    fn wheels(&self, wheels_dir: &str, requirements: &[String], installed: &[String]) -> Option<Figure> {
        let dir = self.root.join(wheels_dir);
        let mut wheels: Vec<PathBuf> = fs::read_dir(&dir)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "whl"))
            .collect();
        wheels.sort();
        let mut wanted = BTreeSet::new();
        for requirement in requirements {
            read_requirements(&self.root.join(requirement), &mut wanted, 0)?;
        }
        let mut done = BTreeSet::new();
        for requirement in installed {
            read_requirements(&self.root.join(requirement), &mut done, 0)?;
        }
        // One wheel per distribution is installed: several (one per Python tag) give a range.
        let mut candidates: std::collections::BTreeMap<String, Vec<(u64, u64)>> = Default::default();
        let total = wheels.len();
        for wheel in wheels {
            let name = wheel.file_name()?.to_string_lossy().split('-').next().map(normalise)?;
            if (!requirements.is_empty() && !wanted.contains(&name)) || done.contains(&name) {
                continue;
            }
            candidates.entry(name).or_default().push(wheel_sizes(&wheel).ok()?);
        }
        let (mut low, mut high, mut unpacked, mut py) = (0u64, 0u64, 0u64, 0u64);
        for sizes in candidates.values() {
            let installed = |(files, py): (u64, u64), ratio: f64| files + (py as f64 * ratio) as u64;
            low += sizes.iter().map(|&s| installed(s, PYC_LOW)).min().unwrap_or(0);
            high += sizes.iter().map(|&s| installed(s, PYC_HIGH)).max().unwrap_or(0);
            unpacked += sizes.iter().map(|s| s.0).max().unwrap_or(0);
            py += sizes.iter().map(|s| s.1).max().unwrap_or(0);
        }
        let count = candidates.len();
        let mut selected =
            if requirements.is_empty() { String::new() } else { format!(" selected by {}", requirements.join(", ")) };
        if !installed.is_empty() {
            selected.push_str(&format!(" (less those of {}, installed before)", installed.join(", ")));
        }
        Some(Figure::range(
            low,
            high,
            format!(
                "wheels: {count} distributions ({total} wheels) in {wheels_dir}{selected}: up to {unpacked} bytes \
                 unpacked (zip central directories; one wheel per distribution), up to {py} of them .py, + bytecode \
                 {PYC_LOW}-{PYC_HIGH}x .py (wheel-vs-installed.tsv)"
            ),
        ))
    }
}

/// PEP 503 normalisation, with `_` as the separator (wheel file names use `_`).
fn normalise(name: &str) -> String {
    name.to_ascii_lowercase().replace(['-', '.'], "_")
}

/// Adds the distribution names a requirements file lists (following `-r`/`--requirement`).
fn read_requirements(path: &Path, names: &mut BTreeSet<String>, depth: usize) -> Option<()> {
    let text = fs::read_to_string(path).ok()?;
    for line in text.lines() {
        let line = line.split(" #").next().unwrap_or("").trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let nested = line.strip_prefix("-r").or_else(|| line.strip_prefix("--requirement"));
        if let Some(nested) = nested {
            if depth < 8 {
                let nested = nested.trim_start_matches('=').trim();
                read_requirements(&path.parent()?.join(nested), names, depth + 1)?;
            }
            continue;
        }
        if line.starts_with('-') {
            continue;
        }
        let end =
            line.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))).unwrap_or(line.len());
        if end > 0 {
            names.insert(normalise(&line[..end]));
        }
    }
    Some(())
}

/// (sum of uncompressed sizes, of which `.py`) from a zip's central directory; zip64 sizes supported.
fn wheel_sizes(path: &Path) -> std::io::Result<(u64, u64)> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{}: {what}", path.display()));
    let mut file = fs::File::open(path)?;
    let len = file.seek(SeekFrom::End(0))?;
    let tail_len = len.min(22 + 65_535);
    file.seek(SeekFrom::Start(len - tail_len))?;
    let mut tail = vec![0; tail_len as usize];
    file.read_exact(&mut tail)?;
    let eocd = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| tail[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])
        .ok_or_else(|| bad("no end of central directory"))?;
    let u16_at = |b: &[u8], i: usize| u16::from_le_bytes([b[i], b[i + 1]]) as u64;
    let u32_at = |b: &[u8], i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as u64;
    let size = u32_at(&tail, eocd + 12);
    let offset = u32_at(&tail, eocd + 16);
    if size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
        return Err(bad("zip64 central directory is not supported"));
    }
    file.seek(SeekFrom::Start(offset))?;
    let mut directory = vec![0; size as usize];
    file.read_exact(&mut directory)?;
    let (mut total, mut py, mut i) = (0u64, 0u64, 0usize);
    while i + 46 <= directory.len() && directory[i..i + 4] == [0x50, 0x4b, 0x01, 0x02] {
        let mut uncompressed = u32_at(&directory, i + 24);
        let name_len = u16_at(&directory, i + 28) as usize;
        let extra_len = u16_at(&directory, i + 30) as usize;
        let comment_len = u16_at(&directory, i + 32) as usize;
        let name_end = (i + 46 + name_len).min(directory.len());
        let name = &directory[i + 46..name_end];
        if uncompressed == 0xFFFF_FFFF {
            let extra = &directory[name_end..(name_end + extra_len).min(directory.len())];
            let mut j = 0;
            while j + 4 <= extra.len() {
                let (id, data_len) = (u16_at(extra, j), u16_at(extra, j + 2) as usize);
                if id == 1 && j + 12 <= extra.len() {
                    uncompressed = u64::from_le_bytes(extra[j + 4..j + 12].try_into().unwrap_or([0; 8]));
                }
                j += 4 + data_len;
            }
        }
        total += uncompressed;
        if name.ends_with(b".py") {
            py += uncompressed;
        }
        i = name_end + extra_len + comment_len;
    }
    Ok((total, py))
}
