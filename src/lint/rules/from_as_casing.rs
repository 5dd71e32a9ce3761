//! DW5002: `FROM ... as name` with `as` in another case than `FROM` (BuildKit's FromAsCasing).

use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::{Finding, Fix, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW5002",
        "from-as-casing",
        Severity::Style,
        true,
        &[],
        Some("FromAsCasing"),
        "'AS' is not in the case of 'FROM'",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for stage in &cx.stages {
        let (from, _) = cx.keyword(stage.from);
        let args = cx.args(stage.from);
        let [_, (range, as_word), _] = args.as_slice() else { continue };
        let wanted = if from == from.to_lowercase() {
            as_word.to_lowercase()
        } else if from == from.to_uppercase() {
            as_word.to_uppercase()
        } else {
            continue;
        };
        if *as_word == wanted {
            continue;
        }
        let span = cx.logical(stage.from, range.clone());
        out.push(
            Finding::new(span, format!("'{as_word}' and '{from}' are not in the same case"), format!("write {wanted}"))
                .fix(Some(Fix::replace(span.range(), wanted))),
        );
    }
}
