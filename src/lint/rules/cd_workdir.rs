//! DW3021: `cd` in a `RUN` to a directory later steps could name with `WORKDIR`. A `cd` lasts for its
//! `RUN` only; `WORKDIR` says where the following steps run, and creates the directory. Reported once
//! per `RUN`, at its first `cd`.

use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::runs::runs;
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info("DW3021", "cd-workdir", Severity::Info, true, &["DL3003"], None, "cd where WORKDIR says it"),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for site in runs(cx) {
        for (index, command) in site.commands().iter().enumerate() {
            if command.program() != Some("cd") {
                continue;
            }
            let Some(dir) = command.words.get(1).filter(|word| word.is_literal() && !word.text.starts_with('-')) else {
                continue;
            };
            out.push(Finding::new(
                site.command_span(cx, index),
                format!("RUN changes directory with 'cd {}', which lasts for this RUN only", dir.text),
                format!("set the directory with WORKDIR {} before the RUN", dir.text),
            ));
            // One finding per RUN, at its first cd: the WORKDIR replaces that one.
            break;
        }
    }
}
