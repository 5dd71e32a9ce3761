//! DW1004: `RUN --network=host` gives the step the build host's network: it can reach services bound
//! to the host's loopback, and its result depends on the host.

use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info("DW1004", "run-network-host", Severity::Warning, true, &[], None, "a RUN step uses the host's network"),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for node in cx.stages.iter().flat_map(|stage| stage.nodes.iter()).filter(|node| node.keyword == "run") {
        if Context::flag_value(node, "network").is_some_and(|value| value.eq_ignore_ascii_case("host")) {
            let span = cx.flag(node, "network").map_or(cx.node_span(node), |(range, _)| cx.logical(node, range));
            out.push(Finding::new(
                span,
                "RUN --network=host gives the step the build host's network",
                "drop --network=host (the default network reaches the internet; --network=none is safer still), \
                 or run the step outside the build",
            ));
        }
    }
}
