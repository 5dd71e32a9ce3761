//! Golden tests for the seed examples in `dsl-examples/`.
//!
//! Every image of every example is emitted and compared with the checked-in
//! `tests/golden/<example>/<service>.Dockerfile` and `<service>.dockerignore`. To create or refresh
//! them after an intended change, run
//!
//! ```text
//! UPDATE_GOLDEN=1 cargo test --test golden
//! ```
//!
//! and review the diff: these files are what users of the examples see. Each image must also keep the
//! seeds' promises: it validates, every runtime stage runs as a non-root user and has a HEALTHCHECK,
//! there is no `# syntax=` line (air-gapped engines cannot pull a frontend), no ENV or ARG carries a
//! secret, and BuildKit's parser (as ported in `dockwright::import`) reads the text without complaint.

// Each example brings its own copy of `dsl-examples/support/mod.rs` (its command line), as it does
// when built as an example; only `images()` is used here.
#![allow(clippy::duplicate_mod)]

#[path = "../dsl-examples/appos.rs"]
#[allow(dead_code)]
mod appos;
#[path = "../dsl-examples/emorobcare.rs"]
#[allow(dead_code)]
mod emorobcare;
#[path = "../dsl-examples/personal_assistant.rs"]
#[allow(dead_code)]
mod personal_assistant;
#[path = "../dsl-examples/spec_editor.rs"]
#[allow(dead_code)]
mod spec_editor;
#[path = "../dsl-examples/whoseonfirst.rs"]
#[allow(dead_code)]
mod whoseonfirst;

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use dockwright::Image;
use dockwright::model::{BaseImage, Dockerfile, FromSource, Healthcheck, Instruction, Mount, Stage};

#[test]
fn spec_editor() {
    check_example("spec-editor", spec_editor::images());
}

#[test]
fn whoseonfirst() {
    check_example("whoseonfirst", whoseonfirst::images());
}

#[test]
fn emorobcare() {
    check_example("emorobcare", emorobcare::images());
}

#[test]
fn appos() {
    check_example("appos", appos::images());
}

#[test]
fn personal_assistant() {
    check_example("personal-assistant", personal_assistant::images());
}

/// Checks every image of `example` against its golden files and the seeds' promises.
fn check_example(example: &str, images: Vec<(&'static str, Image)>) {
    assert!(!images.is_empty(), "{example}: images() returned nothing");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(example);
    let mut expected_files = BTreeSet::new();
    for (service, image) in &images {
        let what = format!("{example} {service}");
        let model = match image.to_model() {
            Ok(model) => model,
            Err(errors) => panic!("{what}: the image does not validate:\n{errors}"),
        };
        assert!(image.validate().is_ok(), "{what}: validate() disagrees with to_model()");
        let dockerfile = image.emit().expect("a model that validates emits");
        check_promises(&what, &model, &dockerfile);

        for (file, actual) in [
            (format!("{service}.Dockerfile"), dockerfile),
            (format!("{service}.dockerignore"), image.dockerignore_text()),
        ] {
            check_golden(&dir.join(&file), &actual);
            expected_files.insert(file);
        }
    }
    check_no_stale_files(&dir, &expected_files);
}

/// Compares `actual` with the golden file at `path`, or writes it when `UPDATE_GOLDEN=1`.
fn check_golden(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        fs::create_dir_all(path.parent().expect("golden files live in a directory"))
            .unwrap_or_else(|err| panic!("cannot create {}: {err}", path.display()));
        let current = fs::read_to_string(path).ok();
        if current.as_deref() != Some(actual) {
            fs::write(path, actual).unwrap_or_else(|err| panic!("cannot write {}: {err}", path.display()));
            // Straight to stderr: the test harness would swallow eprintln! from a passing test.
            let _ = writeln!(std::io::stderr(), "UPDATE_GOLDEN=1: wrote {}", path.display());
        }
        return;
    }
    let expected = match fs::read_to_string(path) {
        Ok(expected) => expected,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => panic!(
            "missing golden file {}: create it with `UPDATE_GOLDEN=1 cargo test --test golden` and review it",
            path.display()
        ),
        Err(err) => panic!("cannot read golden file {}: {err}", path.display()),
    };
    if expected != actual {
        eprintln!(
            "{} differs from the emitted text; if the change is intended, run `UPDATE_GOLDEN=1 cargo test --test golden`",
            path.display()
        );
    }
    pretty_assertions::assert_eq!(expected, actual, "golden file {}", path.display());
}

/// Fails on golden files no image produces any more (a renamed or removed service).
fn check_no_stale_files(dir: &Path, expected: &BTreeSet<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let stale: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.file_name().and_then(|name| name.to_str()).is_some_and(|name| !expected.contains(name)))
        .collect();
    assert!(stale.is_empty(), "golden files no image produces (delete them): {stale:?}");
}

