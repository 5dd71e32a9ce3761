//! DW3018: an empty line inside a continued instruction (BuildKit's NoEmptyContinuation): BuildKit
//! skips it today and says it will become an error.

use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::{Edit, Finding, Fix, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW3018",
        "empty-continuation",
        Severity::Warning,
        true,
        &[],
        Some("NoEmptyContinuation"),
        "an empty line inside a continued instruction",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for warning in &cx.parsed.warnings {
        let Some(node) =
            cx.parsed.ast.nodes.iter().find(|node| node.start_line <= warning.line && warning.line <= node.end_line)
        else {
            continue;
        };
        let lines = &cx.parsed.ast.lines;
        let mut edits = Vec::new();
        let mut first = None;
        for line in node.start_line + 1..=node.end_line {
            let Some(range) = lines.line(line) else { continue };
            if node.heredoc_spans.iter().any(|doc| doc.start <= range.start && range.start <= doc.end) {
                continue;
            }
            if cx.text[range.clone()].trim().is_empty() {
                first.get_or_insert(range.clone());
                let end = (range.end + 1).min(cx.text.len());
                edits.push(Edit { range: range.start..end, replacement: String::new() });
            }
        }
        let span = first.map_or(cx.node_span(node), |range| cx.span(range));
        let keyword = node.keyword.to_uppercase();
        out.push(
            Finding::new(
                span,
                format!("the {keyword} instruction continues over an empty line, which BuildKit will refuse"),
                "remove the empty line (or end the instruction before it)",
            )
            .fix((!edits.is_empty()).then_some(Fix { edits })),
        );
    }
}
