//! DW5001: instruction keywords in mixed case, or not in the case most of the file's instructions use
//! (BuildKit's ConsistentInstructionCasing; global ARGs are not counted, as in BuildKit).

use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::{Finding, Fix, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW5001",
        "instruction-casing",
        Severity::Style,
        true,
        &[],
        Some("ConsistentInstructionCasing"),
        "instruction keywords are not all in one case",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let nodes: Vec<_> =
        cx.stages.iter().flat_map(|stage| std::iter::once(&stage.from).chain(stage.nodes.iter())).collect();
    let (mut lower, mut upper) = (0, 0);
    for node in &nodes {
        let (keyword, _) = cx.keyword(node);
        if keyword == keyword.to_lowercase() {
            lower += 1;
        } else if keyword == keyword.to_uppercase() {
            upper += 1;
        }
    }
    let majority_lower = lower > upper;
    for node in nodes {
        let (keyword, span) = cx.keyword(node);
        let wanted = if majority_lower { keyword.to_lowercase() } else { keyword.to_uppercase() };
        if keyword.is_empty() || keyword == wanted {
            continue;
        }
        let case = if majority_lower { "lower case" } else { "upper case" };
        out.push(
            Finding::new(
                span,
                format!("'{keyword}' should be in {case}, like most instructions of the file"),
                format!("write {wanted}"),
            )
            .fix(Some(Fix::replace(span.range(), wanted))),
        );
    }
}
