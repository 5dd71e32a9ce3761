//! Optimizing: `passes::optimize` to its fixed point, on every image of each seed example and on a
//! generated 1,000-stage image (`optimize_hand_written`), and on the naive variant of each of those
//! images (`optimize_naive_variant`: in its seed's naive style, one stage with `COPY . ./` before every
//! RUN the target needs, or per stage for appos's multi-stage build, as `tests/passes.rs` builds it). BuildKit is on, so every pass runs; the context file lists come from
//! the examples' fixture directories (read before timing) and, for the generated image, a fixed list.
//! Each iteration optimizes fresh clones of the models, made outside the timed part. Run with
//! `cargo bench --bench optimize`; figures in `book/src/benchmarks.md`.

#[path = "support/mod.rs"]
mod support;

use dockwright::model::Dockerfile;
use dockwright::passes::{Change, Config, optimize};

/// The config an image is optimized with: BuildKit (cache mounts) on, and the files its context sends.
fn config(files: Vec<String>) -> Config {
    Config::default().buildkit(true).context_files(files)
}

/// Each image's model as written, with its context after the image's `.dockerignore`.
fn hand_written(case: &str) -> (Vec<Dockerfile>, Vec<Config>) {
    support::services(case)
        .into_iter()
        .map(|(service, image)| {
            let ignore: Vec<String> = image.dockerignore_text().lines().map(str::to_owned).collect();
            let model = image.to_model().expect("the bench images validate");
            (model, config(support::context_files(case, service, &ignore)))
        })
        .unzip()
}

/// Each image's naive variant, with the whole context (a naive Dockerfile comes without a
/// `.dockerignore`).
fn naive(case: &str) -> (Vec<Dockerfile>, Vec<Config>) {
    support::services(case)
        .into_iter()
        .map(|(service, image)| {
            let model = image.to_model().expect("the bench images validate");
            (support::seeds::seed_naive(case, service)(&model), config(support::context_files(case, service, &[])))
        })
        .unzip()
}

/// Times `optimize` on fresh clones of `models`; the changes are returned so that dropping them is not
/// timed either.
fn bench(bencher: divan::Bencher, (models, configs): (Vec<Dockerfile>, Vec<Config>)) {
    bencher.with_inputs(|| models.clone()).bench_local_refs(|models| {
        models.iter_mut().zip(&configs).map(|(model, config)| optimize(model, config)).collect::<Vec<Vec<Change>>>()
    });
}

fn main() {
    divan::main();
}

#[divan::bench(args = support::CASES)]
fn optimize_hand_written(bencher: divan::Bencher, case: &str) {
    bench(bencher, hand_written(case));
}

#[divan::bench(args = support::CASES)]
fn optimize_naive_variant(bencher: divan::Bencher, case: &str) {
    bench(bencher, naive(case));
}
