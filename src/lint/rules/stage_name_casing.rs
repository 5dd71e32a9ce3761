//! DW5003: a stage name that is not lower case (BuildKit's StageNameCasing): BuildKit lower-cases it,
//! so the name as written is not the name `--target` and `COPY --from` see.

use super::duplicate_stage::stage_name;
use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::{Finding, Fix, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW5003",
        "stage-name-casing",
        Severity::Style,
        true,
        &[],
        Some("StageNameCasing"),
        "a stage name is not lower case",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for stage in &cx.stages {
        let Some((span, name)) = stage_name(cx, stage.from) else { continue };
        let lower = name.to_lowercase();
        if name == lower {
            continue;
        }
        out.push(
            Finding::new(span, format!("stage name '{name}' should be lower case"), format!("write {lower}"))
                .fix(Some(Fix::replace(span.range(), lower))),
        );
    }
}
