//! DW3003: `COPY --from=<name>` (or `RUN --mount=...,from=<name>`) where `<name>` is no earlier stage: a later stage or the stage itself
//! (BuildKit refuses the cycle), a stage number out of range, or a plain name that is no stage, which
//! BuildKit takes for a named build context or else an image on Docker Hub (often a misspelt stage;
//! write the image with its tag, `--from=alpine:3.20`, to say an image is meant).

use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW3003",
        "copy-from-unknown",
        Severity::Warning,
        true,
        &["DL3022", "DL3023"],
        None,
        "COPY --from names no earlier stage",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let names: Vec<Option<String>> = cx
        .stages
        .iter()
        .map(|stage| match stage.from.args.as_slice() {
            [_, as_word, name] if as_word.eq_ignore_ascii_case("as") => Some(name.to_lowercase()),
            _ => None,
        })
        .collect();
    for (index, stage) in cx.stages.iter().enumerate() {
        for (_, value, span, what) in references(cx, &stage.nodes) {
            if value.contains('$') {
                continue;
            }
            let lower = value.to_lowercase();
            let message = if let Ok(number) = value.parse::<usize>() {
                (number >= index)
                    .then(|| format!("COPY --from={value} names stage {number}, which is not an earlier stage"))
            } else if let Some(at) = names.iter().position(|name| name.as_deref() == Some(lower.as_str())) {
                (at >= index).then(|| {
                    if at == index {
                        format!("{what} names the stage it is in")
                    } else {
                        format!("{what} names a later stage")
                    }
                })
            } else if !value.contains(['/', ':', '@', '.']) {
                Some(format!(
                    "{what} names no stage of this file: BuildKit takes it for a build context of that name, or \
                     else pulls the image docker.io/library/{lower}"
                ))
            } else {
                None
            };
            if let Some(message) = message {
                let stages: Vec<&str> = names.iter().take(index).flatten().map(String::as_str).collect();
                let help = if stages.is_empty() {
                    "define the stage before this one (FROM ... AS <name>), or name an image with its tag".to_string()
                } else {
                    format!("name an earlier stage ({}), or an image with its tag", stages.join(", "))
                };
                out.push(Finding::new(span, message, help));
            }
        }
    }
}

/// The stage references of a stage's instructions: `COPY --from=<x>` and `RUN --mount=...,from=<x>`,
/// with the value, the span of the flag, and how to name it in a message.
fn references<'n>(
    cx: &Context<'_>,
    nodes: &[&'n crate::import::Node],
) -> Vec<(&'n crate::import::Node, String, crate::import::Span, String)> {
    let mut out = Vec::new();
    for node in nodes {
        match node.keyword.as_str() {
            "copy" => {
                let Some(value) = Context::flag_value(node, "from") else { continue };
                let span = cx.flag(node, "from").map_or(cx.node_span(node), |(range, _)| cx.logical(node, range));
                out.push((*node, value.to_string(), span, format!("COPY --from={value}")));
            }
            "run" => {
                for (range, word) in cx.words(node).into_iter().take_while(|(_, word)| word.starts_with("--")) {
                    let Some(mount) = word.strip_prefix("--mount=") else { continue };
                    let mount = mount.trim_matches(|c| c == '"' || c == '\'');
                    let from = mount.split(',').find_map(|field| {
                        let (key, value) = field.split_once('=')?;
                        key.trim().eq_ignore_ascii_case("from").then(|| value.trim().to_string())
                    });
                    if let Some(value) = from {
                        let what = format!("RUN --mount=...,from={value}");
                        out.push((*node, value, cx.logical(node, range), what));
                    }
                }
            }
            _ => {}
        }
    }
    out
}
