//! DW1003: an `ARG` default or `ENV` value that looks like a credential itself: a cloud access key, a
//! token with a well-known prefix, a private key, or a URL with a password. It is in the image (ENV)
//! or its history (ARG) for anyone who pulls it.

use super::{Rule, info};
use crate::lint::context::Context;
use crate::lint::{Finding, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW1003",
        "secret-value",
        Severity::Error,
        true,
        &[],
        None,
        "an ARG default or ENV value looks like a credential",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let nodes = cx.globals.iter().chain(cx.stages.iter().flat_map(|stage| stage.nodes.iter()));
    for node in nodes {
        if node.keyword != "arg" && node.keyword != "env" {
            continue;
        }
        for (range, word) in cx.args(node) {
            let value_at = match word.find('=') {
                Some(at) => at + 1,
                None if node.keyword == "env" => 0,
                None => continue,
            };
            let value = &word[value_at..];
            if let Some(kind) = credential(value) {
                let span = cx.logical(node, range.start + value_at..range.end);
                out.push(Finding::new(
                    span,
                    format!("{} value holds {kind}", node.keyword.to_uppercase()),
                    "remove it from the Dockerfile, revoke it, and pass it at build time with a secret mount \
                     (RUN --mount=type=secret,id=<id> ...)",
                ));
            }
        }
    }
}

/// What kind of credential `value` holds, if it holds one.
pub(crate) fn credential(value: &str) -> Option<&'static str> {
    let value = value.trim_matches(|c| c == '"' || c == '\'');
    let run = |prefix: &str, min: usize| {
        value.match_indices(prefix).any(|(at, _)| {
            let rest = &value[at + prefix.len()..];
            rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').count() >= min
        })
    };
    if value.match_indices("AKIA").any(|(at, _)| {
        let rest = &value.as_bytes()[at + 4..];
        rest.len() >= 16 && rest[..16].iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    }) {
        return Some("an AWS access key id");
    }
    if ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"].iter().any(|prefix| run(prefix, 30)) || run("github_pat_", 30) {
        return Some("a GitHub token");
    }
    if run("glpat-", 20) {
        return Some("a GitLab token");
    }
    if ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"].iter().any(|prefix| value.contains(prefix)) {
        return Some("a Slack token");
    }
    if run("sk_live_", 20) {
        return Some("a Stripe secret key");
    }
    if value.contains("-----BEGIN") && value.contains("PRIVATE KEY") {
        return Some("a private key");
    }
    if let Some((_, rest)) = value.split_once("://") {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        if let Some((userinfo, _)) = authority.rsplit_once('@') {
            if let Some((_, password)) = userinfo.split_once(':') {
                if !password.is_empty() && !password.starts_with('$') {
                    return Some("a URL with a password");
                }
            }
        }
    }
    None
}
