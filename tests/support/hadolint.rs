//! Finding hadolint at the version the tests pin, for `tests/hadolint.rs` and `tests/lint_hadolint.rs`.
//!
//! hadolint is found through `$HADOLINT`, then where `scripts/hadolint-up` installs it
//! (`$DOCKWRIGHT_HADOLINT_DIR`, `/var/cache/dockwright/hadolint-2.15.1`,
//! `~/.cache/dockwright/hadolint-2.15.1`), then on `PATH`. Without it (or with another version) the
//! tests print `SKIPPED: ...` and pass, except under `CI`, where that is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The hadolint version the tests pin.
pub const VERSION: &str = "2.15.1";

/// hadolint at the pinned version, or `None` (after saying why) outside CI.
pub fn hadolint() -> Option<PathBuf> {
    let dir = format!("hadolint-{VERSION}");
    let mut candidates: Vec<PathBuf> = Vec::new();
    candidates.extend(std::env::var_os("HADOLINT").map(PathBuf::from));
    candidates.extend(std::env::var_os("DOCKWRIGHT_HADOLINT_DIR").map(|d| PathBuf::from(d).join("bin/hadolint")));
    candidates.push(Path::new("/var/cache/dockwright").join(&dir).join("bin/hadolint"));
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")));
    candidates.extend(cache.map(|cache| cache.join("dockwright").join(&dir).join("bin/hadolint")));
    candidates.push(PathBuf::from("hadolint"));
    let mut other = Vec::new();
    for candidate in candidates {
        let Ok(output) = Command::new(&candidate).arg("--version").output() else { continue };
        let version = String::from_utf8_lossy(&output.stdout).trim().to_string();
        if version.split_whitespace().any(|word| word == VERSION) {
            return Some(candidate);
        }
        other.push(format!("{} ({version})", candidate.display()));
    }
    let why = if other.is_empty() {
        format!("hadolint {VERSION} not found: run scripts/hadolint-up")
    } else {
        format!("hadolint {VERSION} not found, only {}: run scripts/hadolint-up", other.join(", "))
    };
    if std::env::var_os("CI").is_some() {
        panic!("CI needs hadolint for these tests: {why}");
    }
    eprintln!("SKIPPED: {why}");
    None
}
