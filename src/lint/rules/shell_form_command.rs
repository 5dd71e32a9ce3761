//! DW3001: `CMD` or `ENTRYPOINT` in shell form runs the program under `/bin/sh -c`, which does not
//! pass signals on: `docker stop` waits its timeout, then kills. BuildKit's JSONArgsRecommended:
//! not reported when a `SHELL` instruction of the stage (or a stage it is built on) set the shell.

use super::{Rule, info, json};
use crate::lint::context::Context;
use crate::lint::{Finding, Fix, Severity};

pub(crate) const RULE: Rule = Rule {
    info: info(
        "DW3001",
        "shell-form-command",
        Severity::Warning,
        true,
        &["DL3025"],
        Some("JSONArgsRecommended"),
        "CMD or ENTRYPOINT in shell form",
    ),
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (index, stage) in cx.stages.iter().enumerate() {
        let parents_set_shell = cx.chain(index).iter().skip(1).any(|&parent| {
            cx.stages.get(parent).is_some_and(|stage| stage.nodes.iter().any(|node| node.keyword == "shell"))
        });
        let mut shell_set = parents_set_shell;
        for node in &stage.nodes {
            match node.keyword.as_str() {
                "shell" => shell_set = true,
                "cmd" | "entrypoint" if !node.json && !shell_set => {
                    let args = cx.args(node);
                    let (Some((first, program)), Some((last, _))) = (args.first(), args.last()) else { continue };
                    let range = first.start..last.end;
                    let keyword = node.keyword.to_uppercase();
                    let text = &node.original[range.clone()];
                    let fix = exec_form(text).map(|exec| Fix::replace(cx.logical(node, range.clone()).range(), exec));
                    out.push(
                        Finding::new(
                            cx.logical(node, range),
                            format!(
                                "{keyword} in shell form runs under /bin/sh -c, which does not pass signals on to \
                                 '{program}'"
                            ),
                            format!("write it in exec form: {keyword} [\"program\", \"arg\", ...] (or prefix the command with exec)"),
                        )
                        .fix(fix),
                    );
                }
                _ => {}
            }
        }
    }
}

/// The exec form that runs `text` the same way, when every word is plain (no quotes, variables,
/// globs or shell operators, which only a shell would interpret).
fn exec_form(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let plain = |word: &&str| word.chars().all(|c| c.is_ascii_alphanumeric() || "_./:=,@%+-".contains(c));
    (!words.is_empty() && words.iter().all(plain) && text.len() == text.trim().len()).then(|| json(&words))
}
