//! How cost grows with the number of stages: the generated chain image (each stage copies from the one
//! before it, see `support::generated`) at 250, 500, 1,000, 2,000 and 4,000 stages, for each step a user
//! pays for (`emit`, `Dockerfile::validate`, `analyze`, `estimate_with`, `expected_rebuild_cost`) and for
//! emit + validate + estimate together, and the estimate of the same chain built `FROM` stage to stage.
//! Every step should at most about double when the stages double. Run with `cargo bench --bench
//! scaling -- --sample-count 5 --sample-size 1`; figures in `book/src/benchmarks.md`.

#[path = "support/mod.rs"]
mod support;

use dockwright::PackageManager;
use dockwright::analysis::{Analysis, ChangeModel, Target, analyze, expected_rebuild_cost};
use dockwright::estimate::{ContextQuery, Figure, Options, SizeOracle, estimate_with};
use dockwright::model::Dockerfile;

const STAGES: [usize; 5] = [250, 500, 1_000, 2_000, 4_000];

/// The model of the `n`-stage chain and its `.dockerignore` lines. From 2,000 stages on the chain is
/// over BuildKit's definition size, so `validate` refuses it (after checking all of it, as it does any
/// model) and the model is built by [`support::generated_model`].
fn model(n: usize) -> (Dockerfile, Vec<String>) {
    let dockerignore = support::generated(1).dockerignore_text().lines().map(str::to_owned).collect();
    (support::generated_model(n), dockerignore)
}

/// Answers every question at a fixed size, without IO: the base image 75 MB, each package 1 MB, the
/// context 1 MB a source, wheels 40 MB, Go binaries 12 MB. What is measured is the estimator, not a
/// catalogue lookup.
struct Fixed;

impl SizeOracle for Fixed {
    fn base_image(&self, _image: &str) -> Option<Figure> {
        Some(Figure::exact(74_830_000, "fixed base"))
    }
    fn package(&self, _manager: PackageManager, _name: &str) -> Option<Figure> {
        Some(Figure::exact(1_000_000, "fixed package"))
    }
    fn context(&self, query: &ContextQuery) -> Option<Figure> {
        Some(Figure::exact(1_000_000 * query.sources.len() as u64, "fixed context"))
    }
    fn wheels(&self, _dir: &str, _requirements: &[String], _installed: &[String]) -> Option<Figure> {
        Some(Figure::exact(40_000_000, "fixed wheels"))
    }
    fn go_binary(&self, _package: &str) -> Option<Figure> {
        Some(Figure::exact(12_000_000, "fixed go binary"))
    }
}

fn options(dockerignore: &[String]) -> Options {
    Options { target: None, dockerignore: dockerignore.to_vec() }
}

fn main() {
    divan::main();
}

#[divan::bench(args = STAGES)]
fn emit(bencher: divan::Bencher, n: usize) {
    let (model, _) = model(n);
    bencher.bench(|| dockwright::emit(&model).len());
}

#[divan::bench(args = STAGES)]
fn validate(bencher: divan::Bencher, n: usize) {
    let (model, _) = model(n);
    bencher.bench(|| model.validate().is_ok());
}

#[divan::bench(args = STAGES)]
fn analyze_model(bencher: divan::Bencher, n: usize) {
    let (model, _) = model(n);
    bencher.bench(|| analyze(&model).steps().len());
}

#[divan::bench(args = STAGES)]
fn estimate(bencher: divan::Bencher, n: usize) {
    let (model, dockerignore) = model(n);
    let options = options(&dockerignore);
    bencher.bench(|| estimate_with(&model, &Fixed, &options).total.high);
}

#[divan::bench(args = STAGES)]
fn rebuild_cost(bencher: divan::Bencher, n: usize) {
    let (model, dockerignore) = model(n);
    let analysis: Analysis = analyze(&model);
    let change_model = ChangeModel::default().with_dockerignore(dockerignore);
    bencher.bench(|| expected_rebuild_cost(&analysis, Target::Default, &change_model).unwrap().expected);
}

/// What `Image::emit_within_budget` pays for from the model: validation, the text, the estimate.
#[divan::bench(args = STAGES)]
fn emit_validate_estimate(bencher: divan::Bencher, n: usize) {
    let (model, dockerignore) = model(n);
    let options = options(&dockerignore);
    bencher.bench(|| {
        let valid = model.validate().is_ok();
        let text = dockwright::emit(&model);
        let report = estimate_with(&model, &Fixed, &options);
        (valid, text.len(), report.total.high)
    });
}

/// The estimate of the chain built `FROM` stage to stage ([`support::from_chain_model`]): each stage
/// starts from everything the one before it holds.
#[divan::bench(args = STAGES)]
fn estimate_from_chain(bencher: divan::Bencher, n: usize) {
    let (_, dockerignore) = model(n);
    let model = support::from_chain_model(n);
    let options = options(&dockerignore);
    bencher.bench(|| estimate_with(&model, &Fixed, &options).total.high);
}
