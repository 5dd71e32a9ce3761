//! Dockerfile -> Rust: the code `codegen::to_rust` writes for the examples, a sample of BuildKit's
//! corpus and a fixed sample of generated models is compiled, in one cargo build of a scratch crate
//! that depends on dockwright by path, and run: every function must give back the model it was
//! written from (compared as the model's JSON).

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/seeds.rs"]
mod seeds;
#[path = "support/strategies.rs"]
mod strategies;

use std::fs;
use std::path::Path;
use std::process::Command;

use dockwright::codegen::to_rust;
use dockwright::emit;
use dockwright::import::{lower, parse};
use dockwright::model::Dockerfile;
use pretty_assertions::assert_eq;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// Every `n`th accepted corpus file is compiled (the generator runs on all of them).
const CORPUS_STEP: usize = 6;
/// How many generated models are compiled.
const GENERATED: usize = 24;

/// Instructions with flags and mounts, each written with a DSL builder (see
/// [`flags_are_written_with_the_builders`]); compiled with the other cases.
const BUILDERS: &str = "FROM python:3.12-slim AS wheels\n\
    RUN --mount=type=cache,target=/root/.cache/pip pip wheel -w /wheels -r requirements.txt\n\
    FROM python:3.12-slim AS app\n\
    RUN --network=none pip install --no-index -r requirements.txt\n\
    RUN --mount=type=bind,target=/w,source=/wheels,from=wheels --mount=type=secret,id=token \
        --mount=type=secret,id=pypi,env=PYPI_TOKEN --mount=type=cache,target=/var/cache/apt,sharing=locked \
        --mount=type=tmpfs,target=/tmp pip install --no-index --find-links /w app\n\
    COPY --chown=10001:10001 --link app.py ./\n\
    HEALTHCHECK --interval=30s --retries=3 CMD [\"python3\", \"-c\", \"print(1)\"]\n";

/// `(name, model)` for everything the test compiles; also counts how many corpus files were generated.
fn cases() -> Vec<(String, Dockerfile)> {
    let mut cases = vec![("builders".to_string(), lower(&parse(BUILDERS)).dockerfile)];
    for (example, service, image) in seeds::images() {
        let model = image.to_model().unwrap();
        cases.push((format!("example {example}/{service} (lowered)"), lower(&parse(&emit(&model))).dockerfile));
        cases.push((format!("example {example}/{service} (DSL model)"), model));
    }
    let (root, files) = (corpus::root(), corpus::dockerfiles());
    let mut accepted = 0;
    for path in &files {
        let text = String::from_utf8_lossy(&fs::read(path).unwrap()).into_owned();
        let lowered = lower(&parse(&text));
        if lowered.rejected() {
            continue;
        }
        // Generating never panics, on every accepted file.
        let _ = to_rust(&lowered.dockerfile);
        if accepted % CORPUS_STEP == 0 {
            let name = path.strip_prefix(&root).unwrap_or(path).display().to_string();
            cases.push((format!("corpus {name}"), lowered.dockerfile));
        }
        accepted += 1;
    }
    assert!(accepted >= 400, "expected most of the corpus to be accepted, got {accepted}");
    let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]));
    let strategy = strategies::dockerfile();
    for index in 0..GENERATED {
        let model = strategy.new_tree(&mut runner).unwrap().current();
        cases.push((format!("generated model {index}"), model));
    }
    cases
}

