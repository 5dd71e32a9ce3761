//! Analysis: `analyze`, `cache_impact` (a source edit) and `expected_rebuild_cost` (the default change
//! model), on every image of each seed example and on a generated 1,000-stage image. Run with
//! `cargo bench --bench analysis`; figures in `book/src/benchmarks.md`.
//!
//! An example's case covers all of its images (an `images()` list), each with its own `.dockerignore`.

#[path = "support/mod.rs"]
mod support;

use dockwright::analysis::{Analysis, ChangeModel, ChangeSet, Target, analyze, cache_impact, expected_rebuild_cost};
use dockwright::model::Dockerfile;

/// Each image's model with its `.dockerignore` lines.
fn models(case: &str) -> Vec<(Dockerfile, Vec<String>)> {
    support::images(case)
        .into_iter()
        .map(|image| {
            let ignore = image.dockerignore_text().lines().map(str::to_owned).collect();
            (image.to_model().expect("the bench images validate"), ignore)
        })
        .collect()
}

/// A source-only edit across the layouts the examples use.
fn source_edit(dockerignore: &[String]) -> ChangeSet {
    let paths =
        ["app.py", "src/main.py", "src/app.py", "backend/main.go", "main.go", "src/index.ts", "web/src/App.vue"];
    ChangeSet { paths: paths.map(str::to_owned).to_vec(), dockerignore: dockerignore.to_vec(), ..ChangeSet::default() }
}

fn main() {
    divan::main();
}

#[divan::bench(args = support::CASES)]
fn analyze_models(bencher: divan::Bencher, case: &str) {
    let models = models(case);
    bencher.bench(|| models.iter().map(|(model, _)| analyze(model).steps().len()).sum::<usize>());
}

#[divan::bench(args = support::CASES)]
fn cache_impact_source_edit(bencher: divan::Bencher, case: &str) {
    let prepared: Vec<(Analysis, ChangeSet)> =
        models(case).iter().map(|(model, ignore)| (analyze(model), source_edit(ignore))).collect();
    bencher.bench(|| {
        prepared
            .iter()
            .map(|(analysis, changes)| cache_impact(analysis, Target::Default, changes).unwrap().missed().count())
            .sum::<usize>()
    });
}

#[divan::bench(args = support::CASES)]
fn expected_rebuild_cost_default_model(bencher: divan::Bencher, case: &str) {
    let prepared: Vec<(Analysis, ChangeModel)> = models(case)
        .iter()
        .map(|(model, ignore)| (analyze(model), ChangeModel::default().with_dockerignore(ignore.iter().cloned())))
        .collect();
    bencher.bench(|| {
        prepared
            .iter()
            .map(|(analysis, model)| expected_rebuild_cost(analysis, Target::Default, model).unwrap().expected)
            .sum::<f64>()
    });
}

/// All three from the model, as a user computing the rebuild report pays for them.
#[divan::bench(args = support::CASES)]
fn all_three(bencher: divan::Bencher, case: &str) {
    let prepared: Vec<(Dockerfile, ChangeSet, ChangeModel)> = models(case)
        .into_iter()
        .map(|(model, ignore)| {
            let changes = source_edit(&ignore);
            (model, changes, ChangeModel::default().with_dockerignore(ignore))
        })
        .collect();
    bencher.bench(|| {
        prepared
            .iter()
            .map(|(model, changes, change_model)| {
                let analysis = analyze(model);
                let missed = cache_impact(&analysis, Target::Default, changes).unwrap().missed().count();
                missed as f64 + expected_rebuild_cost(&analysis, Target::Default, change_model).unwrap().expected
            })
            .sum::<f64>()
    });
}
