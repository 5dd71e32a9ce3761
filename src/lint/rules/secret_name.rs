//! DW1002: an `ARG` or `ENV` whose name says it holds a secret (BuildKit's SecretsUsedInArgOrEnv, with
//! its word lists): ARG values are visible in the image's history, ENV values in its config.

use super::{Rule, info};
use crate::import::Node;
use crate::lint::context::Context;
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW1002",
        "secret-name",
        Severity::Warning,
        true,
        &[],
        Some("SecretsUsedInArgOrEnv"),
        "an ARG or ENV name says it holds a secret",
    ),
    check,
};

/// BuildKit's deny list: a name whose first, last or only `_`-separated word is one of these.
const DENY: &[&str] =
    &["apikey", "auth", "credential", "credentials", "key", "password", "pword", "passwd", "secret", "token"];
/// BuildKit's allow list, which wins: `PUBLIC_KEY`, `PASSWORD_FILE`, `AUTH_VERSION`.
const ALLOW: &[&str] = &["public", "file", "version"];

/// Whether one of `tokens` is a `_`-delimited word of `name` (BuildKit's `(?i)(?:_|^)(?:t)(?:_|$)`).
fn has_token(name: &str, tokens: &[&str]) -> bool {
    let lower = name.to_ascii_lowercase();
    tokens.iter().any(|token| {
        lower.match_indices(token).any(|(at, _)| {
            let before = at == 0 || lower.as_bytes()[at - 1] == b'_';
            let end = at + token.len();
            let after = end == lower.len() || lower.as_bytes()[end] == b'_';
            before && after
        })
    })
}

/// Whether BuildKit takes `name` for a secret.
pub(crate) fn is_secret_name(name: &str) -> bool {
    has_token(name, DENY) && !has_token(name, ALLOW)
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let nodes = cx.globals.iter().chain(cx.stages.iter().flat_map(|stage| stage.nodes.iter()));
    for node in nodes {
        for (name, span) in names(cx, node) {
            if is_secret_name(&name) {
                let message = if node.keyword == "arg" {
                    format!("ARG '{name}' looks like a secret, and build arguments are kept in the image's history")
                } else {
                    format!("ENV '{name}' looks like a secret, and ENV values are kept in the image's config")
                };
                out.push(Finding::new(
                    span,
                    message,
                    "pass it with a secret mount instead: RUN --mount=type=secret,id=<id>,env=<NAME> ... (docker build \
                     --secret id=<id>,env=<NAME>)",
                ));
            }
        }
    }
}

/// The names an ARG or ENV declares, with the span of each.
pub(crate) fn names(cx: &Context<'_>, node: &Node) -> Vec<(String, crate::import::Span)> {
    let words = cx.args(node);
    match node.keyword.as_str() {
        "arg" => words
            .iter()
            .map(|(range, word)| {
                let name = word.split('=').next().unwrap_or("");
                (name.to_string(), cx.logical(node, range.start..range.start + name.len()))
            })
            .collect(),
        "env" => {
            let legacy = node.args.get(2).is_some_and(String::is_empty);
            if legacy {
                return words
                    .first()
                    .map(|(range, word)| (word.to_string(), cx.logical(node, range.clone())))
                    .into_iter()
                    .collect();
            }
            words
                .iter()
                .filter_map(|(range, word)| {
                    let (name, _) = word.split_once('=')?;
                    Some((name.to_string(), cx.logical(node, range.start..range.start + name.len())))
                })
                .collect()
        }
        _ => Vec::new(),
    }
}