#[test]
fn generated_rust_rebuilds_the_model() {
    let cases = cases();
    let dir = Path::new(REPO).join("target/codegen-test");
    let src = dir.join("crate/src");
    fs::create_dir_all(&src).unwrap();
    fs::write(
        dir.join("crate/Cargo.toml"),
        format!(
            "[package]\nname = \"codegen-check\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[workspace]\n\n\
             [dependencies]\ndockwright = {{ path = {REPO:?} }}\nserde_json = \"1\"\n"
        ),
    )
    .unwrap();
    fs::copy(Path::new(REPO).join("Cargo.lock"), dir.join("crate/Cargo.lock")).unwrap();
    let mut main = String::from("#![allow(clippy::all)]\n\n");
    let mut dsl = 0;
    let mut examples_not_dsl = Vec::new();
    for (index, (name, model)) in cases.iter().enumerate() {
        let code = to_rust(model);
        assert_eq!(code, to_rust(model), "generation is deterministic");
        if code.contains("pub fn image()") {
            dsl += 1;
        } else if name.starts_with("example") {
            examples_not_dsl.push(name.as_str());
        }
        main.push_str(&format!("mod case{index} {{\n{code}}}\n\n"));
    }
    main.push_str("fn main() {\n");
    for index in 0..cases.len() {
        main.push_str(&format!(
            "    println!(\"{{}}\", serde_json::to_string(&case{index}::dockerfile().map_err(|e| e.to_string())).unwrap());\n"
        ));
    }
    main.push_str("}\n");
    fs::write(src.join("main.rs"), &main).unwrap();

    let start = std::time::Instant::now();
    let output = Command::new(env!("CARGO"))
        .args(["run", "--offline", "--quiet"])
        .current_dir(dir.join("crate"))
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the generated code does not build or run:\n{stderr}");
    println!("codegen: {} cases ({dsl} written with the DSL), built and run in {:.1?}", cases.len(), start.elapsed());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), cases.len());
    for ((name, model), line) in cases.iter().zip(lines) {
        let expected = serde_json::to_string(&Ok::<&Dockerfile, String>(model)).unwrap();
        assert_eq!(line, expected, "{name}: the generated code gives another model");
    }
    // Every example was written with the DSL, so its code must be DSL code too.
    assert_eq!(examples_not_dsl, Vec::<&str>::new(), "examples written as model literals");
}

/// Instructions with flags come out as the DSL's builders, not as model literals (the compile test
/// above shows the code rebuilds the model).
#[test]
fn flags_are_written_with_the_builders() {
    let code = dockwright::codegen::to_rust(&lower(&parse(BUILDERS)).dockerfile);
    for call in [
        ".run(Run::sh(\"pip wheel -w /wheels -r requirements.txt\").cache(\"/root/.cache/pip\"))",
        ".run(Run::sh(\"pip install --no-index -r requirements.txt\").network_none())",
        ".run(Run::sh(\"pip install --no-index --find-links /w app\").bind_from(&stage0, \"/wheels\", \"/w\")\
         .secret(\"token\").secret_env(\"pypi\", \"PYPI_TOKEN\").cache_locked(\"/var/cache/apt\")\
         .mount(model::Mount::Tmpfs { target: model::FlagValue::new(\"/tmp\")?, size: None }))",
        ".copy_with(Copy::new([\"app.py\"], \"./\").chown(\"10001:10001\").link())",
        ".healthcheck(Health::new([\"python3\", \"-c\", \"print(1)\"]).interval(\"30s\").retries(3))",
        "let stage0 = image.stage(",
    ] {
        assert!(code.contains(call), "{call} is not in\n{code}");
    }
    assert!(!code.contains("model::Instruction"), "{code}");
}

/// A probe `healthcheck_http` wrote comes back as that call.
#[test]
fn http_healthchecks_come_back_as_healthcheck_http() {
    let mut image = dockwright::Image::new();
    image.stage(
        dockwright::Stage::new("app", dockwright::Base::python("3.12").slim())
            .healthcheck_http(5000, "/health")
            .unwrap(),
    );
    let text = image.emit().unwrap();
    let code = dockwright::codegen::to_rust(&lower(&parse(&text)).dockerfile);
    assert!(code.contains(".healthcheck_http(5000, \"/health\")?"), "{code}");
}

/// `install` and `non_root_user` come back as those calls, read from the RUN's commands (apt and
/// `useradd` on Debian, apk and `adduser` on Alpine), not from words that only look like them.
#[test]
fn installs_and_users_come_back_as_their_calls() {
    for base in [dockwright::Base::debian("bookworm-slim"), dockwright::Base::alpine("3.19")] {
        let mut image = dockwright::Image::new();
        image.stage(
            dockwright::Stage::new("app", base.clone())
                .install(["curl", "ca-certificates"])
                .non_root_user("app", 10001)
                .run("echo 'apt-get install -y vim' > /notes.txt"),
        );
        let text = image.emit().unwrap();
        let code = dockwright::codegen::to_rust(&lower(&parse(&text)).dockerfile);
        assert!(code.contains(".install([\"curl\", \"ca-certificates\"])"), "{base:?}\n{code}");
        assert!(code.contains(".non_root_user(\"app\", 10001)"), "{base:?}\n{code}");
        assert!(code.contains(".run(\"echo 'apt-get install -y vim' > /notes.txt\")"), "{base:?}\n{code}");
    }
}
