//! DW3002: an instruction written like an exec form (`CMD ['app', '--port', '80']`) that is not valid
//! JSON, so BuildKit silently takes it as shell text: the shell runs the brackets and quotes.

use super::{Rule, info, json};
use crate::lint::context::Context;
use crate::lint::{Finding, Fix, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW3002",
        "exec-form-fallback",
        Severity::Error,
        true,
        &[],
        None,
        "an exec form that is not valid JSON runs as shell text",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let nodes = cx.stages.iter().flat_map(|stage| stage.nodes.iter());
    for node in
        nodes.filter(|node| matches!(node.keyword.as_str(), "run" | "cmd" | "entrypoint" | "copy" | "add" | "volume"))
    {
        if node.json || !node.heredocs.is_empty() {
            continue;
        }
        let args = cx.args(node);
        let (Some((first, _)), Some((last, _))) = (args.first(), args.last()) else { continue };
        let range = first.start..last.end;
        let text = &node.original[range.clone()];
        if !meant_as_exec(text) {
            continue;
        }
        let keyword = node.keyword.to_uppercase();
        let span = cx.logical(node, range);
        let fix = single_quoted_array(text).map(|items| {
            let items: Vec<&str> = items.iter().map(String::as_str).collect();
            Fix::replace(span.range(), json(&items))
        });
        out.push(
            Finding::new(
                span,
                format!("{keyword} {text} is not a JSON array, so it runs as shell text, brackets and quotes included"),
                "write the exec form as JSON, with double quotes: [\"program\", \"arg\"]",
            )
            .fix(fix),
        );
    }
}

/// The items of `['a', 'b']`: single-quoted strings without quotes or backslashes inside.
fn single_quoted_array(text: &str) -> Option<Vec<String>> {
    let inner = text.strip_prefix('[')?.strip_suffix(']')?.trim();
    if inner.is_empty() {
        return None;
    }
    inner
        .split(',')
        .map(|item| {
            let item = item.trim().strip_prefix('\'')?.strip_suffix('\'')?;
            (!item.contains(['\'', '"', '\\'])).then(|| item.to_string())
        })
        .collect()
}

/// Whether `text` is shaped like an exec form (`['a', 'b']`, `["a", b]`, `["a",]`) rather than shell
/// text that starts with a bracket (`[ -f x ] && y`): between the brackets, items separated by commas
/// outside quotes, each one word, and a comma or a quoted item.
fn meant_as_exec(text: &str) -> bool {
    let Some(inner) = text.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')) else { return false };
    let mut items = vec![String::new()];
    let mut quote = None;
    for c in inner.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == ',' => {
                items.push(String::new());
                continue;
            }
            _ => {}
        }
        if let Some(item) = items.last_mut() {
            item.push(c);
        }
    }
    if quote.is_some() {
        return false;
    }
    let last_empty = items.len() > 1 && items.last().is_some_and(|item| item.trim().is_empty());
    if last_empty {
        items.pop();
    }
    let one_word = |item: &String| {
        let item = item.trim();
        let mut quote = None;
        let mut outside_space = false;
        for c in item.chars() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == '"' || c == '\'' => quote = Some(c),
                None => outside_space |= c.is_whitespace(),
            }
        }
        !item.is_empty() && !outside_space
    };
    let quoted = items.iter().any(|item| item.trim().starts_with(['"', '\'']));
    items.iter().all(one_word) && (items.len() > 1 || quoted)
}
