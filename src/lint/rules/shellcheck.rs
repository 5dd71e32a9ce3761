//! DW3023: ShellCheck on every shell-form `RUN` script, with the stage's shell as its dialect. The
//! core runs no program, so [`check`](crate::lint::check) finds nothing here:
//! [`check_with`](crate::lint::check_with) runs it with the caller's runner, and reports its findings
//! under ShellCheck's own codes (`SC2086` ...), or one info finding of this code when ShellCheck could
//! not run. This entry names the pass: disabling `shellcheck` (or DW3023) turns it off.

use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW3023",
        "shellcheck",
        Severity::Info,
        true,
        &[],
        None,
        "ShellCheck's findings in RUN scripts (SC codes), or that it was not run",
    ),
    check,
};

/// Nothing without a runner: see [`check_with`](crate::lint::check_with).
fn check(_: &Context<'_>, _: &mut Vec<Finding>) {}
