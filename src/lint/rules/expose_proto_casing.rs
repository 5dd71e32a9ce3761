//! DW5005: an `EXPOSE` protocol not in lower case (`80/TCP`): BuildKit's ExposeProtoCasing.

use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::{Finding, Fix, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW5005",
        "expose-proto-casing",
        Severity::Style,
        true,
        &[],
        Some("ExposeProtoCasing"),
        "an EXPOSE protocol is not lower case",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for node in cx.stages.iter().flat_map(|stage| stage.nodes.iter()).filter(|node| node.keyword == "expose") {
        for (range, word) in cx.args(node) {
            let Some(slash) = word.rfind('/') else { continue };
            let proto = &word[slash + 1..];
            if proto == proto.to_lowercase() || word.contains('$') {
                continue;
            }
            let proto_span = cx.logical(node, range.start + slash + 1..range.end);
            out.push(
                Finding::new(
                    cx.logical(node, range),
                    format!("EXPOSE {word}: the protocol '{proto}' should be lower case"),
                    format!("write {}", proto.to_lowercase()),
                )
                .fix(Some(Fix::replace(proto_span.range(), proto.to_lowercase()))),
            );
        }
    }
}
