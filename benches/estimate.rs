//! Size estimates: `estimate_with` on the final stage of every image of each seed example and of a
//! generated 1,000-stage image, with an oracle that answers everything it can without IO during the
//! measurement (the shared base-image catalogue and the Debian `Packages` sample, read once; context,
//! wheels and Go binaries at fixed sizes). Run with `cargo bench --bench estimate`; figures in
//! `book/src/benchmarks.md`.

#[path = "support/mod.rs"]
mod support;

use dockwright::estimate::{
    CatalogOracle, Composite, ContextQuery, DebianIndex, Figure, Options, SizeOracle, estimate_with,
};
use dockwright::model::Dockerfile;

/// Each image's model with the estimate options it is built with (final stage, its `.dockerignore`).
fn models(case: &str) -> Vec<(Dockerfile, Options)> {
    support::images(case)
        .into_iter()
        .map(|image| {
            let dockerignore = image.dockerignore_text().lines().map(str::to_owned).collect();
            (image.to_model().expect("the bench images validate"), Options { target: None, dockerignore })
        })
        .collect()
}

/// Context copies 1 MB per source, wheel directories 40 MB, Go binaries 12 MB.
struct Fixed;

impl SizeOracle for Fixed {
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

fn read(path: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{} is missing: {err}", path.display()))
}

fn oracle() -> Composite<'static> {
    Composite::new()
        .with(CatalogOracle::from_tsv(&read("../shared/data/sizes/base-images.tsv")))
        .with(DebianIndex::parse(&read("tests/data/debian-bookworm-Packages-sample")))
        .with(Fixed)
}

fn main() {
    divan::main();
}

#[divan::bench(args = support::CASES)]
fn estimate_final_stage(bencher: divan::Bencher, case: &str) {
    let models = models(case);
    let oracle = oracle();
    // `Composite` boxes its oracles without `Sync`; divan runs one thread here anyway.
    bencher.bench_local(|| {
        models.iter().map(|(model, options)| estimate_with(model, &oracle, options).total.high).sum::<u64>()
    });
}
