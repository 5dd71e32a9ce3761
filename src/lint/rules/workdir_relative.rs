//! DW3006: a stage's first `WORKDIR` is relative, so it depends on the base image's working directory,
//! which can change under it (BuildKit's WorkdirRelativePath: later relative ones are fine once an
//! absolute one is set, also in a stage the stage is built on).

use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW3006",
        "workdir-relative",
        Severity::Warning,
        true,
        &["DL3000"],
        Some("WorkdirRelativePath"),
        "a stage's first WORKDIR is relative",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (index, stage) in cx.stages.iter().enumerate() {
        // A WORKDIR in a stage this one is built on counts (BuildKit inherits `workdirSet`).
        let inherited = cx.chain(index).iter().skip(1).any(|&parent| {
            cx.stages.get(parent).is_some_and(|stage| stage.nodes.iter().any(|node| node.keyword == "workdir"))
        });
        if inherited {
            continue;
        }
        let Some(node) = stage.nodes.iter().find(|node| node.keyword == "workdir") else { continue };
        let path = node.args.first().map(|arg| arg.trim()).unwrap_or("");
        let path = path.trim_matches(|c| c == '"' || c == '\'');
        if path.is_empty() || path.starts_with('/') || path.starts_with('$') || is_windows_absolute(path) {
            continue;
        }
        let span = cx.args(node).first().map_or(cx.node_span(node), |(range, _)| cx.logical(node, range.clone()));
        out.push(Finding::new(
            span,
            format!("WORKDIR '{path}' is relative to the base image's working directory, which can change"),
            format!("use an absolute path, e.g. WORKDIR /{path}"),
        ));
    }
}

fn is_windows_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':'
}
