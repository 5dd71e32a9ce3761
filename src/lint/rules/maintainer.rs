//! DW3011: `MAINTAINER` is deprecated (BuildKit's MaintainerDeprecated, hadolint's DL4000): the author
//! belongs in the `org.opencontainers.image.authors` label.

use super::{Rule, info, keyword_like, word};
use crate::lint::context::Context;
use crate::lint::{Finding, Fix, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW3011",
        "maintainer",
        Severity::Warning,
        true,
        &["DL4000"],
        Some("MaintainerDeprecated"),
        "MAINTAINER is deprecated",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let escape = cx.parsed.ast.directives.escape;
    for node in cx.stages.iter().flat_map(|stage| stage.nodes.iter()).filter(|node| node.keyword == "maintainer") {
        let (keyword, keyword_span) = cx.keyword(node);
        let author = node.args.first().map(|arg| arg.trim()).unwrap_or("");
        let fix = word(author, escape).filter(|_| !author.is_empty()).map(|value| {
            let label = keyword_like("LABEL", keyword);
            Fix::replace(cx.node_span(node).range(), format!("{label} org.opencontainers.image.authors={value}"))
        });
        out.push(
            Finding::new(
                keyword_span,
                "MAINTAINER is deprecated: write the author as a label",
                "use LABEL org.opencontainers.image.authors=\"...\"",
            )
            .fix(fix),
        );
    }
}
