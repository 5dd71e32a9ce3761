//! Agreement with BuildKit's own build checks, over the lint cases of BuildKit's integration tests
//! (`../shared/corpora/buildkit/extracted/dockerfile_check/`, expected warnings in
//! `extracted/manifest.json`).
//!
//! For each case and each BuildKit check a dockwright rule matches, the findings (BuildKit check name
//! and the line of the instruction) are compared with the manifest's expected warnings, as multisets.
//! The counts are printed (`cargo test --test lint_buildkit -- --nocapture`), and every difference
//! must be one of the explained ones below (each is explained in `book/src/lint.md`), so a new
//! difference fails the test. Without the corpus the test prints SKIPPED.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use dockwright::import::parse;
use dockwright::lint::{Options, check, rules};
use pretty_assertions::assert_eq;

/// Every difference, as `file: only-<side> Check line N`, with the reason given in the book.
const EXPLAINED: &[&str] = &[
    // The manifest joins the Go test's two lists for this case: the warnings of the default build
    // (stage `second` only: line 6) and those of all stages (lines 3 and 6). Line 6 is one finding.
    "testAllTargetUnmarshal__01: only-buildkit UndefinedVar line 6",
    // The Go test overrides the file's `#check=` with the BUILDKIT_DOCKERFILE_CHECK build argument
    // (skip=ConsistentInstructionCasing in __07, skip=all in __08): the file alone says the opposite.
    "testRuleCheckOption__07: only-buildkit FromAsCasing line 2",
    "testRuleCheckOption__08: only-ours ConsistentInstructionCasing line 3",
    "testRuleCheckOption__08: only-ours FromAsCasing line 2",
    // The manifest misses the warnings the Go test builds with a helper (makeLintWarning): BuildKit
    // expects exactly these lines.
    "testMultipleInstructionsDisallowed__01: only-ours MultipleInstructionsDisallowed line 3",
    "testMultipleInstructionsDisallowed__01: only-ours MultipleInstructionsDisallowed line 5",
    "testMultipleInstructionsDisallowed__01: only-ours MultipleInstructionsDisallowed line 7",
    "testMultipleInstructionsDisallowed__02: only-ours MultipleInstructionsDisallowed line 3",
    "testMultipleInstructionsDisallowed__02: only-ours MultipleInstructionsDisallowed line 4",
    "testMultipleInstructionsDisallowed__02: only-ours MultipleInstructionsDisallowed line 5",
    // The Go test's UnmarshalWarnings for this case say lines 3 and 4, copied from the case before;
    // in this file line 3 is blank, and the ENV and LABEL are on lines 5 and 6.
    "testLegacyKeyValueFormat__03: only-buildkit LegacyKeyValueFormat line 3",
    "testLegacyKeyValueFormat__03: only-buildkit LegacyKeyValueFormat line 4",
    "testLegacyKeyValueFormat__03: only-ours LegacyKeyValueFormat line 5",
    "testLegacyKeyValueFormat__03: only-ours LegacyKeyValueFormat line 6",
];

/// BuildKit checks no dockwright rule matches: they need the build context's `.dockerignore`, a
/// registry (the base image's platform), or are experimental.
const NOT_MATCHED: &[&str] = &["CopyIgnoredFile", "InvalidBaseImagePlatform", "InvalidDefinitionDescription"];

fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/buildkit/extracted");
    dir.join("manifest.json").exists().then_some(dir)
}

#[test]
fn findings_agree_with_buildkit_checks() {
    let Some(dir) = corpus() else {
        println!("SKIPPED: no BuildKit corpus at ../shared/corpora/buildkit");
        return;
    };
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let matched: Vec<&'static str> = rules().iter().filter_map(|rule| rule.buildkit).collect();
    let all = rules().iter().fold(Options::default(), |options, rule| options.enable(rule.code));
    let (mut agree, mut only_ours, mut only_buildkit, mut cases) = (0, 0, 0, 0);
    let mut differences = Vec::new();
    for entry in manifest.as_array().unwrap() {
        let file = entry["file"].as_str().unwrap();
        let Some(name) = file.strip_prefix("dockerfile_check/") else { continue };
        if entry["windows_variant"].as_bool() == Some(true) {
            continue;
        }
        cases += 1;
        // Templated cases take an image name where the Go test formats one in.
        let text = fs::read_to_string(dir.join(file)).unwrap().replace("%s", "busybox");
        let mut expected: BTreeMap<(String, usize), i32> = BTreeMap::new();
        for warning in entry["expected_warnings"].as_array().into_iter().flatten() {
            let rule = warning["rule"].as_str().unwrap().to_string();
            assert!(
                matched.contains(&rule.as_str()) || NOT_MATCHED.contains(&rule.as_str()),
                "{name}: BuildKit check {rule} is neither matched by a rule nor listed as not matched"
            );
            if matched.contains(&rule.as_str()) {
                *expected.entry((rule, warning["line"].as_u64().unwrap() as usize)).or_default() += 1;
            }
        }
        let parsed = parse(&text);
        let mut ours: BTreeMap<(String, usize), i32> = BTreeMap::new();
        for diagnostic in check(&text, &all) {
            let Some(check) = rules().iter().find(|rule| rule.code == diagnostic.code).and_then(|rule| rule.buildkit)
            else {
                continue;
            };
            // BuildKit locates a finding at its instruction's first line, except the parser's empty
            // continuation warning, which is at the instruction's last line.
            let node = parsed
                .ast
                .nodes
                .iter()
                .find(|node| node.span.start <= diagnostic.span.start && diagnostic.span.start <= node.span.end);
            let line = match node {
                Some(node) if check == "NoEmptyContinuation" => node.end_line,
                Some(node) => node.start_line,
                None => diagnostic.span.from.line,
            };
            *ours.entry((check.to_string(), line)).or_default() += 1;
        }
        let stem = name.trim_end_matches(".Dockerfile");
        let keys: std::collections::BTreeSet<_> = expected.keys().chain(ours.keys()).cloned().collect();
        for key in keys {
            let (theirs, mine) = (expected.get(&key).copied().unwrap_or(0), ours.get(&key).copied().unwrap_or(0));
            agree += theirs.min(mine);
            for _ in theirs..mine {
                only_ours += 1;
                differences.push(format!("{stem}: only-ours {} line {}", key.0, key.1));
            }
            for _ in mine..theirs {
                only_buildkit += 1;
                differences.push(format!("{stem}: only-buildkit {} line {}", key.0, key.1));
            }
        }
    }
    println!(
        "BuildKit checks over {cases} cases: {agree} agree, {only_ours} only dockwright, {only_buildkit} only BuildKit"
    );
    for difference in &differences {
        println!("  {difference}");
    }
    assert!(cases >= 80, "only {cases} cases: is the corpus complete?");
    assert_eq!(differences, EXPLAINED);
}
