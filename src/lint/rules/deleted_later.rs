//! DW4007: files deleted in a later layer than the one that wrote them. A layer only hides what an
//! earlier layer holds: the bytes are still pulled and stored. The sizes are the estimator's (with
//! its built-in catalogue; `dockwright estimate` with the build context knows more), reported as
//! `SizeReport` waste, as dive reports it; only the stages the image is made of count.

use super::{Rule, info};
use crate::estimate::{CatalogOracle, Options as EstimateOptions, estimate_with};
use crate::lint::context::Context;
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW4007",
        "deleted-later",
        Severity::Warning,
        true,
        &[],
        None,
        "files deleted in a later layer, still stored",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(target) = cx.final_stage() else { return };
    let name = cx.analysis.stages().get(target).and_then(|stage| stage.name.clone());
    let options = EstimateOptions { target: name, ..EstimateOptions::default() };
    let report = estimate_with(&cx.lowered.dockerfile, &CatalogOracle::default(), &options);
    for (stage, stage_report) in report.stages.iter().enumerate() {
        if !stage_report.counted {
            continue;
        }
        for layer in &stage_report.layers {
            if layer.waste.high == 0 {
                continue;
            }
            let Some(origin) = cx.lowered.source_map.instruction(stage, layer.index) else { continue };
            let paths: Vec<&str> = layer
                .waste
                .source
                .split("; ")
                .filter_map(|part| part.split_once(" deleted here").map(|(path, _)| path))
                .collect();
            out.push(Finding::new(
                origin.span,
                format!(
                    "{} deletes {} written by an earlier layer: {} still stored in the image",
                    origin_keyword(cx, origin),
                    paths.join(", "),
                    bytes(layer.waste.low, layer.waste.high)
                ),
                "delete the files in the same RUN that writes them (or do the work in a builder stage and copy only the result)",
            ));
        }
    }
}

fn origin_keyword(cx: &Context<'_>, origin: &crate::import::Origin) -> String {
    cx.text.get(origin.keyword.range()).unwrap_or("RUN").to_uppercase()
}

fn bytes(low: u64, high: u64) -> String {
    let one = |n: u64| {
        if n >= 1 << 20 {
            format!("{:.1} MB", n as f64 / 1_000_000.0)
        } else if n >= 1 << 10 {
            format!("{:.1} kB", n as f64 / 1_000.0)
        } else {
            format!("{n} B")
        }
    };
    if low == high { one(high) } else { format!("{} to {}", one(low), one(high)) }
}
