//! DW3017: `FROM --platform=$TARGETPLATFORM` says what BuildKit does anyway (BuildKit's
//! RedundantTargetPlatform).

use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::{Finding, Fix, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW3017",
        "redundant-target-platform",
        Severity::Info,
        true,
        &[],
        Some("RedundantTargetPlatform"),
        "FROM --platform=$TARGETPLATFORM is the default",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for stage in &cx.stages {
        let Some(value) = Context::flag_value(stage.from, "platform") else { continue };
        if value != "$TARGETPLATFORM" && value != "${TARGETPLATFORM}" {
            continue;
        }
        let Some((range, _)) = cx.flag(stage.from, "platform") else { continue };
        let span = cx.logical(stage.from, range.clone());
        let after = cx.text[span.end..].len() - cx.text[span.end..].trim_start_matches([' ', '\t']).len();
        let fix = (span.from.line == span.to.line).then(|| Fix::replace(span.start..span.end + after, ""));
        out.push(
            Finding::new(
                span,
                format!("FROM --platform={value} is redundant: BuildKit builds for the target platform by default"),
                "remove the --platform flag",
            )
            .fix(fix),
        );
    }
}
