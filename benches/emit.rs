//! Emitting and validating: a generated image of many stages, each with the usual mix of instructions
//! and values that need quoting. Run with `cargo bench --bench emit`.

use dockwright::{Base, Copy, Health, Image, Run, Stage, Value};

/// An image of `n` stages, each copying from the one before it.
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

fn main() {
    divan::main();
}

#[divan::bench(args = [10, 1000])]
fn validate_and_emit(bencher: divan::Bencher, n: usize) {
    let image = generated(n);
    bencher.bench(|| image.emit().unwrap().len());
}

#[divan::bench(args = [1000])]
fn emit_model_only(bencher: divan::Bencher, n: usize) {
    let model = generated(n).to_model().unwrap();
    bencher.bench(|| dockwright::emit(&model).len());
}
