//! Size estimates: `estimate_with` on the final stage of every image of each seed example and of a
//! generated 1,000-stage image, with an oracle that answers everything it can without IO during the
//! measurement (the shared base-image catalogue and the Debian `Packages` sample, read once; context,
//! wheels and Go binaries at fixed sizes). Run with `cargo bench --bench estimate`; figures in
//! `book/src/benchmarks.md`.

#[path = "../dsl-examples/appos.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
mod appos;
#[path = "../dsl-examples/emorobcare.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
mod emorobcare;
#[path = "../dsl-examples/personal_assistant.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
mod personal_assistant;
#[path = "../dsl-examples/spec_editor.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
mod spec_editor;
#[path = "../dsl-examples/whoseonfirst.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
mod whoseonfirst;

use dockwright::estimate::{
    estimate_with, CatalogOracle, Composite, ContextQuery, DebianIndex, Figure, Options, SizeOracle,
};
use dockwright::model::Dockerfile;
use dockwright::{Base, Copy, Health, Image, Run, Stage, Value};

const CASES: [&str; 6] = ["spec-editor", "whoseonfirst", "emorobcare", "appos", "personal-assistant", "generated-1000"];

/// An image of `n` stages, each copying from the one before it (the shape of `benches/emit.rs`).
fn generated(n: usize) -> Image {
    let mut image = Image::new().dockerignore([".git"]);
    let mut previous = None;
    for i in 0..n {
        let mut stage = Stage::new(&format!("stage-{i}"), Base::debian("bookworm-slim"))
            .workdir("/app")
            .env("GREETING", "hello \"world\" costs $5")
            .env("PATH", Value::template("/opt/venv/bin:${PATH}").unwrap())
            .label("org.opencontainers.image.title", format!("stage {i}"))
            .install(["curl", "ca-certificates"])
            .run(Run::sh("pip install -r requirements.txt").cache("/root/.cache/pip"))
            .run("echo 'multi\nline' > /tmp/x")
            .copy_with(Copy::new(["src/", "it's.txt"], "/app/").chown("10001:10001"))
            .healthcheck(Health::new(["curl", "-fsS", "http://127.0.0.1:8080/health"]).interval("30s"))
            .cmd(["python3", "-m", "app"]);
        if let Some(previous) = &previous {
            stage = stage.copy_from(previous, ["/app"], "/app");
        }
        previous = Some(image.stage(stage));
    }
    image
}

/// The images of a case.
fn images(case: &str) -> Vec<Image> {
    let named = match case {
        "spec-editor" => spec_editor::images(),
        "whoseonfirst" => whoseonfirst::images(),
        "emorobcare" => emorobcare::images(),
        "appos" => appos::images(),
        "personal-assistant" => personal_assistant::images(),
        "generated-1000" => return vec![generated(1000)],
        other => panic!("unknown case {other}"),
    };
    named.into_iter().map(|(_, image)| image).collect()
}

/// Each image's model with the estimate options it is built with (final stage, its `.dockerignore`).
fn models(case: &str) -> Vec<(Dockerfile, Options)> {
    images(case)
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

#[divan::bench(args = CASES)]
fn estimate_final_stage(bencher: divan::Bencher, case: &str) {
    let models = models(case);
    let oracle = oracle();
    // `Composite` boxes its oracles without `Sync`; divan runs one thread here anyway.
    bencher.bench_local(|| {
        models.iter().map(|(model, options)| estimate_with(model, &oracle, options).total.high).sum::<u64>()
    });
}
