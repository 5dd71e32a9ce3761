//! The optimizer's passes confirmed on a real engine. For a sample of the seeds, the seed's naive
//! Dockerfile style (one stage, `COPY . .` before the dependency install, as the seeds' own Dockerfiles
//! start out) is optimized with the default config, and the hand-written spec-editor is optimized for
//! BuildKit (cache mounts and `COPY --link`); each file and its optimized form are built offline from
//! the fixture app:
//!
//! - the two images' file systems are the same: every path with its type, mode, owner and symlink
//!   target, and every regular file's SHA-256 (Python bytecode aside, which embeds the install time);
//! - after a one-line source edit, the steps the engine re-runs are exactly the ones
//!   [`cache_impact`] predicts, for both files; the naive files re-run the dependency install, no
//!   optimized one does.
//!
//! In CI a missing engine fails these tests; elsewhere they print SKIPPED.
#![cfg(feature = "engine")]

#[path = "support/engine_cases.rs"]
mod engine_cases;

#[path = "support/seeds.rs"]
mod seeds;

use std::collections::BTreeSet;
use std::path::Path;

use dockwright::analysis::{ChangeSet, Target, analyze, cache_impact};
use dockwright::engine::{BuildReport, BuildRequest, Engine, Progress, RunOptions};
use dockwright::model::Dockerfile;
use dockwright::passes::{Config, Pass, optimize};
use dockwright::{Base, Health, Image, Stage, Value};
use engine_cases::{copy_tree, engine, fixture, vendored};
use pretty_assertions::assert_eq;
use seeds::{context_files, is_dependency_install};

/// A seed's Dockerfile, with the fixture app it builds from and how to optimize it.
struct Naive {
    name: &'static str,
    /// `dsl-examples/fixtures/<context>`.
    context: &'static str,
    image: Image,
    /// An application source a developer edits.
    source_file: &'static str,
    /// Optimize for BuildKit (cache mounts, `COPY --link`).
    buildkit: bool,
    /// The passes the optimizer must apply.
    passes: &'static [Pass],
    /// Whether the file as written reruns its dependency install after the edit.
    reruns_install: bool,
}

fn python_health(port: u16) -> Health {
    let probe = format!(
        "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:{port}/health', \
         timeout=4).status < 400 else 1)"
    );
    Health::new(["python3", "-c", probe.as_str()]).interval("30s").timeout("5s").retries(3)
}

/// A Python service as its seed writes it (seed 001, with seed 000's vendored wheels): the whole
/// context first, then the venv and install, the account, `after` (directory setup), the config.
fn naive_python(
    name: &'static str,
    python: &str,
    source_file: &'static str,
    after: &[&str],
    port: u16,
    cmd: &[&str],
) -> Naive {
    let account = format!(
        "groupadd --system --gid 10001 {name} && useradd --system --no-log-init --uid 10001 --gid {name} \
         --create-home --home-dir /home/{name} --shell /usr/sbin/nologin {name}"
    );
    let stage = Stage::new("app", Base::python(python).slim())
        .workdir("/app")
        .copy(["."], "./")
        .run("python3 -m venv /opt/venv")
        .run("/opt/venv/bin/pip install --no-cache-dir --no-index --find-links=vendor/wheels -r requirements.txt")
        .run(account);
    let stage = after
        .iter()
        .fold(stage, |stage, command| stage.run(*command))
        .env("PATH", Value::template("/opt/venv/bin:${PATH}").unwrap())
        .expose(port)
        .healthcheck(python_health(port))
        .user("10001:10001")
        .cmd(cmd.to_vec());
    let mut image = Image::new();
    image.stage(stage);
    Naive {
        name,
        context: name,
        image,
        source_file,
        buildkit: false,
        passes: &[Pass::SplitContextCopy, Pass::MoveEarlier],
        reruns_install: true,
    }
}

