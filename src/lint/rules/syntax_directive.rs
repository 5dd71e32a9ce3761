//! DW2004: a `# syntax=` directive makes the build pull that frontend image first, which an air-gapped
//! or offline build cannot; the engine's built-in frontend reads the same Dockerfile syntax.

use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::{Finding, Fix, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW2004",
        "syntax-directive",
        Severity::Info,
        true,
        &[],
        None,
        "a syntax directive pulls a frontend image",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let directives = &cx.parsed.ast.directives;
    let Some(frontend) = &directives.frontend else { return };
    let Some((_, range)) = directives.lines.iter().find(|(name, _)| *name == "syntax") else { return };
    let span = cx.span(range.clone());
    let end = if cx.text.as_bytes().get(range.end) == Some(&b'\n') { range.end + 1 } else { range.end };
    out.push(
        Finding::new(
            span,
            format!("the syntax directive pulls the frontend image '{frontend}' before building, which an offline build cannot"),
            "remove the line: the engine's built-in frontend reads this file (keep it only for features the built-in one lacks)",
        )
        .fix(Some(Fix::replace(range.start..end, ""))),
    );
}
