//! Every example that can be built here is built on a real engine, offline, from its fixture app, with
//! the seeds' bases mapped onto local Debian stand-ins; then it is run with no network and must run as
//! a non-root user, turn healthy, and fit the seed's size budget. A source edit must not rerun the
//! dependency install. In CI a missing engine fails these tests; elsewhere they print SKIPPED.
#![cfg(feature = "engine")]

#[path = "support/engine_cases.rs"]
mod engine_cases;

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

use std::path::Path;
use std::time::Duration;

use dockwright::engine::{BuildReport, BuildRequest, Engine, Progress, RunOptions};
use engine_cases::{Case, Examples, copy_tree, engine};

fn case(name: &str) -> Case {
    let examples = Examples {
        spec_editor: spec_editor::images(),
        whoseonfirst: whoseonfirst::images(),
        emorobcare: emorobcare::images(),
        personal_assistant: personal_assistant::images(),
    };
    engine_cases::cases(&examples).into_iter().find(|c| c.name == name).expect("a known case")
}

fn tag(case: &Case, suffix: &str) -> String {
    let name: String = case.name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    format!("dockwright-test/{name}:{suffix}")
}

fn build(engine: &Engine, case: &Case, context: &Path, tag: &str) -> BuildReport {
    let mut request = BuildRequest::from_image(&case.image, context, tag)
        .expect("the example validates")
        .mapped(&engine_cases::mapping())
        .expect("the mapping applies")
        .progress(Progress::Plain);
    if let Some(target) = case.target {
        request = request.target(target);
    }
    engine.build(&request).unwrap_or_else(|err| panic!("{}: the build failed: {err}", case.name))
}

/// Builds, inspects, runs and probes one example; prints what it measured.
fn check(name: &str) {
    let case = case(name);
    let Some(engine) = engine() else { return };
    if !engine_cases::vendored(&case.context) {
        return;
    }
    let tag = tag(&case, "test");
    let report = build(&engine, &case, &case.context, &tag);
    let info = engine.inspect(&tag).expect("the image exists");
    assert!(!info.runs_as_root(), "{name}: runs as root (USER {:?})", info.user);
    assert!(info.healthcheck.is_some(), "{name}: has no HEALTHCHECK");
    let size_mb = info.size as f64 / 1e6;
    assert!(size_mb < case.budget_mb as f64, "{name}: {size_mb:.1} MB is over its {} MB budget", case.budget_mb);

    let mut options = RunOptions::new();
    if let Some(setup) = &case.run {
        for (key, value) in &setup.env {
            options = options.env(key.clone(), value.clone());
        }
        options = options.cmd(setup.cmd.clone());
    }
    let container = engine.run(&tag, &options).expect("the container starts");
    let health = engine.wait_healthy(&container, Duration::from_secs(120));
    let uid = engine.exec(&container, &["id", "-u"]);
    let job = case.run.as_ref().map(|setup| engine.exec(&container, &setup.exec));
    engine.remove(container).expect("the container is removed");
    let health = health.unwrap_or_else(|err| panic!("{name}: never turned healthy: {err}"));
    let uid = uid.expect("id runs in the container");
    assert_eq!(health.status, "healthy");
    assert_ne!(uid.stdout.trim(), "0", "{name}: the process runs as uid 0");
    if let Some(job) = job {
        let job = job.expect("the job runs");
        assert!(job.success(), "{name}: the job failed: {}{}", job.stdout, job.stderr);
    }
    let health = format!("{} after {:.1}s, uid {}", health.status, health.elapsed.as_secs_f64(), uid.stdout.trim());
    eprintln!(
        "MEASURED {name}: {size_mb:.1} MB (budget {} MB), built in {:.1}s, {health}",
        case.budget_mb,
        report.duration.as_secs_f64()
    );
    engine.remove_image(&tag).expect("the image is removed");
}

#[test]
fn spec_editor_builds_runs_non_root_and_turns_healthy() {
    check("spec-editor");
}

#[test]
fn whoseonfirst_slim_builds_runs_non_root_and_turns_healthy() {
    check("whoseonfirst/slim");
}

#[test]
fn personal_assistant_prod_builds_runs_non_root_and_turns_healthy() {
    check("personal-assistant:prod");
}

#[test]
fn personal_assistant_dev_builds_runs_non_root_and_turns_healthy() {
    check("personal-assistant:dev");
}

#[test]
fn emorobcare_fuseki_job_builds_runs_non_root_turns_healthy_and_loads() {
    check("emorobcare/fuseki-job");
}

#[test]
fn a_source_edit_does_not_rerun_the_dependency_install() {
    let case = case("spec-editor");
    let Some(engine) = engine() else { return };
    if !engine_cases::vendored(&case.context) {
        return;
    }
    let work = std::env::temp_dir().join(format!("dockwright-rebuild-{}", std::process::id()));
    copy_tree(&case.context, &work);
    let tag = tag(&case, "rebuild");
    build(&engine, &case, &work, &tag);
    let source = work.join(case.source_file);
    let mut text = std::fs::read_to_string(&source).unwrap();
    let nonce = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    text.push_str(&format!("\n# edited by a developer ({nonce})\n"));
    std::fs::write(&source, text).unwrap();
    let rebuilt = build(&engine, &case, &work, &tag);
    let _ = std::fs::remove_dir_all(&work);
    engine.remove_image(&tag).expect("the image is removed");

    let install: Vec<_> = rebuilt.steps.iter().filter(|s| s.name.contains("pip install")).collect();
    assert!(!install.is_empty(), "no pip install step in:\n{}", rebuilt.log);
    assert!(install.iter().all(|s| s.cached), "a source edit reran the install:\n{}", rebuilt.log);
    let copied = rebuilt.steps.iter().find(|s| s.name.contains("COPY") && s.name.contains(case.source_file));
    assert!(copied.is_some_and(|s| !s.cached), "the edited source was not copied again:\n{}", rebuilt.log);
}
