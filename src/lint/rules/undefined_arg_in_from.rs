//! DW3008: a `FROM` line reads a variable that is not a global `ARG` (declared before the first
//! `FROM`) nor one of BuildKit's platform ARGs (BuildKit's UndefinedArgInFrom): it expands to nothing.

use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::vars::{reference_span, suggest, undefined};
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW3008",
        "undefined-arg-in-from",
        Severity::Warning,
        true,
        &[],
        Some("UndefinedArgInFrom"),
        "a FROM line reads an undeclared ARG",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for found in undefined(cx).into_iter().filter(|found| found.in_from) {
        let name = &found.name;
        let help = match suggest(name, &found.known) {
            Some(close) => {
                format!("did you mean ${close}? otherwise declare it before the first FROM: ARG {name}=<default>")
            }
            None => format!("declare it before the first FROM: ARG {name}=<default>"),
        };
        out.push(Finding::new(
            reference_span(cx, found.node, name),
            format!("FROM reads '${name}', which is not a global ARG (one declared before the first FROM)"),
            help,
        ));
    }
}