/// The promises every seed image keeps, whatever its golden text says.
fn check_promises(what: &str, model: &Dockerfile, text: &str) {
    assert!(model.directives.syntax.is_none(), "{what}: sets a # syntax= directive");
    assert!(
        !text.lines().any(|line| line.trim_start().to_ascii_lowercase().starts_with("# syntax")),
        "{what}: the Dockerfile has a # syntax= line; air-gapped engines cannot pull a frontend"
    );

    // BuildKit's reading of the text (the importer is a port of its parser) finds nothing wrong.
    let parsed = dockwright::import::parse(text);
    assert!(parsed.errors.is_empty(), "{what}: BuildKit's parser reports {:?}", parsed.errors);
    assert!(parsed.warnings.is_empty(), "{what}: BuildKit's parser warns {:?}", parsed.warnings);
    for node in &parsed.ast.nodes {
        if let Err(err) = dockwright::import::decode(node, '\\', &|_| None) {
            panic!("{what}: BuildKit would reject {:?}: {err}", node.keyword);
        }
    }

    let stages: HashMap<&str, &Stage> = model.stages.iter().filter_map(|s| Some((s.name()?, s))).collect();
    let used: BTreeSet<&str> = model.stages.iter().flat_map(stage_refs).collect();
    let last = model.stages.len() - 1;
    for (index, stage) in model.stages.iter().enumerate() {
        let name = stage.name().unwrap_or("(unnamed)");
        let runs_something =
            stage.instructions.iter().any(|i| matches!(i, Instruction::Cmd(_) | Instruction::Entrypoint(_)));
        let is_target = !stage.name().is_some_and(|n| used.contains(n));
        if !(index == last || runs_something || is_target) {
            continue; // a builder: only read by other stages
        }
        let chain = ancestry(stage, &stages);
        let user = chain.iter().flat_map(|s| &s.instructions).rev().find_map(|i| match i {
            Instruction::User(user) => Some(&user.user),
            _ => None,
        });
        match user {
            Some(user) => assert!(!user.is_root(), "{what}: runtime stage '{name}' runs as root ({user})"),
            None => panic!("{what}: runtime stage '{name}' sets no USER, so it runs as the base image's user"),
        }
        let health = chain.iter().flat_map(|s| &s.instructions).rev().find_map(|i| match i {
            Instruction::Healthcheck(check) => Some(check),
            _ => None,
        });
        assert!(matches!(health, Some(Healthcheck::Check { .. })), "{what}: runtime stage '{name}' has no HEALTHCHECK");
    }

    let global =
        model.args.iter().map(|arg| (arg.name.as_str().to_string(), arg.default.as_ref().map(|v| v.to_string())));
    let in_stages = model.stages.iter().flat_map(|s| &s.instructions).flat_map(|i| match i {
        Instruction::Env(env) => {
            env.vars.iter().map(|(k, v)| (k.as_str().to_string(), Some(v.to_string()))).collect::<Vec<_>>()
        }
        Instruction::Arg(arg) => vec![(arg.name.as_str().to_string(), arg.default.as_ref().map(|v| v.to_string()))],
        _ => Vec::new(),
    });
    for (key, value) in global.chain(in_stages) {
        assert!(!looks_secret(&key), "{what}: ENV/ARG {key} looks like a secret: pass it at run time instead");
        if let Some(value) = value {
            assert!(
                !["ghp_", "github_pat_", "gho_", "-----BEGIN"].iter().any(|p| value.contains(p)),
                "{what}: ENV/ARG {key} holds what looks like a credential"
            );
        }
    }
}

/// Names that hold credentials: they must come from the runtime environment, never the image.
fn looks_secret(key: &str) -> bool {
    let key = key.to_ascii_uppercase();
    ["TOKEN", "SECRET", "PASSWORD", "PASSWD", "API_KEY", "APIKEY", "PRIVATE_KEY", "CREDENTIAL", "AUTH"]
        .iter()
        .any(|word| key.contains(word))
}

/// The stage and the stages it is built `FROM`, root first.
fn ancestry<'a>(stage: &'a Stage, stages: &HashMap<&str, &'a Stage>) -> Vec<&'a Stage> {
    let mut chain = vec![stage];
    let mut current = stage;
    while let BaseImage::Stage(parent) = &current.from.base {
        match stages.get(parent.as_str()) {
            Some(parent) if chain.len() <= stages.len() => {
                chain.push(parent);
                current = parent;
            }
            _ => break,
        }
    }
    chain.reverse();
    chain
}

/// The stages `stage` reads from: its `FROM`, `COPY --from` and `RUN --mount=from=`.
fn stage_refs(stage: &Stage) -> Vec<&str> {
    let mut refs = Vec::new();
    if let BaseImage::Stage(name) = &stage.from.base {
        refs.push(name.as_str());
    }
    for instruction in &stage.instructions {
        match instruction {
            Instruction::Copy(copy) => {
                if let Some(FromSource::Stage(name)) = &copy.from {
                    refs.push(name.as_str());
                }
            }
            Instruction::Run(run) => {
                for mount in &run.mounts {
                    if let Mount::Bind { from: Some(FromSource::Stage(name)), .. }
                    | Mount::Cache { from: Some(FromSource::Stage(name)), .. } = mount
                    {
                        refs.push(name.as_str());
                    }
                }
            }
            _ => {}
        }
    }
    refs
}
