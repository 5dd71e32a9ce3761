//! DW3014: the final image exposes a port (it is a service) but has no `HEALTHCHECK`: the engine and
//! orchestrators cannot tell a hung service from a healthy one (hadolint's DL3057, which it leaves off).

use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW3014",
        "no-healthcheck",
        Severity::Info,
        true,
        &["DL3057"],
        None,
        "a service image has no HEALTHCHECK",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(last) = cx.final_stage() else { return };
    let chain = cx.chain(last);
    let nodes: Vec<_> =
        chain.iter().filter_map(|&stage| cx.stages.get(stage)).flat_map(|stage| stage.nodes.iter()).collect();
    if nodes.iter().any(|node| node.keyword == "healthcheck") {
        return;
    }
    let Some(expose) = nodes.iter().find(|node| node.keyword == "expose") else { return };
    let ports = expose.args.join(" ");
    out.push(Finding::new(
        cx.keyword(expose).1,
        format!("the final image serves port {ports} but has no HEALTHCHECK"),
        "add a HEALTHCHECK that probes the service with a tool the image has (e.g. HEALTHCHECK CMD [\"wget\", \"-qO-\", \
         \"http://127.0.0.1:<port>/health\"])",
    ));
}
