//! What the benches share: the seed examples and a generated image of many stages.
#![allow(dead_code)]

#[path = "../../dsl-examples/appos.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
mod appos;
#[path = "../../dsl-examples/emorobcare.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
mod emorobcare;
#[path = "../../dsl-examples/personal_assistant.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
mod personal_assistant;
#[path = "../../dsl-examples/spec_editor.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
mod spec_editor;
#[path = "../../dsl-examples/whoseonfirst.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
mod whoseonfirst;

use dockwright::{Base, Copy, Health, Image, Run, Stage, Value};

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

/// The images of a case.
pub fn images(case: &str) -> Vec<Image> {
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
