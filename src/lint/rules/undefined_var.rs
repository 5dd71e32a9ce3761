//! DW3007: an instruction reads a variable that no `ARG` or `ENV` before it defines (BuildKit's
//! UndefinedVar): it expands to nothing. Shell-form RUN, CMD and ENTRYPOINT are not checked (their
//! shell expands variables at run time), as BuildKit does.

use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::vars::{reference_span, suggest, undefined};
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW3007",
        "undefined-var",
        Severity::Warning,
        true,
        &[],
        Some("UndefinedVar"),
        "an instruction reads an undefined variable",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for found in undefined(cx).into_iter().filter(|found| !found.in_from) {
        let name = &found.name;
        let mut message = format!("'${name}' is not defined by any ARG or ENV before it, so it expands to nothing");
        if let Some(image) = &found.base_image {
            message.push_str(&format!(" (unless base image '{image}' sets it)"));
        }
        let help = match suggest(name, &found.known) {
            Some(close) => {
                format!("did you mean ${close}? otherwise declare it first: ARG {name} or ENV {name}=<value>")
            }
            None => format!("declare it first: ARG {name} or ENV {name}=<value>"),
        };
        out.push(Finding::new(reference_span(cx, found.node, name), message, help));
    }
}
