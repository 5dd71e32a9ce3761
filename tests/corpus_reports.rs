//! Everything dockwright knows, run on Dockerfiles it did not write: every file of BuildKit's corpus
//! that BuildKit accepts is lowered, then analysed, optimized, asked for its cache impact and expected
//! rebuild cost, and estimated (`cargo test --test corpus_reports -- --nocapture` prints the counts).
//!
//! Each report is checked against what it promises, not only produced: the optimized file validates
//! and lowers back without errors whenever the original did, a change set with nothing in it reruns
//! nothing, changing the context paths steps read reruns every step that reads one, and the estimate
//! has one report per stage and one layer report per layer step.

#[path = "support/corpus.rs"]
mod corpus;

use std::fs;

use dockwright::analysis::{ChangeModel, ChangeSet, analyze, cache_impact, expected_rebuild_cost};
use dockwright::emit;
use dockwright::estimate::{BuiltinPackages, estimate};
use dockwright::import::{lower, parse};
use dockwright::passes::{Config, optimize};

#[test]
fn every_report_runs_on_the_lowered_corpus() {
    let root = corpus::root();
    let oracle = BuiltinPackages::debian_bookworm();
    let mut counts = Counts::default();
    let mut failures = Vec::new();
    for path in corpus::dockerfiles() {
        let name = path.strip_prefix(&root).unwrap_or(&path).display().to_string();
        let bytes = fs::read(&path).unwrap_or_else(|err| panic!("cannot read {name}: {err}"));
        let lowered = lower(&parse(&String::from_utf8_lossy(&bytes)));
        if lowered.rejected() {
            continue;
        }
        counts.files += 1;
        let dockerfile = &lowered.dockerfile;
        let valid = dockerfile.validate().is_ok();
        counts.valid += usize::from(valid);

        // Analysis and the cache reports, for every target.
        let analysis = analyze(dockerfile);
        // Every path some step reads from the context, as its pattern names it.
        let read_paths: Vec<String> =
            analysis.steps().iter().flat_map(|step| &step.reads.context).map(|read| read.pattern.clone()).collect();
        let everything = ChangeSet { paths: read_paths.clone(), ..ChangeSet::default() };
        for target in analysis.targets() {
            counts.targets += 1;
            let (nothing, changed) = match (
                cache_impact(&analysis, target.clone(), &ChangeSet::default()),
                cache_impact(&analysis, target.clone(), &everything),
            ) {
                (Ok(nothing), Ok(changed)) => (nothing, changed),
                (Err(err), _) | (_, Err(err)) => {
                    failures.push(format!("{name}: cache impact for {target:?}: {err}"));
                    continue;
                }
            };
            if let Some(step) = nothing.missed().next() {
                failures.push(format!("{name}: nothing changed, yet {} misses", step.label));
            }
            for impact in &changed.steps {
                let step = &analysis.steps()[impact.step];
                let reads_changed = step.layer
                    && step.reads.context.iter().any(|read| read_paths.iter().any(|path| read.covers(path, &[])));
                counts.context_readers += usize::from(reads_changed);
                if reads_changed && !impact.miss {
                    failures.push(format!("{name}: {} reads a changed context path, yet hits the cache", impact.label));
                }
            }
            counts.missed += changed.missed().count();
            if let Err(err) = expected_rebuild_cost(&analysis, target.clone(), &ChangeModel::default()) {
                failures.push(format!("{name}: rebuild cost for {target:?}: {err}"));
            }
        }

        // The optimizer keeps a valid file valid, and what it writes lowers back without errors.
        let mut optimized = dockerfile.clone();
        let changes = optimize(&mut optimized, &Config::default());
        counts.changed += usize::from(!changes.is_empty());
        counts.changes += changes.len();
        if valid {
            if let Err(errors) = optimized.validate() {
                failures.push(format!("{name}: the optimized file does not validate: {errors}"));
            }
            let again = lower(&parse(&emit(&optimized)));
            if again.has_errors() && !lowered.has_errors() {
                failures.push(format!("{name}: the optimized file lowers with errors: {:?}", again.diagnostics));
            }
        }

        // The estimate covers every stage and instruction.
        let report = estimate(dockerfile, &oracle);
        if report.stages.len() != dockerfile.stages.len() {
            failures.push(format!(
                "{name}: {} stage reports for {} stages",
                report.stages.len(),
                dockerfile.stages.len()
            ));
        }
        for (stage, (info, estimated)) in analysis.stages().iter().zip(&report.stages).enumerate() {
            let layers = info.steps.iter().filter(|&&step| analysis.steps()[step].layer).count();
            if estimated.layers.len() != layers {
                failures.push(format!(
                    "{name}: stage {stage}: {} layer reports for {layers} layer steps",
                    estimated.layers.len()
                ));
            }
        }
        counts.complete += usize::from(report.is_complete());
    }
    println!(
        "lowered corpus: {} accepted files ({} valid models), {} targets; optimizer changed {} files ({} changes); \
         changing every context path read reruns {} steps ({} of them read one); {} estimates complete",
        counts.files,
        counts.valid,
        counts.targets,
        counts.changed,
        counts.changes,
        counts.missed,
        counts.context_readers,
        counts.complete
    );
    assert!(counts.files >= 400, "expected the corpus's accepted files, found {}", counts.files);
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[derive(Default)]
struct Counts {
    files: usize,
    valid: usize,
    targets: usize,
    changed: usize,
    changes: usize,
    missed: usize,
    context_readers: usize,
    complete: usize,
}
