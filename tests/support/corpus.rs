//! BuildKit's corpus under `../shared/corpora/buildkit`: its root and every Dockerfile in it, shared by
//! the tests that walk the whole corpus.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

/// The corpus root; panics, saying where it looked, when `shared/` does not sit beside the repository.
pub fn root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/buildkit");
    assert!(
        root.join("extracted").is_dir(),
        "BuildKit corpus not found: looked for {}/extracted (the shared/ directory must sit beside the repository)",
        root.display()
    );
    root
}

/// Every Dockerfile of the corpus: files named `Dockerfile` or `*.Dockerfile`, sorted by path.
pub fn dockerfiles() -> Vec<PathBuf> {
    let mut out = Vec::new();
    walk(&root(), &mut out);
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("cannot list {}: {err}", dir.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        if path.is_dir() {
            walk(&path, out);
        } else if name == "Dockerfile" || name.ends_with(".Dockerfile") {
            out.push(path);
        }
    }
}
