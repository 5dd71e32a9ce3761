//! Finding dive at the version `dockwright build` follows, for `tests/engine_cli_build.rs`.
//!
//! dive is found through `$DIVE`, then where `scripts/dive-up` installs it (`$DOCKWRIGHT_DIVE_DIR`,
//! `/var/cache/dockwright/dive-0.13.1`, `~/.cache/dockwright/dive-0.13.1`), then on `PATH`. Without it
//! (or with another version) the tests print `SKIPPED: ...` and pass, except under `CI`, where that is
//! a failure.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The dive version whose computation `dockwright build` follows.
pub const VERSION: &str = "0.13.1";

/// dive at the pinned version, or `None` (after saying why) outside CI.
pub fn dive() -> Option<PathBuf> {
    let dir = format!("dive-{VERSION}");
    let mut candidates: Vec<PathBuf> = Vec::new();
    candidates.extend(std::env::var_os("DIVE").map(PathBuf::from));
    candidates.extend(std::env::var_os("DOCKWRIGHT_DIVE_DIR").map(|d| PathBuf::from(d).join("bin/dive")));
    candidates.push(Path::new("/var/cache/dockwright").join(&dir).join("bin/dive"));
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")));
    candidates.extend(cache.map(|cache| cache.join("dockwright").join(&dir).join("bin/dive")));
    candidates.push(PathBuf::from("dive"));
    let mut other = Vec::new();
    for candidate in candidates {
        let Ok(output) = Command::new(&candidate).arg("--version").output() else { continue };
        // The version line is "dive 0.13.1".
        let version = String::from_utf8_lossy(&output.stdout).trim().to_string();
        if version.split_whitespace().any(|word| word == VERSION) {
            return Some(candidate);
        }
        other.push(format!("{} ({version})", candidate.display()));
    }
    let why = if other.is_empty() {
        format!("dive {VERSION} not found: run scripts/dive-up")
    } else {
        format!("dive {VERSION} not found, only {}: run scripts/dive-up", other.join(", "))
    };
    if std::env::var_os("CI").is_some() {
        panic!("CI needs dive for these tests: {why}");
    }
    eprintln!("SKIPPED: {why}");
    None
}
