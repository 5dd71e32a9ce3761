//! DW1005: `RUN --security=insecure` runs the step with all capabilities and without the sandbox.

use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW1005",
        "run-security-insecure",
        Severity::Warning,
        true,
        &[],
        None,
        "a RUN step runs without the build sandbox",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for node in cx.stages.iter().flat_map(|stage| stage.nodes.iter()).filter(|node| node.keyword == "run") {
        if Context::flag_value(node, "security").is_some_and(|value| value.eq_ignore_ascii_case("insecure")) {
            let span = cx.flag(node, "security").map_or(cx.node_span(node), |(range, _)| cx.logical(node, range));
            out.push(Finding::new(
                span,
                "RUN --security=insecure runs the step with every capability and no sandbox",
                "drop --security=insecure; grant only what the step needs, or do the privileged work outside the build",
            ));
        }
    }
}
