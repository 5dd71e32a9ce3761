//! What the benches share: the seed examples (through the tests' seed data, so the naive variant is the
//! one `tests/passes.rs` checks), their fixture contexts, and a generated image of many stages.
#![allow(dead_code)]

#[path = "../../tests/support/seeds.rs"]
pub mod seeds;

use dockwright::analysis::ContextRead;
use dockwright::model::{BaseImage, Dockerfile, FromSource, Instruction};
use dockwright::{Base, Copy, Health, Image, Run, Stage, StageName, Value};

/// The bench cases: each seed example (all of its images), and a generated 1,000-stage image.
pub const CASES: [&str; 6] =
    ["spec-editor", "whoseonfirst", "emorobcare", "appos", "personal-assistant", "generated-1000"];

/// An image of `n` stages, each copying from the one before it, with the usual mix of instructions
/// and values that need quoting.
pub fn generated(n: usize) -> Image {
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

/// The model of [`generated`]`(n)`, for any `n`: from 2,000 stages on, the image is over the build
/// definition size BuildKit accepts, so [`Image::to_model`] refuses it; this builds the first two stages
/// with the DSL and repeats the second under the next names. It is checked against the DSL's model at
/// `n` stages (or 1,000 when `n` is larger), so the larger models are the same generator's.
pub fn generated_model(n: usize) -> Dockerfile {
    let checked = n.min(1_000);
    let model = repeated_model(n);
    let stitched = repeated_model(checked);
    assert_eq!(stitched, generated(checked).to_model().expect("the generated image validates up to 1,000 stages"));
    model
}

/// [`generated_model`]`(n)` with every stage but the first built `FROM` the one before it (as well as
/// copying from it): the final stage's filesystem holds every stage's layers.
pub fn from_chain_model(n: usize) -> Dockerfile {
    let mut model = generated_model(n);
    for (i, stage) in model.stages.iter_mut().enumerate().skip(1) {
        let name = StageName::new(format!("stage-{}", i - 1)).expect("a valid stage name");
        stage.from.base = BaseImage::Stage(name);
    }
    model
}

fn repeated_model(n: usize) -> Dockerfile {
    let mut model = generated(n.min(2)).to_model().expect("two generated stages validate");
    let Some(template) = model.stages.get(1).cloned() else { return model };
    let name = |i: usize| StageName::new(format!("stage-{i}")).expect("a valid stage name");
    for i in 2..n {
        let mut stage = template.clone();
        stage.from.name = Some(name(i));
        for instruction in &mut stage.instructions {
            match instruction {
                Instruction::Label(label) => {
                    for value in label.labels.values_mut() {
                        *value = Value::literal(format!("stage {i}")).expect("a literal");
                    }
                }
                Instruction::Copy(copy) if copy.from.is_some() => copy.from = Some(FromSource::Stage(name(i - 1))),
                _ => {}
            }
        }
        model.stages.push(stage);
    }
    model
}

/// The images of a case.
pub fn images(case: &str) -> Vec<Image> {
    services(case).into_iter().map(|(_, image)| image).collect()
}

/// The images of a case with their service names (the generated image's is `generated`).
pub fn services(case: &str) -> Vec<(&'static str, Image)> {
    if case == "generated-1000" {
        return vec![("generated", generated(1000))];
    }
    let named: Vec<(&'static str, Image)> = seeds::images()
        .into_iter()
        .filter(|(example, _, _)| *example == case)
        .map(|(_, service, image)| (service, image))
        .collect();
    assert!(!named.is_empty(), "unknown case {case}");
    named
}

/// The files the build context of `case`'s `service` sends, after `dockerignore`: for an example, its
/// fixture directory ([`seeds::context_files`], as the tests read it); for the generated image, a
/// small Python project of 100 modules.
pub fn context_files(case: &str, service: &str, dockerignore: &[String]) -> Vec<String> {
    if case != "generated-1000" {
        return seeds::context_files(case, service, dockerignore);
    }
    let everything = ContextRead { pattern: ".".into(), excludes: vec![] };
    let mut files = generated_context();
    files.retain(|file| dockerignore.is_empty() || everything.covers(file, dockerignore));
    files.sort();
    files
}

/// What `generated(n)` copies (`src/`, `it's.txt`) and installs from (`requirements.txt`), with the rest
/// of a repository around it; `.git` is dropped by the image's `.dockerignore`.
fn generated_context() -> Vec<String> {
    let fixed = [
        ".git/HEAD",
        ".git/config",
        "README.md",
        "it's.txt",
        "pyproject.toml",
        "requirements.txt",
        "src/app/__init__.py",
        "src/app/__main__.py",
        "src/app/templates/index.html",
        "tests/test_app.py",
    ];
    let modules = (0..100).map(|i| format!("src/app/module_{i}.py"));
    fixed.into_iter().map(str::to_owned).chain(modules).collect()
}
