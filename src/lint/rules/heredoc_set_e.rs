//! DW3020: a `RUN <<EOF` script of several commands that does not start with `set -e`: the shell runs
//! every line and the step's status is the last command's, so a failing line in the middle is
//! ignored (BuildKit runs the body with the stage's shell, without `-e`).

use super::{Rule, info, stage_shell};
use crate::lint::context::Context;
use crate::lint::runs::runs;
use crate::lint::{Finding, Fix, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info("DW3020", "heredoc-set-e", Severity::Warning, true, &[], None, "a heredoc RUN script without set -e"),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for site in runs(cx) {
        if !site.is_heredoc_body() || site.commands().len() < 2 {
            continue;
        }
        if site.shebang().is_some() {
            continue;
        }
        let shell = stage_shell(cx, site.stage, site.index);
        if shell.iter().skip(1).any(|arg| errexit_flag(arg)) {
            continue;
        }
        let first_real = site.commands().iter().position(|command| command.tool() != Some("set")).unwrap_or(0);
        let sets_e = site.commands()[..first_real].iter().any(|command| {
            let args: Vec<&str> = command.args().collect();
            args.iter().any(|arg| errexit_flag(arg)) || args.windows(2).any(|pair| pair == ["-o", "errexit"])
        });
        if sets_e {
            continue;
        }
        let opener = cx.args(site.node).first().map(|(range, _)| range.clone());
        let span = opener.map_or(cx.node_span(site.node), |range| cx.logical(site.node, range));
        let fix = site.command_source(cx, 0).map(|range| Fix::replace(range.start..range.start, "set -e\n"));
        out.push(
            Finding::new(
                span,
                format!(
                    "RUN {} runs {} commands without set -e: a failing command before the last one does not fail the step",
                    cx.args(site.node).first().map_or("<<", |(_, word)| *word),
                    site.commands().len()
                ),
                "start the script with set -e (or set -eux)",
            )
            .fix(fix),
        );
    }
}

/// `-e`, `-eux`, `-ex` ...: short options including `e`.
fn errexit_flag(arg: &str) -> bool {
    arg.len() > 1
        && arg.starts_with('-')
        && !arg.starts_with("--")
        && arg[1..].chars().all(|c| c.is_ascii_alphabetic())
        && arg.contains('e')
}
