//! DW3005: a stage named `scratch` or `context`, names BuildKit reserves (`FROM scratch` and named
//! contexts mean something else).

use super::duplicate_stage::stage_name;
use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW3005",
        "reserved-stage-name",
        Severity::Error,
        true,
        &[],
        Some("ReservedStageName"),
        "a stage uses a reserved name",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for stage in &cx.stages {
        let Some((span, name)) = stage_name(cx, stage.from) else { continue };
        let lower = name.to_lowercase();
        if lower == "scratch" || lower == "context" {
            out.push(Finding::new(
                span,
                format!("stage name '{lower}' is reserved by BuildKit"),
                "rename the stage (and the COPY --from and FROM lines that use it)",
            ));
        }
    }
}
