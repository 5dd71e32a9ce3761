//! The examples the engine can build here, with their build contexts, budgets and local base images;
//! shared by `tests/engine_examples.rs` (assertions) and the `engine-report` example (measurements).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use dockwright::Image;
use dockwright::base::BaseMapping;
#[cfg(feature = "engine")]
use dockwright::engine::Engine;

/// Every example's images, as their `images()` functions return them.
pub struct Examples {
    /// `dsl-examples/spec_editor.rs`.
    pub spec_editor: Vec<(&'static str, Image)>,
    /// `dsl-examples/whoseonfirst.rs`.
    pub whoseonfirst: Vec<(&'static str, Image)>,
    /// `dsl-examples/emorobcare.rs`.
    pub emorobcare: Vec<(&'static str, Image)>,
    /// `dsl-examples/personal_assistant.rs`.
    pub personal_assistant: Vec<(&'static str, Image)>,
}

/// One image to build, run and measure.
pub struct Case {
    /// `example/service[:target]`.
    pub name: String,
    /// The description.
    pub image: Image,
    /// The build context (a fixture app).
    pub context: PathBuf,
    /// The `--target`, when not the last stage.
    pub target: Option<&'static str>,
    /// The seed's size budget.
    pub budget_mb: u64,
    /// How to run it, when its own command needs something that is not there (another service).
    pub run: Option<RunSetup>,
    /// An application source file (relative to the context) that a developer edits.
    pub source_file: &'static str,
}

/// A container set up for a service whose own command needs another service: run `cmd` (a stand-in for
/// that service) with `env`, wait for health, then `exec` the service's real command, which must succeed.
pub struct RunSetup {
    /// Why the image's own command is not run as is.
    pub why: &'static str,
    /// Environment for the container.
    pub env: Vec<(String, String)>,
    /// The container's command.
    pub cmd: Vec<String>,
    /// The command to exec once healthy; it must exit 0.
    pub exec: Vec<&'static str>,
}

/// Images that cannot be built on this machine, and why.
pub const NOT_BUILDABLE: &[(&str, &str)] = &[
    (
        "whoseonfirst/ubi",
        "UBI 9 cannot be pulled or made here, and the variant uses dnf: the slim variant is built instead",
    ),
    (
        "emorobcare/api",
        "its models are downloaded from Hugging Face with ADD --checksum, which no registry-less engine can reach (and the seed's digests are placeholders)",
    ),
    ("emorobcare/asr", "same as api: checksum-verified model downloads from Hugging Face"),
    ("emorobcare/frontend", "node:20-alpine and nginx-unprivileged are Alpine images, which cannot be made here"),
    ("appos/multi-stage", "node, golang and runtime stages are all Alpine (apk): no Debian-family stand-in fits"),
    ("appos/local", "the runtime is alpine:3.19 with apk packages: no Debian-family stand-in fits"),
];

/// Local stand-ins for the seeds' bases: the official `python:3.x` images become Debian bookworm's
/// python 3.11 (`scripts/base-images`); nothing else changes in the Dockerfiles.
pub fn mapping() -> BaseMapping {
    let python = "dockwright/python:3.11-slim";
    ["python:3.12-slim", "python:3.11-slim", "python:3.11-slim-bookworm", "python:3.11-bookworm"]
        .into_iter()
        .fold(BaseMapping::new(), |mapping, from| mapping.map(from, python).expect("valid references"))
        .map("debian:bookworm-slim", "dockwright/debian:bookworm-slim")
        .expect("valid references")
}

/// The fixture directory `dsl-examples/fixtures/<path>`.
pub fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("dsl-examples/fixtures").join(path)
}

fn take(images: &[(&'static str, Image)], name: &str) -> Image {
    images.iter().find(|(n, _)| *n == name).map(|(_, image)| image.clone()).expect("the example has that image")
}

/// Every case the engine can build here.
pub fn cases(examples: &Examples) -> Vec<Case> {
    vec![
        Case {
            name: "spec-editor".into(),
            image: take(&examples.spec_editor, "spec-editor"),
            context: fixture("spec-editor"),
            target: None,
            budget_mb: 500,
            run: None,
            source_file: "app.py",
        },
        Case {
            name: "whoseonfirst/slim".into(),
            image: take(&examples.whoseonfirst, "slim"),
            context: fixture("whoseonfirst"),
            target: None,
            budget_mb: 500,
            run: None,
            source_file: "src/main.py",
        },
        Case {
            name: "emorobcare/fuseki-job".into(),
            image: take(&examples.emorobcare, "fuseki-job"),
            context: fixture("emorobcare/fuseki-job"),
            target: None,
            budget_mb: 500,
            run: Some(fake_fuseki()),
            source_file: "load_ontology.py",
        },
        Case {
            name: "personal-assistant:prod".into(),
            image: take(&examples.personal_assistant, "personal-assistant"),
            context: fixture("personal-assistant"),
            target: Some("prod"),
            budget_mb: 500,
            run: None,
            source_file: "src/apps/fastapi_app/main.py",
        },
        Case {
            name: "personal-assistant:dev".into(),
            image: take(&examples.personal_assistant, "personal-assistant"),
            context: fixture("personal-assistant"),
            target: Some("dev"),
            budget_mb: 500,
            run: None,
            source_file: "src/apps/fastapi_app/main.py",
        },
    ]
}

/// fuseki-job loads an ontology into Fuseki and its healthcheck pings Fuseki: the container runs the
/// fixture's fake Fuseki (`tests/fake_fuseki.py`) on 127.0.0.1:3030, then the job itself is exec'd.
fn fake_fuseki() -> RunSetup {
    let fake = std::fs::read_to_string(fixture("emorobcare/fuseki-job/tests/fake_fuseki.py")).expect("the fake exists");
    RunSetup {
        why: "the job needs a Fuseki server: the fixture's fake Fuseki runs in the container",
        env: vec![("FUSEKI_URL".into(), "http://127.0.0.1:3030".into())],
        cmd: vec!["python3".into(), "-c".into(), fake, "3030".into()],
        exec: vec!["python", "load_ontology.py"],
    }
}

/// True when `context` has its vendored dependencies (`scripts/vendor-fixtures`); when it has not,
/// a failure under `CI`, elsewhere `false` after printing SKIPPED.
pub fn vendored(context: &Path) -> bool {
    if context.join("vendor/wheels").is_dir() {
        return true;
    }
    let message = format!("{} has no vendor/wheels: run scripts/vendor-fixtures", context.display());
    assert!(std::env::var_os("CI").is_none(), "{message}");
    eprintln!("SKIPPED: {message}");
    false
}

#[cfg(feature = "engine")]
/// The engine, or `None` (printed as SKIPPED) outside CI when none answers.
pub fn engine() -> Option<Engine> {
    match Engine::connect() {
        Ok(engine) => Some(engine),
        Err(err) if std::env::var_os("CI").is_none() => {
            eprintln!("SKIPPED: no Docker engine reachable: {err}");
            None
        }
        Err(err) => panic!("CI needs a Docker engine for these tests (scripts/engine-up): {err}"),
    }
}

/// Copies a directory tree (the fixture, wheels included) so a test can edit it.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
