//! DW3004: two stages with the same name (BuildKit compares them lower-cased): `COPY --from` and
//! `--target` can only reach one of them.

use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW3004",
        "duplicate-stage",
        Severity::Error,
        true,
        &["DL3024"],
        Some("DuplicateStageName"),
        "two stages share a name",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut seen: Vec<String> = Vec::new();
    for stage in &cx.stages {
        let Some((span, name)) = stage_name(cx, stage.from) else { continue };
        let lower = name.to_lowercase();
        if seen.contains(&lower) {
            out.push(Finding::new(
                span,
                format!("stage name '{lower}' is used by an earlier stage too"),
                "give each stage its own name",
            ));
        }
        seen.push(lower);
    }
}

/// The stage name of a `FROM` node as written, and its span.
pub(crate) fn stage_name<'n>(
    cx: &Context<'_>,
    from: &'n crate::import::Node,
) -> Option<(crate::import::Span, &'n str)> {
    let args = cx.args(from);
    match args.as_slice() {
        [_, (_, as_word), (range, name)] if as_word.eq_ignore_ascii_case("as") => {
            Some((cx.logical(from, range.clone()), name))
        }
        _ => None,
    }
}
