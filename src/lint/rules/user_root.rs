//! DW1001: the final image runs as root, because its last `USER` is root or no `USER` sets another.
//! Only the final stage counts (and the stages it is built on): a builder stage running as root is
//! normal, and judging every stage is a known false positive of hadolint's DL3002.

use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info("DW1001", "user-root", Severity::Warning, true, &["DL3002"], None, "the final image runs as root"),
    check,
};

const HELP: &str = "add a USER with a non-root user (e.g. USER 10001:10001) after the last step that needs root";

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(last) = cx.final_stage() else { return };
    let chain = cx.chain(last);
    for &stage in &chain {
        let Some(nodes) = cx.stages.get(stage).map(|stage| &stage.nodes) else { return };
        if let Some(user) = nodes.iter().rev().find(|node| node.keyword == "user") {
            let value = user.args.first().map(|arg| arg.trim()).unwrap_or("");
            let name = value.split(':').next().unwrap_or("");
            if (name == "root" || name == "0") && !value.contains('$') {
                let args = cx.args(user);
                let span = match (args.first(), args.last()) {
                    (Some((first, _)), Some((last, _))) => cx.logical(user, first.start..last.end),
                    _ => cx.node_span(user),
                };
                out.push(Finding::new(span, format!("the final image runs as root: USER {value}"), HELP));
            }
            return;
        }
    }
    let Some(&top) = chain.last() else { return };
    let Some(stage) = cx.stages.get(top) else { return };
    let image = stage.from.args.first().map(String::as_str).unwrap_or("");
    if image.contains("nonroot") || image.contains("rootless") || image.contains('$') {
        return;
    }
    let message = if image.eq_ignore_ascii_case("scratch") {
        "the final image runs as root: no USER instruction sets another user".to_string()
    } else {
        format!(
            "the final image runs as the user of base image '{image}' (root, unless the image sets another): no \
             USER instruction sets one"
        )
    };
    let last = cx.stages.get(last).map_or(stage.from, |stage| stage.from);
    out.push(Finding::new(cx.keyword(last).1, message, HELP));
}
