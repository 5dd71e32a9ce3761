//! Analysis: `analyze`, `cache_impact` (a source edit) and `expected_rebuild_cost` (the default change
//! model), on every image of each seed example and on a generated 1,000-stage image. Run with
//! `cargo bench --bench analysis`; figures in `book/src/benchmarks.md`.
//!
//! An example's case covers all of its images (an `images()` list), each with its own `.dockerignore`.

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

use dockwright::analysis::{analyze, cache_impact, expected_rebuild_cost, Analysis, ChangeModel, ChangeSet};
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

/// Each image's model with its `.dockerignore` lines.
fn models(case: &str) -> Vec<(Dockerfile, Vec<String>)> {
    images(case)
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

#[divan::bench(args = CASES)]
fn analyze_models(bencher: divan::Bencher, case: &str) {
    let models = models(case);
    bencher.bench(|| models.iter().map(|(model, _)| analyze(model).steps().len()).sum::<usize>());
}

#[divan::bench(args = CASES)]
fn cache_impact_source_edit(bencher: divan::Bencher, case: &str) {
    let prepared: Vec<(Analysis, ChangeSet)> =
        models(case).iter().map(|(model, ignore)| (analyze(model), source_edit(ignore))).collect();
    bencher.bench(|| {
        prepared.iter().map(|(analysis, changes)| cache_impact(analysis, changes).missed().count()).sum::<usize>()
    });
}

#[divan::bench(args = CASES)]
fn expected_rebuild_cost_default_model(bencher: divan::Bencher, case: &str) {
    let prepared: Vec<(Analysis, ChangeModel)> = models(case)
        .iter()
        .map(|(model, ignore)| (analyze(model), ChangeModel::default().with_dockerignore(ignore.iter().cloned())))
        .collect();
    bencher.bench(|| {
        prepared.iter().map(|(analysis, model)| expected_rebuild_cost(analysis, model).expected).sum::<f64>()
    });
}

/// All three from the model, as a user computing the rebuild report pays for them.
#[divan::bench(args = CASES)]
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
                let missed = cache_impact(&analysis, changes).missed().count();
                missed as f64 + expected_rebuild_cost(&analysis, change_model).expected
            })
            .sum::<f64>()
    });
}
