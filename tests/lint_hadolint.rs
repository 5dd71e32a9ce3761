//! Agreement with hadolint 2.15.1 over the Dockerfiles of BuildKit's corpus
//! (`../shared/corpora/buildkit`), for every rule that maps to hadolint codes.
//!
//! hadolint runs once over all files (JSON output; DL3057, off in hadolint by default, turned on).
//! For each file hadolint can parse, each finding of a mapped hadolint code is compared with
//! dockwright's finding of the rule that maps to it, by line (the instruction's first line), as
//! multisets. The counts per rule must equal `tests/lint_hadolint.expected` (`UPDATE_GOLDEN=1`
//! rewrites it); every difference is printed (`cargo test --test lint_hadolint -- --nocapture`) and
//! each kind is explained in the book's lint page. Without hadolint 2.15.1 (found as
//! `support/hadolint.rs` says; under `CI` a missing hadolint fails) or the corpus the test prints
//! SKIPPED.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "support/hadolint.rs"]
mod hadolint_bin;

use dockwright::import::parse;
use dockwright::lint::{Options, check, rules};
use hadolint_bin::hadolint;
use pretty_assertions::assert_eq;

fn dockerfiles(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(fs::read_dir(&path).unwrap().map(|entry| entry.unwrap().path()));
        } else if path.to_string_lossy().ends_with("Dockerfile") {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[test]
fn findings_agree_with_hadolint() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/buildkit");
    let Some(hadolint) = hadolint() else { return };
    if !root.exists() {
        println!("SKIPPED: no BuildKit corpus at {}", root.display());
        return;
    }
    let files = dockerfiles(&root);
    // Run outside the crate: its .hadolint.yaml (the examples' configuration, which ignores DL3018)
    // must not apply to the corpus.
    let output = Command::new(&hadolint)
        .current_dir(std::env::temp_dir())
        // DW2010 trusts Docker Hub alone when no registry is given: hadolint's DL3026 with the same list.
        .args(["--no-fail", "--no-color", "-f", "json", "--warning", "DL3057", "--trusted-registry", "docker.io"])
        .args(&files)
        .output()
        .expect("hadolint runs");
    let findings: serde_json::Value = serde_json::from_slice(&output.stdout).expect("hadolint prints JSON");
    let mut theirs: BTreeMap<String, Vec<(String, usize)>> = BTreeMap::new();
    for finding in findings.as_array().unwrap() {
        let file = finding["file"].as_str().unwrap().to_string();
        let code = finding["code"].as_str().unwrap().to_string();
        theirs.entry(file).or_default().push((code, finding["line"].as_u64().unwrap() as usize));
    }
    let mapped: Vec<(&'static str, &'static [&'static str])> =
        rules().iter().filter(|rule| !rule.hadolint.is_empty()).map(|rule| (rule.code, rule.hadolint)).collect();
    let all = rules().iter().fold(Options::default(), |options, rule| options.enable(rule.code));
    // Per rule: agree, only dockwright, only hadolint.
    let mut counts: BTreeMap<&str, [usize; 3]> = mapped.iter().map(|(code, _)| (*code, [0; 3])).collect();
    let mut differences = String::new();
    let (mut refused, mut compared) = (0, 0);
    for path in &files {
        let key = path.to_string_lossy().to_string();
        let found = theirs.get(&key).cloned().unwrap_or_default();
        if found.iter().any(|(code, _)| code == "DL1000") {
            refused += 1;
            continue;
        }
        compared += 1;
        let text = fs::read_to_string(path).unwrap();
        let parsed = parse(&text);
        let mut expected: BTreeMap<(&str, usize), usize> = BTreeMap::new();
        for (code, line) in &found {
            if let Some((rule, _)) = mapped.iter().find(|(_, codes)| codes.contains(&code.as_str())) {
                *expected.entry((rule, *line)).or_default() += 1;
            }
        }
        let mut ours: BTreeMap<(&str, usize), usize> = BTreeMap::new();
        for diagnostic in check(&text, &all) {
            let Some((rule, _)) = mapped.iter().find(|(code, _)| *code == diagnostic.code) else { continue };
            let line = parsed
                .ast
                .nodes
                .iter()
                .find(|node| node.span.start <= diagnostic.span.start && diagnostic.span.start <= node.span.end)
                .map_or(diagnostic.span.from.line, |node| node.start_line);
            *ours.entry((rule, line)).or_default() += 1;
        }
        let name = key.strip_prefix(&format!("{}/", root.display())).unwrap_or(&key).to_string();
        let keys: BTreeSet<(&str, usize)> = expected.keys().chain(ours.keys()).copied().collect();
        for (rule, line) in keys {
            let (h, d) =
                (expected.get(&(rule, line)).copied().unwrap_or(0), ours.get(&(rule, line)).copied().unwrap_or(0));
            let count = counts.get_mut(rule).unwrap();
            count[0] += h.min(d);
            for _ in h..d {
                count[1] += 1;
                writeln!(differences, "{rule} only-dockwright {name}:{line}").unwrap();
            }
            for _ in d..h {
                count[2] += 1;
                writeln!(differences, "{rule} only-hadolint {name}:{line}").unwrap();
            }
        }
    }
    let mut report = format!("{compared} files compared, {refused} refused by hadolint\n");
    for (rule, [agree, ours, theirs]) in &counts {
        let codes = mapped.iter().find(|(code, _)| code == rule).map(|(_, codes)| codes.join(", ")).unwrap_or_default();
        writeln!(report, "{rule} ({codes}): {agree} agree, {ours} only dockwright, {theirs} only hadolint").unwrap();
    }
    print!("{report}{differences}");
    let expected_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lint_hadolint.expected");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        fs::write(&expected_path, &report).unwrap();
    }
    assert_eq!(report, fs::read_to_string(&expected_path).unwrap_or_default());
}
