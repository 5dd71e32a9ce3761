//! Measures every example the engine can build here and prints a markdown table: image size against
//! the seed's budget, cold build time, health status, and what a one-line edit of an application
//! source file costs on rebuild (steps re-run out of all steps, seconds).
//!
//! ```text
//! scripts/engine-up && scripts/base-images && scripts/vendor-fixtures
//! cargo run --release --features engine --example engine-report
//! ```
//!
//! Numbers are measured, never asserted: `tests/engine_examples.rs` holds the assertions.

#[path = "../tests/support/engine_cases.rs"]
mod engine_cases;

#[path = "emorobcare.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
mod emorobcare;
#[path = "personal_assistant.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
mod personal_assistant;
#[path = "spec_editor.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
mod spec_editor;
#[path = "whoseonfirst.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
mod whoseonfirst;

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use dockwright::engine::{BuildReport, BuildRequest, Engine, Progress, RunOptions};
use engine_cases::{Case, Examples};

fn main() -> ExitCode {
    let engine = match Engine::connect() {
        Ok(engine) => engine,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    let examples = Examples {
        spec_editor: spec_editor::images(),
        whoseonfirst: whoseonfirst::images(),
        emorobcare: emorobcare::images(),
        personal_assistant: personal_assistant::images(),
    };
    println!("Engine {} at {}.\n", engine.version(), engine.address());
    println!("| image | size | budget | cold build | health | rebuild after a source edit |");
    println!("|---|---|---|---|---|---|");
    let mut failed = false;
    for case in engine_cases::cases(&examples) {
        match measure(&engine, &case) {
            Ok(row) => println!("{row}"),
            Err(err) => {
                failed = true;
                println!("| {} | failed: {} | | | | |", case.name, err.lines().next().unwrap_or_default());
            }
        }
    }
    println!("\nNot built here:\n");
    for (name, why) in engine_cases::NOT_BUILDABLE {
        println!("- {name}: {why}");
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

fn build(engine: &Engine, case: &Case, context: &Path, tag: &str, no_cache: bool) -> Result<BuildReport, String> {
    let mut request = BuildRequest::from_image(&case.image, context, tag)
        .map_err(|errors| errors.to_string())?
        .mapped(&engine_cases::mapping())
        .map_err(|err| err.to_string())?
        .progress(Progress::Plain)
        .no_cache(no_cache);
    if let Some(target) = case.target {
        request = request.target(target);
    }
    engine.build(&request).map_err(|err| err.to_string())
}

fn measure(engine: &Engine, case: &Case) -> Result<String, String> {
    if !engine_cases::vendored(&case.context) {
        return Err("no vendor/wheels: run scripts/vendor-fixtures".to_string());
    }
    let tag = format!("dockwright-report/{}:latest", case.name.replace(['/', ':'], "-"));
    let work = std::env::temp_dir().join(format!("dockwright-report-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    copy_tree(&case.context, &work).map_err(|err| err.to_string())?;

    let cold = build(engine, case, &work, &tag, true)?;
    let info = engine.inspect(&tag).map_err(|err| err.to_string())?;
    let mut options = RunOptions::new();
    if let Some(setup) = &case.run {
        for (key, value) in &setup.env {
            options = options.env(key.clone(), value.clone());
        }
        options = options.cmd(setup.cmd.clone());
    }
    let container = engine.run(&tag, &options).map_err(|err| err.to_string())?;
    let health = engine.wait_healthy(&container, Duration::from_secs(120));
    engine.remove(container).map_err(|err| err.to_string())?;
    let health = match health {
        Ok(report) => format!("{} in {:.1}s", report.status, report.elapsed.as_secs_f64()),
        Err(err) => format!("{:?}: {}", err.kind(), err.to_string().lines().next().unwrap_or_default()),
    };
    let health = match &case.run {
        Some(setup) => format!("{health} ({})", setup.why),
        None => health,
    };

    let source = work.join(case.source_file);
    let mut text = std::fs::read_to_string(&source).map_err(|err| err.to_string())?;
    let nonce = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
    text.push_str(&format!("\n# edited ({nonce})\n"));
    std::fs::write(&source, text).map_err(|err| err.to_string())?;
    let rebuilt = build(engine, case, &work, &tag, false)?;
    let _ = std::fs::remove_dir_all(&work);

    let steps: Vec<_> =
        rebuilt.steps.iter().filter(|s| s.name.starts_with('[') && !s.name.starts_with("[internal]")).collect();
    let rerun: Vec<_> = steps.iter().filter(|s| !s.cached && !s.name.contains(" FROM ")).collect();
    let installs_rerun = rerun.iter().any(|s| s.name.contains("install"));
    Ok(format!(
        "| {} | {:.1} MB | {} MB | {:.1}s | {} | {} of {} steps re-ran in {:.1}s{} |",
        case.name,
        info.size as f64 / 1e6,
        case.budget_mb,
        cold.duration.as_secs_f64(),
        health,
        rerun.len(),
        steps.len(),
        rebuilt.duration.as_secs_f64(),
        if installs_rerun { " (an install step re-ran!)" } else { ", no install step" }
    ))
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}
