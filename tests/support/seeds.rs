//! The seed examples as test data, shared by `tests/analysis.rs`, `tests/passes.rs`, `tests/deploy.rs`
//! and `tests/quadlet.rs`: every image and deployment project,
//! the naive variant of a service (one `COPY . ./` before everything), and what counts as a dependency
//! install and a source edit.
#![allow(dead_code)]

#[path = "../../dsl-examples/appos.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
pub mod appos;
#[path = "../../dsl-examples/emorobcare.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
pub mod emorobcare;
#[path = "../../dsl-examples/personal_assistant.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
pub mod personal_assistant;
#[path = "../../dsl-examples/spec_editor.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
pub mod spec_editor;
#[path = "../../dsl-examples/whoseonfirst.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
pub mod whoseonfirst;

use std::path::Path;

use dockwright::analysis::{ContextRead, StageBase, analyze};
use dockwright::model::{self, Dockerfile, FromInstruction, Instruction, Mount, Source};
use dockwright::{Image, Value};

/// Every image of every example, as `(example, service, image)`.
pub fn images() -> Vec<(&'static str, &'static str, Image)> {
    let mut all = Vec::new();
    for (example, images) in [
        ("spec-editor", spec_editor::images()),
        ("whoseonfirst", whoseonfirst::images()),
        ("emorobcare", emorobcare::images()),
        ("appos", appos::images()),
        ("personal-assistant", personal_assistant::images()),
    ] {
        all.extend(images.into_iter().map(|(service, image)| (example, service, image)));
    }
    all
}

/// Every example's deployment projects, as `(example, [(compose file, project)])`.
pub fn projects() -> Vec<(&'static str, Vec<(&'static str, dockwright::deploy::Project)>)> {
    vec![
        ("spec-editor", spec_editor::projects()),
        ("whoseonfirst", whoseonfirst::projects()),
        ("emorobcare", emorobcare::projects()),
        ("appos", appos::projects()),
        ("personal-assistant", personal_assistant::projects()),
    ]
}

/// The same service written naively: one stage from the target's base image, `COPY . ./` first, then every RUN the target's stages run (mounts from other
/// stages dropped), then the target's config.
pub fn naive_variant(dockerfile: &Dockerfile) -> Dockerfile {
    let analysis = analyze(dockerfile);
    let target = analysis.target().unwrap();
    let mut root = target;
    while let StageBase::Stage(base) = analysis.stages()[root].base {
        root = base;
    }
    let mut stage = model::Stage::new(FromInstruction { platform: None, ..dockerfile.stages[root].from.clone() });
    stage.from.name = None;
    let workdir = model::Workdir { path: Value::literal("/app").unwrap() };
    stage.instructions.push(Instruction::Workdir(workdir));
    let everything = model::Copy::new(vec![Source::path(".").unwrap()], dockwright::Line::new("./").unwrap());
    stage.instructions.push(Instruction::Copy(everything));
    for index in analysis.reachable_from(target) {
        for instruction in &dockerfile.stages[index].instructions {
            if let Instruction::Run(run) = instruction {
                let mut run = run.clone();
                run.mounts.retain(|mount| {
                    !matches!(mount, Mount::Bind { from: Some(_), .. } | Mount::Cache { from: Some(_), .. })
                });
                stage.instructions.push(Instruction::Run(run));
            }
        }
    }
    for instruction in &dockerfile.stages[target].instructions {
        if !matches!(instruction, Instruction::Run(_) | Instruction::Copy(_) | Instruction::Add(_)) {
            stage.instructions.push(instruction.clone());
        }
    }
    Dockerfile { stages: vec![stage], ..Dockerfile::default() }
}

/// The same service written in its seed's naive style: appos's seed asks for a multi-stage build
/// (node, Go and runtime stages), so its naive form keeps the stages ([`naive_stages_variant`]); the
/// other seeds' own Dockerfiles are single-stage ([`naive_variant`]).
pub fn seed_naive(example: &str, service: &str) -> fn(&Dockerfile) -> Dockerfile {
    if (example, service) == ("appos", "multi-stage") { naive_stages_variant } else { naive_variant }
}

/// Every stage written naively: its context COPYs into the working directory become one copy of the
/// context directory they all read (`COPY backend/ ./`, or `COPY . ./`), right after the stage's
/// WORKDIRs and before everything else; the other instructions keep their order.
pub fn naive_stages_variant(dockerfile: &Dockerfile) -> Dockerfile {
    let mut out = dockerfile.clone();
    for stage in &mut out.stages {
        let into_workdir = |instruction: &Instruction| match instruction {
            Instruction::Copy(copy) => copy.from.is_none() && !copy.dest.as_str().starts_with('/'),
            _ => false,
        };
        let mut tops: Vec<String> = Vec::new();
        for instruction in stage.instructions.iter().filter(|i| into_workdir(i)) {
            let Instruction::Copy(copy) = instruction else { continue };
            for source in &copy.sources {
                if let Source::Path(path) = source {
                    let top = path.as_str().trim_start_matches("./").split('/').next().unwrap_or_default();
                    let top = if path.as_str().contains('/') { top.to_string() } else { String::new() };
                    if !tops.contains(&top) {
                        tops.push(top);
                    }
                }
            }
        }
        if tops.is_empty() {
            continue;
        }
        let source = match tops.as_slice() {
            [top] if !top.is_empty() => format!("{top}/"),
            _ => ".".to_string(),
        };
        let (workdirs, rest): (Vec<Instruction>, Vec<Instruction>) = std::mem::take(&mut stage.instructions)
            .into_iter()
            .filter(|i| !into_workdir(i))
            .partition(|i| matches!(i, Instruction::Workdir(_)));
        let everything = model::Copy::new(vec![Source::path(&source).unwrap()], dockwright::Line::new("./").unwrap());
        stage.instructions = workdirs;
        stage.instructions.push(Instruction::Copy(everything));
        stage.instructions.extend(rest);
    }
    out
}

/// A dependency install: the step a source-only edit must never rerun.
pub fn is_dependency_install(command: &str) -> bool {
    ["pip install", "npm ci", "npm install", "apk add", "apt-get", "microdnf", "dnf install", "go mod download"]
        .iter()
        .any(|needle| command.contains(needle))
}

/// Edits a developer makes to application sources, covering every example's layout.
pub const SOURCE_EDITS: &[&str] = &[
    "app.py",
    "main.py",
    "load_ontology.py",
    "src/main.py",
    "src/apps/fastapi_app/main.py",
    "src/App.tsx",
    "templates/index.html",
    "backend/main.go",
    "dashboard/src/App.tsx",
];

/// The files of a fixture context (`dsl-examples/fixtures/<example>[/<service>]`), after its
/// `.dockerignore`.
pub fn context_files(example: &str, service: &str, dockerignore: &[String]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("dsl-examples/fixtures").join(example);
    let root = if root.join(service).is_dir() { root.join(service) } else { root };
    let mut files = Vec::new();
    let mut todo = vec![root.clone()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else {
                let relative = path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
                let everything = ContextRead { pattern: ".".into(), excludes: vec![] };
                if !dockerignore.is_empty() && !everything.covers(&relative, dockerignore) {
                    continue;
                }
                files.push(relative);
            }
        }
    }
    files.sort();
    files
}
