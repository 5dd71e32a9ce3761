//! DW4008: `RUN` right after `RUN` in the same stage: each makes a layer and a cache step; one `RUN`
//! joined with `&&` makes one. Style, off by default: separate steps can be worth their layers (a
//! slow step cached apart from a fast-changing one).

use super::{Rule, info, join_fix};
use crate::lint::context::Context;
use crate::lint::runs::runs;
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW4008",
        "consecutive-runs",
        Severity::Style,
        false,
        &["DL3059"],
        None,
        "consecutive RUNs that could be one layer",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let sites = runs(cx);
    for pair in sites.windows(2) {
        let (first, next) = (&pair[0], &pair[1]);
        if next.stage != first.stage || !consecutive(cx, first, next) {
            continue;
        }
        // Different flags (mounts, network) are different steps.
        if first.node.flags != next.node.flags {
            continue;
        }
        let (keyword, span) = cx.keyword(next.node);
        out.push(
            Finding::new(
                span,
                format!("{keyword} follows a RUN: two layers where one would do"),
                "join the commands into the RUN above with &&",
            )
            .fix(join_fix(cx, first, next)),
        );
    }
}

/// Whether only comments lie between the two instructions in the model.
fn consecutive(
    cx: &Context<'_>,
    first: &crate::lint::runs::RunSite<'_>,
    next: &crate::lint::runs::RunSite<'_>,
) -> bool {
    let Some(stage) = cx.lowered.dockerfile.stages.get(first.stage) else { return false };
    (first.index + 1..next.index)
        .all(|at| matches!(stage.instructions.get(at), Some(crate::model::Instruction::Comment(_))))
}
