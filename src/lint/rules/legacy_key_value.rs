//! DW5004: `ENV key value` and `LABEL key value`, the legacy form without `=` (BuildKit's
//! LegacyKeyValueFormat): it takes the whole rest of the line as the value, which surprises.

use super::{Rule, info, word};
use crate::lint::context::Context;
use crate::lint::{Finding, Fix, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW5004",
        "legacy-key-value",
        Severity::Warning,
        true,
        &[],
        Some("LegacyKeyValueFormat"),
        "ENV or LABEL in the legacy 'key value' form",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let escape = cx.parsed.ast.directives.escape;
    for node in cx.stages.iter().flat_map(|stage| stage.nodes.iter()) {
        if !matches!(node.keyword.as_str(), "env" | "label") || node.args.len() != 3 || !node.args[2].is_empty() {
            continue;
        }
        let keyword = node.keyword.to_uppercase();
        let args = cx.args(node);
        let (Some((first, key)), Some((last, _))) = (args.first(), args.last()) else { continue };
        let span = cx.logical(node, first.start..last.end);
        let value_text = node.original[first.end..last.end].trim_start();
        let value = &node.args[1];
        // Only when the value reads back the same as one word: plain text, no quotes or escapes.
        let plain = value == value_text && !value.contains(['"', '\'', escape, '$']);
        let fix = if plain && span.from.line == span.to.line {
            word(value, escape).map(|value| Fix::replace(span.range(), format!("{key}={value}")))
        } else {
            None
        };
        out.push(
            Finding::new(
                span,
                format!("{keyword} {key} uses the legacy 'key value' form"),
                format!("write {keyword} {key}=<value> (quote the value if it has spaces)"),
            )
            .fix(fix),
        );
    }
}
