//! Finding a program the tests compare against (hadolint, dive) at the version they pin: through its
//! own variable (`$HADOLINT`, `$DIVE`), then where its install script puts it (`$DOCKWRIGHT_<NAME>_DIR`,
//! `/var/cache/dockwright/<name>-<version>`, `~/.cache/dockwright/<name>-<version>`), then on `PATH`.
//! Without it (or with another version) the tests print `SKIPPED: ...` and pass, except under `CI`,
//! where that is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A pinned program: its name, the version the tests follow, and the script that installs it.
pub struct Pinned {
    pub name: &'static str,
    pub version: &'static str,
    /// The variable naming the program itself (`HADOLINT`).
    pub variable: &'static str,
    /// The variable naming its install directory (`DOCKWRIGHT_HADOLINT_DIR`).
    pub dir_variable: &'static str,
    /// The script that installs it (`scripts/hadolint-up`).
    pub script: &'static str,
}

/// `program` at its pinned version, or `None` (after saying why) outside CI.
pub fn find(program: &Pinned) -> Option<PathBuf> {
    let Pinned { name, version, variable, dir_variable, script } = program;
    let dir = format!("{name}-{version}");
    let bin = format!("bin/{name}");
    let mut candidates: Vec<PathBuf> = Vec::new();
    candidates.extend(std::env::var_os(variable).map(PathBuf::from));
    candidates.extend(std::env::var_os(dir_variable).map(|d| PathBuf::from(d).join(&bin)));
    candidates.push(Path::new("/var/cache/dockwright").join(&dir).join(&bin));
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")));
    candidates.extend(cache.map(|cache| cache.join("dockwright").join(&dir).join(&bin)));
    candidates.push(PathBuf::from(name));
    let mut other = Vec::new();
    for candidate in candidates {
        let Ok(output) = Command::new(&candidate).arg("--version").output() else { continue };
        // A version line such as "dive 0.13.1" or "Haskell Dockerfile Linter 2.15.1".
        let found = String::from_utf8_lossy(&output.stdout).trim().to_string();
        if found.split_whitespace().any(|word| word == *version) {
            return Some(candidate);
        }
        other.push(format!("{} ({found})", candidate.display()));
    }
    let why = if other.is_empty() {
        format!("{name} {version} not found: run {script}")
    } else {
        format!("{name} {version} not found, only {}: run {script}", other.join(", "))
    };
    if std::env::var_os("CI").is_some() {
        panic!("CI needs {name} for these tests: {why}");
    }
    eprintln!("SKIPPED: {why}");
    None
}
