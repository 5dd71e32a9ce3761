//! DW3012: more than one `CMD`, `ENTRYPOINT` or `HEALTHCHECK` in a stage: only the last one counts
//! (BuildKit's MultipleInstructionsDisallowed, reported on the earlier ones; hadolint's DL4003, DL4004
//! and DL3012).

use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW3012",
        "multiple-instructions",
        Severity::Warning,
        true,
        &["DL4003", "DL4004", "DL3012"],
        Some("MultipleInstructionsDisallowed"),
        "a stage has more than one CMD, ENTRYPOINT or HEALTHCHECK",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for stage in &cx.stages {
        for keyword in ["cmd", "entrypoint", "healthcheck"] {
            let nodes: Vec<_> = stage.nodes.iter().filter(|node| node.keyword == keyword).collect();
            let Some((last, earlier)) = nodes.split_last() else { continue };
            for node in earlier {
                let name = keyword.to_uppercase();
                out.push(Finding::new(
                    cx.keyword(node).1,
                    format!("this {name} has no effect: the {name} on line {} replaces it", last.start_line),
                    format!("remove this {name}, keeping only the last one of the stage"),
                ));
            }
        }
    }
}