/// spec-editor in its seed's style.
fn spec_editor() -> Naive {
    naive_python(
        "spec-editor",
        "3.12",
        "app.py",
        &[],
        5000,
        &["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "2", "app:app"],
    )
}

/// whoseonfirst in the same style, with its data directories made after the sources are copied.
fn whoseonfirst() -> Naive {
    let mkdir = "mkdir -p /app/data /app/logs /app/backups && chown 10001:10001 /app/data /app/logs /app/backups";
    naive_python(
        "whoseonfirst",
        "3.11",
        "src/main.py",
        &[mkdir],
        8000,
        &["uvicorn", "src.main:app", "--host", "0.0.0.0", "--port", "8000"],
    )
}

/// spec-editor as written in `dsl-examples/`, optimized for BuildKit.
fn spec_editor_for_buildkit() -> Naive {
    let (_, image) = seeds::spec_editor::images().remove(0);
    Naive {
        name: "spec-editor-buildkit",
        context: "spec-editor",
        image,
        source_file: "app.py",
        buildkit: true,
        passes: &[Pass::CacheMounts, Pass::Link],
        reruns_install: false,
    }
}

/// The model and its optimized form, checking the passes that fired.
fn models(naive: &Naive) -> (Dockerfile, Dockerfile) {
    let model = naive.image.to_model().unwrap_or_else(|errors| panic!("{}: {errors}", naive.name));
    let mut optimized = model.clone();
    let ignore: Vec<String> = naive.image.dockerignore_text().lines().map(str::to_string).collect();
    let config = Config::default().buildkit(naive.buildkit).context_files(context_files(naive.context, "", &ignore));
    let changes = optimize(&mut optimized, &config);
    let mut fired: Vec<Pass> = changes.iter().map(|c| c.pass).collect();
    fired.dedup();
    assert_eq!(fired, naive.passes, "{}: {changes:#?}", naive.name);
    (model, optimized)
}

fn build(engine: &Engine, naive: &Naive, model: &Dockerfile, context: &Path, tag: &str) -> BuildReport {
    let name = naive.name;
    let mapped = engine_cases::mapping().apply(model).expect("the mapping applies");
    let mut request = BuildRequest::new(dockwright::emit(&mapped), context, tag).progress(Progress::Plain);
    request.dockerignore = naive.image.dockerignore_text();
    engine.build(&request).unwrap_or_else(|err| panic!("{name}: the build failed: {err}"))
}

/// Paths the engine mounts into every container (not part of the image).
const RUNTIME_MOUNTS: &[&str] = &["/etc/hostname", "/etc/hosts", "/etc/resolv.conf"];

/// Every path of `image` (as root, outside /proc, /sys and /dev) with type, mode, owner and link
/// target, then every regular file's SHA-256 (`.pyc` files: existence and mode only, as the
/// bytecode records the time pip installed its source).
fn file_list(engine: &Engine, image: &str) -> Vec<String> {
    let container = engine.run(image, &RunOptions::new().user("0").cmd(["sleep", "600"])).expect("the image runs");
    let prune = r"\( -path /proc -o -path /sys -o -path /dev \) -prune -o";
    let script = format!(
        "find / -xdev {prune} -printf '%p %y %m %U:%G %l\\n' && \
         find / -xdev {prune} -type f ! -name '*.pyc' -print0 | xargs -0 sha256sum"
    );
    let listed = engine.exec(&container, &["sh", "-c", &script]);
    engine.remove(container).expect("the container is removed");
    let listed = listed.expect("find runs");
    assert_eq!(listed.exit_code, 0, "{image}: listing failed: {}", listed.stderr);
    let mut lines: Vec<String> = listed
        .stdout
        .lines()
        .filter(|line| !RUNTIME_MOUNTS.iter().any(|mount| line.contains(mount)))
        .map(str::to_string)
        .collect();
    lines.sort();
    lines
}

/// The layer steps that ran (not cached), in build order, as `KEYWORD` plus whether it is a
/// dependency install.
fn observed_reruns(report: &BuildReport) -> Vec<(String, bool)> {
    let mut steps: Vec<(usize, String, bool)> = report
        .steps
        .iter()
        .filter(|step| !step.cached)
        .filter_map(|step| {
            let (position, instruction) = step.name.strip_prefix('[')?.split_once("] ")?;
            let number = position.rsplit(' ').next()?.split('/').next()?.parse().ok()?;
            let keyword = instruction.split_whitespace().next()?.to_ascii_uppercase();
            matches!(keyword.as_str(), "RUN" | "COPY" | "ADD")
                .then(|| (number, keyword, is_dependency_install(instruction)))
        })
        .collect();
    steps.sort();
    steps.into_iter().map(|(_, keyword, install)| (keyword, install)).collect()
}

/// The layer steps [`cache_impact`] says miss after `edit`, in build order.
fn predicted_reruns(model: &Dockerfile, edit: &str) -> Vec<(String, bool)> {
    let analysis = analyze(model);
    let changes = ChangeSet { paths: vec![edit.to_string()], ..ChangeSet::default() };
    cache_impact(&analysis, Target::Default, &changes)
        .unwrap()
        .missed()
        .filter(|impact| analysis.steps()[impact.step].layer)
        .map(|impact| {
            let step = &analysis.steps()[impact.step];
            let command = step.key.as_ref().and_then(|key| key.command.clone()).unwrap_or_default();
            (step.keyword.clone(), is_dependency_install(&command))
        })
        .collect()
}

fn confirm(naive: Naive) {
    let Some(engine) = engine() else { return };
    let context = fixture(naive.context);
    if !vendored(&context) {
        return;
    }
    let (model, optimized) = models(&naive);
    let work = std::env::temp_dir().join(format!("dockwright-passes-{}-{}", naive.name, std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    copy_tree(&context, &work);
    let tags = [
        format!("dockwright-test/passes-{}:naive", naive.name),
        format!("dockwright-test/passes-{}:optimized", naive.name),
    ];
    let variants = [(&model, &tags[0]), (&optimized, &tags[1])];
    for (variant, tag) in variants {
        build(&engine, &naive, variant, &work, tag);
    }

    let lists: Vec<Vec<String>> = tags.iter().map(|tag| file_list(&engine, tag)).collect();
    assert!(lists[0].len() > 1000, "{}: implausibly few files: {}", naive.name, lists[0].len());
    let (naive_only, optimized_only): (BTreeSet<_>, BTreeSet<_>) = (
        lists[0].iter().filter(|line| !lists[1].contains(line)).collect(),
        lists[1].iter().filter(|line| !lists[0].contains(line)).collect(),
    );
    assert!(
        naive_only.is_empty() && optimized_only.is_empty(),
        "{}: the optimized image's files differ:\nnaive only: {naive_only:#?}\noptimized only: {optimized_only:#?}",
        naive.name
    );

    let source = work.join(naive.source_file);
    let mut text = std::fs::read_to_string(&source).expect("the source exists");
    let nonce = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    text.push_str(&format!("\n# edited by a developer ({nonce})\n"));
    std::fs::write(&source, text).unwrap();
    let mut reruns = Vec::new();
    for (variant, tag) in variants {
        let rebuilt = build(&engine, &naive, variant, &work, tag);
        let observed = observed_reruns(&rebuilt);
        assert_eq!(observed, predicted_reruns(variant, naive.source_file), "{}:\n{}", naive.name, rebuilt.log);
        reruns.push(observed);
    }
    let _ = std::fs::remove_dir_all(&work);
    for tag in &tags {
        engine.remove_image(tag).expect("the image is removed");
    }
    let install = reruns[0].iter().any(|(_, install)| *install);
    assert_eq!(install, naive.reruns_install, "{}: the file as written reran its install: {install}", naive.name);
    assert!(!reruns[1].iter().any(|(_, install)| *install), "{}: the optimized file reran its install", naive.name);
    eprintln!(
        "MEASURED {}: {} paths identical; after editing {}: as written reran {:?}, optimized reran {:?}",
        naive.name,
        lists[0].len(),
        naive.source_file,
        reruns[0],
        reruns[1]
    );
}

#[test]
fn spec_editor_optimized_builds_the_same_files_and_keeps_the_install_cached() {
    confirm(spec_editor());
}

#[test]
fn whoseonfirst_optimized_builds_the_same_files_and_keeps_the_install_cached() {
    confirm(whoseonfirst());
}

#[test]
fn spec_editor_optimized_for_buildkit_builds_the_same_files() {
    confirm(spec_editor_for_buildkit());
}
